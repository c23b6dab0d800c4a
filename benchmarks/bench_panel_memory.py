"""Peak memory of :func:`iocirc.analysis.induced_effects` on a lazily generated panel.

Run::

    python benchmarks/bench_panel_memory.py                    # 3,000 regions x 42 x 20 years
    python benchmarks/bench_panel_memory.py --chunks 50 200 --runs 3

The panel (3,000 regions, 42 sectors, 20 years) is never held in memory: every chunk
(``--chunks`` regions by one year) of every variable is generated inside its dask task from
a seed (a productive, balanced-enough random table: coefficients with column sums below
1, supplies from outside a small part of each use). Its inputs alone take
``3,000 x 20 x 42 x (42 + 10 + 4 + 1) x 8`` bytes, about 1.1 GB, and the eager path would
hold them and several copies besides; the dask run computes GDP induced by each source
of final demand, summed over sectors (a small result), so that what it holds is its
working set. Each run is a fresh process (threaded scheduler, two threads); reported are
the median wall time and the median peak resident memory above the process after its
imports (``resource.getrusage``, ``ru_maxrss``), per chunk size, beside the size of one
chunk of the table's inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

_RUN = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, dask, dask.array as da, xarray as xr
from iocirc import analysis
n_regions, n_years, n_sectors, chunk = (int(a) for a in sys.argv[1:5])
flows = ["household_rural", "household_urban", "government", "fixed_capital_formation",
         "inventory_change", "export", "domestic_outflow", "other", "import", "domestic_inflow"]
components = ["compensation", "net_production_taxes", "depreciation", "operating_surplus"]

def draws(block_id):
    year, rblock = block_id[0], block_id[1]
    rng = np.random.default_rng([year, rblock])
    r = min(chunk, n_regions - rblock * chunk)
    a = rng.uniform(0, 1, (r, n_sectors, n_sectors))
    a *= rng.uniform(0.3, 0.7, (r, 1, n_sectors)) / a.sum(axis=1, keepdims=True)
    x = rng.uniform(1e5, 1e6, (r, n_sectors))
    return r, rng, a, x

def z_block(block_id=None):
    r, rng, a, x = draws(block_id)
    return (a * x[:, np.newaxis, :])[np.newaxis]

def x_block(block_id=None):
    return draws(block_id)[3][np.newaxis]

def f_block(block_id=None):
    r, rng, a, x = draws(block_id)
    rest = x - (a * x[:, np.newaxis, :]).sum(axis=2)  # output less intermediate use
    uses = rng.uniform(0.5, 1.5, (r, n_sectors, 8))
    uses *= (1.3 * rest / uses.sum(axis=2))[..., np.newaxis]
    supplies = np.stack([0.2 * rest, 0.1 * rest], axis=-1)  # imports and inflows: 0.3 rest
    return np.concatenate([uses, supplies], axis=-1)[np.newaxis]

def v_block(block_id=None):
    r, rng, a, x = draws(block_id)
    va = (1 - a.sum(axis=1)) * x
    shares = rng.uniform(0.5, 1.5, (r, 4, 1))
    return (va[:, np.newaxis, :] * shares / shares.sum(axis=1, keepdims=True))[np.newaxis]

rchunks = (tuple(min(chunk, n_regions - i) for i in range(0, n_regions, chunk)),)
ychunks = ((1,) * n_years,)
def lazy(fn, *trailing):
    return da.map_blocks(fn, chunks=ychunks + rchunks + tuple((t,) for t in trailing),
                         dtype=float, meta=np.empty((0,) * (2 + len(trailing))))
regions = [f"R{i:04d}" for i in range(n_regions)]
sectors = [f"S{i:03d}" for i in range(n_sectors)]
ds = xr.Dataset(
    {
        "intermediate_use": (("year", "region", "sector", "sector_to"),
                             lazy(z_block, n_sectors, n_sectors)),
        "final_use": (("year", "region", "sector", "flow"), lazy(f_block, n_sectors, 10)),
        "value_added": (("year", "region", "va_component", "sector_to"),
                        lazy(v_block, 4, n_sectors)),
        "total_output": (("year", "region", "sector"), lazy(x_block, n_sectors)),
    },
    coords={"year": 2000 + np.arange(n_years), "region": regions, "sector": sectors,
            "sector_to": sectors, "flow": flows, "va_component": components},
    attrs={"currency_unit": "10^4 CNY"},
)
for name in ds.data_vars:
    ds[name].attrs["units"] = "10^4 CNY"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
fx = analysis.induced_effects(ds)
small = fx["value_added_induced"].sum("sector")
with dask.config.set(scheduler="threads", num_workers=2):
    result = small.compute()
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert np.isfinite(result).all()
chunk_bytes = chunk * n_sectors * (n_sectors + 10 + 4 + 1) * 8
print(json.dumps({"seconds": seconds, "peak_mb": (peak - before) / 1024,
                  "chunk_mb": chunk_bytes / 2**20, "tasks": len(dict(small.__dask_graph__()))}))
"""


def _one(args: list[int]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _RUN, *map(str, args)],
        check=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")},
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--sectors", type=int, default=42)
    parser.add_argument("--chunks", type=int, nargs="+", default=[50, 100, 250, 500])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    inputs = args.regions * args.years * args.sectors * (args.sectors + 15) * 8 / 2**20
    print(
        f"panel: {args.regions} regions x {args.sectors} sectors x {args.years} years, "
        f"inputs {inputs:.0f} MB (never held)"
    )
    print(f"{'chunk':>6} {'chunk MB':>9} {'seconds':>8} {'peak MB':>8} {'peak/chunk':>10}")
    for chunk in args.chunks:
        runs = [_one([args.regions, args.years, args.sectors, chunk]) for _ in range(args.runs)]
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        size = runs[0]["chunk_mb"]
        print(
            f"{chunk:>6} {size:>9.1f} {seconds:>8.2f} {peak:>8.0f} {peak / size:>10.1f}", flush=True
        )


if __name__ == "__main__":
    main()
