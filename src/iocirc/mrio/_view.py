"""The single-region view of a multi-regional table: each nation region as a provincial table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from iocirc.errors import SchemaError
from iocirc.mrio._table import check_structure
from iocirc.regions import province
from iocirc.schema import VARIABLES, identity_terms, member_coords

__all__ = ["nation_regions", "to_single_region"]

#: The trade flows of the view, in the order of the provincial tables.
TRADE_FLOWS = ("export", "domestic_outflow", "import", "domestic_inflow")


def to_single_region(mrio: xr.Dataset, *, nation: Sequence[str] | None = None) -> xr.Dataset:
    """Every region of a nation as a single-region (provincial) table.

    Parameters
    ----------
    mrio : xarray.Dataset
        A multi-regional table (:data:`iocirc.schema.MRIO_VARIABLES`). Extra
        dimensions (``year``, ...) are carried along; dask-backed data stay
        lazy.
    nation : sequence of str, optional
        The regions forming the nation. Default: the regions flagged by the
        table's ``in_nation`` coordinate, or every region when none is (then
        only the table's exogenous exports and imports are foreign trade).

    Returns
    -------
    xarray.Dataset
        A regional table in the schema of :data:`iocirc.schema.VARIABLES`,
        one region per region of the nation (in the table's order), in the
        table's currency unit, that :func:`iocirc.validate` accepts and every
        indicator of iocirc reads. Its flows are the table's final-demand
        categories, ``export``, ``domestic_outflow``, ``import``,
        ``domestic_inflow`` and, when the table has a ``discrepancy``,
        ``other``.

    Notes
    -----
    With :math:`T_{ri,s} = \\sum_j Z_{ri,sj} + \\sum_f Y_{ri,sf}` the sales of
    product :math:`i` of region :math:`r` to region :math:`s`, nation
    :math:`N`, exogenous exports :math:`e`, imports :math:`m` and discrepancy
    :math:`d`, region :math:`r \\in N` is the table

    .. math::

        Z^{(r)}_{ij} = \\sum_o Z_{oi,rj}, \\qquad
        F^{(r)}_{if} = \\sum_o Y_{oi,rf}, \\qquad
        V^{(r)} = V_r, \\qquad x^{(r)} = x_r,

        o_{ri} = \\sum_{s \\in N \\setminus r} T_{ri,s}, \\quad
        n_{ri} = \\sum_{o \\in N \\setminus r} T_{oi,r}, \\quad
        e^{(r)}_{i} = \\sum_{s \\notin N} T_{ri,s} + e_{ri}, \\quad
        m^{(r)}_{i} = \\sum_{o \\notin N} T_{oi,r} + m_{ri}

    and ``other`` :math:`= d_{ri}`. Non-competitive imports (``imported_inputs``
    :math:`m^Z_{rj}`, ``imported_final_use`` :math:`m^Y_{rf}`) are made
    competitive first, by the import-proportionality assumption: the imports
    of a column are shared over products in proportion to that column's
    (positive) use of each product from all origins, equally where the column
    uses nothing, and added to its use and to the region's imports,

    .. math::

        Z^{(r)}_{ij} \\mathrel{+}= m^Z_{rj}\\, w_{ij}, \\quad
        w_{ij} = \\frac{\\max(0, \\sum_o Z_{oi,rj})}{\\sum_{i'} \\max(0, \\sum_o Z_{oi',rj})},
        \\quad m^{(r)}_i \\mathrel{+}= \\sum_j m^Z_{rj}\\, w_{ij}

    (likewise for final use), which leaves both identities intact. Intermediate and final use are of
    products from every origin (competitive imports, as in the provincial
    tables), domestic outflow and inflow are trade with the other regions of
    the nation, exports and imports trade with regions outside it. The
    provincial row identity
    :math:`x = \\sum_j Z^{(r)} + \\sum_f F^{(r)} + e + o - m - n + d` is the
    MRIO row identity rearranged, and the column identity is the MRIO
    column identity, so the view balances exactly when the table does.

    Raises
    ------
    SchemaError
        ``mrio`` is not a multi-regional table, or ``nation`` is empty, a
        string, or names regions the table lacks or a region twice.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.mrio import to_single_region
    >>> from iocirc.testing import synthetic_mrio
    >>> mrio = synthetic_mrio(4, 3, nation=3)       # R00-R02 form the nation
    >>> view = to_single_region(mrio)
    >>> list(view.indexes["region"])
    ['R00', 'R01', 'R02']
    >>> iocirc.validate(view) is view
    True
    >>> ratio = iocirc.circulation_ratio(view, "domestic")
    >>> ratio.sizes["region"]
    3
    """
    check_structure(mrio)
    regions = [str(r) for r in mrio.indexes["region"]]
    chosen = nation_regions(mrio, nation)
    in_nation = np.array([r in chosen for r in regions], dtype=bool)
    eye = np.eye(len(regions))
    # weights over (origin region, destination region)
    within = in_nation[np.newaxis, :] * (1.0 - eye)  # to other nation regions (by destination)
    outside = np.broadcast_to(~in_nation[np.newaxis, :], eye.shape).astype(float)

    def pair(values: np.ndarray) -> xr.DataArray:
        return xr.DataArray(values, dims=("region", "region_to"))

    z = _bare(mrio["intermediate_use"])
    y = _bare(mrio["final_use"])
    categories = [str(f) for f in mrio.indexes["flow"]]
    counted = list(identity_terms("flow", categories))
    sales = z.sum("sector_to") + y.sel(flow=counted).sum("flow")  # (region, sector, region_to)
    to_region = {"region_to": "region"}
    outflow = xr.dot(sales, pair(within), dim="region_to")
    exports = xr.dot(sales, pair(outside), dim="region_to")
    inflow = xr.dot(sales, pair(within.T), dim="region").rename(to_region)
    imports = xr.dot(sales, pair(outside.T), dim="region").rename(to_region)
    if "export" in mrio.data_vars:
        exports = exports + _bare(mrio["export"])
    if "import" in mrio.data_vars:
        imports = imports + _bare(mrio["import"])
    # use in each destination region of each product, from every origin
    use_z = z.sum("region").rename(to_region)  # (region, sector, sector_to)
    use_y = y.sum("region").rename(to_region)  # (region, sector, flow)
    if "imported_inputs" in mrio.data_vars:
        # non-competitive imports made competitive: shared over products like the column's use
        imported = _bare(mrio["imported_inputs"]).rename(sector="sector_to")
        extra = imported * _product_shares(use_z)
        use_z = use_z + extra
        imports = imports + extra.sum("sector_to")
    if "imported_final_use" in mrio.data_vars:
        imported = _bare(mrio["imported_final_use"]).rename(to_region)
        extra = imported * _product_shares(use_y)
        use_y = use_y + extra
        imports = imports + extra.sel(flow=counted).sum("flow")
    trade = {
        "export": exports,
        "domestic_outflow": outflow,
        "import": imports,
        "domestic_inflow": inflow,
    }
    if "discrepancy" in mrio.data_vars:
        trade["other"] = _bare(mrio["discrepancy"])
    flows = [*categories, *trade]
    final_use = xr.concat(
        [
            use_y,
            *(v.expand_dims(flow=[name]) for name, v in trade.items()),
        ],
        dim="flow",
        coords="minimal",
        join="exact",
    )
    data = {
        "intermediate_use": use_z,
        "final_use": final_use,
        "value_added": _bare(mrio["value_added"]).rename(sector="sector_to"),
        "total_output": _bare(mrio["total_output"]),
    }
    unit = mrio.attrs.get("currency_unit", "")
    out = {}
    for name, spec in VARIABLES.items():
        var = data[name].sel(region=chosen).transpose(*spec.dims, ...)
        var.attrs = {"long_name": spec.long_name, "units": unit, **spec.attrs}
        out[name] = var
    ds = xr.Dataset(out)
    ds = ds.assign_coords(
        {"flow": flows, "va_component": [str(k) for k in mrio.indexes["va_component"]]}
        | _region_coords(mrio, chosen)
        | _sector_coords(mrio)
        | member_coords("flow", flows)
        | member_coords("va_component", [str(k) for k in mrio.indexes["va_component"]])
    )
    ds.attrs = {
        "year": mrio.attrs.get("year", -1),
        "currency_unit": unit,
        "price_basis": mrio.attrs.get("price_basis", ""),
        "source": mrio.attrs.get("source", ""),
        "classification": mrio.attrs.get("classification", "custom"),
        "sign_convention": "imports and inflows positive; subtracted in the row identity",
        "nation": mrio.attrs.get("nation", ""),
        "nation_regions": ", ".join(chosen),
        "derived_from": "single-region view of a multi-regional table "
        "(iocirc.mrio.to_single_region): domestic = trade with the other regions listed in "
        "nation_regions, export/import = trade with the other regions and the rest of the world",
    }
    return ds


def nation_regions(mrio: xr.Dataset, nation: Sequence[str] | None = None) -> list[str]:
    """The regions of the nation, in the table's order (see :func:`to_single_region`)."""
    regions = [str(r) for r in mrio.indexes["region"]]
    if nation is None:
        flags = np.asarray(mrio["in_nation"].values, dtype=bool)
        return [r for r, f in zip(regions, flags, strict=True) if f] or regions
    if isinstance(nation, str):
        raise SchemaError(
            f"nation must be a list of region labels, got the string {nation!r}; "
            f"write nation=[{nation!r}] for a one-region nation"
        )
    wanted = [str(r) for r in nation]
    if not wanted:
        raise SchemaError("nation is empty; name at least one region, or pass nation=None")
    dups = sorted({r for r in wanted if wanted.count(r) > 1})
    if dups:
        raise SchemaError(f"nation names the region(s) {dups} more than once")
    unknown = [r for r in wanted if r not in regions]
    if unknown:
        raise SchemaError(
            f"nation names region(s) {unknown} that the table lacks; it has {regions}"
        )
    return [r for r in regions if r in wanted]


