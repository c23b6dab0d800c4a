"""Reading a whole vintage of official tables, and the cost of the hostile-input guards.

Run with ``IOCIRC_DATA`` pointing at a copy of the mirror::

    python benchmarks/bench_read_guards.py

Prints, for the 2002 (``.xlsx``) and 2017 (``.xls``) vintages, the median over
fresh runs of :func:`iocirc.read_nbs_tables` on all provinces (the parser worker
already started, as in a session), the time of the raw-structure scans alone
(:mod:`iocirc.readers._excel_checks`) per workbook, and the scan of a synthetic
CEADS-sized sheet (1,400 x 1,400 cells). ``IOCIRC_READ_ISOLATION=0`` compares
with parsing in-process.
"""

from __future__ import annotations

import io
import os
import statistics
import time
import warnings
import zipfile
from pathlib import Path

import iocirc
from iocirc.readers._excel_checks import scan_xls, scan_xlsx

RUNS = 5


def median_time(func, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    for year in (2002, 2017):
        files = iocirc.download.provincial_files(year)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            iocirc.read_nbs_tables(files)  # start the worker, warm the file cache

            def read(files=files):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    iocirc.read_nbs_tables(files)

            whole = median_time(read)
        data = [(f, f.read_bytes()) for f in files]

        def scans(data=data):
            for path, raw in data:
                (scan_xlsx if raw[:2] == b"PK" else scan_xls)(path, raw)

        scan = median_time(scans)
        mode = "in-process" if os.environ.get("IOCIRC_READ_ISOLATION") == "0" else "isolated"
        print(
            f"{year}: read_nbs_tables of {len(files)} workbooks {whole:.3f} s ({mode}); "
            f"raw-structure scans {1e3 * scan / len(files):.2f} ms per workbook"
        )
    rows = []
    for r in range(1, 1401):
        cells = "".join(f'<c r="{_col(c)}{r}"><v>{r * c}</v></c>' for c in range(1400))
        rows.append(f'<row r="{r}">{cells}</row>')
    sheet = f"<worksheet><sheetData>{''.join(rows)}</sheetData></worksheet>".encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="MRIO" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    raw = buffer.getvalue()
    big = median_time(lambda: scan_xlsx(Path("ceads.xlsx"), raw), runs=3)
    print(f"scan of a 1,400 x 1,400 sheet ({len(sheet) / 1e6:.0f} MB of XML): {big:.3f} s")


def _col(c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


if __name__ == "__main__":
    main()
