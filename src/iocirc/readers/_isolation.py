"""Running the Excel parser in a child process, so that hostile bytes cannot kill the user's.

Why
---
python-calamine parses Excel in Rust. Fuzzing a real 2017 provincial ``.xls``
(random byte changes, truncations) showed about one corrupted file in six
making it request gigabytes from a corrupted size field and *abort* the
interpreter ("memory allocation of 4294967296 bytes failed", SIGABRT), and
others raising ``pyo3_runtime.PanicException``, a ``BaseException``. An abort
cannot be caught in-process. So the parser runs in one long-lived worker
process (:mod:`iocirc.readers._calamine_worker`) with a memory limit
(``RLIMIT_AS``, 2 GiB by default, ``IOCIRC_READ_MEMORY_LIMIT`` bytes to change
it, 0 for none) and a time limit per request (``IOCIRC_READ_TIMEOUT`` seconds,
default 120). If it dies or hangs, the read is a :class:`~iocirc.errors.ReadError`
naming the file, and the next read starts a new worker.

Cost
----
Starting the worker once per session (a bare interpreter importing
python-calamine, about 0.1 s), and per workbook a copy of its bytes to the
worker and of the cell values back (pickled; under 10 ms for a provincial
table). One extra process, a few tens of MB, lives while the session does.
Set ``IOCIRC_READ_ISOLATION=0`` to parse in-process instead (faster to start,
but a hostile file can then abort the interpreter). On Windows, where pipes
cannot be waited on with a timeout and ``RLIMIT_AS`` does not exist, parsing
is in-process unless ``IOCIRC_READ_ISOLATION=1``. A process forked from one
that has a worker (multiprocessing) starts its own.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from iocirc.errors import ReadError

__all__ = ["WORKER", "Worker"]

_SCRIPT = Path(__file__).with_name("_calamine_worker.py")


class Worker:
    """The parser process: started on first use, restarted after a crash."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = os.getpid()
        self._lock = threading.Lock()
        self._books: dict[str, Any] = {}  # in-process mode
        atexit.register(self.close)

    # -- public ---------------------------------------------------------------------------

    def request(self, path: Path, message: tuple[Any, ...]) -> tuple[Any, ...]:
        """Send one request about the file ``path``; a ReadError if it fails in any way."""
        with self._lock:
            if self._owner != os.getpid():  # forked: the worker's pipes are the parent's
                self._process, self._owner, self._books = None, os.getpid(), {}
            default = "0" if sys.platform == "win32" else "1"
            if os.environ.get("IOCIRC_READ_ISOLATION", default).strip() == "0":
                reply = self._in_process(message)
            else:
                reply = self._exchange(path, message)
        if reply[0] == "error":
            raise ReadError(
                f"{path}: cannot be read as an Excel workbook; it may be truncated or damaged "
                f"({reply[1]}: {reply[2]})"
            )
        return reply

    def close(self) -> None:
        """Stop the worker process (it is started again when needed)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.close()
                process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        if process is not None:
            _close_pipes(process)

    # -- the child process ----------------------------------------------------------------

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-I", str(_SCRIPT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # a Rust abort prints a backtrace: not the user's
                env={**os.environ, "RUST_BACKTRACE": "0"},
            )
        return self._process

    def _exchange(self, path: Path, message: tuple[Any, ...]) -> tuple[Any, ...]:
        process = self._start()
        assert process.stdin is not None
        assert process.stdout is not None
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        timeout = float(os.environ.get("IOCIRC_READ_TIMEOUT", "120") or 120)
        try:
            process.stdin.write(struct.pack(">Q", len(data)) + data)
            process.stdin.flush()
            head = _read_exactly(process.stdout, 8, timeout)
            (size,) = struct.unpack(">Q", head)
            reply = pickle.loads(_read_exactly(process.stdout, size, timeout))
        except (OSError, EOFError, TimeoutError, pickle.UnpicklingError, struct.error) as err:
            self._kill()
            code = process.poll()
            how = (
                f"timed out after {timeout:g} s"
                if isinstance(err, TimeoutError)
                else f"crashed (exit status {code}: it aborted or ran out of memory)"
            )
            raise ReadError(
                f"{path}: cannot be read as an Excel workbook: the parser {how} on this file, "
                "which is damaged or hostile (your session is unaffected)"
            ) from None
        return tuple(reply)

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()
            _close_pipes(process)

    # -- without isolation ----------------------------------------------------------------

    def _in_process(self, message: tuple[Any, ...]) -> tuple[Any, ...]:
        from python_calamine import CalamineWorkbook

        try:
            if message[0] == "open":
                _, token, data = message
                book = CalamineWorkbook.from_filelike(io.BytesIO(data))
                self._books[token] = book
                while len(self._books) > 8:
                    del self._books[next(iter(self._books))]
                names = [str(n) for n in book.sheet_names]
                shown = {m.name: str(m.visible).endswith("Visible") for m in book.sheets_metadata}
                return ("ok", names, [shown.get(n, True) for n in names])
            _, token, name, max_cells = message
            if token not in self._books:
                raise LookupError("the workbook is no longer open; open the file again")
            sheet = self._books[token].get_sheet_by_name(name)
            if int(sheet.total_height) * int(sheet.total_width) > max_cells:
                return ("too_big", int(sheet.total_height), int(sheet.total_width))
            return ("ok", [list(row) for row in sheet.to_python()])
        except BaseException as err:  # PanicException is a BaseException
            if isinstance(err, KeyboardInterrupt | SystemExit):
                raise
            return ("error", type(err).__name__, str(err)[:500])


def _close_pipes(process: subprocess.Popen[bytes]) -> None:
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _read_exactly(stream: Any, size: int, timeout: float) -> bytes:
    chunks = []
    left = size
    fd = stream.fileno()
    while left:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


#: The worker shared by every read of the session.
WORKER = Worker()
