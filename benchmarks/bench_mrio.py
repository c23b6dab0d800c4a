"""Benchmark the core of iocirc.mrio on a WIOD-sized synthetic table (41 regions x 35 sectors).

Run::

    python benchmarks/bench_mrio.py [--runs 7] [--regions 41] [--sectors 35]

For :func:`iocirc.testing.synthetic_mrio` (5 final-demand categories, exports,
imports and a discrepancy; 27 regions in the nation, as the EU in WIOD) reports the
median and best wall time (and median CPU time) of ``--runs`` calls of
:func:`iocirc.mrio.to_single_region`,
:func:`iocirc.mrio.validate`, :func:`iocirc.mrio.as_matrices` and
:func:`iocirc.mrio.aggregate` (sectors to 5 groups), and the peak memory of one
``to_single_region`` call (tracemalloc, which sees numpy's allocations). Target:
``to_single_region`` well under a second.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import iocirc
from iocirc.testing import synthetic_mrio

MB = 1024.0**2


def timings(func: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time of this process (less disturbed by
    other processes on a shared machine)."""
    times, cpu = [], []
    for _ in range(runs):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), min(times), statistics.median(cpu)


def peak_memory(func: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--regions", type=int, default=41)
    parser.add_argument("--sectors", type=int, default=35)
    args = parser.parse_args()
    mrio = synthetic_mrio(
        args.regions, args.sectors, nation=min(27, args.regions), discrepancy=True
    )
    sectors = {s: f"G{i % 5}" for i, s in enumerate(mrio.indexes["sector"])}
    size = f"{args.regions} regions x {args.sectors} sectors"
    print(f"iocirc.mrio on a synthetic table of {size} ({mrio.nbytes / MB:.1f} MB)")
    view = iocirc.mrio.to_single_region(mrio)
    iocirc.validate(view)
    cases: dict[str, Callable[[], Any]] = {
        "to_single_region": lambda: iocirc.mrio.to_single_region(mrio),
        "validate (MRIO)": lambda: iocirc.mrio.validate(mrio),
        "validate (view)": lambda: iocirc.validate(view),
        "as_matrices": lambda: iocirc.mrio.as_matrices(mrio),
        "aggregate (sectors)": lambda: iocirc.mrio.aggregate(mrio, sectors=sectors),
    }
    for name, func in cases.items():
        median, best, cpu = timings(func, args.runs)
        print(
            f"  {name:22s} median {median * 1e3:7.1f} ms   best {best * 1e3:7.1f} ms   "
            f"CPU {cpu * 1e3:7.1f} ms"
        )
    peak = peak_memory(cases["to_single_region"])
    print(f"  to_single_region peak memory {peak:.1f} MB")


if __name__ == "__main__":
    main()
