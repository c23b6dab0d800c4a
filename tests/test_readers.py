"""The NBS readers on small generated workbooks laid out like the official ones.

Each workbook is rendered from a balanced table (:mod:`iocirc.readers._render`)
in one of the layouts the official files use (codes and labels, labels only,
codes only, shifted, negative imports, HTML, other units ...); reading it back
must give the same table.
"""

from __future__ import annotations

import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from iocirc.construct import from_arrays
from iocirc.datasets import example_table
from iocirc.errors import BalanceWarning, ReadError
from iocirc.readers import read_nbs_table, read_nbs_tables
from iocirc.readers._labels import column_meaning, norm, product_block, row_meaning
from iocirc.readers._render import GridSpec, nbs_grid, write_html, write_xlsx
from iocirc.readers._workbook import detect_format

VARIABLES = ("intermediate_use", "final_use", "value_added", "total_output")
LAYOUTS = ("full", "gross", "net", "national")
TITLES = {0: "辽宁2017年投入产出表", 1: "吉林2017年投入产出表", 2: "黑龙江2017年投入产出表"}


def assert_same_table(read: xr.Dataset, expected: xr.Dataset, *, rtol: float = 1e-12) -> None:
    """``read`` holds the values of ``expected`` for its region(s), flows and components."""
    assert list(read.indexes["sector"]) == list(expected.indexes["sector"])
    assert sorted(read.indexes["flow"]) == sorted(expected.indexes["flow"])
    assert list(read.indexes["va_component"]) == list(expected.indexes["va_component"])
    aligned = expected.sel(region=list(read.indexes["region"]), flow=list(read.indexes["flow"]))
    for name in VARIABLES:
        np.testing.assert_allclose(read[name].values, aligned[name].values, rtol=rtol, atol=1e-9)


def write(
    tmp_path: Path, layout: str = "full", region: int = 0, name: str = "t.xlsx", **spec: Any
) -> tuple[Path, xr.Dataset]:
    table = example_table(layout)
    spec.setdefault("title", TITLES[region])
    grid = nbs_grid(table, region, GridSpec(**spec))
    return write_xlsx(grid, tmp_path / name), table


# -- labels -------------------------------------------------------------------------------


def test_norm_removes_whitespace_and_full_width_forms() -> None:
    assert norm("国内省外\n流    出") == "国内省外流出"
    assert norm("ＧＯ") == "GO"
    assert norm(42.0) == "42"


@pytest.mark.parametrize(
    ("code", "label", "expected"),
    [
        ("FU302", "流出", ("gross_outflow", "gross_outflow")),
        ("FU302", "调出", ("gross_outflow", "domestic_outflow")),
        ("", "国内省外流入", (None, "domestic_inflow")),
        ("TCF", "资本形成合计", ("capital_formation", "capital_formation")),
        ("TC", "消费支出合计", ("consumption", "consumption")),
        ("GO/IM", "国内产出/进口", ("GO", "GO")),
        ("T1", "第一产业合计", ("subtotal", "subtotal")),
    ],
)
def test_column_meaning_reads_codes_and_labels(
    code: str, label: str, expected: tuple[str | None, str | None]
) -> None:
    assert column_meaning(code, label) == expected


def test_row_block_labels_of_noncompetitive_tables() -> None:
    assert product_block(norm("进   口   品")) == "imported products"
    assert product_block(norm("国   产   品")) == "domestic products"
    assert product_block("国内产品") == "domestic products"
    assert product_block("进口") is None  # the import column's header, not a row block
    assert product_block("农林牧渔产品和服务") is None


def test_row_label_wins_over_row_code() -> None:
    # the 1990s national tables number depreciation VA001
    assert row_meaning("VA001", "固定资产折旧") == "depreciation"
    assert row_meaning("VA001", "") == "compensation"


# -- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_round_trip_of_each_vintage_layout(tmp_path: Path, layout: str) -> None:
    path, table = write(tmp_path, layout)
    ds = read_nbs_table(path)
    assert_same_table(ds, table)
    assert list(ds.indexes["region"]) == ["Liaoning"]
    assert ds.attrs["year"] == 2017
    assert ds.attrs["unit_printed"] == "万元"
    assert str(ds["sector_zh"].values[0]) == str(table["sector_zh"].values[0])


