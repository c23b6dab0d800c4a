"""Circulation indicators: hand-computed tables, properties, and what they refuse."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import iocirc
from iocirc.errors import MissingFlowError, SchemaError, UnitError
from iocirc.indicators import (
    DESTINATION_MEASURES,
    SCOPES,
    circulation,
    circulation_ratio,
    gdp,
    net_outflow_contribution,
    value_added_destinations,
    value_added_share,
)
from iocirc.testing.strategies import io_tables

FULL = ["household_urban", "export", "domestic_outflow", "import", "domestic_inflow"]


def hand_table(layout: str = "full") -> xr.Dataset:
    """Two regions, two sectors; every number below is checked by hand in the tests.

    Region A: Z = [[10, 20], [30, 5]], final use (household, export, domestic
    outflow, import, domestic inflow) [50, 20, 30, 5, 5] and [40, 10, 10, 15, 10],
    so output is (120, 70) and value added (80, 45): GDP 125.
    Region B: Z = [[5, 5], [10, 10]], final use [20, 0, 10, 10, 0] and
    [30, 20, 0, 0, 10], output (30, 60), value added (15, 45): GDP 60.
    """
    z = np.array([[[10.0, 20.0], [30.0, 5.0]], [[5.0, 5.0], [10.0, 10.0]]])
    f = np.array(
        [
            [[50.0, 20.0, 30.0, 5.0, 5.0], [40.0, 10.0, 10.0, 15.0, 10.0]],
            [[20.0, 0.0, 10.0, 10.0, 0.0], [30.0, 20.0, 0.0, 0.0, 10.0]],
        ]
    )
    flows = FULL
    if layout == "gross":
        f = np.stack([f[..., 0], f[..., 1] + f[..., 2], f[..., 3] + f[..., 4]], axis=-1)
        flows = ["household_urban", "gross_outflow", "gross_inflow"]
    elif layout == "net":
        f = np.stack([f[..., 0], f[..., 1] + f[..., 2] - f[..., 3] - f[..., 4]], axis=-1)
        flows = ["household_urban", "net_outflow"]
    v = np.array([[[80.0, 45.0]], [[15.0, 45.0]]])
    return iocirc.from_arrays(
        z,
        f,
        v,
        regions=["A", "B"],
        sectors=["01", "02"],
        flows=flows,
        va_components=["value_added_total"],
        year=2017,
    )


# --------------------------------------------------------------------------------------------
# Hand-computed values
# --------------------------------------------------------------------------------------------


def test_gdp_by_region_and_sector():
    ds = hand_table()
    np.testing.assert_allclose(gdp(ds).values, [125.0, 60.0])
    by_sector = gdp(ds, by="sector")
    assert by_sector.dims == ("region", "sector")
    np.testing.assert_allclose(by_sector.values, [[80.0, 45.0], [15.0, 45.0]])
    assert gdp(ds).attrs["units"] == ds.attrs["currency_unit"]


def test_gdp_sums_the_four_components_when_they_are_reported():
    ds = iocirc.datasets.example_table()
    expected = ds["value_added"].sum(("va_component", "sector_to"))
    xr.testing.assert_allclose(gdp(ds).reset_coords(drop=True), expected.reset_coords(drop=True))


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("domestic", [(40 + 15) / 125, (10 + 10) / 60]),
        ("international", [(30 + 20) / 125, (20 + 10) / 60]),
        ("dual", [105 / 125, 50 / 60]),
    ],
)
def test_circulation_ratio_by_hand(scope, expected):
    ratio = circulation_ratio(hand_table(), scope)
    np.testing.assert_allclose(ratio.values, expected)
    assert ratio.attrs["units"] == "1"
    assert ratio.name == f"{scope}_circulation_ratio"
    np.testing.assert_allclose(ratio["gdp"].values, [125.0, 60.0])


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("domestic", [(40 - 15) / 125, 0.0]),
        ("international", [(30 - 20) / 125, 10 / 60]),
        ("dual", [35 / 125, 10 / 60]),
    ],
)
def test_net_outflow_contribution_by_hand(scope, expected):
    result = net_outflow_contribution(hand_table(), scope, percent=True)
    np.testing.assert_allclose(result.values, 100 * np.array(expected), atol=1e-12)
    assert result.attrs["units"] == "%"


def test_sector_contributions_by_hand():
    result = net_outflow_contribution(hand_table(), "dual", by="sector")
    # A: sector 01 (20 + 30 - 5 - 5) / 125, sector 02 (10 + 10 - 15 - 10) / 125
    np.testing.assert_allclose(result.sel(region="A").values, [40 / 125, -5 / 125])
    assert result.dims == ("region", "sector")


def test_value_added_share_by_hand():
    shares = value_added_share(hand_table())
    np.testing.assert_allclose(shares.values, [[80 / 125, 45 / 125], [15 / 60, 45 / 60]])
    assert shares.dims == ("region", "sector")


def test_gross_and_net_tables_give_the_same_dual_values():
    full, gross, net = hand_table(), hand_table("gross"), hand_table("net")
    xr.testing.assert_allclose(circulation_ratio(full, "dual"), circulation_ratio(gross, "dual"))
    for table in (gross, net):
        xr.testing.assert_allclose(
            net_outflow_contribution(full, "dual", by="sector"),
            net_outflow_contribution(table, "dual", by="sector"),
        )


def test_extra_dimensions_are_kept():
    ds = hand_table()
    panel = xr.concat([ds, ds * 2], dim=xr.Variable("year", [2016, 2017]))
    panel.attrs = ds.attrs
    for name in ds.data_vars:
        panel[name].attrs = ds[name].attrs
    ratio = circulation_ratio(panel, "dual")
    assert set(ratio.dims) == {"region", "year"}
    np.testing.assert_allclose(ratio.sel(year=2016).values, ratio.sel(year=2017).values)
    np.testing.assert_allclose(ratio["gdp"].sel(year=2017).values, [250.0, 120.0])


def test_a_region_that_does_not_report_a_flow_is_nan_not_zero():
    # Stack a full and a gross region: the domestic ratio exists for the full one only.
    full = hand_table().sel(region=["A"])
    gross = hand_table("gross").sel(region=["B"])
    stacked = xr.concat(
        [full, gross], dim="region", join="outer", coords="minimal", compat="override"
    )
    ratio = circulation_ratio(stacked, "domestic")
    assert np.isfinite(ratio.sel(region="A"))
    assert np.isnan(ratio.sel(region="B"))
    dual = circulation_ratio(stacked, "dual")
    np.testing.assert_allclose(dual.values, [105 / 125, 50 / 60])


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["domestic", "international"])
def test_gross_tables_refuse_the_split_with_the_way_out(scope):
    ds = hand_table("gross")
    with pytest.raises(MissingFlowError, match=r"(?s)2017.*with_customs_trade"):
        circulation_ratio(ds, scope)
    with pytest.raises(MissingFlowError, match="with_customs_trade"):
        net_outflow_contribution(ds, scope, by="sector")


def test_net_tables_have_no_dual_ratio():
    with pytest.raises(MissingFlowError, match="gross_outflow"):
        circulation_ratio(hand_table("net"), "dual")


def test_national_tables_have_no_dual_scope():
    ds = iocirc.datasets.example_table("national")
    assert circulation_ratio(ds, "international").sizes["region"] == 3
    with pytest.raises(MissingFlowError):
        net_outflow_contribution(ds, "dual")


def test_unknown_scope_lists_the_scopes():
    with pytest.raises(ValueError, match=r"domestic.*international.*dual"):
        circulation_ratio(hand_table(), "foreign")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="by"):
        net_outflow_contribution(hand_table(), "dual", by="province")  # type: ignore[arg-type]


@pytest.mark.parametrize("value_added", [0.0, -5.0])
def test_non_positive_gdp_is_a_clear_error(value_added):
    # One sector whose inputs use up its whole output (or more): GDP 0 or negative.
    ds = iocirc.from_arrays(
        np.array([[10.0 - value_added]]),
        np.array([[value_added, 0.0, 0.0, 0.0, 0.0]]),
        np.array([[value_added]]),
        regions="Jilin",
        sectors=["01"],
        flows=FULL,
        va_components=["value_added_total"],
    )
    with pytest.raises(SchemaError, match=r"GDP.*zero or negative for region='Jilin'"):
        value_added_share(ds)
    for scope in SCOPES:
        with pytest.raises(SchemaError, match="GDP"):
            circulation_ratio(ds, scope)
        with pytest.raises(SchemaError, match="GDP"):
            net_outflow_contribution(ds, scope, by="sector")


def test_units_are_checked_at_the_boundary():
    ds = hand_table()
    bad = ds.copy()
    bad["final_use"] = bad["final_use"].assign_attrs(units="CNY")
    with pytest.raises(UnitError, match=r"final_use.*CNY.*10\^4 CNY"):
        circulation_ratio(bad, "dual")
    no_unit = ds.copy()
    no_unit.attrs = {k: v for k, v in ds.attrs.items() if k != "currency_unit"}
    with pytest.raises(UnitError, match="currency_unit"):
        gdp(no_unit)


def test_not_a_table():
    with pytest.raises(SchemaError, match="Dataset"):
        gdp(hand_table()["value_added"])  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="final_use"):
        circulation_ratio(hand_table().drop_vars("final_use"), "dual")


def test_percent_must_be_a_bool():
    with pytest.raises(TypeError, match="percent"):
        value_added_share(hand_table(), percent="yes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

#: Half the active profile's examples for the heaviest properties (each example runs every
#: indicator twice); the "thorough" profile still scales them up.
HALF = settings(max_examples=max(10, settings().max_examples // 2))

full_tables = io_tables(layouts=("full",))
dual_tables = io_tables(layouts=("full", "gross"))
any_tables = io_tables(layouts=("full", "gross", "net"))


def _close(a: xr.DataArray, b: xr.DataArray) -> None:
    xr.testing.assert_allclose(a.reset_coords(drop=True), b.reset_coords(drop=True), rtol=1e-9)


@HALF
@given(full_tables)
def test_dual_is_domestic_plus_international(ds):
    for indicator in (circulation_ratio, net_outflow_contribution):
        dual = indicator(ds, "dual")
        parts = indicator(ds, "domestic") + indicator(ds, "international")
        xr.testing.assert_allclose(dual.reset_coords(drop=True), parts.reset_coords(drop=True))


@given(any_tables, st.sampled_from(SCOPES))
def test_sector_contributions_sum_to_the_region(ds, scope):
    if scope != "dual" and "export" not in iocirc.schema.available_flows(ds):
        return
    regional = net_outflow_contribution(ds, scope)
    sectoral = net_outflow_contribution(ds, scope, by="sector")
    xr.testing.assert_allclose(
        sectoral.sum("sector").reset_coords(drop=True), regional.reset_coords(drop=True)
    )


@given(any_tables)
def test_value_added_shares_sum_to_one(ds):
    shares = value_added_share(ds, percent=True)
    np.testing.assert_allclose(shares.sum("sector").values, 100.0)
    assert bool((shares >= 0).all())


def _all_indicators(ds: xr.Dataset) -> dict[str, xr.DataArray]:
    have = iocirc.schema.available_flows(ds)
    scopes = SCOPES if "export" in have else ("dual",)
    out = {"gdp": gdp(ds), "va_share": value_added_share(ds)}
    for scope in scopes:
        out[f"c_{scope}"] = net_outflow_contribution(ds, scope, by="sector")
        if "gross_outflow" in have:
            out[f"r_{scope}"] = circulation_ratio(ds, scope)
    return out


@HALF
@given(any_tables, st.randoms(use_true_random=False))
def test_permuting_regions_and_sectors_changes_nothing(ds, rng):
    regions = list(ds.indexes["region"])
    sectors = list(ds.indexes["sector"])
    rng.shuffle(regions)
    rng.shuffle(sectors)
    shuffled = ds.sel(region=regions, sector=sectors, sector_to=sectors)
    before, after = _all_indicators(ds), _all_indicators(shuffled)
    for name, value in before.items():
        _close(value, after[name].sel(value.indexes))


@HALF
@given(any_tables, st.sampled_from([1e-4, 1e4, 7.3]))
def test_a_change_of_unit_changes_no_ratio(ds, factor):
    scaled = ds.copy()
    for name in iocirc.schema.VARIABLES:
        scaled[name] = (ds[name] * factor).assign_attrs({**ds[name].attrs, "units": "unit x"})
    scaled.attrs = {**ds.attrs, "currency_unit": "unit x"}
    before, after = _all_indicators(ds), _all_indicators(scaled)
    for name, value in before.items():
        if name == "gdp":
            _close(value * factor, after[name])
        else:
            _close(value, after[name])


@given(dual_tables)
def test_gross_tables_refuse_the_split_and_accept_dual(ds):
    is_gross = "export" not in iocirc.schema.available_flows(ds)
    assert np.isfinite(circulation_ratio(ds, "dual")).all()
    if is_gross:
        with pytest.raises(MissingFlowError, match="with_customs_trade"):
            circulation_ratio(ds, "domestic")


@HALF
@given(any_tables)
def test_inputs_are_not_modified(ds):
    before = copy.deepcopy(ds)
    _all_indicators(ds)
    xr.testing.assert_identical(ds, before)
    assert ds.attrs == before.attrs


# --------------------------------------------------------------------------------------------
# circulation: every scope's ratio and contribution in one Dataset
# --------------------------------------------------------------------------------------------


def _measurable(ds: xr.Dataset) -> list[str]:
    have = iocirc.schema.available_flows(ds)
    return list(SCOPES) if "export" in have else ["dual"]


@HALF
@given(any_tables, st.booleans())
def test_circulation_is_the_single_indicators_bit_for_bit(ds, percent):
    table = circulation(ds, percent=percent)
    assert list(table.indexes["scope"]) == _measurable(ds)
    assert table["ratio"].dims[:2] == ("region", "scope")
    units = "%" if percent else "1"
    assert table["ratio"].attrs["units"] == table["contribution"].attrs["units"] == units
    for scope in table.indexes["scope"]:
        contribution = net_outflow_contribution(ds, scope, percent=percent)
        np.testing.assert_array_equal(
            table["contribution"].sel(scope=scope).values, contribution.values
        )
        if "gross_outflow" in iocirc.schema.available_flows(ds):
            ratio = circulation_ratio(ds, scope, percent=percent)
            np.testing.assert_array_equal(table["ratio"].sel(scope=scope).values, ratio.values)
        else:  # a net-outflow table: a dual contribution, no dual ratio
            assert bool(table["ratio"].sel(scope=scope).isnull().all())
    xr.testing.assert_equal(table["gdp"].reset_coords(drop=True), gdp(ds).reset_coords(drop=True))


@HALF
@given(full_tables, st.sampled_from([None, "gdp"]))
def test_circulation_of_groups_is_aggregate_regions_of_each_scope(ds, weights):
    regions = list(ds.indexes["region"])
    groups = {"first": regions[:1], "all": regions}
    table = circulation(ds, percent=["contribution"], groups=groups, weights=weights)
    assert list(table.indexes["region"]) == ["first", "all"]
    for scope in SCOPES:
        for name, indicator, percent in (
            ("ratio", circulation_ratio, False),
            ("contribution", net_outflow_contribution, True),
        ):
            expected = iocirc.aggregate_regions(
                indicator(ds, scope, percent=percent), weights=weights, groups=groups
            )
            np.testing.assert_array_equal(
                table[name].sel(scope=scope).values, expected.values
            )  # fmt: skip
    assert table["ratio"].attrs["units"] == "1"
    assert table["contribution"].attrs["units"] == "%"
    both = circulation(ds, groups=groups, regions=regions[::-1])
    assert list(both.indexes["region"]) == ["first", "all", *regions[::-1]]
    np.testing.assert_array_equal(
        both["ratio"].sel(region=regions).values, circulation(ds)["ratio"].values
    )


@HALF
@given(any_tables, st.randoms(use_true_random=False))
def test_circulation_commutes_with_permuting_regions(ds, rng):
    regions = list(ds.indexes["region"])
    rng.shuffle(regions)
    shuffled = circulation(ds.sel(region=regions))
    plain = circulation(ds)
    assert list(shuffled.indexes["region"]) == regions
    xr.testing.assert_allclose(
        shuffled.reset_coords(drop=True).sel(region=list(ds.indexes["region"])),
        plain.reset_coords(drop=True),
    )


@HALF
@given(io_tables(layouts=("full", "gross"), chunks={"region": 1}))
def test_circulation_is_lazy_on_dask_and_equals_numpy(ds):
    lazy = circulation(ds, groups={"National": list(ds.indexes["region"])})
    assert lazy["ratio"].chunks is not None
    eager = circulation(ds.compute(), groups={"National": list(ds.indexes["region"])})
    xr.testing.assert_allclose(lazy.compute(), eager)


def test_circulation_by_hand_and_what_it_refuses():
    table = circulation(hand_table(), scopes=["dual", "domestic"], percent=True)
    assert list(table.indexes["scope"]) == ["dual", "domestic"]
    # region A: net outflow 20 + 30 - 5 - 5 + 10 + 10 - 15 - 10 = 35 over GDP 125
    assert float(table["contribution"].sel(region="A", scope="dual")) == pytest.approx(28.0)
    gross = circulation(hand_table("gross"))
    assert list(gross.indexes["scope"]) == ["dual"]
    with pytest.raises(MissingFlowError, match="with_customs_trade"):
        circulation(hand_table("gross"), scopes="domestic")
    net = circulation(hand_table("net"))
    assert bool(net["ratio"].isnull().all())
    assert float(net["contribution"].sel(region="A", scope="dual")) == pytest.approx(0.28)
    with pytest.raises(SchemaError, match="scope"):
        circulation(hand_table(), scopes=["world"])  # type: ignore[list-item]
    with pytest.raises(SchemaError, match="once"):
        circulation(hand_table(), scopes=["dual", "dual"])
    with pytest.raises(SchemaError, match="percent"):
        circulation(hand_table(), percent=["share"])
    with pytest.raises(TypeError, match="percent"):
        circulation(hand_table(), percent=1)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# value_added_destinations: where GDP is absorbed, on a multi-regional table
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_mrio():
    ds = iocirc.datasets.example_table()
    return ds, iocirc.mrio.estimate(ds, iocirc.datasets.province_distances())


def test_value_added_destinations_shares_and_layout(example_mrio):
    ds, mrio = example_mrio
    table = value_added_destinations(mrio, ds)
    assert list(table.columns) == ["region", "year", "measure", "label", "value"]
    assert list(dict.fromkeys(table["region"])) == list(mrio.indexes["region"])
    assert list(dict.fromkeys(table["measure"])) == list(DESTINATION_MEASURES)
    absorbed = table[table["measure"] == "absorbed"].groupby("region")["value"].sum()
    np.testing.assert_allclose(absorbed.values, 1.0, rtol=1e-12)
    split = iocirc.mrio.value_added_absorption(mrio)["by_destination_region"]
    expected = split / split.sum("absorbed_in")
    ours = table.set_index(["region", "measure", "label"])["value"]
    for region in mrio.indexes["region"]:
        for key in split.indexes["absorbed_in"]:
            value = float(expected.sel(region=region, absorbed_in=key))
            assert ours[(region, "absorbed", key)] == pytest.approx(value, rel=1e-12)
    percent = value_added_destinations(mrio, ds, regions=["Jilin"], percent=True)
    jilin = table[table["region"] == "Jilin"].reset_index(drop=True)
    np.testing.assert_array_equal(percent["value"].values, 100 * jilin["value"].values)
    without = value_added_destinations(mrio)
    assert "single_region" not in set(without["measure"])
    with pytest.raises(SchemaError, match="Tibet"):
        value_added_destinations(mrio, regions=["Tibet"])
