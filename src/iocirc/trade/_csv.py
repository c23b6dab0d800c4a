"""The one CSV reader of the trade data (customs, freight, partner trade); private to the package.

Every trade CSV is read by :func:`read_csv`: text cells, a header of column
names (case, spaces and a byte order mark ignored), one record per line. A
file that cannot be used is refused with a :class:`~iocirc.errors.ReadError`
naming the file, the line and the column. Refused: files that are not UTF-8
text, missing or repeated columns, records with more or fewer cells than the
header, values that are not finite numbers (or negative ones), years that are
not integers in a plausible range, and several records for the same keys.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from iocirc.errors import ReadError, SchemaError, UnitError
from iocirc.regions import province
from iocirc.units import parse_unit

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "CsvTable",
    "parse_number",
    "read_csv",
    "region_name",
    "sector_code",
]

#: Columns holding provinces: English or Chinese names or GB/T 2260 codes become English names.
REGION_COLUMNS = ("region", "origin", "destination")

#: The years a trade CSV may hold (the series start in the 1950s; anything else is a typo).
MIN_YEAR, MAX_YEAR = 1900, 2200

_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


@dataclass(frozen=True)
class CsvTable:
    """A trade CSV as read: text cells (numbers converted), indexed by line number."""

    frame: pd.DataFrame
    #: What the file holds ("customs", "freight", "partner trade"), for messages.
    what: str
    #: The file as named in messages: its path, or the kind of stream.
    source: str

    def where(self, line: object, column: str | None = None) -> str:
        """``the customs CSV 'x.csv', line 3, column 'exports'``."""
        text = f"the {self.what} CSV {self.source}, line {line}"
        return text if column is None else f"{text}, column {column!r}"

    def units(self, column: str = "unit") -> list[str]:
        """The distinct units of ``column``, sorted; each checked by
        :func:`iocirc.units.parse_unit` (a :class:`UnitError` names its first line)."""
        values = self.frame[column]
        for unit in sorted(set(values)):
            try:
                parse_unit(unit)
            except UnitError as err:
                line = values.index[(values == unit).to_numpy()][0]
                raise UnitError(f"{self.where(line, column)}: {err}") from None
        return sorted(set(values))


def read_csv(
    path: str | PathLike[str] | Any,
    what: str,
    required: tuple[str, ...],
    *,
    numbers: tuple[str, ...] = (),
    keys: tuple[str, ...] = (),
    labels: Mapping[str, Callable[[str], str]] | None = None,
    nonnegative: bool = True,
) -> CsvTable:
    """Read a trade CSV, checking it cell by cell.

    Parameters
    ----------
    path : str, path-like or file-like
        The file (UTF-8, with or without a byte order mark), or an open text
        or binary stream.
    what : str
        What the file holds, for messages ("customs").
    required : tuple of str
        Columns the file must have (lower case); others are kept as text.
    numbers : tuple of str
        Columns converted by :func:`parse_number` (an empty cell is NaN, a
        value not reported).
    keys : tuple of str
        Columns that together identify a record (those of them the file has):
        two records with the same keys are refused.
    labels : mapping, optional
        Column -> function applied to each cell (after the province names of
        :data:`REGION_COLUMNS` are made English and ``sector`` codes padded).
    nonnegative : bool
        Refuse negative numbers.

    Returns
    -------
    CsvTable
        The cells (text, numbers as floats, ``year`` as int), indexed by the
        line each record starts on (the header is line 1).
    """
    source = _source(path)
    text = _text(path, what, source)
    rows = _records(text, what, source)
    if not rows:
        raise ReadError(f"cannot read the {what} CSV {source}: the file is empty (no header)")
    header_line, header = rows[0]
    columns = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
    named = [c for c in columns if c]
    repeated = sorted({c for c in named if named.count(c) > 1})
    if repeated:
        raise ReadError(
            f"the {what} CSV {source} has the column(s) {repeated} more than once "
            f"(line {header_line})"
        )
    missing = [c for c in required if c not in columns]
    if missing:
        raise ReadError(
            f"the {what} CSV {source} lacks the column(s) {missing}; it has "
            f"{named}. Expected the columns {list(required)}"
        )
    data = rows[1:]
    if not data:
        raise ReadError(
            f"the {what} CSV {source} has a header but no data rows; expected one row per "
            f"{'pair' if 'origin' in required else 'region'} and year"
        )
    keep = [i for i, c in enumerate(columns) if c]  # unnamed columns (trailing commas) go
    width, needed = len(columns), keep[-1] + 1
    cells: list[list[str]] = []
    for line, record in data:
        if len(record) < needed or any(cell.strip() for cell in record[width:]):
            raise ReadError(
                f"the {what} CSV {source}, line {line}, has {len(record)} cells where the header "
                f"has {needed} columns ({named}); quote cells that hold commas"
            )
        cells.append([record[i].strip() for i in keep])
    frame = pd.DataFrame(
        cells,
        columns=[columns[i] for i in keep],
        index=pd.Index([line for line, _ in data], name="line"),
        dtype=object,
    )
    table = CsvTable(frame, what, source)
    for column in REGION_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].map(region_name)
    if "sector" in frame.columns:
        frame["sector"] = frame["sector"].map(sector_code)
    for column, convert in (labels or {}).items():
        frame[column] = frame[column].map(convert)
    if "year" in frame.columns:
        frame["year"] = _years(table)
    for column in numbers:
        frame[column] = _numbers(table, column, nonnegative=nonnegative)
    present = [k for k in keys if k in frame.columns]
    if present:
        _no_duplicates(table, present)
    return table


def parse_number(text: str) -> float | None:
    """A number as written in a CSV cell, or None if it is not one, or is ambiguous.

    Accepted: plain decimals (``1234.5``, ``-3``, ``1e6``) and thousands
    separators in valid grouping (``1,234,567.5``). Refused: any other comma
    (``1,5`` and ``2,75`` are decimal commas in much of the world, ``12,34`` is
    neither), ``inf``, ``nan`` and anything else.
    """
    if _PLAIN_NUMBER.match(text):
        value = float(text)
    elif _GROUPED_NUMBER.match(text):
        value = float(text.replace(",", ""))
    else:
        return None
    return value if np.isfinite(value) else None


def region_name(label: Hashable) -> str:
    """The English name of a province given by English or Chinese name or code, else the text."""
    text = str(label).strip()
    try:
        return province(text).name
    except (KeyError, SchemaError):
        return text


def sector_code(label: Hashable) -> str:
    """A sector code as the tables write it: one digit padded to two (``"1"`` -> ``"01"``)."""
    text = str(label).strip()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


# --------------------------------------------------------------------------------------------


def _source(path: object) -> str:
    if isinstance(path, str | PathLike):
        return repr(str(path))
    name = getattr(path, "name", None)
    if isinstance(name, str | PathLike):
        return repr(str(name))
    return f"<{type(path).__name__}>"


def _text(path: object, what: str, source: str) -> str:
    """The file's text: UTF-8 (a byte order mark dropped), from a path or a stream."""
    try:
        if isinstance(path, str | PathLike):
            with open(path, "rb") as file:
                raw: object = file.read()
        elif callable(getattr(path, "read", None)):
            raw = path.read()  # type: ignore[attr-defined]
        else:
            raise ReadError(
                f"the {what} CSV must be a path or an open file, not {type(path).__name__}"
            )
        if isinstance(raw, bytes | bytearray):
            return bytes(raw).decode("utf-8-sig")
        if not isinstance(raw, str):
            raise ReadError(f"cannot read the {what} CSV {source}: it gave {type(raw).__name__}")
        return raw.removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise ReadError(
            f"cannot read the {what} CSV {source}: it is not UTF-8 text ({err}); save it as "
            "UTF-8 (spreadsheets in Chinese often save GBK)"
        ) from None
    except OSError as err:
        raise ReadError(f"cannot read the {what} CSV {source}: {err}") from None