@pytest.mark.parametrize(
    "spec",
    [
        {"code_row": False},  # re-publications without a code row: the labels suffice
        {"labels": False},  # codes only
        {"row_codes": False},  # 2012 Henan re-publication: no codes beside the rows
        {"subtotals": False},
        {"top": 4, "left": 3},  # the table somewhere else on the sheet
    ],
    ids=lambda spec: "-".join(f"{k}={v}" for k, v in spec.items()),
)
def test_blocks_are_found_by_codes_or_labels(tmp_path: Path, spec: dict[str, Any]) -> None:
    path, table = write(tmp_path, **spec)
    assert_same_table(read_nbs_table(path), table)


@pytest.mark.parametrize("layout", ["full", "gross", "national"])
def test_imports_printed_negative_are_stored_positive(tmp_path: Path, layout: str) -> None:
    path, table = write(tmp_path, layout, negative_imports=True)
    ds = read_nbs_table(path)
    assert_same_table(ds, table)
    assert "negative" in ds.attrs["reader_notes"]


def test_unit_in_yi_yuan_is_converted_to_wan_yuan(tmp_path: Path) -> None:
    path, table = write(tmp_path, unit="单位：亿元", scale=1e4)
    ds = read_nbs_table(path)
    assert ds.attrs["unit_printed"] == "亿元"
    assert_same_table(ds, table, rtol=1e-9)


def test_unknown_unit_is_refused(tmp_path: Path) -> None:
    path, _ = write(tmp_path, unit="单位：亿美元")
    with pytest.raises(ReadError, match="亿美元"):
        read_nbs_table(path)


@pytest.mark.parametrize("mime", [False, True], ids=["html", "mhtml"])
def test_html_saved_with_an_xls_name_reads(tmp_path: Path, mime: bool) -> None:
    table = example_table("gross")
    path = write_html(nbs_grid(table, 1, GridSpec(title=TITLES[1])), tmp_path / "t.xls", mime=mime)
    assert detect_format(path) == ("mhtml" if mime else "html")
    ds = read_nbs_table(path)
    assert list(ds.indexes["region"]) == ["Jilin"]
    assert_same_table(ds, table)


def test_format_comes_from_content_not_extension(tmp_path: Path) -> None:
    path, table = write(tmp_path)
    renamed = path.rename(tmp_path / "really_xlsx.xls")
    assert detect_format(renamed) == "xlsx"
    assert_same_table(read_nbs_table(renamed), table)


def test_the_io_sheet_is_picked_among_others(tmp_path: Path) -> None:
    table = example_table()
    coefficients: list[list[Any]] = [["直接消耗系数表"], ["", "01", "02"], ["01", 0.1, 0.2]]
    notes: list[list[Any]] = [["说明"], ["本表按当年生产者价格计算"]]
    path = write_xlsx(
        nbs_grid(table, 0),
        tmp_path / "t.xlsx",
        sheet="流量表",
        extra_sheets={"直接消耗系数": coefficients, "说明": notes},
    )
    ds = read_nbs_table(path)
    assert "流量表" in ds.attrs["source"]
    assert_same_table(ds, table)


def test_domestic_outflow_under_a_gross_outflow_code(tmp_path: Path) -> None:
    # 2007 Guangdong re-publication: EX beside FU302 headed 调出 (the domestic part only)
    table = example_table("full")
    grid = nbs_grid(table, 0)
    code_row = next(r for r in grid if "TIU" in r)
    label_row = grid[grid.index(code_row) - 1]
    for row, old, new in (
        (code_row, "OF", "FU302"),
        (label_row, "国内省外流出", "调出"),
        (code_row, "IF", "FU304"),
        (label_row, "国内省外流入", "调入"),
    ):
        row[row.index(old)] = new
    ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert {"export", "domestic_outflow", "import", "domestic_inflow"} <= set(ds.indexes["flow"])
    assert_same_table(ds, table)


def test_a_shifted_code_row_is_overruled_by_labels_that_add_up(tmp_path: Path) -> None:
    # 2012 Henan re-publication: the codes of the trade columns sit one column off
    table = example_table("full")
    grid = nbs_grid(table, 0, GridSpec(subtotals=False))
    code_row = next(r for r in grid if "TIU" in r)
    start, stop = code_row.index("EX"), code_row.index("GO")
    code_row[start:stop] = [*code_row[start + 1 : stop], ""]
    ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert_same_table(ds, table)
    assert "disagree" in ds.attrs["reader_notes"]


