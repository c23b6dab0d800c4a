"""The data model of a regional input-output table: one registry for everything.

A regional IO table vintage is one :class:`xarray.Dataset` with four variables
over five dimensions. This module is the single place where they are
specified; the constructors (:func:`iocirc.from_arrays`), the validator
(:func:`iocirc.validate`), the readers, the hypothesis strategies
(:mod:`iocirc.testing.strategies`) and the documentation all read it.

Dimensions
----------
``region``
    Provinces (or any regions), indexed by English name (``"Liaoning"``), with
    coordinates ``region_zh`` (``"辽宁"``) and ``region_code`` (GB/T 2260 code).
``sector`` / ``sector_to``
    Product sectors as suppliers (rows) and as users (columns), over the same
    labels: the sector code of the table's classification (``"01"`` ...), with
    coordinates ``sector_zh``/``sector_en`` and ``sector_to_zh``/``sector_to_en``.
``flow``
    Final-use and trade columns (see :data:`FLOWS`).
``va_component``
    Value-added rows (see :data:`VA_COMPONENTS`).

Sign convention
---------------
Imports and inflows are stored as the **positive** numbers the tables print.
Each flow's :attr:`Member.sign` says how it enters the row identity::

    total_output = intermediate use + sum(sign(f) * final_use[f] for f in flows)

so imports and inflows (sign ``-1``) are subtracted there, and nowhere else is
a sign flipped.

Missing flows
-------------
Vintages differ in what they report: the 2007 tables give only gross outflow
and inflow (exports and domestic trade together), the 2002 tables only a net
outflow. A table holds on its ``flow`` dimension exactly the flows it reports;
a flow that a vintage lacks is *absent from the coordinate*, never a column of
zeros. Aggregate flows (:attr:`Member.parts`) such as ``gross_outflow`` record
which finer flows they sum, so that identities and indicators use whatever
level of detail a table has. When regions that report different splits are
stacked, a flow that one region does not report is NaN for that region only
(:func:`flow_values` derives it from the aggregate where it can).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from iocirc.errors import ChoiceError, MissingFlowError, SchemaError

__all__ = [
    "CURRENCY_UNIT",
    "DIMS",
    "FLOWS",
    "MRIO_COORDS",
    "MRIO_DIMS",
    "MRIO_FLOWS",
    "MRIO_VARIABLES",
    "SCOPES",
    "TABLE_DIMS",
    "VARIABLES",
    "VA_COMPONENTS",
    "VA_STANDARD",
    "DimSpec",
    "Member",
    "ScopeSpec",
    "VariableSpec",
    "available_flows",
    "available_scopes",
    "flow_values",
    "identity_terms",
    "is_numeric",
    "member_coords",
    "members",
    "require_flows",
]

#: Currency unit of the official Chinese tables: 10,000 yuan (万元).
CURRENCY_UNIT = "10^4 CNY"


@dataclass(frozen=True)
class Member:
    """One label of the ``flow`` or ``va_component`` dimension.

    Attributes
    ----------
    name : str
        The label used as the coordinate value (``"export"``).
    code : str
        The code printed in the official tables (``"EX"``).
    zh : str
        The Chinese column or row header (``"出口"``).
    en : str
        English meaning.
    symbol : str
        Symbol used in formulas in the documentation.
    sign : int
        ``+1`` if the flow is a use of the region's supply (adds to the row
        identity), ``-1`` if it is a supply from outside (imports, inflows).
    parts : tuple of str
        For an aggregate, the finest members it is the signed sum of:
        ``value = sign * sum(part.sign * part)``. Empty for a finest member.
    demand : str
        For a finest flow of local final demand, the source of final demand the
        analysis models count it under (``"consumption"``, ``"capital_formation"``);
        empty for trade and other flows (which are sources by themselves).
    """

    name: str
    code: str
    zh: str
    en: str
    symbol: str
    sign: int = 1
    parts: tuple[str, ...] = ()
    demand: str = ""

    @property
    def leaves(self) -> tuple[str, ...]:
        """The finest members this member covers (itself if it has no parts)."""
        return self.parts or (self.name,)


@dataclass(frozen=True)
class DimSpec:
    """A dimension of the table and the coordinates that label it."""

    name: str
    description: str
    coords: tuple[str, ...] = ()


@dataclass(frozen=True)
class VariableSpec:
    """A variable of the table.

    ``dims`` are the dimensions it must have (others, e.g. ``year`` or
    ``scenario``, may be added by the user and are carried along).
    ``nan_allowed`` marks variables where NaN means "not reported";
    ``required`` is False for variables a table may lack (the exogenous trade
    and discrepancy of a multi-regional table).
    """

    name: str
    dims: tuple[str, ...]
    long_name: str
    description: str
    symbol: str
    nan_allowed: bool = False
    nonnegative: bool = False
    attrs: Mapping[str, str] = field(default_factory=dict)
    required: bool = True


#: The labels of the ``flow`` dimension: final-use columns and trade, with their
#: codes in the official tables, signs in the row identity and aggregates.
FLOWS: tuple[Member, ...] = (
    Member(
        "household_rural",
        "FU101",
        "农村居民消费",
        "rural household consumption",
        "c^r",
        demand="consumption",
    ),
    Member(
        "household_urban",
        "FU102",
        "城镇居民消费",
        "urban household consumption",
        "c^u",
        demand="consumption",
    ),
    Member(
        "household",
        "THC",
        "居民消费",
        "household consumption",
        "c^h",
        parts=("household_rural", "household_urban"),
    ),
    Member(
        "government", "FU103", "政府消费", "government consumption", "c^g", demand="consumption"
    ),
    Member(
        "npish",
        "NPISH",
        "为住户服务的非营利机构消费",
        "consumption of non-profit institutions serving households (multi-regional tables; "
        "not a part of consumption)",
        "c^n",
        # Final consumption all the same (SNA 2008, 9.94): the analysis models count it there.
        demand="consumption",
    ),
    Member(
        "consumption",
        "TC",
        "最终消费",
        "final consumption (households and government)",
        "c",
        parts=("household_rural", "household_urban", "government"),
    ),
    Member(
        "fixed_capital_formation",
        "FU201",
        "固定资本形成总额",
        "gross fixed capital formation",
        "k",
        demand="capital_formation",
    ),
    Member(
        "inventory_change",
        "FU202",
        "存货增加",
        "changes in inventories",
        "s",
        demand="capital_formation",
    ),
    Member(
        "capital_formation",
        "GCF",
        "资本形成总额",
        "gross capital formation",
        "k^g",
        parts=("fixed_capital_formation", "inventory_change"),
    ),
    Member("export", "EX", "出口", "exports", "e"),
    Member("domestic_outflow", "OF", "国内省外流出", "domestic outflow to other provinces", "o"),
    Member("import", "IM", "进口", "imports", "m", sign=-1),
    Member(
        "domestic_inflow",
        "IF",
        "国内省外流入",
        "domestic inflow from other provinces",
        "n",
        sign=-1,
    ),
    Member(
        "gross_outflow",
        "FU302",
        "流出",
        "gross outflow (exports and domestic outflow)",
        "e+o",
        parts=("export", "domestic_outflow"),
    ),
    Member(
        "gross_inflow",
        "FU304",
        "流入",
        "gross inflow (imports and domestic inflow)",
        "m+n",
        sign=-1,
        parts=("import", "domestic_inflow"),
    ),
    Member(
        "net_outflow",
        "NOF",
        "净流出",
        "net outflow (exports + domestic outflow - imports - domestic inflow)",
        "e+o-m-n",
        parts=("export", "domestic_outflow", "import", "domestic_inflow"),
    ),
    Member("other", "ERR", "其他", "other (statistical discrepancy)", "r"),
)

#: The labels of the ``va_component`` dimension: the value-added rows.
VA_COMPONENTS: tuple[Member, ...] = (
    Member("compensation", "VA001", "劳动者报酬", "compensation of employees", "w"),
    Member("net_production_taxes", "VA002", "生产税净额", "net taxes on production", "t"),
    Member("depreciation", "VA003", "固定资产折旧", "depreciation of fixed assets", "d"),
    Member("operating_surplus", "VA004", "营业盈余", "operating surplus", "p"),
    Member(
        "value_added_total",
        "TVA",
        "增加值合计",
        "total value added (components not reported)",
        "v",
        parts=("compensation", "net_production_taxes", "depreciation", "operating_surplus"),
    ),
)

#: The dimensions of a table and the coordinates that label them, by name.
DIMS: dict[str, DimSpec] = {
    d.name: d
    for d in (
        DimSpec("region", "regions (provinces), by English name", ("region_zh", "region_code")),
        DimSpec("sector", "supplying product sectors (rows), by code", ("sector_zh", "sector_en")),
        DimSpec(
            "sector_to",
            "using product sectors (columns), by code",
            ("sector_to_zh", "sector_to_en"),
        ),
        DimSpec("flow", "final-use and trade columns", ("flow_code", "flow_zh")),
        DimSpec("va_component", "value-added rows", ("va_code", "va_zh")),
        DimSpec(
            "region_to",
            "destination (using) regions of a multi-regional table, over the labels of region",
        ),
    )
}

#: The dimensions of a (provincial) regional table.
TABLE_DIMS: tuple[str, ...] = ("region", "sector", "sector_to", "flow", "va_component")

#: The dimensions of a multi-regional (MRIO) table: flows have an origin
#: (``region``, ``sector``) and a destination (``region_to``, ``sector_to``).
MRIO_DIMS: tuple[str, ...] = ("region", "sector", "region_to", "sector_to", "flow", "va_component")

#: The variables of a table, by name.
VARIABLES: dict[str, VariableSpec] = {
    v.name: v
    for v in (
        VariableSpec(
            "intermediate_use",
            ("region", "sector", "sector_to"),
            "intermediate use",
            "Products of `sector` used as inputs by `sector_to` (中间使用).",
            "Z",
        ),
        VariableSpec(
            "final_use",
            ("region", "sector", "flow"),
            "final use and trade",
            "Final use, foreign trade and interprovincial trade of each product (最终使用, "
            "进口, 国内省外流入, ...). Imports and inflows are positive. NaN marks a flow "
            "that a region does not report.",
            "F",
            nan_allowed=True,
        ),
        VariableSpec(
            "value_added",
            ("region", "va_component", "sector_to"),
            "value added",
            "Primary inputs of each using sector (增加值).",
            "V",
        ),
        VariableSpec(
            "total_output",
            ("region", "sector"),
            "total output",
            "Gross output of each sector (总产出 = 总投入).",
            "x",
            nonnegative=True,
        ),
    )
}

#: The labels the ``flow`` dimension of a multi-regional table may carry: final-demand
#: categories only (trade is between the table's regions, or in ``export``/``import``).
MRIO_FLOWS: tuple[str, ...] = (
    "household_rural",
    "household_urban",
    "household",
    "government",
    "npish",
    "consumption",
    "fixed_capital_formation",
    "inventory_change",
    "capital_formation",
)

#: The variables of a multi-regional (MRIO) table, by name. ``export``,
#: ``import``, ``imported_inputs``, ``imported_final_use`` and ``discrepancy``
#: are optional (``required=False``). Imports from outside the table are either
#: competitive (``import``, by product, included in the importing region's rows)
#: or non-competitive (``imported_inputs`` by using industry and
#: ``imported_final_use`` by final-use column), never both.
MRIO_VARIABLES: dict[str, VariableSpec] = {
    v.name: v
    for v in (
        VariableSpec(
            "intermediate_use",
            ("region", "sector", "region_to", "sector_to"),
            "intermediate use",
            "Products of `sector` made in (or imported into) `region` used as inputs by "
            "`sector_to` in `region_to` (区域间中间使用).",
            "Z",
        ),
        VariableSpec(
            "final_use",
            ("region", "sector", "region_to", "flow"),
            "final use",
            "Products of `sector` of `region` bought by the final users `flow` of `region_to` "
            "(区域间最终使用); final-demand categories only (see MRIO_FLOWS).",
            "Y",
        ),
        VariableSpec(
            "value_added",
            ("region", "va_component", "sector"),
            "value added",
            "Value added generated by each producing region and sector (增加值).",
            "V",
        ),
        VariableSpec(
            "total_output",
            ("region", "sector"),
            "total output",
            "Gross output of each region and sector (总产出 = 总投入).",
            "x",
            nonnegative=True,
        ),
        VariableSpec(
            "export",
            ("region", "sector"),
            "exports to the rest of the world",
            "Exports of each region and sector to an exogenous rest of the world outside "
            "the table (出口). Optional.",
            "e",
            required=False,
        ),
        VariableSpec(
            "import",
            ("region", "sector"),
            "imports from the rest of the world",
            "Competitive imports of product `sector` into `region` from an exogenous rest of "
            "the world (进口), positive, included in the region's own rows of intermediate "
            "and final use and subtracted in the row identity. Optional.",
            "m",
            required=False,
        ),
        VariableSpec(
            "imported_inputs",
            ("region", "sector"),
            "imported inputs",
            "Non-competitive imports from an exogenous rest of the world used as inputs by "
            "industry `sector` of `region` (中间投入进口, the import row of the CEADS tables): "
            "a term of the column identity; the intermediate use then holds domestic flows only. "
            "Optional; never together with `import`.",
            "m^Z",
            required=False,
        ),
        VariableSpec(
            "imported_final_use",
            ("region_to", "flow"),
            "imported final use",
            "Non-competitive imports from an exogenous rest of the world bought by the final "
            "users `flow` of `region_to` (最终使用进口). Optional; never together with `import`.",
            "m^Y",
            required=False,
        ),
        VariableSpec(
            "discrepancy",
            ("region", "sector"),
            "statistical discrepancy",
            "Row residual carried explicitly: output minus the sales the table records "
            "(其他, rounding of the published table). Optional.",
            "d",
            required=False,
        ),
    )
}

#: Coordinates of a multi-regional table: name -> (dimensions, description).
MRIO_COORDS: dict[str, tuple[tuple[str, ...], str]] = {
    "in_nation": (
        ("region",),
        "bool: which regions form the nation (all False for a world table)",
    ),
}


@dataclass(frozen=True)
class ScopeSpec:
    """A scope of the circulation indicators: which trade it measures.

    Attributes
    ----------
    name : str
        ``"domestic"``, ``"international"`` or ``"dual"``.
    outflow, inflow : str
        The flows (of :data:`FLOWS`) leaving and entering the region.
    words : tuple of str
        The outflow and inflow in words, for descriptions ("exports", "imports").
    description : str
        What the scope measures.
    net : str or None
        A flow that gives the net outflow (outflow less inflow) by itself, where
        a table may report only that (the dual scope of the 2002 tables).
    """

    name: str
    outflow: str
    inflow: str
    words: tuple[str, str]
    description: str
    net: str | None = None

    @property
    def flows(self) -> tuple[str, str]:
        """The outflow and the inflow."""
        return (self.outflow, self.inflow)

    def requires(self, indicator: str = "circulation_ratio") -> tuple[tuple[str, ...], ...]:
        """What a table must report, or let derive, for an indicator of this scope.

        Parameters
        ----------
        indicator : {"circulation_ratio", "net_outflow_contribution"}
            The indicator.

        Returns
        -------
        tuple of tuple of str
            Alternatives: the table needs every flow of one of them.

        Examples
        --------
        >>> SCOPES["dual"].requires("net_outflow_contribution")
        (('gross_outflow', 'gross_inflow'), ('net_outflow',))
        """
        if indicator not in _INDICATORS:
            raise ChoiceError(f"unknown indicator {indicator!r}; choose one of {list(_INDICATORS)}")
        if indicator == "net_outflow_contribution" and self.net is not None:
            return (self.flows, (self.net,))
        return (self.flows,)


_INDICATORS = ("circulation_ratio", "net_outflow_contribution")

#: The scopes of the circulation indicators, by name: their outflow and inflow.
SCOPES: dict[str, ScopeSpec] = {
    s.name: s
    for s in (
        ScopeSpec(
            "domestic",
            "domestic_outflow",
            "domestic_inflow",
            ("domestic outflow", "domestic inflow"),
            "interprovincial trade (the domestic circulation)",
        ),
        ScopeSpec(
            "international",
            "export",
            "import",
            ("exports", "imports"),
            "foreign trade (the international circulation)",
        ),
        ScopeSpec(
            "dual",
            "gross_outflow",
            "gross_inflow",
            ("gross outflow", "gross inflow"),
            "interprovincial and foreign trade together",
            net="net_outflow",
        ),
    )
}

_MEMBERS = {"flow": {m.name: m for m in FLOWS}, "va_component": {m.name: m for m in VA_COMPONENTS}}

#: The four value-added components of the official tables (the parts of ``value_added_total``).
VA_STANDARD: tuple[str, ...] = _MEMBERS["va_component"]["value_added_total"].parts


def members(dim: str) -> dict[str, Member]:
    """Registered labels of a dimension.

    Parameters
    ----------
    dim : {"flow", "va_component"}
        The dimension.

    Returns
    -------
    dict of str to Member
        The registry's members, by name, in the registry's order.

    Examples
    --------
    >>> members("flow")["domestic_inflow"].code
    'IF'
    """
    try:
        return _MEMBERS[dim]
    except KeyError:
        raise SchemaError(
            f"dimension {dim!r} has no registered labels; "
            f"dimensions with labels: {sorted(_MEMBERS)}"
        ) from None


def identity_terms(dim: str, present: Iterable[str]) -> tuple[str, ...]:
    """The labels among ``present`` that enter an accounting identity once each.

    Parameters
    ----------
    dim : {"flow", "va_component"}
        The dimension.
    present : iterable of str
        The labels a table has.

    Returns
    -------
    tuple of str
        The labels to sum, in the registry's order.

    Notes
    -----
    Every finest flow must be counted at most once: when a table reports an
    aggregate (``gross_outflow``) and one of its parts (``export``), the
    aggregate is used and the part is left out of the identity. Aggregates
    covering more finest members win; ties keep the registry's order.

    Examples
    --------
    >>> identity_terms("flow", ["gross_outflow", "export", "gross_inflow", "other"])
    ('gross_outflow', 'gross_inflow', 'other')
    """
    registry = members(dim)
    present = list(present)
    unknown = [p for p in present if p not in registry]
    if unknown:
        raise SchemaError(f"unknown {dim} labels {unknown}; registered: {sorted(registry)}")
    order = {name: i for i, name in enumerate(registry)}
    ranked = sorted(present, key=lambda p: (-len(registry[p].leaves), order[p]))
    covered: set[str] = set()
    chosen: list[str] = []
    for name in ranked:
        leaves = set(registry[name].leaves)
        if covered.isdisjoint(leaves):
            chosen.append(name)
            covered |= leaves
    return tuple(sorted(chosen, key=order.__getitem__))


def available_flows(ds: xr.Dataset) -> tuple[str, ...]:
    """Flows a table can provide, reported or derivable from what it reports.

    Parameters
    ----------
    ds : xarray.Dataset
        A table.

    Returns
    -------
    tuple of str
        Flow names, in the registry's order.

    Notes
    -----
    A finest flow is derivable when an aggregate containing it and all the
    aggregate's other parts are available (``domestic_outflow`` from
    ``gross_outflow`` and ``export``); an aggregate is derivable when flows that
    partition its finest parts are available (``net_outflow`` from
    ``gross_outflow`` and ``gross_inflow``).

    Examples
    --------
    >>> import iocirc
    >>> flows = available_flows(iocirc.datasets.example_table("gross"))
    >>> "net_outflow" in flows, "export" in flows
    (True, False)
    """
    reported = set(ds.indexes["flow"]) if "flow" in ds.indexes else set()
    registry = members("flow")
    found = set(reported)
    changed = True
    while changed:
        changed = False
        for m in FLOWS:
            if m.name in found:
                continue
            if m.parts and _partition(m, found) is not None:
                found.add(m.name)
                changed = True
                continue
            for agg in FLOWS:
                if m.name in agg.parts and agg.name in found:
                    siblings = set(agg.parts) - {m.name}
                    if siblings <= found:
                        found.add(m.name)
                        changed = True
                        break
    return tuple(name for name in registry if name in found)


def _partition(aggregate: Member, available: Iterable[str]) -> tuple[str, ...] | None:
    """Available flows whose finest parts partition the aggregate's, coarsest first."""
    registry = members("flow")
    inside = [
        name
        for name in available
        if name != aggregate.name and set(registry[name].leaves) <= set(aggregate.leaves)
    ]
    chosen = identity_terms("flow", inside)
    covered = {leaf for name in chosen for leaf in registry[name].leaves}
    return chosen if covered == set(aggregate.leaves) else None


