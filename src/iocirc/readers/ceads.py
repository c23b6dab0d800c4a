"""Reader of the CEADS China interprovincial multi-regional input-output workbooks.

The CEADS (Carbon Emission Accounts and Datasets) MRIO tables of 31 provinces x
42 sectors (2012, 2015, 2017: Zheng et al. 2021, Scientific Data 8: 244; 2018,
2020: the later descriptor; 2012 with 30 x 30 in Mi et al. 2018, Scientific
Data 5: 180155) come as Excel workbooks whose table sheet
(``Table_2018_English Version`` and a Chinese ``Table_2018``) is laid out as::

                        | prov. 1 ...  |     | prov. 1 ...         |    |     |     |    |
                        | sectors ...  | TIU | final-use labels    |    |     |     |    |
                        | 01 .. 42 ... |     | FU101 .. FU202 ...  | EX | TFU | ERR | GO |
    prov. 1 | sector 1 | 01 | Z        |     | Y                   | e  |     | d   | x  |
            | ...      | .. |          |     |                     |    |     |     |    |
            | Imports  | IM | m (inputs)     | m (final use)       |    |     |     |    |
            | ...      | TII, VA001 .. VA004, TVA, TI             |    |     |     |    |

(the layout MARIO's CEADS parser, ``mario/parsers/ceads.py``, reads). Province
names stand in the first row (column) of their block only. Imports are a row:
imports *used by* each province's industries and final users, not by product,
so ``Z`` and ``Y`` hold domestic flows only (non-competitive imports); ``ERR``
("Errors", "Others") is the row's balance error. A workbook with an import
*column* instead (code ``IM`` in the code row: imports of each product,
included in ``Z`` and ``Y``, as the provincial tables print them) is read as
competitive imports, the MRIO variable ``import``.

Blocks are found by their codes and labels (``FU101``, ``EX``, ``IM``,
``VA001``, their English names), never by position: the code row is the row of
the final-use codes, the code column the column of the value-added codes, the
sector rows and columns are those with sector codes next to them, and each
province's block runs from its name to the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from iocirc.errors import BalanceError, ReadError, SchemaError
from iocirc.readers._grid import NUMBER, TEXT, Grid, cell_name
from iocirc.readers._labels import is_sector_code, norm
from iocirc.readers._workbook import open_workbook
from iocirc.regions import province
from iocirc.schema import CURRENCY_UNIT, VA_STANDARD

__all__ = ["read_ceads_mrio"]

# Column codes and English labels (normalised: lower case, no spaces) -> meaning.
_FINAL_CODES = {
    "FU101": "household_rural",
    "FU102": "household_urban",
    "FU103": "government",
    "FU201": "fixed_capital_formation",
    "FU202": "inventory_change",
}
_FINAL_LABELS = {
    "ruralhouseholdconsumption": "household_rural",
    "urbanhouseholdconsumption": "household_urban",
    "governmentconsumption": "government",
    "fixedcapitalformation": "fixed_capital_formation",
    "grossfixedcapitalformation": "fixed_capital_formation",
    "changesininventories": "inventory_change",
    "inventoryincrease": "inventory_change",
}
_COLUMN_CODES = {"EX": "export", "IM": "import", "ERR": "other", "GO": "output", "TO": "output"}
_COLUMN_LABELS = {
    "export": "export",
    "exports": "export",
    "import": "import",
    "imports": "import",
    "errors": "other",
    "others": "other",
    "other": "other",
    "grossoutput": "output",
    "totaloutput": "output",
}
_TOTAL_COLUMNS = {"TIU", "TFU"}
_ROW_CODES = {
    "IM": "imports",
    "VA001": "compensation",
    "VA002": "net_production_taxes",
    "VA003": "depreciation",
    "VA004": "operating_surplus",
}
_ROW_LABELS = {
    "imports": "imports",
    "import": "imports",
    "compensationofemployees": "compensation",
    "conpensationofemployees": "compensation",  # sic, in the workbooks
    "nettaxesonproduction": "net_production_taxes",
    "depreciationofthefixedcapital": "depreciation",
    "depreciationonthefixedcapital": "depreciation",
    "depreciationoffixedcapital": "depreciation",
    "operatingsurplus": "operating_surplus",
    "operationgsurplus": "operating_surplus",  # sic
}
_VA = VA_STANDARD
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _Layout:
    """Where the blocks of one table sheet are (0-based rows and columns)."""

    grid: Grid
    code_row: int
    code_col: int
    rows: list[int]  # the sector rows, region-major
    cols: list[int]  # the sector columns of Z, region-major
    regions: list[str]
    sectors: list[str]
    sector_en: list[str]
    final_cols: list[tuple[int, str, str]]  # (column, region, flow)
    special_cols: dict[str, int]  # export / other / output -> column
    special_rows: dict[str, int]  # imports / VA components -> row


def read_ceads_mrio(
    path: str | Path,
    *,
    sheet: str | None = None,
    year: int | None = None,
    nation_name: str = "China",
    rtol: float = 1e-6,
) -> xr.Dataset:
    """Read a CEADS China interprovincial MRIO workbook.

    Parameters
    ----------
    path : str or pathlib.Path
        The workbook (``.xlsx``; ``.xls`` and HTML are read too).
    sheet : str, optional
        The table sheet. Default: the sheet laid out as a CEADS table,
        preferring the English version when there are several.
    year : int, optional
        The table's year. Default: the four digits of the sheet name
        (``Table_2017``), else of the title or the file name.
    nation_name : str
        Name of the nation the provinces form (attribute ``nation``).
    rtol : float
        Tolerance of the identities (see :func:`iocirc.mrio.validate`).

    Returns
    -------
    xarray.Dataset
        A multi-regional table (:mod:`iocirc.mrio`) in 10,000 CNY: every
        province in the nation (``in_nation`` all True); ``intermediate_use``
        and ``final_use`` (rural and urban household consumption, government
        consumption, fixed capital formation, inventory change) of domestic
        products; ``export``; the non-competitive imports ``imported_inputs``
        (by using province and sector) and ``imported_final_use`` (by province
        and final-use category) from the ``IM`` row (or, from an ``IM``
        column, the competitive ``import`` of each product); ``value_added`` (the
        four components); the printed ``total_output`` (``GO``) and the row's
        ``discrepancy`` (``ERR``); ``sector_en`` (``sector_zh`` from a Chinese
        sheet) from the sector labels, ``region_zh`` and ``region_code``.

    Raises
    ------
    ReadError
        When a block cannot be found, a province or sector repeats or the row
        and column axes disagree, or a cell of a block holds text or NaN; the
        message names the file, the sheet and the cell.
    BalanceError
        When the table does not add up (including a printed ``ERR`` that is
        not output minus the row's sales).

    Notes
    -----
    Row and column identities, with non-competitive imports :math:`m`:

    .. math::

        x_{ri} = \\sum_{sj} Z_{ri,sj} + \\sum_{sf} Y_{ri,sf} + e_{ri} + d_{ri},
        \\qquad
        x_{sj} = \\sum_{ri} Z_{ri,sj} + m_{sj} + \\sum_k V_{s,kj}

    Examples
    --------
    >>> import iocirc
    >>> iocirc.read_ceads_mrio("CEADS MRIO 2017.xlsx")  # doctest: +SKIP
    """
    path = Path(path)
    book = open_workbook(path)
    layout = _pick_sheet(book, sheet)
    grid = layout.grid
    R, S = len(layout.regions), len(layout.sectors)
    n = R * S
    row_names = [f"{layout.regions[k // S]}/{layout.sectors[k % S]}" for k in range(n)]
    col_names = list(row_names)
    Z = grid.block(layout.rows, layout.cols, row_names, col_names)
    flows = list(dict.fromkeys(f for _, _, f in layout.final_cols))
    Y = np.zeros((n, R * len(flows)))
    final_cols = [c for c, _, _ in layout.final_cols]
    final_names = [f"{r}/{f}" for _, r, f in layout.final_cols]
    block = grid.block(layout.rows, final_cols, row_names, final_names)
    imported_final = np.zeros(R * len(flows))
    im_row = layout.special_rows.get("imports")
    im_final = (
        grid.block([im_row], final_cols, ["Imports"], final_names)[0]
        if im_row is not None
        else np.zeros(len(final_cols))
    )
    for k, (_, region, flow) in enumerate(layout.final_cols):
        target = layout.regions.index(region) * len(flows) + flows.index(flow)
        Y[:, target] += block[:, k]
        imported_final[target] += im_final[k]

    def column(meaning: str) -> np.ndarray | None:
        col = layout.special_cols.get(meaning)
        if col is None:
            return None
        return grid.block(layout.rows, [col], row_names, [meaning])[:, 0]

    def row(meaning: str) -> np.ndarray | None:
        r = layout.special_rows.get(meaning)
        if r is None:
            return None
        return grid.block([r], layout.cols, [meaning], col_names)[0]

    exports = column("export")
    other = column("other")
    output = column("output")
    imported_inputs = row("imports")
    competitive = column("import")
    if competitive is not None and im_row is not None:
        raise ReadError(
            f"{grid.where()}: both an import column (cell "
            f"{cell_name(layout.code_row, layout.special_cols['import'])}) and an import row "
            f"(cell {cell_name(im_row, layout.code_col)}); a table has one or the other"
        )
    if competitive is not None and (competitive <= 0).all() and (competitive < 0).any():
        competitive = -competitive  # printed with its sign in the row identity
    va = np.array([values for k in _VA if (values := row(k)) is not None])
    components = [k for k in _VA if k in layout.special_rows]
    if output is None and other is not None:
        output = Z.sum(axis=1) + Y.sum(axis=1) + other
        if exports is not None:
            output = output + exports
        if competitive is not None:
            output = output - competitive
    from iocirc.mrio import from_matrices, validate  # the feature layer, imported when used

    ds = from_matrices(
        Z,
        Y,
        regions=layout.regions,
        sectors=layout.sectors,
        final_categories=flows,
        output=output,
        value_added=va if components else None,
        va_components=components or None,
        exports=exports,
        imports=competitive,
        imported_inputs=imported_inputs,
        imported_final_use=imported_final if im_row is not None else None,
        nation=layout.regions,
        nation_name=nation_name,
        year=year if year is not None else _year(grid, path),
        source=f"CEADS China interprovincial MRIO table ({path.name}, sheet {grid.sheet!r})",
        currency_unit=CURRENCY_UNIT,
        price_basis="current prices",
        classification=f"CEADS-{S}",
        validate=False,
    )
    if other is not None and "discrepancy" in ds:
        printed = other.reshape(R, S)
        derived = ds["discrepancy"].values
        scale = np.abs(ds["total_output"].values) + np.abs(printed)
        bad = np.argwhere(np.abs(derived - printed) > rtol * scale + 1e-9)
        if bad.size:
            r, i = (int(v) for v in bad[0])
            cell = cell_name(layout.rows[r * S + i], layout.special_cols["other"])
            raise BalanceError(
                f"{grid.where()}: cell {cell}: the printed error (ERR) of {layout.regions[r]}/"
                f"{layout.sectors[i]} is {printed[r, i]:.6g}, but output minus the row's sales "
                f"is {derived[r, i]:.6g}"
            )
    validate(ds, rtol=rtol)
    chinese = any(_CJK.search(name) for name in layout.sector_en)
    lang = "zh" if chinese else "en"
    return ds.assign_coords(
        {
            "region_zh": ("region", [province(r).zh for r in layout.regions]),
            "region_code": ("region", [province(r).code for r in layout.regions]),
            f"sector_{lang}": ("sector", layout.sector_en),
            f"sector_to_{lang}": ("sector_to", layout.sector_en),
        }
    )


# --------------------------------------------------------------------------- finding the blocks


def _pick_sheet(book: Any, wanted: str | None) -> _Layout:
    names = list(book.sheet_names)
    if wanted is not None:
        if wanted not in names:
            raise ReadError(f"{book.path}: no sheet {wanted!r}; the sheets are {names}")
        return _locate(Grid.from_rows(book.path, wanted, book.sheet(wanted).rows))
    reasons: list[str] = []
    # the English version first: the first sheet laid out as a CEADS table is read
    for name in sorted(names, key=lambda n: "english" not in n.lower()):
        rows = book.sheet(name).rows
        if not _has_anchors(rows):
            continue
        try:
            return _locate(Grid.from_rows(book.path, name, rows))
        except ReadError as err:
            reasons.append(str(err))
    if reasons:
        raise ReadError(reasons[0])
    raise ReadError(
        f"{book.path}: no sheet is laid out as a CEADS MRIO table (final-use codes FU101.. "
        f"in a header row and value-added codes VA001.. in a code column); sheets: {names}"
    )


def _has_anchors(rows: list[list[Any]]) -> bool:
    """Whether raw sheet rows hold a final-use code (FU101..) and a value-added code (VA001..)."""
    final = {*_FINAL_CODES}
    va = {code for code in _ROW_CODES if code.startswith("VA")}
    cells = {str(cell).strip() for row in rows for cell in row if isinstance(cell, str)}
    return not final.isdisjoint(cells) and not va.isdisjoint(cells)


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _locate(grid: Grid) -> _Layout:
    where = grid.where()
    n_rows, n_cols = grid.shape
    # The code row: the row holding the final-use codes; the code column: the value-added codes.
    code_row = _anchor_row(grid)
    code_col = _anchor_col(grid, code_row)
    rows = [
        r for r in range(code_row + 1, n_rows) if is_sector_code(grid.text[r][code_col])
    ]  # fmt: skip
    if not rows:
        raise ReadError(
            f"{where}: no sector rows: no sector codes (01, 02, ...) in column "
            f"{cell_name(code_row, code_col)[: -len(str(code_row + 1))]} below the code row"
        )
    if rows != list(range(rows[0], rows[0] + len(rows))):
        gap = next(r for k, r in enumerate(rows) if r != rows[0] + k)
        raise ReadError(f"{where}: the sector rows are interrupted before row {gap + 1}")
    cols = [c for c in range(code_col + 1, n_cols) if is_sector_code(grid.text[code_row][c])]
    if not cols:
        raise ReadError(f"{where}: no sector columns (codes 01, 02, ...) in row {code_row + 1}")
    cols = [c for c in cols if c < _first_text_code(grid, code_row, cols[0])]
    row_codes = [grid.text[r][code_col] for r in rows]
    col_codes = [grid.text[code_row][c] for c in cols]
    row_regions = _blocks(grid, rows, code_col, axis="row")
    col_regions = _blocks(grid, cols, code_row, axis="column")
    regions, sectors = _axis(grid, rows, row_codes, row_regions, "row", code_col)
    col_axis = _axis(grid, cols, col_codes, col_regions, "column", code_row)
    if col_axis != (regions, sectors):
        raise ReadError(
            f"{where}: the provinces or sectors of the columns ({col_axis[0][:3]}..., "
            f"{col_axis[1][:3]}...) differ from those of the rows ({regions[:3]}..., "
            f"{sectors[:3]}...)"
        )
    sector_en = [
        _row_label(grid, r, code_col) or code
        for r, code in zip(rows[: len(sectors)], sectors, strict=True)
    ]
    # Columns right of Z: final use by province, exports, errors, output (and printed totals).
    final_cols: list[tuple[int, str, str]] = []
    special_cols: dict[str, int] = {}
    current = ""
    for c in range(cols[-1] + 1, n_cols):
        code = grid.text[code_row][c]
        label = _key(grid.header(c, max(0, code_row - 3), code_row + 1))
        named = _province_above(grid, c, code_row)
        if named:
            current = named
        if code in _TOTAL_COLUMNS:
            continue
        flow = _FINAL_CODES.get(code) or _FINAL_LABELS.get(label)
        meaning = _COLUMN_CODES.get(code) or _COLUMN_LABELS.get(label)
        if flow is not None:
            if not current:
                raise ReadError(
                    f"{where}: cell {cell_name(code_row, c)}: the final-use column {code} "
                    "belongs to no province (no province name above it)"
                )
            if (current, flow) in {(r, f) for _, r, f in final_cols}:
                raise ReadError(
                    f"{where}: cell {cell_name(code_row, c)}: a second {code} column of {current}"
                )
            final_cols.append((c, current, flow))
        elif meaning is not None:
            if meaning in special_cols:
                raise ReadError(
                    f"{where}: cell {cell_name(code_row, c)}: a second {meaning!r} column "
                    f"(the first is {cell_name(code_row, special_cols[meaning])})"
                )
            special_cols[meaning] = c
    if not final_cols:
        raise ReadError(
            f"{where}: no final-use block: no columns FU101..FU202 right of the intermediate "
            f"block (row {code_row + 1})"
        )
    unknown = sorted({r for _, r, _ in final_cols} - set(regions))
    if unknown:
        raise ReadError(f"{where}: final-use columns of provinces {unknown} that have no rows")
    if "export" not in special_cols:
        raise ReadError(f"{where}: no export column (code EX, 'Export') in row {code_row + 1}")
    special_rows: dict[str, int] = {}
    for r in range(rows[-1] + 1, n_rows):
        code = grid.text[r][code_col]
        meaning = _ROW_CODES.get(code) or _ROW_LABELS.get(_key(_row_label(grid, r, code_col)))
        if meaning is None:
            continue
        if meaning in special_rows:
            raise ReadError(
                f"{where}: cell {cell_name(r, code_col)}: a second {meaning!r} row "
                f"(the first is row {special_rows[meaning] + 1})"
            )
        special_rows[meaning] = r
    missing = [k for k in _VA if k not in special_rows]
    if missing:
        raise ReadError(
            f"{where}: no value-added row(s) {missing} (codes VA001..VA004) below the "
            f"intermediate block (column {cell_name(0, code_col)[:-1]})"
        )
    return _Layout(
        grid, code_row, code_col, rows, cols, regions, sectors, sector_en, final_cols,
        special_cols, special_rows,
    )  # fmt: skip


def _anchor_row(grid: Grid) -> int:
    codes = set(_FINAL_CODES)
    hits = [r for r, row in enumerate(grid.text) if not codes.isdisjoint(row)]
    if not hits:
        raise ReadError(
            f"{grid.where()}: no header row with the final-use codes FU101..FU202; not a "
            "CEADS MRIO table sheet"
        )
    return hits[0]


def _anchor_col(grid: Grid, code_row: int) -> int:
    counts = np.zeros(grid.shape[1], dtype=int)
    codes = set(_ROW_CODES)
    for r in range(code_row + 1, grid.shape[0]):
        row = grid.text[r]
        for code in codes.intersection(row):
            counts[row.index(code)] += 1
    best = int(np.argmax(counts)) if counts.size else 0
    if not counts.size or counts[best] == 0:
        raise ReadError(
            f"{grid.where()}: no code column with the codes IM, VA001..VA004 below row "
            f"{code_row + 1}; not a CEADS MRIO table sheet"
        )
    return best


def _first_text_code(grid: Grid, code_row: int, start: int) -> int:
    """The first column from ``start`` on whose code is not a sector code (Z ends there)."""
    for c in range(start, grid.shape[1]):
        code = grid.text[code_row][c]
        if not is_sector_code(code):
            return c
    return grid.shape[1]


def _province_name(text: str) -> str | None:
    """The English name of the province a label names ("Inner Mongolia", "内蒙古"), or None."""
    text = " ".join(str(text).split())
    if not text or text[0].isdigit():
        return None
    for key in (text, norm(text)):
        try:
            return province(key).name
        except SchemaError:
            continue
    return None


def _blocks(grid: Grid, positions: list[int], fixed: int, *, axis: str) -> list[str]:
    """The province of each sector row (column): the last province name met, carried on.

    A row's province is a province name left of the code column ``fixed``; a
    column's, one in the three header rows above the code row ``fixed``.
    """
    names: list[str] = []
    current = ""
    for p in positions:
        if axis == "row":
            cells = [grid.raw[p][c] for c in range(fixed)]
        else:
            cells = [grid.raw[r][p] for r in range(max(0, fixed - 3), fixed)]
        for cell in cells:
            if isinstance(cell, str) and (name := _province_name(cell)):
                current = name
        if not current:
            r, c = (p, 0) if axis == "row" else (fixed, p)
            raise ReadError(
                f"{grid.where()}: cell {cell_name(r, c)}: the first sector {axis} belongs to "
                f"no province (no province name {'left of' if axis == 'row' else 'above'} it)"
            )
        names.append(current)
    return names


def _province_above(grid: Grid, col: int, code_row: int) -> str:
    for r in range(max(0, code_row - 3), code_row):
        cell = grid.raw[r][col]
        if isinstance(cell, str) and (name := _province_name(cell)):
            return name
    return ""


def _axis(
    grid: Grid, positions: list[int], codes: list[str], regions: list[str], axis: str, fixed: int
) -> tuple[list[str], list[str]]:
    """Provinces and sector codes of a region-major axis; refuses repeats and ragged blocks.

    A province's block starts where the province name changes or the sector
    codes start again (a province printed twice, or a name carried over a
    block whose own name is missing, is a second block of the same name).
    """

    def where(k: int) -> str:
        return cell_name(positions[k], fixed) if axis == "row" else cell_name(fixed, positions[k])

    starts = [
        k
        for k in range(len(regions))
        if k == 0 or regions[k - 1] != regions[k] or codes[k] == codes[0]
    ]
    order = [regions[k] for k in starts]
    for b, k in enumerate(starts):
        if regions[k] in order[:b]:
            first = starts[order.index(regions[k])]
            raise ReadError(
                f"{grid.where()}: cell {where(k)}: the province {regions[k]!r} appears twice on "
                f"the {axis}s (its first block starts at {where(first)}; or the name of "
                "this block is missing or not a province)"
            )
    S = starts[1] if len(starts) > 1 else len(codes)
    sectors = codes[:S]
    for b, name in enumerate(order):
        stop = starts[b + 1] if b + 1 < len(starts) else len(codes)
        block = codes[starts[b] : stop]
        if block != sectors:
            i = next(
                (i for i, (c, w) in enumerate(zip(block, sectors, strict=False)) if c != w),
                len(block),
            )
            k = starts[b] + min(i, len(block) - 1)
            raise ReadError(
                f"{grid.where()}: cell {where(k)}: the sector {axis}s of {name} are "
                f"{block[:4]}{'...' if len(block) > 4 else ''} ({len(block)}), not those of "
                f"{order[0]}: {sectors[:4]}{'...' if S > 4 else ''} ({S})"
            )
    dups = sorted({s for s in sectors if sectors.count(s) > 1})
    if dups:
        raise ReadError(f"{grid.where()}: the sector codes {dups} repeat within a province")
    return order, sectors


def _row_label(grid: Grid, row: int, code_col: int) -> str:
    """The English label of a row: its text cell just left of the code column."""
    for c in range(code_col - 1, -1, -1):
        if grid.kinds[row, c] == TEXT and not _province_name(grid.text[row][c]):
            return " ".join(str(grid.raw[row][c]).split())
        if grid.kinds[row, c] == NUMBER:
            break
    return ""


def _year(grid: Grid, path: Path) -> int | None:
    for text in (grid.sheet, " ".join(t for t in grid.text[0] if t), path.stem):
        match = re.search(r"(19|20)\d{2}", text)
        if match:
            return int(match.group())
    return None


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
