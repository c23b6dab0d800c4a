"""The accounting identities of an IO table, written once.

Row identity, for every region and supplying sector ``i``::

    x_i = sum_j Z_ij + sum_f sign(f) * F_if

Column identity, for every region and using sector ``j``::

    x_j = sum_i Z_ij + sum_k V_kj

Which flows and value-added rows enter, and with which sign, is the registry's
(:func:`iocirc.schema.identity_terms`, :attr:`iocirc.schema.Member.sign`):
:func:`flow_signs` says it for a set of flows, and every identity of the
package (:func:`iocirc.validate`, :func:`iocirc.mrio.validate`, the readers'
checks of printed totals, the constructors) is built on it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xarray as xr

from iocirc._core.checks import check_tolerance
from iocirc._core.warn import warn
from iocirc.errors import BalanceError, BalanceWarning
from iocirc.schema import identity_terms, members

__all__ = [
    "DEFAULT_RTOL",
    "PRINTED_RTOL",
    "check_identities",
    "default_tolerances",
    "flow_signs",
    "flow_weights",
    "identity_residuals",
    "row_accounted",
]

#: Relative tolerance of the identities of a table without a printed precision (built from
#: arrays): only float noise passes.
DEFAULT_RTOL = 1e-6
#: Relative tolerance of a table read from a workbook (``attrs["rounding_step"]`` set by the
#: reader): twice the reader's own (:data:`iocirc.readers._checks.RTOL`), because an identity
#: of :func:`validate` combines two of the reader's checks (total input against output, and
#: total input against its parts), so that a table the reader reads without a
#: :class:`~iocirc.errors.BalanceWarning` validates.
PRINTED_RTOL = 2e-4


def default_tolerances(
    ds: xr.Dataset, rtol: float | None, atol: float | None, *, n_terms: int | None = None
) -> tuple[float, float]:
    """``(rtol, atol)`` of a validator: those given (checked), else the table's defaults.

    A table with ``attrs["rounding_step"]`` :math:`u` (the printed precision) gets
    :data:`PRINTED_RTOL` and half a printed unit for each of the ``n_terms``
    numbers of an identity; any other table :data:`DEFAULT_RTOL` and no absolute
    tolerance. ``n_terms`` defaults to that of a provincial table's identity
    (sectors, plus flows or value-added rows, plus 3).
    """
    given = ds.attrs.get("rounding_step")
    step = float(given) if isinstance(given, int | float | np.number) else 0.0
    printed = bool(np.isfinite(step) and step > 0)
    if rtol is None:
        rtol = PRINTED_RTOL if printed else DEFAULT_RTOL
    if atol is None:
        atol = 0.0
        if printed:
            if n_terms is None:
                n_rows = max(ds.sizes.get("flow", 0), ds.sizes.get("va_component", 0))
                n_terms = ds.sizes.get("sector", 0) + n_rows + 3
            atol = 0.5 * step * n_terms
    return check_tolerance(rtol, atol)


def flow_signs(flows: Iterable[str]) -> dict[str, float]:
    """The sign with which each of ``flows`` enters the row identity (0 if it is left out).

    ``flows`` are the flows a table (or one region of it) reports; among them
    each finest flow enters once, either itself or through one aggregate
    (:func:`iocirc.schema.identity_terms`), with its registry sign.

    Examples
    --------
    >>> flow_signs(["export", "import", "gross_outflow"])
    {'export': 0.0, 'import': -1.0, 'gross_outflow': 1.0}
    """
    flows = [str(f) for f in flows]
    chosen = set(identity_terms("flow", flows))
    registry = members("flow")
    return {f: float(registry[f].sign) if f in chosen else 0.0 for f in flows}


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
    Lazy on dask data: one step per chunk of ``final_use``, computed with it.
    """
    flows = tuple(str(f) for f in final_use.indexes["flow"])
    other_dims = [d for d in final_use.dims if d not in ("sector", "flow")]
    ordered = final_use.transpose(*other_dims, "sector", "flow")
    data = ordered.data
    if final_use.chunks is None:
        weights = _FlowWeights(flows)(np.asarray(data))
    else:  # one blockwise step per chunk (fused with what reads final use)
        if len(data.chunks[-1]) > 1 or len(data.chunks[-2]) > 1:
            data = data.rechunk({data.ndim - 2: -1, data.ndim - 1: -1})
        weights = data.map_blocks(
            _FlowWeights(flows),
            drop_axis=data.ndim - 2,
            dtype=float,
            meta=np.empty((0,) * (data.ndim - 1)),
        )
    coords = {d: ordered[d].values for d in other_dims if d in ordered.indexes}
    return xr.DataArray(weights, dims=(*other_dims, "flow"), coords={**coords, "flow": list(flows)})


class _FlowWeights:
    """``flow_signs`` of the flows each region reports, vectorised: one look-up per pattern."""

    def __init__(self, flows: tuple[str, ...]) -> None:
        self.flows = flows

    def __call__(self, final_use: np.ndarray) -> np.ndarray:
        n = len(self.flows)
        reported = ~np.isnan(np.asarray(final_use, dtype=float)).any(axis=-2)  # (..., flow)
        flags = reported.reshape(-1, n)
        if not flags.size:
            return np.zeros(reported.shape)
        patterns, inverse = np.unique(flags, axis=0, return_inverse=True)
        table = np.zeros((len(patterns), n))
        for k, row in enumerate(patterns):
            signs = flow_signs(f for f, ok in zip(self.flows, row, strict=True) if ok)
            table[k] = [signs.get(f, 0.0) for f in self.flows]
        return table[inverse.reshape(-1)].reshape(reported.shape)


def check_identities(
    identities: list[tuple[str, xr.Dataset, str, str, str]],
    *,
    rtol: float,
    atol: float,
    on_imbalance: str,
    unit: str,
    report: str,
    names: bool,
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
    warn(message, BalanceWarning)
