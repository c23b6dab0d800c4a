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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._core import check_choice, check_table, ensure, warn
from iocirc._core.docs import fill_doc
from iocirc.errors import ArgumentTypeError, MissingFlowError, SchemaError
from iocirc.schema import SCOPES as _SCOPE_SPECS
from iocirc.schema import available_flows, flow_values, identity_terms, require_flows
from iocirc.units import convert, ratio_unit

__all__ = [
    "CIRCULATION_VARIABLES",
    "DESTINATION_MEASURES",
    "SCOPES",
    "Scope",
    "circulation",
    "circulation_ratio",
    "gdp",
    "net_outflow_contribution",
    "value_added_destinations",
    "value_added_share",
]

#: The names of the scopes of the circulation indicators (:data:`iocirc.schema.SCOPES`).
SCOPES: tuple[str, ...] = tuple(_SCOPE_SPECS)

#: The type of a ``scope`` argument: one of :data:`SCOPES`.
Scope = Literal["domestic", "international", "dual"]


def __getattr__(name: str) -> Any:
    if name == "SCOPE_FLOWS":  # iocirc 0.1's copy of the scopes' flows; the registry has them
        warn(
            "iocirc.indicators.SCOPE_FLOWS is deprecated and will be removed in iocirc 0.3; "
            "use iocirc.schema.SCOPES[scope].flows",
            DeprecationWarning,
        )
        return {scope: spec.flows for scope, spec in _SCOPE_SPECS.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SCOPE_WORDS = {name: spec.words for name, spec in _SCOPE_SPECS.items()}


# --------------------------------------------------------------------------------------------
# Public indicators
# --------------------------------------------------------------------------------------------


@fill_doc
def gdp(ds: xr.Dataset, by: Literal["region", "sector"] = "region") -> xr.DataArray:
    """Gross domestic product: the total value added of each region or sector.

    Parameters
    ----------
    {ds}
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


@fill_doc
def circulation_ratio(ds: xr.Dataset, scope: Scope, *, percent: bool = False) -> xr.DataArray:
    """Trade turnover of a scope relative to GDP, per region.

    Parameters
    ----------
    {ds}
    scope : {"domestic", "international", "dual"}
        Interprovincial trade, foreign trade, or both.
    {percent}

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
    outflow, inflow = _SCOPE_SPECS[scope].flows
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


@fill_doc
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
    {ds}
    scope : {"domestic", "international", "dual"}
        Interprovincial trade, foreign trade, or both.
    by : {"region", "sector"}
        ``"sector"`` gives each product sector's net outflow over the
        **region's** GDP, so that the sectors sum to the regional value.
    {percent}

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


@fill_doc
def value_added_share(ds: xr.Dataset, *, percent: bool = False) -> xr.DataArray:
    """Each sector's share of its region's GDP.

    Parameters
    ----------
    {ds}
    {percent}

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


#: The variables of :func:`circulation`.
CIRCULATION_VARIABLES: tuple[str, ...] = ("ratio", "contribution")


@fill_doc
def circulation(
    ds: xr.Dataset,
    *,
    scopes: str | Iterable[str] | None = None,
    percent: bool | Iterable[str] = False,
    regions: Sequence[str] | None = None,
    groups: Mapping[str, Iterable[str]] | None = None,
    weights: Literal["gdp"] | xr.DataArray | None = "gdp",
    on_missing: Literal["raise", "skip"] = "raise",
) -> xr.Dataset:
    """The circulation ratios and net outflow contributions of every scope, in one Dataset.

    :func:`circulation_ratio` and :func:`net_outflow_contribution` of each
    scope, side by side over ``region`` and ``scope``; with ``groups``, their
    means over groups of regions (:func:`iocirc.aggregate_regions`).

    Parameters
    ----------
    {ds}
    scopes : str or sequence of str, optional
        The scopes (of :data:`SCOPES`), in this order. Default: every scope the
        table can measure (the 2007 tables, gross flows only: ``"dual"``).
    percent : bool or sequence of str
        ``True``: both variables in percent (``units="%"``); ``False``: plain
        ratios (``units="1"``); or the names of the variables to give in
        percent, e.g. ``["contribution"]`` for the literature's layout (ratios as
        plain numbers, contributions in percent of GDP).
    regions : sequence of str, optional
        The regions to report, in this order. Default: all of them, unless
        ``groups`` are given.
    groups : mapping of str to list of str, optional
        Group name -> member regions (e.g. ``{"National": all_regions}`` or
        :data:`iocirc.regions.REGION_GROUPS`): the groups' means of each
        variable and scope (:func:`iocirc.aggregate_regions`), before the
        ``regions`` if both are given.
    weights : "gdp", xarray.DataArray or None
        With ``groups``: GDP-weighted means (default; a group as one region),
        explicit weights over ``region``, or ``None`` for plain means (the
        paper's "National" row).
    on_missing : {"raise", "skip"}
        With ``groups``: what to do about members the table lacks.

    Returns
    -------
    xarray.Dataset
        ``ratio`` and ``contribution`` over ``region`` (the groups, then the
        ``regions``), ``scope`` and any extra dimensions of the table, with a
        ``gdp`` coordinate (the regions' and groups' GDP; with ``groups``, the
        other coordinates along ``region`` are left out). A scope the table
        measures only one of (the 2002 tables have a dual contribution, from
        the net outflow, but no dual ratio) is NaN in the other variable. Each
        value is the one the single indicator (or :func:`iocirc.aggregate_regions`
        of it) gives, bit for bit.

    Raises
    ------
    MissingFlowError
        A scope asked for that the table can measure neither way.
    SchemaError
        Unknown scope or variable name, or what the single indicators and
        :func:`iocirc.aggregate_regions` refuse.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.indicators import circulation, circulation_ratio
    >>> ds = iocirc.datasets.example_table()
    >>> table = circulation(ds, percent=["contribution"])
    >>> dict(table.sizes), table["contribution"].attrs["units"]
    ({'region': 3, 'scope': 3}, '%')
    >>> bool((table["ratio"].sel(scope="dual") == circulation_ratio(ds, "dual")).all())
    True
    >>> every = {"National": ds.indexes["region"]}
    >>> both = circulation(ds, groups=every, weights=None, regions=["Jilin"])
    >>> both.indexes["region"].tolist()
    ['National', 'Jilin']

    A 2007-style table (gross flows only) has the dual scope only:

    >>> circulation(iocirc.datasets.example_table("gross")).indexes["scope"].tolist()
    ['dual']
    """
    chosen = _chosen_scopes(scopes)
    in_percent = _percent_variables(percent)
    parts: dict[str, list[xr.DataArray | None]] = {name: [] for name in CIRCULATION_VARIABLES}
    measured = []
    for scope in chosen:
        values: dict[str, xr.DataArray | None] = {}
        for name in CIRCULATION_VARIABLES:
            indicator = circulation_ratio if name == "ratio" else net_outflow_contribution
            try:
                value: xr.DataArray | None = indicator(ds, scope, percent=name in in_percent)  # type: ignore[arg-type]
            except MissingFlowError:
                if scopes is not None and name == "contribution" and values["ratio"] is None:
                    raise  # asked for, and measurable neither way
                value = None
            if value is not None and groups is not None:
                from iocirc.aggregation import aggregate_regions

                value = aggregate_regions(
                    value, weights=weights, groups=groups, on_missing=on_missing
                )
            values[name] = value
        if all(v is None for v in values.values()):
            continue  # a default scope the table cannot measure
        measured.append(scope)
        for name, value in values.items():
            parts[name].append(value)
    if not measured:
        require_flows(ds, list(_SCOPE_SPECS["dual"].flows), purpose="the circulation indicators")
    template = next(a for arrays in parts.values() for a in arrays if a is not None)
    variables = {
        name: _stack_scopes(arrays, measured, name, name in in_percent, template)
        for name, arrays in parts.items()
    }
    result = xr.Dataset(variables)
    order = ["region", "scope", *(d for d in result.dims if d not in ("region", "scope"))]
    result = result.transpose(*order)
    if regions is not None:
        regions = [str(r) for r in ([regions] if isinstance(regions, str) else regions)]
        missing = [r for r in regions if r not in ds.indexes["region"]]
        if missing:
            raise SchemaError(
                f"circulation: the table has no region(s) {missing}; it has "
                f"{list(ds.indexes['region'])}"
            )
    if groups is None or regions is None:
        return result if regions is None else result.sel(region=list(regions))
    members = circulation(ds, scopes=measured, percent=percent, regions=regions)
    labels = [
        c for c in members.coords if c not in ("region", "gdp") and "region" in members[c].dims
    ]
    return xr.concat(
        [result, members.drop_vars(labels)],  # the groups have no region names or codes
        dim="region",
        coords="different",
        compat="equals",
        join="exact",
    )


_CIRCULATION_ATTRS = {
    "ratio": ("circulation ratio", "(outflow + inflow) / GDP"),
    "contribution": ("net outflow contribution to GDP", "(outflow - inflow) / GDP"),
}


def _chosen_scopes(scopes: str | Iterable[str] | None) -> list[str]:
    if scopes is None:
        return list(SCOPES)
    chosen = [scopes] if isinstance(scopes, str) else list(scopes)
    for scope in chosen:
        check_choice("scope", scope, SCOPES)
    if len(set(chosen)) < len(chosen) or not chosen:
        raise SchemaError(f"circulation: name each scope once, and at least one; got {chosen}")
    return chosen


def _percent_variables(percent: bool | Iterable[str]) -> set[str]:
    if isinstance(percent, bool):
        return set(CIRCULATION_VARIABLES) if percent else set()
    if isinstance(percent, str):
        percent = [percent]
    if not isinstance(percent, Iterable):
        raise ArgumentTypeError(
            f"percent must be True, False or variable names {CIRCULATION_VARIABLES}, not "
            f"{percent!r}"
        )
    names = set(percent)
    for name in names:
        check_choice("percent", name, CIRCULATION_VARIABLES)
    return names


def _stack_scopes(
    arrays: list[xr.DataArray | None],
    scopes: list[str],
    name: str,
    percent: bool,
    template: xr.DataArray,
) -> xr.DataArray:
    """One variable over ``scope``; a scope without a value is NaN."""
    filled = [
        (a if a is not None else xr.full_like(template, float("nan"))).rename(name) for a in arrays
    ]
    lazy = any(a.chunks is not None for a in filled)
    stacked = xr.concat(
        filled,
        dim="scope",
        coords="minimal" if lazy else "different",
        compat="override" if lazy else "equals",
        join="exact",
        combine_attrs="drop",
    )
    long_name, description = _CIRCULATION_ATTRS[name]
    stacked = stacked.assign_coords(scope=np.array(scopes, dtype=str))
    return stacked.assign_attrs(
        long_name=long_name, units=ratio_unit(percent), description=description
    )


# --------------------------------------------------------------------------------------------
# Where value added is absorbed (on a multi-regional table)
# --------------------------------------------------------------------------------------------

#: The measures of :func:`value_added_destinations`, in the order of its rows.
DESTINATION_MEASURES: tuple[str, ...] = ("absorbed", "untraced", "chain", "single_region")


@fill_doc
def value_added_destinations(
    mrio: xr.Dataset,
    ds: xr.Dataset | None = None,
    *,
    regions: Sequence[str] | None = None,
    percent: bool = False,
) -> pd.DataFrame:
    """A tidy table of where each region's GDP is absorbed, on a multi-regional table.

    Puts side by side, per producing region, the measures of the domestic and
    the international circulation in value added: the MRIO's tracing of GDP to
    the final demand that absorbs it, the part of GDP it does not trace,
    value-chain participation, and (given the single-region tables ``ds``) the
    value added the outflow and the exports induce in the region's own table.

    Parameters
    ----------
    mrio : xarray.Dataset
        A multi-regional table (:data:`iocirc.schema.MRIO_VARIABLES`), such as
        :func:`iocirc.datasets.china_mrio` or :func:`iocirc.read_ceads_mrio`.
    ds : xarray.Dataset, optional
        The single-region tables of the same year, for the ``single_region``
        measure (:func:`iocirc.analysis.circulation_value_added_share`).
    regions : sequence of str, optional
        The producing regions to report, in this order. Default: all, in the
        table's order.
    {percent}

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``year`` (the table's ``year`` attribute, or
        ``None``), ``measure``, ``label`` and ``value``; per region the rows

        - ``absorbed`` / ``own_region``, ``rest_of_nation``, ``abroad``: the
          region's value added absorbed by its own final demand, the rest of
          the nation's and foreign final demand, over the value added traced to
          final demand (they sum to 1) (:func:`iocirc.mrio.value_added_absorption`);
        - ``untraced`` / ``residual``: the part of GDP not traced to final
          demand (carried by the table's row residuals), 1 - traced / GDP;
        - ``chain`` / ``national``, ``abroad``: value-chain participation with
          the rest of the nation and abroad, over GDP
          (:func:`iocirc.mrio.value_chain_participation`);
        - ``single_region`` / ``domestic_outflow``, ``export`` (with ``ds``):
          the value added induced in the region's own table, over GDP.

    Raises
    ------
    SchemaError
        ``regions`` names a region the table lacks, or what the functions
        above refuse.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.indicators import value_added_destinations
    >>> ds = iocirc.datasets.example_table()
    >>> mrio = iocirc.mrio.estimate(ds, iocirc.datasets.province_distances())
    >>> table = value_added_destinations(mrio, ds, regions=["Jilin"], percent=True)
    >>> table.columns.tolist()
    ['region', 'year', 'measure', 'label', 'value']
    >>> absorbed = table[table["measure"] == "absorbed"]
    >>> absorbed["label"].tolist(), round(float(absorbed["value"].sum()), 9)
    (['own_region', 'rest_of_nation', 'abroad'], 100.0)
    """
    from iocirc import analysis
    from iocirc import mrio as mrio_module

    scale = 100.0 if ratio_unit(percent) == "%" else None
    absorption = mrio_module.value_added_absorption(mrio)
    by_destination = absorption["by_destination_region"]
    traced = by_destination.sum("absorbed_in")
    measures: list[tuple[str, str, xr.DataArray]] = [
        ("absorbed", str(key), by_destination.sel(absorbed_in=key) / traced)
        for key in by_destination.indexes["absorbed_in"]
    ]
    measures.append(("untraced", "residual", 1 - traced / absorption["gdp_region"]))
    participation = mrio_module.value_chain_participation(mrio)["participation"]
    measures += [("chain", c, participation.sel(chain=c)) for c in ("national", "abroad")]
    if ds is not None:
        single = analysis.circulation_value_added_share(ds)["value_added_share"]
        for source in ("domestic_outflow", "export"):
            if source in single.indexes["source"]:
                measures.append(("single_region", source, single.sel(source=source)))
    known = [str(r) for r in by_destination.indexes["region"]]
    chosen = known if regions is None else [str(r) for r in regions]
    lacking = [r for r in chosen if r not in known]
    if lacking:
        raise SchemaError(
            f"value_added_destinations: the table has no region(s) {lacking}; it has {known}"
        )
    year = mrio.attrs.get("year")
    year = int(year) if year is not None else None
    rows = []
    for region in chosen:
        for measure, label, value in measures:
            number = float(value.sel(region=region))
            rows.append((region, year, measure, label, number if scale is None else scale * number))
    return pd.DataFrame(rows, columns=["region", "year", "measure", "label", "value"])


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
    outflow, inflow = _SCOPE_SPECS[scope].flows
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
