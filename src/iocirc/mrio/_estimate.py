"""Estimate a multi-regional table from single-region tables.

The provincial tables say how much of each product a province ships to and
receives from "other provinces", not to or from which. :func:`estimate` builds
a multi-regional table from them in four documented steps, each a public
function:

1. :func:`reconcile_trade`: make the provinces' outflows and inflows of each
   product add up nationally (they do not in the official tables);
2. :func:`od_flows`: origin-destination flows of each product, a
   doubly-constrained gravity model (or another seed) balanced by RAS;
3. :func:`chenery_moses`: each destination's inflow shared among its users
   (Chenery 1953; Moses 1955), foreign imports split off in proportion;
4. assembly: the region's own block is what is left of its use, so that
   :func:`iocirc.mrio.to_single_region` gives the (reconciled) tables back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import xarray as xr

from iocirc._core import check_choice, check_labels, check_units, finite_number
from iocirc.errors import (
    ArgumentError,
    ArgumentTypeError,
    BalanceError,
    ConvergenceError,
    IocircError,
    MissingFlowError,
    SchemaError,
    UnitError,
)
from iocirc.mrio._balancing import DEFAULT_MAX_ITER, ras
from iocirc.mrio._table import from_matrices
from iocirc.mrio._table import validate as _validate_mrio
from iocirc.schema import (
    MRIO_FLOWS,
    available_flows,
    flow_values,
    identity_terms,
    member_coords,
)

__all__ = [
    "Allocation",
    "Reconciled",
    "chenery_moses",
    "estimate",
    "estimation_error",
    "great_circle_distances",
    "od_flows",
    "reconcile_trade",
]

#: The trade flows a single-region table must provide, domestic apart from foreign.
TRADE_FLOWS = ("export", "domestic_outflow", "import", "domestic_inflow")
_OUT_FLOWS = ("export", "domestic_outflow", "other")
_IN_FLOWS = ("import", "domestic_inflow")

ReconcileMethod = Literal["mean", "outflow", "inflow"]
SeedMethod = Literal["gravity", "uniform", "prior"]

#: Mean Earth radius (km), IUGG.
EARTH_RADIUS_KM = 6371.0088
#: Tolerance (relative to each margin) of the origin-destination balancing in estimate.
ESTIMATE_TOL = 1e-12


# ----------------------------------------------------------------------------------------------
# the single-region tables


class _Tables(NamedTuple):
    """The parts of single-region tables an estimate needs, as (region, sector, ...) arrays."""

    regions: list[str]
    sectors: list[str]
    categories: list[str]
    use: np.ndarray  # (R, S, S + F): intermediate use then final use by category
    export: np.ndarray
    outflow: np.ndarray
    imports: np.ndarray
    inflow: np.ndarray
    other: np.ndarray
    output: np.ndarray  # (R, S)
    value_added: np.ndarray  # (R, K, S)
    va_components: list[str]


def _read_tables(tables: Any, purpose: str) -> _Tables:
    if not isinstance(tables, xr.Dataset):
        raise SchemaError(
            f"{purpose} needs single-region tables as an xarray.Dataset (the provincial schema), "
            f"got {type(tables).__name__}"
        )
    if tables.attrs.get("table_kind") == "mrio" or "region_to" in tables.dims:
        raise SchemaError(
            f"{purpose} needs single-region tables; this is a multi-regional table: collapse it "
            "first with iocirc.mrio.to_single_region"
        )
    needed = ("intermediate_use", "final_use", "value_added", "total_output")
    missing = [v for v in needed if v not in tables.data_vars]
    if missing:
        raise SchemaError(
            f"{purpose} needs the variables {list(needed)}; the tables lack {missing}"
        )
    extra = sorted(
        {str(d) for v in needed for d in tables[v].dims}
        - {"region", "sector", "sector_to", "flow", "va_component"}
    )
    if extra:
        raise SchemaError(
            f"{purpose} takes one vintage of tables; they have the extra dimension(s) {extra}: "
            "select one first (e.g. tables.sel(year=2017))"
        )
    check_labels(tables, ["region", "sector", "sector_to", "flow", "va_component"], purpose=purpose)
    check_units(tables, purpose=purpose, required=False)
    have = available_flows(tables)
    lacking = [f for f in TRADE_FLOWS if f not in have]
    year = tables.attrs.get("year", "unknown")
    if lacking:
        reported = [str(f) for f in tables.indexes["flow"]]
        raise MissingFlowError(
            f"{purpose} needs domestic (interprovincial) trade apart from foreign trade: the "
            f"flows {list(TRADE_FLOWS)}; the tables (year {year}) neither report nor let derive "
            f"{lacking} (they report {reported}). The 2012 and 2017 provincial tables split "
            "them; the 2007 tables give only gross outflow and inflow, which "
            "iocirc.with_customs_trade(tables, exports, imports) splits with customs figures "
            "for foreign trade; the 2002 tables (net outflow only) cannot be used"
        )
    regions = [str(r) for r in tables.indexes["region"]]
    sectors = [str(s) for s in tables.indexes["sector"]]
    if [str(s) for s in tables.indexes["sector_to"]] != sectors:
        raise SchemaError(f"{purpose}: sector and sector_to must carry the same labels")
    present = [str(f) for f in tables.indexes["flow"]]
    categories = list(identity_terms("flow", [f for f in present if f in MRIO_FLOWS]))
    order = ("region", "sector")

    def values(da: xr.DataArray, name: str, dims: Sequence[str]) -> np.ndarray:
        a = np.array(da.transpose(*dims).values, dtype=np.float64)
        if not np.isfinite(a).all():
            bad = np.argwhere(~np.isfinite(a))[0]
            where = ", ".join(
                f"{d}={da.indexes[d][int(i)]!r}" if d in da.indexes else f"{d}={int(i)}"
                for d, i in zip(dims, bad, strict=True)
            )
            raise SchemaError(
                f"{purpose}: {name} is NaN or infinite at {where} (year {year}); every region "
                "must report it"
            )
        return a

    z = values(tables["intermediate_use"], "intermediate_use", ("region", "sector", "sector_to"))
    if categories:
        f = values(
            tables["final_use"].sel(flow=categories), "final_use", ("region", "sector", "flow")
        )
    else:
        f = np.zeros((len(regions), len(sectors), 0))
    trade = {
        name: values(flow_values(tables, name), f"flow {name!r}", order) for name in TRADE_FLOWS
    }
    other = (
        values(flow_values(tables, "other"), "flow 'other'", order)
        if "other" in have
        else np.zeros((len(regions), len(sectors)))
    )
    va = tables["value_added"]
    components = [str(k) for k in va.indexes["va_component"]]
    return _Tables(
        regions=regions,
        sectors=sectors,
        categories=categories,
        use=np.concatenate([z, f], axis=2),
        export=trade["export"],
        outflow=trade["domestic_outflow"],
        imports=trade["import"],
        inflow=trade["domestic_inflow"],
        other=other,
        output=values(tables["total_output"], "total_output", order),
        value_added=values(va, "value_added", ("region", "va_component", "sector_to")),
        va_components=components,
    )


def _positive_use(use: np.ndarray) -> np.ndarray:
    """Sum of the positive uses of each product (R, S): the base of the shares."""
    return np.where(use > 0, use, 0.0).sum(axis=-1)


# ----------------------------------------------------------------------------------------------
# reconciliation


class Reconciled(NamedTuple):
    """The result of :func:`reconcile_trade`: ``tables, report = reconcile_trade(ds)``."""

    tables: xr.Dataset
    """The adjusted tables (a new Dataset)."""
    report: xr.Dataset
    """What moved, by region and sector, and the national totals by sector."""


def reconcile_trade(
    tables: xr.Dataset,
    *,
    method: ReconcileMethod = "mean",
    net_transit: bool = True,
) -> Reconciled:
    """Make the regions' domestic outflows and inflows of each product add up nationally.

    Every unit one province ships to another is an inflow of that other
    province, so for each product the outflows of all regions should sum to
    their inflows. In the official provincial tables they do not (in 2017 the
    inflows exceed the outflows by about 10%). This adjusts the outflow and
    inflow columns to a consistent set, and moves the change into the
    statistical discrepancy (``other``) so that every row still balances; the
    intermediate and final uses, exports, imports, output and value added are
    not touched.

    Parameters
    ----------
    tables : xarray.Dataset
        Single-region tables in the provincial schema (:mod:`iocirc.schema`)
        that split domestic from foreign trade (``domestic_outflow``,
        ``domestic_inflow``, ``export``, ``import``, reported or derivable).
    method : {"mean", "outflow", "inflow"}
        ``"mean"``: weighted least squares, moving outflows and inflows alike
        (see Notes). ``"outflow"``: keep the outflows, scale the inflows to
        their total. ``"inflow"``: keep the inflows, scale the outflows.
    net_transit : bool
        Where a region's inflow of a product exceeds its own (positive) use of
        it, treat the excess as transit, re-shipped to other regions: remove
        it from both the inflow and the outflow (at most the outflow). The net
        outflow is unchanged. Without it, the estimated table has negative
        own-supply entries for those products.

    Returns
    -------
    Reconciled
        ``(tables, report)``. ``tables``: a new Dataset with the ``flow``
        dimension holding the final-demand categories and ``export``,
        ``domestic_outflow``, ``import``, ``domestic_inflow``, ``other``
        (derived flows made explicit), in the tables' unit. ``report``: over
        (region, sector), ``outflow_before``, ``inflow_before``, ``outflow``,
        ``inflow`` (after), ``sign_moved`` (negative inflows booked as
        outflows and vice versa), ``outflow_scaled``, ``inflow_scaled`` (the
        national adjustment), ``transit`` and ``feasibility`` (amounts removed
        from both sides), ``other_change``; over sector, ``national_outflow``,
        ``national_inflow`` (before) and ``national_trade`` (after). Its
        attrs give the method and totals.

    Raises
    ------
    MissingFlowError
        If the tables do not split domestic from foreign trade.
    SchemaError
        Not single-region tables, NaN in the flows needed.
    BalanceError
        With ``method="outflow"`` or ``"inflow"``, a product whose kept side
        is zero nationally while the other is not.

    Notes
    -----
    Four steps, in this order, for each product :math:`i`:

    1. *Signs*: a negative inflow is booked as an outflow of the same size
       (and a negative outflow as an inflow); :math:`o - n` is unchanged.
    2. *National totals* (``method="mean"``): the outflows :math:`o'_r` and
       inflows :math:`n'_r` closest to the published ones in the weighted
       least-squares sense :math:`\\sum_r (o'_r - o_r)^2/o_r +
       \\sum_r (n'_r - n_r)^2/n_r` subject to :math:`\\sum_r o'_r = \\sum_r n'_r`
       and to caps on growth: a region's inflow does not grow beyond its
       positive use of the product, its outflow not beyond its output. The
       solution scales the larger side down and the smaller up by a common
       factor (Lagrange), capped entries held at their caps:

       .. math:: o'_r = o_r (1 - \\lambda), \\quad
                 n'_r = \\min(n_r (1 + \\lambda), \\bar n_r)

       (for :math:`O > N`, national totals :math:`O`, :math:`N`; the other way
       round otherwise), :math:`\\lambda \\in [0, 1)` found by bisection. Without
       caps this is scaling both sides to their mean. Zeros stay zero and
       signs are kept. ``"outflow"`` (``"inflow"``) scales only the inflows
       (outflows), with the same caps. The change of the net outflow goes to
       the discrepancy: :math:`r' = r - (o' - o) + (n' - n)`, so that the row
       identity :math:`x = \\ldots + o - n + r` still holds.
    3. *Transit* (``net_transit``): :math:`\\delta_r = \\min(o_r, n_r - u^+_r)`
       where positive, :math:`u^+_r` the sum of the region's positive uses of
       the product, is removed from both :math:`o_r` and :math:`n_r`.
    4. *Feasibility*: a region cannot ship more to the others than they
       receive from anyone but itself: :math:`o_r \\le N - n_r`. Where
       :math:`o_r + n_r > N` the excess is removed from both sides, as in 3
       (at most one region per product can be in that case).

    Steps 3 and 4 keep each region's net outflow and the national
    consistency. Nothing changes (beyond rounding) for tables that add up,
    have no transit and are feasible, such as those collapsed from a
    multi-regional table with :func:`iocirc.mrio.to_single_region` (whose
    inflows do not exceed their users' positive use).

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.mrio import reconcile_trade
    >>> ds = iocirc.datasets.example_table()
    >>> fixed, report = reconcile_trade(ds)
    >>> flows = fixed["final_use"].sel(flow=["domestic_outflow", "domestic_inflow"])
    >>> total = flows.sum(("region", "sector"))
    >>> bool(abs(total[0] - total[1]) < 1e-6 * total[0])
    True
    >>> report["outflow_scaled"].dims
    ('region', 'sector')
    """
    check_choice("method", method, ("mean", "outflow", "inflow"), purpose="reconcile_trade")
    t = _read_tables(tables, "reconcile_trade")
    o0, n0 = t.outflow.copy(), t.inflow.copy()
    o, n = o0.copy(), n0.copy()
    # 1. signs
    negative_in, negative_out = np.minimum(n, 0.0), np.minimum(o, 0.0)
    moved = -(negative_in + negative_out)
    o = o - negative_out - negative_in
    n = n - negative_in - negative_out
    # 2. national totals
    cap_o = np.maximum(o, t.output)
    cap_n = np.maximum(n, _positive_use(t.use))
    o1, n1 = _national(o, n, cap_o, cap_n, method, t.sectors)
    scaled_o, scaled_n = o1 - o, n1 - n
    o, n = o1, n1
    # 3. transit
    transit = np.zeros_like(o)
    if net_transit:
        positive = _positive_use(t.use)
        transit = np.clip(np.minimum(o, n - positive), 0.0, None)
        to_use = (transit > 0) & (transit == n - positive)
        o, n = o - transit, np.where(to_use, positive, n - transit)
    # 4. feasibility of a zero-diagonal origin-destination table
    feasibility = np.zeros_like(o)
    for _ in range(3):
        step = _feasibility_excess(o, n)
        if not step.any():
            break
        feasibility += step
        o, n = o - step, n - step
    other = t.other - (o - o0) + (n - n0)

    fixed = _rebuild(tables, t, outflow=o, inflow=n, other=other)
    rdims = ("region", "sector")
    coords = {"region": t.regions, "sector": t.sectors}

    def grid(a: np.ndarray, long_name: str) -> xr.DataArray:
        return xr.DataArray(a, dims=rdims, coords=coords, attrs={"long_name": long_name})

    unit = str(tables.attrs.get("currency_unit", ""))
    report = xr.Dataset(
        {
            "outflow_before": grid(o0, "domestic outflow as published"),
            "inflow_before": grid(n0, "domestic inflow as published"),
            "outflow": grid(o, "domestic outflow, reconciled"),
            "inflow": grid(n, "domestic inflow, reconciled"),
            "sign_moved": grid(moved, "negative inflow booked as outflow, or vice versa"),
            "outflow_scaled": grid(scaled_o, "change of the outflow by the national adjustment"),
            "inflow_scaled": grid(scaled_n, "change of the inflow by the national adjustment"),
            "transit": grid(transit, "transit removed from both outflow and inflow"),
            "feasibility": grid(feasibility, "excess removed from both outflow and inflow"),
            "other_change": grid(other - t.other, "change of the statistical discrepancy"),
            "national_outflow": ("sector", o0.sum(axis=0)),
            "national_inflow": ("sector", n0.sum(axis=0)),
            "national_trade": ("sector", o.sum(axis=0)),
        }
    )
    for name in report.data_vars:
        report[name].attrs["units"] = unit
    before_o, before_n = float(o0.sum()), float(n0.sum())
    report.attrs = {
        "method": method,
        "net_transit": int(bool(net_transit)),
        "currency_unit": unit,
        "year": tables.attrs.get("year", -1),
        "outflow_total_before": before_o,
        "inflow_total_before": before_n,
        "trade_total_after": float(o.sum()),
        "moved_total": float(np.abs(o - o0).sum() + np.abs(n - n0).sum()),
        "transit_total": float(transit.sum()),
        "feasibility_total": float(feasibility.sum()),
    }
    return Reconciled(fixed, report)


def _feasibility_excess(o: np.ndarray, n: np.ndarray) -> np.ndarray:
    """How much to remove from both o and n (R, S) so that o_r + n_r <= N for every region."""
    excess = o + n - n.sum(axis=0)
    both = (o > 0) & (n > 0) & (excess > 0)
    return np.where(both, np.minimum(excess, np.minimum(o, n)), 0.0)


def _national(
    o: np.ndarray,
    n: np.ndarray,
    cap_o: np.ndarray,
    cap_n: np.ndarray,
    method: str,
    sectors: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Outflows and inflows (R, S) scaled to equal national sums, growth capped."""
    o1, n1 = o.copy(), n.copy()
    for i in range(o.shape[1]):
        oi, ni = o[:, i], n[:, i]
        big_o, big_n = oi.sum(), ni.sum()
        if big_o == big_n:
            continue
        if method == "mean":
            # The larger side shrinks by (1 - lam), the smaller grows by (1 + lam) up to its caps.
            out_shrinks = big_o > big_n
            shrink, grow, cap = (oi, ni, cap_n[:, i]) if out_shrinks else (ni, oi, cap_o[:, i])
            lam = _bisect(
                lambda x, s=shrink, g=grow, c=cap: float(
                    (s * (1 - x)).sum() - np.minimum(g * (1 + x), c).sum()
                ),
                0.0,
                1.0,
            )
            grown = np.minimum(grow * (1 + lam), cap)
            shrunk = shrink * (1 - lam)
            # Equal national sums to rounding (1 - lam may underflow: scale the shrinking side).
            base = shrunk if shrunk.sum() > 0 else shrink
            if base.sum() > 0:
                shrunk = base * (grown.sum() / base.sum())
            o1[:, i], n1[:, i] = (shrunk, grown) if out_shrinks else (grown, shrunk)
            continue
        keep_out = method == "outflow"
        keep, move, cap = (oi, ni, cap_n[:, i]) if keep_out else (ni, oi, cap_o[:, i])
        target, total = keep.sum(), move.sum()
        room = np.where(move > 0, cap, 0.0).sum()
        if target > total and room < target * (1 - 1e-12):
            side = "inflows" if keep_out else "outflows"
            raise BalanceError(
                f"reconcile_trade(method={method!r}): the {side} of sector {sectors[i]!r} "
                f"cannot grow to the national {'outflow' if keep_out else 'inflow'} "
                f"{target:.6g}: capped by the regions' use (inflows) or output (outflows), "
                f"they reach at most {room:.6g}; use method='mean'"
            )
        if target <= total:
            new = move * (target / total)
        else:
            hi = float(np.divide(cap, move, out=np.zeros_like(cap), where=move > 0).max())
            f = _bisect(
                lambda x, m=move, c=cap, tg=target: float(tg - np.minimum(m * x, c).sum()),
                1.0,
                max(hi, 1.0),
            )
            new = np.minimum(move * f, cap)
        if new.sum() > 0:
            new = new * (target / new.sum())
        o1[:, i], n1[:, i] = (keep, new) if keep_out else (new, keep)
    return o1, n1


def _bisect(f: Any, lo: float, hi: float) -> float:
    """The root of a monotone function on [lo, hi] (f(lo) and f(hi) of opposite signs)."""
    f_lo = f(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if f_mid == 0 or hi - lo <= 1e-16 * max(1.0, abs(mid)):
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _rebuild(
    tables: xr.Dataset, t: _Tables, *, outflow: np.ndarray, inflow: np.ndarray, other: np.ndarray
) -> xr.Dataset:
    """The tables with explicit final categories and trade flows, outflow/inflow/other replaced."""
    flows = [*t.categories, "export", "domestic_outflow", "import", "domestic_inflow", "other"]
    s = len(t.sectors)
    values = np.concatenate(
        [
            t.use[:, :, s:],
            np.stack([t.export, outflow, t.imports, inflow, other], axis=-1),
        ],
        axis=-1,
    )
    old = tables["final_use"]
    final_use = xr.DataArray(
        values,
        dims=("region", "sector", "flow"),
        coords={"flow": flows, **member_coords("flow", flows)},
        attrs=dict(old.attrs),
    )
    out = tables.drop_vars("final_use").drop_dims("flow", errors="ignore").copy(deep=True)
    out["final_use"] = final_use.assign_coords(
        {
            "region": out.indexes["region"],
            "sector": out.indexes["sector"],
        }
    ).transpose(*old.dims)
    return out[list(tables.data_vars)]


# ----------------------------------------------------------------------------------------------
# distances and origin-destination flows


def great_circle_distances(
    latitude: xr.DataArray, longitude: xr.DataArray, *, radius: float = EARTH_RADIUS_KM
) -> xr.DataArray:
    """Great-circle distances between points, by the haversine formula.

    Parameters
    ----------
    latitude, longitude : xarray.DataArray
        Coordinates in decimal degrees (north and east positive) over one
        dimension ``region`` (labelled).
    radius : float
        Sphere radius (km); default the mean Earth radius 6371.0088 km.

    Returns
    -------
    xarray.DataArray
        Over (region, region_to), symmetric with a zero diagonal, in km.

    Notes
    -----
    :math:`d = 2 R \\arcsin \\sqrt{\\sin^2(\\Delta\\varphi/2) +
    \\cos\\varphi_1 \\cos\\varphi_2 \\sin^2(\\Delta\\lambda/2)}`.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.mrio import great_circle_distances
    >>> lat = xr.DataArray([0.0, 0.0], dims="region", coords={"region": ["a", "b"]})
    >>> lon = xr.DataArray([0.0, 90.0], dims="region", coords={"region": ["a", "b"]})
    >>> d = great_circle_distances(lat, lon)
    >>> round(float(d.sel(region="a", region_to="b")), 1)  # a quarter of the equator
    10007.6
    """
    radius = finite_number(radius, "great_circle_distances: radius", positive=True)
    for name, da in (("latitude", latitude), ("longitude", longitude)):
        if not isinstance(da, xr.DataArray) or da.dims != ("region",):
            raise SchemaError(f"{name} must be a DataArray over ('region',)")
        check_labels(da, ["region"], purpose=f"great_circle_distances: {name}")
        if not np.issubdtype(da.dtype, np.number) or np.iscomplexobj(da.values):
            raise SchemaError(f"{name} holds {da.dtype} data; expected decimal degrees")
        if not np.isfinite(da.values.astype(float)).all():
            raise SchemaError(f"{name} has NaN or infinite values")
    if list(latitude.indexes["region"]) != list(longitude.indexes["region"]):
        raise SchemaError("latitude and longitude must have the same region labels, in order")
    if (np.abs(latitude.values) > 90).any() or (np.abs(longitude.values) > 360).any():
        raise SchemaError("latitude must be within [-90, 90] and longitude within [-360, 360]")
    phi = np.radians(latitude.values.astype(float))
    lam = np.radians(longitude.values.astype(float))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2
    d = 2.0 * radius * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    np.fill_diagonal(d, 0.0)
    labels = list(latitude.indexes["region"])
    return xr.DataArray(
        d,
        dims=("region", "region_to"),
        coords={"region": labels, "region_to": labels},
        name="distance",
        attrs={"units": "km", "long_name": "great-circle distance"},
    )


def _distance_matrix(distance: Any, regions: list[str], purpose: str) -> np.ndarray:
    if not isinstance(distance, xr.DataArray) or set(distance.dims) != {"region", "region_to"}:
        raise SchemaError(
            f"{purpose}: distance must be a DataArray over (region, region_to), e.g. "
            "iocirc.datasets.province_distances()"
        )
    for dim in ("region", "region_to"):
        held = [str(r) for r in distance.indexes[dim]] if dim in distance.indexes else []
        missing = [r for r in regions if r not in held]
        if missing:
            raise SchemaError(
                f"{purpose}: the distance matrix has no {dim} {missing}; it holds {held}"
            )
        if len(set(held)) != len(held):
            raise SchemaError(f"{purpose}: the distance matrix has duplicated {dim} labels")
    picked = distance.sel(region=regions, region_to=regions).transpose("region", "region_to")
    if not np.issubdtype(picked.dtype, np.number) or np.iscomplexobj(picked.values):
        raise SchemaError(
            f"{purpose}: the distance matrix holds {picked.dtype} data; expected real numbers"
        )
    d = np.array(picked.values, dtype=np.float64)
    off = ~np.eye(len(regions), dtype=bool)
    bad = off & ~(np.isfinite(d) & (d > 0))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise SchemaError(
            f"{purpose}: the distance from {regions[i]!r} to {regions[j]!r} is {d[i, j]!r}; "
            "distances between different regions must be positive and finite"
        )
    return d


def _betas(beta: Any) -> tuple[list[float], bool]:
    """The betas asked for, and whether a ``beta`` dimension is wanted (a sequence)."""
    many = isinstance(beta, Sequence | np.ndarray | xr.DataArray) and not isinstance(beta, str)
    values = list(np.atleast_1d(np.asarray(beta, dtype=float))) if many else [beta]
    out = []
    for b in values:
        if isinstance(b, str | bool | np.bool_):
            raise ArgumentError(f"beta must be a number or a list of numbers, not {b!r}")
        try:
            f = float(b)
        except (TypeError, ValueError):
            raise ArgumentError(f"beta must be a number or a list of numbers, not {b!r}") from None
        if not np.isfinite(f):
            raise ArgumentError(f"beta must be finite, not {f!r}")
        out.append(f)
    if not out:
        raise ArgumentError("beta is an empty list")
    if len(set(out)) != len(out):
        raise ArgumentError(f"beta has duplicated values {out}")
    return out, many


def _seed(
    method: str,
    regions: list[str],
    distance: Any,
    beta: float,
    prior: Any,
    sectors: list[str] | None,
    purpose: str,
) -> np.ndarray:
    """The seed (R, R) or (S, R, R) with a zero diagonal."""
    r = len(regions)
    off = ~np.eye(r, dtype=bool)
    if method == "gravity":
        d = _distance_matrix(distance, regions, purpose)
        seed = np.zeros((r, r))
        with np.errstate(over="ignore", under="ignore"):
            seed[off] = d[off] ** (-beta)
        if not (np.isfinite(seed[off]) & (seed[off] > 0)).all():
            raise ArgumentError(
                f"{purpose}: beta={beta!r} is too large in magnitude for these distances: "
                "d ** -beta overflows to infinity or underflows to 0 (distances in km or "
                "100 km and a beta of order 1 are usual)"
            )
        return seed
    if method == "uniform":
        return off.astype(np.float64)
    if method == "prior":
        if not isinstance(prior, xr.DataArray) or not {"region", "region_to"} <= set(prior.dims):
            raise SchemaError(
                f"{purpose}: method='prior' needs prior flows as a DataArray over (region, "
                "region_to), optionally by sector (e.g. rail freight tonnes between provinces)"
            )
        extra = set(map(str, prior.dims)) - {"region", "region_to", "sector"}
        if extra:
            raise SchemaError(f"{purpose}: the prior has unexpected dimension(s) {sorted(extra)}")
        for dim in ("region", "region_to"):
            held = [str(x) for x in prior.indexes[dim]] if dim in prior.indexes else []
            missing = [x for x in regions if x not in held]
            if missing:
                raise SchemaError(f"{purpose}: the prior has no {dim} {missing}")
        check_labels(prior, ["region", "region_to", "sector"], purpose=f"{purpose}: the prior")
        p = prior.sel(region=regions, region_to=regions)
        if "sector" in p.dims:
            if sectors is None:
                raise SchemaError(f"{purpose}: a prior by sector needs flows by sector")
            held = [str(x) for x in p.indexes["sector"]]
            missing = [x for x in sectors if x not in held]
            if missing:
                raise SchemaError(f"{purpose}: the prior has no sector {missing}")
            a = np.array(p.sel(sector=sectors).transpose("sector", "region", "region_to").values)
        else:
            a = np.array(p.transpose("region", "region_to").values)
        a = a.astype(np.float64)
        if not np.isfinite(a).all() or (a < 0).any():
            raise SchemaError(f"{purpose}: the prior must be finite and non-negative")
        return np.where(off, a, 0.0)
    raise ArgumentError(
        f"{purpose}: method must be 'gravity', 'uniform' or 'prior', not {method!r}"
    )


def od_flows(
    outflow: xr.DataArray,
    inflow: xr.DataArray,
    distance: xr.DataArray | None = None,
    *,
    method: SeedMethod = "gravity",
    beta: float | Sequence[float] = 1.0,
    prior: xr.DataArray | None = None,
    tol: float = ESTIMATE_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> xr.DataArray:
    """Origin-destination flows meeting each region's outflow and inflow.

    Parameters
    ----------
    outflow, inflow : xarray.DataArray
        Each region's shipments to and receipts from the other regions, over
        ``region`` and optionally further dimensions such as ``sector`` (one
        origin-destination table each), non-negative, with equal sums over
        ``region`` (see :func:`reconcile_trade`).
    distance : xarray.DataArray, optional
        Distance or impedance over (region, region_to), positive between
        different regions (the diagonal is ignored); needed for
        ``method="gravity"``. May hold more regions than ``outflow``.
    method : {"gravity", "uniform", "prior"}
        The seed: ``"gravity"`` :math:`d_{rs}^{-\\beta}`; ``"uniform"`` no
        distance (every pair alike); ``"prior"`` the flows ``prior``.
    beta : float or sequence of float
        Distance-decay exponent(s) of the gravity seed. A sequence gives a
        result with a ``beta`` dimension.
    prior : xarray.DataArray, optional
        Prior flows over (region, region_to), optionally by ``sector``,
        non-negative (zeros stay zero), for ``method="prior"``: for example
        rail freight tonnes between provinces.
    tol, max_iter : float, int
        Convergence control of the RAS balancing (:func:`iocirc.mrio.ras`).

    Returns
    -------
    xarray.DataArray
        Flows over (..., region, region_to) (origin, destination), zero on the
        diagonal, in the unit of ``outflow``, with the balancing report in
        its attrs.

    Raises
    ------
    SchemaError
        Bad distances (missing regions, zero or negative between different
        regions), negative flows or priors.
    BalanceError
        Outflows and inflows whose sums differ.
    ConvergenceError
        If the margins cannot be met with a zero diagonal (a region shipping
        more than the others receive from anyone else, or zeros of a prior).

    Notes
    -----
    The doubly-constrained gravity model
    :math:`T_{rs} = a_r b_s\\, o_r n_s\\, d_{rs}^{-\\beta}` (Wilson 1970) with
    :math:`\\sum_s T_{rs} = o_r`, :math:`\\sum_r T_{rs} = n_s` and
    :math:`T_{rr} = 0` is RAS applied to the seed :math:`d_{rs}^{-\\beta}`
    (the factors :math:`o_r n_s` are absorbed by the balancing factors
    :math:`a_r, b_s`); the Furness method of transport planning is the same
    iteration.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.mrio import od_flows
    >>> regions = ["a", "b", "c"]
    >>> o = xr.DataArray([4.0, 3.0, 2.0], dims="region", coords={"region": regions})
    >>> n = xr.DataArray([2.0, 3.0, 4.0], dims="region", coords={"region": regions})
    >>> d = xr.DataArray([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dims=("region", "region_to"),
    ...                  coords={"region": regions, "region_to": regions})
    >>> t = od_flows(o, n, d, beta=1.0)
    >>> t.sum("region_to").values.round(9).tolist(), t.sum("region").values.round(9).tolist()
    ([4.0, 3.0, 2.0], [2.0, 3.0, 4.0])
    >>> float(t.sel(region="a", region_to="a"))
    0.0
    """
    for name, da in (("outflow", outflow), ("inflow", inflow)):
        if not isinstance(da, xr.DataArray) or "region" not in da.dims:
            raise SchemaError(f"od_flows: {name} must be a DataArray with a 'region' dimension")
    if set(outflow.dims) != set(inflow.dims):
        raise SchemaError(
            f"od_flows: outflow {tuple(outflow.dims)} and inflow {tuple(inflow.dims)} must have "
            "the same dimensions"
        )
    for name, da in (("outflow", outflow), ("inflow", inflow)):
        check_labels(da, [str(d) for d in da.dims], purpose=f"od_flows: {name}")
    regions = [str(r) for r in outflow.indexes["region"]]
    betas, many = _betas(beta)
    batch = [str(d) for d in outflow.dims if d != "region"]
    sectors = [str(s) for s in outflow.indexes["sector"]] if "sector" in batch else None
    out_arr = outflow.transpose(*batch, "region")
    in_arr = inflow.transpose(*batch, "region").rename(region="region_to")
    results = []
    for b in betas:
        seed = _seed(method, regions, distance, b, prior, sectors, "od_flows")
        if seed.ndim == 3:  # by sector
            seed_da = xr.DataArray(
                seed,
                dims=("sector", "region", "region_to"),
                coords={"sector": sectors, "region": regions, "region_to": regions},
            )
        else:
            seed_da = xr.DataArray(
                seed,
                dims=("region", "region_to"),
                coords={"region": regions, "region_to": regions},
            )
        ones = xr.ones_like(out_arr.isel(region=0, drop=True))
        seed_full = (seed_da * ones).transpose(*batch, "region", "region_to")
        try:
            flows, report = ras(
                seed_full.drop_vars([c for c in seed_full.coords if c not in seed_full.dims]),
                out_arr.drop_vars([c for c in out_arr.coords if c not in out_arr.dims]),
                in_arr.drop_vars([c for c in in_arr.coords if c not in in_arr.dims]),
                tol=tol,
                max_iter=max_iter,
            )
        except ConvergenceError as err:
            raise ConvergenceError(
                f"{err}. With a zero diagonal a region cannot ship more to the others than they "
                "receive from anyone but itself; iocirc.mrio.reconcile_trade nets such excess"
            ) from None
        except BalanceError as err:
            raise BalanceError(
                f"od_flows: {err}; make outflows and inflows consistent first with "
                "iocirc.mrio.reconcile_trade"
            ) from None
        flows.attrs = {
            "long_name": "origin-destination flows",
            "units": outflow.attrs.get("units", ""),
            "method": method,
            "beta": b,
            **report.as_attrs("ras"),
        }
        results.append(flows)
    if not many:
        return results[0].rename("trade")
    out = xr.concat(results, dim=xr.DataArray(betas, dims="beta", name="beta"))
    out.attrs = {k: v for k, v in results[0].attrs.items() if k != "beta"}
    out.attrs["beta"] = betas
    return out.rename("trade")


# ----------------------------------------------------------------------------------------------
# Chenery-Moses allocation


class Allocation(NamedTuple):
    """The result of :func:`chenery_moses`, over (origin, sector, destination, user)."""

    flows: np.ndarray
    """Deliveries (R, S, R, K): ``flows[r, i, s, k]`` of product ``i`` from region ``r`` to user
    ``k`` of region ``s``; the diagonal blocks (``r == s``) are own domestic supply."""
    imported: np.ndarray
    """Foreign imports (R, S, K) used by each user of each region (zeros without imports)."""
    shares: np.ndarray
    """The users' shares (R, S, K) of the product's positive use, which every source gets."""


def chenery_moses(
    use: np.ndarray, trade: np.ndarray, imports: np.ndarray | None = None
) -> Allocation:
    """Share each region's supply from other regions (and abroad) among its users.

    Parameters
    ----------
    use : numpy.ndarray, shape (R, S, K)
        Use of product ``i`` by user ``k`` (industries and final-use
        categories) in region ``s``, from all sources: own supply, other
        regions, abroad. Any sign (negative for inventory drawdowns).
    trade : numpy.ndarray, shape (S, R, R)
        Origin-destination flows of each product, ``trade[i, r, s]`` from
        region ``r`` to region ``s``, zero diagonal (see :func:`od_flows`).
    imports : numpy.ndarray, shape (R, S), optional
        Foreign (competitive) imports of each product into each region.

    Returns
    -------
    Allocation
        ``flows`` (R, S, R, K), ``imported`` (R, S, K) and ``shares``, new
        arrays in the unit of the inputs.

    Raises
    ------
    SchemaError
        Wrong shapes, NaN, a non-zero diagonal or negative trade.

    Notes
    -----
    The Chenery-Moses assumption: every user of a product in region
    :math:`s` buys it from the same mix of sources. With :math:`u^+_{si}` the
    region's total positive use of product :math:`i` and
    :math:`w_{sik} = \\max(u_{sik}, 0) / u^+_{si}` the user's share,

    .. math::

        F_{ri,sk} = T_{i,rs}\\, w_{sik} \\; (r \\ne s), \\qquad
        M_{sik} = m_{si}\\, w_{sik}, \\qquad
        F_{si,sk} = u_{sik} - (n_{si} + m_{si})\\, w_{sik},

    with the inflow :math:`n_{si} = \\sum_r T_{i,rs}`. Negative uses are
    supplied by the region itself. Where a region has no positive use of a
    product, its users share alike (:math:`w = 1/K`). The own block is
    negative where inflows and imports exceed the positive use.

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import chenery_moses
    >>> use = np.array([[[6.0, 4.0]], [[3.0, 1.0]]])     # 2 regions, 1 product, 2 users
    >>> trade = np.array([[[0.0, 2.0], [5.0, 0.0]]])    # a ships 2 to b, b ships 5 to a
    >>> alloc = chenery_moses(use, trade)
    >>> alloc.flows[1, 0, 0].tolist()   # b's product in a's users: 5 shared 60/40
    [3.0, 2.0]
    >>> bool(np.allclose(alloc.flows.sum(axis=0).transpose(1, 0, 2), use))
    True
    """
    u = np.array(use, dtype=np.float64)
    t = np.array(trade, dtype=np.float64)
    if u.ndim != 3:
        raise SchemaError(f"chenery_moses: use must have shape (R, S, K), not {u.shape}")
    r, s, _ = u.shape
    if t.shape != (s, r, r):
        raise SchemaError(f"chenery_moses: trade has shape {t.shape}; expected {(s, r, r)}")
    m = np.zeros((r, s)) if imports is None else np.array(imports, dtype=np.float64)
    if m.shape != (r, s):
        raise SchemaError(f"chenery_moses: imports has shape {m.shape}; expected {(r, s)}")
    for name, a in (("use", u), ("trade", t), ("imports", m)):
        if not np.isfinite(a).all():
            raise SchemaError(f"chenery_moses: {name} has NaN or infinite values")
    if (t < 0).any():
        raise SchemaError("chenery_moses: trade flows must be non-negative")
    if np.abs(np.diagonal(t, axis1=1, axis2=2)).max(initial=0.0) > 0:
        raise SchemaError("chenery_moses: trade must have a zero diagonal (no flow to oneself)")
    shares = _shares(u)
    inflow = t.sum(axis=1).T  # (R dest, S)
    flows = t.transpose(1, 0, 2)[:, :, :, np.newaxis] * shares.transpose(1, 0, 2)[np.newaxis]
    # flows[r, i, s, k]; replace the diagonal blocks by own supply
    imported = m[:, :, np.newaxis] * shares
    positive = np.where(u > 0, u, 0.0).sum(axis=-1)
    bought = inflow + m
    # u * (1 - bought / u+) rather than u - bought * w: exactly zero when bought == u+
    kept = 1.0 - np.divide(bought, positive, out=np.zeros_like(bought), where=positive > 0)
    kept = np.where(np.abs(kept) < 1e-12, 0.0, kept)  # rounding of balanced flows
    own = np.where(
        (positive > 0)[:, :, np.newaxis],
        np.where(u > 0, u * kept[:, :, np.newaxis], u),
        u - bought[:, :, np.newaxis] * shares,
    )
    idx = np.arange(r)
    flows[idx, :, idx, :] = own
    return Allocation(flows=flows, imported=imported, shares=shares)


def _shares(use: np.ndarray) -> np.ndarray:
    positive = np.where(use > 0, use, 0.0)
    total = positive.sum(axis=-1, keepdims=True)
    k = use.shape[-1]
    return np.where(total > 0, positive / np.where(total > 0, total, 1.0), 1.0 / max(k, 1))


# ----------------------------------------------------------------------------------------------
# estimate


def estimate(
    tables: xr.Dataset,
    distance: xr.DataArray | None = None,
    *,
    method: SeedMethod = "gravity",
    beta: float | Sequence[float] = 1.0,
    prior: xr.DataArray | None = None,
    reconcile: ReconcileMethod | None = "mean",
    net_transit: bool = True,
    nation_name: str | None = None,
    tol: float = ESTIMATE_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    validate: bool = True,
    rtol: float = 1e-6,
    atol: float | None = None,
) -> xr.Dataset:
    """Estimate a multi-regional table from single-region tables.

    Parameters
    ----------
    tables : xarray.Dataset
        Single-region tables in the provincial schema (one region per
        table, stacked on ``region``) that split domestic from foreign trade:
        ``domestic_outflow``, ``domestic_inflow``, ``export``, ``import`` by
        product, reported or derivable (2012 and 2017 provincial tables).
    distance : xarray.DataArray, optional
        Distance or impedance over (region, region_to), positive between
        different regions (e.g. :func:`iocirc.datasets.province_distances`,
        or road or rail travel times); needed for ``method="gravity"``.
    method : {"gravity", "uniform", "prior"}
        Seed of the origin-destination flows, see :func:`od_flows`.
    beta : float or sequence of float
        Distance-decay exponent. A sequence gives a result with a ``beta``
        dimension on ``intermediate_use`` and ``final_use``, to see how a
        result depends on the assumption.
    prior : xarray.DataArray, optional
        Prior flows for ``method="prior"`` (e.g. rail freight tonnes).
    reconcile : {"mean", "outflow", "inflow"} or None
        How to make outflows and inflows add up nationally
        (:func:`reconcile_trade`). None: refuse tables that do not add up.
    net_transit : bool
        Net inflows in excess of a region's use against its outflow (see
        :func:`reconcile_trade`).
    nation_name : str, optional
        Name of the nation the regions form (attribute ``nation``); default
        "China" for Chinese provinces, else "".
    tol, max_iter : float, int
        Convergence control of the origin-destination balancing.
    validate : bool
        Check the result with :func:`iocirc.mrio.validate`.
    rtol, atol : float
        Tolerances of that check. The row identities hold by construction
        (the reconciled ``other`` is the discrepancy); the column identities
        are the tables' own, so the default ``atol`` is the largest column
        residual of the input tables (the official tables' hold to a fraction
        of their printed unit): the estimate is as balanced as its input.

    Returns
    -------
    xarray.Dataset
        A multi-regional table (:data:`iocirc.schema.MRIO_VARIABLES`) over
        the tables' regions (all ``in_nation``), sectors and final-demand
        categories, in the tables' unit, with ``export``, ``import``
        (competitive, in the region's own rows) and ``discrepancy`` (the
        reconciled ``other``). Attributes ``estimate_method``,
        ``estimate_beta``, ``estimate_reconciliation``, ``estimate_net_transit``,
        ``estimate_moved_total``, ``ras_iterations``, ``ras_converged``,
        ``ras_max_relative_residual`` record how it was made.

    Raises
    ------
    MissingFlowError
        If the tables do not split domestic from foreign trade (2002, 2007).
    SchemaError
        Not single-region tables, NaN, bad distances.
    BalanceError
        With ``reconcile=None``, outflows and inflows that do not add up.
    ConvergenceError
        If the origin-destination balancing does not converge.

    Notes
    -----
    For region :math:`s`, product :math:`i`, with use :math:`u_{sik}` by
    industries and final users :math:`k`, inflow :math:`n_{si}`, outflow
    :math:`o_{si}`, exports :math:`e_{si}`, imports :math:`m_{si}` (after
    :func:`reconcile_trade`), origin-destination flows :math:`T_{i,rs}` from
    :func:`od_flows` and the users' shares :math:`w_{sik}` of
    :func:`chenery_moses`:

    .. math::

        Z_{ri,sj} = T_{i,rs}\\, w_{sij}, \\quad Y_{ri,sf} = T_{i,rs}\\, w_{sif}
        \\quad (r \\ne s), \\qquad
        Z_{si,sj} = u_{sij} - n_{si} w_{sij}, \\quad Y_{si,sf} = u_{sif} - n_{si} w_{sif}.

    Foreign imports stay in the region's own rows (competitive, the
    convention of the provincial tables) and in the variable ``import``.
    Then :math:`\\sum_r Z_{ri,sj} = u_{sij}` (every region's use is kept),
    :math:`\\sum_{s \\ne r} \\sum_k (Z, Y)_{ri,sk} = o_{ri}` and
    :math:`\\sum_{r \\ne s} \\sum_k (Z, Y)_{ri,sk} = n_{si}` (its outflow and
    inflow), and the row identity
    :math:`x = \\sum Z + \\sum Y + e - m + d` holds with the discrepancy
    :math:`d` of the reconciled table: :func:`iocirc.mrio.to_single_region`
    gives the reconciled tables back.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.mrio import estimate, great_circle_distances
    >>> import xarray as xr
    >>> ds = iocirc.datasets.example_table()
    >>> regions = list(ds.indexes["region"])
    >>> lat = xr.DataArray([41.8, 43.9, 45.8], dims="region", coords={"region": regions})
    >>> lon = xr.DataArray([123.4, 125.3, 126.5], dims="region", coords={"region": regions})
    >>> mrio = estimate(ds, great_circle_distances(lat, lon))
    >>> dict(mrio.sizes)["region_to"], mrio.attrs["estimate_method"]
    (3, 'gravity')
    >>> use = mrio["intermediate_use"].sum("region").rename(region_to="region")
    >>> bool(abs(use - ds["intermediate_use"]).max() < 1e-6)
    True
    """
    purpose = "estimate"
    check_choice("method", method, ("gravity", "uniform", "prior"), purpose="estimate")
    if method == "gravity" and distance is None:
        raise ArgumentError(
            "estimate: method='gravity' needs a distance matrix, e.g. "
            "iocirc.datasets.province_distances(); or use method='uniform'"
        )
    betas, many = _betas(beta)
    if reconcile is None:
        t = _read_tables(tables, purpose)
        report = None
        _check_consistent(t)
    else:
        _read_tables(tables, purpose)  # refuse unusable tables with estimate's messages
        fixed, report = reconcile_trade(tables, method=reconcile, net_transit=net_transit)
        t = _read_tables(fixed, purpose)
    regions, sectors = t.regions, t.sectors
    r_n, s_n = len(regions), len(sectors)
    if r_n < 2 and (np.abs(t.outflow).sum() > 0 or np.abs(t.inflow).sum() > 0):
        raise SchemaError(
            f"{purpose}: a single region cannot have interregional trade, but the table of "
            f"{regions[0]!r} has domestic outflows or inflows"
        )
    coords = {"region": regions, "sector": sectors}
    out_da = xr.DataArray(t.outflow.T, dims=("sector", "region"), coords=coords)
    in_da = xr.DataArray(t.inflow.T, dims=("sector", "region"), coords=coords)
    trade = od_flows(
        out_da,
        in_da,
        distance if method == "gravity" else None,
        method=method,
        beta=betas if many else betas[0],
        prior=prior,
        tol=tol,
        max_iter=max_iter,
    )
    if nation_name is not None and not isinstance(nation_name, str):
        raise ArgumentTypeError(f"estimate: nation_name must be a string, not {nation_name!r}")
    if nation_name is None:
        from iocirc.regions import PROVINCES

        names = {p.name for p in PROVINCES}
        nation_name = "China" if all(r in names for r in regions) else ""
    currency = str(tables.attrs.get("currency_unit", ""))
    k_n = len(t.va_components)
    value_added = t.value_added.transpose(1, 0, 2).reshape(k_n, r_n * s_n)
    attrs_common: dict[str, Any] = {
        "estimate_method": method,
        "estimate_reconciliation": "none" if reconcile is None else reconcile,
        "estimate_net_transit": int(bool(net_transit and reconcile is not None)),
        "estimate_moved_total": 0.0 if report is None else report.attrs["moved_total"],
        "estimate_transit_total": 0.0 if report is None else report.attrs["transit_total"],
        "estimate_feasibility_total": 0.0 if report is None else report.attrs["feasibility_total"],
        "estimate_distance": _describe(distance) if method == "gravity" else "",
    }
    if isinstance(tables, xr.Dataset) and "rounding_step" in tables.attrs:
        # The tables' printed precision: the MRIO validates with the tables' own tolerance.
        attrs_common["rounding_step"] = tables.attrs["rounding_step"]
    results = []
    for b_i, b in enumerate(betas):
        tr = trade.isel(beta=b_i) if many else trade
        flows = np.array(tr.transpose("sector", "region", "region_to").values)
        alloc = chenery_moses(t.use, flows)
        z = alloc.flows[..., :s_n].reshape(r_n * s_n, r_n * s_n)
        y = alloc.flows[..., s_n:].reshape(r_n * s_n, r_n * len(t.categories))
        mrio = from_matrices(
            z,
            y,
            regions=regions,
            sectors=sectors,
            final_categories=t.categories,
            output=t.output.reshape(-1),
            value_added=value_added,
            va_components=t.va_components,
            exports=t.export.reshape(-1),
            imports=t.imports.reshape(-1),
            nation=regions,
            nation_name=nation_name,
            year=int(tables.attrs.get("year", -1)),
            source=f"estimated by iocirc.mrio.estimate from: {tables.attrs.get('source', '')}",
            currency_unit=currency,
            price_basis=str(tables.attrs.get("price_basis", "")),
            classification=str(tables.attrs.get("classification", "custom")),
            attrs={
                **attrs_common,
                "estimate_beta": b if method == "gravity" else float("nan"),
                **{k: v for k, v in tr.attrs.items() if k.startswith("ras_")},
            },
            validate=False,
        )
        results.append(mrio)
    if many:
        beta_coord = xr.DataArray(betas, dims="beta", name="beta")
        out = results[0].copy()
        for name in ("intermediate_use", "final_use"):
            out[name] = xr.concat([m[name] for m in results], dim=beta_coord)
        out.attrs["estimate_beta"] = betas
        out.attrs["ras_iterations"] = max(int(m.attrs["ras_iterations"]) for m in results)
        out.attrs["ras_converged"] = min(int(m.attrs["ras_converged"]) for m in results)
        out.attrs["ras_max_relative_residual"] = max(
            float(m.attrs["ras_max_relative_residual"]) for m in results
        )
    else:
        out = results[0]
    out = _copy_label_coords(out, tables)
    if validate:
        from iocirc.mrio._table import validate as _validate_mrio

        if atol is None:
            atol = _column_residual(t)
        _validate_mrio(out, rtol=rtol, atol=atol)
    return out


def _column_residual(t: _Tables) -> float:
    """The largest absolute column residual of the tables (output - inputs - value added)."""
    s = len(t.sectors)
    keep = [k in identity_terms("va_component", t.va_components) for k in t.va_components]
    va = t.value_added[:, np.array(keep, dtype=bool), :].sum(axis=1)
    residual = t.output - t.use[:, :, :s].sum(axis=1) - va
    return float(np.abs(residual).max(initial=0.0)) * (1.0 + 1e-9)


def _describe(distance: Any) -> str:
    if not isinstance(distance, xr.DataArray):
        return ""
    name = str(distance.attrs.get("long_name", distance.name or "distance"))
    unit = distance.attrs.get("units")
    return f"{name} ({unit})" if unit else name


def _check_consistent(t: _Tables) -> None:
    o, n = t.outflow.sum(axis=0), t.inflow.sum(axis=0)
    scale = np.maximum(np.abs(t.outflow).sum(axis=0), np.abs(t.inflow).sum(axis=0))
    bad = np.abs(o - n) > 1e-9 * np.where(scale > 0, scale, 1.0)
    if bad.any():
        i = int(np.argmax(bad))
        raise BalanceError(
            f"estimate(reconcile=None): the domestic outflows of sector {t.sectors[i]!r} sum "
            f"to {o[i]:.10g} but the inflows to {n[i]:.10g}; pass reconcile='mean' to adjust them"
        )


def _copy_label_coords(mrio: xr.Dataset, tables: xr.Dataset) -> xr.Dataset:
    """Carry the tables' label coordinates (region_zh, sector_en, ...) over."""
    extra = {}
    for name, coord in tables.coords.items():
        if name in mrio.coords or len(coord.dims) != 1:
            continue
        dim = coord.dims[0]
        if dim in ("region", "sector", "sector_to"):
            extra[name] = (dim, coord.values)
    return mrio.assign_coords(extra)


# ----------------------------------------------------------------------------------------------
# measuring an estimate against a true table


def estimation_error(estimated: xr.Dataset, true: xr.Dataset) -> xr.Dataset:
    """How far an estimated multi-regional table is from the true one, on the nation's trade.

    Parameters
    ----------
    estimated : xarray.Dataset
        A table from :func:`estimate` (optionally with a ``beta`` dimension).
    true : xarray.Dataset
        The true multi-regional table, holding at least the estimated regions
        (e.g. the world table whose :func:`iocirc.mrio.to_single_region` view
        was estimated back), same sectors and final-demand categories.

    Returns
    -------
    xarray.Dataset
        ``wape``: weighted absolute percentage error of the interregional flows
        by origin, destination and product,
        :math:`\\sum |\\hat T - T| / \\sum T` over :math:`r \\ne s`, with
        :math:`T_{ri,s} = \\sum_j Z_{ri,sj} + \\sum_f Y_{ri,sf}` (dimensionless);
        ``wape_by_user``: the same over flows by using industry and final-use
        category (:math:`Z` and :math:`Y` entries; the allocation's error
        too); ``wape_by_sector``, ``wape_by_origin``, ``wape_by_destination``;
        ``share_true``, ``share_estimated`` (region): the share of each
        region's GDP absorbed by the final demand of the other regions of the
        set, in the demand-driven model of the set's domestic flows (see
        Notes), and ``share_error`` their difference (percentage points / 100).

    Notes
    -----
    The GDP shares: with :math:`Z^d`, :math:`Y^d` the flows among the set's
    regions net of imports from outside it, :math:`A = Z^d \\hat x^{-1}`,
    value-added coefficients :math:`v`, the value added of region :math:`r`
    absorbed by the final demand of :math:`s` is
    :math:`\\sum_{i \\in r} v_i [(I - A)^{-1} Y^d_{\\cdot s}]_i`; the share is
    its sum over :math:`s \\ne r` divided by GDP. For the estimated table the
    imports are taken off each user's use in proportion
    (:func:`chenery_moses`); for the true table the flows from outside the
    set are left out, and competitive imports (variable ``import``) are taken
    off alike. The same model on both sides, so that the difference is the
    estimation error alone (paths through regions outside the set are in
    neither).

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.mrio import estimate, estimation_error, to_single_region
    >>> from iocirc.testing import synthetic_mrio
    >>> true = synthetic_mrio(4, 3, nation=4)
    >>> view = to_single_region(true)
    >>> err = estimation_error(estimate(view, method="uniform"), true)
    >>> 0.0 <= float(err["wape"]) < 2.0
    True
    """
    for what, table in (("estimated", estimated), ("true", true)):
        if not isinstance(table, xr.Dataset):
            raise SchemaError(
                f"estimation_error: the {what} table must be an xarray.Dataset, not "
                f"{type(table).__name__}"
            )
        try:  # values, labels and units; the balance is the estimator's business
            _validate_mrio(table, on_imbalance="ignore")
        except IocircError as err:
            raise type(err)(f"estimation_error: the {what} table: {err}") from None
    units = (estimated.attrs.get("currency_unit"), true.attrs.get("currency_unit"))
    if units[0] != units[1]:
        raise UnitError(
            f"estimation_error: the estimated table is in {units[0]!r} but the true table in "
            f"{units[1]!r}; convert one first"
        )
    regions = [str(r) for r in estimated.indexes["region"]]
    held = [str(r) for r in true.indexes["region"]]
    missing = [r for r in regions if r not in held]
    if missing:
        raise SchemaError(f"estimation_error: the true table lacks the regions {missing}")
    t = true.sel(region=regions, region_to=regions)
    flows = [str(f) for f in estimated.indexes["flow"]]
    t_flows = [str(f) for f in t.indexes["flow"]]
    if [str(s) for s in t.indexes["sector"]] != [str(s) for s in estimated.indexes["sector"]]:
        raise SchemaError("estimation_error: the tables have different sectors")
    if sorted(t_flows) != sorted(flows):
        raise SchemaError(
            f"estimation_error: the tables have different final-demand categories {flows} and "
            f"{t_flows}"
        )
    off = xr.DataArray(
        1.0 - np.eye(len(regions)),
        dims=("region", "region_to"),
        coords={"region": regions, "region_to": regions},
    )

    def bare(da: xr.DataArray) -> xr.DataArray:
        return da.reset_coords(drop=True)

    def trade(m: xr.Dataset) -> xr.DataArray:
        return bare(m["intermediate_use"]).sum("sector_to") + bare(
            m["final_use"].sel(flow=flows)
        ).sum("flow")

    est_t, true_t = trade(estimated) * off, trade(t) * off
    gap = abs(est_t - true_t)
    total = true_t.sum(("region", "sector", "region_to"))
    out = xr.Dataset(
        {
            "wape": gap.sum(("region", "sector", "region_to")) / total,
            "wape_by_sector": _ratio(gap, true_t, ("region", "region_to")),
            "wape_by_origin": _ratio(gap, true_t, ("sector", "region_to")),
            "wape_by_destination": _ratio(gap, true_t, ("region", "sector")),
        }
    )
    z_gap = (abs(bare(estimated["intermediate_use"]) - bare(t["intermediate_use"])) * off).sum(
        ("region", "sector", "region_to", "sector_to")
    )
    y_gap = (
        abs(bare(estimated["final_use"].sel(flow=flows)) - bare(t["final_use"].sel(flow=flows)))
        * off
    ).sum(("region", "sector", "region_to", "flow"))
    out["wape_by_user"] = (z_gap + y_gap) / total
    out["share_true"] = _absorbed_elsewhere(t, regions, flows)
    extra = [d for d in estimated["intermediate_use"].dims if d not in t["intermediate_use"].dims]
    if extra:
        shares = [
            _absorbed_elsewhere(estimated.isel({extra[0]: k}), regions, flows)
            for k in range(estimated.sizes[extra[0]])
        ]
        out["share_estimated"] = xr.concat(shares, dim=estimated[extra[0]])
    else:
        out["share_estimated"] = _absorbed_elsewhere(estimated, regions, flows)
    out["share_error"] = out["share_estimated"] - out["share_true"]
    for name in out.data_vars:
        out[name].attrs["units"] = "1"
    return out


def _ratio(gap: xr.DataArray, true: xr.DataArray, dims: tuple[str, ...]) -> xr.DataArray:
    """sum |gap| / sum true over dims; NaN where there is no true flow."""
    total = true.sum(dims)
    return gap.sum(dims) / total.where(total != 0)


def _absorbed_elsewhere(m: xr.Dataset, regions: list[str], flows: list[str]) -> xr.DataArray:
    """Share of each region's GDP absorbed by the other regions' final demand (domestic flows)."""
    r_n, s_n = len(regions), m.sizes["sector"]
    n = r_n * s_n
    z = np.array(
        m["intermediate_use"].transpose("region", "sector", "region_to", "sector_to").values,
        dtype=float,
    )
    y = np.array(
        m["final_use"].sel(flow=flows).transpose("region", "sector", "region_to", "flow").values,
        dtype=float,
    )
    x = np.array(m["total_output"].transpose("region", "sector").values, dtype=float).reshape(n)
    if "import" in m.data_vars:
        imports = np.array(m["import"].transpose("region", "sector").values, dtype=float)
        idx = np.arange(r_n)
        use = np.concatenate([z.sum(axis=0), y.sum(axis=0)], axis=-1).transpose(1, 0, 2)
        share = _shares(use)  # (R, S, S + F)
        z[idx, :, idx, :] -= imports[:, :, np.newaxis] * share[:, :, :s_n]
        y[idx, :, idx, :] -= imports[:, :, np.newaxis] * share[:, :, s_n:]
    va_terms = list(identity_terms("va_component", [str(k) for k in m.indexes["va_component"]]))
    va = np.array(
        m["value_added"]
        .sel(va_component=va_terms)
        .sum("va_component")
        .transpose("region", "sector")
        .values,
        dtype=float,
    ).reshape(n)
    safe_x = np.where(x > 0, x, 1.0)
    a = z.reshape(n, n) / safe_x[np.newaxis, :]
    a[:, x <= 0] = 0.0
    v = np.where(x > 0, va / safe_x, 0.0)
    demand = y.sum(axis=-1).reshape(n, r_n)
    output = np.linalg.solve(np.eye(n) - a, demand)  # (n, R): output for each region's demand
    absorbed = (v[:, np.newaxis] * output).reshape(r_n, s_n, r_n).sum(axis=1)  # (origin, dest)
    gdp = va.reshape(r_n, s_n).sum(axis=1)
    elsewhere = absorbed.sum(axis=1) - np.diag(absorbed)
    share = np.divide(elsewhere, gdp, out=np.full(r_n, np.nan), where=gdp != 0)
    return xr.DataArray(share, dims="region", coords={"region": regions})
