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

from iocirc.classifications import KNOWN_YEARS, classification_id
from iocirc.errors import BalanceWarning, ReadError
from iocirc.readers import read_nbs_table, read_nbs_tables
from iocirc.readers._labels import norm
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
}

#: The national table of 2017 in 42 sectors, published as a non-competitive-import table
#: (domestic 国产品 and imported 进口品 rows, consumption as its total TC only).
NONCOMPETITIVE = "2017_42部门.xlsx"

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


def _params(paths: list[Path]) -> list[object]:
    if not paths:  # the data marker skips these with the reason from conftest
        return [pytest.param(None, id="IOCIRC_DATA-unset")]
    root = _root()
    assert root is not None
    return [pytest.param(p, id=str(p.relative_to(root))) for p in paths]


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
    """The totals the workbook prints, from its raw cells at the positions found by the reader.

    In a non-competitive table the row totals (``TIU``, ``TFU`` ...) are those of the
    domestic and the imported row of each product together; output ``GO`` the domestic one's.
    """
    layout = _pick_sheet(open_workbook(path), None)
    rows = layout.grid.raw

    def number(cell: object) -> float:
        return 0.0 if cell in ("", None) else float(str(cell).replace(",", ""))

    def column(c: int, row_numbers: list[int]) -> np.ndarray:
        return np.array([number(rows[r][c]) for r in row_numbers])

    totals = {
        name: column(c, layout.sector_rows)
        + (column(c, layout.import_rows) if layout.import_rows and name != "GO" else 0.0)
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
    n, year = ds.sizes["sector"], ds.attrs["year"]
    # A national table in the provincial 42-sector list has that list's classification.
    listed = {classification_id(year)} if n == 42 and year in KNOWN_YEARS else set()
    assert ds.attrs["classification"] in {f"NBS-national-{year}-{n}", *listed}
    assert not {"domestic_outflow", "domestic_inflow"} & set(ds.indexes["flow"])
    check_against_printed_totals(path)


def _noncompetitive_path() -> Path:
    path = next((p for p in NATIONAL_FILES if p.name == NONCOMPETITIVE), None)
    if path is None:
        pytest.skip("IOCIRC_DATA is not set")
    return path


def _printed_noncompetitive(path: Path) -> dict[str, np.ndarray]:
    """Blocks of the non-competitive table, located in its raw cells by their labels here.

    Independent of the reader: the code row is the one holding ``TIU``, the sector
    columns are those coded 1-42 in it, the domestic and imported rows follow the cells
    国产品 and 进口品, and ``GO/IM``, ``TIU``, ``TFU``, ``TVA`` are found by their codes.
    """
    rows = open_workbook(path).sheet("2017年非竞争型投入产出表_42部门").rows
    text = [[norm(cell) for cell in row] for row in rows]
    code_row = next(i for i, row in enumerate(text) if "TIU" in row)
    codes = [str(k) for k in range(1, 43)]
    sector_cols = [text[code_row].index(code) for code in codes]
    domestic = next(i for i, row in enumerate(text) if "国产品" in row)
    imported = next(i for i, row in enumerate(text) if "进口品" in row)
    tva = next(i for i, row in enumerate(text) if "TVA" in row)

    def block(first: int, cols: list[int]) -> np.ndarray:
        return np.array([[float(rows[first + k][c] or 0) for c in cols] for k in range(42)])

    def col(code: str) -> int:
        return text[code_row].index(code)

    return {
        "Z_domestic": block(domestic, sector_cols),
        "Z_imported": block(imported, sector_cols),
        "F_domestic": block(domestic, [col(c) for c in ("TC", "FU201", "FU202", "EX")]),
        "F_imported": block(imported, [col(c) for c in ("TC", "FU201", "FU202", "EX")]),
        "GO": block(domestic, [col("GO/IM")])[:, 0],
        "IM": block(imported, [col("GO/IM")])[:, 0],
        "TIU": block(domestic, [col("TIU")])[:, 0] + block(imported, [col("TIU")])[:, 0],
        "TFU": block(domestic, [col("TFU")])[:, 0] + block(imported, [col("TFU")])[:, 0],
        "TVA": np.array([float(rows[tva][c]) for c in sector_cols]),
    }


def test_noncompetitive_national_table_is_read_as_a_competitive_one() -> None:
    path = _noncompetitive_path()
    ds, warned = read(path)
    assert not warned
    assert ds.attrs["balance_failures"] == ""
    assert "converted from a non-competitive-import table" in ds.attrs["reader_notes"]
    assert (ds.attrs["year"], ds.attrs["classification"]) == (2017, "NBS-2017-42")
    # Consumption is printed as its total only: the registry's aggregate flow TC.
    assert list(ds.indexes["flow"]) == [
        "consumption",
        "fixed_capital_formation",
        "inventory_change",
        "export",
        "import",
    ]
    assert list(ds["flow_code"].values) == ["TC", "FU201", "FU202", "EX", "IM"]
    table = ds.isel(region=0)
    printed = _printed_noncompetitive(path)
    z = table["intermediate_use"].values
    uses = table["final_use"].sel(flow=list(ds.indexes["flow"])[:-1]).values
    imports = table["final_use"].sel(flow="import").values
    go = table["total_output"].values
    tva = table["value_added"].sum("va_component").values
    # Each product's uses are its domestic row plus its imported row; imports are the
    # printed IM (国内产出/进口 on the imported rows); output is the printed GO.
    np.testing.assert_allclose(z, printed["Z_domestic"] + printed["Z_imported"], rtol=1e-12)
    np.testing.assert_allclose(uses, printed["F_domestic"] + printed["F_imported"], rtol=1e-12)
    np.testing.assert_array_equal(imports, printed["IM"])
    np.testing.assert_array_equal(go, printed["GO"])
    # The identities and the printed totals hold to the tolerance of the checks above
    # (these numbers are printed unrounded: a step of 0.01 is generous).
    identities = {
        "IM = uses of the imported products": (
            printed["IM"],
            printed["Z_imported"].sum(1) + printed["F_imported"].sum(1),
            42 + 4,
        ),
        "GO = Z + F - IM": (go, z.sum(1) + uses.sum(1) - imports, 42 + 5),
        "TIU": (printed["TIU"], z.sum(1), 42),
        "TFU": (printed["TFU"], uses.sum(1), 4),
        "TVA": (printed["TVA"], tva, 4),
        "GO = total input": (go, z.sum(0) + tva, 42 + 4),
    }
    for name, (expected, computed, n_terms) in identities.items():
        scale = np.abs(expected) + np.abs(computed)
        allowed = 0.5 * (n_terms + 1) * 0.01 + 1e-4 * scale
        assert np.all(np.abs(expected - computed) <= allowed), name
    # Down to floating-point noise, in fact.
    np.testing.assert_allclose(tva, printed["TVA"], rtol=1e-12)
    np.testing.assert_allclose(z.sum(1) + uses.sum(1) - imports, go, rtol=1e-12)


def test_noncompetitive_national_table_is_the_149_sector_table_aggregated() -> None:
    # The same year's competitive 149-sector table, aggregated to 42 sectors by the
    # concordance sheet of the non-competitive file itself, must be the table read.
    path = _noncompetitive_path()
    table, _ = read(path)
    detailed, _ = read(path.with_name("2017_149部门.xlsx"))
    concordance = open_workbook(path).sheet("部门对照").rows
    to_42: dict[str, str] = {}
    group = ""
    for row in concordance:
        code, detail = norm(row[0]), norm(row[2])
        group = code.zfill(2) if code.isdigit() else group
        if detail.isdigit() and group:
            to_42[detail] = group
    groups = [to_42[str(code)] for code in detailed.indexes["sector"]]
    assert len(set(groups)) == 42
    by_42 = detailed.assign_coords(s42=("sector", groups), t42=("sector_to", groups))
    z = by_42["intermediate_use"].groupby("s42").sum().groupby("t42").sum()
    np.testing.assert_allclose(z.values, table["intermediate_use"].values, rtol=1e-9)
    output = by_42["total_output"].groupby("s42").sum()
    np.testing.assert_allclose(output.values, table["total_output"].values, rtol=1e-9)
    value_added = by_42["value_added"].groupby("t42").sum()
    np.testing.assert_allclose(value_added.values, table["value_added"].values, rtol=1e-9)
    for flow in table.indexes["flow"]:
        aggregated = flow_values(by_42, str(flow)).groupby("s42").sum()
        expected = table["final_use"].sel(flow=flow).values
        np.testing.assert_allclose(aggregated.values, expected, rtol=1e-9, atol=1e-6)


def _original_of(path: Path) -> Path:
    ds, _ = read(path)
    folder = _root() / PROVINCIAL / f"{ds.attrs['year']}年各省份投入产出表"  # type: ignore[operator]
    zh = str(ds["region_zh"].values[0])
    return next(p for p in sorted(folder.glob("*.xls")) if p.stem.lstrip("0123456789-") == zh)


def _disagreement(path: Path) -> str | None:
    """Where a re-publication departs from its original beyond rounding, or None."""
    republished, _ = read(path)
    original, _ = read(_original_of(path))
    for name in ("intermediate_use", "value_added", "total_output"):
        if republished[name].shape != original[name].shape:
            return f"{name} has shape {republished[name].shape}, not {original[name].shape}"
        gap = float(np.abs(republished[name].values - original[name].values).max())
        if gap > 0.5 + 1e-6:
            return f"{name} differs by up to {gap:g}"
    # Flows by what both let derive: 2007 Guangdong prints exports and the domestic
    # outflow where the original prints their sum.
    common = set(available_flows(republished)) & set(available_flows(original))
    if not (set(republished.indexes["flow"]) <= common or set(original.indexes["flow"]) <= common):
        return "the flows reported cannot be matched"
    for flow in sorted(common):
        rounding = 0.5 * len(FLOWS[flow].leaves) + 1e-6  # each rounded term, derived or not
        gap = float(np.abs(flow_values(republished, flow) - flow_values(original, flow)).max())
        if not gap <= rounding:
            return f"flow {flow!r} differs by up to {gap:g}"
    return None


AGREEING = [p for p in REPUBLISHED_FILES if p.name not in REVISED]
DIFFERING = [p for p in REPUBLISHED_FILES if p.name in REVISED]


@pytest.mark.parametrize("path", _params(AGREEING))
def test_republication_agrees_with_the_original_to_its_rounding(path: Path) -> None:
    assert _disagreement(path) is None


@pytest.mark.parametrize("path", _params(DIFFERING))
def test_revised_republications_are_listed_because_they_differ(path: Path) -> None:
    # The listed re-publications carry revised or damaged values: each must really differ from
    # its original beyond rounding, or it does not belong in REVISED.
    assert _disagreement(path) is not None, REVISED[path.name]


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