def available_scopes(ds: xr.Dataset, indicator: str = "circulation_ratio") -> tuple[str, ...]:
    """The scopes (:data:`SCOPES`) whose indicator a table can compute.

    Parameters
    ----------
    ds : xarray.Dataset
        A table.
    indicator : {"circulation_ratio", "net_outflow_contribution"}
        The indicator: a contribution needs only the net outflow, which some
        tables report alone (the dual scope of the 2002 tables).

    Returns
    -------
    tuple of str
        Scope names, in the registry's order: those whose flows the table
        reports or lets derive (:func:`available_flows`).

    Raises
    ------
    SchemaError
        Unknown indicator.

    Examples
    --------
    >>> import iocirc
    >>> available_scopes(iocirc.datasets.example_table())
    ('domestic', 'international', 'dual')
    >>> available_scopes(iocirc.datasets.example_table("gross"))
    ('dual',)
    >>> net = iocirc.datasets.example_table("net")
    >>> available_scopes(net), available_scopes(net, "net_outflow_contribution")
    ((), ('dual',))
    """
    if not isinstance(indicator, str) or indicator not in _INDICATORS:
        raise ChoiceError(f"unknown indicator {indicator!r}; choose one of {list(_INDICATORS)}")
    have = set(available_flows(ds))
    return tuple(
        name
        for name, spec in SCOPES.items()
        if any(set(flows) <= have for flows in spec.requires(indicator))
    )


