"""Substituting customs figures for a table's foreign trade, and reading them; the trade
package's one CSV reader, and the deprecated modules of iocirc 0.1."""

from __future__ import annotations

import copy
import importlib
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import iocirc
from iocirc.errors import (
    ConventionWarning,
    MissingFlowError,
    ReadError,
    SchemaError,
    UnitError,
)
from iocirc.indicators import circulation_ratio, net_outflow_contribution
from iocirc.schema import flow_values
from iocirc.testing.strategies import io_tables
from iocirc.trade import freight, partners
from iocirc.trade._csv import parse_number, read_csv
from iocirc.trade.customs import read_customs_csv, usd_to_cny, with_customs_trade
from iocirc.trade.freight import read_freight_csv
from iocirc.trade.partners import read_partner_trade_csv

SPLIT = ["export", "domestic_outflow", "import", "domestic_inflow"]


def table(layout: str = "full") -> xr.Dataset:
    """One region (Liaoning), two sectors.

    Sector 01: household 50, exports 20, domestic outflow 30, imports 5, domestic inflow 5.
    Sector 02: household 40, exports 10, domestic outflow 10, imports 15, domestic inflow 10.
    Gross outflow (50, 20), gross inflow (10, 25); GDP 125.
    """
    f = np.array([[50.0, 20.0, 30.0, 5.0, 5.0], [40.0, 10.0, 10.0, 15.0, 10.0]])
    flows = ["household_urban", *SPLIT]
    if layout == "gross":
        f = np.stack([f[:, 0], f[:, 1] + f[:, 2], f[:, 3] + f[:, 4]], axis=-1)
        flows = ["household_urban", "gross_outflow", "gross_inflow"]
    elif layout == "net":
        f = np.stack([f[:, 0], f[:, 1] + f[:, 2] - f[:, 3] - f[:, 4]], axis=-1)
        flows = ["household_urban", "net_outflow"]
    return iocirc.from_arrays(
        np.array([[10.0, 20.0], [30.0, 5.0]]),
        f,
        np.array([[80.0, 45.0]]),
        regions="Liaoning",
        sectors=["01", "02"],
        flows=flows,
        va_components=["value_added_total"],
        year=2017,
    )


def values(ds: xr.Dataset, flow: str) -> list[float]:
    return ds["final_use"].sel(region="Liaoning", flow=flow).values.tolist()


def test_full_table_split_by_the_tables_own_exports():
    ds = table()
    split = with_customs_trade(ds, {"Liaoning": 40.0}, {"Liaoning": 10.0})
    # exports 40 in proportion to the table's exports (20, 10); imports 10 as (5, 15)
    np.testing.assert_allclose(values(split, "export"), [40 * 2 / 3, 40 / 3])
    np.testing.assert_allclose(values(split, "domestic_outflow"), [50 - 80 / 3, 20 - 40 / 3])
    np.testing.assert_allclose(values(split, "import"), [2.5, 7.5])
    np.testing.assert_allclose(values(split, "domestic_inflow"), [7.5, 17.5])
    np.testing.assert_allclose(circulation_ratio(split, "international").values, [50 / 125])
    assert list(split.indexes["flow"]) == list(ds.indexes["flow"])
    assert split["flow_code"].values.tolist() == ds["flow_code"].values.tolist()
    assert "customs" in split.attrs["foreign_trade"]
    iocirc.validate(split)


def test_gross_table_split_by_gross_flows_and_flows_renamed():
    ds = table("gross")
    split = with_customs_trade(ds, {"Liaoning": 35.0}, {"Liaoning": 7.0})
    assert list(split.indexes["flow"]) == ["household_urban", *SPLIT]
    # exports 35 as gross outflow (50, 20); imports 7 as gross inflow (10, 25)
    np.testing.assert_allclose(values(split, "export"), [25.0, 10.0])
    np.testing.assert_allclose(values(split, "domestic_outflow"), [25.0, 10.0])
    np.testing.assert_allclose(values(split, "import"), [2.0, 5.0])
    np.testing.assert_allclose(values(split, "domestic_inflow"), [8.0, 20.0])
    for scope, expected in (("domestic", (35 + 28) / 125), ("international", 42 / 125)):
        np.testing.assert_allclose(circulation_ratio(split, scope).values, [expected])
    iocirc.validate(split)


