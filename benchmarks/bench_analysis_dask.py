"""Benchmark :func:`iocirc.analysis.induced_effects` on dask-backed tables against numpy.

Run::

    python benchmarks/bench_analysis_dask.py                      # 310, 3,100, 31,000 regions
    python benchmarks/bench_analysis_dask.py --regions 310 3100 --runs 3 --chunks 100

For each number of regions, one synthetic table of 42 sectors
(:func:`iocirc.testing.synthetic_table`), chunked for dask by 100 regions (blocks of 1.4 MB
of intermediate use) and by 500 (7 MB). Every run is a fresh process (nothing cached
between runs); the table is built before the clock starts, and one call on a 2-region table
is made first (in the same mode), so that the one-time imports a session pays once are not
timed (scipy's LAPACK for both; for dask, its first ``compute`` imports ``distributed``,
0.2 s here); ``--cold`` times the first call instead.

Reported: the median time of ``induced_effects(ds)`` computed (eager) or built and computed
(dask, threaded scheduler); the ratio dask / eager (target: at most 1.5 from 3,100 regions
up); the peak memory the call allocates above the table itself (tracemalloc, which sees
numpy's allocations, in a separate run since it slows Python down); the number of chunks in
and out (equal: the region chunks are kept through the whole model). The model is about 35
dask tasks per chunk after fusion, and dask spends some 0.1-0.2 ms on each (building,
ordering, running it): with 100 regions per chunk that is as much as the chunk's work.

OpenBLAS runs single-threaded (``OPENBLAS_NUM_THREADS=1`` unless set): the systems have 42
sectors, and on a shared machine its threads waiting for a time slice make the triangular
solves of both contenders vary by a factor of ten between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

_RUN = r"""
import json, sys, time, tracemalloc, warnings
warnings.simplefilter("ignore")
from iocirc import analysis
from iocirc.testing import synthetic_table
n, mode, chunk, memory = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
warm = sys.argv[5] == "1"
ds = synthetic_table(n, 42, validate=False)
if mode == "dask":
    ds = ds.chunk({"region": chunk})
if warm:  # one-time imports (scipy's LAPACK; dask's scheduler imports distributed) paid first
    small = synthetic_table(2, 42, validate=False)
    analysis.induced_effects(small.chunk({"region": 1}) if mode == "dask" else small).compute()
if memory:
    tracemalloc.start()
start = time.perf_counter()
fx = analysis.induced_effects(ds)
chunks_out = fx["output_induced"].data.npartitions if mode == "dask" else 0
fx = fx.compute()
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] if memory else 0
chunks_in = ds["final_use"].data.npartitions if mode == "dask" else 0
print(json.dumps({"seconds": seconds, "peak_mb": peak / 2**20,
                  "chunks_in": chunks_in, "chunks_out": chunks_out}))
"""


def _one(
    n: int, mode: str, chunk: int, memory: bool = False, warm: bool = True
) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(n), mode, str(chunk), str(int(memory)), str(int(warm))],
        check=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")},
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, nargs="+", default=[310, 3100, 31000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--chunks", type=int, nargs="+", default=[100, 500], help="regions per dask chunk"
    )
    parser.add_argument(
        "--cold", action="store_true", help="time the first call of the process, imports included"
    )
    args = parser.parse_args()
    print(
        f"{'regions':>8} {'per chunk':>9} {'eager s':>9} {'dask s':>9} {'ratio':>6} "
        f"{'eager MB':>9} {'dask MB':>9} {'chunks':>9}"
    )
    for n in args.regions:
        modes = [("eager", 0)] + [("dask", chunk) for chunk in args.chunks]
        runs: dict[tuple[str, int], list[dict[str, float]]] = {mode: [] for mode in modes}
        for _ in range(args.runs):  # alternately: a disturbance hits all
            for mode, chunk in modes:
                runs[mode, chunk].append(_one(n, mode, chunk or 1, warm=not args.cold))
        eager = statistics.median(r["seconds"] for r in runs["eager", 0])
        mem_e = _one(n, "eager", 1, memory=True)["peak_mb"]
        for chunk in args.chunks:
            lazy = statistics.median(r["seconds"] for r in runs["dask", chunk])
            mem_d = _one(n, "dask", chunk, memory=True)["peak_mb"]
            last = runs["dask", chunk][-1]
            print(
                f"{n:>8} {chunk:>9} {eager:>9.3f} {lazy:>9.3f} {lazy / eager:>6.2f} "
                f"{mem_e:>9.0f} {mem_d:>9.0f} "
                f"{int(last['chunks_in']):>4}>{int(last['chunks_out'])}",
                flush=True,
            )


if __name__ == "__main__":
    main()
