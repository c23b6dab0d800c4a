"""Readers of the official Chinese input-output tables (NBS and provincial bureaus).

:func:`read_nbs_table` reads one workbook into the table schema of
:mod:`iocirc.schema`; :func:`read_nbs_tables` stacks the provinces of one
vintage on ``region``. Blocks are found by their codes and Chinese labels
(:mod:`iocirc.readers._layout`), never by position, so the provincial tables of
2002-2017, their ``.xlsx`` re-publications and the national tables of 1990-2018
read alike.

How the reader decides
----------------------
* **Province and year** come from the title cell, the file name and the
  ``region``/``year`` arguments, which must agree wherever they say anything;
  the name of the folder (``2017年各省份投入产出表``, ``全国``) is the last resort.
* **Units**: the unit cell (``单位：万元``) is recorded in ``attrs["unit_printed"]``;
  亿元, 百万元, 千元 and 元 are converted to 10^4 CNY, anything else is refused.
  Without a unit cell (the ``.xlsx`` re-publications) 万元 is assumed.
* **Flows**: the finest split printed is kept; an aggregate (THC, TC, GCF,
  FU302 ...) only where its parts are not all printed, else it serves as a check
  (final consumption TC printed alone is the flow ``consumption``). A column
  headed 调出/流出外省 under the code FU302 beside exports is the domestic outflow.
  In national tables 净出口 (net exports) is the net outflow. Columns left
  empty are flows not reported.
* **Codes against labels**: a row's label wins over its code (the 1990s
  tables number the value-added rows in another order). Where a column's code
  and label disagree, the reading under which the table's own totals add up is
  taken, the labels on a tie.
* **Signs**: imports and inflows printed as negative numbers (national tables
  1997, 2000) are stored positive, as the schema requires.
* **Value added** is stored as its four components where the table prints them,
  else as its total only (1990).
* **Non-competitive-import tables** (a block of domestic-product rows 国产品
  and one of imported-product rows 进口品, told by these labels) are converted
  to competitive-import ones: intermediate and final use of each product are the
  sums of its domestic and its imported row, and imports are the imported
  products' total use, as printed on the imported rows (``国内产出/进口``) and
  checked against their uses. Output stays that of the domestic rows, so
  ``GO = Z + F - IM`` holds. ``attrs["reader_notes"]`` says so.
* **Refused**: templates whose values are redacted (``[**]``), coefficient
  tables, concordances and notes, each with a message saying what the sheet
  appears to be.
* **Directories**: a directory read gives the provinces; a national table in
  it is left out (read it with :func:`read_nbs_table`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import xarray as xr

from iocirc.classifications import KNOWN_YEARS, classification_id, sector_list
from iocirc.construct import from_arrays
from iocirc.errors import ReadError, SchemaError
from iocirc.readers._checks import failed_checks, run_checks, warn_failures
from iocirc.readers._grid import BLANK, NUMBER, PLACEHOLDER, TEXT, Grid, column_letter
from iocirc.readers._labels import norm, same_name
from iocirc.readers._layout import Layout, locate
from iocirc.readers._workbook import Workbook, open_workbook
from iocirc.regions import NATION, PROVINCES, Province, province
from iocirc.schema import CURRENCY_UNIT, identity_terms, members
from iocirc.units import chinese_units, parse_unit

__all__ = ["WORKBOOK_SUFFIXES", "read_nbs_table", "read_nbs_tables"]

#: Suffixes of the files a directory read looks at.
WORKBOOK_SUFFIXES = (".xls", ".xlsx", ".htm", ".html", ".mht", ".mhtml")

# Currency units printed in the tables (iocirc.units), longest first; read as multiples of 10^4 CNY.
_UNITS = chinese_units("CNY")
_UNIT_CELL = re.compile(r"单位:([^()\[\],;]+)")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
# Names to look for in titles and file names, longest first (内蒙古 before any shorter match).
_PLACES = sorted(
    [(p.zh, p) for p in PROVINCES] + [("全国", NATION), ("中国", NATION)],
    key=lambda item: -len(item[0]),
)
# What a sheet that is not a flow table appears to be, from words in its name or title.
_NOT_FLOW_TABLES = (
    (("系数", "消耗"), "a coefficient table"),
    (("逆矩阵", "逆阵"), "a Leontief inverse"),
    (("对照",), "a sector concordance"),
    (("说明",), "notes"),
    (("流通费用",), "a trade and transport margins matrix"),
    (("工业产出", "服务产出", "产出表调整"), "a supply (output) table"),
)


_FLOWS = members("flow")
_T = TypeVar("_T")


@dataclass
class _Meta:
    region: Province
    year: int
    unit: str
    scale: float


def read_nbs_table(
    path: str | Path,
    *,
    region: str | int | None = None,
    year: int | None = None,
    sheet: str | None = None,
) -> xr.Dataset:
    """Read one official IO table workbook into a one-region table.

    Parameters
    ----------
    path : str or path-like
        An ``.xls`` or ``.xlsx`` workbook, or HTML saved under such a name; the
        format is told by the file's content, not its extension.
    region : str or int, optional
        The province (English or Chinese name, or GB/T 2260 code), for files
        whose title and name do not say; ``"China"`` for a national table.
        Must agree with the title and the file name where they name one.
    year : int, optional
        The year, for files whose title and name do not say; must agree with
        them where they do.
    sheet : str, optional
        The sheet to read. By default the first visible sheet holding an IO
        flow table at producer prices (coefficient tables, concordances, notes
        and purchaser-price tables are passed over; a hidden sheet is read only
        when no visible one holds a table, and ``reader_notes`` says so).

    Returns
    -------
    xarray.Dataset
        The table in the schema of :mod:`iocirc.schema`, with a region
        dimension of length 1 and values in 10^4 CNY. Flows are those the table
        prints (the finest split; an aggregate only where its parts are not
        printed); sectors are the table's own codes (``"01"`` ...). ``attrs``
        record ``year``, ``classification`` (``"NBS-2017-42"`` for the
        provincial 42-sector lists, else ``"NBS-<year>-<n>"`` or
        ``"NBS-national-<year>-<n>"``), ``source`` (file and sheet),
        ``unit_printed``, ``reader_notes`` (decisions taken on this file) and
        ``balance_failures`` (the printed totals that do not add up).

    Raises
    ------
    ReadError
        The file is not a workbook, holds no IO flow table, or a block is
        missing, duplicated or holds text; region or year are unknown or
        conflict; a cell holds an Excel error (``#DIV/0!``) or a formula
        without a computed value; the sheet holds a second table; the file is
        damaged, or larger than the limits of
        :mod:`iocirc.readers._excel_checks` (the parser runs in a separate
        process, :mod:`iocirc.readers._isolation`, so that a hostile file
        cannot abort the session). The message names the file, the sheet and
        the cell, row or column.

    Warns
    -----
    BalanceWarning
        Where the published table does not add up to its own printed totals
        beyond rounding; the table is read anyway.

    See Also
    --------
    read_nbs_tables : the provinces of one vintage, stacked.

    Examples
    --------
    >>> import iocirc
    >>> path = iocirc.download.provincial_files(2017, "Liaoning")[0]
    >>> ds = iocirc.read_nbs_table(path)
    >>> ds.attrs["year"], list(ds.indexes["region"]), ds.sizes["sector"]
    (2017, ['Liaoning'], 42)
    """
    table = _read(Path(path), region, year, sheet)
    try:
        return _dataset([table])
    except SchemaError as err:  # a defect the layout checks let through: still the file's
        raise ReadError(f"{path}: the table read does not fit the schema: {err}") from None


def read_nbs_tables(paths_or_directory: str | Path | Iterable[str | Path]) -> xr.Dataset:
    """Read the provincial tables of one vintage and stack them on ``region``.

    Parameters
    ----------
    paths_or_directory : path or iterable of paths
        A directory (its workbooks ``*.xls``, ``*.xlsx``, ``*.htm[l]``, not
        recursing; a national table in it is left out, read it with
        :func:`read_nbs_table`), or a list of workbook files (all read).

    Returns
    -------
    xarray.Dataset
        One table with a ``region`` per workbook, ordered by GB/T 2260 code. A
        flow that some provinces report and others do not is NaN for the
        others. ``sector_zh`` holds each code's most frequent name; the
        coordinate ``source_file`` (on ``region``) names each region's file.

    Raises
    ------
    ReadError
        If the files are of different years or sector lists (naming the files
        of each), two files hold the same province, none holds a provincial
        table, or a file cannot be read.

    Warns
    -----
    BalanceWarning
        For each workbook that does not add up to its own totals.

    Examples
    --------
    >>> import iocirc
    >>> folder = iocirc.download.provincial_files(2017, "Liaoning")[0].parent
    >>> ds = iocirc.read_nbs_tables(folder)
    >>> ds.sizes["region"], ds.attrs["classification"]
    (31, 'NBS-2017-42')
    """
    files, from_directory = _workbook_files(paths_or_directory)
    tables = []
    for file in files:
        tables.append(_read(file, None, None, None))
    if from_directory:
        tables = [t for t in tables if t.region != NATION]
    if not tables:
        raise ReadError(f"{paths_or_directory}: no provincial IO table among {len(files)} file(s)")
    _require_one_vintage(tables)
    _require_distinct_regions(tables)
    try:
        return _dataset(sorted(tables, key=lambda t: t.region.code))
    except SchemaError as err:
        raise ReadError(
            f"{paths_or_directory}: the tables read do not fit the schema: {err}"
        ) from None


@dataclass
class _Table:
    """One workbook's table as arrays, before it becomes a Dataset."""

    path: Path
    sheet: str
    region: Province
    year: int
    codes: list[str]
    names: list[str]
    z: np.ndarray
    flows: dict[str, np.ndarray]
    va: dict[str, np.ndarray]
    output: np.ndarray
    classification: str
    sector_en: list[str] | None
    unit_printed: str
    notes: list[str]
    failures: list[str]
    step: float = 1.0


def _read(path: Path, region: str | int | None, year: int | None, sheet: str | None) -> _Table:
    _year_argument(year, path)  # before reading: year="abc" is the caller's error, said first
    layout = _pick_sheet(open_workbook(path), sheet)
    meta = _metadata(layout, path, region, year)
    scale = meta.scale
    z = layout.intermediate() * scale
    flows = {
        name: layout.column(col) * (-scale if name in layout.negated else scale)
        for name, col in layout.flow_cols.items()
    }
    va = {name: layout.row(row) * scale for name, row in layout.va_rows.items()}
    totals = {name: layout.column(col) * scale for name, col in layout.total_cols.items()}
    imported_uses = None
    if layout.import_rows:
        z, flows, totals, imported_uses = _competitive(layout, z, flows, totals, scale)
    totals |= {name: layout.row(row) * scale for name, row in layout.total_rows.items()}
    output = totals.pop("GO")
    if not any(_FLOWS[f].sign > 0 for f in flows):
        layout.notes.append("the workbook has no final-use columns; output exceeds what is read")
    step = _rounding_step(layout) * scale
    failed = failed_checks(run_checks(z, flows, va, output, totals, imported_uses), step)
    warn_failures(
        failed,
        where=f"{meta.region.name} {meta.year} ({path.name}, sheet {layout.grid.sheet!r})",
        codes=layout.codes,
        names=layout.names,
    )
    output = _nonnegative_output(layout, output, step)
    classification, sector_en = _classification(layout, meta)
    return _Table(
        path=path,
        sheet=layout.grid.sheet,
        region=meta.region,
        year=meta.year,
        codes=layout.codes,
        names=layout.names,
        z=z,
        flows=flows,
        va=va,
        output=output,
        classification=classification,
        sector_en=sector_en,
        unit_printed=meta.unit,
        notes=layout.notes,
        failures=[check.name for check, _ in failed],
        step=step,
    )


def _competitive(
    layout: Layout,
    z: np.ndarray,
    flows: dict[str, np.ndarray],
    totals: dict[str, np.ndarray],
    scale: float,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray], list[np.ndarray]]:
    """A non-competitive table's domestic rows with its imported rows added, and imports.

    Returns the intermediate use, flows and row totals (``TIU``, ``TFU`` ...; output
    ``GO`` stays the domestic rows') of both blocks together, with the flow
    ``import``: the column printing imports on the imported rows, else their total
    use. The printed imports are returned as the total ``IM``, to be checked
    against the uses of the imported products, which are returned too.
    """
    z_imported = layout.imported_intermediate() * scale
    imported = {name: layout.imported_column(col) * scale for name, col in layout.flow_cols.items()}
    uses = [f for f in identity_terms("flow", imported) if _FLOWS[f].sign > 0]
    imported_uses = [*z_imported.T, *(imported[f] for f in uses)]
    combined = {name: values + imported[name] for name, values in flows.items()}
    totals = dict(totals)
    for name, col in layout.total_cols.items():
        if name != "GO":  # output is the domestic rows' (the imported rows hold imports there)
            totals[name] = totals[name] + layout.imported_column(col) * scale
    if layout.import_col is not None:
        combined["import"] = totals["IM"] = layout.imported_column(layout.import_col) * scale
        where = layout.headers.get(("col", layout.import_col), "")
        source = f"as printed on the imported rows of {where}, checked against their uses"
    else:
        combined["import"] = np.sum(imported_uses, axis=0)
        source = "not printed; the sum of the imported rows' uses"
    first, last = layout.import_rows[0] + 1, layout.import_rows[-1] + 1
    layout.notes.append(
        "converted from a non-competitive-import table: intermediate and final use of each "
        "product are the sums of its domestic-product row (国产品) and its imported-product row "
        f"(进口品, rows {first}-{last}); imports (IM) are the imported products' total use "
        f"({source}); output is the domestic rows'"
    )
    order = list(_FLOWS)
    flows = dict(sorted(combined.items(), key=lambda kv: order.index(kv[0])))
    return z + z_imported, flows, totals, imported_uses


