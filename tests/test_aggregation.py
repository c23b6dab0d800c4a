"""Aggregating tables over sectors and indicators over regions."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import iocirc
from iocirc.aggregation import NATIONAL, aggregate_regions, aggregate_sectors
from iocirc.classifications import concordance, concordance_array, gbt4754_sections
from iocirc.errors import SchemaError
from iocirc.indicators import (
    circulation_ratio,
    gdp,
    net_outflow_contribution,
    value_added_share,
)
from iocirc.regions import REGION_GROUPS
from iocirc.testing import synthetic_table
from iocirc.testing.strategies import io_tables

# --------------------------------------------------------------------------------------------
# aggregate_sectors
# --------------------------------------------------------------------------------------------


def test_aggregate_sectors_by_hand():
    ds = iocirc.datasets.example_table()
    mapping = {"01": "X", "02": "Y", "03": "Y", "04": "X", "05": "Y", "06": "X"}
    small = aggregate_sectors(ds, mapping)
    assert list(small.indexes["sector"]) == ["X", "Y"]
    assert list(small.indexes["sector_to"]) == ["X", "Y"]
    x_rows, y_rows = ["01", "04", "06"], ["02", "03", "05"]
    z = ds["intermediate_use"]
    expected_xy = z.sel(sector=x_rows, sector_to=y_rows).sum(("sector", "sector_to"))
    np.testing.assert_allclose(
        small["intermediate_use"].sel(sector="X", sector_to="Y").values, expected_xy.values
    )
    np.testing.assert_allclose(
        small["final_use"].sel(sector="Y").values,
        ds["final_use"].sel(sector=y_rows).sum("sector").values,
    )
    np.testing.assert_allclose(
        small["value_added"].sel(sector_to="X").values,
        ds["value_added"].sel(sector_to=x_rows).sum("sector_to").values,
    )
    assert small["sector_zh"].values.tolist() == ["", ""]
    assert small.attrs["classification"] == "example-6, aggregated"
    assert small.attrs["aggregated_from"] == "example-6"
    for name in iocirc.schema.VARIABLES:
        assert small[name].dims == ds[name].dims
        assert small[name].attrs == ds[name].attrs
    iocirc.validate(small)


def test_gdp_and_contributions_survive_aggregation():
    ds = iocirc.datasets.example_table()
    mapping = pd.Series(["P", "S", "S", "S", "S", "T"], index=list(ds.indexes["sector"]))
    small = aggregate_sectors(ds, mapping)
    xr.testing.assert_allclose(gdp(small), gdp(ds))
    fine = net_outflow_contribution(ds, "domestic", by="sector")
    coarse = net_outflow_contribution(small, "domestic", by="sector")
    np.testing.assert_allclose(
        coarse.sel(sector="S").values, fine.sel(sector=["02", "03", "04", "05"]).sum("sector")
    )


def test_official_concordance_with_section_names():
    codes = [f"{i:02d}" for i in range(1, 43)]
    ds = synthetic_table(2, 42, seed=3)
    ds = ds.assign_coords(sector=codes, sector_to=codes)
    sections = aggregate_sectors(ds, concordance(2017), names=gbt4754_sections())
    assert sections.attrs["classification"] == "GB/T 4754-2017"
    assert list(sections.indexes["sector"]) == sorted(set(concordance(2017)))
    assert sections["sector_en"].sel(sector="C").item() == "Manufacturing"
    assert sections["sector_to_zh"].sel(sector_to="A").item() == gbt4754_sections().loc["A", "zh"]
    via_array = aggregate_sectors(ds, concordance_array(2017))
    xr.testing.assert_allclose(via_array.reset_coords(drop=True), sections.reset_coords(drop=True))
    iocirc.validate(sections)


def test_not_reported_flows_stay_nan():
    full = iocirc.datasets.example_table().sel(region=["Liaoning"])
    gross = iocirc.datasets.example_table("gross").sel(region=["Jilin"])
    stacked = xr.concat([full, gross], "region", join="outer", coords="minimal", compat="override")
    small = aggregate_sectors(stacked, dict.fromkeys(stacked.indexes["sector"], "all"))
    exports = small["final_use"].sel(flow="export")
    assert np.isfinite(exports.sel(region="Liaoning")).all()
    assert np.isnan(exports.sel(region="Jilin")).all()


def test_other_variables_are_carried_or_summed():
    ds = iocirc.datasets.example_table()
    ds = ds.assign(
        employment=ds["total_output"] * 0 + 1.0, note=xr.DataArray(1.0), by_region=gdp(ds)
    )
    small = aggregate_sectors(ds, dict.fromkeys(ds.indexes["sector"], "all"))
    np.testing.assert_allclose(small["employment"].values, 6.0)
    xr.testing.assert_identical(small["by_region"], ds["by_region"])
    assert float(small["note"]) == 1.0


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"01": "A", "02": "A"}, r"does not map the sector\(s\) \['03', '04', '05', '06'\]"),
        (
            {**{f"0{i}": "A" for i in range(1, 7)}, "99": "B"},
            r"maps the code\(s\) \['99'\], which the table lacks",
        ),
        (
            pd.Series(["A"] * 7, index=["01", "01", "02", "03", "04", "05", "06"]),
            r"maps the code\(s\) \['01'\] more than once",
        ),
        (
            pd.Series(["A", None, "A", "A", "A", "A"], index=[f"0{i}" for i in range(1, 7)]),
            r"does not map the sector\(s\) \['02'\]",
        ),
    ],
)
def test_every_sector_must_be_mapped_exactly_once(mapping, message):
    with pytest.raises(SchemaError, match=message):
        aggregate_sectors(iocirc.datasets.example_table(), mapping)


def test_names_must_cover_the_targets():
    ds = iocirc.datasets.example_table()
    mapping = dict.fromkeys(ds.indexes["sector"], "A")
    with pytest.raises(SchemaError, match=r"no name for the target label\(s\) \['A'\]"):
        aggregate_sectors(ds, mapping, names={"en": {"B": "Bee"}})
    with pytest.raises(SchemaError, match="unknown key"):
        aggregate_sectors(ds, mapping, names={"fr": {"A": "Ah"}})
    with pytest.raises(TypeError, match="concordance"):
        aggregate_sectors(ds, ["A"] * 6)  # type: ignore[arg-type]


@given(
    io_tables(layouts=("full", "gross", "net")),
    st.lists(st.sampled_from("ABC"), min_size=6, max_size=6),
)
def test_identities_survive_sector_aggregation(ds, labels):
    before = copy.deepcopy(ds)
    mapping = dict(zip(ds.indexes["sector"], labels, strict=False))
    small = aggregate_sectors(ds, mapping)
    iocirc.validate(small, rtol=1e-9)
    assert set(small.indexes["sector"]) == set(mapping.values())
    xr.testing.assert_allclose(gdp(small), gdp(ds))
    xr.testing.assert_identical(ds, before)


# --------------------------------------------------------------------------------------------
# aggregate_regions
# --------------------------------------------------------------------------------------------


def test_national_value_by_hand():
    ds = iocirc.datasets.example_table()
    ratio = circulation_ratio(ds, "dual")
    national = aggregate_regions(ratio)
    flows = iocirc.schema.flow_values(ds, "gross_outflow") + iocirc.schema.flow_values(
        ds, "gross_inflow"
    )
    expected = float(flows.sum()) / float(gdp(ds).sum())
    assert list(national.indexes["region"]) == [NATIONAL]
    np.testing.assert_allclose(national.values, [expected])
    np.testing.assert_allclose(national["gdp"].values, [float(gdp(ds).sum())])
    assert national.attrs["units"] == "1"
    assert national.attrs["long_name"] == ratio.attrs["long_name"]
    plain = aggregate_regions(ratio, weights=None)
    np.testing.assert_allclose(plain.values, [ratio.values.mean()])
    assert plain.attrs["cell_methods"] == "region: mean"


def test_groups_and_missing_members():
    ds = iocirc.datasets.example_table()
    ratio = circulation_ratio(ds, "dual")
    groups = {"Northeast": REGION_GROUPS["Northeast"], "Two": ["Jilin", "Liaoning"]}
    result = aggregate_regions(ratio, groups=groups, weights=None)
    assert list(result.indexes["region"]) == ["Northeast", "Two"]
    np.testing.assert_allclose(
        result.sel(region="Two"), ratio.sel(region=["Jilin", "Liaoning"]).mean()
    )
    with pytest.raises(SchemaError, match=r"'East' names the region\(s\) \['Beijing'"):
        aggregate_regions(ratio, groups={"East": REGION_GROUPS["East"]})
    with pytest.raises(SchemaError, match="none of its regions"):
        aggregate_regions(ratio, groups={"East": REGION_GROUPS["East"]}, on_missing="skip")
    skipped = aggregate_regions(ratio, groups={"NE+": ["Jilin", "Tibet"]}, on_missing="skip")
    np.testing.assert_allclose(skipped.values, [float(ratio.sel(region="Jilin"))])


def test_weights_from_the_table_or_explicit():
    ds = iocirc.datasets.example_table()
    ratio = circulation_ratio(ds, "dual")
    bare = ratio.drop_vars("gdp")
    with pytest.raises(SchemaError, match=r"no 'gdp'.*ds=.*weights=None"):
        aggregate_regions(bare)
    xr.testing.assert_allclose(aggregate_regions(bare, ds=ds), aggregate_regions(ratio))
    explicit = pd.Series([1.0, 0.0, 0.0], index=list(ds.indexes["region"]))
    np.testing.assert_allclose(
        aggregate_regions(ratio, weights=explicit).values, [float(ratio.isel(region=0))]
    )
    with pytest.raises(SchemaError, match="lack the region"):
        aggregate_regions(ratio, weights=explicit.iloc[:2])
    with pytest.raises(SchemaError, match="region"):
        aggregate_regions(ratio.isel(region=0))


def test_sector_indicators_aggregate_to_the_national_table():
    ds = iocirc.datasets.example_table()
    shares = aggregate_regions(value_added_share(ds))
    national_va = gdp(ds, by="sector").sum("region") / gdp(ds).sum()
    np.testing.assert_allclose(shares.sel(region=NATIONAL).values, national_va.values)


def test_groups_of_groups():
    ds = iocirc.datasets.example_table()
    contribution = net_outflow_contribution(ds, "dual")
    groups = {"L": ["Liaoning"], "JH": ["Jilin", "Heilongjiang"]}
    two = aggregate_regions(contribution, groups=groups)
    xr.testing.assert_allclose(aggregate_regions(two), aggregate_regions(contribution))


@given(io_tables(layouts=("full", "gross"), n_regions=st.integers(1, 5)))
def test_gdp_weighted_mean_of_a_ratio_is_the_ratio_of_sums(ds):
    ratio = circulation_ratio(ds, "dual")
    contribution = net_outflow_contribution(ds, "dual", by="sector")
    out = iocirc.schema.flow_values(ds, "gross_outflow")
    inn = iocirc.schema.flow_values(ds, "gross_inflow")
    total_gdp = gdp(ds).sum("region")
    np.testing.assert_allclose(
        aggregate_regions(ratio).values, [float((out + inn).sum() / total_gdp)], rtol=1e-9
    )
    np.testing.assert_allclose(
        aggregate_regions(contribution).sel(region=NATIONAL).values,
        ((out - inn).sum("region") / total_gdp).values,
        rtol=1e-9,
        atol=1e-12,
    )


@given(io_tables(n_regions=st.integers(1, 5)), st.floats(0.1, 1e6))
def test_equal_weights_give_the_plain_mean(ds, weight):
    shares = value_added_share(ds)
    equal = xr.full_like(gdp(ds), weight).reset_coords(drop=True)
    xr.testing.assert_allclose(
        aggregate_regions(shares, weights=equal).drop_vars("gdp"),
        aggregate_regions(shares, weights=None).drop_vars("gdp"),
    )
    np.testing.assert_allclose(
        aggregate_regions(shares, weights=None).sel(region=NATIONAL).values,
        shares.mean("region").values,
    )
