"""Bad input to the NBS readers: every defect is a ReadError naming file, sheet and label.

Hypothesis draws small balanced tables, lays them out like the official
workbooks, breaks them in one way (text in a number cell, a duplicated or
missing sector row, a missing total-output column ...) and checks the reader
refuses them with a message that points at the defect. Changes that do not
break a table (a missing code row where the labels suffice, columns in another
order) must give the same table back.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from iocirc.datasets import example_table
from iocirc.errors import ReadError
from iocirc.readers import read_nbs_table, read_nbs_tables
from iocirc.readers._render import GridSpec, nbs_grid, write_xlsx
from iocirc.testing import LAYOUTS, synthetic_table

Grid = list[list[Any]]
SHEET = "Sheet1"


@st.composite
def tables(draw: st.DrawFn) -> xr.Dataset:
    """A one-region table with sector codes 01, 02, ... and Chinese names.

    The numbers come from a drawn seed (numpy is much faster than drawing every
    number with hypothesis); hypothesis explores sizes, vintages and defects.
    """
    n = draw(st.integers(2, 6), label="sectors")
    layout = draw(st.sampled_from(sorted(LAYOUTS)), label="layout")
    seed = draw(st.integers(0, 2**32 - 1), label="seed")
    ds = synthetic_table(1, n, layout=layout, seed=seed, validate=False)
    codes = [f"{i + 1:02d}" for i in range(n)]
    names = [f"部门{code}" for code in codes]
    return ds.assign_coords(
        sector=codes,
        sector_to=codes,
        sector_zh=("sector", names),
        sector_to_zh=("sector_to", names),
        region=["Liaoning"],
    )


def locate(grid: Grid) -> tuple[int, list[int], list[int]]:
    """Code row, sector rows and sector columns of a rendered grid (by construction)."""
    code_row = next(i for i, r in enumerate(grid) if "TIU" in r)
    sector_rows = [i for i, r in enumerate(grid) if i > code_row and str(r[2]).isdigit()]
    tiu = grid[code_row].index("TIU")
    return code_row, sector_rows, list(range(3, tiu))


def read_grid(grid: Grid, name: str = "table.xlsx") -> xr.Dataset:
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(grid, Path(folder) / name, sheet=SHEET)
        return read_nbs_table(path)


def refused(grid: Grid, *fragments: str) -> str:
    """Read ``grid`` expecting a ReadError that names the file, the sheet and ``fragments``."""
    with pytest.raises(ReadError) as info:
        read_grid(grid, "broken.xlsx")
    message = str(info.value)
    assert "broken.xlsx" in message
    assert SHEET in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def same_values(read: xr.Dataset, table: xr.Dataset) -> None:
    aligned = table.sel(flow=list(read.indexes["flow"]))
    assert sorted(read.indexes["flow"]) == sorted(table.indexes["flow"])
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        np.testing.assert_allclose(read[name].values, aligned[name].values, rtol=1e-12)


# -- whole files --------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xls"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match=r"empty\.xls: the file is empty"):
        read_nbs_table(path)


@pytest.mark.parametrize(
    "content",
    [b"region,sector\n01,02\n", b"%PDF-1.4 not a workbook", bytes(range(256))],
    ids=["csv", "pdf", "binary"],
)
def test_not_a_workbook(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "table.xls"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=r"table\.xls: not a workbook"):
        read_nbs_table(path)


@pytest.mark.parametrize("cut", [0.02, 0.3, 0.6, 0.97])
def test_truncated_workbook(tmp_path: Path, cut: float) -> None:
    path = write_xlsx(nbs_grid(example_table()), tmp_path / "cut.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ReadError, match=r"cut\.xlsx"):
        read_nbs_table(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="missing.xls"):
        read_nbs_table(tmp_path / "missing.xls")


def test_html_without_a_table(tmp_path: Path) -> None:
    path = tmp_path / "page.xls"
    path.write_text("<html><body><p>辽宁2017年投入产出表</p></body></html>", encoding="utf-8")
    with pytest.raises(ReadError, match=r"page\.xls: the HTML holds no <table>"):
        read_nbs_table(path)


def test_redacted_template_is_refused_as_such(tmp_path: Path) -> None:
    # the two national "tables" published as HTML have every value replaced by [**]
    grid = nbs_grid(example_table())
    redacted = [[("[**]" if isinstance(c, float) else c) for c in row] for row in grid]
    with pytest.raises(ReadError, match=r"redacted as '\[\*\*\]'"):
        read_grid(redacted)


def test_sheet_without_an_io_table_says_what_each_sheet_is(tmp_path: Path) -> None:
    path = write_xlsx(
        [["2017投入产出表部门对照表"], ["代码", "部门名称"], ["01", "农林牧渔产品和服务"]],
        tmp_path / "concordance.xlsx",
        sheet="部门对照",
        extra_sheets={"直接消耗系数": [["01", 0.1]]},
    )
    with pytest.raises(ReadError) as info:
        read_nbs_table(path)
    assert "'部门对照' appears to be a sector concordance" in str(info.value)
    assert "'直接消耗系数' appears to be a coefficient table" in str(info.value)


def test_unknown_sheet(tmp_path: Path) -> None:
    path = write_xlsx(nbs_grid(example_table()), tmp_path / "t.xlsx")
    with pytest.raises(ReadError, match=r"no sheet '流量表'; it has \['Sheet1'\]"):
        read_nbs_table(path, sheet="流量表")


def test_directory_without_workbooks(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(ReadError, match="holds no workbook"):
        read_nbs_tables(tmp_path)


# -- broken blocks (hypothesis) -----------------------------------------------------------


def _text_in_cell(data: st.DataObject, grid: Grid) -> tuple[str, ...]:
    code_row, rows, cols = locate(grid)
    right = [c for c, code in enumerate(grid[code_row]) if code and c > cols[-1]]
    below = [i for i, r in enumerate(grid) if r[2] in ("VA001", "VA004", "TVA")]
    r = data.draw(st.sampled_from(rows + below), label="row")
    c = data.draw(st.sampled_from(cols + right if r in rows else cols), label="column")
    grid[r][c] = data.draw(st.sampled_from(["n/a", "abc", "一百", "1,2,3", "--5", "12%"]))
    return ("holds the text", f"{get_column_letter(c + 1)}{r + 1}", repr(grid[r][c]))


def _duplicate_sector_row(data: st.DataObject, grid: Grid) -> tuple[str, ...]:
    _, rows, _ = locate(grid)
    r = data.draw(st.sampled_from(rows), label="row")
    grid.insert(r + 1, list(grid[r]))
    return ("appears in rows", repr(grid[r][2]))


def _delete_sector_row(data: st.DataObject, grid: Grid) -> tuple[str, ...]:
    _, rows, _ = locate(grid)
    r = data.draw(st.sampled_from(rows), label="row")
    code = grid.pop(r)[2]
    return ("have a column but no row", repr(code))


def _delete_sector_column(data: st.DataObject, grid: Grid) -> tuple[str, ...]:
    code_row, _, cols = locate(grid)
    c = data.draw(st.sampled_from(cols), label="column")
    code = grid[code_row][c]
    for row in grid:
        del row[c]
    return ("have a row but no column", repr(code))


def _delete_output_column(data: st.DataObject, grid: Grid) -> tuple[str, ...]:
    code_row, _, _ = locate(grid)
    c = grid[code_row].index("GO")
    for row in grid:
        del row[c]
    return ("no total-output column", "GO", "总产出")


def _delete_value_added_total(data: st.DataObject, grid: Grid) -> tuple[str, ...]:
    del grid[next(i for i, r in enumerate(grid) if r[2] == "TVA")]
    return ("no value-added total row", "TVA", "增加值合计")


MUTATIONS: dict[str, Callable[[st.DataObject, Grid], tuple[str, ...]]] = {
    "text in a number cell": _text_in_cell,
    "duplicated sector row": _duplicate_sector_row,
    "missing sector row": _delete_sector_row,
    "missing sector column": _delete_sector_column,
    "missing total-output column": _delete_output_column,
    "missing value-added total row": _delete_value_added_total,
}


@given(table=tables(), mutation=st.sampled_from(sorted(MUTATIONS)), data=st.data())
def test_a_broken_block_is_refused_naming_it(
    table: xr.Dataset, mutation: str, data: st.DataObject
) -> None:
    grid = nbs_grid(table, 0, GridSpec(subtotals=data.draw(st.booleans(), label="subtotals")))
    fragments = MUTATIONS[mutation](data, grid)
    refused(grid, *fragments)


@given(table=tables())
def test_a_missing_code_row_is_refused_when_no_labels_stand_in(table: xr.Dataset) -> None:
    grid = nbs_grid(table, 0, GridSpec(labels=False))
    code_row, _, _ = locate(grid)
    del grid[code_row]
    refused(grid, "TIU", "中间使用合计")


# -- changes that do not break a table (hypothesis) ---------------------------------------


@given(table=tables())
def test_a_missing_code_row_is_no_loss_when_labels_stand_in(table: xr.Dataset) -> None:
    grid = nbs_grid(table, 0)
    del grid[locate(grid)[0]]
    same_values(read_grid(grid), table)


@given(table=tables(), data=st.data())
def test_sector_columns_are_matched_to_rows_by_code_not_position(
    table: xr.Dataset, data: st.DataObject
) -> None:
    grid = nbs_grid(table, 0, GridSpec(labels=False))
    _, _, cols = locate(grid)
    order = data.draw(st.permutations(cols), label="column order")
    for row in grid:
        if len(row) > cols[-1]:
            row[cols[0] : cols[-1] + 1] = [row[c] for c in order]
    same_values(read_grid(grid), table)


@given(table=tables(), data=st.data())
def test_flow_columns_are_found_in_any_order(table: xr.Dataset, data: st.DataObject) -> None:
    grid = nbs_grid(table, 0, GridSpec(subtotals=False))
    code_row, _, cols = locate(grid)
    flows = [c for c, code in enumerate(grid[code_row]) if c > cols[-1] + 1 and code != "GO"]
    order = data.draw(st.permutations(flows), label="flow column order")
    for row in grid:
        if len(row) > max(flows):
            values = [row[c] for c in order]
            for c, value in zip(flows, values, strict=True):
                row[c] = value
    same_values(read_grid(grid), table)


@given(table=tables(), top=st.integers(0, 5), left=st.integers(0, 4))
def test_the_table_may_sit_anywhere_on_the_sheet(table: xr.Dataset, top: int, left: int) -> None:
    same_values(read_grid(nbs_grid(table, 0, GridSpec(top=top, left=left))), table)
