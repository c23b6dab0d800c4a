"""Benchmark: circulation indicators over a large dask-backed panel, in bounded memory.

Builds a synthetic panel of 3,000 regions x 42 sectors x 20 years *lazily*
(every chunk is drawn by a dask task when needed; the panel never exists in
memory), chunked over regions, and computes the indicators of
:mod:`iocirc.indicators` and a national aggregate on it. For each it reports the
wall time and the peak growth of the process's resident memory (sampled every
few milliseconds), beside the size of the whole panel and of one chunk, to show
that memory scales with the chunk, not with the panel.

Run::

    python benchmarks/bench_indicators.py            # 3,000 x 42 x 20
    python benchmarks/bench_indicators.py --quick    # 300 regions, a few seconds

Needs the ``dask`` extra (``pip install iocirc[dask]``) and psutil (a dependency
of distributed). The numbers are random, not a balanced table: indicators do
not validate, and the timing does not depend on the values.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr

try:
    import dask
    import dask.array as da
    import psutil
except ImportError as err:  # pragma: no cover - an optional extra
    raise SystemExit(
        f"this benchmark needs dask and psutil (pip install iocirc[dask]): {err}"
    ) from err

import iocirc
from iocirc.aggregation import aggregate_regions
from iocirc.construct import VA_STANDARD
from iocirc.indicators import (
    circulation_ratio,
    gdp,
    net_outflow_contribution,
    value_added_share,
)
from iocirc.schema import CURRENCY_UNIT, VARIABLES, member_coords

FLOWS = (
    "household_rural",
    "household_urban",
    "government",
    "fixed_capital_formation",
    "inventory_change",
    "export",
    "domestic_outflow",
    "other",
    "import",
    "domestic_inflow",
)
MB = 1024**2


def lazy_panel(n_regions: int, n_sectors: int, n_years: int, chunk: int) -> xr.Dataset:
    """A table with the schema of iocirc.schema whose data are dask random arrays."""
    rng = da.random.default_rng(20240817)
    regions = [f"R{i:05d}" for i in range(n_regions)]
    sectors = [f"{i + 1:02d}" for i in range(n_sectors)]
    years = list(range(2021 - n_years, 2021))

    def draw(*shape: int, low: float = 1.0, high: float = 100.0) -> da.Array:
        chunks = (chunk, *shape[1:])
        return rng.uniform(low, high, size=shape, chunks=chunks)

    r, s, f, k, y = n_regions, n_sectors, len(FLOWS), len(VA_STANDARD), n_years
    ds = xr.Dataset(
        {
            "intermediate_use": (("region", "sector", "sector_to", "year"), draw(r, s, s, y)),
            "final_use": (("region", "sector", "flow", "year"), draw(r, s, f, y)),
            "value_added": (("region", "va_component", "sector_to", "year"), draw(r, k, s, y)),
            "total_output": (("region", "sector", "year"), draw(r, s, y, low=1e3, high=1e4)),
        },
        coords={
            "region": regions,
            "region_zh": ("region", [""] * r),
            "region_code": ("region", np.full(r, -1)),
            "sector": sectors,
            "sector_to": sectors,
            "sector_zh": ("sector", [""] * s),
            "sector_en": ("sector", [""] * s),
            "sector_to_zh": ("sector_to", [""] * s),
            "sector_to_en": ("sector_to", [""] * s),
            "flow": list(FLOWS),
            "va_component": list(VA_STANDARD),
            "year": years,
        }
        | member_coords("flow", FLOWS)
        | member_coords("va_component", VA_STANDARD),
    )
    for name, spec in VARIABLES.items():
        ds[name].attrs = {"long_name": spec.long_name, "units": CURRENCY_UNIT}
    ds.attrs = {"currency_unit": CURRENCY_UNIT, "year": -1, "classification": "bench"}
    return ds


class PeakMemory:
    """Peak memory allocated while computing.

    ``traced`` is the peak of :mod:`tracemalloc` (numpy reports its buffers to
    it), above what was allocated at the start: exact and independent of what
    the allocator keeps. ``rss`` is the peak growth of the resident set size,
    sampled in a thread: an upper bound that includes memory freed but kept by
    the allocator, so it is high for the first case and low for later ones.
    """

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.process = psutil.Process(os.getpid())
        self._stop = threading.Event()

    def __enter__(self) -> PeakMemory:
        gc.collect()
        tracemalloc.start()
        self.traced_start = tracemalloc.get_traced_memory()[0]
        self.rss_start = self.rss_peak = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.rss_peak = max(self.rss_peak, self.process.memory_info().rss)
            time.sleep(self.interval)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.traced = tracemalloc.get_traced_memory()[1] - self.traced_start
        tracemalloc.stop()
        self.rss = max(self.rss_peak, self.process.memory_info().rss) - self.rss_start


def run(name: str, build: Callable[[], Any]) -> tuple[float, int, Any]:
    """Build the lazy result, compute it; print the wall time and peak memory."""
    t0 = time.perf_counter()
    lazy = build()
    graph_time = time.perf_counter() - t0
    with PeakMemory() as memory:
        t0 = time.perf_counter()
        result = dask.compute(lazy)[0]
        wall = time.perf_counter() - t0
    results = result if isinstance(result, tuple | list) else (result,)
    size = sum(r.nbytes for r in results)
    print(
        f"{name:<44} {wall:6.2f} s  (graph {graph_time:4.2f} s)  peak alloc "
        f"{memory.traced / MB:6.1f} MiB  (RSS +{memory.rss / MB:6.1f})  result {size / MB:5.1f} MiB"
    )
    return wall, memory.traced - size, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--sectors", type=int, default=42)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=100, help="regions per chunk")
    parser.add_argument("--quick", action="store_true", help="300 regions")
    args = parser.parse_args(argv)
    if args.quick:
        args.regions = 300
    ds = lazy_panel(args.regions, args.sectors, args.years, args.chunk)
    read = ("final_use", "value_added")
    panel = sum(ds[v].nbytes for v in ds.data_vars)
    read_panel = sum(ds[v].nbytes for v in read)
    chunk = sum(ds[v].data.blocks[0].nbytes for v in ds.data_vars)
    read_chunk = sum(ds[v].data.blocks[0].nbytes for v in read)
    threads = dask.config.get("num_workers", None) or os.cpu_count()
    print(
        f"iocirc {iocirc.__version__}, dask {dask.__version__}, threaded scheduler, "
        f"{threads} threads"
    )
    print(
        f"panel: {args.regions} regions x {args.sectors} sectors x {args.years} years, "
        f"{ds['final_use'].data.npartitions} chunks of {args.chunk} regions"
    )
    print(
        f"  whole panel {panel / MB:9.1f} MiB (of which read by the indicators, final use and "
        f"value added: {read_panel / MB:.1f} MiB)"
    )
    print(
        f"  one chunk   {chunk / MB:9.1f} MiB (of which read: {read_chunk / MB:.1f} MiB)\n"
        f"  (every chunk is generated by a task when needed: nothing is held in memory)\n"
    )
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("gdp by region", lambda: gdp(ds)),
        ("circulation_ratio dual (derived gross flows)", lambda: circulation_ratio(ds, "dual")),
        ("circulation_ratio domestic", lambda: circulation_ratio(ds, "domestic")),
        (
            "net_outflow_contribution dual by sector",
            lambda: net_outflow_contribution(ds, "dual", by="sector"),
        ),
        ("value_added_share", lambda: value_added_share(ds)),
        (
            "national dual ratio (GDP-weighted)",
            lambda: aggregate_regions(circulation_ratio(ds, "dual")),
        ),
        (
            "all of Table 1 at once (3 scopes x 2)",
            lambda: tuple(
                f(ds, scope)
                for scope in ("domestic", "international", "dual")
                for f in (circulation_ratio, net_outflow_contribution)
            ),
        ),
    ]
    print(
        "wall time of the compute (graph construction apart); peak memory allocated during it "
        "(tracemalloc, which slows dask a little), and growth of the resident set size\n"
    )
    peaks, total = [], 0.0
    for name, build in cases:
        wall, peak, _ = run(name, build)
        peaks.append(peak)
        total += wall
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(
        f"\ntotal {total:.1f} s. Largest working memory (peak allocation less the result, "
        f"which must be held anyway): {max(peaks) / MB:.1f} MiB = "
        f"{max(peaks) / read_chunk:.1f} x the data one chunk reads ({read_chunk / MB:.1f} MiB), "
        f"{max(peaks) / read_panel:.1%} of what the indicators read ({read_panel / MB:.0f} MiB), "
        f"{max(peaks) / panel:.1%} of the panel ({panel / MB:.0f} MiB).\n"
        f"Peak resident memory of the whole process (Python, numpy, dask included): "
        f"{max_rss / MB:.0f} MiB."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
