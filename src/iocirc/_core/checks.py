"""Checks of the values a function computes with, driven by :data:`iocirc.schema.VARIABLES`.

One place decides what a regional IO table may hold, for every function that
computes with its values (the validator, the analysis models, the indicators,
the aggregations): each variable's :class:`~iocirc.schema.VariableSpec` says
whether NaN is allowed (``final_use``: a whole flow column a region does not
report) and whether negative values are (``total_output``: never); infinite
values are never allowed; every monetary variable is in the table's
``currency_unit``; labels are unique and no dimension of the schema is empty.

On numpy-backed data the checks run at once. On dask-backed data each becomes a
step of every chunk (:func:`dask.array.map_blocks` on the raw array, which dask
fuses with the computation that reads the chunk: no extra pass, no extra
memory), so that nothing is computed when a function builds its result, and the
error is raised when the result is computed. The message then names the first
bad cells of the chunk that holds them.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Literal

import numpy as np
import xarray as xr

from iocirc._core.positions import describe
from iocirc.errors import ArgumentError, ChoiceError, SchemaError, UnitError
from iocirc.schema import VARIABLES, VariableSpec
from iocirc.units import parse_unit

#: The largest absolute value a table may hold (world GDP is about 1e14 USD; sums of squares
#: of larger values overflow float64).
MAX_ABS = 1e150

__all__ = [
    "check_array",
    "check_choice",
    "check_labels",
    "check_tolerance",
    "check_units",
    "check_values",
    "check_year",
    "ensure",
    "finite_number",
]


class _Labels:
    """The labels of a DataArray (its index coordinates and the numpy-backed 1-D coordinates
    along its dimensions), to label one chunk of it inside a dask task."""

    def __init__(self, da: xr.DataArray) -> None:
        self.dims = tuple(da.dims)
        self.coords: dict[Hashable, tuple[Hashable, np.ndarray]] = {}
        for name, coord in da.coords.items():
            if coord.ndim == 1 and coord.dims[0] in self.dims and coord.chunks is None:
                self.coords[name] = (coord.dims[0], np.asarray(coord.values))

    def block(self, data: np.ndarray, location: list[tuple[int, int]] | None) -> xr.DataArray:
        """``data``, the chunk at ``location`` (dask's ``array-location``), labelled."""
        coords = {}
        for name, (dim, values) in self.coords.items():
            axis = self.dims.index(dim)
            part = values if location is None else values[slice(*location[axis])]
            if len(part) == data.shape[axis]:
                coords[name] = (dim, part)
        return xr.DataArray(data, dims=self.dims, coords=coords)


def _lazy_labels(da: xr.DataArray) -> Any:
    """The labels of ``da`` as one dask key (not copied into every task of the graph).

    The key is a token of the data's name and the labels, so that checking the same data
    twice gives the same graph (xarray then sees equal coordinates without computing)."""
    import dask
    from dask.base import tokenize

    labels = _Labels(da)
    token = tokenize(getattr(da.data, "name", None), labels.dims, labels.coords)
    return dask.delayed(labels, name=f"labels-{token}")


def _location(block_info: dict[Any, Any] | None, arg: int) -> list[tuple[int, int]] | None:
    if not block_info or arg not in block_info:
        return None
    return list(block_info[arg]["array-location"])


def _clean(data: np.ndarray, *, nan_allowed: bool, nonnegative: bool) -> bool:
    """True if ``data`` certainly passes: finite, within +-MAX_ABS, non-negative if asked.

    Two passes (min and max, which NaN propagates through) and no temporary arrays; a
    ``False`` sends the data to the full check, which names the cells."""
    low, high = float(np.min(data)), float(np.max(data))
    if not (math.isfinite(low) and math.isfinite(high)):
        return False
    if max(-low, high) > MAX_ABS:
        return False
    return not (nonnegative and low < 0)


def _problem(var: xr.DataArray, name: str, spec: VariableSpec | None) -> str | None:
    """What is wrong with the values of the table variable ``name`` (of ``spec``), or None."""
    data = np.asarray(var.values)
    if data.size == 0:
        return None
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        return f"holds {data.dtype} data; expected real numbers (float64)"
    data = data.astype(float, copy=False)
    nonnegative = spec is not None and spec.nonnegative
    if _clean(data, nan_allowed=False, nonnegative=nonnegative):
        return None
    null = np.isnan(data)
    if null.any():
        if spec is not None and spec.nan_allowed and "sector" in var.dims:
            axis = var.dims.index("sector")
            partial = null.any(axis=axis) & ~null.all(axis=axis)
            if partial.any():
                reduced = var.isel(sector=0, drop=True)
                return (
                    f"is NaN for some sectors only at {describe(reduced, partial)}; NaN marks a "
                    "flow a region does not report and must cover every sector of it"
                )
        else:
            return (
                f"has NaN at {describe(var, null)}; it must be complete (a missing value "
                "would be computed with as if it were 0 or spread through every result)"
            )
    infinite = np.isinf(data)
    if infinite.any():
        return f"is infinite at {describe(var, infinite)}"
    huge = np.abs(data) > MAX_ABS
    if huge.any():
        return (
            f"is {data[huge].flat[0]:.3g} at {describe(var, huge)}, beyond {MAX_ABS:g}: sums "
            "and products of such values overflow to infinity (a unit or parsing error?)"
        )
    if spec is not None and nonnegative:
        negative = data < 0
        if negative.any():
            return f"is negative at {describe(var, negative)}; {spec.long_name} cannot be negative"
    return None


def _raise_if_bad(
    var: xr.DataArray, name: str, purpose: str, spec: VariableSpec | None
) -> xr.DataArray:
    problem = _problem(var, name, spec)
    if problem is not None:
        raise SchemaError(f"{purpose}: variable {name!r} {problem}")
    return var


def _checked_values_chunk(
    data: np.ndarray,
    labels: _Labels,
    name: str,
    purpose: str,
    spec: VariableSpec | None,
    block_info: dict[Any, Any] | None = None,
) -> np.ndarray:
    if _plainly_fine(data, nonnegative=spec is not None and spec.nonnegative):
        return data  # the usual case: no labelled copy of the chunk is made
    _raise_if_bad(labels.block(data, _location(block_info, 0)), name, purpose, spec)
    return data


def _plainly_fine(data: np.ndarray, *, nonnegative: bool) -> bool:
    """True if the chunk ``data`` certainly passes (without NaN; see :func:`_clean`)."""
    if data.size == 0:
        return True
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        return False
    return _clean(data, nan_allowed=False, nonnegative=nonnegative)


def _lazily(var: xr.DataArray, func: Callable[..., np.ndarray], *args: Any) -> xr.DataArray:
    """``var`` with ``func(chunk, labels, *args)`` run on every chunk when it is computed.

    ``func`` returns the chunk itself (or raises): a blockwise step that dask fuses with
    whatever reads the chunk."""
    data = var.data
    checked = data.map_blocks(
        func, _lazy_labels(var), *args, dtype=data.dtype, meta=getattr(data, "_meta", None)
    )
    return var.copy(deep=False, data=checked)


def check_values(
    ds: xr.Dataset,
    names: Iterable[str] | None = None,
    *,
    purpose: str,
    specs: Mapping[str, VariableSpec] | None = None,
) -> xr.Dataset:
    """``ds`` after checking the values of the variables ``names`` (default: all of the schema).

    ``specs`` is the registry the variables are judged by (default
    :data:`iocirc.schema.VARIABLES`; :data:`~iocirc.schema.MRIO_VARIABLES` for a
    multi-regional table): whether NaN is allowed and whether negative values are.

    On numpy data the check runs now and ``ds`` itself is returned. Dask-backed
    variables are replaced by lazily checked ones (a new Dataset sharing the
    rest); the error comes when they are computed.

    Raises
    ------
    SchemaError
        NaN where the schema does not allow it, partial NaN in a flow column,
        infinite values, negative output, complex or non-numeric data; the
        message names the variable and the labels of the first bad cells.
    """
    specs = VARIABLES if specs is None else specs
    names = [n for n in (specs if names is None else names) if n in ds.data_vars]
    lazy: dict[str, xr.DataArray] = {}
    for name in names:
        var, spec = ds[name], specs.get(name)
        if var.chunks is None:
            _raise_if_bad(var, name, purpose, spec)
        else:
            lazy[name] = _lazily(var, _checked_values_chunk, name, purpose, spec)
    return ds.assign(lazy) if lazy else ds


def check_labels(ds: xr.Dataset | xr.DataArray, dims: Iterable[str], *, purpose: str) -> None:
    """Refuse duplicated labels, and empty dimensions, on ``dims`` (those ``ds`` has)."""
    for dim in dims:
        if dim not in ds.dims:
            continue
        if ds.sizes[dim] == 0:
            raise SchemaError(f"{purpose}: dimension {dim!r} is empty; there is nothing to compute")
        if dim in ds.indexes:
            index = ds.indexes[dim]
            if index.has_duplicates:
                dups = sorted({str(v) for v in index[index.duplicated()]})
                raise SchemaError(
                    f"{purpose}: dimension {dim!r} has the duplicated label(s) {dups}; "
                    "every label must occur once (a repeated region or flow would be counted "
                    "twice)"
                )


def check_units(
    ds: xr.Dataset,
    *,
    purpose: str,
    required: bool = True,
    variables: Iterable[str] | None = None,
) -> None:
    """Every monetary variable of the schema that ``ds`` has is in ``ds.attrs["currency_unit"]``.

    Units are compared as :func:`iocirc.units.parse_unit` reads them, so ``"万元"``
    and ``"10^4 CNY"`` are the same unit; a spelling it does not know must match
    exactly. Without a ``currency_unit`` attribute, an error if ``required``, else
    the variables' own ``units`` must agree with each other. ``variables`` are the
    monetary variables to compare (default: those of :data:`iocirc.schema.VARIABLES`).
    """
    unit = ds.attrs.get("currency_unit")
    present = [n for n in (VARIABLES if variables is None else variables) if n in ds.data_vars]
    if unit is None:
        if required:
            raise UnitError(
                f"{purpose}: the table has no 'currency_unit' attribute; set it, e.g. "
                "ds.attrs['currency_unit'] = '10^4 CNY' for the official tables"
            )
        given = {n: ds[n].attrs.get("units") for n in present if "units" in ds[n].attrs}
        first = next(iter(given.values()), None)
        if any(not _same_unit(u, first) for u in given.values()):
            raise UnitError(
                f"{purpose}: the variables are in different units {given}; all monetary "
                "variables must share one (convert them and set their 'units' attributes)"
            )
        return
    for name in present:
        if not _same_unit(ds[name].attrs.get("units"), unit):
            raise UnitError(
                f"{purpose}: variable {name!r} has units {ds[name].attrs.get('units')!r} but "
                f"the table's currency_unit is {unit!r}; all monetary variables must share it "
                "(convert the variable and set its 'units' attribute)"
            )


def _same_unit(a: object, b: object) -> bool:
    """Whether two ``units`` attributes name the same unit (the same scale and currency)."""
    if a == b:
        return True
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    try:
        return parse_unit(a) == parse_unit(b)
    except UnitError:
        return False


def finite_number(value: Any, name: str, *, positive: bool = False, minimum: float = 0.0) -> float:
    """``value`` as a float, refusing booleans, strings, NaN, infinity and values below
    ``minimum`` (or not above it when ``positive``)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise ArgumentError(f"{name} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ArgumentError(f"{name} must be a finite number, not {value!r}")
    if number < minimum or (positive and number <= minimum):
        relation = "greater than" if positive else "at least"
        raise ArgumentError(f"{name} must be {relation} {minimum:g}, not {value!r}")
    return number


def check_tolerance(rtol: Any, atol: Any) -> tuple[float, float]:
    """Validated tolerances: finite, non-negative numbers (``rtol=nan`` would turn checks off)."""
    return finite_number(rtol, "rtol"), finite_number(atol, "atol")


def _array_problem(var: xr.DataArray, what: str, nonnegative: bool, allow_nan: bool) -> None:
    data = np.asarray(var.values)
    if data.size == 0:
        return
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        raise SchemaError(f"{what} hold {data.dtype} data; expected real numbers")
    data = data.astype(float, copy=False)
    if _clean(data, nan_allowed=allow_nan, nonnegative=nonnegative):
        return
    if not allow_nan and np.isnan(data).any():
        raise SchemaError(f"{what} have NaN at {describe(var, np.isnan(data))}")
    if np.isinf(data).any():
        raise SchemaError(f"{what} are infinite at {describe(var, np.isinf(data))}")
    if nonnegative and (data < 0).any():
        raise SchemaError(
            f"{what} are negative at {describe(var, data < 0)}; they cannot be negative"
        )


def _checked_array_chunk(
    data: np.ndarray,
    labels: _Labels,
    what: str,
    nonnegative: bool,
    allow_nan: bool,
    block_info: dict[Any, Any] | None = None,
) -> np.ndarray:
    if not _plainly_fine(data, nonnegative=nonnegative):
        _array_problem(labels.block(data, _location(block_info, 0)), what, nonnegative, allow_nan)
    return data


def check_array(
    da: xr.DataArray, *, what: str, nonnegative: bool = True, allow_nan: bool = True
) -> xr.DataArray:
    """``da`` after checking its values: real numbers, finite, non-negative (if asked), no NaN
    (if asked). Lazy on dask data (the error comes when the result is computed)."""
    if da.chunks is None:
        _array_problem(da, what, nonnegative, allow_nan)
        return da
    return _lazily(da, _checked_array_chunk, what, nonnegative, allow_nan)


def check_choice(
    name: str, value: object, choices: Iterable[str], *, purpose: str | None = None
) -> None:
    """Refuse ``value`` unless it is one of ``choices``: the one error for a bad option.

    Raises
    ------
    ArgumentError
        :class:`~iocirc.errors.ChoiceError`, naming the argument, what was given
        and what may be chosen.
    """
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        where = f"{purpose}: " if purpose else ""
        raise ChoiceError(f"{where}unknown {name} {value!r}; choose one of {list(choices)}")


def check_year(year: object, known: Iterable[int], what: str) -> int:
    """``year`` (an int or a string of digits) as an int if it is in ``known``, else a
    :class:`SchemaError` saying there is no ``what`` for it."""
    known = tuple(known)
    integral = isinstance(year, numbers.Integral) and not isinstance(year, bool)
    digits = isinstance(year, str) and year.strip().isdigit()
    value = int(year) if integral or digits else None  # type: ignore[call-overload]
    if value is None or value not in known:
        raise SchemaError(f"no {what} for year {year!r}; known years: {list(known)}")
    return value


def ensure(
    values: xr.DataArray,
    bad: xr.DataArray,
    message: Callable[[str], str],
    *,
    action: Literal["raise", "warn"] = "raise",
    error: type[Exception] = SchemaError,
    warning: type[Warning] = UserWarning,
) -> xr.DataArray:
    """Return ``values`` after checking that the boolean ``bad`` is nowhere true.

    ``bad`` has some or all of the dimensions of ``values``; the message names
    its labels (up to five positions). On numpy data the check runs now. On
    dask data it becomes a step of every chunk (:func:`dask.array.blockwise`, fused
    with what reads the chunk), so nothing is computed here and the error (or
    warning) comes when the result is computed, naming the positions of the chunk.
    """
    extra = [d for d in bad.dims if d not in values.dims]
    if extra:
        raise ArgumentError(f"the check has dimensions {extra} that the values lack")
    bad = bad.transpose(*[d for d in values.dims if d in bad.dims])
    if values.chunks is None and bad.chunks is None:
        _ensure_block(values, bad, message, action, error, warning)
        return values
    if values.chunks is None:
        values = values.chunk({d: bad.chunksizes[d] for d in bad.dims})
    import dask.array as dsa

    axes = tuple(values.dims.index(d) for d in bad.dims)  # increasing: bad is transposed
    flags = bad.data
    if bad.chunks is None:
        flags = dsa.from_array(
            np.asarray(flags), chunks=tuple(values.chunksizes[d] for d in bad.dims)
        )
    if bad.ndim < values.ndim:  # size-1 axes where bad lacks a dimension: map_blocks broadcasts
        flags = flags[tuple(slice(None) if i in axes else None for i in range(values.ndim))]
    checked = values.data.map_blocks(
        _ensure_chunk,
        flags,
        _lazy_labels(bad),
        message,
        action,
        error,
        warning,
        axes,
        dtype=values.dtype,
        meta=getattr(values.data, "_meta", None),
    )
    return values.copy(deep=False, data=checked)


def _ensure_chunk(
    values: np.ndarray,
    flags: np.ndarray,
    labels: _Labels,
    message: Callable[[str], str],
    action: str,
    error: type[Exception],
    warning: type[Warning],
    axes: tuple[int, ...],
    block_info: dict[Any, Any] | None = None,
) -> np.ndarray:
    if np.any(flags):
        flags = np.asarray(flags, dtype=bool).reshape([flags.shape[i] for i in axes])
        where = _location(block_info, 0)
        location = None if where is None else [where[i] for i in axes]
        _ensure_block(values, labels.block(flags, location), message, action, error, warning)
    return values


def _ensure_block(
    values: Any,
    bad: xr.DataArray,
    message: Callable[[str], str],
    action: str,
    error: type[Exception],
    warning: type[Warning],
) -> Any:
    flags = np.asarray(bad, dtype=bool)
    if flags.any():
        text = message(describe(bad, flags, limit=5))
        if action == "raise":
            raise error(text)
        warnings.warn(text, warning, stacklevel=2)  # inside a dask task: no user frame to name
    return values