def _product_shares(use: xr.DataArray) -> xr.DataArray:
    """Each product's share of a column's positive use; equal shares where there is none."""
    positive = use.clip(min=0.0)
    total = positive.sum("sector")
    n = use.sizes["sector"]
    return xr.where(total > 0, positive / total.where(total > 0, 1.0), 1.0 / n)


def _bare(var: xr.DataArray) -> xr.DataArray:
    """The variable with its index coordinates only (faster, and nothing to conflict)."""
    return var.reset_coords(drop=True)


def _region_coords(mrio: xr.Dataset, chosen: list[str]) -> dict[str, Any]:
    zh, code = [], []
    for name in chosen:
        try:
            known = province(name)
        except SchemaError:
            known = None
        zh.append(
            str(mrio["region_zh"].sel(region=name).values)
            if "region_zh" in mrio.coords
            else (known.zh if known else "")
        )
        code.append(
            int(mrio["region_code"].sel(region=name).values)
            if "region_code" in mrio.coords and np.issubdtype(mrio["region_code"].dtype, np.integer)
            else (known.code if known else -1)
        )
    return {"region": chosen, "region_zh": ("region", zh), "region_code": ("region", code)}


def _sector_coords(mrio: xr.Dataset) -> dict[str, Any]:
    sectors = [str(s) for s in mrio.indexes["sector"]]
    coords: dict[str, Any] = {"sector": sectors, "sector_to": sectors}
    for suffix in ("zh", "en"):
        name = f"sector_{suffix}"
        values = (
            [str(v) for v in mrio[name].values]
            if name in mrio.coords and mrio[name].dims == ("sector",)
            else [""] * len(sectors)
        )
        coords[name] = ("sector", values)
        coords[f"sector_to_{suffix}"] = ("sector_to", values)
    return coords
