"""The NBS readers on every official workbook (needs ``IOCIRC_DATA``).

Each workbook is read once per session and checked against the totals it
prints itself (total output ``GO``, intermediate use and input ``TIU``/``TII``,
value added ``TVA``, total input ``TI``): the totals are taken from the raw
cells, at the positions the reader found, and compared with sums of the
Dataset. Where a published table does not add up, the reader must have said so
with a BalanceWarning and in ``attrs["balance_failures"]``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from iocirc.errors import BalanceWarning, ReadError
from iocirc.readers import read_nbs_table, read_nbs_tables
from iocirc.readers._workbook import open_workbook
from iocirc.readers.nbs import _pick_sheet
from iocirc.regions import NATION, PROVINCES, province
from iocirc.schema import available_flows, flow_values, identity_terms, members

pytestmark = pytest.mark.data

FLOWS = members("flow")
PROVINCIAL = "中国31省区市42部门投入产出表1997-2017皮皮侠"
REPUBLISHED = "分省投入产出表"
NATIONAL = "中国投入产出表皮皮侠/全国"

#: Files that hold no IO flow table, and what the refusal must say they are.
REFUSED = {
    "2017年全国42个部门基本流量表.xls": "redacted as '[**]'",
    "2018年全国42部门非竞争型投入产出表.xls": "redacted as '[**]'",
    "2017_42部门.xlsx": "non-competitive-import table",
}

#: Re-publications whose numbers are not the originals' rounded: revised releases
#: (their own totals add up, with other values) or damaged copies. Found by this test.
REVISED = {
    "2012年北京42部门投入产出表(基本流量表).xlsx": "revised final use",
    "2012年天津42部门投入产出表(基本流量表)(一).xlsx": "part one only, other values",
    "2012年宁夏42部门投入产出表(基本流量表).xlsx": "other values throughout",
    "2012年广西42部门投入产出表(基本流量表).xlsx": "revised values, no 'other' column",
    "2012年江西省42部门投入产出表(基本流量表).xlsx": "revised values",
    "2012年河北省42部门投入产出表(基本流量表).xlsx": "revised values",
    "2012年河南省42部门投入产出表(基本流量表).xlsx": "trade columns merged, revised values",
    "2012年浙江省42部门投入产出表(基本流量表).xlsx": "revised values",
    "2012年湖南省42部门投入产出表(基本流量表)(一).xlsx": "part one only, damaged columns",
    "2012年辽宁42部门投入产出表(基本流量表).xlsx": "revised final use",
    "2017年广东42部门投入产出表.xlsx": "rural and urban households swapped (see below)",
}


def _root() -> Path | None:
    root = os.environ.get("IOCIRC_DATA")
    return Path(root) / "data-raw" if root and (Path(root) / "data-raw").is_dir() else None


def _files(folder: str, pattern: str) -> list[Path]:
    root = _root()
    return sorted((root / folder).glob(pattern)) if root else []


def _params(paths: list[Path], xfail: dict[str, str] | None = None) -> list[object]:
    if not paths:  # the data marker skips these with the reason from conftest
        return [pytest.param(None, id="IOCIRC_DATA-unset")]
    root = _root()
    assert root is not None
    xfail = xfail or {}
    return [
        pytest.param(
            p,
            id=str(p.relative_to(root)),
            marks=[pytest.mark.xfail(reason=xfail[p.name], raises=AssertionError, strict=True)]
            if p.name in xfail
            else [],
        )
        for p in paths
    ]


PROVINCIAL_FILES = _files(PROVINCIAL, "*/*.xls")
REPUBLISHED_FILES = _files(REPUBLISHED, "*.xlsx")
NATIONAL_FILES = _files(NATIONAL, "*.xls*") + _files(".", "*.xls")


@functools.cache
def read(path: Path) -> tuple[xr.Dataset, tuple[str, ...]]:
    """The table of ``path`` and the BalanceWarnings its reading issued (read once)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = read_nbs_table(path)
    others = [w for w in caught if not issubclass(w.category, BalanceWarning)]
    assert not others, [str(w.message) for w in others]
    return ds, tuple(str(w.message) for w in caught)


