"""Checking a regional IO table: structure first, then the accounting identities.

Row identity, for every region and supplying sector ``i``::

    x_i = sum_j Z_ij + sum_f sign(f) * F_if

Column identity, for every region and using sector ``j``::

    x_j = sum_i Z_ij + sum_k V_kj

where each flow ``f`` and value-added component ``k`` enters once
(:func:`iocirc.schema.identity_terms`).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._checks import check_tolerance, check_values
from iocirc.errors import ArgumentError, BalanceError, BalanceWarning, SchemaError, UnitError
from iocirc.schema import DIMS, TABLE_DIMS, VARIABLES, identity_terms, is_numeric, members

__all__ = ["balance_report", "validate"]

#: Relative tolerance of the identities of a table without a printed precision (built from
#: arrays): only float noise passes.
DEFAULT_RTOL = 1e-6
#: Relative tolerance of a table read from a workbook (``attrs["rounding_step"]`` set by the
#: reader): twice the reader's own (:data:`iocirc.readers._checks.RTOL`), because an identity
#: of :func:`validate` combines two of the reader's checks (total input against output, and
#: total input against its parts), so that a table the reader reads without a
#: :class:`~iocirc.errors.BalanceWarning` validates.
PRINTED_RTOL = 2e-4


def validate(
    ds: xr.Dataset,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    on_imbalance: Literal["raise", "warn", "ignore"] = "raise",
) -> xr.Dataset:
    """Check that ``ds`` is a well-formed, balanced regional IO table.

    Parameters
    ----------
    ds : xarray.Dataset
        The table (see :mod:`iocirc.schema`). Extra dimensions (``year``,
        ``scenario``, ...) on the variables are allowed and checked alike. A
        multi-regional table (:func:`iocirc.mrio.is_mrio`) is checked by
        :func:`iocirc.mrio.validate`.
    rtol : float, optional
        Tolerance of the identities, relative to the sum of the absolute
        values of the terms of each identity (so rounding in large sectors and
        exact zeros in empty ones are both judged fairly). Default:
        :data:`PRINTED_RTOL` (2e-4) for a table read from a workbook, whose
        ``attrs["rounding_step"]`` records the precision of the printed
        numbers, else :data:`DEFAULT_RTOL` (1e-6).
    atol : float, optional
        Absolute tolerance, in the table's currency unit: residuals below it
        pass whatever ``rtol`` says (for float noise in near-empty sectors of
        published tables). Default: for a table with ``attrs["rounding_step"]``
        :math:`u`, half a printed unit for each number in an identity,
        :math:`u (n_\text{sectors} + n_\text{terms} + 3) / 2` (the rounding
        allowance of the reader), else 0.
    on_imbalance : {"raise", "warn", "ignore"}
        What to do when an identity fails: raise :class:`BalanceError`, issue
        a :class:`~iocirc.errors.BalanceWarning`, or nothing.

    Returns
    -------
    xarray.Dataset
        ``ds`` itself, unchanged, so the call can be chained.

    Notes
    -----
    For region :math:`r`, supplying sector :math:`i` and using sector
    :math:`j`, with flows :math:`f` entering once each with sign :math:`s_f`
    (:func:`iocirc.schema.identity_terms`):

    .. math::

        x_{ri} = \\sum_j Z_{rij} + \\sum_f s_f F_{rif}, \\qquad
        x_{rj} = \\sum_i Z_{rij} + \\sum_k V_{rkj}

    An identity fails where :math:`|x - \\text{accounted}|` exceeds ``rtol``
    times the sum of the absolute values of its terms.

    Raises
    ------
    SchemaError
        Missing variables, dimensions or coordinates, unknown labels,
        non-numeric data, NaN where it is not allowed, negative output.
    UnitError
        Variables whose ``units`` differ from ``ds.attrs["currency_unit"]``.
    BalanceError
        An identity fails beyond ``rtol``; the message names the region and
        sector with the largest relative residual.

    Examples
    --------
    >>> import iocirc
    >>> ds = iocirc.datasets.example_table()
    >>> iocirc.validate(ds) is ds
    True
    >>> bad = ds.copy(deep=True)
    >>> bad["total_output"][0, 1] += 1000.0
    >>> iocirc.validate(bad)
    Traceback (most recent call last):
    ...
    iocirc.errors.BalanceError: the ... identity ... fails for region 'Liaoning', sector '02' ...
    """
    if on_imbalance not in ("raise", "warn", "ignore"):
        raise ArgumentError(
            f"on_imbalance must be 'raise', 'warn' or 'ignore', not {on_imbalance!r}"
        )
    if isinstance(ds, xr.Dataset) and _is_mrio(ds):
        # A multi-regional table: checked by its own validator (imported here, not at the
        # top, because iocirc.mrio builds on this module).
        from iocirc.mrio import validate as validate_mrio

        given = {k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None}
        return validate_mrio(ds, on_imbalance=on_imbalance, **given)
    check_structure(ds)
    rtol, atol = default_tolerances(ds, rtol, atol)
    if on_imbalance != "ignore":
        _check_balance(ds, rtol=rtol, atol=atol, on_imbalance=on_imbalance)
    return ds


def default_tolerances(
    ds: xr.Dataset, rtol: float | None, atol: float | None
) -> tuple[float, float]:
    """``(rtol, atol)`` of :func:`validate`: those given (checked), else the table's defaults."""
    given = ds.attrs.get("rounding_step")
    step = float(given) if isinstance(given, int | float | np.number) else 0.0
    printed = bool(np.isfinite(step) and step > 0)
    if rtol is None:
        rtol = PRINTED_RTOL if printed else DEFAULT_RTOL
    if atol is None:
        atol = 0.0
        if printed:
            n_terms = max(ds.sizes.get("flow", 0), ds.sizes.get("va_component", 0))
            atol = 0.5 * step * (ds.sizes.get("sector", 0) + n_terms + 3)
    return check_tolerance(rtol, atol)