def test_sector_group_subtotals_are_skipped(tmp_path: Path) -> None:
    # 1995 national table: 第一产业合计 (code T1) rows and columns inside the blocks
    table = example_table("national")
    grid = nbs_grid(table, 0)
    code_row_index = next(i for i, r in enumerate(grid) if "TIU" in r)
    first, second = code_row_index + 1, code_row_index + 2
    subtotal = [
        "",
        "第一产业合计",
        "T1",
        *(a + b for a, b in zip(grid[first][3:], grid[second][3:], strict=True)),
    ]
    grid.insert(second, subtotal)
    for r, row in enumerate(grid):
        value = "T1" if r == code_row_index else ("第一产业合计" if r == code_row_index - 1 else "")
        if r > code_row_index and row[3] != "" and isinstance(row[3], float):
            value = row[3] + row[4]
        row.insert(5, value)
    ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert_same_table(ds, table)


def test_value_added_without_the_standard_split_is_stored_as_total(tmp_path: Path) -> None:
    # 1990 national table: 劳动者收入, 福利基金, 利润和税金 ... are not the four components
    table = example_table()
    grid = nbs_grid(table, 0, GridSpec(row_codes=False))
    labels = [r[1] for r in grid]
    grid[labels.index("生产税净额")][1] = "利润和税金"
    ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert list(ds.indexes["va_component"]) == ["value_added_total"]
    np.testing.assert_allclose(
        ds["value_added"].values[0, 0], table["value_added"].isel(region=0).sum("va_component")
    )


def test_consumption_printed_as_its_total_only_is_the_consumption_flow(tmp_path: Path) -> None:
    # 2017 national 42-sector table: 消费支出合计 (TC), no household or government split
    table = example_table("national")
    parts = ["household_rural", "household_urban", "government"]
    rest = [f for f in table.indexes["flow"] if f not in parts]
    final = np.concatenate(
        [
            table["final_use"].sel(flow=parts).sum("flow").values[..., None],
            table["final_use"].sel(flow=rest).values,
        ],
        axis=-1,
    )
    consumption = from_arrays(
        table["intermediate_use"].values,
        final,
        table["value_added"].values,
        table["total_output"].values,
        regions=list(table.indexes["region"]),
        sectors=list(table.indexes["sector"]),
        flows=["consumption", *rest],
        sector_zh=list(table["sector_zh"].values),
    )
    grid = nbs_grid(consumption, 0)
    assert "TC" in next(r for r in grid if "TIU" in r)
    assert "最终消费" in grid[4]
    ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert next(iter(ds.indexes["flow"])) == "consumption"
    assert_same_table(ds, consumption)
    assert ds.attrs["reader_notes"] == ""


# -- non-competitive-import tables --------------------------------------------------------


def noncompetitive(tmp_path: Path, **spec: Any) -> tuple[list[list[Any]], xr.Dataset]:
    """A national table laid out with domestic (国产品) and imported (进口品) rows."""
    table = example_table("national")
    return nbs_grid(table, 0, GridSpec(noncompetitive=True, **spec)), table


def block_starts(grid: list[list[Any]]) -> tuple[int, int]:
    return (
        next(i for i, r in enumerate(grid) if r[0] == "国产品"),
        next(i for i, r in enumerate(grid) if r[0] == "进口品"),
    )


@pytest.mark.parametrize(
    "spec",
    [{}, {"row_codes": False}, {"code_row": False}, {"subtotals": False}, {"labels": False}],
    ids=lambda spec: "-".join(f"{k}={v}" for k, v in spec.items()) or "default",
)
def test_a_noncompetitive_table_is_read_as_a_competitive_one(
    tmp_path: Path, spec: dict[str, Any]
) -> None:
    grid, table = noncompetitive(tmp_path, **spec)
    with warnings.catch_warnings():
        warnings.simplefilter("error", BalanceWarning)
        ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    # Domestic + imported rows are the competitive table's uses; imports are IM.
    assert_same_table(ds, table, rtol=1e-9)
    notes = ds.attrs["reader_notes"]
    assert "converted from a non-competitive-import table" in notes
    assert "as printed on the imported rows" in notes


