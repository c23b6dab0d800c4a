"""Loading the sheets of a workbook as grids of cells, whatever the file really is.

The official tables come as Excel 97 ``.xls``, ``.xlsx``, and Word/Excel HTML
(sometimes wrapped in MIME, ``.mht``) saved under an ``.xls`` name. The format
is told by the file's first bytes, never by its extension. Excel files are read
with python-calamine, HTML with lxml; both are optional dependencies
(``pip install 'iocirc[read]'``) imported only when a file needs them.

Every failure to open a file becomes a :class:`~iocirc.errors.ReadError` that
names the file.
"""

from __future__ import annotations

import email
import email.policy
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from iocirc.errors import ReadError
from iocirc.readers._excel_checks import MAX_BYTES, MAX_CELLS, MAX_SPAN_CELLS, scan_xls, scan_xlsx
from iocirc.readers._isolation import WORKER as _WORKER

__all__ = ["Sheet", "Workbook", "detect_format", "open_workbook"]

Format = Literal["xls", "xlsx", "html", "mhtml"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_INSTALL = "pip install 'iocirc[read]'"


@dataclass
class Sheet:
    """One sheet (or one HTML table) as a list of rows of cell values.

    Cells are what the file holds: ``str``, ``float``, ``int``, ``bool``,
    dates, or ``""`` for an empty cell. Rows may differ in length.
    """

    name: str
    rows: list[list[Any]]


@dataclass
class Workbook:
    """The sheets of one file, loaded on first access."""

    path: Path
    format: Format
    sheet_names: list[str]
    _load: Callable[[str], list[list[Any]]] = field(repr=False)
    _cache: dict[str, Sheet] = field(default_factory=dict, repr=False)
    #: Whether each sheet is visible (hidden and "very hidden" sheets are not).
    visible: dict[str, bool] = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet:
        """The sheet called ``name``, read on first use."""
        if name not in self._cache:
            try:
                rows = self._load(name)
            except ReadError:
                raise
            except Exception as err:  # the parsers raise several types for damaged sheets
                raise ReadError(
                    f"{self.path}: sheet {name!r} cannot be read ({type(err).__name__}: {err})"
                ) from None
            self._cache[name] = Sheet(name, rows)
        return self._cache[name]

    def sheets(self) -> Iterator[Sheet]:
        """All sheets, in workbook order."""
        for name in self.sheet_names:
            yield self.sheet(name)


def detect_format(path: Path) -> Format:
    """The real format of ``path`` from its first bytes.

    Raises
    ------
    ReadError
        If the file is missing, empty, or neither an Excel workbook nor HTML.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as err:
        raise ReadError(f"{path}: cannot open the file ({err.strerror or err})") from None
    if not head.strip():
        raise ReadError(f"{path}: the file is empty; expected an .xls, .xlsx or HTML workbook")
    if head.startswith(_OLE2):
        return "xls"
    if head.startswith(_ZIP):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"mime-version") or b"content-type: multipart/related" in text:
        return "mhtml"
    if text.startswith(b"<") and (b"<html" in text or b"<table" in text or b"<!doctype" in text):
        return "html"
    raise ReadError(
        f"{path}: not a workbook: the file starts with {head[:16]!r}, which is neither an "
        "Excel file (.xls or .xlsx) nor HTML saved as .xls"
    )


def open_workbook(path: str | Path) -> Workbook:
    """Open ``path`` as a workbook of sheets, by its real format.

    Examples
    --------
    >>> from pathlib import Path
    >>> import tempfile
    >>> tmp = Path(tempfile.mkdtemp()) / "t.xls"
    >>> _ = tmp.write_text("<html><table><tr><td>TIU</td><td>1</td></tr></table></html>")
    >>> book = open_workbook(tmp)
    >>> book.format, book.sheet("table1").rows
    ('html', [['TIU', '1']])
    """
    path = Path(path)
    kind = detect_format(path)
    if kind in ("xls", "xlsx"):
        return _open_excel(path, kind)
    return _open_html(path, kind)


def _open_excel(path: Path, kind: Format) -> Workbook:
    try:
        import python_calamine  # noqa: F401  (parsed in the worker process; checked here)
    except ImportError:
        raise ImportError(f"reading {kind} workbooks needs python-calamine: {_INSTALL}") from None
    data = _read_bounded(path)
    # Checks on the raw structure before the parser allocates anything (see _excel_checks).
    problems = scan_xlsx(path, data) if kind == "xlsx" else scan_xls(path, data)
    # From the bytes, not the path: calamine would pick its parser by the file extension.
    token = secrets.token_hex(8)
    reply = _WORKER.request(path, ("open", token, data))
    names, visible = list(reply[1]), list(reply[2])
    if not names:
        raise ReadError(f"{path}: the workbook has no sheets")

    def load(name: str) -> list[list[Any]]:
        if name in problems:
            raise ReadError(problems[name])
        answer = _WORKER.request(path, ("sheet", token, name, MAX_CELLS))
        if answer[0] == "too_big":
            raise ReadError(
                f"{path}: sheet {name!r} spans {answer[1]} rows by {answer[2]} columns, more "
                f"than the {MAX_CELLS:,} cells iocirc reads (an IO table has thousands); the "
                "file is damaged or not an IO table"
            )
        return list(answer[1])

    return Workbook(path, kind, names, load, visible=dict(zip(names, visible, strict=True)))


def _open_html(path: Path, kind: Format) -> Workbook:
    try:
        import lxml.html
    except ImportError:
        raise ImportError(f"reading HTML saved as a workbook needs lxml: {_INSTALL}") from None
    raw = _read_bounded(path)
    markup: str | bytes = _html_part(raw, path) if kind == "mhtml" else raw
    try:
        document = lxml.html.fromstring(markup)
    except Exception as err:  # lxml raises ParserError or ValueError on junk
        raise ReadError(f"{path}: cannot be parsed as HTML ({err})") from None
    tables = [t for t in document.iter("table") if not t.xpath("ancestor::table")]
    if not tables:
        raise ReadError(f"{path}: the HTML holds no <table>; expected an IO table")
    grids = {f"table{i + 1}": _grid(table, path) for i, table in enumerate(tables)}
    return Workbook(path, kind, list(grids), grids.__getitem__)


def _html_part(raw: bytes, path: Path) -> str:
    """The HTML document inside a MIME (``.mht``) file, decoded to text."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset() or "utf-8"
                try:
                    text = payload.decode(charset, errors="replace")
                except LookupError:
                    text = payload.decode("utf-8", errors="replace")
                # lxml refuses text that still carries an XML encoding declaration
                return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    raise ReadError(f"{path}: a MIME file without an HTML part; expected an IO table")


def _grid(table: Any, path: Path | None = None) -> list[list[Any]]:
    """Cell texts of an HTML table, with merged cells expanded like a spreadsheet.

    A cell spanning several rows or columns holds its text in its top-left
    position and ``""`` elsewhere, as Excel readers return merged cells. Each
    span is capped at 1,000 rows or columns, and the cells the spans cover in
    total at :data:`MAX_SPAN_CELLS`, before anything is allocated (60 cells of
    ``rowspan=colspan=1000`` would otherwise take 60 million entries).
    """
    taken: dict[tuple[int, int], str] = {}
    covered = 0
    for r, tr in enumerate(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
        c = 0
        for cell in tr.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            covered += rowspan * colspan
            if covered > MAX_SPAN_CELLS or r + rowspan > MAX_CELLS or c + colspan > MAX_CELLS:
                raise ReadError(
                    f"{path}: the HTML table's cells span more than {MAX_SPAN_CELLS:,} cells "
                    f"(row {r + 1} has a cell of rowspan={rowspan}, colspan={colspan}); an IO "
                    "table has thousands, so the file is damaged or hostile"
                )
            text = " ".join(cell.text_content().split())
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = text if dr == dc == 0 else ""
            c += colspan
    if not taken:
        return []
    n_rows = max(r for r, _ in taken) + 1
    n_cols = max(c for _, c in taken) + 1
    return [[taken.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except (ValueError, OverflowError):
        return 1


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing files far larger than any IO table workbook."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(
                f"{path}: the file has {size:,} bytes, more than the {MAX_BYTES:,} iocirc reads "
                "(the official workbooks have under 10 MB)"
            )
        data = path.read_bytes()
    except OSError as err:
        raise ReadError(f"{path}: cannot read the file ({err.strerror or err})") from None
    from iocirc.download import verify_read  # the registry's hash, of the very bytes parsed

    verify_read(path, data)
    return data