def _is_mrio(ds: xr.Dataset) -> bool:
    """A multi-regional table: ``attrs["table_kind"] == "mrio"`` or a ``region_to`` dimension."""
    return ds.attrs.get("table_kind") == "mrio" or "region_to" in ds.dims


def check_structure(ds: xr.Dataset) -> None:
    """Raise :class:`SchemaError` unless ``ds`` has the structure of an IO table."""
    if not isinstance(ds, xr.Dataset):
        raise SchemaError(
            f"expected an xarray.Dataset holding an IO table, got {type(ds).__name__}; "
            "build one with iocirc.from_arrays or iocirc.from_frames"
        )
    missing = [name for name in VARIABLES if name not in ds.data_vars]
    if missing:
        raise SchemaError(
            f"the Dataset lacks the variable(s) {missing}; "
            f"it has {sorted(map(str, ds.data_vars))}. "
            "An IO table needs " + ", ".join(VARIABLES) + " (see iocirc.schema.VARIABLES)"
        )
    for spec in VARIABLES.values():
        var = ds[spec.name]
        lacking = [d for d in spec.dims if d not in var.dims]
        if lacking:
            raise SchemaError(
                f"variable {spec.name!r} lacks the dimension(s) {lacking}: it has {var.dims}, "
                f"expected {spec.dims} (plus any extra dimensions)"
            )
        if not is_numeric(var):
            raise SchemaError(
                f"variable {spec.name!r} holds {var.dtype} data; expected numbers (float64)"
            )
    for dim in TABLE_DIMS:
        dim_spec = DIMS[dim]
        if dim not in ds.indexes:
            raise SchemaError(f"dimension {dim!r} has no index; label it with {dim} coordinates")
        index = ds.indexes[dim]
        if index.has_duplicates:
            dups = sorted(set(map(str, index[index.duplicated()])))
            raise SchemaError(f"dimension {dim!r} has duplicated labels {dups}")
        absent = [c for c in dim_spec.coords if c not in ds.coords]
        if absent:
            raise SchemaError(
                f"dimension {dim!r} lacks the coordinate(s) {absent}; "
                f"iocirc.from_arrays fills them (from iocirc.schema for flows and "
                f"value-added components, from iocirc.regions for provinces)"
            )
    if list(ds.indexes["sector"]) != list(ds.indexes["sector_to"]):
        raise SchemaError(
            "dimensions 'sector' (rows) and 'sector_to' (columns) must carry the same labels in "
            f"the same order; got {list(ds.indexes['sector'])} and {list(ds.indexes['sector_to'])}"
        )
    for dim in ("flow", "va_component"):
        registry = members(dim)
        unknown = [str(x) for x in ds.indexes[dim] if x not in registry]
        if unknown:
            raise SchemaError(
                f"unknown {dim} label(s) {unknown}; registered labels: {list(registry)}"
            )
    _check_values(ds)
    _check_units(ds)


def _check_values(ds: xr.Dataset) -> None:
    """The registry-driven value check shared with every function that computes."""
    problems = check_values(ds, purpose="validate")
    for name in VARIABLES:  # dask-backed variables: the checks run now, as validation computes
        if problems[name].chunks is not None:
            problems[name].data.compute()


