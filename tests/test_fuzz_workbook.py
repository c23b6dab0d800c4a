"""Corruption fuzzing of a real 2017 provincial workbook (issue 11, class 1).

Each case is the intact ``.xls`` with its *structure* damaged: the OLE2
container (header fields, the FAT, directory entries and the sizes and start
sectors they give), the BIFF record stream (record types and lengths, the sheet
offsets of BOUNDSHEET, the DIMENSIONS record, the SST's counts) and
truncations. The cases are generated at run time from a fixed seed. Every case
must be refused with :class:`~iocirc.errors.ReadError` or read exactly as the
intact file (equal values, labels and attributes but the file name), and the
test process must survive: the parser runs in a worker process
(:mod:`iocirc.readers._isolation`), and one that aborts there costs only a
ReadError.

A change *inside* a number or a label gives another valid workbook, which no
reader can tell from a table published with other numbers (an ``.xls`` has no
checksum); the balance checks flag large changes and :func:`iocirc.download.fetch`
verifies the SHA-256 of the registered official files. Those are not tried
here, except as far as the random flips of the record headers hit them.
"""

from __future__ import annotations

import os
import struct
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import iocirc
from iocirc.errors import BalanceWarning, ReadError

N_CASES = 240
SEED = 20261201

pytestmark = pytest.mark.skipif(
    not os.environ.get("IOCIRC_DATA"), reason="IOCIRC_DATA is not set to a folder holding data-raw/"
)

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


def _original() -> Path:
    return iocirc.download.provincial_files(2017, "Beijing")[0]


