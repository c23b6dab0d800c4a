"""Render a table in the layout of the official workbooks (for tests and examples).

:func:`nbs_grid` lays one region of a table out as the statistics bureaus do:
title, unit, Chinese header labels, a code row, sector rows with names and
codes, the intermediate-input total, value-added rows and totals. Options turn
parts off or vary them, as the real vintages and re-publications do, so that
the readers can be tested without the official files (``noncompetitive`` lays a
table out as a non-competitive-import one, with domestic and imported rows).
:func:`write_xlsx` and :func:`write_html` save a grid (``openpyxl`` is needed
for ``.xlsx``).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from iocirc.errors import ArgumentError
from iocirc.schema import identity_terms, members

__all__ = ["GridSpec", "nbs_grid", "write_html", "write_xlsx"]

_FLOWS = members("flow")
_VA = members("va_component")


@dataclass(frozen=True)
class GridSpec:
    """How to lay a table out.

    Attributes
    ----------
    title : the title cell (``"辽宁2017年投入产出表"``), or None for none.
    unit : the unit cell (``"单位：万元"``), or None.
    labels : print Chinese header labels (sector names above the columns,
        flow and total names above theirs).
    code_row : print the code row (sector codes, ``TIU``, ``FU101`` ...).
    row_codes : print the sector and value-added codes beside the rows.
    subtotals : print the subtotal columns ``THC`` and ``GCF`` beside their parts.
    negative_imports : print imports and inflows as negative numbers.
    scale : divide every number by this (10^4 to print in 亿元).
    top, left : empty rows above and columns left of the table.
    noncompetitive : print each product's uses split into a row of domestic
        products (block headed 国产品) and one of imported products (进口品),
        each product's imports in proportion to its uses; no import column, and
        the output column headed ``国内产出/进口`` (``GO/IM``) holds the imports on
        the imported rows. Imports must be the table's only negative flow.
    """

    title: str | None = "辽宁2017年投入产出表"
    unit: str | None = "单位：万元"
    labels: bool = True
    code_row: bool = True
    row_codes: bool = True
    subtotals: bool = True
    negative_imports: bool = False
    scale: float = 1.0
    top: int = 0
    left: int = 0
    noncompetitive: bool = False


def nbs_grid(ds: xr.Dataset, region: int = 0, spec: GridSpec | None = None) -> list[list[Any]]:
    """Lay out region number ``region`` of ``ds`` as an official workbook sheet.

    Returns
    -------
    list of list
        Rows of cells (``str`` or ``float``, ``""`` for an empty cell), as a
        workbook reader returns them.

    Examples
    --------
    >>> import iocirc
    >>> grid = nbs_grid(iocirc.datasets.example_table())
    >>> grid[0][0], grid[2][0], grid[5][:4]
    ('辽宁2017年投入产出表', '单位：万元', ['代码', '', '-', '01'])
    """
    spec = spec or GridSpec()
    table = ds.isel(region=region)
    codes = [str(c) for c in table.indexes["sector"]]
    names = [str(n) for n in table["sector_zh"].values]
    z = np.asarray(table["intermediate_use"].values, dtype=float) / spec.scale
    final = {
        str(f): np.asarray(table["final_use"].sel(flow=f).values, dtype=float) / spec.scale
        for f in table.indexes["flow"]
    }
    va = {
        str(k): np.asarray(table["value_added"].sel(va_component=k).values, dtype=float)
        / spec.scale
        for k in table.indexes["va_component"]
    }
    output = np.asarray(table["total_output"].values, dtype=float) / spec.scale
    if spec.noncompetitive:
        blocks = _noncompetitive_blocks(z, final, output, spec)
    else:
        blocks = [("", z, _columns(z, final, output, spec))]
    columns = blocks[0][2]
    rows = [*_header(codes, names, columns, spec), *_body(codes, names, blocks, va, spec)]
    width = max(len(r) for r in rows)
    padded = [[""] * spec.left + list(r) + [""] * (width - len(r)) for r in rows]
    return [[""] * (width + spec.left) for _ in range(spec.top)] + padded


_Columns = list[tuple[str, str, np.ndarray]]


def _noncompetitive_blocks(
    z: np.ndarray, final: dict[str, np.ndarray], output: np.ndarray, spec: GridSpec
) -> list[tuple[str, np.ndarray, _Columns]]:
    """The domestic and the imported block: each product's uses split by its import share."""
    imports = [f for f in final if _FLOWS[f].sign < 0]
    if imports != ["import"]:
        raise ArgumentError(
            f"a non-competitive layout needs imports as the only negative flow: {imports}"
        )
    uses = {f: v for f, v in final.items() if _FLOWS[f].sign > 0}
    used = z.sum(1) + sum((uses[f] for f in identity_terms("flow", uses)), np.zeros_like(output))
    share = final["import"] / used
    blocks = []
    for mark, part, total in (("国产品", 1.0 - share, output), ("进口品", share, final["import"])):
        block_z = z * part[:, None]
        block = {f: v * part for f, v in uses.items()}
        blocks.append(
            (mark, block_z, _columns(block_z, block, total, spec, go=("国内产出/进口", "GO/IM")))
        )
    return blocks


