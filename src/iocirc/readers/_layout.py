"""Finding the blocks of an IO table in a grid by its codes and labels.

A table is laid out as::

                 | sector columns  | TIU | final use and trade ... | GO
    sector rows  |  intermediate Z |     |  F                      | x
    TII          |                 |
    VA rows      |  V              |
    TVA, TI      |                 |

but the position of every block differs between vintages and
re-publications, some have codes and labels, some only one of them, and a few
print sector-group subtotals inside the blocks. :func:`locate` anchors on the
intermediate totals (row ``TII``/中间投入合计, column ``TIU``/中间使用合计), takes
the sector rows above the one and the sector columns left of the other, and
reads the meaning of every other row and column from its code and its label
(:mod:`iocirc.readers._labels`).

Where a column's code and its label disagree (some re-publications have the
code row shifted against the headers, one national table the headers shifted
against the codes), both readings are tried and the one under which the
table's own totals add up is kept.

A non-competitive-import table prints the sector rows twice, a block of
domestic products (headed ``国产品``) above a block of imported products
(``进口品``), with imports on the imported rows of a column such as
``国内产出/进口`` (``GO/IM``). Its blocks are told by these row-block labels
(:func:`~iocirc.readers._labels.product_block`): :attr:`Layout.sector_rows`
are then the domestic rows and :attr:`Layout.import_rows` the imported ones,
in the same sector order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from iocirc._core import flow_signs
from iocirc.errors import ReadError
from iocirc.readers._checks import aggregate_parts
from iocirc.readers._grid import BLANK, NUMBER, Grid, column_letter
from iocirc.readers._labels import (
    DOMESTIC_BLOCK,
    FLOW_CODES,
    IDS,
    IMPORTED_BLOCK,
    SUBTOTAL,
    TOTALS,
    column_labels,
    column_meaning,
    is_sector_code,
    product_block,
    row_labels,
    row_meaning,
    same_name,
)
from iocirc.schema import VA_STANDARD, members

__all__ = ["Layout", "locate"]

_FLOWS = members("flow")
_VA = members("va_component")
# Codes that mark the code row of the column headers.
_HEADER_CODES = frozenset(FLOW_CODES) | {"TIU", "TFU", "GO", "GO/IM"}
# What marks the intermediate totals, the anchors of the layout.
_TII_MARKS = row_labels("TII") | {"TII"}
_TIU_MARKS = column_labels("TIU") | {"TIU"}


@dataclass
class Layout:
    """Where the blocks of one table are.

    Attributes
    ----------
    grid : the sheet.
    sector_rows, sector_cols : grid rows and columns of the sectors, in the
        same sector order (in a non-competitive table, the domestic rows).
    codes, names : sector codes (as printed, zero padded) and Chinese names.
    flow_cols : flow name -> column, for the flows the table reports.
    total_cols : total code (``TIU``, ``TFU``, ``GO``) or aggregate flow
        name used only as a check -> column.
    va_rows : value-added label -> row (the four components, or
        ``value_added_total`` alone).
    total_rows : ``TII``, ``TVA``, ``TI`` -> row.
    negated : flows printed as negative numbers, stored negated.
    notes : what the reader decided, for ``attrs["reader_notes"]``.
    import_rows : in a non-competitive-import table, the grid rows of the
        imported products, in the order of ``sector_rows``; else empty.
    import_col : in a non-competitive-import table, the column printing the
        imports on the imported rows (``国内产出/进口``), None if it prints none.
    """

    grid: Grid
    sector_rows: list[int]
    sector_cols: list[int]
    codes: list[str]
    names: list[str]
    flow_cols: dict[str, int]
    total_cols: dict[str, int]
    va_rows: dict[str, int]
    total_rows: dict[str, int]
    header_end: int
    negated: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    headers: dict[tuple[str, int], str] = field(default_factory=dict)
    import_rows: list[int] = field(default_factory=list)
    import_col: int | None = None

    def sector_label(self, i: int) -> str:
        """``'05' (煤炭采选产品)`` for messages."""
        return f"{self.codes[i]!r} ({self.names[i]})" if self.names[i] else repr(self.codes[i])

    def column(self, col: int) -> np.ndarray:
        """The numbers of a column over the sector rows (empty cells are 0)."""
        name = self.headers.get(("col", col), column_letter(col))
        return self.grid.block(self.sector_rows, [col], self._sectors(), [name])[:, 0]

    def row(self, row: int) -> np.ndarray:
        """The numbers of a row over the sector columns (empty cells are 0)."""
        name = self.headers.get(("row", row), f"row {row + 1}")
        return self.grid.block([row], self.sector_cols, [name], self._sectors())[0]

    def intermediate(self) -> np.ndarray:
        """The sector-by-sector block."""
        return self.grid.block(self.sector_rows, self.sector_cols, self._sectors(), self._sectors())

    def imported_column(self, col: int) -> np.ndarray:
        """The numbers of a column over the imported rows of a non-competitive table."""
        name = self.headers.get(("col", col), column_letter(col))
        return self.grid.block(self.import_rows, [col], self._imported(), [name])[:, 0]

    def imported_intermediate(self) -> np.ndarray:
        """The imported-product-by-sector block of a non-competitive table."""
        return self.grid.block(
            self.import_rows, self.sector_cols, self._imported(), self._sectors()
        )

    def _sectors(self) -> list[str]:
        return [self.sector_label(i) for i in range(len(self.codes))]

    def _imported(self) -> list[str]:
        return [f"{label}, imported" for label in self._sectors()]


def _header_text(code: str, label: str) -> str:
    """``FU101 农村居民消费`` for messages."""
    return " ".join(part for part in (code, label) if part) or "(no header)"


def locate(grid: Grid) -> Layout:
    """Find the blocks of the IO table in ``grid``.

    Raises
    ------
    ReadError
        When a block cannot be found or is inconsistent: the message names the
        file, the sheet and the missing or offending row or column label.
    """
    tii_row, tiu_col = _anchors(grid)
    first_col = _first_number(grid, tii_row)
    code_col = _code_column(grid, tii_row, first_col)
    row_end = code_col if code_col is not None else first_col
    code_row, sector_rows = _sector_rows(grid, tii_row, first_col, tiu_col, code_col, row_end)
    header_end = sector_rows[0]
    sector_rows, import_rows = _product_blocks(grid, sector_rows, tii_row, row_end)
    row_codes, names = _row_ids(grid, sector_rows, code_col, row_end)
    sector_cols, col_codes, col_names = _sector_cols(grid, first_col, tiu_col, code_row, header_end)
    # "01" as text on one side and 1.0 as a number on the other are the same code.
    width = _code_width([*(row_codes or []), *(col_codes or [])])
    row_codes = _pad(row_codes, width) if row_codes is not None else None
    col_codes = _pad(col_codes, width) if col_codes is not None else None
    if row_codes is not None:
        _require_unique_rows(grid, sector_rows, row_codes)
    if import_rows:
        import_rows = _pair_imported(grid, import_rows, row_codes, names, code_col, row_end, width)
    notes: list[str] = []
    codes, sector_cols, names = _match(
        grid, row_codes, names, sector_rows, sector_cols, col_codes, col_names, notes
    )
    layout = Layout(
        grid=grid,
        sector_rows=sector_rows,
        sector_cols=sector_cols,
        codes=_pad(codes, _code_width(codes)),
        names=names,
        flow_cols={},
        total_cols={},
        va_rows={},
        total_rows={},
        header_end=header_end,
        notes=notes,
        import_rows=import_rows,
    )
    _rows_below(layout, tii_row, code_col, row_end)
    _columns_right(layout, tiu_col, code_row)
    return layout


# -- anchors -----------------------------------------------------------------------------


def _anchors(grid: Grid) -> tuple[int, int]:
    """The intermediate-input total row (TII) and intermediate-use total column (TIU)."""
    tii_row = next(
        (r for r, texts in enumerate(grid.text) if not _TII_MARKS.isdisjoint(texts)),
        None,
    )
    if tii_row is None:
        raise ReadError(
            f"{grid.where()}: no intermediate-input total row (code TII or label 中间投入合计); "
            "it marks the end of the sector rows"
        )
    found = [c for texts in grid.text[:tii_row] for c, t in enumerate(texts) if t in _TIU_MARKS]
    if not found:
        raise ReadError(
            f"{grid.where()}: no intermediate-use total column (code TIU or label 中间使用合计) "
            f"above row {tii_row + 1}; it marks the end of the sector columns"
        )
    return tii_row, min(found)


def _first_number(grid: Grid, tii_row: int) -> int:
    numbers = np.flatnonzero(grid.kinds[tii_row] == NUMBER)
    if numbers.size == 0:
        raise ReadError(
            f"{grid.where()}: the intermediate-input total row (TII, row {tii_row + 1}) holds "
            "no numbers"
        )
    return int(numbers[0])


def _code_column(grid: Grid, tii_row: int, first_col: int) -> int | None:
    for c in range(first_col):
        if grid.text[tii_row][c] == "TII":
            return c
    return None


# -- sector rows and columns --------------------------------------------------------------


def _sector_rows(
    grid: Grid, tii_row: int, first_col: int, tiu_col: int, code_col: int | None, row_end: int
) -> tuple[int | None, list[int]]:
    """The code row of the column headers (if any) and the sector rows."""
    if code_col is not None:
        coded = [
            r
            for r in range(tii_row)
            if is_sector_code(grid.text[r][code_col]) and grid.kinds[r, code_col] != BLANK
        ]
        codes = {grid.text[r][code_col] for r in coded}
        code_row = _code_row(grid, coded[0] if coded else tii_row, first_col, tiu_col, codes)
        candidates = [r for r in coded if code_row is None or r > code_row]
    else:
        code_row = _code_row(grid, tii_row, first_col, tiu_col, set())
        start = code_row + 1 if code_row is not None else 0
        candidates = [
            r
            for r in range(start, tii_row)
            if grid.label(r, row_end) and _row_has_numbers(grid, r, first_col, tiu_col)
        ]
    rows = [r for r in candidates if not _is_subtotal_row(grid, r, code_col, row_end)]
    if not rows:
        raise ReadError(
            f"{grid.where()}: no sector rows above the intermediate-input total row "
            f"(row {tii_row + 1}); expected rows coded 01, 02, ... or labelled with sector names"
        )
    return code_row, rows


def _row_has_numbers(grid: Grid, row: int, first: int, stop: int) -> bool:
    return bool((grid.kinds[row, first:stop] == NUMBER).any())


def _code_row(
    grid: Grid, below: int, first_col: int, tiu_col: int, row_codes: set[str]
) -> int | None:
    """The header row holding the column codes (TIU, FU101, ... or the sector codes)."""
    best, best_count = None, 0
    for r in range(below):
        count = sum(1 for t in grid.text[r][tiu_col:] if t in _HEADER_CODES)
        if count > best_count:
            best, best_count = r, count
    if best is not None or not row_codes:
        return best
    # A table without flow codes may still code its sector columns (2012 national).
    for r in range(below - 1, -1, -1):
        coded = sum(1 for t in grid.text[r][first_col:tiu_col] if t in row_codes)
        if coded >= max(2, len(row_codes) // 2):
            return r
    return None


def _is_subtotal_row(grid: Grid, row: int, code_col: int | None, row_end: int) -> bool:
    code = grid.text[row][code_col] if code_col is not None else ""
    if code and not is_sector_code(code):
        return True
    return row_meaning("", grid.label(row, row_end)) == SUBTOTAL


def _row_ids(
    grid: Grid, rows: list[int], code_col: int | None, row_end: int
) -> tuple[list[str] | None, list[str]]:
    names = [grid.name(r, row_end) for r in rows]
    if code_col is None:
        return None, names
    return [grid.text[r][code_col] for r in rows], names


def _require_unique_rows(grid: Grid, rows: list[int], codes: list[str]) -> None:
    seen: dict[str, int] = {}
    for r, code in zip(rows, codes, strict=True):
        if code in seen:
            raise ReadError(
                f"{grid.where()}: sector code {code!r} appears in rows {seen[code] + 1} and "
                f"{r + 1}; every sector must have exactly one row"
            )
        seen[code] = r


def _sector_cols(
    grid: Grid, first_col: int, tiu_col: int, code_row: int | None, header_end: int
) -> tuple[list[int], list[str] | None, list[str]]:
    cols, codes, names = [], [], []
    for c in range(first_col, tiu_col):
        code = grid.text[code_row][c] if code_row is not None else ""
        name = grid.header(c, 0, header_end, skip=code_row)
        if not code and not name and not grid.has_numbers(range(header_end, grid.shape[0]), c):
            continue  # an empty spacer column
        if (code and not is_sector_code(code)) or column_meaning("", name)[1] == SUBTOTAL:
            continue  # sector-group subtotals (T1, 第一产业合计) inside the block
        cols.append(c)
        codes.append(code)
        names.append(name)
    has_codes = code_row is not None and all(codes)
    return cols, (codes if has_codes else None), names


def _product_blocks(
    grid: Grid, rows: list[int], tii_row: int, row_end: int
) -> tuple[list[int], list[int]]:
    """The domestic and the imported sector rows; all rows and ``[]`` if the table is competitive.

    A non-competitive-import table heads its block of imported products with
    ``进口品`` (and that of domestic products with ``国产品``) in a row-label
    column, beside the block's first row or on a row of its own.
    """
    marks = [
        (r, block)
        for r in range(tii_row)
        for c in range(min(row_end, grid.shape[1]))
        if (block := product_block(grid.text[r][c])) is not None
    ]
    imported = [r for r, block in marks if block == IMPORTED_BLOCK]
    if not imported:
        return rows, []
    domestic = [r for r, block in marks if block == DOMESTIC_BLOCK]
    if len(imported) > 1 or len(domestic) > 1:
        listing = ", ".join(f"row {r + 1} ({block})" for r, block in marks)
        raise ReadError(
            f"{grid.where()}: the product blocks of a non-competitive-import table are headed "
            f"more than once: {listing}; expected one block of domestic (国产品) and one of "
            "imported products (进口品)"
        )
    starts = sorted(r for r, _ in marks)

    def block_rows(start: int) -> list[int]:
        stop = next((s for s in starts if s > start), tii_row)
        return [r for r in rows if start <= r < stop]

    imported_rows = block_rows(imported[0])
    domestic_rows = (
        block_rows(domestic[0]) if domestic else [r for r in rows if r not in imported_rows]
    )
    if not domestic_rows or not imported_rows:
        empty = "domestic (国产品)" if not domestic_rows else "imported (进口品)"
        raise ReadError(
            f"{grid.where()}: a non-competitive-import table (imported products headed in row "
            f"{imported[0] + 1}) whose block of {empty} products has no sector rows"
        )
    outside = [r for r in rows if r not in domestic_rows and r not in imported_rows]
    if outside:
        raise ReadError(
            f"{grid.where()}: a non-competitive-import table with sector rows outside its "
            f"blocks of domestic (国产品, row {domestic[0] + 1}) and imported products "
            f"(进口品, row {imported[0] + 1}): rows {[r + 1 for r in outside[:10]]}"
        )
    return domestic_rows, imported_rows


def _pair_imported(
    grid: Grid,
    rows: list[int],
    codes: list[str] | None,
    names: list[str],
    code_col: int | None,
    row_end: int,
    width: int,
) -> list[int]:
    """The imported rows in the order of the domestic ones, paired by code (else by name)."""
    imported_codes, imported_names = _row_ids(grid, rows, code_col, row_end)
    if codes is not None and imported_codes is not None:
        imported_codes = _pad(imported_codes, width)
        _require_unique_rows(grid, rows, imported_codes)
        by_code = dict(zip(imported_codes, rows, strict=True))
        missing = [code for code in codes if code not in by_code]
        extra = sorted(set(imported_codes) - set(codes))
        if missing or extra:
            raise ReadError(
                f"{grid.where()}: the imported-product rows (进口品) do not repeat the domestic "
                f"sectors: {len(missing)} sector(s) without an imported row {missing[:10]}, "
                f"imported row(s) of unknown sectors {extra[:10]}"
            )
        return [by_code[code] for code in codes]
    differ = len(rows) != len(names) or sum(
        not same_name(a, b) for a, b in zip(names, imported_names, strict=True)
    ) > max(1, len(names) // 10)
    if differ:
        raise ReadError(
            f"{grid.where()}: the {len(rows)} imported-product rows (进口品) do not repeat the "
            f"{len(names)} domestic sectors in order, and the rows have no codes to pair them by"
        )
    return rows


def _match(
    grid: Grid,
    row_codes: list[str] | None,
    row_names: list[str],
    rows: list[int],
    cols: list[int],
    col_codes: list[str] | None,
    col_names: list[str],
    notes: list[str],
) -> tuple[list[str], list[int], list[str]]:
    """Pair sector rows with sector columns; returns codes, columns in row order, names.

    By code where both rows and columns are coded; otherwise in order, after
    checking that the counts agree and the names agree (a shifted or missing
    sector would make most names disagree).
    """
    if row_codes is not None and col_codes is not None:
        return row_codes, _align_by_code(grid, row_codes, row_names, cols, col_codes), row_names
    if len(rows) != len(cols):
        raise ReadError(
            f"{grid.where()}: {len(rows)} sector rows but {len(cols)} sector columns; "
            + _first_unmatched(row_names, col_names)
        )
    names = row_names if all(row_names) else col_names
    if all(row_names) and all(col_names):
        _compare_names(grid, row_names, col_names, notes)
    elif row_codes is None and col_codes is None:
        raise ReadError(
            f"{grid.where()}: the sectors have neither codes nor names on both rows and columns; "
            "cannot pair the rows with the columns"
        )
    codes = row_codes if row_codes is not None else col_codes
    return codes or [str(i + 1) for i in range(len(rows))], cols, names


def _align_by_code(
    grid: Grid, row_codes: list[str], row_names: list[str], cols: list[int], col_codes: list[str]
) -> list[int]:
    by_code: dict[str, int] = {}
    for c, code in zip(cols, col_codes, strict=True):
        if code in by_code:
            first = column_letter(by_code[code])
            raise ReadError(
                f"{grid.where()}: sector code {code!r} heads columns {first} and "
                f"{column_letter(c)}; every sector must have exactly one column"
            )
        by_code[code] = c
    no_column = [
        f"{code!r} ({name})"
        for code, name in zip(row_codes, row_names, strict=True)
        if code not in by_code
    ]
    no_row = [code for code in col_codes if code not in set(row_codes)]
    if no_column or no_row:
        parts = []
        if no_row:
            parts.append(f"sector(s) {no_row} have a column but no row")
        if no_column:
            parts.append(f"sector(s) {', '.join(no_column)} have a row but no column")
        raise ReadError(f"{grid.where()}: " + "; ".join(parts))
    return [by_code[code] for code in row_codes]


def _first_unmatched(row_names: list[str], col_names: list[str]) -> str:
    rows, cols = Counter(row_names), Counter(col_names)
    only_cols = list((cols - rows).elements())
    only_rows = list((rows - cols).elements())
    parts = []
    if only_cols:
        parts.append(f"columns without a row: {only_cols[:5]}")
    if only_rows:
        parts.append(f"rows without a column: {only_rows[:5]}")
    return "; ".join(parts) or "the sector lists differ"


def _compare_names(
    grid: Grid, row_names: list[str], col_names: list[str], notes: list[str]
) -> None:
    differ = [
        (i, a, b)
        for i, (a, b) in enumerate(zip(row_names, col_names, strict=True))
        if not same_name(a, b)
    ]
    # A re-publication may word one name differently; a shifted list differs nearly everywhere.
    if len(differ) > max(1, len(row_names) // 10):
        i, a, b = differ[0]
        raise ReadError(
            f"{grid.where()}: without codes on both sides rows and columns are paired in "
            f"order, but {len(differ)} of {len(row_names)} sector names differ, from sector "
            f"{i + 1}: row {a!r}, column {b!r}"
        )
    for i, a, b in differ:
        notes.append(f"sector {i + 1} is named {a!r} in its row and {b!r} in its column")


def _code_width(codes: list[str]) -> int:
    """The width numeric sector codes are padded to: their longest, at least 2."""
    return max([2, *(len(c) for c in codes if c.isdigit())])


def _pad(codes: list[str], width: int) -> list[str]:
    """Zero-pad numeric codes: ``1`` -> ``"01"``; others (``"34072a"``, ``"21/22"``) as printed."""
    return [c.zfill(width) if c.isdigit() else c for c in codes]


# -- value-added rows ---------------------------------------------------------------------


def _rows_below(layout: Layout, tii_row: int, code_col: int | None, row_end: int) -> None:
    grid = layout.grid
    layout.total_rows["TII"] = tii_row
    layout.headers[("row", tii_row)] = _header_text("TII", "中间投入合计")
    components: dict[str, int] = {}
    unmapped: list[str] = []
    first, stop = layout.sector_cols[0], layout.sector_cols[-1] + 1
    for r in range(tii_row + 1, grid.shape[0]):
        label = grid.label(r, row_end)
        code = grid.text[r][code_col] if code_col is not None else ""
        meaning = row_meaning(code, label)
        layout.headers[("row", r)] = _header_text(code, label)
        if meaning in ("TVA", "TI"):
            layout.total_rows.setdefault(meaning, r)
        elif "TVA" in layout.total_rows:
            pass  # below the value-added total: only total input is of interest
        elif meaning in _VA and meaning not in components:
            components[meaning] = r
        elif _row_has_numbers(grid, r, first, stop):
            unmapped.append(label or f"row {r + 1}")
        if "TI" in layout.total_rows:
            break
    if "TVA" not in layout.total_rows:
        raise ReadError(
            f"{grid.where()}: no value-added total row (code TVA or label 增加值合计) below the "
            f"intermediate-input total row (row {tii_row + 1})"
        )
    if set(components) == set(VA_STANDARD) and not unmapped:
        layout.va_rows = {name: components[name] for name in VA_STANDARD}
    else:
        layout.va_rows = {"value_added_total": layout.total_rows["TVA"]}
        layout.notes.append(
            "value added stored as its total only: the rows "
            f"{unmapped or sorted(set(VA_STANDARD) - set(components))} do not give the four "
            "standard components"
        )


# -- final-use and trade columns ----------------------------------------------------------


@dataclass
class _Column:
    col: int
    code: str
    label: str
    by_code: str | None
    by_label: str | None
    has_data: bool


def _columns_right(layout: Layout, tiu_col: int, code_row: int | None) -> None:
    grid = layout.grid
    columns = [_describe(layout, c, code_row) for c in range(tiu_col, grid.shape[1])]
    for col in columns:
        layout.headers[("col", col.col)] = (
            f"{_header_text(col.code, col.label)} ({column_letter(col.col)})"
        )
    conflicts = [col for col in columns if _conflict(col)]
    preferences = ("label", "code") if conflicts else ("label",)
    scored = []
    errors: list[ReadError] = []
    for prefer in preferences:
        try:
            assigned = _assign(layout, _reading(columns, prefer))
        except ReadError as err:
            errors.append(err)
            continue
        misfit, negated = _score(layout, assigned[0], assigned[1])
        scored.append((misfit, prefer, assigned, negated))
    if not scored:
        raise errors[-1]
    # Labels win a tie: two same-signed columns swapped (rural and urban households in one
    # re-publication) leave every total intact, and the words are what the publisher checked.
    best = min(scored, key=lambda item: item[0])
    labels = next((item for item in scored if item[1] == "label"), None)
    tie = labels is not None and labels[0] <= best[0] * (1 + 1e-9) + 1e-12
    if tie and labels is not None:
        best = labels
    _, prefer, (flow_cols, total_cols, ignored), negated = best
    layout.flow_cols, layout.total_cols, layout.negated = flow_cols, total_cols, negated
    if conflicts:
        described = ", ".join(
            f"{column_letter(col.col)} code {col.code!r} vs label {col.label!r}"
            for col in conflicts
        )
        why = (
            "the totals add up alike either way"
            if tie and len(scored) > 1
            else "the table's totals add up best under them"
        )
        layout.notes.append(
            f"column codes and header labels disagree ({described}); the {prefer}s were "
            f"followed: {why}"
        )
    if ignored:
        layout.notes.append(f"columns {ignored} right of total output ignored (not recognised)")
    if negated:
        layout.notes.append(f"{list(negated)} are printed as negative numbers; stored positive")
    if layout.import_rows:
        _imports_column(layout, columns)


def _imports_column(layout: Layout, columns: list[_Column]) -> None:
    """Where a non-competitive table prints its imports: on the imported rows of a column.

    An import column (``进口``/``IM``) holding numbers there, else the output
    column when its header names imports too (``国内产出/进口``, ``GO/IM``); None
    if there is neither (the imports are then the imported products' total use).
    """
    grid = layout.grid
    layout.flow_cols.pop("import", None)  # not a use of the domestic products
    go_col = layout.total_cols["GO"]
    for col in columns:
        if "import" in (col.by_code, col.by_label) and grid.has_numbers(
            layout.import_rows, col.col
        ):
            layout.import_col = col.col
            return
    go = next(col for col in columns if col.col == go_col)
    if "IM" in go.code.split("/") or "进口" in go.label:
        layout.import_col = go_col


def _describe(layout: Layout, col: int, code_row: int | None) -> _Column:
    grid = layout.grid
    code = grid.text[code_row][col] if code_row is not None else ""
    chain = grid.header_chain(col, 0, layout.header_end, skip=code_row)
    label, by_label = (chain[-1] if chain else ""), None
    # The longest run of header cells that reads as a known label (国内省外 + 流出).
    for start in range(len(chain)):
        candidate = "".join(chain[start:])
        meaning = column_meaning("", candidate)[1]
        if meaning is not None:
            label, by_label = candidate, meaning
            break
    by_code = column_meaning(code, "")[0]
    return _Column(col, code, label, by_code, by_label, grid.has_numbers(layout.sector_rows, col))


def _conflict(col: _Column) -> bool:
    a, b = col.by_code, col.by_label
    if a is None or b is None or a == b or SUBTOTAL in (a, b) or IDS in (a, b):
        return False
    return not (a in _FLOWS and b in _FLOWS[a].parts)  # a label may refine its code


def _reading(columns: list[_Column], prefer: str) -> dict[int, str]:
    """Meaning of every recognised column under one reading of the headers."""
    meanings: dict[int, str] = {}
    for col in columns:
        a, b = col.by_code, col.by_label
        if b == IDS and a in (None, SUBTOTAL):
            continue  # a column repeating the sector codes (a second label column)
        if a is not None and b is not None and a != b:
            if SUBTOTAL in (a, b):
                meaning = a if b == SUBTOTAL else b
            elif a in _FLOWS and b in _FLOWS[a].parts:
                meaning = b  # 调出 under FU302: the domestic part only
            else:
                meaning = a if prefer == "code" else b
        else:
            meaning = a or b or ""
        if meaning and meaning != SUBTOTAL:
            meanings[col.col] = meaning
        elif not meaning and col.has_data:
            meanings[col.col] = "?"
    return meanings


def _assign(
    layout: Layout, meanings: dict[int, str]
) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Flow columns, total columns and ignored columns under one reading."""
    grid = layout.grid
    go_col = next((c for c, m in meanings.items() if m == "GO"), None)
    if go_col is None:
        raise ReadError(
            f"{grid.where()}: no total-output column (code GO or label 总产出) right of the "
            "intermediate-use total"
        )
    flows: dict[str, int] = {}
    totals: dict[str, int] = {}
    ignored: list[str] = []
    for c, meaning in sorted(meanings.items()):
        if meaning == "?":
            if c < go_col:
                raise ReadError(
                    f"{grid.where()}: column {column_letter(c)} (header "
                    f"{grid.header(c, 0, layout.header_end)!r}) holds numbers but is neither a "
                    "known final-use or trade column nor a total"
                )
            ignored.append(column_letter(c))  # check columns some re-publications append
            continue
        target = totals if meaning in TOTALS else flows
        if meaning in target:
            raise ReadError(
                f"{grid.where()}: columns {column_letter(target[meaning])} and "
                f"{column_letter(c)} both read as {meaning!r}"
            )
        target[meaning] = c
    if not grid.has_numbers(layout.sector_rows, go_col):
        raise ReadError(
            f"{grid.where()}: the total-output column GO ({column_letter(go_col)}) holds no "
            "numbers in the sector rows"
        )
    # A column left entirely empty is not reported (the (一) re-publications).
    flows = {f: c for f, c in flows.items() if grid.has_numbers(layout.sector_rows, c)}
    totals = {t: c for t, c in totals.items() if grid.has_numbers(layout.sector_rows, c)}
    for name in list(flows):
        if aggregate_parts(name, flows):
            totals[name] = flows.pop(name)  # an aggregate of reported parts is only a check
    order = list(_FLOWS)
    return dict(sorted(flows.items(), key=lambda kv: order.index(kv[0]))), totals, ignored


def _score(
    layout: Layout, flows: dict[str, int], totals: dict[str, int]
) -> tuple[float, tuple[str, ...]]:
    """Relative misfit of the GO and TFU identities, and the flows printed negative.

    Imports are printed positive and subtracted in most tables, negative and added
    in some national ones; the sign convention that fits is the one returned.
    """
    grid = layout.grid
    rows = layout.sector_rows
    z_rows = np.nan_to_num(grid.values[np.ix_(rows, layout.sector_cols)]).sum(1)
    go = np.nan_to_num(grid.values[rows, totals["GO"]])
    values = {f: np.nan_to_num(grid.values[rows, c]) for f, c in flows.items()}
    identity = {f: sign for f, sign in flow_signs(flows).items() if sign}  # the row identity
    terms = tuple(identity)
    # Only columns that are negative on the whole can be printed negative.
    minus = tuple(f for f in terms if identity[f] < 0 and values[f].sum() < 0)
    best: tuple[float, tuple[str, ...]] = (np.inf, ())
    for negated in ((), minus) if minus else ((),):
        signs = {f: (-1.0 if f in negated else 1.0) * identity[f] for f in terms}
        accounted = z_rows + sum((signs[f] * values[f] for f in terms), np.zeros_like(go))
        misfit = float(np.abs(go - accounted).sum() / max(np.abs(go).sum(), 1.0))
        if "TFU" in totals:
            uses = [f for f in terms if _FLOWS[f].sign > 0 and f != "other"]
            tfu = np.nan_to_num(grid.values[rows, totals["TFU"]])
            fitted = sum((values[f] for f in uses), np.zeros_like(go))
            misfit += float(np.abs(tfu - fitted).sum() / max(np.abs(tfu).sum(), 1.0))
        if misfit < best[0]:
            best = (misfit, negated)
    return best
