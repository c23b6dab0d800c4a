"""The WIOD 2013 world tables: download registry, the R data reader, the MRIO, the EU as a nation.

Tests on the real files need ``IOCIRC_WIOD_DATA`` (a copy of ``bquast/wiod``'s ``data/``
folder, ``../shared/data/wiod`` in CI) and are skipped without it. The reader's refusals
are tested on R data files written here, byte by byte, in R's XDR serialization format.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import hashlib
import os
import re
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import iocirc
from iocirc import download
from iocirc.datasets import WIOD_EU27, wiod2013
from iocirc.download import (
    WIOD_COMMIT,
    fetch_wiod,
    wiod_file_url,
    wiod_registry,
    wiod_table_path,
)
from iocirc.errors import DownloadError, IocircError, ReadError, SchemaError
from iocirc.mrio import to_single_region, validate
from iocirc.mrio._wiod import FINAL_CATEGORIES, read_wiot, wiot_table

WIOD = os.environ.get("IOCIRC_WIOD_DATA")
HAVE_WIOD = bool(WIOD and (Path(WIOD) / "data" / "wiot_2011.RData").is_file())
needs_wiod = pytest.mark.skipif(
    not HAVE_WIOD, reason="IOCIRC_WIOD_DATA is not set to a copy of bquast/wiod's data/ folder"
)


# --- a writer of R data files (XDR, format 2), for files with known content ----------------------

NIL = struct.pack(">i", 254)


def _flags(kind: int, *, attr: bool = False, tag: bool = False, gp: int = 0) -> bytes:
    return struct.pack(">i", kind | (attr << 9) | (tag << 10) | (gp << 12))


def _char(text: str | None) -> bytes:
    if text is None:
        return _flags(9) + struct.pack(">i", -1)
    raw = text.encode()
    return _flags(9, gp=64) + struct.pack(">i", len(raw)) + raw


def _sym(name: str) -> bytes:
    return _flags(1) + _char(name)


def _pairlist(items: list[tuple[str, bytes]]) -> bytes:
    out = b""
    for name, value in items:
        out += _flags(2, tag=True) + _sym(name) + value
    return out + NIL


def _ints(values: np.ndarray, dim: tuple[int, int] | None = None) -> bytes:
    flat = np.asarray(values).ravel(order="F")
    body = struct.pack(">i", flat.size) + flat.astype(">i4").tobytes()
    if dim is None:
        return _flags(13) + body
    return _flags(13, attr=True) + body + _pairlist([("dim", _ints(np.array(dim)))])


def _reals(values: np.ndarray) -> bytes:
    flat = np.asarray(values, dtype=float).ravel(order="F")
    return _flags(14) + struct.pack(">i", flat.size) + flat.astype(">f8").tobytes()


def _strs(values: list[str | None]) -> bytes:
    return _flags(16) + struct.pack(">i", len(values)) + b"".join(_char(v) for v in values)


def _named_list(items: dict[str, bytes]) -> bytes:
    body = struct.pack(">i", len(items)) + b"".join(items.values())
    return _flags(19, attr=True) + body + _pairlist([("names", _strs(list(items)))])


def _rdata(objects: list[tuple[str, bytes]]) -> bytes:
    header = b"RDX2\nX\n" + struct.pack(">iii", 2, 0x030302, 0x020300)
    return header + _pairlist(objects)


def small_table(seed: int = 0, R: int = 3, S: int = 2) -> dict[str, np.ndarray]:
    """Integer WIOD-like arrays: flows drawn, output = row sums + a rounding residual."""
    rng = np.random.default_rng(seed)
    n = R * S
    inter = rng.integers(0, 50, (n, n))
    final = rng.integers(0, 80, (n, 5 * R))
    output = inter.sum(1) + final.sum(1) + rng.integers(-3, 4, n)
    return {"inter": inter, "final": final, "output": output}


def wiot_file(
    path: Path,
    arrays: dict[str, np.ndarray],
    *,
    year: int = 2011,
    countries: list[str | None] | None = None,
    industries: list[str | None] | None = None,
    drop: str | None = None,
    compress: str = "bz2",
) -> Path:
    n = arrays["output"].size
    R = arrays["final"].shape[1] // 5
    S = n // R
    items = {
        "year": _ints(np.array([year])),
        "countries": _strs(countries or [f"C{r}" for r in range(R)]),
        "industries": _strs(industries or [f"c{i + 1}" for i in range(S)]),
        "final": _ints(arrays["final"], arrays["final"].shape),
        "output": _ints(arrays["output"]),
        "inter": _ints(arrays["inter"], arrays["inter"].shape),
    }
    if drop:
        del items[drop]
    raw = _rdata([(f"wiot_{year}", _named_list(items))])
    data = {"bz2": bz2.compress, "gzip": gzip.compress, "none": bytes}[compress](raw)
    path.write_bytes(data)
    return path


# --- the reader on files written here -------------------------------------------------------------


@pytest.mark.parametrize("compress", ["bz2", "gzip", "none"])
def test_reader_reads_what_was_written(tmp_path: Path, compress: str) -> None:
    arrays = small_table(1)
    path = wiot_file(tmp_path / "wiot_2011.RData", arrays, compress=compress)
    got = read_wiot(path, 2011)
    np.testing.assert_array_equal(got.inter, arrays["inter"])
    np.testing.assert_array_equal(got.final, arrays["final"])
    np.testing.assert_array_equal(got.output, arrays["output"])
    assert got.countries == ("C0", "C1", "C2")
    assert got.industries == ("c1", "c2")
    assert got.year == 2011
    assert got.inter.dtype == np.float64


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4))
def test_table_of_a_written_file(
    tmp_path_factory: pytest.TempPathFactory, seed: int, R: int, S: int
) -> None:
    arrays = small_table(seed, R, S)
    path = wiot_file(tmp_path_factory.mktemp("w") / "w.RData", arrays)
    ds = wiot_table(read_wiot(path), nation=["C0"], nation_name="one")
    validate(ds)
    n = R * S
    x = ds["total_output"].values.ravel()
    np.testing.assert_array_equal(x, arrays["output"])  # published output kept
    rows = arrays["inter"].sum(1) + arrays["final"].sum(1)
    np.testing.assert_array_equal(ds["discrepancy"].values.ravel(), arrays["output"] - rows)
    va = ds["value_added"].sel(va_component="value_added_total").values.ravel()
    np.testing.assert_array_equal(va, arrays["output"] - arrays["inter"].sum(0))
    fu = ds["final_use"].transpose("region", "sector", "region_to", "flow").values
    np.testing.assert_array_equal(fu.reshape(n, 5 * R), arrays["final"])
    assert list(ds.indexes["flow"]) == list(FINAL_CATEGORIES)
    assert ds["in_nation"].values.tolist() == [True] + [False] * (R - 1)


def _expect_read_error(path: Path, *words: str) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_wiot(path, 2011)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message, message
    return info.value


def test_refuses_na_values(tmp_path: Path) -> None:
    arrays = small_table(2)
    arrays["inter"][1, 1] = -(2**31)  # R's NA_integer_
    _expect_read_error(wiot_file(tmp_path / "a.RData", arrays), "inter", "NA")


def test_refuses_nan_in_doubles(tmp_path: Path) -> None:
    arrays = small_table(3)
    n = arrays["output"].size
    items = {
        "year": _ints(np.array([2011])),
        "countries": _strs(["A", "B", "C"]),
        "industries": _strs(["c1", "c2"]),
        "final": _ints(arrays["final"], arrays["final"].shape),
        "output": _reals(np.r_[np.nan, np.ones(n - 1)]),
        "inter": _ints(arrays["inter"], arrays["inter"].shape),
    }
    path = tmp_path / "b.RData"
    path.write_bytes(bz2.compress(_rdata([("wiot_2011", _named_list(items))])))
    _expect_read_error(path, "output", "NaN")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"drop": "inter"}, ["lacks", "inter"]),
        ({"countries": ["A", "A", "B"]}, ["countries", "repeats"]),
        ({"countries": ["A", None, "B"]}, ["NA"]),
        ({"year": 2010}, ["2010", "expected 2011"]),
    ],
)
def test_refuses_wrong_content(tmp_path: Path, change: dict, words: list[str]) -> None:
    path = wiot_file(tmp_path / "c.RData", small_table(4), **change)
    _expect_read_error(path, *words)


def test_refuses_wrong_shapes(tmp_path: Path) -> None:
    arrays = small_table(5)
    arrays["final"] = arrays["final"][:, :-1]  # 14 columns: not 5 per region
    _expect_read_error(wiot_file(tmp_path / "d.RData", arrays), "final", "columns")
    arrays = small_table(5)
    arrays["inter"] = arrays["inter"][:, :-1]
    _expect_read_error(wiot_file(tmp_path / "e.RData", arrays), "inter", "expected 6 x 6")


def test_refuses_non_r_files(tmp_path: Path) -> None:
    cases = {
        "empty.RData": b"",
        "text.RData": b"just some text\n",
        "zip.RData": b"PK\x03\x04" + bytes(100),
        "badbz2.RData": b"BZh91AY&SY" + bytes(50),
        "badgzip.RData": b"\x1f\x8b\x08\x00" + bytes(50),
        "gzip_text.RData": gzip.compress(b"hello, not R"),
        "ascii.RData": gzip.compress(b"RDA2\nA\n2\n"),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        _expect_read_error(path)
    _expect_read_error(tmp_path / "missing.RData", "cannot open")


def test_refuses_truncated_and_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = wiot_file(tmp_path / "f.RData", small_table(6))
    whole = path.read_bytes()
    (tmp_path / "cut.RData").write_bytes(whole[: len(whole) // 2])
    _expect_read_error(tmp_path / "cut.RData", "truncated")
    raw = bz2.decompress(whole)
    (tmp_path / "short.RData").write_bytes(bz2.compress(raw[: len(raw) - 40]))
    _expect_read_error(tmp_path / "short.RData", "damaged")
    from iocirc.mrio import _wiod

    monkeypatch.setattr(_wiod, "MAX_UNCOMPRESSED", 1000)
    (tmp_path / "bomb.RData").write_bytes(gzip.compress(b"RDX2\nX\n" + bytes(10**6)))
    _expect_read_error(tmp_path / "bomb.RData", "decompression bomb")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_corrupted_files_raise_read_error_or_read(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Any byte damage to an R data file gives a ReadError or a readable table, never a crash."""
    raw = bytearray(_rdata([("wiot_2011", _named_list(_items(small_table(7))))]))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(raw) // 2, len(raw)))
    path = tmp_path_factory.mktemp("z") / "z.RData"
    path.write_bytes(bz2.compress(bytes(raw[:cut])))
    try:
        arrays = read_wiot(path)
    except ReadError:
        return
    with contextlib.suppress(IocircError):  # a damaged number may give e.g. negative output
        wiot_table(arrays)


