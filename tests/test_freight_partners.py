"""Freight origin-destination indicators and trade by partner country, on small hand cases."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from iocirc.errors import ReadError, SchemaError
from iocirc.trade.freight import (
    freight_domestic_share,
    freight_integration_level,
    freight_outflow_share,
    freight_receipt_share,
    read_freight_csv,
)
from iocirc.trade.partners import (
    NORTHEAST_ASIA,
    PARTNER_GROUPS,
    partner_group_share,
    partner_group_totals,
    read_partner_trade_csv,
)

NAMES = ["Liaoning", "Jilin", "Heilongjiang", "Beijing", "Shanghai"]
NE = "Northeast"  # the paper's group: named, never a default


def od_matrix() -> xr.DataArray:
    """Five provinces; rows ship, columns receive. Two years, the second doubled.

    Interprovincial total S = 100 (off-diagonal). Northeast (first three):
    shipments to other provinces S_G = 4 + 6 + 3 + 2 + 1 + 2 + 2 + 5 + 1 + 4 = 30 ...
    see the tests for each sum.
    """
    t = np.array(
        [
            # Li    Ji    He    Be    Sh
            [100.0, 4.0, 6.0, 3.0, 2.0],  # Liaoning
            [1.0, 50.0, 2.0, 2.0, 5.0],  # Jilin
            [1.0, 4.0, 80.0, 0.0, 0.0],  # Heilongjiang
            [10.0, 5.0, 5.0, 20.0, 30.0],  # Beijing
            [5.0, 5.0, 0.0, 10.0, 40.0],  # Shanghai
        ]
    )
    both = np.stack([t, 2 * t], axis=-1)
    return xr.DataArray(
        both,
        coords={"origin": NAMES, "destination": NAMES, "year": [2020, 2021]},
        name="freight",
        attrs={"units": "t"},
    )


# Sums of od_matrix(), year 2020, by hand:
TOTAL_INTER = 4 + 6 + 3 + 2 + 1 + 2 + 2 + 5 + 1 + 4 + 10 + 5 + 5 + 30 + 5 + 5 + 10  # 100
NE_SHIPPED = (4 + 6 + 3 + 2) + (1 + 2 + 2 + 5) + (1 + 4)  # 30
NE_SHIPPED_OUT = (3 + 2) + (2 + 5) + 0  # 12, leaving the group
NE_RECEIVED = (1 + 1 + 10 + 5) + (4 + 4 + 5 + 5) + (6 + 2 + 5)  # 48
NE_RECEIVED_IN = (10 + 5) + (5 + 5) + 5  # 30, from outside the group
NE_INSIDE = 100 + 4 + 6 + 1 + 50 + 2 + 1 + 4 + 80  # 248


def test_hand_sums_are_consistent():
    assert TOTAL_INTER == 100
    assert NE_SHIPPED - NE_SHIPPED_OUT == NE_RECEIVED - NE_RECEIVED_IN  # flows inside the group


def test_outflow_share():
    od = od_matrix()
    share = freight_outflow_share(od, NE)
    np.testing.assert_allclose(share.values, [NE_SHIPPED / TOTAL_INTER] * 2)
    assert share.dims == ("year",)
    assert share.attrs["units"] == "1"
    assert share.attrs["group"] == "Liaoning, Jilin, Heilongjiang"
    border = freight_outflow_share(od, NE, count_within_group=False, percent=True)
    np.testing.assert_allclose(border.values, [100 * NE_SHIPPED_OUT / TOTAL_INTER] * 2)
    assert border.attrs["units"] == "%"


def test_receipt_share():
    od = od_matrix()
    np.testing.assert_allclose(
        freight_receipt_share(od, NE).values, [NE_RECEIVED / TOTAL_INTER] * 2
    )
    np.testing.assert_allclose(
        freight_receipt_share(od, NE, count_within_group=False).values,
        [NE_RECEIVED_IN / TOTAL_INTER] * 2,
    )


def test_domestic_share():
    od = od_matrix()
    expected = (NE_SHIPPED + NE_RECEIVED) / (2 * TOTAL_INTER)
    np.testing.assert_allclose(freight_domestic_share(od, NE).values, [expected] * 2)
    border = (NE_SHIPPED_OUT + NE_RECEIVED_IN) / (2 * TOTAL_INTER)
    np.testing.assert_allclose(
        freight_domestic_share(od, NE, count_within_group=False).values, [border] * 2
    )


def test_integration_level():
    od = od_matrix()
    expected = NE_INSIDE / (NE_SHIPPED_OUT + NE_RECEIVED_IN)
    np.testing.assert_allclose(freight_integration_level(od, NE).values, [expected] * 2)


def test_shares_of_all_provinces_add_up():
    od = od_matrix()
    outflow = sum(freight_outflow_share(od, name) for name in NAMES)
    receipt = sum(freight_receipt_share(od, name) for name in NAMES)
    np.testing.assert_allclose(outflow.values, 1.0)
    np.testing.assert_allclose(receipt.values, 1.0)


def test_diagonal_is_ignored_by_shares_but_needed_by_integration():
    od = od_matrix()
    gaps = od.copy()
    for name in NAMES:
        gaps.loc[{"origin": name, "destination": name}] = np.nan
    xr.testing.assert_allclose(freight_outflow_share(gaps, NE), freight_outflow_share(od, NE))
    assert np.isnan(freight_integration_level(gaps, NE)).all()
    holes = od.copy()
    holes.loc[{"origin": "Beijing", "destination": "Shanghai", "year": 2021}] = np.nan
    share = freight_outflow_share(holes, NE)
    assert np.isfinite(share.sel(year=2020))
    assert np.isnan(share.sel(year=2021))


def test_order_of_provinces_does_not_matter():
    od = od_matrix()
    shuffled = od.isel(origin=[3, 0, 4, 2, 1], destination=[1, 4, 0, 3, 2])
    for f in (freight_outflow_share, freight_receipt_share, freight_integration_level):
        xr.testing.assert_allclose(f(shuffled, NE), f(od, NE))


def test_freight_refusals():
    od = od_matrix()
    with pytest.raises(SchemaError, match="unknown group 'Nowhere'"):
        freight_outflow_share(od, "Nowhere")
    with pytest.raises(SchemaError, match=r"lack the province\(s\) \['Tianjin'\]"):
        freight_outflow_share(od, ["Liaoning", "Tianjin"])
    with pytest.raises(SchemaError, match="origin"):
        freight_outflow_share(od.rename(origin="from"), NE)
    with pytest.raises(SchemaError, match="empty"):
        freight_outflow_share(od, [])


FREIGHT_FUNCTIONS = (
    freight_outflow_share,
    freight_receipt_share,
    freight_domestic_share,
    freight_integration_level,
)


@pytest.mark.parametrize("func", FREIGHT_FUNCTIONS)
def test_without_a_group_every_province_is_its_own_group(func):
    od = od_matrix().isel(destination=[4, 2, 0, 3, 1])  # the order of the axes does not matter
    each = func(od)
    assert each.dims == ("region", "year")
    assert list(each.indexes["region"]) == NAMES  # in the order of the origins
    assert each.attrs["group"] == "each province ('region')"
    for name in NAMES:
        one = func(od, name)
        xr.testing.assert_allclose(each.sel(region=name, drop=True), one.drop_attrs())
    assert func(od, NE).attrs["group"] == "Liaoning, Jilin, Heilongjiang"  # named, not default


def test_without_a_group_the_shares_add_up_and_integration_is_by_hand():
    od = od_matrix()
    np.testing.assert_allclose(freight_outflow_share(od).sum("region").values, 1.0)
    np.testing.assert_allclose(freight_receipt_share(od).sum("region").values, 1.0)
    np.testing.assert_allclose(freight_domestic_share(od).sum("region").values, 1.0)
    percent = freight_outflow_share(od, percent=True)
    assert percent.attrs["units"] == "%"
    # Liaoning, 2020: 100 within the province; ships 15, receives 17
    level = freight_integration_level(od).sel(region="Liaoning", year=2020)
    assert level.item() == pytest.approx(100 / (15 + 17))
    # a province without interprovincial freight: NaN, not a division by zero
    alone = od.copy()
    alone.loc[{"origin": "Beijing"}] = 0.0
    alone.loc[{"destination": "Beijing"}] = 0.0
    assert np.isnan(freight_integration_level(alone).sel(region="Beijing")).all()


def test_without_a_group_a_region_dimension_is_refused():
    od = od_matrix().expand_dims(region=["x"])
    with pytest.raises(SchemaError, match="'region' dimension"):
        freight_outflow_share(od)
    assert freight_outflow_share(od, NE).dims == ("region", "year")  # with a group it is fine


def test_read_freight_csv(tmp_path):
    path = tmp_path / "freight.csv"
    path.write_text(
        "origin,destination,year,tonnes\n"
        "辽宁,辽宁,2021,100\n辽宁,吉林,2021,4\n吉林,辽宁,2021,1\n吉林,吉林,2021,50\n"
        "Beijing,Liaoning,2021,10\n",
        encoding="utf-8",
    )
    od = read_freight_csv(path)
    assert od.dims == ("origin", "destination", "year")
    assert list(od.indexes["origin"]) == list(od.indexes["destination"])
    assert od.sel(origin="Liaoning", destination="Jilin", year=2021).item() == 4.0
    assert np.isnan(od.sel(origin="Jilin", destination="Beijing", year=2021))
    assert od.attrs["units"] == "t"
    duplicated = tmp_path / "dup.csv"
    duplicated.write_text(
        "origin,destination,year,tonnes\nJilin,Beijing,2021,1\n吉林,北京,2021,2\n",
        encoding="utf-8",
    )
    with pytest.raises(ReadError, match="several rows"):
        read_freight_csv(duplicated)
    wrong_columns = tmp_path / "cols.csv"
    wrong_columns.write_text("origin,destination,year,value\nJilin,Beijing,2021,1\n")
    with pytest.raises(ReadError, match="tonnes"):
        read_freight_csv(wrong_columns)


# --------------------------------------------------------------------------------------------
# Partners
# --------------------------------------------------------------------------------------------


def trade_array() -> xr.DataArray:
    partners = [*NORTHEAST_ASIA, "Germany", "United States"]
    exports = np.array([10.0, 5.0, 1.0, 3.0, 0.5, 20.0, 30.0])
    imports = np.array([8.0, 6.0, 0.2, 9.0, 0.3, 25.0, 10.0])
    data = np.stack([exports, imports], axis=-1)[np.newaxis]
    data = np.concatenate([data, 2 * data])  # a second region, doubled
    return xr.DataArray(
        data,
        coords={
            "region": ["Liaoning", "Jilin"],
            "partner": partners,
            "direction": ["export", "import"],
        },
        name="trade",
        attrs={"units": "10^8 USD"},
    )


def test_northeast_asia_is_the_papers_group():
    assert set(PARTNER_GROUPS["Northeast Asia"]) == {
        "Japan",
        "Republic of Korea",
        "DPR Korea",
        "Russia",
        "Mongolia",
    }


def test_partner_group_totals():
    trade = trade_array()
    totals = partner_group_totals(trade)
    assert totals.dims == trade.dims
    assert list(totals.indexes["partner"]) == ["Northeast Asia"]
    np.testing.assert_allclose(
        totals.sel(region="Liaoning", partner="Northeast Asia").values, [19.5, 23.5]
    )
    np.testing.assert_allclose(
        totals.sel(region="Jilin").values, 2 * totals.sel(region="Liaoning").values
    )
    assert totals.attrs == trade.attrs
    west = partner_group_totals(trade, {"West": ["Germany", "United States"], "RU": ["Russia"]})
    np.testing.assert_allclose(west.sel(region="Liaoning", direction="import").values, [35, 9])


def test_partner_group_share():
    trade = trade_array()
    share = partner_group_share(trade, "Northeast Asia", percent=True)
    np.testing.assert_allclose(
        share.sel(region="Liaoning").values, [100 * 19.5 / 69.5, 100 * 23.5 / 58.5]
    )
    world = xr.concat([trade, trade.sum("partner").expand_dims(partner=["World"])], dim="partner")
    np.testing.assert_allclose(
        partner_group_share(world, "Northeast Asia", total="World").values, (share / 100).values
    )
    with pytest.raises(SchemaError, match="unknown partner group"):
        partner_group_share(trade, "Europe")


def test_partner_refusals():
    trade = trade_array().drop_sel(partner="DPR Korea")
    with pytest.raises(SchemaError, match=r"\['DPR Korea'\].*on_missing='skip'"):
        partner_group_totals(trade)
    skipped = partner_group_totals(trade, on_missing="skip")
    np.testing.assert_allclose(skipped.sel(region="Liaoning", direction="export"), 18.5)
    with pytest.raises(SchemaError, match="partner"):
        partner_group_totals(trade.rename(partner="country"))


def test_read_partner_trade_csv(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(
        "region,partner,year,exports,imports,unit\n"
        "辽宁,日本,2021,10,8,10^8 USD\n辽宁,韩国,2021,5,6,10^8 USD\n"
        "辽宁,朝鲜,2021,1,0.2,10^8 USD\n辽宁,俄罗斯,2021,3,9,10^8 USD\n"
        "辽宁,蒙古,2021,0.5,0.3,10^8 USD\nLiaoning,Germany,2021,20,25,10^8 USD\n",
        encoding="utf-8",
    )
    trade = read_partner_trade_csv(path)
    assert trade.dims == ("region", "partner", "direction", "year")
    assert trade.attrs["units"] == "10^8 USD"
    totals = partner_group_totals(trade)
    np.testing.assert_allclose(totals.sel(region="Liaoning", year=2021).values, [[19.5, 23.5]])
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "region,partner,year,exports,imports,unit\n"
        "Jilin,Japan,2021,1,1,USD\nJilin,Russia,2021,1,1,10^4 USD\n"
    )
    with pytest.raises(ReadError, match="mixes the units"):
        read_partner_trade_csv(mixed)


def test_partner_group_share_without_a_group_is_deprecated_not_the_papers_default():
    partners = [*NORTHEAST_ASIA, "Germany", "World"]
    values = [1.0] * (len(partners) - 1) + [2.0 * len(partners)]
    trade = xr.DataArray(values, coords={"partner": partners})
    with pytest.warns(DeprecationWarning, match="pass group='Northeast Asia'"):
        implicit = partner_group_share(trade, total="World")
    xr.testing.assert_identical(
        implicit, partner_group_share(trade, "Northeast Asia", total="World")
    )