def test_noncompetitive_blocks_headed_on_rows_of_their_own(tmp_path: Path) -> None:
    grid, table = noncompetitive(tmp_path)
    domestic, imported = block_starts(grid)
    width = len(grid[0])
    grid[domestic][0] = grid[imported][0] = ""
    grid.insert(imported, ["", "进口产品", "", *[""] * (width - 3)])
    grid.insert(domestic, ["", "国内产品", "", *[""] * (width - 3)])
    ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert_same_table(ds, table, rtol=1e-9)


def test_noncompetitive_imports_not_printed_are_the_imported_rows_uses(tmp_path: Path) -> None:
    grid, table = noncompetitive(tmp_path)
    code_row = next(i for i, r in enumerate(grid) if "TIU" in r)
    go = grid[code_row].index("GO/IM")
    grid[code_row][go], grid[code_row - 1][go] = "GO", "总产出"
    _, imported = block_starts(grid)
    for row in grid[imported : imported + table.sizes["sector"]]:
        row[go] = ""
    ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert_same_table(ds, table, rtol=1e-9)
    assert "not printed; the sum of the imported rows' uses" in ds.attrs["reader_notes"]


def test_noncompetitive_imports_that_do_not_add_up_warn(tmp_path: Path) -> None:
    grid, _ = noncompetitive(tmp_path)
    code_row = next(i for i, r in enumerate(grid) if "TIU" in r)
    go = grid[code_row].index("GO/IM")
    _, imported = block_starts(grid)
    grid[imported + 1][go] += 5000.0  # the imports of sector 02, not their uses
    with pytest.warns(BalanceWarning) as record:
        ds = read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    messages = [str(w.message) for w in record]
    assert any("IM = intermediate and final use of the imported" in m for m in messages)
    assert all("sector '02'" in m for m in messages)
    assert "IM" in ds.attrs["balance_failures"].split(", ")


def test_noncompetitive_imported_rows_must_repeat_the_sectors(tmp_path: Path) -> None:
    grid, _ = noncompetitive(tmp_path)
    _, imported = block_starts(grid)
    del grid[imported + 2]  # the imported row of sector 03
    with pytest.raises(ReadError, match=r"imported-product rows .* do not repeat") as info:
        read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))
    assert "'03'" in str(info.value)
    assert "t.xlsx" in str(info.value)


# -- region and year ----------------------------------------------------------------------


def test_region_and_year_from_the_file_name_when_no_title(tmp_path: Path) -> None:
    path, _ = write(tmp_path, region=2, title=None, name="2012年黑龙江省42部门投入产出表.xlsx")
    ds = read_nbs_table(path)
    assert list(ds.indexes["region"]) == ["Heilongjiang"]
    assert ds.attrs["year"] == 2012


def test_region_and_year_from_the_arguments_when_nothing_says(tmp_path: Path) -> None:
    path, _ = write(tmp_path, title=None, name="table.xlsx")
    with pytest.raises(ReadError, match="cannot tell the province"):
        read_nbs_table(path)
    ds = read_nbs_table(path, region="辽宁", year=2007)
    assert list(ds.indexes["region"]) == ["Liaoning"]
    assert ds.attrs["year"] == 2007


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("6吉林.xlsx", {}, "conflicting province"),
        ("t.xlsx", {"region": "Jilin"}, "conflicting province"),
        ("2012年辽宁.xlsx", {}, "conflicting year"),
        ("t.xlsx", {"year": 2012}, "conflicting year"),
    ],
)
def test_conflicting_region_or_year_is_an_error(
    tmp_path: Path, name: str, kwargs: dict[str, Any], message: str
) -> None:
    path, _ = write(tmp_path, name=name)  # the title says 辽宁 2017
    with pytest.raises(ReadError, match=message) as info:
        read_nbs_table(path, **kwargs)
    assert name in str(info.value)


def test_national_table_reads_as_china(tmp_path: Path) -> None:
    path, _ = write(tmp_path, "national", title="中国2017年投入产出表", name="0中国.xlsx")
    ds = read_nbs_table(path)
    assert list(ds.indexes["region"]) == ["China"]
    assert "domestic_outflow" not in ds.indexes["flow"]


# -- balance ------------------------------------------------------------------------------


