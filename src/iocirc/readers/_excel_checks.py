"""Checks on the raw structure of Excel files, before a parser allocates anything.

The parser (python-calamine, run in a worker process, see
:mod:`iocirc.readers._isolation`) turns error cells (``#DIV/0!``) and formulas
without a cached value (files written by programs that do not compute
formulas, such as openpyxl) into empty cells, which would then be read as 0;
and it allocates a sheet's whole rectangle from its extreme cells (one cell
at XFD1048576 means 17 billion cells). These scans read the cell positions
and types from the file itself:

``.xlsx``
    the zip's members are bounded in size (no zip bombs), then each
    worksheet's XML is scanned for cell references, error cells
    (``t="e"``) and formulas without a value.
``.xls``
    the OLE2 container is walked to the ``Workbook`` stream and its BIFF
    records to each sheet's cells: error cells (``BOOLERR``, formulas
    whose cached result is an error), columns beyond the format's 256, and
    the declared and actual extent of each sheet.

A sheet with such a problem is refused, naming the cell, when it is read. A
file whose container cannot be walked here is left to the parser (in its
worker process). Limits, far above any real IO table (the largest official
one, 153 sectors, has about 60,000 cells):
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from iocirc.errors import ReadError

__all__ = ["MAX_BYTES", "MAX_CELLS", "MAX_SPAN_CELLS", "scan_xls", "scan_xlsx"]

#: The largest workbook file read, in bytes.
MAX_BYTES = 256 << 20
#: The largest sheet read: rows times columns of the rectangle its cells span.
MAX_CELLS = 5_000_000
#: The most cells that the spans of an HTML table may cover in total.
MAX_SPAN_CELLS = 5_000_000
#: The largest uncompressed zip member of an ``.xlsx`` read.
MAX_XML_BYTES = 512 << 20

_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}
_HINT_FORMULA = (
    "the file was saved by a program that does not compute formulas (openpyxl, for "
    "instance): open it in Excel or LibreOffice and save it, or write values instead"
)


def cell_name(row: int, col: int) -> str:
    """``"B7"`` for the zero-based row 6, column 1."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _col_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number - 1


# -- .xlsx -----------------------------------------------------------------------------------

