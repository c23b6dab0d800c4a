"""Property tests of multi-regional tables, drawn by iocirc.testing.strategies.mrio_tables."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import iocirc
from iocirc.errors import IocircError, SchemaError
from iocirc.mrio import aggregate, as_matrices, from_matrices, to_single_region
from iocirc.testing.strategies import mrio_tables


def regions_of(mrio):
    return [str(r) for r in mrio.indexes["region"]]


def _close(actual, expected, *, what="", reference=None):
    """Equal up to rounding relative to the magnitude of the values compared (or, for a
    difference of large numbers, of the ``reference`` values it was computed from)."""
    a, e = np.asarray(actual, float), np.asarray(expected, float)
    scale = max(1.0, float(np.abs(e).max(initial=0.0)), float(np.abs(a).max(initial=0.0)))
    if reference is not None:
        scale = max(scale, float(np.abs(np.asarray(reference, float)).max(initial=0.0)))
    np.testing.assert_allclose(a, e, rtol=1e-9, atol=1e-9 * scale, err_msg=what)


# --------------------------------------------------------------------------- identities


@given(mrio_tables())
def test_drawn_tables_satisfy_both_identities(mrio):
    assert iocirc.validate(mrio) is mrio
    m = as_matrices(mrio)
    _close(m.x, m.Z.sum(1) + m.Y.sum(1) + m.export - m.imports + m.discrepancy)
    _close(m.x, m.Z.sum(0) + m.imported_inputs + m.va)
    assert (m.x >= 0).all()


@given(mrio_tables())
def test_from_matrices_round_trips_the_matrix_view(mrio):
    m = as_matrices(mrio)
    again = from_matrices(
        m.Z,
        m.Y,
        regions=m.regions,
        sectors=m.sectors,
        final_categories=m.flows,
        output=m.x,
        value_added=m.V,
        va_components=m.va_components,
        exports=m.export if "export" in mrio else None,
        imports=m.imports if "import" in mrio else None,
        imported_inputs=m.imported_inputs if "imported_inputs" in mrio else None,
        imported_final_use=m.imported_final_use if "imported_final_use" in mrio else None,
        nation=[r for r, f in zip(m.regions, m.in_nation, strict=True) if f],
        currency_unit=mrio.attrs["currency_unit"],
    )
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        np.testing.assert_array_equal(again[name].values, mrio[name].values)
    np.testing.assert_array_equal(again["in_nation"].values, mrio["in_nation"].values)
    _close(again["discrepancy"].values.ravel(), m.discrepancy)


# --------------------------------------------------------------------------- the single-region view


@given(mrio_tables())
def test_the_view_satisfies_the_provincial_identities(mrio):
    view = to_single_region(mrio)
    assert iocirc.validate(view) is view
    flags = mrio["in_nation"].values
    nation = [r for r, f in zip(mrio.indexes["region"], flags, strict=True) if f]
    assert list(view.indexes["region"]) == (nation or list(mrio.indexes["region"]))


@given(mrio_tables(nation="some"), st.data())
def test_the_view_of_any_nation_validates_and_conserves_trade(mrio, data):
    regions = list(mrio.indexes["region"])
    nation = data.draw(
        st.lists(st.sampled_from(regions), min_size=1, max_size=len(regions), unique=True)
    )
    view = to_single_region(mrio, nation=nation)
    iocirc.validate(view)
    flows = view["final_use"].sum(("region", "sector"))
    # domestic trade is trade between nation regions: sold by one, bought by another
    _close(flows.sel(flow="domestic_outflow"), flows.sel(flow="domestic_inflow"))


# Non-competitive imports are made competitive in proportion to each column's use, and a
# group's proportions are not its members': the views agree in totals only (tested below).
@given(mrio_tables(nation="some", noncompetitive=False))
def test_aggregating_sectors_commutes_with_the_view(mrio):
    sectors = list(mrio.indexes["sector"])
    concordance = {s: ("low" if i % 2 else "high") for i, s in enumerate(sectors)}
    first = to_single_region(aggregate(mrio, sectors=concordance))
    second = iocirc.aggregate_sectors(to_single_region(mrio), concordance)
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        a = first[name]
        b = second[name].transpose(*a.dims).sel({d: a.indexes[d] for d in a.dims})
        _close(a.values, b.values, what=name)


@given(mrio_tables(nation="some", n_regions=st.integers(2, 5), noncompetitive=False), st.data())
def test_aggregating_nation_regions_commutes_with_the_view(mrio, data):
    regions = list(mrio.indexes["region"])
    flags = mrio["in_nation"].values
    nation = [r for r, f in zip(regions, flags, strict=True) if f]
    labels = data.draw(st.lists(st.sampled_from("AB"), min_size=len(nation), max_size=len(nation)))
    groups = {r: f"G{g}" for r, g in zip(nation, labels, strict=True)}
    concordance = {r: groups.get(r, r) for r in regions}
    first = to_single_region(aggregate(mrio, regions=concordance))
    view = to_single_region(mrio)
    summed = view.assign_coords(group=("region", [groups[r] for r in view.indexes["region"]]))
    iocirc.validate(first)
    for name in ("intermediate_use", "value_added", "total_output"):
        _close(
            first[name].values,
            summed[name]
            .groupby("group")
            .sum()
            .rename(group="region")
            .transpose(*first[name].dims)
            .values,
            what=name,
        )
    fu = summed["final_use"].groupby("group").sum().rename(group="region")
    fu = fu.transpose(*first["final_use"].dims)
    same = [f for f in first.indexes["flow"] if f not in ("domestic_outflow", "domestic_inflow")]
    _close(first["final_use"].sel(flow=same).values, fu.sel(flow=same).values, what="flows")
    # gross domestic trade loses the trade inside each group; the net is unchanged
    net = first["final_use"].sel(flow="domestic_outflow") - first["final_use"].sel(
        flow="domestic_inflow"
    )
    _close(
        net.values,
        (fu.sel(flow="domestic_outflow") - fu.sel(flow="domestic_inflow")).values,
        reference=fu.sel(flow=["domestic_outflow", "domestic_inflow"]).values,
    )
    m = as_matrices(mrio)
    # sales by (origin, sector, destination), from the matrices
    t = m.Z.reshape(m.R, m.S, m.R, m.S).sum(3) + m.Y.reshape(m.R, m.S, m.R, m.F).sum(3)
    for group in sorted(set(groups.values())):
        members = [regions.index(r) for r in groups if groups[r] == group]
        intra = sum(t[a, :, b] for a in members for b in members if a != b)
        gross = fu.sel(region=group, flow="domestic_outflow").values
        actual = first["final_use"].sel(region=group, flow="domestic_outflow").values
        _close(actual, gross - intra, reference=gross)


@given(mrio_tables(nation="some", imports=True, noncompetitive=True))
def test_noncompetitive_imports_become_competitive_in_the_view(mrio):
    view = to_single_region(mrio)
    iocirc.validate(view)
    nation = list(view.indexes["region"])
    sub = mrio.sel(region=nation)
    # every imported input lands in its column, and among the region's imports
    _close(
        view["intermediate_use"].sum("sector").values,
        mrio["intermediate_use"].sum(("region", "sector")).sel(region_to=nation).values
        + sub["imported_inputs"].values,
    )
    categories = [str(f) for f in mrio.indexes["flow"]]
    counted = list(iocirc.schema.identity_terms("flow", categories))
    outside = [r for r in mrio.indexes["region"] if r not in nation]
    from_outside = (
        mrio["intermediate_use"].sel(region=outside).sum(("region", "sector", "sector_to"))
        + mrio["final_use"].sel(region=outside, flow=counted).sum(("region", "sector", "flow"))
    ).sel(region_to=nation)
    expected = (
        from_outside.values
        + sub["imported_inputs"].sum("sector").values
        + mrio["imported_final_use"].sel(region_to=nation, flow=counted).sum("flow").values
    )
    _close(view["final_use"].sel(flow="import").sum("sector").values, expected)


@given(mrio_tables(), st.data())
def test_permuting_regions_changes_nothing_but_order(mrio, data):
    n = mrio.sizes["region"]
    order = data.draw(st.permutations(range(n)))
    shuffled = mrio.isel(region=list(order), region_to=list(order))
    iocirc.validate(shuffled)
    view, view_shuffled = to_single_region(mrio), to_single_region(shuffled)
    regions = list(view.indexes["region"])
    assert sorted(view_shuffled.indexes["region"]) == sorted(regions)
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        _close(view_shuffled[name].sel(region=regions).values, view[name].values, what=name)
    flags = mrio["in_nation"].values
    concordance = {r: ("X" if f else "Y") for r, f in zip(regions_of(mrio), flags, strict=True)}
    a, b = aggregate(mrio, regions=concordance), aggregate(shuffled, regions=concordance)
    for name in ("intermediate_use", "final_use", "total_output"):
        _close(a[name].values, b[name].values, what=name)


@given(mrio_tables(nation="some"), st.data())
def test_permuting_sectors_changes_nothing_but_order(mrio, data):
    order = list(data.draw(st.permutations(range(mrio.sizes["sector"]))))
    shuffled = mrio.isel(sector=order, sector_to=order)
    iocirc.validate(shuffled)
    view, view_shuffled = to_single_region(mrio), to_single_region(shuffled)
    sectors = list(view.indexes["sector"])
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        a = view_shuffled[name]
        a = a.sel({d: sectors for d in ("sector", "sector_to") if d in a.dims})
        _close(a.values, view[name].values, what=name)


# --------------------------------------------------------------------------- purity and dask


@given(mrio_tables(nation="some"))
def test_functions_neither_modify_nor_alias_their_input(mrio):
    before = mrio.copy(deep=True)
    sectors = dict.fromkeys(mrio.indexes["sector"], "all")
    results = [
        to_single_region(mrio),
        aggregate(mrio, sectors=sectors),
        iocirc.mrio.validate(mrio),  # returns its input by design; checked for no change
    ]
    xr.testing.assert_identical(mrio, before)
    for result in results[:2]:
        for var in result.variables.values():
            for source in mrio.variables.values():
                assert not np.shares_memory(var.values, source.values)


dask = pytest.importorskip("dask")


@settings(max_examples=10)  # dask graphs are slow to build; the logic is the numpy one
@given(mrio_tables(nation="some", chunks={"region": 1}))
def test_dask_backed_tables_give_the_numpy_results_lazily(mrio):
    eager = mrio.compute()
    iocirc.validate(mrio)
    view = to_single_region(mrio)
    assert view["final_use"].chunks is not None
    xr.testing.assert_allclose(view.compute(), to_single_region(eager))
    sectors = dict.fromkeys(mrio.indexes["sector"], "all")
    grouped = aggregate(mrio, sectors=sectors)
    assert grouped["intermediate_use"].chunks is not None
    xr.testing.assert_allclose(grouped.compute(), aggregate(eager, sectors=sectors))
    lazy_m, eager_m = as_matrices(mrio), as_matrices(eager)
    np.testing.assert_array_equal(lazy_m.Z, eager_m.Z)
    np.testing.assert_array_equal(lazy_m.Y, eager_m.Y)


# --------------------------------------------------------------------------- bad input

_VARIABLES = ("intermediate_use", "final_use", "value_added", "total_output")


@given(
    mrio_tables(),
    st.sampled_from(_VARIABLES),
    st.sampled_from([np.nan, np.inf, -np.inf]),
    st.data(),
)
def test_nan_and_inf_are_refused_naming_the_variable(mrio, name, value, data):
    bad = mrio.copy(deep=True)
    index = tuple(data.draw(st.integers(0, n - 1)) for n in bad[name].shape)
    bad[name].values[index] = value
    for call in (
        iocirc.validate,
        to_single_region,
        lambda t: aggregate(t, sectors=dict.fromkeys(t.indexes["sector"], "a")),
        as_matrices,
    ):
        with pytest.raises(SchemaError, match=f"variable '{name}'"):
            call(bad)


@given(mrio_tables(), st.data())
def test_negative_output_is_refused(mrio, data):
    bad = mrio.copy(deep=True)
    index = tuple(data.draw(st.integers(0, n - 1)) for n in bad["total_output"].shape)
    bad["total_output"].values[index] = -1.0 - abs(bad["total_output"].values[index])
    with pytest.raises(SchemaError, match="'total_output' is negative"):
        iocirc.validate(bad)


@given(mrio_tables(n_regions=st.integers(2, 4)))
def test_duplicate_labels_are_refused(mrio):
    regions = list(mrio.indexes["region"])
    regions[1] = regions[0]
    bad = mrio.assign_coords(region=regions, region_to=regions)
    with pytest.raises(SchemaError, match="duplicated labels"):
        iocirc.validate(bad)
    m = as_matrices(mrio)
    with pytest.raises(SchemaError, match="duplicated labels"):
        from_matrices(m.Z, m.Y, regions=regions, sectors=m.sectors, final_categories=m.flows)


@given(mrio_tables(), st.integers(1, 3))
def test_wrong_shapes_are_refused(mrio, extra):
    m = as_matrices(mrio)
    kwargs = {"regions": m.regions, "sectors": m.sectors, "final_categories": m.flows}
    with pytest.raises(SchemaError, match="Z has shape"):
        from_matrices(np.zeros((m.n, m.n + extra)), m.Y, **kwargs)
    with pytest.raises(SchemaError, match="Y has shape"):
        from_matrices(m.Z, np.zeros((m.n, m.Y.shape[1] + extra)), **kwargs)
    with pytest.raises(SchemaError, match="exports has shape"):
        from_matrices(m.Z, m.Y, exports=np.zeros(m.n + extra), **kwargs)
    assert issubclass(SchemaError, IocircError)