def test_a_table_that_does_not_add_up_is_read_with_a_warning(tmp_path: Path) -> None:
    table = example_table()
    grid = nbs_grid(table, 0)
    first_sector = next(i for i, r in enumerate(grid) if r[2] == "01")
    grid[first_sector][4] += 5000.0  # Z[01, 02]: now TIU, GO and TII disagree with it
    path = write_xlsx(grid, tmp_path / "t.xlsx")
    with pytest.warns(BalanceWarning) as record:
        ds = read_nbs_table(path)
    messages = [str(w.message) for w in record]
    assert all(m.startswith("Liaoning 2017 (t.xlsx, sheet 'Sheet1')") for m in messages)
    assert any("TIU" in m and "sector '01'" in m for m in messages)  # row 01 too large
    assert any("TII" in m and "sector '02'" in m for m in messages)  # column 02 too
    assert "TIU" in ds.attrs["balance_failures"]
    assert float(ds["intermediate_use"].values[0, 0, 1]) == grid[first_sector][4]


def test_rounding_to_whole_numbers_does_not_warn(tmp_path: Path) -> None:
    table = example_table()
    grid = nbs_grid(table, 0)
    data_rows = [r for r in grid if isinstance(r[-1], float)]
    for row in data_rows:
        row[3:] = [float(np.round(v + 0.4)) for v in row[3:]]  # as the re-publications round
    with warnings.catch_warnings():
        warnings.simplefilter("error", BalanceWarning)
        read_nbs_table(write_xlsx(grid, tmp_path / "t.xlsx"))


# -- many provinces -----------------------------------------------------------------------


def test_directory_of_provinces_stacks_and_leaves_out_the_nation(tmp_path: Path) -> None:
    table = example_table("full")
    for region in (2, 0, 1):
        write_xlsx(
            nbs_grid(table, region, GridSpec(title=TITLES[region])), tmp_path / f"{region}.xlsx"
        )
    write_xlsx(nbs_grid(table, 0, GridSpec(title="中国2017年投入产出表")), tmp_path / "0中国.xlsx")
    ds = read_nbs_tables(tmp_path)
    assert list(ds.indexes["region"]) == ["Liaoning", "Jilin", "Heilongjiang"]  # by GB/T 2260
    assert_same_table(ds, table)
    assert list(ds["source_file"].values) == ["0.xlsx", "1.xlsx", "2.xlsx"]


def test_flows_reported_by_some_provinces_only_are_nan_for_the_others(tmp_path: Path) -> None:
    full, national = example_table("full"), example_table("national")
    paths = [
        write_xlsx(nbs_grid(full, 0, GridSpec(title=TITLES[0])), tmp_path / "a.xlsx"),
        write_xlsx(nbs_grid(national, 1, GridSpec(title=TITLES[1])), tmp_path / "b.xlsx"),
    ]
    ds = read_nbs_tables(paths)
    outflow = ds["final_use"].sel(flow="domestic_outflow")
    assert bool(outflow.sel(region="Jilin").isnull().all())
    assert bool(outflow.sel(region="Liaoning").notnull().all())


def test_mixing_vintages_names_the_files(tmp_path: Path) -> None:
    write(tmp_path, name="a.xlsx")
    write(tmp_path, region=1, title="吉林2012年投入产出表", name="b.xlsx")
    with pytest.raises(ReadError, match="different vintages") as info:
        read_nbs_tables(tmp_path)
    for fragment in ("a.xlsx", "b.xlsx", "year 2012", "year 2017"):
        assert fragment in str(info.value)


def test_two_files_of_one_province_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, name="a.xlsx")
    shutil.copy(tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    with pytest.raises(ReadError, match="two workbooks hold the table of Liaoning"):
        read_nbs_tables(tmp_path)


@pytest.mark.parametrize(("module", "suffix"), [("python_calamine", ".xlsx"), ("lxml", ".xls")])
def test_a_missing_optional_dependency_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, suffix: str
) -> None:
    table = example_table()
    grid = nbs_grid(table, 0)
    path = (write_xlsx if suffix == ".xlsx" else write_html)(grid, tmp_path / f"t{suffix}")
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    if module == "lxml":
        monkeypatch.setitem(sys.modules, "lxml.html", None)
    with pytest.raises(ImportError, match=r"pip install 'iocirc\[read\]'"):
        read_nbs_table(path)
