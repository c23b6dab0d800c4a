"""Multi-regional tables: construction, the matrix view, validation (issue 12, core)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import xarray as xr

import iocirc
from iocirc.errors import BalanceError, BalanceWarning, IocircError, SchemaError, UnitError
from iocirc.mrio import as_matrices, from_matrices, is_mrio
from iocirc.schema import FLOWS, MRIO_FLOWS, MRIO_VARIABLES, identity_terms, members
from iocirc.testing import synthetic_mrio

# --------------------------------------------------------------------------- a hand-made table

# Two regions (A in the nation, W the rest of the world) x two sectors; one category.
REGIONS = ["A", "W"]
SECTORS = ["agr", "man"]
Z = np.array(
    [
        [5.0, 10.0, 1.0, 2.0],
        [4.0, 20.0, 3.0, 6.0],
        [2.0, 1.0, 8.0, 4.0],
        [1.0, 5.0, 2.0, 10.0],
    ]
)
Y = np.array([[50.0, 2.0], [40.0, 7.0], [3.0, 60.0], [4.0, 50.0]])  # columns: A, W


def small(**kwargs):
    return from_matrices(
        Z,
        Y,
        regions=REGIONS,
        sectors=SECTORS,
        final_categories=["household"],
        nation=["A"],
        currency_unit="million USD",
        **kwargs,
    )


def test_from_matrices_derives_output_and_value_added_from_the_identities():
    mrio = small()
    x = Z.sum(axis=1) + Y.sum(axis=1)
    np.testing.assert_allclose(mrio["total_output"].values.ravel(), x)
    va = mrio["value_added"].sel(va_component="value_added_total")
    np.testing.assert_allclose(va.values.ravel(), x - Z.sum(axis=0))
    # Labelled positions: Z[r*S+i, s*S+j] is intermediate_use[r, i, s, j].
    assert (
        float(
            mrio["intermediate_use"].sel(region="A", sector="man", region_to="W", sector_to="agr")
        )
        == Z[1, 2]
    )
    assert (
        float(mrio["final_use"].sel(region="W", sector="agr", region_to="A", flow="household"))
        == Y[2, 0]
    )
    assert mrio["in_nation"].values.tolist() == [True, False]
    assert mrio.attrs["table_kind"] == "mrio"
    assert "discrepancy" not in mrio
    assert "export" not in mrio
    assert is_mrio(mrio)
    assert not is_mrio(iocirc.datasets.example_table())
    for name in mrio.data_vars:
        assert mrio[name].attrs["units"] == "million USD"


def test_from_matrices_with_output_keeps_the_residual_as_discrepancy():
    x = Z.sum(axis=1) + Y.sum(axis=1) + np.array([0.5, -0.25, 0.0, 1.0])
    mrio = small(output=x)
    np.testing.assert_allclose(mrio["discrepancy"].values.ravel(), [0.5, -0.25, 0.0, 1.0])
    np.testing.assert_array_equal(mrio["total_output"].values.ravel(), x)
    iocirc.validate(mrio)


def test_exports_and_imports_enter_output_with_their_signs():
    e = np.array([1.0, 2.0, 3.0, 4.0])
    m = np.array([0.5, 0.0, 2.0, 1.0])
    mrio = small(exports=e, imports=m)
    np.testing.assert_allclose(
        mrio["total_output"].values.ravel(), Z.sum(axis=1) + Y.sum(axis=1) + e - m
    )
    mats = as_matrices(mrio)
    np.testing.assert_array_equal(mats.export, e)
    np.testing.assert_array_equal(mats.imports, m)


def test_from_matrices_does_not_alias_its_inputs():
    z, y = Z.copy(), Y.copy()
    mrio = small()
    z[0, 0] = 1e6
    y[0, 0] = 1e6
    assert float(mrio["intermediate_use"][0, 0, 0, 0]) == 5.0
    assert not np.shares_memory(mrio["intermediate_use"].values, Z)
    assert not np.shares_memory(mrio["final_use"].values, Y)


def test_value_added_components_are_kept_and_checked():
    x = Z.sum(axis=1) + Y.sum(axis=1)
    va = x - Z.sum(axis=0)
    v = np.vstack([0.4 * va, 0.6 * va])
    mrio = small(value_added=v, va_components=["compensation", "operating_surplus"])
    assert list(mrio.indexes["va_component"]) == ["compensation", "operating_surplus"]
    np.testing.assert_allclose(as_matrices(mrio).va, va)
    with pytest.raises(BalanceError, match="column identity"):
        small(value_added=v * 1.1, va_components=["compensation", "operating_surplus"])
    with pytest.raises(SchemaError, match="value_added has shape"):
        small(value_added=v, va_components=["compensation"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"Z": np.ones((3, 4))}, r"Z has shape \(3, 4\); expected \(4, 4\)"),
        ({"Y": np.ones((4, 3))}, r"Y has shape \(4, 3\); expected \(4, 2\)"),
        ({"regions": ["A", "A"]}, r"duplicated labels \['A'\] in regions"),
        ({"sectors": ["agr", "agr"]}, r"duplicated labels \['agr'\] in sectors"),
        ({"final_categories": ["export"]}, "trade is between its regions"),
        ({"final_categories": ["gdp"]}, r"unknown final-demand category \['gdp'\]"),
        ({"nation": ["Atlantis"]}, r"nation names region\(s\) \['Atlantis'\]"),
        ({"nation": "A"}, "list of region labels"),
        ({"output": np.ones(3)}, r"output has shape \(3,\)"),
        ({"Z": [["a"] * 4] * 4}, "Z must hold numbers"),
        ({"va_components": ["compensation"]}, "value_added, which is not given"),
        ({"regions": []}, "regions is empty"),
    ],
)
def test_from_matrices_refuses_bad_input(kwargs, match):
    args = {
        "Z": Z,
        "Y": Y,
        "regions": REGIONS,
        "sectors": SECTORS,
        "final_categories": ["household"],
    } | kwargs
    with pytest.raises(SchemaError, match=match):
        from_matrices(args.pop("Z"), args.pop("Y"), **args)


# --------------------------------------------------------------------------- the matrix view


def test_as_matrices_is_the_country_major_layout_and_a_copy():
    mrio = synthetic_mrio(3, 4, seed=2, discrepancy=True)
    m = as_matrices(mrio)
    R, S, F = 3, 4, 5
    assert (m.R, m.S, m.n, m.F) == (R, S, R * S, F)
    z4 = mrio["intermediate_use"].values
    for r, i, s, j in [(0, 1, 2, 3), (2, 0, 1, 1), (1, 3, 0, 2)]:
        assert m.Z[r * S + i, s * S + j] == z4[r, i, s, j]
    y4 = mrio["final_use"].values
    assert m.Y[1 * S + 2, 2 * F + 3] == y4[1, 2, 2, 3]
    np.testing.assert_allclose(m.Yd, y4.sum(axis=3).reshape(R * S, R))
    np.testing.assert_allclose(m.va, mrio["value_added"].sum("va_component").values.ravel())
    np.testing.assert_array_equal(m.x, mrio["total_output"].values.ravel())
    np.testing.assert_array_equal(m.discrepancy, mrio["discrepancy"].values.ravel())
    assert m.regions == ("R00", "R01", "R02")
    assert m.sectors[0] == "S00"
    assert m.in_nation.tolist() == [True, True, False]
    # the identities in matrix form
    np.testing.assert_allclose(
        m.x, m.Z.sum(1) + m.Y.sum(1) + m.export - m.imports + m.discrepancy, rtol=1e-12
    )
    np.testing.assert_allclose(m.x, m.Z.sum(0) + m.va, rtol=1e-12)
    # copies: writing to them leaves the table alone
    for array in (m.Z, m.Y, m.x, m.va, m.export):
        assert not np.shares_memory(array, mrio["intermediate_use"].values)
    m.Z[0, 0] = -1.0
    assert mrio["intermediate_use"].values[0, 0, 0, 0] != -1.0


def test_aggregate_categories_are_counted_once():
    base = synthetic_mrio(2, 2, categories=("household_rural", "household_urban"))
    m0 = as_matrices(base)
    y = m0.Y.reshape(4, 2, 2)
    y3 = np.concatenate([y, y.sum(axis=2, keepdims=True)], axis=2).reshape(4, 6)
    mrio = from_matrices(
        m0.Z,
        y3,
        regions=m0.regions,
        sectors=m0.sectors,
        final_categories=["household_rural", "household_urban", "household"],
        exports=m0.export,
        imports=m0.imports,
    )
    np.testing.assert_allclose(mrio["total_output"].values.ravel(), m0.x)
    iocirc.validate(mrio)
    m = as_matrices(mrio)
    assert m.flows == ("household",)
    np.testing.assert_allclose(m.Yd, m0.Yd)


def test_as_matrices_refuses_extra_dimensions():
    mrio = synthetic_mrio(2, 2)
    stacked = xr.concat([mrio, mrio], dim=xr.Variable("year", [2010, 2011]))
    iocirc.validate(stacked)  # the validator accepts extra dimensions
    with pytest.raises(SchemaError, match=r"extra dimension\(s\) \['year'\]"):
        as_matrices(stacked)


# --------------------------------------------------------------------------- validation


def test_validate_dispatches_and_accepts_every_synthetic_variant():
    for kwargs in (
        {},
        {"exports": False, "imports": False},
        {"discrepancy": True},
        {"categories": "ceads", "va_components": ("value_added_total",)},
        {"nation": 0},
    ):
        mrio = synthetic_mrio(3, 3, seed=4, **kwargs)
        assert iocirc.validate(mrio) is mrio
        assert iocirc.mrio.validate(mrio) is mrio


def _with(mrio, name, index, value):
    bad = mrio.copy(deep=True)
    bad[name].values[index] = value
    return bad


@pytest.mark.parametrize(
    ("name", "index", "value", "match"),
    [
        (
            "intermediate_use",
            (0, 1, 1, 0),
            np.nan,
            r"'intermediate_use' has NaN at region='R00', "
            r"sector='S01', region_to='R01', sector_to='S00'",
        ),
        ("final_use", (1, 0, 0, 2), np.inf, r"'final_use' is infinite at region='R01'"),
        ("value_added", (0, 0, 1), np.nan, r"'value_added' has NaN"),
        ("export", (2, 1), -np.inf, r"'export' is infinite at region='R02', sector='S01'"),
        (
            "total_output",
            (1, 2),
            -5.0,
            r"'total_output' is negative at region='R01', "
            r"sector='S02'",
        ),
    ],
)
def test_validate_refuses_bad_values_naming_where(name, index, value, match):
    bad = _with(synthetic_mrio(3, 3), name, index, value)
    with pytest.raises(SchemaError, match=match):
        iocirc.validate(bad)


def test_balance_errors_name_identity_region_and_sector():
    mrio = synthetic_mrio(3, 3, seed=5)
    bad = mrio.copy(deep=True)
    bad["final_use"].loc[{"region": "R02", "sector": "S01", "region_to": "R00"}] += 50.0
    with pytest.raises(BalanceError, match=r"row identity .* region 'R02', sector 'S01'"):
        iocirc.validate(bad)
    bad = mrio.copy(deep=True)
    bad["value_added"].loc[{"region": "R01", "sector": "S00"}] *= 1.5
    with pytest.raises(BalanceError, match=r"column identity .* region 'R01', sector 'S00'"):
        iocirc.mrio.validate(bad)
    # tolerances and the other modes
    iocirc.mrio.validate(bad, rtol=1.0)
    iocirc.mrio.validate(bad, on_imbalance="ignore")
    with pytest.warns(BalanceWarning, match="column identity"):
        iocirc.mrio.validate(bad, on_imbalance="warn")
    small_error = mrio.copy(deep=True)
    small_error["export"].values[0, 0] += 0.1
    with pytest.raises(BalanceError):
        iocirc.validate(small_error)
    iocirc.validate(small_error, atol=0.2)


def test_imports_are_subtracted_in_the_row_identity():
    mrio = synthetic_mrio(2, 2, seed=1)
    flipped = mrio.copy(deep=True)
    flipped["import"] = -flipped["import"]
    flipped["import"].attrs = mrio["import"].attrs
    with pytest.raises(BalanceError, match="row identity"):
        iocirc.validate(flipped)


def test_validate_refuses_structural_defects():
    mrio = synthetic_mrio(3, 2)
    cases = [
        (mrio.drop_vars("final_use"), r"lacks the variable\(s\) \['final_use'\]"),
        (mrio.drop_vars("in_nation"), "lacks the coordinate 'in_nation'"),
        (mrio.assign_coords(in_nation=("region", [1, 0, 0])), "must be boolean"),
        (mrio.assign_coords(region_to=["R00", "R02", "R01"]), "same labels in the same order"),
        (mrio.assign_coords(sector=["S00", "S00"]), r"'sector' has duplicated labels \['S00'\]"),
        (
            mrio.assign_coords(
                flow=["household", "npish", "import", "fixed_capital_formation", "inventory_change"]
            ),
            "trade is between its regions",
        ),
        (mrio.assign_coords(va_component=["a", "b", "c", "d"]), "unknown va_component"),
        (mrio.assign(total_output=mrio["total_output"].astype(str)), "holds <U"),
        (mrio.assign(export=mrio["export"].sum("sector")), r"'export' lacks the dimension"),
        (42, "expected an xarray.Dataset"),
    ]
    for bad, match in cases:
        with pytest.raises(SchemaError, match=match):
            iocirc.mrio.validate(bad)
    unit = mrio.copy()
    unit["export"] = unit["export"].assign_attrs(units="10^4 CNY")
    with pytest.raises(UnitError, match=r"'export' has units '10\^4 CNY'"):
        iocirc.validate(unit)
    assert all(issubclass(e, IocircError) for e in (SchemaError, BalanceError, UnitError))


def test_validate_checks_lazily_built_tables_alike():
    pytest.importorskip("dask")
    mrio = synthetic_mrio(3, 3, discrepancy=True).chunk({"region": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert iocirc.validate(mrio) is mrio
    bad = mrio.copy()
    bad["discrepancy"] = bad["discrepancy"] + 1.0
    with pytest.raises(BalanceError, match="row identity"):
        iocirc.validate(bad)


def test_provincial_tables_still_validate_after_the_registry_grew():
    ds = iocirc.datasets.example_table()
    assert iocirc.validate(ds) is ds
    assert "region_to" not in ds.dims


# --------------------------------------------------------------------------- the registry


def test_mrio_registry_is_consistent():
    registry = members("flow")
    assert set(MRIO_FLOWS) <= set(registry)
    assert all(registry[f].sign == 1 for f in MRIO_FLOWS)
    assert registry["npish"].code == "NPISH"
    assert not registry["npish"].parts
    # npish is not part of consumption: provincial derivations stay as they were
    assert "npish" not in registry["consumption"].leaves
    assert identity_terms("flow", ["household", "npish", "consumption"]) == (
        "npish",
        "consumption",
    )
    for spec in MRIO_VARIABLES.values():
        assert set(spec.dims) <= set(iocirc.schema.DIMS)
    optional = {n for n, s in MRIO_VARIABLES.items() if not s.required}
    assert optional == {"export", "import", "imported_inputs", "imported_final_use", "discrepancy"}
    assert len({m.code for m in FLOWS}) == len(FLOWS)


# --------------------------------------------------------------------------- the single-region view


def _view_by_loops(mrio, nation):
    """The single-region view computed element by element, independently of the module."""
    m = as_matrices(mrio)
    R, S, F = m.R, m.S, len(mrio.indexes["flow"])
    z = mrio["intermediate_use"].values
    y = mrio["final_use"].values
    inside = [m.regions.index(r) for r in nation]
    out = {}
    for r in inside:
        zr = np.zeros((S, S))
        fr = np.zeros((S, F))
        o = np.zeros(S)
        n = np.zeros(S)
        e = m.export[r * S : (r + 1) * S].copy()
        im = m.imports[r * S : (r + 1) * S].copy()
        for i in range(S):
            for origin in range(R):
                for j in range(S):
                    zr[i, j] += z[origin, i, r, j]
                for f in range(F):
                    fr[i, f] += y[origin, i, r, f]
            for other in range(R):
                if other == r:
                    continue
                sold = z[r, i, other, :].sum() + y[r, i, other, :].sum()
                bought = z[other, i, r, :].sum() + y[other, i, r, :].sum()
                if other in inside:
                    o[i] += sold
                    n[i] += bought
                else:
                    e[i] += sold
                    im[i] += bought
        out[m.regions[r]] = (zr, fr, e, o, im, n)
    return out


def test_to_single_region_matches_an_element_by_element_computation():
    mrio = synthetic_mrio(5, 3, seed=7, nation=3, discrepancy=True)
    view = iocirc.mrio.to_single_region(mrio)
    assert list(view.indexes["region"]) == ["R00", "R01", "R02"]
    expected = _view_by_loops(mrio, ["R00", "R01", "R02"])
    categories = list(mrio.indexes["flow"])
    for region, (zr, fr, e, o, im, n) in expected.items():
        at = view.sel(region=region)
        np.testing.assert_allclose(at["intermediate_use"].values, zr, rtol=1e-12)
        np.testing.assert_allclose(at["final_use"].sel(flow=categories).values, fr, rtol=1e-12)
        for flow, values in (
            ("export", e),
            ("domestic_outflow", o),
            ("import", im),
            ("domestic_inflow", n),
        ):
            np.testing.assert_allclose(
                at["final_use"].sel(flow=flow).values,
                values,
                rtol=1e-12,
                err_msg=f"{region} {flow}",
            )
        np.testing.assert_array_equal(
            at["final_use"].sel(flow="other").values,
            mrio["discrepancy"].sel(region=region).values,
        )
        np.testing.assert_array_equal(
            at["value_added"].values, mrio["value_added"].sel(region=region).values
        )
        np.testing.assert_array_equal(
            at["total_output"].values, mrio["total_output"].sel(region=region).values
        )
    assert iocirc.validate(view) is view
    assert not is_mrio(view)
    assert view.attrs["currency_unit"] == "million USD"
    assert view.attrs["nation_regions"] == "R00, R01, R02"


def test_to_single_region_nation_choices():
    mrio = synthetic_mrio(4, 2, seed=3, nation=2)
    assert list(iocirc.mrio.to_single_region(mrio).indexes["region"]) == ["R00", "R01"]
    explicit = iocirc.mrio.to_single_region(mrio, nation=["R03", "R01"])
    assert list(explicit.indexes["region"]) == ["R01", "R03"]  # the table's order
    world = mrio.assign_coords(in_nation=("region", [False] * 4))
    everyone = iocirc.mrio.to_single_region(world)
    assert list(everyone.indexes["region"]) == ["R00", "R01", "R02", "R03"]
    # every region in the nation: foreign trade is only the exogenous rest of the world
    np.testing.assert_allclose(
        everyone["final_use"].sel(flow="export").values, mrio["export"].values
    )
    np.testing.assert_allclose(
        everyone["final_use"].sel(flow="import").values, mrio["import"].values
    )
    # a nation of one has no domestic trade
    alone = iocirc.mrio.to_single_region(mrio, nation=["R02"])
    assert (
        float(abs(alone["final_use"].sel(flow=["domestic_outflow", "domestic_inflow"])).max()) == 0
    )
    assert float(iocirc.circulation_ratio(alone, "domestic").max()) == 0.0
    for view in (explicit, everyone, alone):
        iocirc.validate(view)


@pytest.mark.parametrize(
    ("nation", "match"),
    [
        ("R00", "write nation=\\['R00'\\]"),
        ([], "nation is empty"),
        (["R00", "R00"], r"region\(s\) \['R00'\] more than once"),
        (["Mars"], r"nation names region\(s\) \['Mars'\] that the table lacks"),
    ],
)
def test_to_single_region_refuses_bad_nations(nation, match):
    with pytest.raises(SchemaError, match=match):
        iocirc.mrio.to_single_region(synthetic_mrio(3, 2), nation=nation)


def test_to_single_region_refuses_a_provincial_table():
    with pytest.raises(SchemaError, match="expected a multi-regional table"):
        iocirc.mrio.to_single_region(iocirc.datasets.example_table())


def test_every_indicator_and_analysis_function_works_on_the_view():
    mrio = synthetic_mrio(5, 4, seed=11, nation=4, discrepancy=True)
    view = iocirc.mrio.to_single_region(mrio)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scope in ("domestic", "international", "dual"):
            ratio = iocirc.circulation_ratio(view, scope)
            assert bool((ratio > 0).all())
            iocirc.net_outflow_contribution(view, scope)
        dual = iocirc.circulation_ratio(view, "dual")
        parts = iocirc.circulation_ratio(view, "domestic") + iocirc.circulation_ratio(
            view, "international"
        )
        np.testing.assert_allclose(dual.values, parts.values)
        share = iocirc.value_added_share(view)
        np.testing.assert_allclose(share.sum("sector").values, 1.0)
        national = iocirc.aggregate_regions(dual)
        gdp = iocirc.gdp(view)
        expected = float((dual * gdp).sum() / gdp.sum())
        np.testing.assert_allclose(float(national.squeeze()), expected, rtol=1e-12)
        one = iocirc.aggregate_sectors(view, dict.fromkeys(view.indexes["sector"], "all"))
        iocirc.validate(one)
        ran = []
        for name in iocirc.analysis.__all__:
            func = getattr(iocirc.analysis, name)
            if callable(func) and not isinstance(func, type):
                result = func(view)
                assert result is not None
                ran.append(name)
    assert "leontief_inverse" in ran
    assert "output_by_demand_source" in ran
    # final demand of every source, npish included, accounts for all of output
    by_source = iocirc.analysis.output_by_demand_source(view)
    np.testing.assert_allclose(
        by_source.sum("source").values, view["total_output"].values, rtol=1e-9
    )
    # GDP of the view is the value added of the nation's regions in the table
    gdp = iocirc.gdp(view)
    np.testing.assert_allclose(
        gdp.values, mrio["value_added"].sum(("va_component", "sector")).values[:4], rtol=1e-12
    )


def test_to_single_region_carries_extra_dimensions_and_stays_lazy():
    a = synthetic_mrio(3, 2, seed=1)
    b = synthetic_mrio(3, 2, seed=2)
    stacked = xr.concat([a, b], dim=xr.Variable("year", [2010, 2011]))
    view = iocirc.mrio.to_single_region(stacked)
    assert view["final_use"].dims == ("region", "sector", "flow", "year")
    xr.testing.assert_allclose(
        view.sel(year=2011, drop=True)["final_use"],
        iocirc.mrio.to_single_region(b)["final_use"],
    )
    iocirc.validate(view)
    pytest.importorskip("dask")
    lazy = iocirc.mrio.to_single_region(a.chunk({"region": 1}))
    assert lazy["final_use"].chunks is not None
    xr.testing.assert_allclose(lazy.compute(), iocirc.mrio.to_single_region(a))


def test_view_and_aggregate_neither_modify_nor_alias_their_input():
    mrio = synthetic_mrio(4, 3, seed=9, nation=3, discrepancy=True)
    before = mrio.copy(deep=True)
    view = iocirc.mrio.to_single_region(mrio)
    grouped = iocirc.mrio.aggregate(mrio, sectors={"S00": "a", "S01": "a", "S02": "b"})
    xr.testing.assert_identical(mrio, before)
    for result in (view, grouped):
        for name in result.variables:
            for source in mrio.variables.values():
                assert not np.shares_memory(result[name].values, source.values), name


# --------------------------------------------------------------------------- aggregation


def test_aggregate_is_the_concordance_matrix_product():
    mrio = synthetic_mrio(4, 3, seed=5, nation=3, discrepancy=True)
    regions = {"R00": "N", "R01": "N", "R02": "S", "R03": "W"}
    sectors = {"S00": "x", "S01": "y", "S02": "x"}
    out = iocirc.mrio.aggregate(mrio, regions=regions, sectors=sectors)
    G = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], float)  # N, S, W
    H = np.array([[1, 0], [0, 1], [1, 0]], float)  # x, y
    P = np.kron(G, H)
    m, a = as_matrices(mrio), as_matrices(out)
    assert a.regions == ("N", "S", "W")
    assert a.sectors == ("x", "y")
    np.testing.assert_allclose(a.Z, P.T @ m.Z @ P, rtol=1e-12)
    np.testing.assert_allclose(a.Y, P.T @ m.Y @ np.kron(G, np.eye(m.F)), rtol=1e-12)
    np.testing.assert_allclose(a.x, P.T @ m.x, rtol=1e-12)
    np.testing.assert_allclose(a.V, m.V @ P, rtol=1e-12)
    for name in ("export", "imports", "discrepancy"):
        np.testing.assert_allclose(getattr(a, name), P.T @ getattr(m, name), rtol=1e-12)
    assert a.in_nation.tolist() == [True, True, False]
    assert out.attrs["classification"] == "custom, aggregated"
    iocirc.validate(out)
    # concordances as Series and DataArray give the same table
    import pandas as pd

    as_series = iocirc.mrio.aggregate(
        mrio,
        regions=pd.Series(regions),
        sectors=xr.DataArray(
            list(sectors.values()), dims="sector", coords={"sector": list(sectors)}
        ),
    )
    xr.testing.assert_identical(as_series, out)


def test_aggregate_refuses_bad_concordances():
    import pandas as pd

    mrio = synthetic_mrio(3, 2, nation=2)
    cases = [
        ({"regions": {"R00": "A", "R01": "A"}}, r"leaves the region label\(s\) \['R02'\] unmapped"),
        (
            {"regions": {"R00": "A", "R01": "A", "R02": "B", "R09": "B"}},
            r"names region label\(s\) \['R09'\] that the table lacks",
        ),
        (
            {"sectors": pd.Series(["a", "b", "c"], index=["S00", "S01", "S01"])},
            r"maps the label\(s\) \['S01'\] more than once",
        ),
        (
            {"regions": {"R00": "A", "R01": "B", "R02": "B"}},
            r"region group 'B' mixes regions inside the nation \['R01'\] and outside it \['R02'\]",
        ),
        ({"sectors": ["a", "b"]}, "must be a mapping"),
        ({"sectors": xr.DataArray([["a"]], dims=("sector", "x"))}, "one-dimensional"),
        ({"sectors": {"S00": "a", "S01": None}}, r"\['S01'\] unmapped"),
        ({}, "needs regions= and/or sectors="),
    ]
    for kwargs, match in cases:
        with pytest.raises(SchemaError, match=match):
            iocirc.mrio.aggregate(mrio, **kwargs)


# ------------------------------------------------------------------------ non-competitive imports


def test_noncompetitive_imports_enter_the_column_identity():
    mz = np.array([1.0, 2.0, 0.5, 0.0])
    my = np.array([3.0, 0.0])  # one category per destination region
    mrio = small(imported_inputs=mz, imported_final_use=my)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    np.testing.assert_allclose(mrio["total_output"].values.ravel(), x)  # rows unchanged
    va = mrio["value_added"].sel(va_component="value_added_total").values.ravel()
    np.testing.assert_allclose(va, x - Z.sum(axis=0) - mz)
    assert mrio["imported_final_use"].dims == ("region_to", "flow")
    m = as_matrices(mrio)
    np.testing.assert_array_equal(m.imported_inputs, mz)
    np.testing.assert_array_equal(m.imported_final_use, my)
    iocirc.validate(mrio)
    bad = mrio.drop_vars("imported_inputs")
    with pytest.raises(BalanceError, match="column identity"):
        iocirc.validate(bad)
    both = mrio.assign(**{"import": mrio["total_output"] * 0.0})
    with pytest.raises(SchemaError, match="describe the same imports in two ways"):
        iocirc.validate(both)
    with pytest.raises(SchemaError, match="give one"):
        small(imports=np.zeros(4), imported_inputs=mz)
    with pytest.raises(SchemaError, match=r"imported_final_use has shape \(3,\)"):
        small(imported_final_use=np.zeros(3))


def test_view_makes_noncompetitive_imports_competitive_by_proportionality():
    mz = np.array([1.0, 2.0, 0.5, 0.0])
    my = np.array([3.0, 0.0])
    mrio = small(imported_inputs=mz, imported_final_use=my)
    view = iocirc.mrio.to_single_region(mrio)  # nation: A only; W is abroad
    iocirc.validate(view)
    z4 = Z.reshape(2, 2, 2, 2)
    use = z4[:, :, 0, :].sum(axis=0)  # A's use of each product (rows) by its sectors (cols)
    share = use / use.sum(axis=0)
    expected_z = use + mz[:2] * share
    np.testing.assert_allclose(view["intermediate_use"].sel(region="A").values, expected_z)
    y_use = Y.reshape(2, 2, 2)[:, :, 0].sum(axis=0)  # A's final use of each product
    np.testing.assert_allclose(
        view["final_use"].sel(region="A", flow="household").values,
        y_use + my[0] * y_use / y_use.sum(),
    )
    from_w = z4[1, :, 0, :].sum(axis=1) + Y.reshape(2, 2, 2)[1, :, 0]
    np.testing.assert_allclose(
        view["final_use"].sel(region="A", flow="import").values,
        from_w + (mz[:2] * share).sum(axis=1) + my[0] * y_use / y_use.sum(),
    )


def test_aggregate_sums_noncompetitive_imports():
    mrio = synthetic_mrio(4, 3, seed=2, noncompetitive=True)
    out = iocirc.mrio.aggregate(
        mrio,
        regions={"R00": "N", "R01": "N", "R02": "N", "R03": "W"},
        sectors={"S00": "a", "S01": "a", "S02": "b"},
    )
    iocirc.validate(out)
    np.testing.assert_allclose(
        float(out["imported_inputs"].sum()), float(mrio["imported_inputs"].sum())
    )
    np.testing.assert_allclose(
        out["imported_final_use"].sel(region_to="N").values,
        mrio["imported_final_use"].sel(region_to=["R00", "R01", "R02"]).sum("region_to").values,
    )


def test_balance_report_lists_every_residual_of_both_identities():
    mrio = synthetic_mrio(3, 2, seed=1)
    bad = mrio.copy(deep=True)
    bad["value_added"].loc[{"region": "R02", "sector": "S01"}] += 7.0
    report = iocirc.balance_report(bad)
    assert report is not None
    assert len(report) == 2 * 3 * 2
    worst = report.iloc[0]
    assert (worst["identity"], worst["region"], worst["sector"]) == ("column", "R02", "S01")
    np.testing.assert_allclose(worst["residual"], -7.0 * 4, rtol=1e-9)  # 4 components
    assert float(report["residual"].iloc[1:].abs().max()) < 1e-9
    assert iocirc.mrio.balance_report(mrio)["relative_residual"].abs().max() < 1e-12