def _year_in(path: Path) -> int:
    years = re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", f"{path.parent.name} {path.name}")
    return int(years[-1])


def printed_totals(path: Path) -> dict[str, np.ndarray]:
    """The totals the workbook prints, from its raw cells at the positions found by the reader."""
    layout = _pick_sheet(open_workbook(path), None)
    rows = layout.grid.raw

    def number(cell: object) -> float:
        return 0.0 if cell in ("", None) else float(str(cell).replace(",", ""))

    totals = {
        name: np.array([number(rows[r][c]) for r in layout.sector_rows])
        for name, c in layout.total_cols.items()
    }
    totals |= {
        name: np.array([number(rows[r][c]) for c in layout.sector_cols])
        for name, r in layout.total_rows.items()
    }
    return totals


def check_against_printed_totals(path: Path) -> None:
    ds, warned = read(path)
    table = ds.isel(region=0)
    printed = printed_totals(path)
    z = table["intermediate_use"].values
    terms = list(identity_terms("va_component", ds.indexes["va_component"]))
    va = table["value_added"].sel(va_component=terms).values.sum(0)
    whole = bool(np.all(z == np.round(z)))
    sums = {
        "TIU": (z.sum(1), z.shape[1]),
        "TII": (z.sum(0), z.shape[0]),
        "TVA": (va, len(terms)),
        "TI": (z.sum(0) + va, z.shape[0] + len(terms)),
    }
    failures = ds.attrs["balance_failures"].split(", ") if ds.attrs["balance_failures"] else []
    np.testing.assert_allclose(
        table["total_output"].values, np.maximum(printed["GO"], 0), atol=0.01
    )
    for name, (computed, n_terms) in sums.items():
        if name not in printed or name in failures:
            continue
        scale = np.abs(printed[name]) + np.abs(computed)
        allowed = 0.5 * (n_terms + 1) * (1.0 if whole else 0.01) + 1e-4 * scale
        assert np.all(np.abs(printed[name] - computed) <= allowed), name
    # A table that does not add up says so, and only then.
    assert bool(warned) == bool(failures)
    region = str(ds.indexes["region"][0])
    for message in warned:
        assert message.startswith(f"{region} {ds.attrs['year']}")
        assert path.name in message
        assert re.search(r"sector '\w+'", message)


@pytest.mark.parametrize("path", _params(PROVINCIAL_FILES))
def test_provincial_workbook(path: Path) -> None:
    ds, _ = read(path)
    assert ds.attrs["year"] == _year_in(path)
    assert (ds.sizes["region"], ds.sizes["sector"]) == (1, 42)
    region = province(str(ds.indexes["region"][0]))
    assert (region == NATION) == ("中国" in path.name)
    assert region == NATION or region.zh in path.name
    assert ds.attrs["classification"] == f"NBS-{ds.attrs['year']}-42"
    check_against_printed_totals(path)


@pytest.mark.parametrize("path", _params(REPUBLISHED_FILES))
def test_republished_workbook(path: Path) -> None:
    ds, _ = read(path)
    assert ds.attrs["year"] == _year_in(path)
    assert str(ds["region_zh"].values[0]) in path.name
    assert ds.sizes["sector"] == 42
    check_against_printed_totals(path)