def require_flows(ds: xr.Dataset, flows: Iterable[str], *, purpose: str) -> None:
    """Raise :class:`~iocirc.errors.MissingFlowError` unless ``ds`` provides ``flows``.

    Parameters
    ----------
    ds : xarray.Dataset
        A table.
    flows : iterable of str
        The flows needed.
    purpose : str
        What needs them, for the message ("the international scope").

    Raises
    ------
    MissingFlowError
        Naming the table's year, the missing flows, what it reports, and
        :func:`iocirc.with_customs_trade` as the way to split gross flows.
    """
    wanted = list(flows)
    have = available_flows(ds)
    missing = [f for f in wanted if f not in have]
    if missing:
        year = ds.attrs.get("year", "unknown")
        reported = list(ds.indexes["flow"]) if "flow" in ds.indexes else []
        raise MissingFlowError(
            f"{purpose} needs the flows {missing}, which the table (year {year}) neither "
            f"reports nor lets derive; it reports {reported}. The 2007 tables give only "
            "gross outflow/inflow and the 2002 tables only a net outflow: substitute customs "
            "figures for foreign trade with iocirc.with_customs_trade(ds, exports, imports) "
            "to split them, or use scope='dual'."
        )


def flow_values(ds: xr.Dataset, name: str) -> xr.DataArray:
    """The values of one flow, derived from the table's other flows where needed.

    Parameters
    ----------
    ds : xarray.Dataset
        A table.
    name : str
        A flow of :data:`FLOWS`.

    Returns
    -------
    xarray.DataArray
        ``final_use`` at ``flow=name`` without the ``flow`` dimension (in the
        table's currency unit), regions that do not report it filled from an
        aggregate and its other parts or from flows partitioning it. Lazy on
        dask-backed data.

    Notes
    -----
    An aggregate :math:`a` with parts :math:`p` is
    :math:`a = s_a \\sum_p s_p\\, p` with the signs :math:`s` of the registry,
    so a part is :math:`p = s_p (s_a a - \\sum_{q \\ne p} s_q\\, q)`.

    Examples
    --------
    >>> import iocirc
    >>> ds = iocirc.datasets.example_table("gross")
    >>> net = flow_values(ds, "net_outflow")
    >>> gross = ds["final_use"].sel(flow=["gross_outflow", "gross_inflow"])
    >>> bool((net == gross.sel(flow="gross_outflow") - gross.sel(flow="gross_inflow")).all())
    True

    Raises
    ------
    MissingFlowError
        If the table neither reports nor lets derive the flow.
    """
    require_flows(ds, [name], purpose=f"flow {name!r}")
    # A deep copy: a selected flow is a view of the table's data otherwise.
    return _flow_values(ds["final_use"], name, frozenset()).copy(deep=True)