def _layout(data: bytes) -> dict[str, list[int]]:
    """File offsets of the structures to damage, from the intact file."""
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    n_sectors = len(data) // size - 1
    difat = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < n_sectors]
    fat: list[int] = []
    for s in difat:
        start = (s + 1) * size
        fat.extend(struct.unpack_from(f"<{size // 4}I", data, start))

    def chain(first: int) -> list[int]:
        out, s = [], first
        while s not in (_FREE, _END) and len(out) <= n_sectors:
            out.append(s)
            s = fat[s]
        return out

    dir_sectors = chain(struct.unpack_from("<I", data, 0x30)[0])
    entries = [(s + 1) * size + k * 128 for s in dir_sectors for k in range(size // 128)]
    book_entry = next(
        e for e in entries if data[e : e + 16].decode("utf-16-le", "ignore").startswith("Workbook")
    )
    start, length = struct.unpack_from("<II", data, book_entry + 116)
    sectors = chain(start)

    def file_offset(k: int) -> int:
        return (sectors[k // size] + 1) * size + k % size

    records, bound, dims, sst, numbers = [], [], [], [], []
    k = 0
    while k + 4 <= length:
        kind, n = struct.unpack_from("<HH", bytes(data[file_offset(k) + i] for i in range(4)))
        records.append(k)
        if kind == 0x0085:
            bound.append(k + 4)
        elif kind == 0x0200:
            dims.append(k + 4)
        elif kind == 0x00FC:
            sst.append(k + 4)
        elif kind == 0x0203:
            numbers.append(k + 4)
        k += 4 + n
    to_file = np.vectorize(file_offset)
    return {
        "header": [0x1E, 0x20, 0x2C, 0x30, 0x38, 0x3C, 0x40, 0x44, 0x48, *range(0x4C, 0x4C + 16)],
        "fat": [(s + 1) * size + i for s in difat for i in range(0, size, 4)],
        "directory": [e + off for e in entries[:8] for off in (64, 66, 116, 117, 120, 121, 122)],
        "record_headers": [
            int(o) for o in to_file(np.array(records) + np.arange(4)[:, None]).ravel()
        ],
        "boundsheet": [int(file_offset(b + i)) for b in bound for i in range(4)],
        "dimensions": [int(file_offset(d + i)) for d in dims for i in range(14)],
        "sst": [int(file_offset(s + i)) for s in sst for i in range(8)],
        "number_columns": [int(file_offset(n + 2)) for n in numbers],  # low byte of the column
    }


def _cases(data: bytes, n: int, seed: int) -> list[tuple[str, bytes]]:
    rng = np.random.default_rng(seed)
    layout = _layout(data)
    kinds = [k for k in layout if k != "number_columns"] + ["truncate", "stream_size"]
    cases = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        damaged = bytearray(data)
        if kind == "truncate":
            damaged = damaged[: int(rng.integers(0, len(data)))]
        elif kind == "stream_size":  # the Workbook stream's size in its directory entry
            offsets = [o for o in layout["directory"] if o % 128 in (120, 121, 122)]
            for o in rng.choice(offsets, size=int(rng.integers(1, 3)), replace=False):
                damaged[int(o)] = int(rng.integers(0, 256))
        else:
            offsets = layout[kind]
            for o in rng.choice(offsets, size=min(len(offsets), int(rng.integers(1, 3)))):
                value = int(rng.choice([0x00, 0xFF, 0x7F, 0x80, int(rng.integers(0, 256))]))
                damaged[int(o)] = value if value != damaged[int(o)] else value ^ 0x01
        cases.append((f"{i:03d}-{kind}", bytes(damaged)))
    return cases


def _comparable(ds: xr.Dataset) -> xr.Dataset:
    return ds.drop_vars("source_file").drop_attrs()


def test_corrupted_workbooks_are_refused_or_read_exactly(tmp_path: Path) -> None:
    original = _original()
    data = original.read_bytes()
    intact = iocirc.read_nbs_table(original)
    cases = _cases(data, N_CASES, SEED)
    assert len(cases) >= 200
    outcomes: dict[str, int] = {"refused": 0, "identical": 0}
    wrong = []
    start = time.perf_counter()
    for name, damaged in cases:
        path = tmp_path / f"{name}-{original.name}"
        path.write_bytes(damaged)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", BalanceWarning)
                ds = iocirc.read_nbs_table(path, region="Beijing", year=2017)
        except ReadError:
            outcomes["refused"] += 1
        except BalanceWarning as warning:
            wrong.append((name, f"read with a BalanceWarning: {warning}"))
        except BaseException as err:  # anything else is a defect to report
            wrong.append((name, f"{type(err).__module__}.{type(err).__name__}: {err}"))
        else:
            if _comparable(ds).identical(_comparable(intact)):
                outcomes["identical"] += 1
            else:
                wrong.append((name, "read, but not as the intact file"))
        path.unlink()
    elapsed = time.perf_counter() - start
    print(f"{len(cases)} corruptions in {elapsed:.1f} s: {outcomes}, {len(wrong)} wrong")
    for case, what in wrong:
        print(case, what[:160])
    assert not wrong, wrong[:10]
    assert outcomes["refused"] > 0  # the damage is real: most cases cannot be read
    assert outcomes["identical"] > 0  # damage the parser skips (unused FAT entries) reads intact


def test_a_cell_beyond_column_256_is_refused_not_dropped(tmp_path: Path) -> None:
    original = _original()
    data = bytearray(original.read_bytes())
    at = _layout(bytes(data))["number_columns"][100]
    data[at + 1] = 0x01  # column + 256: beyond the 256 columns of an .xls sheet
    path = tmp_path / original.name
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="beyond the 256 columns"):
        iocirc.read_nbs_table(path)


def test_an_xls_error_cell_is_refused_naming_the_cell(tmp_path: Path) -> None:
    """A NUMBER record turned into a BOOLERR record holding #DIV/0! (and a DBCELL filler)."""
    original = _original()
    data = bytearray(original.read_bytes())
    layout = _layout(bytes(data))
    intact = iocirc.read_nbs_table(original)
    for body in layout["number_columns"][200:260]:
        header = body - 2 - 4  # the column sits 2 bytes into the body, after a 4-byte header
        if max(body + 16, header) // 512 != header // 512:  # keep the edit inside one sector
            continue
        row, col = struct.unpack_from("<HH", data, header + 4)
        replacement = struct.pack("<HH", 0x0205, 8) + struct.pack("<HHHBB", row, col, 15, 0x07, 1)
        replacement += struct.pack("<HH", 0x00D7, 2) + b"\0\0"
        data[header : header + 18] = replacement
        break
    else:  # pragma: no cover - the file has NUMBER records in one sector
        pytest.fail("no NUMBER record to replace")
    path = tmp_path / original.name
    path.write_bytes(bytes(data))
    letters = ""
    c = col + 1
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(65 + rest) + letters
    with pytest.raises(ReadError, match=f"cell {letters}{row + 1} holds the Excel error #DIV/0!"):
        iocirc.read_nbs_table(path)
    assert intact.sizes["sector"] == 42
