"""Hostile inputs beyond the list of issue 11: an attacker's files and a tired assistant's tables.

Each case is refused with an :class:`~iocirc.errors.IocircError` that says what
is wrong, or computed correctly (and then checked against an independent
computation). Inputs are built at run time.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import iocirc
from iocirc import analysis
from iocirc.aggregation import aggregate_regions
from iocirc.errors import IocircError, ReadError, SchemaError, UnitError
from iocirc.indicators import circulation_ratio, gdp, value_added_share
from iocirc.schema import flow_values
from iocirc.testing.strategies import io_tables
from iocirc.trade._csv import parse_number as _parse_number
from iocirc.trade.customs import read_customs_csv, usd_to_cny, with_customs_trade
from iocirc.trade.freight import freight_outflow_share
from iocirc.trade.partners import partner_group_share


def table(layout: str = "full") -> xr.Dataset:
    return iocirc.datasets.example_table(layout).copy(deep=True)


def refused(match: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> IocircError:
    with pytest.raises(IocircError, match=match) as info:
        func(*args, **kwargs)
    return info.value


# -- tables holding what is not numbers --------------------------------------------------------


@pytest.mark.parametrize(
    ("convert", "match"),
    [
        (lambda v: v.astype(str), "holds <U"),
        (lambda v: v > 0, "holds bool"),
        (lambda v: v.astype(complex), "complex128"),
        (lambda v: v.astype(object), "holds object"),
    ],
)
@pytest.mark.parametrize(
    "func", [analysis.output_multipliers, analysis.technical_coefficients, gdp, iocirc.validate]
)
def test_tables_holding_non_numbers_are_refused(convert, match, func):
    ds = table()
    ds["value_added"] = convert(ds["value_added"]).assign_attrs(ds["value_added"].attrs)
    refused(match, func, ds)


def test_integer_and_float32_tables_compute_as_float64():
    ds = table()
    exact = analysis.output_multipliers(ds)
    small = ds.copy()
    for name in ("intermediate_use", "value_added", "total_output"):
        small[name] = ds[name].astype(np.float32).assign_attrs(ds[name].attrs)
    np.testing.assert_allclose(analysis.output_multipliers(small).values, exact.values, rtol=1e-5)


def test_an_extra_dimension_with_a_bad_year_is_refused_naming_the_year():
    ds = xr.concat([table(), table()], dim=pd.Index([2016, 2017], name="year"))
    ds["intermediate_use"].loc[{"year": 2017, "region": "Jilin", "sector": "01"}] = np.nan
    refused("NaN at year=2017, region='Jilin'", analysis.output_multipliers, ds)


def test_unknown_flow_label_is_refused_not_a_key_error():
    ds = table().assign_coords(flow=["household_rural", *list(table().indexes["flow"])[1:-1], "xx"])
    refused("unknown flow label.*'xx'", analysis.output_multipliers, ds)


def test_rows_and_columns_in_different_orders_are_refused():
    ds = table()
    shuffled = ds.isel(sector_to=list(range(ds.sizes["sector_to"]))[::-1])
    refused("same labels in the same order", analysis.output_multipliers, shuffled)


def test_missing_currency_unit_but_consistent_units_computes():
    ds = table()
    del ds.attrs["currency_unit"]
    expected = analysis.output_multipliers(table())
    xr.testing.assert_allclose(analysis.output_multipliers(ds), expected)
    ds["total_output"].attrs["units"] = "CNY"
    refused("different units", analysis.output_multipliers, ds)


def test_zero_output_sector_computes_with_the_documented_convention():
    ds = table()
    ds["intermediate_use"].loc[{"region": "Jilin", "sector_to": "03"}] = 0.0
    ds["value_added"].loc[{"region": "Jilin", "sector_to": "03"}] = 0.0
    ds["total_output"].loc[{"region": "Jilin", "sector": "03"}] = 0.0
    a = analysis.technical_coefficients(ds)
    assert float(a.sel(region="Jilin", sector_to="03").sum()) == 0.0
    assert np.isfinite(analysis.output_multipliers(ds).values).all()


# -- user vectors -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_user_vectors_with_nan_or_inf_are_refused(value):
    ds = table()
    w = ds["value_added"].sum("va_component").rename(sector_to="sector").copy()
    w[0, 0] = value
    refused("primary_inputs", analysis.ghosh_output, ds, w)
    refused("final_demand", analysis.leontief_output, ds, w.rename("final_demand"))


def test_user_vector_with_duplicated_sectors_is_refused():
    ds = table()
    w = ds["value_added"].sum("va_component").rename(sector_to="sector")
    refused("duplicated label", analysis.ghosh_output, ds, w.isel(sector=[0, 0, 1, 2, 3, 4]))


def test_hypothetical_extraction_of_nothing_or_of_unknown_codes():
    ds = table()
    refused("empty", analysis.hypothetical_extraction, ds, [])
    refused("unknown sector.*'3'", analysis.hypothetical_extraction, ds, [3])


# -- tidy frames read back from files -----------------------------------------------------------


def _frame() -> pd.DataFrame:
    frame = iocirc.to_tidy(table())
    frame.attrs.clear()  # as read back from a CSV file
    return frame


def test_tidy_values_with_decimal_commas_are_refused():
    frame = _frame()
    frame["value"] = frame["value"].astype(object)
    frame.loc[3, "value"] = "1,5"
    refused("not all numbers", iocirc.from_tidy, frame, year=2017)


def test_tidy_rows_of_unknown_variables_or_labels_are_refused():
    frame = _frame()
    extra = frame.iloc[[0]].assign(variable="intermediate_uses")
    refused("unknown variable.*intermediate_uses", iocirc.from_tidy, pd.concat([frame, extra]))
    meta = iocirc.to_tidy(table())
    stray = meta.iloc[[0]].assign(region="Beijing")
    both = pd.concat([meta, stray])
    both.attrs = meta.attrs
    refused("outside the table's labels.*Beijing", iocirc.from_tidy, both)


def test_tidy_nan_value_is_refused():
    frame = _frame()
    frame.loc[5, "value"] = np.nan
    refused("NaN", iocirc.from_tidy, frame, year=2017)


# -- customs, exchange rates, partners ----------------------------------------------------------


@pytest.mark.parametrize("value", [np.inf, np.nan, -1.0])
def test_customs_figures_must_be_finite_and_non_negative(value):
    ds = table("gross")
    exports = 0.1 * flow_values(ds, "gross_outflow").sum("sector")
    exports[1] = value
    imports = 0.1 * flow_values(ds, "gross_inflow").sum("sector")
    refused("customs exports must be finite non-negative", with_customs_trade, ds, exports, imports)


def test_usd_to_cny_refuses_booleans_and_duplicated_years():
    refused("boolean", usd_to_cny, True, {2017: 6.8}, year=2017)
    rates = xr.DataArray([6.8, 7.0], coords={"year": [2017, 2017]})
    refused("duplicated label.*2017", usd_to_cny, {2017: 1.0}, rates)
    refused("integer year", usd_to_cny, 1.0, {2017: 6.8}, year="2017")


def test_partner_trade_negative_or_duplicated_partner():
    trade = xr.DataArray(
        [[1.0, 2.0], [3.0, 4.0]],
        coords={"partner": ["Japan", "Mongolia"], "direction": ["export", "import"]},
    )
    bad = trade.copy()
    bad[0, 0] = -1.0
    refused("negative", partner_group_share, bad)
    refused("duplicated label.*Japan", partner_group_share, trade.isel(partner=[0, 0, 1]))


# -- CSV files a tired assistant saved -----------------------------------------------------------


def test_csv_with_byte_order_mark_and_spaces_is_read():
    text = "\ufeffregion , year, exports ,imports,unit\n Liaoning ,2017, 3 ,4,10^4 CNY\n"
    customs = read_customs_csv(io.StringIO(text))
    assert customs["exports"].sel(region="Liaoning", year=2017).item() == 3.0


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("region,year,exports,Exports,imports,unit\nJilin,2017,1,2,1,USD\n", "more than once"),
        ("region,year,exports,imports,unit\nJilin,2017.0,1,1,USD\n", "non-integer year"),
        ("region,year,exports,imports,unit\nJilin,99999999999999999999999,1,1,USD\n", "year"),
        ("region,year,exports,imports,unit\nJilin,2017,1,1,10^400 USD\n", "10\\^400"),
    ],
)
def test_careless_customs_csv_files(text, match):
    refused(match, read_customs_csv, io.StringIO(text))


def test_csv_path_that_is_a_directory_or_binary(tmp_path):
    refused("cannot read", read_customs_csv, tmp_path)
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 8)
    refused("customs CSV", read_customs_csv, junk)


# -- workbooks an attacker sent --------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("empty.xls", b"", "empty"),
        ("png.xls", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a workbook"),
        ("ole.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600, "cannot be read"),
        ("zip.xlsx", None, "cannot be read"),
        ("notable.html", b"<html><body><p>hello</p></body></html>", "no <table>"),
        ("mime.mht", b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi", "without an HTML"),
        ("deep.html", b"<html>" + b"<table><tr><td>" * 3000 + b"1", "no sheet holds|cannot"),
        (
            "spans.html",
            b'<table><tr><td rowspan="-5" colspan="1e9">1</td></tr></table>',
            "no sheet",
        ),
    ],
)
def test_hostile_files_are_refused(tmp_path, name, content, match):
    path = tmp_path / name
    if content is None:
        _zip(path, {"hello.txt": b"not a workbook"})
    else:
        path.write_bytes(content)
    refused(match, iocirc.read_nbs_table, path, region="Jilin", year=2017)


def test_missing_file_and_directory_are_read_errors(tmp_path):
    refused("cannot open", iocirc.read_nbs_table, tmp_path / "nope.xls")
    refused("holds no workbook", iocirc.read_nbs_tables, tmp_path)
    refused("no files given", iocirc.read_nbs_tables, [])


def test_truncated_xlsx_is_refused(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active["A1"] = 1.0
    path = tmp_path / "t.xlsx"
    book.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    refused("cannot be read|damaged", iocirc.read_nbs_table, path, region="Jilin", year=2017)


def test_the_same_workbook_twice_is_refused(tmp_path):
    from iocirc.readers._render import GridSpec, nbs_grid, write_xlsx

    grid = nbs_grid(iocirc.datasets.example_table(), 0, GridSpec(title="辽宁2017年投入产出表"))
    first = write_xlsx(grid, tmp_path / "a.xlsx")
    second = write_xlsx(grid, tmp_path / "b.xlsx")
    refused("two workbooks hold the table of Liaoning", iocirc.read_nbs_tables, [first, second])


# -- indicators and aggregation given the wrong things ------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: circulation_ratio(table(), None),  # type: ignore[arg-type]
        lambda: gdp(table(), by="province"),  # type: ignore[arg-type]
        lambda: gdp({"value_added": 1}),  # type: ignore[arg-type]
        lambda: iocirc.validate(table()["value_added"]),  # type: ignore[arg-type]
        lambda: aggregate_regions(table()["total_output"].sum("region")),
        lambda: aggregate_regions(circulation_ratio(table(), "dual"), groups={"A": "Jilin"}),
        lambda: freight_outflow_share([[1.0]], ["Liaoning"]),  # type: ignore[arg-type]
        lambda: value_added_share(table().drop_vars("value_added")),
    ],
)
def test_wrong_arguments_are_clear_errors(call):
    with pytest.raises(IocircError):
        call()


def test_negative_value_added_is_meaningful_and_computed():
    ds = table()
    ds["value_added"].loc[{"region": "Jilin", "va_component": "operating_surplus"}] -= 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        share = value_added_share(ds)
    va = ds["value_added"].sel(region="Jilin").sum("va_component").values
    np.testing.assert_allclose(share.sel(region="Jilin").values, va / va.sum())


def test_schema_error_and_unit_error_are_value_errors():
    assert issubclass(SchemaError, ValueError)
    assert issubclass(UnitError, ValueError)
    assert issubclass(ReadError, ValueError)


# -- properties ----------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    io_tables(layouts=("full", "gross")),
    st.sampled_from(["intermediate_use", "value_added", "total_output"]),
    st.sampled_from([np.nan, np.inf, -np.inf]),
    st.data(),
)
def test_any_bad_cell_is_refused_by_every_model(ds, variable, value, data):
    spoiled = ds.copy(deep=True)
    flat = spoiled[variable].values.reshape(-1)
    flat[data.draw(st.integers(0, flat.size - 1))] = value
    for func in (analysis.output_multipliers, analysis.ghosh_inverse, gdp):
        if func is gdp and variable != "value_added":
            continue
        with pytest.raises(SchemaError, match=f"variable {variable!r}"):
            func(spoiled)


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_grouped_numbers_parse_back(value):
    for text in (f"{value:,.2f}", f"{value:.2f}", repr(value)):
        assert _parse_number(text) == pytest.approx(float(text.replace(",", "")), rel=1e-15)


@given(st.integers(0, 99), st.integers(1, 99))
def test_decimal_commas_are_never_numbers(whole, fraction):
    text = f"{whole},{fraction}"
    assert _parse_number(text) is None  # fraction has 1-2 digits: never a thousands group
    assert _parse_number(f"{whole},{fraction:03d}") == whole * 1000 + fraction or whole == 0