def test_customs_by_sector_are_used_as_given():
    exports = xr.DataArray([[5.0, 15.0]], coords={"region": ["Liaoning"], "sector": ["01", "02"]})
    imports = pd.Series(
        [1.0, 2.0], index=pd.MultiIndex.from_tuples([("Liaoning", "01"), ("Liaoning", "02")])
    )
    imports.index = imports.index.set_names(["region", "sector"])
    split = with_customs_trade(table(), exports, imports)
    np.testing.assert_allclose(values(split, "export"), [5.0, 15.0])
    np.testing.assert_allclose(values(split, "domestic_outflow"), [45.0, 5.0])
    np.testing.assert_allclose(values(split, "import"), [1.0, 2.0])


def test_customs_by_year_are_selected_by_the_tables_year():
    exports = xr.DataArray(
        [[1.0, 40.0]], coords={"region": ["Liaoning"], "year": [2016, 2017]}, attrs={}
    )
    imports = exports / 4
    split = with_customs_trade(table(), exports, imports)
    np.testing.assert_allclose(sum(values(split, "export")), 40.0)
    with pytest.raises(SchemaError, match="table's year is 2017"):
        with_customs_trade(table(), exports.sel(year=[2016]), imports)


def test_a_region_with_no_table_exports_falls_back_on_gross_outflow():
    ds = table()
    ds["final_use"].loc[{"flow": "domestic_outflow"}] += ds["final_use"].sel(flow="export")
    ds["final_use"].loc[{"flow": "export"}] = 0.0
    split = with_customs_trade(ds, {"Liaoning": 7.0}, {"Liaoning": 0.0})
    np.testing.assert_allclose(values(split, "export"), [5.0, 2.0])


def test_negative_domestic_flows_raise_or_warn():
    ds = table()
    with pytest.raises(SchemaError, match=r"negative domestic_outflow, for region='Liaoning'\."):
        with_customs_trade(ds, {"Liaoning": 71.0}, {"Liaoning": 1.0})
    with pytest.warns(ConventionWarning, match="negative domestic_inflow"):
        split = with_customs_trade(ds, {"Liaoning": 1.0}, {"Liaoning": 500.0}, on_negative="warn")
    assert sum(values(split, "domestic_inflow")) == pytest.approx(35.0 - 500.0)
    # All of the gross flows is foreign trade: domestic flows zero (to rounding), accepted.
    split = with_customs_trade(table("gross"), {"Liaoning": 70.0}, {"Liaoning": 35.0})
    np.testing.assert_allclose(values(split, "domestic_outflow"), [0.0, 0.0], atol=1e-12)


def test_sector_negatives_of_the_proportional_convention_are_accepted():
    # Exports 60 <= gross outflow 70, distributed as the table's exports (2/3, 1/3):
    # sector 02 gets 20 = its whole gross outflow, sector 01 gets 40 <= 50. Exports 66 push
    # sector 02 to 22 > 20, a negative domestic outflow of -2 while the region keeps 4.
    split = with_customs_trade(table(), {"Liaoning": 66.0}, {"Liaoning": 1.0})
    np.testing.assert_allclose(values(split, "domestic_outflow"), [50.0 - 44.0, 20.0 - 22.0])


def test_customs_by_sector_are_checked_by_sector():
    exports = xr.DataArray([[5.0, 25.0]], coords={"region": ["Liaoning"], "sector": ["01", "02"]})
    with pytest.raises(SchemaError, match=r"\(region='Liaoning', sector='02'\)"):
        with_customs_trade(table(), exports, exports * 0)