def _flow_values(final_use: xr.DataArray, name: str, seen: frozenset[str]) -> xr.DataArray:
    registry = members("flow")
    reported = set(final_use.indexes["flow"])
    seen = seen | {name}
    candidates: list[xr.DataArray] = []
    if name in reported:
        flow_coords = [c for c in final_use.coords if "flow" in final_use[c].dims]
        values = final_use.sel(flow=name).drop_vars(flow_coords)
        if isinstance(values.data, np.ndarray) and not np.isnan(values.data).any():
            # Reported by every region: nothing to derive (on dask, stay lazy instead).
            return values.rename(name)
        candidates.append(values)
    member = registry[name]
    if member.parts:
        partition = _partition(member, reported - seen)
        if partition is not None:
            total = _signed_sum(final_use, partition, seen)
            if total is not None:
                candidates.append(member.sign * total)
        if not (set(member.parts) & seen):
            total = _signed_sum(final_use, member.parts, seen)
            if total is not None:
                candidates.append(member.sign * total)
    for agg in FLOWS:
        if name in agg.parts and agg.name not in seen:
            siblings = [p for p in agg.parts if p != name]
            if set(siblings) & seen:
                continue
            agg_values = _try_flow(final_use, agg.name, seen)
            rest = _signed_sum(final_use, siblings, seen)
            if agg_values is not None and rest is not None:
                candidates.append(member.sign * (agg.sign * agg_values - rest))
    if not candidates:
        raise MissingFlowError(f"flow {name!r} cannot be derived")
    result = candidates[0]
    for other in candidates[1:]:
        result = result.fillna(other)
    return result.rename(name)