def _columns(
    z: np.ndarray,
    final: dict[str, np.ndarray],
    output: np.ndarray,
    spec: GridSpec,
    go: tuple[str, str] = ("总产出", "GO"),
) -> _Columns:
    """(label, code, values) of the columns right of the sector block, in the official order."""
    uses = [f for f in final if _FLOWS[f].sign > 0 and f != "other"]
    sign = -1.0 if spec.negative_imports else 1.0
    columns = [("中间使用合计", "TIU", z.sum(1))]
    for f in uses:
        columns.append((_FLOWS[f].zh, _FLOWS[f].code, final[f]))
        for aggregate, label in (("household", "小计"), ("capital_formation", "合计")):
            parts = _FLOWS[aggregate].parts
            if spec.subtotals and f == parts[-1] and all(p in final for p in parts):
                columns.append((label, _FLOWS[aggregate].code, sum(final[p] for p in parts)))
    used = sum((final[f] for f in identity_terms("flow", uses)), np.zeros_like(output))
    columns.append(("最终使用合计", "TFU", used))
    for f in final:
        if _FLOWS[f].sign < 0:
            columns.append((_FLOWS[f].zh, _FLOWS[f].code, sign * final[f]))
    if "other" in final:
        columns.append(("其他", "ERR", final["other"]))
    columns.append((*go, output))
    return columns


def _header(
    codes: list[str], names: list[str], columns: _Columns, spec: GridSpec
) -> list[list[Any]]:
    rows: list[list[Any]] = []
    if spec.title is not None:
        rows.append([spec.title])
    rows.append(["(按当年生产者价格计算)"])
    if spec.unit is not None:
        rows.append([spec.unit])
    if spec.labels:
        groups: list[Any] = ["产出\n投入", "", "代码", "中间使用"] + [""] * (len(codes) - 1)
        groups += ["", "最终使用"] + [""] * (len(columns) - 2)
        rows.append(groups)
        rows.append(["", "", "", *names, *(label for label, _, _ in columns)])
    if spec.code_row:
        rows.append(["代码", "", "-", *codes, *(code for _, code, _ in columns)])
    return rows


def _body(
    codes: list[str],
    names: list[str],
    blocks: list[tuple[str, np.ndarray, _Columns]],
    va: dict[str, np.ndarray],
    spec: GridSpec,
) -> list[list[Any]]:
    """Sector rows block by block (a block's mark, 国产品 or 进口品, beside its first row)."""

    def row(group: str, label: str, code: str, values: Any) -> list[Any]:
        return [group, label, code if spec.row_codes else "", *(float(v) for v in values)]

    rows = [
        row(
            mark if i == 0 and mark else ("中间投入" if i == 0 and b == 0 else ""),
            names[i],
            codes[i],
            [*z[i], *(values[i] for _, _, values in columns)],
        )
        for b, (mark, z, columns) in enumerate(blocks)
        for i in range(len(codes))
    ]
    z = sum((block_z for _, block_z, _ in blocks), np.zeros_like(blocks[0][1]))
    columns = zip(*(block_columns for _, _, block_columns in blocks), strict=True)
    sums = [sum(float(values.sum()) for _, _, values in same) for same in columns]
    rows.append(row("", "中间投入合计", "TII", [*z.sum(0), *sums]))
    components = [k for k in va if k != "value_added_total"]
    for k, name in enumerate(components):
        rows.append(row("增加值" if k == 0 else "", _VA[name].zh, _VA[name].code, va[name]))
    total = sum((va[k] for k in identity_terms("va_component", va)), np.zeros(len(codes)))
    rows.append(row("", "增加值合计", "TVA", total))
    rows.append(row("总投入", "", "TI", z.sum(0) + total))
    return rows


def write_xlsx(
    grid: list[list[Any]],
    path: str | Path,
    sheet: str = "Sheet1",
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> Path:
    """Save ``grid`` as an ``.xlsx`` workbook (needs openpyxl); ``extra_sheets`` come first."""
    from openpyxl import Workbook

    book = Workbook()
    sheets = {**(extra_sheets or {}), sheet: grid}
    for i, (name, rows) in enumerate(sheets.items()):
        ws = book.worksheets[0] if i == 0 else book.create_sheet()
        ws.title = name
        for r in rows:
            ws.append([None if cell == "" else cell for cell in r])
    book.save(path)
    return Path(path)


def write_html(grid: list[list[Any]], path: str | Path, *, mime: bool = False) -> Path:
    """Save ``grid`` as an HTML table, as Excel saves a web page; ``mime`` wraps it in MIME."""
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(_text(cell))}</td>" for cell in r) + "</tr>\n" for r in grid
    )
    html = f'<html><head><meta charset="utf-8"></head><body><table>\n{rows}</table></body></html>'
    if mime:
        html = (
            'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="B"\n\n--B\n'
            'Content-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
            f"{html}\n--B--\n"
        )
    Path(path).write_bytes(html.encode("utf-8"))
    return Path(path)


def _text(cell: Any) -> str:
    return repr(cell) if isinstance(cell, float) else str(cell)
