"""Circulation indicators of regional input-output tables.

The indicators of the dual-circulation literature, computed from a table (see
:mod:`iocirc.schema`) for every region and any extra dimension (``year``,
``scenario``) the table carries:

========================  ============================================  =========================
scope                     circulation ratio                             net outflow contribution
========================  ============================================  =========================
``"domestic"``            (domestic outflow + domestic inflow) / GDP    (outflow - inflow) / GDP
``"international"``       (exports + imports) / GDP                     (exports - imports) / GDP
``"dual"``                (gross outflow + gross inflow) / GDP          net outflow / GDP
========================  ============================================  =========================

GDP is the table's total value added (:func:`gdp`). The dual scope needs only
the gross flows (2007 tables) or the net outflow (2002 tables, contributions
only); the domestic and international scopes need the split between foreign
and interprovincial trade, which the 2012 and 2017 tables report and
:func:`iocirc.with_customs_trade` supplies for the others.

Every function validates its input's structure and units (metadata only), then
computes with xarray operations alone, so dask-backed tables stay lazy. Results
carry ``units`` and ``long_name`` attributes and a ``gdp`` coordinate (the
regions' GDP) that :func:`iocirc.aggregate_regions` uses as weights.
"""

from __future__ import annotations

from typing import Any, Literal

import xarray as xr

from iocirc._core import check_choice, check_table, ensure
from iocirc.schema import SCOPES as _SCOPE_SPECS
from iocirc.schema import available_flows, flow_values, identity_terms, require_flows
from iocirc.units import convert, ratio_unit

__all__ = [
    "SCOPES",
    "circulation_ratio",
    "gdp",
    "net_outflow_contribution",
    "value_added_share",
]

#: The names of the scopes of the circulation indicators (:data:`iocirc.schema.SCOPES`).
SCOPES: tuple[str, ...] = tuple(_SCOPE_SPECS)

Scope = Literal["domestic", "international", "dual"]

#: Outflow and inflow of each scope, as flows of :data:`iocirc.schema.FLOWS`; derived from
#: :data:`iocirc.schema.SCOPES` (kept for compatibility).
SCOPE_FLOWS: dict[str, tuple[str, str]] = {name: spec.flows for name, spec in _SCOPE_SPECS.items()}

_SCOPE_WORDS = {name: spec.words for name, spec in _SCOPE_SPECS.items()}


# --------------------------------------------------------------------------------------------
# Public indicators
# --------------------------------------------------------------------------------------------


def gdp(ds: xr.Dataset, by: Literal["region", "sector"] = "region") -> xr.DataArray:
    """Gross domestic product: the total value added of each region or sector.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    by : {"region", "sector"}
        ``"region"`` sums over the using sectors; ``"sector"`` keeps them, on
        a dimension renamed from ``sector_to`` to ``sector`` (with coordinates
        ``sector_zh``/``sector_en``) so that it lines up with the product rows
        of the final-use flows, as in the sectoral tables of the literature.

    Returns
    -------
    xarray.DataArray
        GDP in the table's ``currency_unit``, over ``region`` (and ``sector``)
        and any extra dimensions of the table, named ``"gdp"``.

    Raises
    ------
    SchemaError
        ``ds`` lacks ``value_added`` or its dimensions, or ``by`` is unknown.
    UnitError
        The table's variables are not all in ``ds.attrs["currency_unit"]``.

    Notes
    -----
    .. math:: \\mathrm{GDP}_r = \\sum_j \\sum_k V_{r,k,j}

    over the value-added components ``k`` that enter the column identity once
    each (:func:`iocirc.schema.identity_terms`): the four components, or the
    total value added (``TVA``) of a table that reports only the total.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.indicators import gdp
    >>> ds = iocirc.datasets.example_table()
    >>> gdp(ds).dims
    ('region',)
    >>> gdp(ds).attrs["units"]
    '10^4 CNY'
    >>> by_sector = gdp(ds, by="sector")
    >>> by_sector.dims
    ('region', 'sector')
    >>> bool((by_sector.sum("sector") == gdp(ds)).all())
    True
    """
    check_choice("by", by, ("region", "sector"))
    ds = check_table(ds, ("value_added",), purpose="gdp")
    result = _sector_value_added(ds) if by == "sector" else _regional_gdp(ds)
    # A deep copy: never sharing data or coordinates with the input (lazy on dask data).
    return result.rename("gdp").assign_attrs(_gdp_attrs(ds)).copy(deep=True)