@pytest.mark.parametrize("path", _params(NATIONAL_FILES))
def test_national_workbook(path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(ReadError, match=re.escape(REFUSED[path.name])) as info:
            read_nbs_table(path)
        assert path.name in str(info.value)
        return
    ds, _ = read(path)
    assert list(ds.indexes["region"]) == [NATION.name]
    assert ds.attrs["year"] == _year_in(path)
    n = ds.sizes["sector"]
    assert ds.attrs["classification"] == f"NBS-national-{ds.attrs['year']}-{n}"
    assert not {"domestic_outflow", "domestic_inflow"} & set(ds.indexes["flow"])
    check_against_printed_totals(path)


def _original_of(path: Path) -> Path:
    ds, _ = read(path)
    folder = _root() / PROVINCIAL / f"{ds.attrs['year']}年各省份投入产出表"  # type: ignore[operator]
    zh = str(ds["region_zh"].values[0])
    return next(p for p in sorted(folder.glob("*.xls")) if p.stem.lstrip("0123456789-") == zh)


@pytest.mark.parametrize("path", _params(REPUBLISHED_FILES, xfail=REVISED))
def test_republication_agrees_with_the_original_to_its_rounding(path: Path) -> None:
    republished, _ = read(path)
    original, _ = read(_original_of(path))
    for name in ("intermediate_use", "value_added", "total_output"):
        np.testing.assert_allclose(republished[name].values, original[name].values, atol=0.5 + 1e-6)
    # Flows by what both let derive: 2007 Guangdong prints exports and the domestic
    # outflow where the original prints their sum.
    common = set(available_flows(republished)) & set(available_flows(original))
    assert set(republished.indexes["flow"]) <= common or set(original.indexes["flow"]) <= common
    for flow in sorted(common):
        rounding = 0.5 * len(FLOWS[flow].leaves) + 1e-6  # each rounded term, derived or not
        np.testing.assert_allclose(
            flow_values(republished, flow).values, flow_values(original, flow).values, atol=rounding
        )


def test_guangdong_2017_republication_swaps_the_household_columns() -> None:
    # The original prints urban consumption under 农村居民消费 (FU101); the re-publication
    # keeps the code FU101 but labels it 城镇居民, and the reader follows the label.
    path = next((p for p in REPUBLISHED_FILES if p.name.startswith("2017年广东")), None)
    if path is None:
        pytest.skip("IOCIRC_DATA is not set")
    republished, _ = read(path)
    original, _ = read(_original_of(path))
    for a, b in (("household_urban", "household_rural"), ("household_rural", "household_urban")):
        np.testing.assert_allclose(
            republished["final_use"].sel(flow=a).values, original["final_use"].sel(flow=b).values
        )
    assert "labels were followed" in republished.attrs["reader_notes"]


@pytest.mark.parametrize("year", [2002, 2007, 2012, 2017])
def test_a_vintage_directory_stacks_its_provinces(year: int) -> None:
    root = _root()
    if root is None:
        pytest.skip("IOCIRC_DATA is not set")
    folder = root / PROVINCIAL / f"{year}年各省份投入产出表"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BalanceWarning)  # checked per file above
        ds = read_nbs_tables(folder)
    provinces = [p for p in sorted(folder.glob("*.xls")) if "中国" not in p.name]
    assert ds.sizes["region"] == len(provinces)
    assert NATION.name not in ds.indexes["region"]
    assert list(ds["region_code"].values) == sorted(ds["region_code"].values)
    assert {str(r) for r in ds["region_zh"].values} == {
        p.zh for p in PROVINCES if any(p.zh in f.name for f in provinces)
    }
    for one in provinces[:3]:
        single, _ = read(one)
        name = single.indexes["region"][0]
        np.testing.assert_array_equal(
            ds["intermediate_use"].sel(region=name).values, single["intermediate_use"].values[0]
        )


def test_a_truncated_official_workbook_is_refused(tmp_path: Path) -> None:
    if not PROVINCIAL_FILES:
        pytest.skip("IOCIRC_DATA is not set")
    copy = tmp_path / "truncated.xls"
    shutil.copy(PROVINCIAL_FILES[0], copy)
    copy.write_bytes(copy.read_bytes()[:6000])
    with pytest.raises(ReadError, match=r"truncated\.xls"):
        read_nbs_table(copy)
