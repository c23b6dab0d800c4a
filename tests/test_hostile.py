"""Hostile and careless inputs (issue 11): each is refused clearly or computed correctly.

One test per defect class of the issue, with the inputs built here at run time
(no binary fixtures). Every refusal must be an :class:`~iocirc.errors.IocircError`
whose message names what is wrong (a region, sector, cell, file or argument);
every accepted input must give the right number. ``tests/test_hostile_extra.py``
goes beyond the issue's list.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import iocirc
from iocirc import analysis
from iocirc.aggregation import aggregate_regions
from iocirc.errors import (
    BalanceWarning,
    ConditioningWarning,
    DownloadError,
    IocircError,
    ModelError,
    ReadError,
    SchemaError,
    UnitError,
)
from iocirc.indicators import circulation_ratio, gdp, net_outflow_contribution, value_added_share
from iocirc.schema import flow_values
from iocirc.trade.customs import read_customs_csv, usd_to_cny, with_customs_trade
from iocirc.trade.freight import (
    freight_domestic_share,
    freight_integration_level,
    freight_outflow_share,
    freight_receipt_share,
    read_freight_csv,
)
from iocirc.trade.partners import read_partner_trade_csv

NE = ["Liaoning", "Jilin", "Heilongjiang"]


def table(layout: str = "full") -> xr.Dataset:
    return iocirc.datasets.example_table(layout).copy(deep=True)


def refused(error: type[Exception], match: str, func: Callable[..., Any], *args: Any, **kw: Any):
    """``func`` raises ``error`` (an IocircError) with a message matching ``match``."""
    assert issubclass(error, IocircError)
    with pytest.raises(error, match=match) as info:
        func(*args, **kw)
    assert isinstance(info.value, IocircError)
    return info.value


# -- class 2: analysis and indicators on invalid values ------------------------------------------

ANALYSIS: dict[str, Callable[[xr.Dataset], Any]] = {
    "technical_coefficients": analysis.technical_coefficients,
    "local_coefficients": analysis.local_coefficients,
    "leontief_inverse": analysis.leontief_inverse,
    "output_multipliers": analysis.output_multipliers,
    "value_added_multipliers": analysis.value_added_multipliers,
    "induced_effects": analysis.induced_effects,
    "value_added_by_demand_source": analysis.value_added_by_demand_source,
    "ghosh_inverse": analysis.ghosh_inverse,
    "hypothetical_extraction": analysis.hypothetical_extraction,
    "linkages": analysis.linkages,
    "gdp": gdp,
    "value_added_share": value_added_share,
    "circulation_ratio": lambda ds: circulation_ratio(ds, "dual"),
    "net_outflow_contribution": lambda ds: net_outflow_contribution(ds, "dual"),
}
#: Which variables each function computes with (a NaN elsewhere does not concern it).
READS = {
    "gdp": {"value_added"},
    "value_added_share": {"value_added"},
    "circulation_ratio": {"final_use", "value_added"},
    "net_outflow_contribution": {"final_use", "value_added"},
    "technical_coefficients": {"intermediate_use", "total_output", "final_use", "value_added"},
}


def _spoil(variable: str, value: float) -> xr.Dataset:
    ds = table()
    ds[variable].values[(1, 2, 0)[: ds[variable].ndim]] = value  # Jilin, row 03 / component 3
    return ds


BAD_VALUES = [
    ("value_added", np.nan, "has NaN at region='Jilin'"),
    ("intermediate_use", np.nan, "has NaN at region='Jilin'"),
    ("intermediate_use", np.inf, "is infinite at region='Jilin'"),
    ("total_output", -5.0, "is negative at region='Jilin'"),
    ("final_use", np.inf, "is infinite at region='Jilin'"),
    ("value_added", 1e300, "is 1e+300 at region='Jilin'"),
]


@pytest.mark.parametrize(
    ("name", "variable", "value", "what"),
    [
        (name, variable, value, what)
        for name in ANALYSIS
        for variable, value, what in BAD_VALUES
        if variable in READS.get(name, {variable})  # only what the function computes with
    ],
)
def test_invalid_values_are_refused_naming_the_cell(name, variable, value, what):
    ds = _spoil(variable, value)
    refused(SchemaError, re.escape(what) + ".*sector", ANALYSIS[name], ds)


@pytest.mark.parametrize("name", list(ANALYSIS))
def test_mixed_units_and_duplicate_labels_are_refused(name):
    ds = table()
    ds["total_output"] = ds["total_output"] / 1e4
    ds["total_output"].attrs["units"] = "10^8 CNY"
    refused(UnitError, "'total_output' has units '10\\^8 CNY'", ANALYSIS[name], ds)
    doubled = table().isel(flow=[0, *range(table().sizes["flow"])])
    refused(SchemaError, "duplicated label.*household_rural", ANALYSIS[name], doubled)
    empty = table().isel(region=[])
    refused(SchemaError, "'region' is empty", ANALYSIS[name], empty)


def test_partial_nan_of_a_reported_flow_is_refused():
    ds = table()
    ds["final_use"].loc[{"region": "Jilin", "flow": "export", "sector": "02"}] = np.nan
    refused(
        SchemaError, "NaN for some sectors only.*Jilin.*export", analysis.output_multipliers, ds
    )
    # a flow NaN in every sector is "not reported" and is fine
    whole = table()
    whole["final_use"].loc[{"region": "Jilin", "flow": "other"}] = np.nan
    assert np.isfinite(analysis.output_multipliers(whole).values).all()


def _one_region(z, x, va=None) -> xr.Dataset:
    z = np.asarray(z, float)
    n = len(x)
    va = np.asarray(x, float) - z.sum(0) if va is None else np.asarray(va, float)
    f = (np.asarray(x, float) - z.sum(1))[:, None]
    return iocirc.from_arrays(
        z,
        f,
        va[None, :],
        np.asarray(x, float),
        regions="Hainan",
        sectors=[f"{i + 1:02d}" for i in range(n)],
        flows=["household_urban"],
        va_components=["value_added_total"],
        validate=False,
    )


@pytest.mark.parametrize(
    "func",
    [
        analysis.output_multipliers,
        analysis.leontief_inverse,
        analysis.value_added_multipliers,
        analysis.ghosh_inverse,
        analysis.hypothetical_extraction,
    ],
)
def test_non_productive_economy_is_refused_naming_the_region(func):
    ds = _one_region([[60.0, 60.0], [60.0, 60.0]], [100.0, 100.0])  # column sums 1.2
    err = refused(ModelError, "region='Hainan'.*not productive.*spectral radius", func, ds)
    assert isinstance(err, np.linalg.LinAlgError)  # except LinAlgError keeps working
    with pytest.raises(ModelError, match="region='Hainan'.*singular"):
        func(_one_region([[100.0]], [100.0]), kind="total")


def test_nearly_singular_system_warns_naming_the_region():
    z = np.array([[50.0, 50.0], [50.0, 50.0 - 1e-10]])  # spectral radius 1 - 5e-13
    ds = _one_region(z, [100.0, 100.0])
    with pytest.warns(ConditioningWarning, match="region='Hainan'.*nearly singular"):
        multiplier = analysis.output_multipliers(ds, kind="total")
    expected = np.linalg.inv(np.eye(2) - z / 100.0).sum(0)
    assert expected.min() > 1e11
    np.testing.assert_allclose(multiplier.values.ravel(), expected, rtol=1e-2)


def test_productive_economy_with_large_column_sums_is_computed():
    # a column sum above 1 (negative value added in sector 01) but spectral radius below 1
    ds = _one_region([[10.0, 0.0], [100.0, 10.0]], [100.0, 100.0])
    m = analysis.output_multipliers(ds, kind="total").values.ravel()
    a = np.array([[0.1, 0.0], [1.0, 0.1]])
    np.testing.assert_allclose(m, np.linalg.inv(np.eye(2) - a).sum(0), rtol=1e-12)


def test_nan_gdp_is_refused():
    ds = table()
    ds["value_added"].loc[{"region": "Jilin"}] = np.nan
    refused(SchemaError, "value_added.*NaN.*Jilin", value_added_share, ds)
    refused(SchemaError, "value_added.*NaN.*Jilin", circulation_ratio, ds, "dual")


def test_dask_tables_are_checked_when_computed():
    pytest.importorskip("dask")
    ds = _spoil("intermediate_use", np.nan).chunk({"region": 1})
    lazy = analysis.technical_coefficients(ds)  # building the graph is fine
    with pytest.raises(SchemaError, match="has NaN at region='Jilin'"):
        lazy.compute()
    lazy_gdp = gdp(_spoil("value_added", np.inf).chunk({"region": 1}))
    with pytest.raises(SchemaError, match="infinite at region='Jilin'"):
        lazy_gdp.compute()


# -- class 5: CSV numbers ---------------------------------------------------------------------

CUSTOMS = "region,year,exports,imports,unit\nLiaoning,2017,{},10,10^8 USD\n"
PARTNERS = "region,year,partner,exports,imports,unit\nLiaoning,2017,Japan,{},1,10^8 USD\n"
FREIGHT = "origin,destination,year,tonnes\nLiaoning,Jilin,2021,{}\nJilin,Liaoning,2021,1\n"
READERS = {
    "customs": (CUSTOMS, read_customs_csv),
    "partners": (PARTNERS, read_partner_trade_csv),
    "freight": (FREIGHT, read_freight_csv),
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(
    "text", ['"1,5"', '"2,75"', '"12,34"', '"1,2345"', '"1.234,5"', "inf", "-inf", "nan", "1 234"]
)
def test_ambiguous_or_infinite_numbers_are_refused(reader, text):
    template, read = READERS[reader]
    refused(ReadError, "not a number", read, io.StringIO(template.format(text)))


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(
    ("text", "value"), [('"1,234"', 1234.0), ('"1,234,567.5"', 1234567.5), ("1e3", 1000.0)]
)
def test_valid_thousands_grouping_is_read(reader, text, value):
    template, read = READERS[reader]
    result = read(io.StringIO(template.format(text)))
    values = result["exports"] if isinstance(result, xr.Dataset) else result
    if reader == "freight":
        got = values.sel(origin="Liaoning", destination="Jilin").item()
    elif reader == "partners":
        got = values.sel(partner="Japan", direction="export").squeeze().item()
    else:
        got = values.squeeze().item()
    assert got == value


@pytest.mark.parametrize("reader", list(READERS))
def test_negative_and_header_only_csv_are_refused(reader):
    template, read = READERS[reader]
    refused(ReadError, "negative", read, io.StringIO(template.format("-3")))
    header = template.split("\n")[0] + "\n"
    refused(ReadError, "no data rows", read, io.StringIO(header))
    refused(ReadError, "cannot read", read, io.StringIO(""))


# -- class 6: results never alias inputs --------------------------------------------------------


def _arrays(obj: Any):
    if isinstance(obj, xr.Dataset):
        for var in obj.variables.values():
            yield var.values
    elif isinstance(obj, xr.DataArray):
        yield obj.values
        for coord in obj.coords.values():
            yield coord.values


def _customs_split(ds: xr.Dataset) -> xr.Dataset:
    exports = 0.1 * flow_values(ds, "gross_outflow").sum("sector")
    imports = 0.1 * flow_values(ds, "gross_inflow").sum("sector")
    return with_customs_trade(ds, exports, imports)


ALIASING: dict[str, Callable[[xr.Dataset], Any]] = {
    **ANALYSIS,
    "with_customs_trade": _customs_split,
    "flow_values": lambda ds: flow_values(ds, "export"),
    "aggregate_sectors": lambda ds: iocirc.aggregate_sectors(
        ds, dict.fromkeys(ds.sector.values, "A")
    ),
    "aggregate_regions": lambda ds: aggregate_regions(circulation_ratio(ds, "dual")),
    "from_tidy": lambda ds: iocirc.from_tidy(iocirc.to_tidy(ds)),
}


@pytest.mark.parametrize("name", list(ALIASING))
def test_results_share_no_memory_with_the_input(name):
    ds = table()
    before = ds.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ALIASING[name](ds)
    inputs = [a for a in _arrays(ds) if a.dtype != object]
    for array in _arrays(result):
        assert not any(np.shares_memory(array, other) for other in inputs), name
        if array.dtype.kind in "fiu" and array.size and array.flags.writeable:
            array.flat[0] = -12345.0  # editing the result in place ...
    xr.testing.assert_identical(ds, before)  # ... never reaches the input


# -- class 7: the cache verifies what is read ---------------------------------------------------


def test_tampered_cache_file_with_size_and_mtime_kept_is_refused(tmp_path):
    from iocirc import download

    target = tmp_path / "t.xls"
    target.write_bytes(b"1" * 1000)
    expected = download._sha256(target)
    download._check_cached(target, expected)  # intact: fine
    stat = target.stat()
    target.write_bytes(b"9" + b"1" * 999)  # same size ...
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ... same mtime
    refused(DownloadError, re.escape(str(target)), download._check_cached, target, expected)


@pytest.mark.skipif(not os.environ.get("IOCIRC_DATA"), reason="IOCIRC_DATA is not set")
def test_the_bytes_a_reader_parses_are_verified(tmp_path, monkeypatch):
    from iocirc import download

    source = download.provincial_files(2017, "Jilin")[0]
    relative = source.relative_to(download.cache_root() / "data-raw")
    copy = tmp_path / "data-raw" / relative
    copy.parent.mkdir(parents=True)
    copy.write_bytes(source.read_bytes())
    monkeypatch.setenv("IOCIRC_DATA", str(tmp_path))
    assert iocirc.read_nbs_table(copy).sizes["sector"] == 42  # intact: read
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01  # changed after fetch() checked it
    copy.write_bytes(bytes(data))
    refused(DownloadError, "changed after it was checked", iocirc.read_nbs_table, copy)


def test_iocirc_data_pointing_at_data_raw_itself(tmp_path, monkeypatch):
    folder = tmp_path / "data-raw"
    folder.mkdir()
    monkeypatch.setenv("IOCIRC_DATA", str(folder))
    name = next(iter(iocirc.download.registry()))
    refused(DownloadError, "did you mean its parent", iocirc.download.fetch, name)
    assert list(folder.iterdir()) == []  # nothing created inside the user's copy


def test_read_only_data_copy_is_not_written(tmp_path, monkeypatch):
    (tmp_path / "data-raw").mkdir()
    (tmp_path / "data-raw").chmod(0o555)
    # Root (as in CI) may write anywhere: the folder is reported read-only as it is to a user.
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).is_relative_to(tmp_path):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(iocirc.download.os, "access", access)
    monkeypatch.setenv("IOCIRC_DATA", str(tmp_path))
    name = next(iter(iocirc.download.registry()))
    try:
        refused(DownloadError, "cannot be written", iocirc.download.fetch, name)
        assert list((tmp_path / "data-raw").iterdir()) == []  # nothing created
    finally:
        (tmp_path / "data-raw").chmod(0o755)


# -- class 9: freight OD arrays ------------------------------------------------------------------

FREIGHT_FUNCS = [
    freight_outflow_share,
    freight_receipt_share,
    freight_domestic_share,
    freight_integration_level,
]
OD_NAMES = ["Liaoning", "Jilin", "Heilongjiang", "Beijing"]


def _od(values=None, origin=OD_NAMES, destination=OD_NAMES) -> xr.DataArray:
    rng = np.random.default_rng(3)
    data = rng.uniform(1, 10, (len(origin), len(destination))) if values is None else values
    return xr.DataArray(data, coords={"origin": origin, "destination": destination})


@pytest.mark.parametrize("func", FREIGHT_FUNCS)
def test_bad_freight_arrays_are_refused(func):
    missing = _od(np.ones((4, 3)), destination=OD_NAMES[:3])  # Beijing is no destination
    refused(SchemaError, "origins only: \\['Beijing'\\]", func, missing, NE)
    dup = ["Liaoning", "Jilin", "Jilin", "Beijing"]
    refused(SchemaError, "duplicated label.*Jilin", func, _od(origin=dup, destination=dup),
            ["Liaoning", "Jilin"])  # fmt: skip
    negative = _od()
    negative[0, 1] = -3.0
    refused(SchemaError, "negative at.*origin='Liaoning'", func, negative, NE)
    infinite = _od()
    infinite[2, 1] = np.inf
    refused(SchemaError, "infinite", func, infinite, NE)
    refused(SchemaError, "more than once", func, _od(), ["Liaoning", "Liaoning", "Jilin"])


# -- class 10: aggregate_regions -----------------------------------------------------------------


def _ratio() -> xr.DataArray:
    return circulation_ratio(table(), "dual")


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([1.0, -1.0, 1.0], "negative"),
        ([1.0, np.nan, 1.0], "NaN"),
        ([0.0, 0.0, 0.0], "all zero"),
        ([1.0, np.inf, 1.0], "infinite"),
    ],
)
def test_bad_weights_are_refused(weights, match):
    w = pd.Series(weights, index=NE)
    refused(SchemaError, match, aggregate_regions, _ratio(), weights=w)


def test_group_listing_a_member_twice_and_duplicated_regions():
    refused(
        SchemaError,
        "'North'.*Jilin.*more than once",
        aggregate_regions,
        _ratio(),
        groups={"North": ["Jilin", "Jilin", "Heilongjiang"]},
    )
    doubled = _ratio().isel(region=[0, 1, 1, 2])
    refused(SchemaError, "duplicated label.*Jilin", aggregate_regions, doubled)


def test_nan_indicator_leaves_the_groups_gdp_too():
    ratio = _ratio().copy()
    ratio[1] = np.nan  # Jilin unknown
    national = aggregate_regions(ratio)
    gdp_values = ratio["gdp"].values
    assert national["gdp"].item() == pytest.approx(gdp_values[0] + gdp_values[2])
    expected = (ratio.values[0] * gdp_values[0] + ratio.values[2] * gdp_values[2]) / (
        gdp_values[0] + gdp_values[2]
    )
    assert national.item() == pytest.approx(expected)
    # aggregating further weights the group by the GDP it represents
    again = aggregate_regions(national, groups={"All": ["National"]})
    assert again.item() == pytest.approx(expected)


# -- class 12: constructors and arguments --------------------------------------------------------


def _arrays_of(ds: xr.Dataset, region: str = "Jilin"):
    one = ds.sel(region=region)
    return (
        one["intermediate_use"].values,
        one["final_use"].values,
        one["value_added"].values,
        one["total_output"].values,
    )


def _kw(ds: xr.Dataset) -> dict[str, Any]:
    return {
        "regions": "Jilin",
        "sectors": list(ds.indexes["sector"]),
        "flows": list(ds.indexes["flow"]),
        "va_components": list(ds.indexes["va_component"]),
    }


@pytest.mark.parametrize(
    ("convert", "match"),
    [
        (lambda a: a.astype(complex) + 1j, "complex"),
        (lambda a: a > 0, "booleans"),
        (lambda a: np.full(a.shape, np.datetime64("2017-01-01")), "dates"),
        (lambda a: a.astype(str), "numbers"),
        (lambda a: np.full(a.shape, True, dtype=object), "bool"),
    ],
)
def test_from_arrays_refuses_coercion(convert, match):
    ds = table()
    z, f, v, x = _arrays_of(ds)
    refused(SchemaError, match, iocirc.from_arrays, convert(z), f, v, x, **_kw(ds))


def test_from_arrays_refuses_bad_lengths_and_tolerances():
    ds = table()
    z, f, v, x = _arrays_of(ds)
    refused(SchemaError, "region_code has 0 entries", iocirc.from_arrays, z, f, v, x,
            region_code=[], **_kw(ds))  # fmt: skip
    refused(SchemaError, "regions is empty", iocirc.from_arrays, z[None][:0], f[None][:0],
            v[None][:0], x[None][:0], **{**_kw(ds), "regions": []})  # fmt: skip
    for bad in (np.nan, -1e-3, np.inf, "1e-6", True):
        refused(IocircError, "rtol", iocirc.from_arrays, z, f, v, x, rtol=bad, **_kw(ds))
        refused(IocircError, "rtol", iocirc.validate, ds, rtol=bad)
    refused(IocircError, "atol", iocirc.validate, ds, atol=np.nan)


def test_from_frames_refuses_rows_it_would_drop():
    ds = table()
    one = ds.sel(region="Jilin")
    sectors = list(ds.indexes["sector"])
    z = one["intermediate_use"].to_pandas()
    f = one["final_use"].to_pandas()
    v = one["value_added"].to_pandas()
    extra = pd.concat([f, f.iloc[[0]].rename(index={sectors[0]: "99"})])
    refused(SchemaError, "final_use has the row label.*'99'.*dropped", iocirc.from_frames,
            z, extra, v, region="Jilin")  # fmt: skip
    refused(SchemaError, "repeats", iocirc.from_frames, z, pd.concat([f, f.iloc[[0]]]), v,
            region="Jilin")  # fmt: skip


def test_hypothetical_extraction_refuses_a_string_and_duplicates():
    ds = table()
    refused(IocircError, "not the string '03'.*\\['03'\\]", analysis.hypothetical_extraction, ds,
            "03")  # fmt: skip
    refused(IocircError, "'03'.*more than once", analysis.hypothetical_extraction, ds, ["03", "03"])
    one = analysis.hypothetical_extraction(ds, ["03"])
    assert list(one.indexes["sector"]) == ["03"]


@pytest.mark.parametrize("rate", [-6.8, 0.0, np.nan, np.inf])
def test_usd_to_cny_refuses_bad_rates(rate):
    refused(SchemaError, "finite positive", usd_to_cny, {2017: 1.0}, {2017: rate})


def test_usd_to_cny_refuses_year_with_a_year_dimension_and_huge_units():
    values = xr.DataArray([1.0, 2.0], coords={"year": [2016, 2017]})
    refused(SchemaError, "year=2016 was given but the values have a year dimension", usd_to_cny,
            values, {2016: 6.6, 2017: 6.8}, year=2016)  # fmt: skip
    refused(UnitError, "10\\^400", usd_to_cny, {2017: 1.0}, {2017: 6.8}, from_unit="10^400 USD")
    converted = usd_to_cny(values, {2016: 6.6, 2017: 6.8})
    np.testing.assert_allclose(converted.values, [6.6e-4, 13.6e-4])


def test_read_nbs_table_refuses_a_bad_year_argument(tmp_path):
    path = tmp_path / "t.html"
    path.write_text("<html><table><tr><td>1</td></tr></table></html>")
    for year in ("abc", 2017.5, True):
        refused(ReadError, "year must be an integer", iocirc.read_nbs_table, path, year=year)


# -- class 11: no plain builtin exceptions ------------------------------------------------------


def test_no_plain_value_type_or_linalg_error_is_raised_in_src():
    import ast

    src = Path(iocirc.__file__).parent
    plain = {"ValueError", "TypeError", "LinAlgError", "KeyError", "IndexError", "RuntimeError"}
    offenders = []
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = exc.attr if isinstance(exc, ast.Attribute) else getattr(exc, "id", "")
                if name in plain:
                    offenders.append(f"{path.relative_to(src)}:{node.lineno} raise {name}")
    assert not offenders, offenders


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: analysis.output_multipliers(table().isel(region=[])), SchemaError),
        (lambda: analysis.output_multipliers(table(), kind="both"), IocircError),  # type: ignore[arg-type]
        (lambda: analysis.forward_linkages(table(), model="x"), IocircError),  # type: ignore[arg-type]
        (lambda: iocirc.validate(table(), on_imbalance="loud"), IocircError),  # type: ignore[arg-type]
        (lambda: iocirc.datasets.example_table("nope"), IocircError),
        (lambda: value_added_share(table(), percent="yes"), IocircError),  # type: ignore[arg-type]
        (lambda: aggregate_regions(_ratio(), groups=["Jilin"]), IocircError),  # type: ignore[arg-type]
        (lambda: analysis.ghosh_output(table(), [1, 2, 3]), IocircError),  # type: ignore[arg-type]
        (lambda: with_customs_trade(table("gross"), 5, 5), IocircError),  # type: ignore[arg-type]
    ],
)
def test_unclear_crashes_are_now_clear(call, error):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, IocircError)


# -- class 3 and 4: error cells, formulas without values, hidden sheets, second tables ----------

openpyxl = pytest.importorskip("openpyxl")


def _workbook(tmp_path: Path, name: str = "t.xlsx", region: int = 0):
    from iocirc.readers._render import GridSpec, nbs_grid

    titles = ["辽宁2017年投入产出表", "吉林2017年投入产出表", "黑龙江2017年投入产出表"]
    return nbs_grid(iocirc.datasets.example_table(), region, GridSpec(title=titles[region]))


def _save(grids: dict[str, list[list[Any]]], path: Path, hidden: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, grid in grids.items():
        sheet = book.create_sheet(title)
        for row in grid:
            sheet.append([None if cell == "" else cell for cell in row])
        if title in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def _number_cell(grid: list[list[Any]]) -> tuple[int, int]:
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if isinstance(cell, float) and cell > 0 and r > 5:
                return r, c
    raise AssertionError("no number")


@pytest.mark.parametrize("content", ["=1/0", "=A1*2"])
def test_formula_without_cached_value_is_refused_naming_the_cell(tmp_path, content):
    grid = _workbook(tmp_path)
    r, c = _number_cell(grid)
    grid[r][c] = content  # openpyxl writes the formula without a computed value
    path = _save({"Sheet1": grid}, tmp_path / "f.xlsx")
    cell = openpyxl.utils.get_column_letter(c + 1) + str(r + 1)
    refused(ReadError, f"cell {cell} holds a formula.*without a computed value",
            iocirc.read_nbs_table, path)  # fmt: skip


def test_error_cell_is_refused_naming_the_cell(tmp_path):
    grid = _workbook(tmp_path)
    r, c = _number_cell(grid)
    path = _save({"Sheet1": grid}, tmp_path / "e.xlsx")
    book = openpyxl.load_workbook(path)
    cell = book["Sheet1"].cell(r + 1, c + 1)
    cell.value, cell.data_type = "#DIV/0!", "e"
    book.save(path)
    refused(ReadError, f"cell {cell.coordinate} holds the Excel error #DIV/0!",
            iocirc.read_nbs_table, path)  # fmt: skip


def test_hidden_sheet_that_comes_first_is_not_read(tmp_path):
    visible = _workbook(tmp_path, region=0)
    decoy = [[cell * 10 if isinstance(cell, float) else cell for cell in row] for row in visible]
    path = _save({"old": decoy, "Sheet1": visible}, tmp_path / "h.xlsx", hidden=("old",))
    ds = iocirc.read_nbs_table(path)
    assert "sheet Sheet1" in ds.attrs["source"]
    assert "hidden sheet(s) ['old'] ignored" in ds.attrs["reader_notes"]
    expected = iocirc.datasets.example_table().sel(region=["Liaoning"])
    np.testing.assert_allclose(ds["total_output"].values, expected["total_output"].values)


def test_second_table_in_a_sheet_is_not_dropped(tmp_path):
    first, second = _workbook(tmp_path, region=0), _workbook(tmp_path, region=1)
    width = max(len(r) for r in first + second)
    pad = [[""] * width] * 3
    path = _save({"Sheet1": first + pad + second}, tmp_path / "two.xlsx")
    refused(ReadError, "second table below row", iocirc.read_nbs_table, path)


# -- class 1: untrusted workbooks ---------------------------------------------------------------


def test_one_cell_far_away_is_refused_before_allocating(tmp_path):
    grid = _workbook(tmp_path)
    path = _save({"Sheet1": grid}, tmp_path / "far.xlsx")
    book = openpyxl.load_workbook(path)
    book["Sheet1"]["XFD1048576"] = 1.0
    book.save(path)
    assert path.stat().st_size < 20_000
    refused(ReadError, "A1:XFD1048576.*more than the 5,000,000", iocirc.read_nbs_table, path)


def test_html_spans_are_bounded_in_total(tmp_path):
    cells = "".join('<td rowspan="1000" colspan="1000">1</td>' for _ in range(60))
    path = tmp_path / "spans.xls"
    path.write_text(f"<html><table><tr>{cells}</tr></table></html>")
    refused(ReadError, "span more than", iocirc.read_nbs_table, path)


def test_huge_file_is_refused_without_reading(tmp_path, monkeypatch):
    from iocirc.readers import _workbook

    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 4096)
    monkeypatch.setattr(_workbook, "MAX_BYTES", 1000)
    refused(ReadError, "more than the 1,000", iocirc.read_nbs_table, path)


def test_zip_bomb_member_is_refused(tmp_path, monkeypatch):
    from iocirc.readers import _excel_checks

    grid = _workbook(tmp_path)
    path = _save({"Sheet1": grid}, tmp_path / "bomb.xlsx")
    monkeypatch.setattr(_excel_checks, "MAX_XML_BYTES", 2000)  # stands in for 512 MB
    refused(ReadError, "decompresses to", iocirc.read_nbs_table, path)


def test_a_parser_crash_is_a_read_error_and_the_session_survives(tmp_path, monkeypatch):
    from iocirc.readers._isolation import WORKER

    grid = _workbook(tmp_path)
    path = _save({"Sheet1": grid}, tmp_path / "ok.xlsx")
    monkeypatch.setenv("IOCIRC_READ_MEMORY_LIMIT", str(1 << 20))  # 1 MB: the worker cannot start
    WORKER.close()
    refused(ReadError, "parser crashed", iocirc.read_nbs_table, path)
    monkeypatch.delenv("IOCIRC_READ_MEMORY_LIMIT")
    WORKER.close()
    ds = iocirc.read_nbs_table(path)  # a new worker
    assert ds.sizes["sector"] == 6


# -- class 8: the official tables validate and round-trip ---------------------------------------

needs_data = pytest.mark.skipif(
    not os.environ.get("IOCIRC_DATA"), reason="IOCIRC_DATA is not set to a folder holding data-raw/"
)


@needs_data
@pytest.mark.data
@pytest.mark.parametrize("year", [2002, 2007, 2012, 2017])
def test_official_tables_validate_by_default_and_round_trip(year):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = iocirc.datasets.china_provincial(year)
    warned = {str(w.message).split(" ")[0] for w in caught if w.category is BalanceWarning}
    flagged = [r for r in ds.indexes["region"] if r in ds.attrs["balance_failures"]]
    assert set(flagged) == warned  # the reader's warnings and its record agree
    clean = [r for r in ds.indexes["region"] if r not in flagged]
    iocirc.validate(ds.sel(region=clean))  # what the reader does not flag validates
    for region in flagged:  # and what it flags does not
        with pytest.raises(iocirc.errors.BalanceError):
            iocirc.validate(ds.sel(region=[region]))
    back = iocirc.from_tidy(iocirc.to_tidy(ds))
    xr.testing.assert_identical(back, ds)  # source_file and all
    assert "source_file" in back.coords
    if year == 2002:
        assert {"Jiangxi", "Hainan", "Qinghai"} <= set(clean)