def test_what_cannot_be_split_is_refused():
    with pytest.raises(MissingFlowError, match=r"(?s)net outflow cannot be split"):
        with_customs_trade(table("net"), {"Liaoning": 1.0}, {"Liaoning": 1.0})
    national = iocirc.datasets.example_table("national")
    with pytest.raises(MissingFlowError, match="national"):
        with_customs_trade(national, {"Liaoning": 1.0}, {"Liaoning": 1.0})


def test_bad_customs_figures():
    ds = table()
    with pytest.raises(SchemaError, match=r"lack the region\(s\) \['Liaoning'\]"):
        with_customs_trade(ds, {"Jilin": 1.0}, {"Liaoning": 1.0})
    with pytest.raises(SchemaError, match="non-negative"):
        with_customs_trade(ds, {"Liaoning": -1.0}, {"Liaoning": 1.0})
    with pytest.raises(SchemaError, match="non-negative"):
        with_customs_trade(ds, {"Liaoning": np.nan}, {"Liaoning": 1.0})
    usd = xr.DataArray([1.0], coords={"region": ["Liaoning"]}, attrs={"units": "USD"})
    with pytest.raises(UnitError, match="usd_to_cny"):
        with_customs_trade(ds, usd, usd)
    with pytest.raises(TypeError, match="Dataset"):
        with_customs_trade(ds, usd.to_dataset(name="exports"), usd)  # type: ignore[arg-type]
    by_sector = xr.DataArray([[1.0]], coords={"region": ["Liaoning"], "sector": ["01"]})
    with pytest.raises(SchemaError, match=r"lack the sector\(s\) \['02'\]"):
        with_customs_trade(ds, by_sector, by_sector)


def test_the_input_table_is_not_modified():
    ds = table("gross")
    before = copy.deepcopy(ds)
    with_customs_trade(ds, {"Liaoning": 35.0}, {"Liaoning": 7.0})
    xr.testing.assert_identical(ds, before)