def circulation_ratio(ds: xr.Dataset, scope: Scope, *, percent: bool = False) -> xr.DataArray:
    """Trade turnover of a scope relative to GDP, per region.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    scope : {"domestic", "international", "dual"}
        Interprovincial trade, foreign trade, or both.
    percent : bool
        Return percent (units ``"%"``) instead of a plain ratio (units ``"1"``), as
        ``iocirc.units.convert(result, to="%")`` does for any ratio.

    Returns
    -------
    xarray.DataArray
        The ratio over ``region`` and any extra dimensions of the table, named
        ``"<scope>_circulation_ratio"``, with a ``gdp`` coordinate.

    Raises
    ------
    MissingFlowError
        The table does not report, and does not let derive, the flows of the
        scope (the 2007 tables lack the domestic/international split, the 2002
        tables have only a net outflow). :func:`iocirc.with_customs_trade`
        supplies the split.
    SchemaError
        Unknown scope, or zero or negative GDP (on dask-backed tables the error
        is raised when the result is computed).
    UnitError
        The table's variables are not all in ``ds.attrs["currency_unit"]``.

    Notes
    -----
    For outflow :math:`o` and inflow :math:`n` of the scope (domestic outflow
    and inflow, exports and imports, or gross outflow and inflow)

    .. math:: R_r = \\frac{\\sum_i (o_{r,i} + n_{r,i})}{\\mathrm{GDP}_r}

    so that the dual ratio is the sum of the domestic and the international
    ones. Inflows and imports enter with their printed, positive values.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.indicators import circulation_ratio
    >>> ds = iocirc.datasets.example_table()
    >>> dual = circulation_ratio(ds, "dual")
    >>> dual.attrs["units"], dual.attrs["long_name"]
    ('1', 'dual circulation ratio')
    >>> parts = circulation_ratio(ds, "domestic") + circulation_ratio(ds, "international")
    >>> bool(abs(dual - parts).max() < 1e-12)
    True

    A 2007-style table (gross flows only) has a dual ratio but no split:

    >>> gross = iocirc.datasets.example_table("gross")
    >>> circulation_ratio(gross, "dual").sizes["region"]
    3
    >>> circulation_ratio(gross, "domestic")
    Traceback (most recent call last):
    ...
    iocirc.errors.MissingFlowError: the domestic circulation ratio needs ...with_customs_trade...
    """
    check_choice("scope", scope, SCOPES)
    ratio_unit(percent)  # checks that it is a boolean
    ds = check_table(ds, ("final_use", "value_added"), purpose="circulation_ratio")
    outflow, inflow = SCOPE_FLOWS[scope]
    require_flows(ds, [outflow, inflow], purpose=f"the {scope} circulation ratio")
    turnover = _sector_sum(flow_values(ds, outflow) + flow_values(ds, inflow))
    words = _SCOPE_WORDS[scope]
    return _finish(
        turnover / _checked_gdp(ds),
        ds,
        name=f"{scope}_circulation_ratio",
        long_name=f"{scope} circulation ratio",
        description=f"({words[0]} + {words[1]}) / GDP",
        percent=percent,
        scope=scope,
    )