# -- choosing the sheet -------------------------------------------------------------------


def _pick_sheet(book: Workbook, wanted: str | None) -> Layout:
    if wanted is not None:
        if wanted not in book.sheet_names:
            raise ReadError(f"{book.path}: no sheet {wanted!r}; it has {book.sheet_names}")
        return _single_table(locate(_grid(book, wanted)))
    reasons = []
    # Producer prices are the tables' convention; a purchaser-price version comes last. Visible
    # sheets come first: a hidden sheet (a scratch copy, an older version) is read only when no
    # visible sheet holds a table, and the reader's notes then say so.
    hidden = [n for n in book.sheet_names if not book.visible.get(n, True)]
    names = sorted(book.sheet_names, key=lambda n: (n in hidden, "购买价" in n))
    for name in names:
        what = _named_as(name)  # before reading: some of these sheets are large
        if what is not None:
            reasons.append(f"sheet {name!r} appears to be {what}")
            continue
        try:
            grid = _grid(book, name)
        except ReadError as err:  # an error cell, a damaged sheet: say so, try the next one
            reasons.append(str(err).replace(f"{book.path}, ", "", 1))
            continue
        what = _appears_to_be(grid)
        if what is not None:
            reasons.append(f"sheet {name!r} appears to be {what}")
            continue
        try:
            layout = locate(grid)
        except ReadError as err:
            reasons.append(str(err).replace(f"{book.path}, ", "", 1))
            continue
        if name in hidden:
            layout.notes.append(f"read the hidden sheet {name!r}: no visible sheet holds a table")
        elif hidden:
            layout.notes.append(
                f"read the visible sheet {name!r}; hidden sheet(s) {hidden} ignored"
            )
        return _single_table(layout)
    raise ReadError(
        f"{book.path}: no sheet holds an IO flow table (intermediate block, final use, value "
        f"added and totals): " + "; ".join(reasons)
    )


