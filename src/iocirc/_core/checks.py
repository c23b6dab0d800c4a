"""Checks of the values a function computes with, driven by :data:`iocirc.schema.VARIABLES`.

One place decides what a regional IO table may hold, for every function that
computes with its values (the validator, the analysis models, the indicators,
the aggregations): each variable's :class:`~iocirc.schema.VariableSpec` says
whether NaN is allowed (``final_use``: a whole flow column a region does not
report) and whether negative values are (``total_output``: never); infinite
values are never allowed; every monetary variable is in the table's
``currency_unit``; labels are unique and no dimension of the schema is empty.

On numpy-backed data the checks run at once. On dask-backed data they become a
task in front of every chunk (:func:`xarray.map_blocks`), so that nothing is
computed when a function builds its result, and the error is raised when the
result is computed.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Iterable
from typing import Any, Literal

import numpy as np
import xarray as xr

from iocirc._core.positions import describe
from iocirc.errors import ArgumentError, ChoiceError, SchemaError, UnitError
from iocirc.schema import VARIABLES

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


def _problem(var: xr.DataArray, name: str) -> str | None:
    """What is wrong with the values of the table variable ``name``, or None."""
    spec = VARIABLES.get(name)
    data = np.asarray(var.values)
    if data.size == 0:
        return None
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        return f"holds {data.dtype} data; expected real numbers (float64)"
    data = data.astype(float, copy=False)
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
    if spec is not None and spec.nonnegative:
        negative = data < 0
        if negative.any():
            return f"is negative at {describe(var, negative)}; {spec.long_name} cannot be negative"
    return None


def _raise_if_bad(var: xr.DataArray, name: str, purpose: str) -> xr.DataArray:
    problem = _problem(var, name)
    if problem is not None:
        raise SchemaError(f"{purpose}: variable {name!r} {problem}")
    return var


def check_values(ds: xr.Dataset, names: Iterable[str] | None = None, *, purpose: str) -> xr.Dataset:
    """``ds`` after checking the values of the variables ``names`` (default: all of the schema).

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
    names = [n for n in (VARIABLES if names is None else names) if n in ds.data_vars]
    lazy: dict[str, xr.DataArray] = {}
    for name in names:
        var = ds[name]
        if var.chunks is None:
            _raise_if_bad(var, name, purpose)
        else:
            lazy[name] = xr.map_blocks(_raise_if_bad, var, args=(name, purpose), template=var)
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


def check_units(ds: xr.Dataset, *, purpose: str, required: bool = True) -> None:
    """Every monetary variable of the schema that ``ds`` has is in ``ds.attrs["currency_unit"]``.

    Without a ``currency_unit`` attribute, an error if ``required``, else the
    variables' own ``units`` must agree with each other.
    """
    unit = ds.attrs.get("currency_unit")
    present = [n for n in VARIABLES if n in ds.data_vars]
    if unit is None:
        if required:
            raise UnitError(
                f"{purpose}: the table has no 'currency_unit' attribute; set it, e.g. "
                "ds.attrs['currency_unit'] = '10^4 CNY' for the official tables"
            )
        given = {n: ds[n].attrs.get("units") for n in present if "units" in ds[n].attrs}
        if len(set(map(str, given.values()))) > 1:
            raise UnitError(
                f"{purpose}: the variables are in different units {given}; all monetary "
                "variables must share one (convert them and set their 'units' attributes)"
            )
        return
    for name in present:
        if ds[name].attrs.get("units") != unit:
            raise UnitError(
                f"{purpose}: variable {name!r} has units {ds[name].attrs.get('units')!r} but "
                f"the table's currency_unit is {unit!r}; all monetary variables must share it "
                "(convert the variable and set its 'units' attribute)"
            )


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
    if not allow_nan and np.isnan(data).any():
        raise SchemaError(f"{what} have NaN at {describe(var, np.isnan(data))}")
    if np.isinf(data).any():
        raise SchemaError(f"{what} are infinite at {describe(var, np.isinf(data))}")
    if nonnegative and (data < 0).any():
        raise SchemaError(
            f"{what} are negative at {describe(var, data < 0)}; they cannot be negative"
        )


def _checked_block(
    var: xr.DataArray, what: str, nonnegative: bool, allow_nan: bool
) -> xr.DataArray:
    _array_problem(var, what, nonnegative, allow_nan)
    return var


def check_array(
    da: xr.DataArray, *, what: str, nonnegative: bool = True, allow_nan: bool = True
) -> xr.DataArray:
    """``da`` after checking its values: real numbers, finite, non-negative (if asked), no NaN
    (if asked). Lazy on dask data (the error comes when the result is computed)."""
    if da.chunks is None:
        _array_problem(da, what, nonnegative, allow_nan)
        return da
    return xr.map_blocks(_checked_block, da, args=(what, nonnegative, allow_nan), template=da)


def check_choice(name: str, value: object, choices: Iterable[str]) -> None:
    """Refuse ``value`` unless it is one of ``choices``: the one error for a bad option.

    Raises
    ------
    ArgumentError
        :class:`~iocirc.errors.ChoiceError`, naming the argument, what was given
        and what may be chosen.
    """
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ChoiceError(f"unknown {name} {value!r}; choose one of {list(choices)}")


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
    dask data it becomes a task in front of every chunk (:func:`xarray.map_blocks`),
    so nothing is computed here and the error (or warning) comes when the result
    is computed.
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
    return xr.map_blocks(
        _ensure_block,
        values,
        args=(bad, message, action, error, warning),
        template=values,
    )


def _ensure_block(
    values: xr.DataArray,
    bad: xr.DataArray,
    message: Callable[[str], str],
    action: str,
    error: type[Exception],
    warning: type[Warning],
) -> xr.DataArray:
    flags = np.asarray(bad, dtype=bool)
    if flags.any():
        text = message(describe(bad, flags, limit=5))
        if action == "raise":
            raise error(text)
        warnings.warn(text, warning, stacklevel=2)  # inside a dask task: no user frame to name
    return values