def net_outflow_contribution(
    ds: xr.Dataset,
    scope: Scope,
    *,
    by: Literal["region", "sector"] = "region",
    percent: bool = False,
) -> xr.DataArray:
    """Net outflow of a scope relative to GDP: its contribution to GDP.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    scope : {"domestic", "international", "dual"}
        Interprovincial trade, foreign trade, or both.
    by : {"region", "sector"}
        ``"sector"`` gives each product sector's net outflow over the
        **region's** GDP, so that the sectors sum to the regional value.
    percent : bool
        Return percent (units ``"%"``) instead of a plain ratio (units ``"1"``), as
        ``iocirc.units.convert(result, to="%")`` does for any ratio.

    Returns
    -------
    xarray.DataArray
        Over ``region`` (and ``sector``) and any extra dimensions of the table,
        named ``"<scope>_contribution"``, with a ``gdp`` coordinate (the
        region's GDP). Negative for a net importer.

    Raises
    ------
    MissingFlowError
        The table lacks the flows of the scope. The dual scope needs either
        the net outflow (2002 tables) or the gross outflow and inflow.
    SchemaError
        Unknown scope or ``by``, or zero or negative GDP (on dask-backed
        tables the error is raised when the result is computed).
    UnitError
        The table's variables are not all in ``ds.attrs["currency_unit"]``.

    Notes
    -----
    .. math:: C_{r,i} = \\frac{o_{r,i} - n_{r,i}}{\\mathrm{GDP}_r}, \\qquad
              C_r = \\sum_i C_{r,i}

    For the dual scope :math:`o - n` is the net outflow, reported or derived
    from the gross or the split flows.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.indicators import net_outflow_contribution
    >>> ds = iocirc.datasets.example_table()
    >>> regional = net_outflow_contribution(ds, "dual", percent=True)
    >>> regional.attrs["units"]
    '%'
    >>> sectoral = net_outflow_contribution(ds, "dual", by="sector", percent=True)
    >>> bool(abs(sectoral.sum("sector") - regional).max() < 1e-9)
    True

    A 2002-style table reports only a net outflow, which is enough:

    >>> net = iocirc.datasets.example_table("net")
    >>> net_outflow_contribution(net, "dual").dims
    ('region',)
    """
    check_choice("scope", scope, SCOPES)
    check_choice("by", by, ("region", "sector"))
    ratio_unit(percent)  # checks that it is a boolean
    ds = check_table(ds, ("final_use", "value_added"), purpose="net_outflow_contribution")
    net = _net_outflow(ds, scope)
    if by == "region":
        net = _sector_sum(net)
    words = _SCOPE_WORDS[scope]
    where = "sector's " if by == "sector" else ""
    return _finish(
        net / _checked_gdp(ds),
        ds,
        name=f"{scope}_contribution",
        long_name=f"{scope} net outflow contribution to GDP",
        description=f"({where}{words[0]} - {where}{words[1]}) / regional GDP",
        percent=percent,
        scope=scope,
    )


def value_added_share(ds: xr.Dataset, *, percent: bool = False) -> xr.DataArray:
    """Each sector's share of its region's GDP.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    percent : bool
        Return percent (units ``"%"``) instead of a fraction (units ``"1"``), as
        ``iocirc.units.convert(result, to="%")`` does for any ratio.

    Returns
    -------
    xarray.DataArray
        Over ``region``, ``sector`` (the using sectors, see :func:`gdp`) and
        any extra dimensions, named ``"value_added_share"``, with a ``gdp``
        coordinate. The shares of a region sum to 1 (100 %).

    Raises
    ------
    SchemaError
        Zero or negative GDP (on dask-backed tables when computed).
    UnitError
        The table's variables are not all in ``ds.attrs["currency_unit"]``.

    Notes
    -----
    .. math:: s_{r,j} = \\frac{\\sum_k V_{r,k,j}}{\\mathrm{GDP}_r}

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.indicators import value_added_share
    >>> shares = value_added_share(iocirc.datasets.example_table(), percent=True)
    >>> shares.sum("sector").round(10).values.tolist()
    [100.0, 100.0, 100.0]
    """
    ratio_unit(percent)  # checks that it is a boolean
    ds = check_table(ds, ("value_added",), purpose="value_added_share")
    return _finish(
        _sector_value_added(ds) / _checked_gdp(ds),
        ds,
        name="value_added_share",
        long_name="value added share of GDP",
        description="sector value added / regional GDP",
        percent=percent,
    )


# --------------------------------------------------------------------------------------------
# Computation (xarray operations only: lazy on dask)
# --------------------------------------------------------------------------------------------


