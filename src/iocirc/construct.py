"""Building regional IO tables from arrays and pandas objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._core import row_accounted
from iocirc.errors import ArgumentTypeError, SchemaError
from iocirc.regions import Province, province
from iocirc.schema import CURRENCY_UNIT, VA_STANDARD, VARIABLES, member_coords, members
from iocirc.validation import validate as _validate

__all__ = ["VA_STANDARD", "from_arrays", "from_frames"]


def from_arrays(
    intermediate_use: Any,
    final_use: Any,
    value_added: Any,
    total_output: Any = None,
    *,
    regions: str | Sequence[str],
    sectors: Sequence[str],
    flows: Sequence[str],
    va_components: Sequence[str] = VA_STANDARD,
    sector_zh: Sequence[str] | None = None,
    sector_en: Sequence[str] | None = None,
    region_zh: Sequence[str] | None = None,
    region_code: Sequence[int] | None = None,
    year: int | None = None,
    currency_unit: str = CURRENCY_UNIT,
    price_basis: str = "current producer prices",
    source: str = "",
    classification: str = "custom",
    attrs: Mapping[str, Any] | None = None,
    rtol: float | None = None,
    validate: bool = True,
    on_imbalance: Literal["raise", "warn", "ignore"] = "raise",
) -> xr.Dataset:
    """Build a regional IO table from arrays.

    Parameters
    ----------
    intermediate_use : array_like, shape (region, sector, sector_to)
        Intermediate use ``Z``: rows supply, columns use.
    final_use : array_like, shape (region, sector, flow)
        Final use and trade ``F``, imports and inflows as positive numbers.
        NaN in a whole column means the region does not report that flow.
    value_added : array_like, shape (region, va_component, sector_to)
        Value added ``V`` by component.
    total_output : array_like, shape (region, sector), optional
        Total output ``x``. When omitted it is derived from the row identity
        (and only the column identity is then a check).
    regions : str or sequence of str
        Region names. A single string builds a one-region table from arrays
        without the leading region axis. Provinces known to
        :mod:`iocirc.regions` get their Chinese name and code automatically.
    sectors : sequence of str
        Sector labels (codes), used for both rows and columns.
    flows : sequence of str
        Labels of the final-use columns, from :data:`iocirc.schema.FLOWS`.
    va_components : sequence of str
        Labels of the value-added rows, from :data:`iocirc.schema.VA_COMPONENTS`.
    sector_zh, sector_en : sequence of str, optional
        Chinese and English sector names (default: empty strings).
    region_zh, region_code : sequence, optional
        Chinese names and numeric codes of regions unknown to
        :mod:`iocirc.regions` (default: the registry, else empty / -1).
    year : int, optional
        The table's year.
    currency_unit, price_basis, source, classification : str
        Dataset attributes; ``classification`` identifies the sector list
        (e.g. ``"NBS-2017-42"``).
    attrs : mapping, optional
        Further Dataset attributes.
    rtol : float, optional
        Tolerance of the identities, see :func:`iocirc.validate` (default: its
        default, which depends on ``attrs["rounding_step"]``).
    validate : bool
        Check the result with :func:`iocirc.validate` (default True).
    on_imbalance : {"raise", "warn", "ignore"}
        Passed to :func:`iocirc.validate`.

    Returns
    -------
    xarray.Dataset
        The table, with the variables of :data:`iocirc.schema.VARIABLES`, all
        in ``currency_unit``.

    Notes
    -----
    Without ``total_output``, output is derived from the row identity,
    :math:`x_i = \\sum_j Z_{ij} + \\sum_f s_f F_{if}`, with signs :math:`s_f`
    of :data:`iocirc.schema.FLOWS` (imports and inflows subtracted).

    Raises
    ------
    SchemaError
        Wrong shapes, unknown labels, non-numeric data, NaN or negative output.
    BalanceError
        An identity fails (with ``on_imbalance="raise"``).

    Examples
    --------
    >>> import numpy as np, iocirc
    >>> z = np.array([[10.0, 20.0], [30.0, 5.0]])
    >>> f = np.array([[70.0, 0.0], [60.0, 25.0]])  # consumption, imports
    >>> v = np.array([[60.0, 45.0]])
    >>> ds = iocirc.from_arrays(z, f, v, regions="Liaoning", sectors=["01", "02"],
    ...                         flows=["household_urban", "import"],
    ...                         va_components=["value_added_total"], year=2017)
    >>> ds["total_output"].values.tolist()
    [[100.0, 70.0]]
    >>> str(ds["region_zh"].values[0])
    '辽宁'
    """
    single = isinstance(regions, str)
    region_list = [regions] if isinstance(regions, str) else [str(r) for r in regions]
    sectors = [str(s) for s in sectors]
    flows = [str(f) for f in flows]
    va_components = [str(k) for k in va_components]
    for dim, labels in (("flow", flows), ("va_component", va_components)):
        registry = members(dim)
        unknown = [label for label in labels if label not in registry]
        if unknown:
            raise SchemaError(f"unknown {dim} label(s) {unknown}; registered: {list(registry)}")
    n_r, n_s, n_f, n_v = len(region_list), len(sectors), len(flows), len(va_components)
    shapes = {
        "intermediate_use": (n_s, n_s),
        "final_use": (n_s, n_f),
        "value_added": (n_v, n_s),
        "total_output": (n_s,),
    }
    given = {
        "intermediate_use": intermediate_use,
        "final_use": final_use,
        "value_added": value_added,
        "total_output": total_output,
    }
    data: dict[str, xr.DataArray] = {}
    for name, raw in given.items():
        if raw is None:
            continue
        array = _as_float(raw, name)
        expected = shapes[name] if single else (n_r, *shapes[name])
        if array.shape != expected:
            raise SchemaError(
                f"{name} has shape {array.shape}; expected {expected} from "
                f"{n_r} region(s), {n_s} sectors, {n_f} flows and {n_v} value-added components"
                + (
                    " (a single region given as a string takes arrays without a region axis)"
                    if single
                    else ""
                )
            )
        if single:
            array = array[np.newaxis]
        data[name] = xr.DataArray(array, dims=VARIABLES[name].dims)
    ds = xr.Dataset(data)
    ds = ds.assign_coords(
        _region_coords(region_list, region_zh, region_code)
        | _sector_coords(sectors, sector_zh, sector_en)
        | {"flow": flows, "va_component": va_components}
        | member_coords("flow", flows)
        | member_coords("va_component", va_components)
    )
    if "total_output" not in ds:
        ds["total_output"] = row_accounted(ds["intermediate_use"], ds["final_use"])
    ds = ds[list(VARIABLES)]
    for name, spec in VARIABLES.items():
        ds[name].attrs = {"long_name": spec.long_name, "units": currency_unit, **spec.attrs}
    ds.attrs = {
        "year": int(year) if year is not None else -1,
        "currency_unit": currency_unit,
        "price_basis": price_basis,
        "source": source,
        "classification": classification,
        "sign_convention": "imports and inflows positive; subtracted in the row identity",
        **(dict(attrs) if attrs else {}),
    }
    if validate:
        _validate(ds, rtol=rtol, on_imbalance=on_imbalance)
    return ds


def _as_float(raw: Any, name: str) -> np.ndarray:
    """``raw`` as a new float64 array, refusing what is not real numbers.

    Booleans, complex numbers (whose imaginary part would be dropped), dates,
    durations and strings are refused rather than coerced.
    """
    try:
        given = np.asarray(raw)
    except (TypeError, ValueError) as err:
        raise SchemaError(f"{name} must hold numbers: {err}") from None
    if given.dtype.kind == "O":
        flat = given.ravel().tolist()
        strange = [
            v
            for v in flat
            if isinstance(v, bool | np.bool_)
            or not isinstance(v, int | float | np.integer | np.floating)
        ]
        if strange:
            raise SchemaError(
                f"{name} must hold numbers (real numbers); it holds {strange[0]!r} "
                f"({type(strange[0]).__name__})"
            )
    elif given.dtype.kind not in "iuf":
        kinds = {"b": "booleans", "c": "complex numbers", "M": "dates", "m": "durations"}
        what = kinds.get(given.dtype.kind, f"{given.dtype} data")
        raise SchemaError(
            f"{name} must hold numbers (real numbers, float64); it holds {what}. Convert "
            "explicitly if this is intended"
        )
    try:
        array = np.array(given, dtype=float)  # a copy: the table never aliases the caller's data
    except (TypeError, ValueError, OverflowError) as err:
        raise SchemaError(f"{name} must hold numbers: {err}") from None
    return array


def _region_coords(
    regions: list[str], zh: Sequence[str] | None, code: Sequence[int] | None
) -> dict[str, Any]:
    if not regions:
        raise SchemaError("regions is empty; a table needs at least one region")
    if len(set(regions)) != len(regions):
        raise SchemaError(f"duplicated region names in {regions}")
    for label, given in (("region_zh", zh), ("region_code", code)):
        if given is not None and (isinstance(given, str) or len(given) != len(regions)):
            count = "a string" if isinstance(given, str) else f"{len(given)} entries"
            raise SchemaError(f"{label} has {count}; expected one entry for each of {regions}")
    if code is not None:
        bad = [c for c in code if isinstance(c, bool) or not isinstance(c, int | np.integer)]
        if bad:
            raise SchemaError(f"region_code must hold integers (GB/T 2260 codes); got {bad[:3]}")
    names_zh, codes = [], []
    for i, name in enumerate(regions):
        try:
            known: Province | None = province(name)
        except SchemaError:
            known = None
        names_zh.append(zh[i] if zh is not None else (known.zh if known else ""))
        codes.append(int(code[i]) if code is not None else (known.code if known else -1))
    for label, values in (("region_zh", names_zh), ("region_code", codes)):
        if len(values) != len(regions):
            raise SchemaError(f"{label} has {len(values)} entries for {len(regions)} regions")
    return {"region": regions, "region_zh": ("region", names_zh), "region_code": ("region", codes)}


def _sector_coords(
    sectors: list[str], zh: Sequence[str] | None, en: Sequence[str] | None
) -> dict[str, Any]:
    if not sectors:
        raise SchemaError("sectors is empty; a table needs at least one sector")
    if len(set(sectors)) != len(sectors):
        dups = sorted({s for s in sectors if sectors.count(s) > 1})
        raise SchemaError(f"duplicated sector labels {dups}")
    coords: dict[str, Any] = {"sector": sectors, "sector_to": sectors}
    for suffix, names in (("zh", zh), ("en", en)):
        values = [str(n) for n in names] if names is not None else [""] * len(sectors)
        if len(values) != len(sectors):
            raise SchemaError(f"sector_{suffix} has {len(values)} names for {len(sectors)} sectors")
        coords[f"sector_{suffix}"] = ("sector", values)
        coords[f"sector_to_{suffix}"] = ("sector_to", values)
    return coords


def from_frames(
    intermediate_use: pd.DataFrame,
    final_use: pd.DataFrame,
    value_added: pd.DataFrame,
    total_output: pd.Series | None = None,
    *,
    region: str | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """Build a regional IO table from pandas objects.

    Labels, not positions, tie the pieces together: the columns of
    ``intermediate_use`` and ``value_added`` and the index of ``final_use``
    and ``total_output`` are aligned to the index of ``intermediate_use``.

    Parameters
    ----------
    intermediate_use : pandas.DataFrame
        Index: supplying sectors; columns: using sectors. For several regions,
        a two-level index ``(region, sector)``.
    final_use : pandas.DataFrame
        Index like ``intermediate_use``; columns: flow labels
        (:data:`iocirc.schema.FLOWS`).
    value_added : pandas.DataFrame
        Index: value-added components (``(region, va_component)`` for several
        regions); columns: using sectors.
    total_output : pandas.Series, optional
        Index like ``intermediate_use``.
    region : str, optional
        The region of a single-region table (required when the index has one
        level).
    **kwargs
        Passed to :func:`from_arrays` (``year``, ``sector_zh``, ...).

    Returns
    -------
    xarray.Dataset

    Examples
    --------
    >>> import pandas as pd, iocirc
    >>> s = ["01", "02"]
    >>> z = pd.DataFrame([[10.0, 20.0], [30.0, 5.0]], index=s, columns=s)
    >>> f = pd.DataFrame({"household_urban": [70.0, 60.0], "import": [0.0, 25.0]}, index=s)
    >>> v = pd.DataFrame([[60.0, 45.0]], index=["value_added_total"], columns=s)
    >>> ds = iocirc.from_frames(z, f, v, region="Jilin", year=2012)
    >>> ds.sizes["sector"], list(ds.indexes["flow"])
    (2, ['household_urban', 'import'])
    """
    for name, obj, kind in (
        ("intermediate_use", intermediate_use, pd.DataFrame),
        ("final_use", final_use, pd.DataFrame),
        ("value_added", value_added, pd.DataFrame),
    ):
        if not isinstance(obj, kind):
            raise ArgumentTypeError(f"{name} must be a pandas.DataFrame, got {type(obj).__name__}")
    multi = isinstance(intermediate_use.index, pd.MultiIndex)
    if multi:
        if region is not None:
            raise SchemaError("region= is for single-region frames; the index already has regions")
        regions = list(dict.fromkeys(intermediate_use.index.get_level_values(0)))
        sectors = list(dict.fromkeys(intermediate_use.index.get_level_values(1)))
    else:
        if region is None:
            raise SchemaError(
                "give region='...' for a single-region table, or index the frames by "
                "(region, sector)"
            )
        regions, sectors = [region], list(intermediate_use.index)
    sectors = [str(s) for s in sectors]
    flows = [str(c) for c in final_use.columns]
    va = list(dict.fromkeys(value_added.index.get_level_values(-1)))

    def rows_of(frame: pd.DataFrame | pd.Series, name: str, labels: list[str]) -> np.ndarray:
        if multi:
            if not isinstance(frame.index, pd.MultiIndex):
                raise SchemaError(f"{name} must be indexed by (region, ...) like intermediate_use")
            extra = [str(r) for r in dict.fromkeys(frame.index.get_level_values(0))]
            extra = [r for r in extra if r not in set(map(str, regions))]
            if extra:
                raise SchemaError(
                    f"{name} has the region(s) {extra}, which intermediate_use lacks; they "
                    "would be dropped"
                )
        blocks = []
        for r in regions:
            part = (frame.loc[r] if multi else frame).copy()
            part.index = part.index.map(str)
            _require_labels(part.index, labels, name, "row")
            blocks.append(np.asarray(part.loc[labels], dtype=object))
        return np.stack(blocks)

    def cols(frame: pd.DataFrame, name: str, labels: list[str]) -> pd.DataFrame:
        frame = frame.copy()
        frame.columns = frame.columns.map(str)
        _require_labels(frame.columns, labels, name, "column")
        return frame[labels]

    z = rows_of(cols(intermediate_use, "intermediate_use", sectors), "intermediate_use", sectors)
    f = rows_of(final_use, "final_use", sectors)
    v = rows_of(cols(value_added, "value_added", sectors), "value_added", [str(k) for k in va])
    x = None
    if total_output is not None:
        x = rows_of(total_output, "total_output", sectors)
    return from_arrays(
        _numbers(z, "intermediate_use"),
        _numbers(f, "final_use"),
        _numbers(v, "value_added"),
        None if x is None else _numbers(x, "total_output"),
        regions=regions,
        sectors=sectors,
        flows=flows,
        va_components=[str(k) for k in va],
        **kwargs,
    )


def _require_labels(index: pd.Index, labels: list[str], name: str, axis: str) -> None:
    missing = [label for label in labels if label not in index]
    if missing:
        raise SchemaError(
            f"{name} lacks the {axis} label(s) {missing}; it has {list(map(str, index))}"
        )
    if index.has_duplicates:
        dups = sorted({str(v) for v in index[index.duplicated()]})
        raise SchemaError(f"{name} repeats the {axis} label(s) {dups}")
    extra = [str(label) for label in index if label not in set(labels)]
    if extra:
        raise SchemaError(
            f"{name} has the {axis} label(s) {extra}, which the table does not have (its "
            f"sectors are the index of intermediate_use: {labels}); they would be dropped. "
            "Add them to intermediate_use or remove them"
        )


def _numbers(values: np.ndarray, name: str) -> np.ndarray:
    return _as_float(values, name)


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