@given(io_tables(layouts=("full", "gross")), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_gross_flows_and_identities_are_kept(ds, export_share, import_share):
    gross_out = flow_values(ds, "gross_outflow")
    gross_in = flow_values(ds, "gross_inflow")
    # Shares of the table's own exports can leave a sector's domestic flow negative: ignored.
    exports = export_share * gross_out.sum("sector")
    imports = import_share * gross_in.sum("sector")
    split = with_customs_trade(ds, exports, imports, on_negative="ignore")
    iocirc.validate(split, rtol=1e-9)
    xr.testing.assert_allclose(flow_values(split, "gross_outflow"), gross_out)
    xr.testing.assert_allclose(flow_values(split, "gross_inflow"), gross_in)
    xr.testing.assert_allclose(
        circulation_ratio(split, "dual").reset_coords(drop=True),
        circulation_ratio(ds, "dual").reset_coords(drop=True),
    )
    xr.testing.assert_allclose(
        net_outflow_contribution(split, "international").reset_coords(drop=True),
        ((exports - imports) / iocirc.indicators.gdp(ds)).reset_coords(drop=True),
    )


# --------------------------------------------------------------------------------------------
# usd_to_cny and read_customs_csv
# --------------------------------------------------------------------------------------------


def test_usd_to_cny_forms():
    rates = pd.Series([6.5, 7.0], index=[2016, 2017])
    values_usd = xr.DataArray(
        [[1e4, 2e4]], coords={"region": ["Jilin"], "year": [2016, 2017]}, attrs={"units": "USD"}
    )
    converted = usd_to_cny(values_usd, rates)
    np.testing.assert_allclose(converted.values, [[6.5, 14.0]])
    assert converted.attrs["units"] == "10^4 CNY"
    in_yuan = usd_to_cny(values_usd, rates, to_unit="CNY")
    np.testing.assert_allclose(in_yuan.values, [[65000.0, 140000.0]])
    single = usd_to_cny(3.0, {2017: 7.0}, from_unit="亿美元", to_unit="亿元", year=2017)
    assert single.dims == ()
    assert float(single) == pytest.approx(21.0)


def test_usd_to_cny_refusals():
    with pytest.raises(SchemaError, match=r"no exchange rate for the year\(s\) \[2018\]"):
        usd_to_cny({2018: 1.0}, {2017: 7.0})
    with pytest.raises(SchemaError, match="year="):
        usd_to_cny(1.0, {2017: 7.0})
    with pytest.raises(UnitError, match="unknown currency unit"):
        usd_to_cny({2017: 1.0}, {2017: 7.0}, from_unit="EUR")
    with pytest.raises(UnitError, match="converts US dollars"):
        usd_to_cny({2017: 1.0}, {2017: 7.0}, from_unit="10^4 CNY")
    with pytest.raises(UnitError, match="not a yuan unit"):
        usd_to_cny({2017: 1.0}, {2017: 7.0}, to_unit="USD")


def test_read_customs_csv(tmp_path):
    path = tmp_path / "customs.csv"
    path.write_text(
        "region,year,exports,imports,unit\n"
        "辽宁,2017,30,40,10^8 USD\n"
        "220000,2017,45,14,10^8 USD\n"
        "Liaoning,2016,20,30,10^8 USD\n",
        encoding="utf-8",
    )
    raw = read_customs_csv(path)
    assert raw["exports"].attrs["units"] == "10^8 USD"
    assert sorted(raw.indexes["region"]) == ["Jilin", "Liaoning"]
    assert float(raw["exports"].sel(region="Jilin", year=2017)) == 45.0
    assert np.isnan(raw["exports"].sel(region="Jilin", year=2016))
    cny = read_customs_csv(path, rates={2016: 6.6, 2017: 6.75})
    assert cny["imports"].attrs["units"] == "10^4 CNY"
    assert float(cny["imports"].sel(region="Liaoning", year=2016)) == pytest.approx(30 * 6.6e4)


def test_read_customs_csv_feeds_with_customs_trade(tmp_path):
    ds = table("gross")
    path = tmp_path / "customs.csv"
    path.write_text("region,year,exports,imports,unit\nLiaoning,2017,35,7,10^4 CNY\n")
    customs = read_customs_csv(path)
    split = with_customs_trade(ds, customs["exports"], customs["imports"])
    np.testing.assert_allclose(values(split, "export"), [25.0, 10.0])


def test_read_customs_csv_by_sector_and_mixed_units(tmp_path):
    path = tmp_path / "customs.csv"
    path.write_text(
        "region,year,sector,exports,imports,unit\n"
        "Liaoning,2017,1,1,2,10^8 CNY\n"
        "Liaoning,2017,02,1,2,10^4 CNY\n"
    )
    customs = read_customs_csv(path)
    assert customs["exports"].attrs["units"] == "10^4 CNY"
    assert customs["exports"].sel(region="Liaoning", year=2017).values.tolist() == [1e4, 1.0]
    assert list(customs.indexes["sector"]) == ["01", "02"]


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("region,year,exports,unit\nJilin,2017,1,USD\n", ReadError, r"lacks the column\(s\)"),
        ("region,year,exports,imports,unit\nJilin,2017,x,1,USD\n", ReadError, "not a number"),
        ("region,year,exports,imports,unit\nJilin,17.5,1,1,USD\n", ReadError, "year"),
        (
            "region,year,exports,imports,unit\nJilin,2017,1,1,USD\n吉林,2017,2,2,USD\n",
            ReadError,
            "several rows",
        ),
        ("region,year,exports,imports,unit\nJilin,2017,1,1,EUR\n", UnitError, "EUR"),
        (
            "region,year,exports,imports,unit\nJilin,2017,1,1,USD\nJilin,2016,1,1,CNY\n",
            UnitError,
            "exchange rates",
        ),
    ],
)
def test_read_customs_csv_refusals(tmp_path, text, error, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=message):
        read_customs_csv(path)