def _check_units(ds: xr.Dataset) -> None:
    unit = ds.attrs.get("currency_unit")
    if unit is None:
        raise UnitError(
            "the Dataset has no 'currency_unit' attribute; set it, e.g. "
            "ds.attrs['currency_unit'] = '10^4 CNY' for the official tables"
        )
    for name in VARIABLES:
        var_unit = ds[name].attrs.get("units")
        if var_unit != unit:
            raise UnitError(
                f"variable {name!r} has units {var_unit!r} but the table's currency_unit is "
                f"{unit!r}; convert the variable and set its 'units' attribute"
            )


def _first_label(mask: xr.DataArray) -> str:
    """Describe the first True position of a boolean DataArray by its labels."""
    flat = np.argwhere(np.asarray(mask))
    if flat.size == 0:
        return "no position"
    pos = flat[0]
    parts = []
    for dim, i in zip(mask.dims, pos, strict=True):
        label = mask.indexes[dim][i] if dim in mask.indexes else i
        parts.append(f"{dim}={label!r}")
    return ", ".join(parts)


def row_accounted(intermediate_use: xr.DataArray, final_use: xr.DataArray) -> xr.DataArray:
    """Output as the row identity accounts for it: intermediate use plus signed final use."""
    return intermediate_use.sum("sector_to") + _signed_final_use(final_use).sum("flow")


def _signed_final_use(final_use: xr.DataArray) -> xr.DataArray:
    """Final use with each flow signed as it enters the row identity (0 if left out)."""
    return final_use.fillna(0.0) * flow_weights(final_use)


def identity_residuals(ds: xr.Dataset) -> tuple[xr.Dataset, xr.Dataset]:
    """Residuals of the row and column identities.

    Returns two Datasets with variables ``total_output``, ``accounted``
    (the sum of the identity's terms), ``residual`` (output minus accounted)
    and ``scale`` (the sum of the terms' absolute values), over
    (region, sector) and (region, sector_to) respectively.
    """
    z = ds["intermediate_use"]
    x = ds["total_output"]
    f = _signed_final_use(ds["final_use"])
    row_accounted = z.sum("sector_to") + f.sum("flow")
    row_scale = abs(x) + abs(z).sum("sector_to") + abs(f).sum("flow")
    rows = xr.Dataset(
        {
            "total_output": x,
            "accounted": row_accounted,
            "residual": x - row_accounted,
            "scale": row_scale,
        }
    )
    va_terms = list(identity_terms("va_component", ds.indexes["va_component"]))
    v = ds["value_added"].sel(va_component=va_terms)
    x_col = x.rename(sector="sector_to")
    col_accounted = z.sum("sector") + v.sum("va_component")
    col_scale = abs(x_col) + abs(z).sum("sector") + abs(v).sum("va_component")
    cols = xr.Dataset(
        {
            "total_output": x_col,
            "accounted": col_accounted,
            "residual": x_col - col_accounted,
            "scale": col_scale,
        }
    )
    return rows, cols


def flow_weights(final_use: xr.DataArray) -> xr.DataArray:
    """Sign with which each flow enters the row identity, per region (0 if left out).

    The choice of flows depends on which flows a region reports (non-NaN), so
    regions with different splits stacked together are each counted once.
    """
    registry = members("flow")
    flows = [str(f) for f in final_use.indexes["flow"]]
    reported = final_use.notnull().all("sector")
    other_dims = [d for d in reported.dims if d != "flow"]
    reported = reported.transpose(*other_dims, "flow")
    flags = np.asarray(reported.values, dtype=bool).reshape(-1, len(flows))
    weights = np.zeros(flags.shape, dtype=float)
    cache: dict[tuple[bool, ...], np.ndarray] = {}
    for i, row in enumerate(flags):
        key = tuple(bool(b) for b in row)
        if key not in cache:
            present = [f for f, ok in zip(flows, key, strict=True) if ok]
            chosen = set(identity_terms("flow", present))
            cache[key] = np.array([registry[f].sign if f in chosen else 0 for f in flows], float)
        weights[i] = cache[key]
    return xr.DataArray(
        weights.reshape(reported.shape), dims=reported.dims, coords={"flow": flows}
    ).assign_coords({d: reported[d] for d in other_dims if d in reported.coords})


def _check_balance(ds: xr.Dataset, *, rtol: float, atol: float, on_imbalance: str) -> None:
    rows, cols = identity_residuals(ds)
    row = "intermediate use + final use (imports and inflows subtracted)"
    check_identities(
        [
            ("row", rows, "region", "sector", row),
            ("column", cols, "region", "sector_to", "intermediate inputs + value added"),
        ],
        rtol=rtol,
        atol=atol,
        on_imbalance=on_imbalance,
        unit=ds.attrs.get("currency_unit", ""),
        report="iocirc.balance_report(ds)",
        names=True,
        stacklevel=4,
    )


