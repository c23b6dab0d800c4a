"""Benchmark: reading the WIOD 2013 world table and its single-region view of the EU.

Run (needs ``IOCIRC_WIOD_DATA``, a copy of bquast/wiod's ``data/`` folder)::

    IOCIRC_WIOD_DATA=../shared/data/wiod python benchmarks/bench_wiod.py [--runs 5]

Reports, as medians:

* cold: a fresh Python process imports iocirc and calls ``wiod2013(2011)`` once (the
  import is timed separately; the file is in the operating system's cache after the
  first run, so "cold" is cold for Python, not for the disk);
* warm: further ``wiod2013(2011)`` calls in the same process (there is no in-memory
  cache: each call hash-checks, decompresses, parses and validates the file again;
  the hash is remembered while the file's size and mtime do not change);
* ``to_single_region`` of the 2011 table with the 27 EU members as the nation, and the
  two circulation ratios on the view;
* peak memory of one warm ``wiod2013`` call (tracemalloc).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

_CHILD = """
import json, time
t0 = time.perf_counter()
import iocirc
t1 = time.perf_counter()
iocirc.datasets.wiod2013(2011)
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first_call": t2 - t1}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("IOCIRC_WIOD_DATA"):
        sys.exit("set IOCIRC_WIOD_DATA to a copy of bquast/wiod's data/ folder")

    cold = [
        json.loads(subprocess.run([sys.executable, "-c", _CHILD], check=True, text=True,
                                  capture_output=True).stdout)
        for _ in range(args.runs)
    ]  # fmt: skip
    print(
        f"import iocirc (fresh process):      {statistics.median(c['import'] for c in cold):.3f} s"
    )
    first = statistics.median(c["first_call"] for c in cold)
    print(f"wiod2013(2011), cold (first call):  {first:.3f} s")

    import iocirc
    from iocirc.mrio import to_single_region

    iocirc.datasets.wiod2013(2011)
    warm = []
    for _ in range(args.runs):
        start = time.perf_counter()
        ds = iocirc.datasets.wiod2013(2011, nation=iocirc.datasets.WIOD_EU27)
        warm.append(time.perf_counter() - start)
    print(f"wiod2013(2011), warm:               {statistics.median(warm):.3f} s")

    tracemalloc.start()
    iocirc.datasets.wiod2013(2011)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"wiod2013(2011), peak memory:        {peak / 2**20:.0f} MiB")

    to_single_region(ds)
    views, ratios = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        view = to_single_region(ds)
        views.append(time.perf_counter() - start)
        start = time.perf_counter()
        iocirc.circulation_ratio(view, "domestic")
        iocirc.circulation_ratio(view, "international")
        ratios.append(time.perf_counter() - start)
    print(f"to_single_region (EU27 of WIOD):    {statistics.median(views) * 1e3:.0f} ms")
    print(f"two circulation ratios on the view: {statistics.median(ratios) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