def test_usd_to_cny_refuses_series_by_region_without_a_named_index():
    values = pd.Series({"Liaoning": 10.0, "Jilin": 5.0})
    with pytest.raises(SchemaError, match="unnamed index that does not hold years.*'Liaoning'"):
        usd_to_cny(values, {2017: 6.75}, year=2017)
    named = usd_to_cny(values.rename_axis("region"), {2017: 6.75}, year=2017)
    assert named.sel(region="Jilin").item() == pytest.approx(5.0 * 6.75 / 1e4)
    with pytest.raises(SchemaError, match="keys \\['Liaoning'"):
        usd_to_cny({"Liaoning": 1.0}, {2017: 6.75})


# -- the one CSV reader of the trade package ---------------------------------------------------

CSV_READERS = {
    "customs": (read_customs_csv, "region,year,exports,imports,unit", "Liaoning,2017,{},1,USD"),
    "freight": (read_freight_csv, "origin,destination,year,tonnes", "Liaoning,Jilin,2021,{}"),
    "partner trade": (
        read_partner_trade_csv,
        "region,partner,year,exports,imports,unit",
        "Liaoning,Japan,2021,{},1,USD",
    ),
}


@pytest.mark.parametrize("what", list(CSV_READERS))
def test_every_trade_reader_names_the_file_line_and_column(tmp_path: Path, what: str) -> None:
    read, header, row = CSV_READERS[what]
    column = header.split(",")[row.split(",").index("{}")]  # the first number column
    path = tmp_path / "bad.csv"
    # a blank line and a row of empty cells (as spreadsheets save them) are skipped, but counted
    path.write_text(f"{header}\n{row.format(1)}\n\n,,,,\n{row.format('x')}\n", encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read(path)
    message = str(info.value)
    assert f"the {what} CSV {str(path)!r}, line 5, column {column!r}" in message
    assert "'x' is not a number" in message
    with pytest.raises(ReadError, match=rf"{what} CSV <StringIO>, line 2, column {column!r}"):
        read(io.StringIO(f"{header}\n{row.format('-1')}\n"))


@pytest.mark.parametrize("what", list(CSV_READERS))
def test_records_of_the_wrong_length_are_refused(what: str) -> None:
    read, header, row = CSV_READERS[what]
    good = row.format(1)
    # pandas took an extra leading cell for an index and filled short records with ""
    for bad in (f"X,{good}", good.rsplit(",", 1)[0]):
        with pytest.raises(ReadError, match=r"line 3, has \d cells where the header has"):
            read(io.StringIO(f"{header}\n{good}\n{bad}\n"))
    reference = read(io.StringIO(f"{header}\n{good}\n"))
    # empty trailing columns, as spreadsheets save them, are fine
    for text in (f"{header},\n{good},\n", f"{header},,\n{good}\n", f"{header}\n{good},,\n"):
        trailing = read(io.StringIO(text))
        if isinstance(trailing, xr.Dataset):
            xr.testing.assert_identical(trailing.drop_attrs(), reference.drop_attrs())
        else:
            xr.testing.assert_identical(trailing, reference)


def test_the_shared_reader_refuses_a_bad_file(tmp_path: Path) -> None:
    header = "region,year,exports,imports,unit"
    cases = {
        "region,year,exports,exports,unit\nJilin,2017,1,1,USD\n": r"\['exports'\] more than once",
        f"{header}\nJilin,1850,1,1,USD\n": r"line 2, column 'year' has the year 1850",
        f"{header}\nJilin,20x7,1,1,USD\n": r"line 2, column 'year' has a non-integer year",
        f'{header}\nJilin,2017,"1"2,1,USD\n': r"cannot read .*, line 2",
        f"{header}\nJilin,2017,1,1,USD\n\n吉林,2017,2,2,USD\n": r"several rows .*lines 2, 4",
        f"{header}\nJilin,2017,1,-1,USD\n": r"line 2, column 'imports': '-1' is negative",
    }
    for text, match in cases.items():
        with pytest.raises(ReadError, match=match):
            read_customs_csv(io.StringIO(text))
    with pytest.raises(UnitError, match=r"line 3, column 'unit'.*EUR"):
        read_customs_csv(io.StringIO(f"{header}\nJilin,2017,1,1,USD\nJilin,2016,1,1,EUR\n"))
    gbk = io.BytesIO(f"{header}\n吉林,2017,1,1,USD\n".encode("gbk"))
    with pytest.raises(ReadError, match="<BytesIO>: it is not UTF-8 text.*save it as UTF-8"):
        read_customs_csv(gbk)
    with pytest.raises(ReadError, match="path or an open file"):
        read_customs_csv(12345)
    with pytest.raises(ReadError, match="cannot read .*no header"):
        read_freight_csv(io.StringIO("\n\n"))
    huge = tmp_path / "huge.csv"
    huge.write_text(f"{header}\nJilin,2017,{'9' * 200_000},1,USD\n")
    with pytest.raises(ReadError, match="cannot read .*line 2.*field larger"):
        read_customs_csv(huge)


def test_the_shared_reader_takes_bytes_and_a_byte_order_mark() -> None:
    text = '\ufeffRegion , Year,Exports,Imports,Unit\r\n 辽宁 ,2017,"1,234.5",2,10^4 CNY\r\n'
    from_bytes = read_customs_csv(io.BytesIO(text.encode("utf-8")))
    from_text = read_customs_csv(io.StringIO(text))
    xr.testing.assert_identical(from_bytes, from_text)
    assert from_text["exports"].sel(region="Liaoning", year=2017).item() == 1234.5
    table = read_csv(io.StringIO(text), "customs", ("region",), numbers=("exports",))
    assert table.frame.index.tolist() == [2]  # indexed by line
    assert table.where(2, "exports") == "the customs CSV <StringIO>, line 2, column 'exports'"
    assert parse_number("1,234,567.5") == 1234567.5
    assert parse_number("1,5") is None


# -- the modules of iocirc 0.1 -----------------------------------------------------------------

OLD_MODULES = {
    "iocirc.customs": "iocirc.trade.customs",
    "iocirc.freight": "iocirc.trade.freight",
    "iocirc.partners": "iocirc.trade.partners",
}


@pytest.mark.parametrize("old", list(OLD_MODULES))
def test_old_modules_import_quietly_and_warn_on_use(old: str) -> None:
    new = importlib.import_module(OLD_MODULES[old])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        module = importlib.reload(importlib.import_module(old))  # importing does not warn
    assert module.__all__ == new.__all__
    assert dir(module) == []  # completion offers no deprecated name
    for name in new.__all__:
        with pytest.warns(
            DeprecationWarning, match=rf"{old}\.{name} is deprecated.*use {new.__name__}\.{name}"
        ) as record:
            value = getattr(module, name)
        assert value is getattr(new, name)
        assert record[0].filename == __file__  # pointing at the user's line
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = module.nothing


def test_old_private_names_still_reach_their_new_place() -> None:
    with pytest.warns(DeprecationWarning, match="iocirc.trade._csv.parse_number"):
        from iocirc.customs import _parse_number
    assert _parse_number is parse_number
    with pytest.warns(DeprecationWarning, match="iocirc.units.parse_unit"):
        assert iocirc.customs.parse_unit is iocirc.units.parse_unit


def test_top_level_and_package_names_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trade = importlib.import_module("iocirc.trade")
        for name in trade.__all__:
            value = getattr(trade, name)
            if hasattr(iocirc, name) and not isinstance(value, type(trade)):
                assert getattr(iocirc, name) is value, name
        assert iocirc.read_freight_csv is freight.read_freight_csv
        assert iocirc.partner_group_share is partners.partner_group_share
        assert iocirc.trade is trade
    modules = {m for m in trade.__all__ if isinstance(getattr(trade, m), type(trade))}
    assert modules == {"customs", "freight", "partners"}
    names = set().union(*(getattr(trade, m).__all__ for m in modules))
    assert names == set(trade.__all__) - modules  # every public name of the three, and no more
