"""The child process that parses Excel files with python-calamine (run as a script).

calamine parses ``.xls`` and ``.xlsx`` in Rust. On hostile or corrupted bytes
it can panic (``pyo3_runtime.PanicException``, a ``BaseException``), allocate
gigabytes from a corrupted size field, or abort the process outright
("memory allocation of 4294967296 bytes failed"), which no ``try`` can catch.
:mod:`iocirc.readers._workbook` therefore runs it here, in a separate process
with a memory limit: whatever the bytes do, only this process dies, and the
user's process gets a :class:`~iocirc.errors.ReadError`.

This file imports nothing from iocirc (it runs as ``python -I <this file>``, so
starting it costs a bare interpreter and python-calamine, not numpy, pandas or
xarray). It answers requests on stdin with pickled replies on stdout, each
frame an 8-byte big-endian length and a pickle:

``("open", token, data)``
    ``("ok", names, visible)``: the sheet names and whether each is visible;
    the workbook is kept under ``token`` (the last few are kept).
``("sheet", token, name, max_cells)``
    ``("ok", rows)``, or ``("too_big", height, width)`` if the sheet spans more
    than ``max_cells`` cells.

Failures reply ``("error", type name, message)``.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import resource
import struct
import sys
from typing import Any


def _limit_memory() -> None:
    limit = int(os.environ.get("IOCIRC_READ_MEMORY_LIMIT", str(2 << 30)))
    if limit > 0:
        with contextlib.suppress(ValueError, OSError):  # a platform without the limit
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _read_frame(stream: Any) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack(">Q", head)
    return pickle.loads(stream.read(size))


def _write_frame(stream: Any, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def main() -> None:
    _limit_memory()
    from python_calamine import CalamineWorkbook

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    books: dict[str, Any] = {}
    while True:
        request = _read_frame(stdin)
        if request is None:
            return
        try:
            if request[0] == "open":
                _, token, data = request
                book = CalamineWorkbook.from_filelike(io.BytesIO(data))
                names = [str(n) for n in book.sheet_names]
                visible = {m.name: str(m.visible).endswith("Visible") for m in book.sheets_metadata}
                books[token] = book
                while len(books) > 8:
                    del books[next(iter(books))]
                reply: Any = ("ok", names, [visible.get(n, True) for n in names])
            elif request[0] == "sheet":
                _, token, name, max_cells = request
                if token not in books:
                    raise LookupError("the workbook is no longer open; open the file again")
                sheet = books[token].get_sheet_by_name(name)
                height, width = int(sheet.total_height), int(sheet.total_width)
                if height * width > max_cells:
                    reply = ("too_big", height, width)
                else:
                    reply = ("ok", [list(row) for row in sheet.to_python()])
            else:
                reply = ("error", "ValueError", f"unknown request {request[0]!r}")
        except BaseException as err:  # a PanicException is a BaseException
            if isinstance(err, KeyboardInterrupt | SystemExit):
                raise
            reply = ("error", type(err).__name__, str(err)[:500])
        _write_frame(stdout, reply)


if __name__ == "__main__":
    main()
