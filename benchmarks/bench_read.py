"""Time and memory of reading a whole vintage of provincial tables.

Usage::

    IOCIRC_DATA=/path/to/chnio python benchmarks/bench_read.py [2002 2007 2012 2017] [--repeat N]

For each vintage, reads the folder with :func:`iocirc.readers.read_nbs_tables`
(30 or 31 workbooks, the national one left out) and prints the best wall time
of ``--repeat`` runs, the time per workbook, and the peak memory traced during
one read (``tracemalloc``: Python and numpy allocations) next to the process's
maximum resident size. The first read of the session (imports, warm caches) is
not timed. Target: under 2 s per vintage.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

from iocirc.errors import BalanceWarning
from iocirc.readers import read_nbs_table, read_nbs_tables

PROVINCIAL = "中国31省区市42部门投入产出表1997-2017皮皮侠"


def vintage_folder(root: Path, year: int) -> Path:
    """The folder of one vintage's provincial workbooks."""
    return root / "data-raw" / PROVINCIAL / f"{year}年各省份投入产出表"


def bench(folder: Path, repeat: int) -> tuple[float, int, float]:
    """Best time of ``repeat`` reads, number of regions, peak traced MiB of one read."""
    best = float("inf")
    n_regions = 0
    for _ in range(repeat):
        start = time.perf_counter()
        ds = read_nbs_tables(folder)
        best = min(best, time.perf_counter() - start)
        n_regions = ds.sizes["region"]
    tracemalloc.start()
    read_nbs_tables(folder)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, n_regions, peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("years", nargs="*", type=int, default=[2002, 2007, 2012, 2017])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per vintage (best)")
    parser.add_argument(
        "--data",
        type=Path,
        default=os.environ.get("IOCIRC_DATA"),
        help="folder holding data-raw/ (default: $IOCIRC_DATA)",
    )
    args = parser.parse_args(argv)
    if args.data is None or not (Path(args.data) / "data-raw").is_dir():
        print("set IOCIRC_DATA (or --data) to the folder holding data-raw/", file=sys.stderr)
        return 2
    root = Path(args.data)
    warnings.simplefilter("ignore", BalanceWarning)  # two 2002 tables do not add up
    read_nbs_table(next(vintage_folder(root, args.years[0]).glob("*.xls")))  # warm up
    print(f"{'vintage':>8} {'regions':>8} {'best s':>8} {'ms/file':>8} {'peak MiB':>9}")
    for year in args.years:
        seconds, n_regions, peak = bench(vintage_folder(root, year), args.repeat)
        per_file = 1000 * seconds / n_regions
        print(f"{year:>8} {n_regions:>8} {seconds:>8.3f} {per_file:>8.1f} {peak:>9.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"max resident size of the process: {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