def _records(text: str, what: str, source: str) -> list[tuple[int, list[str]]]:
    """The non-blank records with the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 1  # the line the next record starts on
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as err:
        raise ReadError(f"cannot read the {what} CSV {source}, line {line}: {err}") from None
    return records


def _years(table: CsvTable) -> pd.Series:
    column = table.frame["year"]
    values = []
    for line, text in column.items():
        year = int(text) if re.fullmatch(r"[+-]?\d{1,6}", text) else None
        if year is None:
            raise ReadError(
                f"{table.where(line, 'year')} has a non-integer year: {text!r} (write it as 2017)"
            )
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ReadError(
                f"{table.where(line, 'year')} has the year {year}, outside {MIN_YEAR}-{MAX_YEAR}"
            )
        values.append(year)
    return pd.Series(values, index=column.index, dtype=np.int64)


def _numbers(table: CsvTable, column: str, *, nonnegative: bool) -> np.ndarray:
    converted = np.full(len(table.frame), np.nan)
    for row, (line, text) in enumerate(table.frame[column].items()):
        if text == "":
            continue  # an empty cell: a value the file does not report (NaN)
        value = parse_number(text)
        if value is None:
            hint = (
                "; a comma is read only as a thousands separator in groups of three digits "
                "(1,234,567.5), so write decimals with a point"
                if "," in text
                else ""
            )
            raise ReadError(
                f"{table.where(line, column)}: {text!r} is not a number (finite numbers only{hint})"
            )
        if nonnegative and value < 0:
            raise ReadError(
                f"{table.where(line, column)}: {text!r} is negative; {column} cannot be negative"
            )
        converted[row] = value
    return converted


def _no_duplicates(table: CsvTable, keys: list[str]) -> None:
    frame = table.frame
    dup = frame.duplicated(keys, keep=False)
    if dup.any():
        first = frame.loc[dup, keys].iloc[0]
        same = (frame[keys] == first).all(axis=1)
        lines = [str(line) for line in frame.index[same.to_numpy()]]
        raise ReadError(
            f"the {table.what} CSV {table.source} has several rows for "
            f"{ {k: _plain(v) for k, v in first.items()} }: lines {', '.join(lines)}"
        )


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def __dir__() -> list[str]:
    return sorted(__all__)