def _value_added_total(ds: xr.Dataset) -> xr.DataArray:
    """Value added summed over the components that enter the identity once each."""
    value_added = ds["value_added"]
    terms = list(identity_terms("va_component", value_added.indexes["va_component"]))
    return value_added.sel(va_component=terms).sum("va_component", skipna=False)


def _regional_gdp(ds: xr.Dataset) -> xr.DataArray:
    """GDP per region, unchecked. Always built the same way, so dask graphs coincide."""
    return _value_added_total(ds).sum("sector_to", skipna=False).rename("gdp")


def _sector_value_added(ds: xr.Dataset) -> xr.DataArray:
    total = _value_added_total(ds)
    renames = {"sector_to": "sector"}
    for suffix in ("zh", "en"):
        if f"sector_to_{suffix}" in total.coords:
            renames[f"sector_to_{suffix}"] = f"sector_{suffix}"
    return total.rename(renames)


def _sector_sum(values: xr.DataArray) -> xr.DataArray:
    """Sum over sectors; a flow a region does not report (NaN) stays NaN."""
    return values.sum("sector", skipna=False)


def _net_outflow(ds: xr.Dataset, scope: str) -> xr.DataArray:
    """Outflow minus inflow of a scope per (region, sector)."""
    outflow, inflow = SCOPE_FLOWS[scope]
    net_flow = _SCOPE_SPECS[scope].net
    if net_flow is None:
        require_flows(ds, [outflow, inflow], purpose=f"the {scope} net outflow contribution")
        return flow_values(ds, outflow) - flow_values(ds, inflow)
    have = available_flows(ds)
    candidates = []
    if net_flow in have:
        candidates.append(flow_values(ds, net_flow))
    if outflow in have and inflow in have:
        candidates.append(flow_values(ds, outflow) - flow_values(ds, inflow))
    if not candidates:
        require_flows(ds, [net_flow], purpose=f"the {scope} net outflow contribution")
    result = candidates[0]
    for other in candidates[1:]:
        result = result.fillna(other)
    return result.rename(None)


def _checked_gdp(ds: xr.Dataset) -> xr.DataArray:
    """Regional GDP that raises a clear error where it is zero or negative.

    Eager on numpy data; on dask data the check is a task of the graph, so it
    runs (and raises) when the result is computed and never forces a compute.
    """
    unit = ds.attrs.get("currency_unit", "")
    values = _regional_gdp(ds)
    # Only the index coordinates: the dividend brings the others, and comparing two copies of
    # a dask-backed coordinate would compute it.
    values = values.drop_vars([c for c in values.coords if c not in values.dims])
    return ensure(
        values,
        ~(values > 0),  # NaN GDP too: "NaN <= 0" is False
        lambda where: (
            f"GDP (total value added, {unit}) is zero or negative for {where} (or NaN); the "
            "circulation indicators divide by GDP. Check the value-added rows of these "
            "regions or leave them out, e.g. ds.drop_sel(region=[...])"
        ),
    )


def _finish(
    result: xr.DataArray,
    ds: xr.Dataset,
    *,
    name: str,
    long_name: str,
    description: str,
    percent: bool,
    scope: str | None = None,
) -> xr.DataArray:
    """Scale to percent, name, set attributes and attach the regions' GDP."""
    units = ratio_unit(percent)
    if percent:
        result = convert(result.assign_attrs(units="1"), to=units)
    attrs: dict[str, Any] = {
        "long_name": long_name,
        "units": units,
        "description": description,
    }
    if scope is not None:
        attrs["scope"] = scope
    regional = _regional_gdp(ds).assign_attrs(_gdp_attrs(ds))
    keep = [c for c in regional.coords if c not in regional.dims]
    result = result.assign_coords(gdp=regional.drop_vars(keep))
    result.name = name
    result.attrs = attrs
    return result.copy(deep=True)  # never sharing data or coordinates with the input


def _gdp_attrs(ds: xr.Dataset) -> dict[str, str]:
    return {
        "long_name": "gross domestic product (total value added)",
        "units": str(ds.attrs.get("currency_unit", "")),
    }


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