def _single_table(layout: Layout) -> Layout:
    """``layout``, unless its sheet holds a second table below or beside it (never dropped)."""
    grid = layout.grid
    n = len(layout.codes)
    used_rows = [*layout.sector_rows, *layout.import_rows, *layout.va_rows.values()]
    used_rows += list(layout.total_rows.values())
    used_cols = [*layout.sector_cols, *layout.flow_cols.values(), *layout.total_cols.values()]
    if layout.import_col is not None:
        used_cols.append(layout.import_col)
    numbers = grid.kinds == NUMBER
    below = numbers[max(used_rows) + 1 :, :]
    beside = numbers[:, max(used_cols) + 1 :]
    threshold = max(2, n // 2)
    full_rows = int((below.sum(axis=1) >= threshold).sum()) if below.size else 0
    full_cols = int((beside.sum(axis=0) >= threshold).sum()) if beside.size else 0
    if full_rows >= threshold or full_cols >= threshold:
        where = (
            f"below row {max(used_rows) + 1} ({full_rows} more rows of numbers)"
            if full_rows >= threshold
            else f"right of column {column_letter(max(used_cols))} ({full_cols} more columns)"
        )
        raise ReadError(
            f"{grid.where()}: the sheet holds a second table {where} besides the one read "
            f"(rows {min(layout.sector_rows) + 1}-{max(used_rows) + 1}); iocirc reads one table "
            "per sheet and does not drop data silently: put each table on its own sheet or in "
            "its own file"
        )
    return layout


def _grid(book: Workbook, name: str) -> Grid:
    return Grid.from_rows(book.path, name, book.sheet(name).rows)


def _named_as(name: str) -> str | None:
    """What a sheet is if its name says it is not a flow table."""
    return next(
        (what for words, what in _NOT_FLOW_TABLES if any(w in norm(name) for w in words)), None
    )


def _appears_to_be(grid: Grid) -> str | None:
    """What a sheet is if it is plainly not a flow table, from its name, title and cells."""
    # The sheet name and the title cells (each on its own: words must not run across cells).
    heading = [norm(grid.sheet)] + [
        grid.text[r][c] for r in range(min(3, grid.shape[0])) for c in range(min(3, grid.shape[1]))
    ]
    for words, what in _NOT_FLOW_TABLES:
        if any(word in cell for cell in heading for word in words):
            return what
    filled = int((grid.kinds != BLANK).sum())
    placeholders = int((grid.kinds == PLACEHOLDER).sum())
    if filled and placeholders > filled / 2:
        return (
            "a published template whose values are all redacted as '[**]' (the layout of an "
            "IO table without its numbers)"
        )
    if filled == 0:
        return "empty"
    return None


# -- region, year, unit -------------------------------------------------------------------


def _metadata(layout: Layout, path: Path, region: str | int | None, year: int | None) -> _Meta:
    """Province, year and unit of a table.

    Province and year come from the title cell, the file name and the
    arguments, which must agree where they say anything; the folder's name
    (``2017年各省份投入产出表``, ``全国``) is the last resort.
    """
    grid = layout.grid
    title = _title(grid, layout.header_end)
    given_region = _given_region(region, path)
    the_region = _agree(
        "province",
        [
            (f"the title {title!r}", _place(title)),
            (f"the file name {path.name!r}", _place(path.stem)),
            ("the region argument", given_region),
        ],
        path,
    ) or _place(path.parent.name)
    the_year = _agree(
        "year",
        [
            (f"the title {title!r}", _year(title)),
            (f"the file name {path.name!r}", _year(path.stem)),
            ("the year argument", _year_argument(year, path)),
        ],
        path,
    ) or _year(path.parent.name)
    if the_region is None:
        raise ReadError(
            f"{grid.where()}: cannot tell the province: neither the title nor the file name "
            "names one; pass region='...' (use 'China' for a national table)"
        )
    if the_year is None:
        raise ReadError(
            f"{grid.where()}: cannot tell the year: neither the title nor the file name holds "
            "one; pass year=..."
        )
    unit, scale = _unit(grid, layout.header_end)
    return _Meta(the_region, the_year, unit, scale)


def _title(grid: Grid, header_end: int) -> str:
    """Title cells: text above the table that names a year or an IO table."""
    cells = [
        grid.text[r][c]
        for r in range(header_end)
        for c in range(grid.shape[1])
        if grid.kinds[r, c] == TEXT
    ]
    return " ".join(t for t in cells if _YEAR.search(t) or "投入产出表" in t or "流量表" in t)


def _place(text: str) -> Province | None:
    found = {p for name, p in _PLACES if name in text}
    return found.pop() if len(found) == 1 else None


def _year(text: str) -> int | None:
    years = {int(y) for y in _YEAR.findall(text)}
    return years.pop() if len(years) == 1 else None


def _year_argument(year: object, path: Path) -> int | None:
    """The ``year=`` argument as an int, or a clear error (``year="abc"``, ``year=2017.5``)."""
    if year is None:
        return None
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if isinstance(year, bool | np.bool_) or not isinstance(year, int | np.integer):
        raise ReadError(f"{path}: year must be an integer year such as 2017, not {year!r}")
    return int(year)


def _given_region(region: str | int | None, path: Path) -> Province | None:
    if region is None:
        return None
    try:
        return province(region)
    except KeyError as err:
        raise ReadError(f"{path}: {err.args[0]}") from None


def _agree(what: str, found: list[tuple[str, _T | None]], path: Path) -> _T | None:
    """The one value the sources give, None if none does; an error if they differ."""
    known = [(source, value) for source, value in found if value is not None]
    if len({value for _, value in known}) > 1:
        listing = "; ".join(f"{source} says {_show(value)}" for source, value in known)
        raise ReadError(f"{path}: conflicting {what}: {listing}")
    return known[0][1] if known else None


def _show(value: object) -> str:
    return f"{value.name} ({value.zh})" if isinstance(value, Province) else str(value)


def _unit(grid: Grid, header_end: int) -> tuple[str, float]:
    printed = set()
    for r in range(header_end):
        for c in range(grid.shape[1]):
            match = _UNIT_CELL.search(grid.text[r][c])
            if match:
                printed.add(match.group(1))
    if not printed:
        return "", 1.0  # the re-publications print no unit; they keep the 万元 of the originals
    units = {_unit_name(u, grid) for u in printed}
    if len(units) > 1:
        raise ReadError(f"{grid.where()}: several currency units printed: {sorted(printed)}")
    unit = units.pop()
    return unit, parse_unit(unit).factor / parse_unit(CURRENCY_UNIT).factor


def _unit_name(printed: str, grid: Grid) -> str:
    for unit in _UNITS:  # longest first: the first name the text starts with is its unit
        if printed.startswith(unit):
            return unit
    raise ReadError(
        f"{grid.where()}: the unit {printed!r} cannot be converted to 10^4 CNY; known units: "
        f"{list(_UNITS)}"
    )


# -- building the Dataset -----------------------------------------------------------------


def _dataset(tables: list[_Table]) -> xr.Dataset:
    """One Dataset of one or more tables of the same vintage (regions in the given order)."""
    first = tables[0]
    flows = [f for f in _FLOWS if any(f in t.flows for t in tables)]
    va = _common_va(tables)
    nan = np.full(len(first.codes), np.nan)  # a flow a region does not report
    final = np.zeros((len(tables), len(first.codes), len(flows)))
    for i, t in enumerate(tables):
        for j, f in enumerate(flows):
            final[i, :, j] = t.flows.get(f, nan)

    def per_region(t: _Table, text: str) -> str:
        return text if len(tables) == 1 else f"{t.region.name}: {text}"

    ds = from_arrays(
        np.stack([t.z for t in tables]),
        final,
        np.stack([np.stack([_va_row(t, k) for k in va]) for t in tables]),
        np.stack([t.output for t in tables]),
        regions=[t.region.name for t in tables],
        sectors=first.codes,
        flows=flows,
        va_components=va,
        sector_zh=_common_names(tables),
        sector_en=first.sector_en,
        region_zh=[t.region.zh for t in tables],
        region_code=[t.region.code for t in tables],
        year=first.year,
        source=", ".join(f"{t.path.name} (sheet {t.sheet})" for t in tables),
        classification=first.classification,
        attrs={
            "unit_printed": ", ".join(
                sorted({t.unit_printed or "none, 万元 assumed" for t in tables})
            ),
            "reader_notes": " | ".join(
                per_region(t, "; ".join(t.notes)) for t in tables if t.notes
            ),
            "balance_failures": " | ".join(
                per_region(t, ", ".join(t.failures)) for t in tables if t.failures
            ),
            # The precision of the printed numbers, in 10^4 CNY: iocirc.validate's default
            # tolerances allow for it as the reader's own checks do.
            "rounding_step": max(t.step for t in tables),
        },
        validate=True,
        on_imbalance="ignore",  # checked against the workbooks' own totals while reading
    )
    return ds.assign_coords(source_file=("region", [t.path.name for t in tables]))


def _common_va(tables: list[_Table]) -> list[str]:
    """The four components if every table has them, else the total only."""
    if all("value_added_total" not in t.va for t in tables):
        return list(tables[0].va)
    return ["value_added_total"]


def _va_row(table: _Table, name: str) -> np.ndarray:
    if name in table.va:
        return table.va[name]
    return np.sum(list(table.va.values()), axis=0)  # the total of the four components


def _nonnegative_output(layout: Layout, output: np.ndarray, step: float) -> np.ndarray:
    """Total output with rounding noise below zero (-0.002) set to 0; else an error."""
    negative = np.flatnonzero(output < 0)
    if negative.size == 0:
        return output
    i = int(negative[np.argmin(output[negative])])
    if output[i] < -step:
        raise ReadError(
            f"{layout.grid.where()}: total output (GO) of sector {layout.sector_label(i)} is "
            f"negative ({output[i]:g}); the column read as GO is not total output"
        )
    layout.notes.append(
        f"total output of sector(s) {[layout.codes[k] for k in negative]} printed as tiny "
        "negative numbers (rounding of zero); stored as 0"
    )
    return np.where(output < 0, 0.0, output)


def _rounding_step(layout: Layout) -> float:
    """The rounding step of the printed numbers: 1 if they are whole, else their precision."""
    block = layout.grid.values[np.ix_(layout.sector_rows, layout.sector_cols)]
    block = block[np.isfinite(block)]
    if block.size and np.all(block == np.round(block)):
        return 1.0
    return 0.01


def _classification(layout: Layout, meta: _Meta) -> tuple[str, list[str] | None]:
    """The classification id, and English names where the vintage's list matches."""
    n = len(layout.codes)
    if n == 42 and meta.year in KNOWN_YEARS:
        codes, zh, en = _sector_list(meta.year)
        if codes == layout.codes and _names_match(zh, layout.names):
            return classification_id(meta.year), en
    prefix = "NBS-national" if meta.region == NATION else "NBS"
    return f"{prefix}-{meta.year}-{n}", None


@functools.cache
def _sector_list(year: int) -> tuple[list[str], list[str], list[str]]:
    """Codes, Chinese and English names of a vintage's 42 sectors (read once)."""
    listed = sector_list(year)
    return list(listed.index), list(listed["zh"]), list(listed["en"])


def _names_match(listed: Sequence[str], names: list[str]) -> bool:
    """Whether a table's names are those of a classification (a name or two may differ)."""
    same = sum(same_name(a, b) for a, b in zip(listed, names, strict=True))
    return same >= 0.9 * len(names)


# -- stacking -----------------------------------------------------------------------------


def _workbook_files(source: str | Path | Iterable[str | Path]) -> tuple[list[Path], bool]:
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            files = sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith(("~$", "."))  # Excel's lock files, hidden files
            )
            if not files:
                raise ReadError(f"{path}: the directory holds no workbook ({WORKBOOK_SUFFIXES})")
            return files, True
        return [path], False
    files = [Path(p) for p in source]
    if not files:
        raise ReadError("read_nbs_tables: no files given")
    return files, False


def _require_one_vintage(tables: list[_Table]) -> None:
    groups: dict[tuple[int, str, tuple[str, ...]], list[str]] = {}
    for t in tables:
        groups.setdefault((t.year, t.classification, tuple(t.codes)), []).append(t.path.name)
    if len(groups) > 1:
        listing = "; ".join(
            f"year {year}, {cls} ({len(codes)} sectors): {_some(sorted(files))}"
            for (year, cls, codes), files in sorted(groups.items(), key=lambda g: len(g[1]))
        )
        raise ReadError(f"the workbooks are of different vintages and cannot be stacked: {listing}")


def _some(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _require_distinct_regions(tables: list[_Table]) -> None:
    seen: dict[Province, Path] = {}
    for t in tables:
        if t.region in seen:
            raise ReadError(
                f"two workbooks hold the table of {t.region.name}: {seen[t.region]} and {t.path}"
            )
        seen[t.region] = t.path


def _common_names(tables: list[_Table]) -> list[str]:
    """Each sector's most frequent Chinese name across the tables."""
    columns = zip(*(t.names for t in tables), strict=True)
    return [Counter(names).most_common(1)[0][0] for names in columns]


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