_REF = re.compile(rb'\br="([A-Z]{1,4})([0-9]{1,8})"')
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>(.*?)</(?:\w+:)?v>", re.S)
_FORMULA_TEXT = re.compile(
    rb"<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)[^<]*(?:<v/>|<v></v>)?</c>$"
)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([A-Z0-9]+)(?::([A-Z0-9]+))?"')
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def scan_xlsx(path: Path, data: bytes) -> dict[str, str]:
    """Problems of the sheets of an ``.xlsx`` file, by sheet name (empty if none).

    Raises
    ------
    ReadError
        For a member that decompresses beyond :data:`MAX_XML_BYTES`.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return {}  # the parser will say what is wrong, in its worker process
    for info in infos:
        if info.file_size > MAX_XML_BYTES:
            raise ReadError(
                f"{path}: the member {info.filename!r} of the .xlsx file decompresses to "
                f"{info.file_size:,} bytes, more than the {MAX_XML_BYTES:,} iocirc reads"
            )
    try:
        sheets = _xlsx_sheets(archive)
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    problems: dict[str, str] = {}
    for name, member in sheets.items():
        try:
            xml = _read_member(archive, member, path)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            continue
        problem = _xlsx_sheet_problem(xml)
        if problem:
            problems[name] = f"{path}, sheet {name!r}: {problem}"
    return problems


def _read_member(archive: zipfile.ZipFile, member: str, path: Path) -> bytes:
    with archive.open(member) as handle:
        xml = handle.read(MAX_XML_BYTES + 1)  # the declared size may lie
    if len(xml) > MAX_XML_BYTES:
        raise ReadError(
            f"{path}: the member {member!r} decompresses to more than {MAX_XML_BYTES:,} bytes"
        )
    return xml


def _xlsx_sheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet member, from ``xl/workbook.xml`` and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml")[:MAX_XML_BYTES])
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")[:MAX_XML_BYTES])
    targets = {
        rel.get("Id"): str(rel.get("Target", ""))
        for rel in rels.iter(f"{{{_NS['p']}}}Relationship")
    }
    sheets = {}
    for sheet in book.iter(f"{{{_NS['m']}}}sheet"):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheets[str(sheet.get("name"))] = member.replace("xl/./", "xl/")
    return sheets


def _cell_before(xml: bytes, position: int) -> str:
    """The reference (``"B7"``) of the cell element that contains ``position``."""
    start = max(xml.rfind(b"<c ", 0, position), xml.rfind(b":c ", 0, position))
    ref = _REF.search(xml, start, start + 200) if start >= 0 else None
    return f"{ref.group(1).decode()}{int(ref.group(2))}" if ref else "(unknown)"


def _xlsx_sheet_problem(xml: bytes) -> str | None:
    """Error cells, formulas without a value and an excessive extent of one worksheet's XML.

    Only ``bytes.find`` passes over the whole XML (C speed, about 1 ms per MB),
    and Python code runs only at what they find: the error cells and the
    value-less formulas (none in a sound file), and the first and last cells.
    An extent hidden in the middle of a hostile file is caught by the
    parser's worker process instead (its memory limit, and the size check
    before the cells are converted).
    """
    at = xml.find(b' t="e"')
    while at >= 0:
        start = max(xml.rfind(b"<c ", 0, at), xml.rfind(b":c ", 0, at))
        if start >= 0 and xml.find(b">", start, at) < 0:  # the attribute of a cell element
            value = _VALUE.search(xml, at, at + 300)
            shown = value.group(1).decode("utf-8", "replace") if value else "an error"
            return (
                f"cell {_cell_before(xml, at)} holds the Excel error {shown}; expected a "
                "number or text"
            )
        at = xml.find(b' t="e"', at + 1)
    for ending in (b"</f></c>", b"</f><v></v></c>", b"</f><v/></c>", b"/></c>", b"/><v/></c>"):
        at = xml.find(ending)
        while at >= 0:
            opening = xml.rfind(b"<", 0, at + 1 if ending.startswith(b"/") else at)
            if ending.startswith(b"</f>") or xml.startswith((b"<f ", b"<f/"), opening):
                formula = _FORMULA_TEXT.search(xml, max(0, at - 400), at + len(ending))
                text = (formula.group(1) or b"").decode("utf-8", "replace")[:60] if formula else ""
                return (
                    f"cell {_cell_before(xml, at)} holds a formula (={text}) without a computed "
                    f"value; {_HINT_FORMULA}"
                )
            at = xml.find(ending, at + 1)
    extent = [(0, 0)]
    dimension = _DIMENSION.search(xml, 0, 4096)
    if dimension is not None:
        extent.append(_position(dimension.group(2) or dimension.group(1)))
    last = max(xml.rfind(b"<c r="), xml.rfind(b":c r="))
    if last >= 0:
        ref = _REF.search(xml, last, last + 40)
        if ref is not None:
            extent.append((int(ref.group(2)) - 1, _col_number(ref.group(1).decode())))
    row, col = max(r for r, _ in extent), max(c for _, c in extent)
    area = (row + 1) * (col + 1)
    if area > MAX_CELLS:
        return (
            f"its cells span A1:{cell_name(row, col)}, {area:,} cells, more than the "
            f"{MAX_CELLS:,} iocirc reads (a stray cell far from the table, or a damaged file)"
        )
    return None


def _position(ref: bytes) -> tuple[int, int]:
    match = re.match(rb"([A-Z]{1,4})([0-9]{1,8})", ref)
    if match is None:
        return (0, 0)
    return int(match.group(2)) - 1, _col_number(match.group(1).decode())


# -- .xls (OLE2 compound file, BIFF8) ---------------------------------------------------------

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


class _Damaged(Exception):
    """The container cannot be walked here (it is left to the parser, in its worker)."""


def scan_xls(path: Path, data: bytes) -> dict[str, str]:
    """Problems of the sheets of an ``.xls`` file, by sheet name (empty if none or unreadable)."""
    try:
        stream = _workbook_stream(data)
    except (struct.error, ValueError, IndexError, KeyError, _Damaged):
        return {}
    if stream is None:
        return {}
    try:
        return {
            name: f"{path}, sheet {name!r}: {problem}"
            for name, problem in _biff_problems(stream).items()
        }
    except (struct.error, ValueError, IndexError, UnicodeDecodeError):
        return {}


def _workbook_stream(data: bytes) -> bytes | None:
    """The ``Workbook`` (or ``Book``) stream of an OLE2 file, or None if it is in the
    mini-stream or cannot be found."""
    if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    n_sectors = (len(data) - size) // size + 1
    first_dir, cutoff = (
        struct.unpack_from("<I", data, 0x30)[0],
        struct.unpack_from("<I", data, 0x38)[0],
    )
    difat = list(struct.unpack_from("<109I", data, 0x4C))
    next_difat, n_difat = struct.unpack_from("<II", data, 0x44)
    seen = 0
    while next_difat not in (_FREE, _END) and seen <= min(n_difat, n_sectors):
        block = _sector(data, next_difat, size)
        entries = list(struct.unpack(f"<{size // 4}I", block))
        difat.extend(entries[:-1])
        next_difat = entries[-1]
        seen += 1
    fat: list[int] = []
    for sector in difat:
        if sector in (_FREE, _END) or sector >= n_sectors:
            continue
        fat.extend(struct.unpack(f"<{size // 4}I", _sector(data, sector, size)))
    directory = _chain(data, fat, first_dir, size, n_sectors)
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset : offset + 128]
        name_len = struct.unpack_from("<H", entry, 64)[0]
        name = entry[: max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        if name in ("Workbook", "Book") and entry[66] == 2:
            start, stream_size = struct.unpack_from("<II", entry, 116)
            if stream_size < cutoff:
                return None  # in the mini-stream: left to the parser
            stream = _chain(data, fat, start, size, n_sectors)
            return stream[:stream_size]
    return None


def _sector(data: bytes, index: int, size: int) -> bytes:
    start = (index + 1) * size
    block = data[start : start + size]
    if len(block) < size:
        raise _Damaged("sector beyond the end of the file")
    return block


def _chain(data: bytes, fat: list[int], start: int, size: int, n_sectors: int) -> bytes:
    parts = []
    sector, steps = start, 0
    while sector not in (_FREE, _END):
        if sector >= n_sectors or sector >= len(fat) or steps > n_sectors:
            raise _Damaged("a broken sector chain")
        parts.append(_sector(data, sector, size))
        sector = fat[sector]
        steps += 1
    return b"".join(parts)


_CELL_RECORDS = {0x0203, 0x00FD, 0x027E, 0x0201, 0x0204, 0x0006, 0x0205, 0x00BD, 0x00BE}
#: The records of a BIFF8 sheet's cell table (ROW, the cells, DBCELL, STRING, SHRFMLA, ARRAY,
#: TABLE, RSTRING) and of the drawings and comments that may sit among them.
_CELL_TABLE = (
    _CELL_RECORDS
    | {0x0208, 0x00D7, 0x0207, 0x04BC, 0x0221, 0x0236, 0x00D6}
    | {
        0x00EC,  # MSODRAWING
        0x00ED,  # MSODRAWINGSELECTION
        0x005D,  # OBJ
        0x01B6,  # TXO
        0x003C,  # CONTINUE
        0x001C,  # NOTE
    }
)
#: Records of a fixed length (a different length means a damaged record).
_FIXED_LENGTH = {0x0203: 14, 0x027E: 10, 0x00FD: 10, 0x0201: 6, 0x0205: 8, 0x0208: 16}
_WINDOW2 = 0x023E


_HEADER = struct.Struct("<HH")


def _biff_problems(stream: bytes) -> dict[str, str]:
    """Problems of each sheet, from one walk over the record headers and numpy after it."""
    offsets, kinds, lengths = [], [], []
    unpack = _HEADER.unpack_from
    offset, end = 0, len(stream) - 4
    while offset <= end:
        kind, length = unpack(stream, offset)
        offsets.append(offset)
        kinds.append(kind)
        lengths.append(length)
        offset += 4 + length
    sheets: list[tuple[int, str]] = []
    for k in [i for i, kind in enumerate(kinds) if kind == 0x0085]:  # BOUNDSHEET
        body = stream[offsets[k] + 4 : offsets[k] + 4 + lengths[k]]
        if len(body) < 8:
            continue
        chars, flags = body[6], body[7]
        raw = body[8:]
        name = (
            raw[: 2 * chars].decode("utf-16-le", "replace")
            if flags & 1
            else raw[:chars].decode("latin-1")
        )
        sheets.append((struct.unpack_from("<I", body, 0)[0], name))
    sheets.sort()
    if not sheets:
        return {}
    off = np.asarray(offsets, dtype=np.int64)
    kind_of = np.asarray(kinds, dtype=np.int64)
    size = np.asarray(lengths, dtype=np.int64)
    # Pad so that reading a few bytes past a short last record stays in bounds.
    buf = np.frombuffer(stream + b"\0" * 32, dtype=np.uint8).astype(np.int64)
    positions = np.array([p for p, _ in sheets], dtype=np.int64)
    owner = np.searchsorted(positions, off, side="right") - 1

    def u16(at: np.ndarray) -> np.ndarray:
        return buf[at] | (buf[at + 1] << 8)

    problems: dict[str, str] = {}
    for index, (_, name) in enumerate(sheets):
        mine = np.flatnonzero(owner == index)
        if not mine.size:
            continue
        found = _sheet_problem(mine, off, kind_of, size, buf, u16, stream)
        if found:
            problems[name] = found
    return problems


def _sheet_problem(
    mine: np.ndarray,
    off: np.ndarray,
    kind_of: np.ndarray,
    size: np.ndarray,
    buf: np.ndarray,
    u16: Callable[[np.ndarray], np.ndarray],
    stream: bytes,
) -> str | None:
    kinds, offs, lens = kind_of[mine], off[mine], size[mine]
    rows_at = np.flatnonzero(kinds == 0x0208)
    if rows_at.size:  # the cell table: from the first ROW to WINDOW2
        after = np.flatnonzero((kinds == _WINDOW2) & (np.arange(kinds.size) > rows_at[0]))
        stop = after[0] if after.size else kinds.size
        inside = kinds[rows_at[0] : stop]
        strange = np.flatnonzero(~np.isin(inside, list(_CELL_TABLE)))
        if strange.size:
            k = rows_at[0] + strange[0]
            return (
                f"the record at byte {offs[k]} of the Workbook stream has the type "
                f"0x{kinds[k]:04X}, which does not belong among a sheet's cells: the file is "
                "damaged"
            )
    for kind, expected in _FIXED_LENGTH.items():
        wrong = np.flatnonzero((kinds == kind) & (lens != expected))
        if wrong.size:
            k = wrong[0]
            return (
                f"the record at byte {offs[k]} of the Workbook stream (type 0x{kind:04X}) has "
                f"{lens[k]} bytes instead of {expected}: the file is damaged"
            )
    for k in np.flatnonzero((kinds == 0x0200) & (lens >= 12)):  # DIMENSIONS
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, offs[k] + 4)
        area = max(0, last_row - first_row) * max(0, last_col - first_col)
        if area > MAX_CELLS or last_col > 256:
            return (
                f"its DIMENSIONS record declares rows {first_row + 1}-{last_row} and columns "
                f"{first_col + 1}-{last_col} ({area:,} cells; an .xls sheet has at most 256 "
                f"columns and iocirc reads at most {MAX_CELLS:,} cells): the file is damaged"
            )
    cells = np.isin(kinds, list(_CELL_RECORDS)) & (lens >= 4)
    if not cells.any():
        return None
    c_off, c_kind, c_len = offs[cells] + 4, kinds[cells], lens[cells]
    row, col = u16(c_off), u16(c_off + 2)
    multi = np.isin(c_kind, [0x00BD, 0x00BE]) & (c_len >= 6)
    last = np.where(multi, u16(c_off + np.maximum(c_len, 2) - 2), col)
    beyond = np.flatnonzero(last >= 256)
    if beyond.size:
        k = beyond[0]
        return (
            f"cell {cell_name(int(row[k]), int(last[k]))} lies beyond the 256 columns of an "
            ".xls sheet (it would be dropped): the file is damaged"
        )
    boolerr = np.flatnonzero((c_kind == 0x0205) & (c_len >= 8) & (buf[c_off + 7] == 1))
    if boolerr.size:
        k = boolerr[0]
        code = int(buf[c_off[k] + 6])
        return (
            f"cell {cell_name(int(row[k]), int(col[k]))} holds the Excel error "
            f"{_ERRORS.get(code, f'code {code}')}; expected a number or text"
        )
    formula_error = (
        (c_kind == 0x0006)
        & (c_len >= 14)
        & (buf[c_off + 6] == 2)
        & (buf[c_off + 12] == 0xFF)
        & (buf[c_off + 13] == 0xFF)
    )
    bad = np.flatnonzero(formula_error)
    if bad.size:
        k = bad[0]
        code = int(buf[c_off[k] + 8])
        return (
            f"cell {cell_name(int(row[k]), int(col[k]))} holds a formula whose value is the "
            f"Excel error {_ERRORS.get(code, f'code {code}')}; expected a number"
        )
    area = (int(row.max()) - int(row.min()) + 1) * (int(last.max()) - int(col.min()) + 1)
    if area > MAX_CELLS:
        return (
            f"its cells span {cell_name(int(row.min()), int(col.min()))}:"
            f"{cell_name(int(row.max()), int(last.max()))}, {area:,} cells, more than the "
            f"{MAX_CELLS:,} iocirc reads"
        )
    return None