def _signed_sum(
    final_use: xr.DataArray, names: Iterable[str], seen: frozenset[str]
) -> xr.DataArray | None:
    """Sum of sign * value over ``names``, or None if one of them cannot be had."""
    registry = members("flow")
    total: xr.DataArray | None = None
    for name in names:
        values = _try_flow(final_use, name, seen)
        if values is None:
            return None
        term = registry[name].sign * values
        total = term if total is None else total + term
    return total


def _try_flow(final_use: xr.DataArray, name: str, seen: frozenset[str]) -> xr.DataArray | None:
    try:
        return _flow_values(final_use, name, seen)
    except MissingFlowError:
        return None


def member_coords(dim: str, labels: Iterable[str]) -> dict[str, tuple[str, list[str]]]:
    """The registry's label coordinates (code, Chinese name) for labels of ``dim``.

    Parameters
    ----------
    dim : {"flow", "va_component"}
        A dimension whose labels the registry defines.
    labels : iterable of str
        Registered labels of ``dim``, in the order of the table.

    Returns
    -------
    dict
        ``{coordinate name: (dim, values)}``, ready for
        :meth:`xarray.Dataset.assign_coords`.

    Examples
    --------
    >>> member_coords("flow", ["export", "import"])
    {'flow_code': ('flow', ['EX', 'IM']), 'flow_zh': ('flow', ['出口', '进口'])}
    """
    registry = members(dim)
    labels = list(labels)
    code_name, zh_name = DIMS[dim].coords
    return {
        code_name: (dim, [registry[label].code for label in labels]),
        zh_name: (dim, [registry[label].zh for label in labels]),
    }


def is_numeric(array: xr.DataArray) -> bool:
    """Whether ``array`` holds integer or floating data (booleans and strings are not numbers).

    Parameters
    ----------
    array : xarray.DataArray
        Any array.

    Returns
    -------
    bool
        True for integer and floating dtypes.

    Examples
    --------
    >>> import xarray as xr
    >>> is_numeric(xr.DataArray([1.0, 2.0])), is_numeric(xr.DataArray([True]))
    (True, False)
    """
    return bool(np.issubdtype(array.dtype, np.number))


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