def _items(arrays: dict[str, np.ndarray]) -> dict[str, bytes]:
    return {
        "year": _ints(np.array([2011])),
        "countries": _strs(["A", "B", "C"]),
        "industries": _strs(["c1", "c2"]),
        "final": _ints(arrays["final"], arrays["final"].shape),
        "output": _ints(arrays["output"]),
        "inter": _ints(arrays["inter"], arrays["inter"].shape),
    }


# --- the registry and the cache ------------------------------------------------------------------


def test_registry_matches_the_pinned_files() -> None:
    files = wiod_registry()
    assert len(files) == 21
    assert {f"data/wiot_{y}.RData" for y in range(1995, 2012)} <= set(files)
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in files.values())
    assert len(set(files.values())) == len(files)
    assert wiod_file_url("data/wiot_2011.RData") == (
        f"https://raw.githubusercontent.com/bquast/wiod/{WIOD_COMMIT}/data/wiot_2011.RData"
    )
    with pytest.raises(TypeError):
        files["x"] = "y"  # type: ignore[index]


@needs_wiod
def test_registry_matches_sha256sums() -> None:
    assert WIOD is not None
    listed = {}
    for line in (Path(WIOD) / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        listed[name] = digest
    assert listed == dict(wiod_registry())


def test_unknown_years_and_paths_are_refused() -> None:
    for year in (1994, 2012, "x"):
        with pytest.raises(SchemaError):
            wiod_table_path(year)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="not a file of bquast/wiod"):
        fetch_wiod("data/wiot_2099.RData")


