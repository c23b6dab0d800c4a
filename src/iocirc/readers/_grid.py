"""A sheet as a rectangular grid: normalised text for finding labels, numbers for reading.

Cells are classified once (:class:`Kind`) so that blocks of numbers can be cut
out with numpy, and a cell that should hold a number but holds text is reported
by its address, its row label and its column label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import numpy as np

from iocirc.errors import ReadError
from iocirc.readers._labels import norm

__all__ = ["BLANK", "NUMBER", "PLACEHOLDER", "TEXT", "Grid", "Kind", "cell_name", "column_letter"]

# A number as text: optional sign, digits with optional thousands separators, decimals,
# exponent. "nan"/"inf" are deliberately not numbers here.
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?([eE][+-]?\d+)?$")
_DASHES = frozenset("-—–－−")


class Kind(IntEnum):
    """What a cell holds."""

    BLANK = 0
    NUMBER = 1
    TEXT = 2
    PLACEHOLDER = 3  # "[**]": a redacted value in the published templates


# Plain ints for the inner loops (attribute access on an Enum class is slow).
BLANK, NUMBER, TEXT, PLACEHOLDER = (int(k) for k in Kind)


def column_letter(col: int) -> str:
    """The spreadsheet letters of a column (0-based index).

    Examples
    --------
    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """The spreadsheet address of a cell (0-based indices).

    Examples
    --------
    >>> cell_name(0, 0), cell_name(9, 27)
    ('A1', 'AB10')
    """
    return f"{column_letter(col)}{row + 1}"


@dataclass
class Grid:
    """One sheet, padded to a rectangle.

    Attributes
    ----------
    path, sheet : where the grid comes from (for messages).
    raw : the cells as read.
    text : normalised text of every cell (:func:`~iocirc.readers._labels.norm`).
    values : float array, NaN where the cell is not a number.
    kinds : :class:`Kind` of every cell.
    """

    path: Path
    sheet: str
    raw: list[list[Any]]
    text: list[list[str]]
    values: np.ndarray
    kinds: np.ndarray

    @classmethod
    def from_rows(cls, path: Path, sheet: str, rows: list[list[Any]]) -> Grid:
        """Classify and normalise every cell of ``rows``."""
        width = max((len(r) for r in rows), default=0)
        raw = [list(r) + [""] * (width - len(r)) for r in rows]
        values = np.full((len(raw), width), np.nan)
        kinds = np.zeros((len(raw), width), dtype=np.int8)
        text: list[list[str]] = []
        for i, row in enumerate(raw):
            text_row = [""] * width
            for j, cell in enumerate(row):
                kind_of = type(cell)
                if kind_of is str and not cell:  # the common cases first, kept fast
                    continue
                if kind_of is float or kind_of is int:
                    if cell == cell and abs(cell) != np.inf:
                        kinds[i, j] = NUMBER
                        values[i, j] = cell
                        if cell == int(cell):  # codes are whole numbers (1.0 -> "1")
                            text_row[j] = str(int(cell))
                    else:
                        kinds[i, j] = TEXT
                    continue
                kind, number = _classify(cell)
                kinds[i, j] = kind
                if kind == NUMBER:
                    values[i, j] = number
                if kind != BLANK:
                    text_row[j] = norm(cell)
            text.append(text_row)
        return cls(path, sheet, raw, text, values, kinds)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return self.kinds.shape[0], self.kinds.shape[1]

    def where(self) -> str:
        """``file, sheet 'name'`` for messages."""
        return f"{self.path}, sheet {self.sheet!r}"

    def label(self, row: int, stop: int) -> str:
        """The row's label, normalised: its rightmost text cell left of column ``stop``."""
        col = self._label_column(row, stop)
        return self.text[row][col] if col is not None else ""

    def name(self, row: int, stop: int) -> str:
        """The row's label as printed, only whitespace and line breaks removed."""
        col = self._label_column(row, stop)
        return "".join(str(self.raw[row][col]).split()) if col is not None else ""

    def _label_column(self, row: int, stop: int) -> int | None:
        for col in range(min(stop, self.shape[1]) - 1, -1, -1):
            if self.kinds[row, col] == TEXT:
                return col
        return None

    def header(self, col: int, top: int, bottom: int, skip: int | None = None) -> str:
        """The column's header: its lowest non-empty text cell in rows ``top:bottom``."""
        chain = self.header_chain(col, top, bottom, skip)
        return chain[-1] if chain else ""

    def header_chain(self, col: int, top: int, bottom: int, skip: int | None = None) -> list[str]:
        """The column's lowest run of consecutive non-empty header cells, top to bottom.

        A header broken over two rows (``国内省外`` above ``流出``) is a run of two;
        the cells above a gap belong to group headers and are not included.
        """
        chain: list[str] = []
        for row in range(bottom - 1, top - 1, -1):
            if row == skip:
                continue
            value = self.text[row][col]
            if value and value not in _DASHES and self.kinds[row, col] != NUMBER:
                chain.insert(0, value)
            elif chain:
                break
        return chain

    def has_numbers(self, rows: list[int] | range, col: int) -> bool:
        """Whether column ``col`` holds a number in any of ``rows``."""
        return bool((self.kinds[list(rows), col] == NUMBER).any())

    def block(
        self,
        rows: list[int],
        cols: list[int],
        row_names: list[str],
        col_names: list[str],
    ) -> np.ndarray:
        """The numbers of ``rows`` x ``cols``; an empty cell is 0.

        Raises
        ------
        ReadError
            If a cell holds text or a placeholder: names the cell, its row and
            its column.
        """
        kinds = self.kinds[np.ix_(rows, cols)]
        bad = np.argwhere((kinds == TEXT) | (kinds == PLACEHOLDER))
        if bad.size:
            i, j = (int(k) for k in bad[0])
            r, c = rows[i], cols[j]
            raise ReadError(
                f"{self.where()}: cell {cell_name(r, c)} (row {row_names[i]}, column "
                f"{col_names[j]}) holds the text {self.raw[r][c]!r} where a number is "
                f"expected" + (f"; {len(bad)} such cells in this block" if len(bad) > 1 else "")
            )
        block = self.values[np.ix_(rows, cols)]
        return np.where(np.isnan(block), 0.0, block)


def _classify(cell: Any) -> tuple[int, float]:
    if cell is None:
        return BLANK, np.nan
    if isinstance(cell, bool):
        return TEXT, np.nan
    if isinstance(cell, int | float):
        value = float(cell)
        return (NUMBER, value) if np.isfinite(value) else (TEXT, np.nan)
    if not isinstance(cell, str):
        return TEXT, np.nan  # dates and times have no place in an IO table
    stripped = cell.strip()
    if not stripped or stripped in _DASHES:  # a lone dash is how tables print "nothing"
        return BLANK, np.nan
    if "[**]" in stripped:
        return PLACEHOLDER, np.nan
    candidate = stripped.replace(" ", "")
    if any(ch.isdigit() for ch in candidate) and _NUMBER.match(candidate):
        return NUMBER, float(candidate.replace(",", ""))
    return TEXT, np.nan
