"""iocirc.units: parsing currency units, converting tables and results, percent."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import iocirc
from iocirc.errors import ArgumentTypeError, UnitError
from iocirc.indicators import circulation_ratio, value_added_share
from iocirc.testing.strategies import io_tables
from iocirc.units import CurrencyUnit, chinese_units, convert, parse_unit, ratio_unit

CNY_UNITS = ["元", "千元", "万元", "百万元", "亿元", "CNY", "10^4 CNY", "10^8 CNY", "million CNY"]
USD_UNITS = ["USD", "万美元", "亿美元", "million USD", "10^6 USD", "billion USD", "1e3 USD"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10^4 CNY", (1e4, "CNY")),
        ("万元", (1e4, "CNY")),
        ("亿元", (1e8, "CNY")),
        ("元", (1.0, "CNY")),
        ("百万元", (1e6, "CNY")),
        ("千元", (1e3, "CNY")),
        ("million USD", (1e6, "USD")),
        ("10^6 USD", (1e6, "USD")),
        ("billion USD", (1e9, "USD")),
        ("1e8 usd", (1e8, "USD")),
        ("10000 RMB", (1e4, "CNY")),
        ("yuan", (1.0, "CNY")),
        ("万美元", (1e4, "USD")),
        ("  10^8 CNY ", (1e8, "CNY")),
    ],
)
def test_parse_unit(text, expected):
    parsed = parse_unit(text)
    assert parsed == expected
    assert isinstance(parsed, CurrencyUnit)
    assert (parsed.factor, parsed.currency) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10^400 USD", "10\\^400"),
        ("10^16 CNY", "scale of 10\\^16"),
        ("EUR", "unknown currency unit"),
        ("10^4", "unknown currency unit"),
        ("", "unknown currency unit"),
        ("%", "unknown currency unit"),
        ("zillion USD", "unknown scale"),
        ("1234 CNY", "not a power of ten"),
        ("0 CNY", "not a power of ten"),
        ("万欧元", "unknown currency unit"),
    ],
)
def test_parse_unit_refuses(text, message):
    with pytest.raises(UnitError, match=message):
        parse_unit(text)


def test_parse_unit_refuses_non_strings():
    with pytest.raises(UnitError, match="string"):
        parse_unit(10000)  # type: ignore[arg-type]


def test_chinese_units_longest_first():
    names = chinese_units("CNY")
    assert set(names) >= {"元", "千元", "万元", "百万元", "亿元"}
    assert all(parse_unit(n).currency == "CNY" for n in names)
    assert list(names) == sorted(names, key=len, reverse=True)
    assert "万美元" in chinese_units("USD")


def test_one_unit_table_for_customs_and_readers():
    """The customs and the workbook readers read units through iocirc.units."""
    from iocirc.readers import nbs

    assert set(nbs._UNITS) == set(chinese_units("CNY"))
    assert iocirc.trade.customs.parse_unit is parse_unit


def test_convert_a_table():
    ds = iocirc.datasets.example_table()
    big = convert(ds, to="亿元")
    assert big.attrs["currency_unit"] == "亿元"
    for name in ds.data_vars:
        assert big[name].attrs["units"] == "亿元"
        np.testing.assert_allclose(big[name].values * 1e4, ds[name].values)
    assert ds.attrs["currency_unit"] == "10^4 CNY"  # the input is unchanged
    iocirc.validate(big)
    back = convert(big, to="10^4 CNY")
    xr.testing.assert_allclose(back, ds)
    assert back.attrs == ds.attrs


def test_convert_keeps_non_monetary_variables():
    ds = iocirc.datasets.example_table()
    ds["share"] = value_added_share(ds).rename(sector="sector_x").reset_coords(drop=True)
    out = convert(ds, to="CNY")
    xr.testing.assert_identical(out["share"], ds["share"])
    np.testing.assert_allclose(out["total_output"], ds["total_output"] * 1e4)


def test_convert_between_currencies():
    usd = xr.DataArray(
        [100.0, 200.0], dims="year", coords={"year": [2016, 2017]}, attrs={"units": "10^8 USD"}
    )
    rates = xr.DataArray([6.6, 6.8], dims="year", coords={"year": [2016, 2017]})
    cny = convert(usd, to="10^4 CNY", rate=rates)
    assert cny.values.tolist() == pytest.approx([6.6e6, 13.6e6])
    assert cny.attrs["units"] == "10^4 CNY"
    expected = iocirc.usd_to_cny(
        {2016: 100.0, 2017: 200.0}, {2016: 6.6, 2017: 6.8}, from_unit="10^8 USD"
    )
    np.testing.assert_allclose(cny.values, expected.values)
    # a scalar rate, and a wider rate series is selected to the values' years
    assert float(convert(usd.isel(year=0), to="CNY", rate=7.0)) == pytest.approx(7e10)
    wide = xr.DataArray([6.0, 6.6, 6.8], dims="year", coords={"year": [2015, 2016, 2017]})
    xr.testing.assert_allclose(convert(usd, to="10^4 CNY", rate=wide), cny)


@pytest.mark.parametrize("bad", [np.nan, -6.8, 0.0, np.inf, True, "6.8"])
def test_convert_refuses_bad_rates(bad):
    usd = xr.DataArray([1.0], dims="year", coords={"year": [2017]}, attrs={"units": "USD"})
    with pytest.raises(UnitError, match="exchange rate"):
        convert(usd, to="CNY", rate=bad)
    with pytest.raises(UnitError, match="exchange rate"):
        convert(usd, to="CNY", rate=xr.DataArray([bad], dims="year", coords={"year": [2017]}))


def test_convert_refusals():
    usd = xr.DataArray([1.0], dims="year", coords={"year": [2017]}, attrs={"units": "USD"})
    with pytest.raises(UnitError, match="rate="):
        convert(usd, to="CNY")
    with pytest.raises(UnitError, match="both in USD"):
        convert(usd, to="million USD", rate=1.0)
    with pytest.raises(UnitError, match="lacks the year"):
        convert(usd, to="CNY", rate=xr.DataArray([7.0], dims="year", coords={"year": [2016]}))
    with pytest.raises(UnitError, match="dimension"):
        convert(usd, to="CNY", rate=xr.DataArray([7.0], dims="region"))
    with pytest.raises(UnitError, match="ratio"):
        convert(usd, to="%")
    with pytest.raises(UnitError, match="no 'units'"):
        convert(xr.DataArray([1.0]), to="CNY")
    with pytest.raises(UnitError, match="unknown currency unit"):
        convert(usd, to="EUR")
    with pytest.raises(ArgumentTypeError):
        convert([1.0], to="CNY")  # type: ignore[type-var]
    ds = iocirc.datasets.example_table()
    with pytest.raises(UnitError, match="ratios"):
        convert(ds, to="%")
    with pytest.raises(UnitError, match="no variables"):
        convert(xr.Dataset({"x": ("a", [1.0])}), to="CNY")


def test_percent_metadata():
    ds = iocirc.datasets.example_table()
    ratio = circulation_ratio(ds, "dual")
    percent = convert(ratio, to="%")
    assert percent.attrs["units"] == "%"
    assert percent.name == ratio.name
    assert percent.attrs["long_name"] == ratio.attrs["long_name"]
    xr.testing.assert_identical(percent, circulation_ratio(ds, "dual", percent=True))
    xr.testing.assert_allclose(convert(percent, to="1"), ratio)
    assert convert(percent, to="1").attrs["units"] == "1"
    with pytest.raises(UnitError, match="rate"):
        convert(ratio, to="%", rate=2.0)


def test_ratio_unit():
    assert ratio_unit(True) == "%"
    assert ratio_unit(np.bool_(False)) == "1"
    with pytest.raises(ArgumentTypeError, match="percent must be True or False"):
        ratio_unit(1)  # type: ignore[arg-type]


def test_convert_stays_lazy():
    ds = iocirc.datasets.example_table().chunk({"region": 1})
    out = convert(ds, to="亿元")
    assert out["intermediate_use"].chunks is not None


# -- properties ----------------------------------------------------------------------------

units_cny = st.sampled_from(CNY_UNITS)
units_usd = st.sampled_from(USD_UNITS)
# Magnitudes of money (no subnormal numbers, whose relative precision is lost in any product).
_amounts = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-6, max_value=1e12),
    st.floats(min_value=-1e12, max_value=-1e-6),
)
values = st.lists(_amounts, min_size=1, max_size=5)
rates = st.floats(min_value=1e-3, max_value=1e3)


def _array(data: list[float], unit: str) -> xr.DataArray:
    return xr.DataArray(np.array(data), dims="x", attrs={"units": unit})


@given(values, units_cny, units_cny)
def test_round_trip_is_identity(data, a, b):
    start = _array(data, a)
    back = convert(convert(start, to=b), to=a)
    np.testing.assert_allclose(back.values, start.values, rtol=1e-12, atol=0)
    assert back.attrs["units"] == a


@given(values, units_cny, units_usd, rates)
def test_round_trip_across_currencies(data, a, b, rate):
    start = _array(data, a)
    back = convert(convert(start, to=b, rate=rate), to=a, rate=1 / rate)
    np.testing.assert_allclose(back.values, start.values, rtol=1e-12, atol=0)


@given(values, units_cny, units_cny, units_usd, rates)
def test_conversion_composes(data, a, b, c, rate):
    start = _array(data, a)
    two_steps = convert(convert(start, to=b), to=c, rate=rate)
    one_step = convert(start, to=c, rate=rate)
    np.testing.assert_allclose(two_steps.values, one_step.values, rtol=1e-12, atol=0)


@given(values)
def test_percent_round_trip(data):
    start = _array(data, "1")
    percent = convert(start, to="%")
    np.testing.assert_array_equal(percent.values, start.values * 100.0)
    np.testing.assert_allclose(convert(percent, to="1").values, start.values, rtol=1e-15)


@given(
    io_tables(layouts=("full", "gross")),
    st.sampled_from([*CNY_UNITS, *USD_UNITS]),
    rates,
)
def test_circulation_ratio_is_unit_invariant(ds, unit, rate):
    currency = parse_unit(unit).currency
    same = parse_unit(str(ds.attrs["currency_unit"])).currency == currency
    converted = convert(ds, to=unit, rate=None if same else rate)
    assert converted.attrs["currency_unit"] == unit
    for scope in iocirc.schema.available_scopes(ds):
        before = circulation_ratio(ds, scope)  # type: ignore[arg-type]
        after = circulation_ratio(converted, scope)  # type: ignore[arg-type]
        xr.testing.assert_allclose(after.reset_coords(drop=True), before.reset_coords(drop=True))


def test_tables_compare_units_by_meaning_not_spelling():
    # "万元" is the official tables' spelling of 10^4 CNY: the same unit, accepted; "亿元" is
    # another unit, refused, whichever spelling the table's currency_unit uses.
    ds = iocirc.datasets.example_table()
    same = ds.copy()
    same["final_use"] = same["final_use"].assign_attrs(units="万元")
    xr.testing.assert_identical(
        iocirc.circulation_ratio(same, "dual"), iocirc.circulation_ratio(ds, "dual")
    )
    other = ds.copy()
    other["final_use"] = other["final_use"].assign_attrs(units="亿元")
    with pytest.raises(UnitError, match="'final_use' has units '亿元'"):
        iocirc.circulation_ratio(other, "dual")
    unknown = ds.copy()
    unknown["final_use"] = unknown["final_use"].assign_attrs(units="10^4 CNY (2017 prices)")
    with pytest.raises(UnitError, match="2017 prices"):
        iocirc.validate(unknown)