@pytest.fixture
def wiod_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IOCIRC_WIOD_DATA", str(tmp_path))
    monkeypatch.setattr(download, "_RETRIES", 0)
    return tmp_path


def _fake_registry(monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    fake = {"data/wiot_2011.RData": hashlib.sha256(content).hexdigest()}
    monkeypatch.setattr(download, "wiod_registry", lambda: fake)


def test_cached_file_is_hash_checked(wiod_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = wiot_file(wiod_cache / "tmp.RData", small_table(8)).read_bytes()
    _fake_registry(monkeypatch, content)
    target = wiod_cache / "data" / "wiot_2011.RData"
    target.parent.mkdir()
    target.write_bytes(content)
    assert fetch_wiod("data/wiot_2011.RData") == target
    assert wiod2013(2011).sizes["region"] == 3
    target.write_bytes(content[:-1] + bytes([content[-1] ^ 1]))
    with pytest.raises(DownloadError, match="corrupted"):
        fetch_wiod("data/wiot_2011.RData")
    with pytest.raises(DownloadError, match="IOCIRC_WIOD_DATA"):
        wiod2013(2011)


def test_missing_file_is_downloaded_and_checked(
    wiod_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooch = pytest.importorskip("pooch")
    content = wiot_file(wiod_cache / "tmp.RData", small_table(9)).read_bytes()
    _fake_registry(monkeypatch, content)
    asked: list[str] = []
    served = [content]

    def serve(self, url, output_file, pooch, check_only=False):
        asked.append(url)
        Path(output_file).write_bytes(served[0])

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", serve)
    path = fetch_wiod("data/wiot_2011.RData")
    assert path == wiod_cache / "data" / "wiot_2011.RData"
    assert path.read_bytes() == content
    assert asked == [wiod_file_url("data/wiot_2011.RData")]
    path.unlink()
    served[0] = b"<html>rate limited</html>"
    with pytest.raises(DownloadError, match="cannot download"):
        fetch_wiod("data/wiot_2011.RData")
    assert not path.exists()


# --- the real tables ----------------------------------------------------------------------------


def _raw(year: int) -> dict:
    """The R object of a year, read with rdata's own converter (independent of the reader)."""
    import rdata

    assert WIOD is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Missing constructor for R class 'iot'"
        parsed = rdata.read_rda(Path(WIOD) / "data" / f"wiot_{year}.RData")
    table = parsed[f"wiot_{year}"]
    return {
        "inter": np.asarray(table["inter"], dtype=float),
        "final": np.asarray(table["final"], dtype=float),
        "output": np.asarray(table["output"], dtype=float),
        "countries": [str(c) for c in table["countries"]],
        "industries": [str(c) for c in table["industries"]],
    }


@pytest.fixture(scope="module")
def wiot_2011() -> xr.Dataset:
    return wiod2013(2011, nation=WIOD_EU27)


@pytest.fixture(scope="module")
def raw_2011() -> dict:
    return _raw(2011)


@needs_wiod
def test_wiod_2011_is_the_published_table(wiot_2011: xr.Dataset, raw_2011: dict) -> None:
    ds = wiot_2011
    assert validate(ds) is ds
    assert iocirc.validate(ds) is ds
    assert dict(ds.sizes) == {
        "region": 41,
        "sector": 35,
        "region_to": 41,
        "sector_to": 35,
        "flow": 5,
        "va_component": 1,
    }
    assert list(ds.indexes["region"]) == raw_2011["countries"]
    assert list(ds.indexes["sector"]) == raw_2011["industries"]
    n = 41 * 35
    Z = ds["intermediate_use"].transpose("region", "sector", "region_to", "sector_to")
    np.testing.assert_array_equal(Z.values.reshape(n, n), raw_2011["inter"])
    Y = ds["final_use"].transpose("region", "sector", "region_to", "flow").values
    np.testing.assert_array_equal(Y.reshape(n, 205), raw_2011["final"])
    x = ds["total_output"].values.ravel()
    np.testing.assert_array_equal(x, raw_2011["output"])  # the published output, kept
    rows = raw_2011["inter"].sum(1) + raw_2011["final"].sum(1)
    np.testing.assert_array_equal(ds["discrepancy"].values.ravel(), x - rows)
    assert 0 < np.abs(x - rows).max() <= 150  # rounding, as the README says
    va = ds["value_added"].sel(va_component="value_added_total").values.ravel()
    np.testing.assert_array_equal(va, x - raw_2011["inter"].sum(0))
    # two Luxembourg rows with zero output whose sales sum to -1 (negative inventory change)
    lux = ds["discrepancy"].sel(region="LUX", sector=["c5", "c8"]).values
    assert ds["total_output"].sel(region="LUX", sector=["c5", "c8"]).values.tolist() == [0, 0]
    assert lux.tolist() == [1.0, 1.0]
    assert ds.attrs["currency_unit"] == "million USD"
    assert ds.attrs["year"] == 2011
    assert ds.attrs["nation"] == "EU27"
    assert str(ds["sector_en"].sel(sector="c1").item()).startswith("Agriculture")
    assert str(ds["sector_to_en"].sel(sector_to="c35").item()).startswith("Private Households")
    assert all(units == "million USD" for units in (ds[v].attrs["units"] for v in ds.data_vars))


@needs_wiod
def test_bad_arguments_are_refused() -> None:
    with pytest.raises(SchemaError, match="XXX"):
        wiod2013(2011, nation=["DEU", "XXX"])
    with pytest.raises(SchemaError):
        wiod2013(2012)
    ds = wiod2013(2011, nation=["DEU", "FRA"], nation_name="core")
    assert ds.attrs["nation"] == "core"
    assert int(ds["in_nation"].sum()) == 2
    assert wiod2013(2011, nation=list(reversed(WIOD_EU27))).attrs["nation"] == "EU27"


@needs_wiod
def test_eu27_is_the_readme_list(wiot_2011: xr.Dataset) -> None:
    assert WIOD is not None
    text = (Path(WIOD) / "README.md").read_text()
    listed = re.search(r"27 EU members of the time are ([A-Z ]+)", " ".join(text.split()))
    assert listed is not None
    assert tuple(listed.group(1).split()) == WIOD_EU27
    members = [str(r) for r in wiot_2011["region"].values[wiot_2011["in_nation"].values]]
    assert members == sorted(WIOD_EU27)


@needs_wiod
@pytest.mark.slow
@pytest.mark.parametrize("year", range(1995, 2012))
def test_every_year_validates(year: int) -> None:
    ds = wiod2013(year)
    validate(ds)
    assert ds.attrs["year"] == year
    assert not ds["in_nation"].values.any()
    assert ds.sizes["region"] * ds.sizes["sector"] == 1435
    assert float(np.abs(ds["discrepancy"]).max()) <= 200


@needs_wiod
def test_eu_circulation_ratios_equal_a_direct_computation(
    wiot_2011: xr.Dataset, raw_2011: dict
) -> None:
    """Members' domestic (intra-EU) and international (extra-EU) circulation ratios, two ways."""
    view = to_single_region(wiot_2011)
    iocirc.validate(view)
    assert list(view.indexes["region"]) == sorted(WIOD_EU27)
    domestic = iocirc.circulation_ratio(view, "domestic")
    international = iocirc.circulation_ratio(view, "international")

    # the same from the raw matrices, with numpy only
    countries = raw_2011["countries"]
    R, S = len(countries), len(raw_2011["industries"])
    Z = raw_2011["inter"].reshape(R, S, R, S)
    Y = raw_2011["final"].reshape(R, S, R, 5)
    sales = Z.sum(axis=3) + Y.sum(axis=3)  # (origin, sector, destination)
    eu = np.array([c in WIOD_EU27 for c in countries])
    gdp = raw_2011["output"].reshape(R, S) - raw_2011["inter"].sum(axis=0).reshape(R, S)
    checked = 0
    for r, country in enumerate(countries):
        if not eu[r]:
            continue
        others = eu.copy()
        others[r] = False
        outflow = sales[r][:, others].sum()
        inflow = sales[others][:, :, r].sum()
        exports = sales[r][:, ~eu].sum()
        imports = sales[~eu][:, :, r].sum()
        value_added = gdp[r].sum()
        np.testing.assert_allclose(
            domestic.sel(region=country).item(), (outflow + inflow) / value_added, rtol=1e-12
        )
        np.testing.assert_allclose(
            international.sel(region=country).item(), (exports + imports) / value_added, rtol=1e-12
        )
        checked += 1
    assert checked == 27
    # Luxembourg trades more with the rest of the EU, relative to GDP, than Germany does
    assert domestic.sel(region="LUX").item() > domestic.sel(region="DEU").item()


@needs_wiod
def test_wiod_read_errors_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy whose hash matches a damaged registry entry still fails as a ReadError."""
    assert WIOD is not None
    damaged = bytearray((Path(WIOD) / "data" / "wiot_2011.RData").read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "wiot_2011.RData").write_bytes(bytes(damaged))
    monkeypatch.setenv("IOCIRC_WIOD_DATA", str(tmp_path))
    with pytest.raises(DownloadError, match="corrupted"):
        wiod2013(2011)
    _fake_registry(monkeypatch, bytes(damaged))
    with pytest.raises(ReadError, match="wiot_2011.RData"):
        wiod2013(2011)


# --- the gallery example -----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_gallery_runs_the_wiod_example_only_with_the_wiod_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util
    import sys

    name = "iocirc_docs"
    ext = sys.modules.get(name)
    if ext is None:
        spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "_ext" / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        ext = importlib.util.module_from_spec(spec)
        sys.modules[name] = ext
        spec.loader.exec_module(ext)
    examples = tmp_path / "examples"
    examples.mkdir()
    source = ROOT / "examples" / "wiod_eu_circulation.py"
    (examples / source.name).write_bytes(source.read_bytes())
    header = tmp_path / "GALLERY_HEADER.rst"
    header.write_text("Examples\n========\n", encoding="utf-8")
    monkeypatch.delenv("IOCIRC_DOCS_EXECUTE", raising=False)
    monkeypatch.setenv("IOCIRC_DATA", str(tmp_path))
    monkeypatch.delenv("IOCIRC_WIOD_DATA", raising=False)
    assert ext.stage_examples(examples, header, tmp_path / "staged") == []
    monkeypatch.setenv("IOCIRC_WIOD_DATA", str(tmp_path))
    monkeypatch.delenv("IOCIRC_DATA", raising=False)
    assert ext.stage_examples(examples, header, tmp_path / "staged") == [source.name]
