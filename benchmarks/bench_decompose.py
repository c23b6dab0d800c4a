"""Benchmark iocirc.mrio's value-added decompositions: WIOD 2011 and a 9,800-sector MRIO.

Run::

    IOCIRC_WIOD_DATA=../shared/data/wiod python benchmarks/bench_decompose.py
    python benchmarks/bench_decompose.py --quick        # WIOD + a 1,400-sector table
    python benchmarks/bench_decompose.py --no-synthetic # WIOD only

1. WIOD 2011 (41 regions x 35 industries, n = 1,435), read by
   :func:`iocirc.datasets.wiod2013` from ``IOCIRC_WIOD_DATA`` (skipped when unset). Each
   function runs on the table (the matrix view, checks, factorisations, labelled result
   included): the median of ``--repeat`` fresh runs, then the peak memory of one more run
   (tracemalloc, which sees numpy's allocations), also as a multiple of the ``n x n``
   inverse. decompr 6.8.0 on this machine (``../shared/reference/decompr_leather/README.md``):
   0.15 s (``leontief``), 3.7 s (``kww``), 10.8 s (``wwz``); targets: ``kww`` and ``wwz``
   at least 10 times faster, ``wwz`` under 1 s, memory a small multiple of the inverse.
2. Synthetic world tables (:func:`iocirc.testing.synthetic_mrio`, no exogenous rest of
   the world) of 9,800 sectors: 280 regions x 35 sectors and 40 regions x 245 sectors
   (``--shapes`` to change): one run per function, timed with tracemalloc on (its overhead
   on a few large numpy allocations is negligible). WWZ needs the diagonal blocks of
   ``B``: with few regions (``G (G + 1) < n``, the second shape) it solves for them
   instead of inverting, which is the cheaper route there.

On a machine shared with other jobs, multithreaded OpenBLAS loses much of its time waiting
for its threads: compare with ``OPENBLAS_NUM_THREADS=1`` (on WIOD 2011 at load 5 on 2 cores,
KWW took 0.27 s with 2 threads and 0.09 s with 1; WWZ 0.47 s and 0.22 s).

Before timing, the identities are checked on each table: KWW terms sum to gross exports,
WWZ terms to bilateral exports, WWZ aggregated over sectors and partners equals KWW.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

from iocirc import mrio as iomrio
from iocirc.mrio._decompose import WWZ_TO_KWW

MB = 1024.0**2

#: decompr 6.8.0 on this machine, WIOD 2011 (seconds; from the reference README).
DECOMPR = {"value_added_origin": 0.15, "kww": 3.7, "wwz": 10.8}

FUNCTIONS: dict[str, Callable[[xr.Dataset], Any]] = {
    "value_added_origin": iomrio.value_added_origin,
    "kww": iomrio.kww,
    "wwz": iomrio.wwz,
    "value_added_absorption": iomrio.value_added_absorption,
    "value_chain_participation": iomrio.value_chain_participation,
}


def timed(func: Callable[[], Any], *, trace: bool = False) -> tuple[float, float]:
    """Seconds and (with ``trace``) peak MiB allocated beyond what was held before."""
    gc.collect()
    if trace:
        tracemalloc.start()
        before, _ = tracemalloc.get_traced_memory()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    peak = 0.0
    if trace:
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak = (top - before) / MB
    del result
    return elapsed, peak


def check(table: xr.Dataset) -> None:
    k = iomrio.kww(table)
    w = iomrio.wwz(table)
    scale = float(k["gross_exports"].max())
    gap = float(abs(k["terms"].sum("term") - k["gross_exports"]).max())
    assert gap <= 1e-9 * scale, gap
    agg = w["terms"].sum(["sector", "region_to"])
    for term, parts in WWZ_TO_KWW.items():
        expected = k["terms"].sel(term=term)
        if term == "FDC":
            expected = expected - k["residual"]
        diff = float(abs(agg.sel(term=list(parts)).sum("term") - expected).max())
        assert diff <= 1e-8 * scale, (term, diff)
    print(
        f"  checks passed; largest row-residual effect on KWW: "
        f"{float(abs(k['residual']).max()):.4g} (gross exports up to {scale:.4g})"
    )


def run(
    table: xr.Dataset, label: str, repeat: int, *, separate_memory: bool, only: list[str]
) -> None:
    n = table.sizes["region"] * table.sizes["sector"]
    inverse_mb = n * n * 8 / MB
    print(f"\n{label}: n = {n:,} (the n x n inverse is {inverse_mb:,.0f} MiB); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    if n <= 2000:  # the checks run KWW and WWZ once more: skipped on the large tables
        check(table)
    print(f"  {'function':<28}{'median s':>10}{'best s':>8}{'runs':>6}{'peak MiB':>10}"
          f"{'x inverse':>11}{'decompr s':>11}{'speed-up':>10}")  # fmt: skip
    for name, func in FUNCTIONS.items():
        if only and name not in only:
            continue
        if separate_memory:
            times = [timed(lambda f=func: f(table))[0] for _ in range(repeat)]
            _, peak = timed(lambda f=func: f(table), trace=True)
        else:
            runs = [timed(lambda f=func: f(table), trace=True) for _ in range(repeat)]
            times = [t for t, _ in runs]
            peak = max(p for _, p in runs)
        median = statistics.median(times)
        ref = DECOMPR.get(name) if label.startswith("WIOD") else None
        ref_s = f"{ref:>11.2f}{ref / median:>9.1f}x" if ref else ""
        print(f"  {name:<28}{median:>10.3f}{min(times):>8.3f}{repeat:>6}{peak:>10.0f}"
              f"{peak / inverse_mb:>11.1f}{ref_s}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh runs on WIOD (median)")
    parser.add_argument("--quick", action="store_true", help="a 40 x 35 synthetic table")
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument(
        "--shapes", default="280x35,40x245", help="regions x sectors, comma-separated"
    )
    parser.add_argument("--only", default="", help="comma-separated function names")
    args = parser.parse_args()
    only = [f for f in args.only.split(",") if f]
    print(f"numpy {np.__version__}; {os.cpu_count()} CPUs; load average {os.getloadavg()}")
    if os.environ.get("IOCIRC_WIOD_DATA"):
        from iocirc.datasets import wiod2013

        start = time.perf_counter()
        table = wiod2013(2011)
        print(f"WIOD 2011 read in {time.perf_counter() - start:.2f} s")
        run(table, "WIOD 2011", args.repeat, separate_memory=True, only=only)
        del table
    else:
        print("IOCIRC_WIOD_DATA is not set: WIOD 2011 skipped")
    if not args.no_synthetic:
        from iocirc.testing import synthetic_mrio

        shapes = ["40x35"] if args.quick else args.shapes.split(",")
        for shape in shapes:
            regions, sectors = (int(v) for v in shape.lower().split("x"))
            start = time.perf_counter()
            table = synthetic_mrio(
                regions, sectors, exports=False, imports=False, validate=False, seed=1
            )
            print(f"\nsynthetic table built in {time.perf_counter() - start:.1f} s")
            run(table, f"synthetic {regions} x {sectors}", 1, separate_memory=False, only=only)
            del table
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"\npeak resident memory of the process: {peak_rss:,.0f} MiB")


if __name__ == "__main__":
    main()