def check_identities(
    identities: list[tuple[str, xr.Dataset, str, str, str]],
    *,
    rtol: float,
    atol: float,
    on_imbalance: str,
    unit: str,
    report: str,
    names: bool,
    stacklevel: int,
) -> None:
    """Raise or warn, naming the worst position, where identity residuals exceed the tolerance.

    The one kernel behind :func:`validate` and :func:`iocirc.mrio.validate`.
    ``identities`` holds ``(kind, residuals, region_dim, sector_dim, what)``:
    ``residuals`` has ``residual``, ``scale``, ``total_output`` and ``accounted``;
    ``what`` is the right-hand side of the identity, for the message. ``names``
    adds the Chinese sector name where the table has it.
    """
    failures = []
    for kind, table, region_dim, sector_dim, what in identities:
        residual = abs(table["residual"])
        relative = residual / table["scale"].where(table["scale"] > 0, 1.0)
        bad = (relative > rtol) & (residual > atol)
        relative = relative.where(bad, 0.0).compute()
        n_bad = int(bad.sum())
        if n_bad:
            failures.append(
                (float(relative.max()), kind, table, relative, n_bad, region_dim, sector_dim, what)
            )
    if not failures:
        return
    failures.sort(key=lambda item: -item[0])
    _, kind, table, relative, _, region_dim, sector_dim, what = failures[0]
    point = {d: int(i) for d, i in relative.argmax(...).items()}
    at = table.isel(point).compute()
    region = str(at[region_dim].values)
    sector = str(at[sector_dim].values)
    name_coord = f"{sector_dim}_zh"
    name = f" ({at[name_coord].values})" if names and name_coord in at.coords else ""
    output = float(at["total_output"])
    gap = float(at["residual"])
    share = f", {gap / output:.2%} of output" if output else ""
    extra = ", ".join(
        f"{d}={at[d].values.item()!r}" for d in point if d not in (region_dim, sector_dim)
    )
    extra = f" ({extra})" if extra else ""
    counts = "; ".join(f"{item[4]} {item[1]} checks" for item in failures)
    message = (
        f"the {kind} identity (output = {what}) fails for region {region!r}, "
        f"sector {sector!r}{name}{extra}: "
        f"total output {output:.6g}, accounted {float(at['accounted']):.6g}, residual "
        f"{gap:.6g} {unit}{share}; {counts} exceed "
        f"rtol={rtol:g}{f' and atol={atol:g}' if atol else ''}. "
        f"{report} lists every residual."
    )
    if on_imbalance == "raise":
        raise BalanceError(message)
    warnings.warn(message, BalanceWarning, stacklevel=stacklevel)


def balance_report(ds: xr.Dataset) -> pd.DataFrame:
    """All residuals of the row and column identities as a tidy table.

    Parameters
    ----------
    ds : xarray.Dataset
        A structurally valid IO table; for a multi-regional table
        (:func:`iocirc.mrio.is_mrio`) the rows are its origin and the columns
        its destination region-sectors.

    Returns
    -------
    pandas.DataFrame
        One row per region (and extra dimension), identity and sector, with
        columns ``region``, ``identity`` (``"row"`` or ``"column"``),
        ``sector``, ``total_output``, ``accounted``, ``residual`` (in the
        table's currency unit) and ``relative_residual`` (residual over the
        sum of absolute terms; 0 where all terms are 0), sorted by decreasing
        absolute relative residual.

    Notes
    -----
    ``residual`` is :math:`x - (\\sum_j Z_{ij} + \\sum_f s_f F_{if})` for rows and
    :math:`x - (\\sum_i Z_{ij} + \\sum_k V_{kj})` for columns; see
    :func:`validate`.

    Examples
    --------
    >>> import iocirc
    >>> report = iocirc.balance_report(iocirc.datasets.example_table())
    >>> sorted(report["identity"].unique())
    ['column', 'row']
    >>> float(report["residual"].abs().max())
    0.0
    """
    if isinstance(ds, xr.Dataset) and _is_mrio(ds):
        from iocirc.mrio._table import balance_report as mrio_balance_report

        return mrio_balance_report(ds)
    check_structure(ds)
    rows, cols = identity_residuals(ds)
    frames = []
    for kind, table, dim in (("row", rows, "sector"), ("column", cols, "sector_to")):
        scale = table["scale"].where(table["scale"] > 0, 1.0)
        table = table.assign(relative_residual=table["residual"] / scale).drop_vars("scale")
        keep = [c for c in table.coords if c not in table.dims]
        frame = table.drop_vars(keep).to_dataframe().reset_index()
        frame = frame.rename(columns={dim: "sector"})
        frame.insert(1, "identity", kind)
        frames.append(frame)
    report = pd.concat(frames, ignore_index=True)
    order = report["relative_residual"].abs().sort_values(ascending=False, kind="stable").index
    return report.loc[order].reset_index(drop=True)


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
