"""How good is an MRIO estimated from single-region tables? And how fast on the Chinese tables?

Run::

    IOCIRC_WIOD_DATA=../shared/data/wiod IOCIRC_DATA=../shared/data/chnio \\
        python benchmarks/bench_estimate.py [--plot beta.png] [--repeat 5]

1. The check on a real MRIO. The World Input-Output Database 2011 with the 27 EU members as
   "the nation" is collapsed into 27 single-region tables
   (:func:`iocirc.mrio.to_single_region`: each member's use, exports and imports outside the
   EU, and its intra-EU outflow and inflow by product, exactly like a Chinese provincial
   table), estimated back with :func:`iocirc.mrio.estimate` and the great-circle distances
   between the capitals, and compared with the true intra-EU flows
   (:func:`iocirc.mrio.estimation_error`): the weighted absolute percentage error of the
   flows by origin, destination and product (and by using industry), and the error of the
   share of each member's GDP absorbed by the other members' final demand, for several
   distance-decay exponents beta and for the no-distance seed.
2. ``iocirc.datasets.china_mrio(year)`` for 2012 and 2017: median time of fresh calls (the
   workbooks cached, read each time) and peak memory (tracemalloc).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
import tracemalloc

import numpy as np
import xarray as xr

import iocirc
from iocirc.mrio import estimate, estimation_error, to_single_region, value_added_absorption

BETAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


def wiod_check(plot: str | None) -> None:
    world = iocirc.datasets.wiod2013(2011, nation=iocirc.datasets.WIOD_EU27)
    view = to_single_region(world)
    distance = iocirc.datasets.capital_distances("eu27")
    start = time.perf_counter()
    est = estimate(view, distance, beta=list(BETAS))
    elapsed = time.perf_counter() - start
    err = estimation_error(est, world)
    uniform = estimation_error(estimate(view, method="uniform"), world)
    default = estimation_error(estimate(view, distance), world)
    print(
        f"WIOD 2011, EU27 as the nation: {view.sizes['region']} members x "
        f"{view.sizes['sector']} industries; {len(BETAS)} betas estimated in {elapsed:.2f} s"
    )
    print(
        f"{'seed':>14} {'WAPE flows':>11} {'WAPE users':>11} {'share MAE':>10} "
        f"{'share max':>10} {'share bias':>10}"
    )

    def line(label: str, e: xr.Dataset) -> None:
        share = e["share_error"]
        print(
            f"{label:>14} {float(e['wape']):11.3f} {float(e['wape_by_user']):11.3f} "
            f"{float(abs(share).mean()):10.4f} {float(abs(share).max()):10.4f} "
            f"{float(share.mean()):10.4f}"
        )

    line("no distance", uniform)
    for b in BETAS:
        line(f"beta={b:g}", err.sel(beta=b))
    line("default (1.0)", default)
    truth = err["share_true"]
    world_share = (
        value_added_absorption(world)["share"]
        .sel(absorbed_in="rest_of_nation", region=list(view.indexes["region"]))
        .reset_coords(drop=True)
    )
    print(
        f"share of GDP absorbed by the other members (true, EU-block model): mean "
        f"{float(truth.mean()):.3f}, range {float(truth.min()):.3f}-{float(truth.max()):.3f}; "
        f"in the full world model (paths through non-members too) it differs by "
        f"{float(abs(world_share - truth).mean()):.4f} on average"
    )
    by_sector = default["wape_by_sector"].to_series().dropna().sort_values()
    print(
        f"WAPE by product (default): best {by_sector.index[0]} {by_sector.iloc[0]:.2f}, "
        f"median {by_sector.median():.2f}, worst {by_sector.index[-1]} {by_sector.iloc[-1]:.2f}"
    )
    by_origin = default["wape_by_origin"].to_series().sort_values()
    print(
        f"WAPE by origin (default): best {by_origin.index[0]} {by_origin.iloc[0]:.2f}, "
        f"worst {by_origin.index[-1]} {by_origin.iloc[-1]:.2f}"
    )
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4), constrained_layout=True)
        ax1.plot(BETAS, err["wape"], "o-", label="flows by origin, destination, product")
        ax1.plot(BETAS, err["wape_by_user"], "s--", label="flows by using industry too")
        ax1.axhline(float(uniform["wape"]), color="grey", lw=0.8, ls=":")
        ax1.set_xlabel("distance decay β")
        ax1.set_ylabel("WAPE (fraction of true flows)")
        ax1.set_title("intra-EU trade, WIOD 2011")
        ax1.legend(fontsize=8)
        ax2.plot(BETAS, abs(err["share_error"]).mean("region") * 100, "o-")
        ax2.set_xlabel("distance decay β")
        ax2.set_ylabel("mean abs. error (% points)")
        ax2.set_title("GDP share absorbed by other members")
        fig.savefig(plot, dpi=110)
        print(f"figure written to {plot}")


def china_timing(repeat: int) -> None:
    for year in (2012, 2017):
        iocirc.datasets.china_provincial(year)  # fill the cache once
        times = []
        for _ in range(repeat):
            gc.collect()
            start = time.perf_counter()
            mrio = iocirc.datasets.china_mrio(year)
            times.append(time.perf_counter() - start)
        gc.collect()
        tracemalloc.start()
        iocirc.datasets.china_mrio(year)
        peak = tracemalloc.get_traced_memory()[1] / 1024**2
        tracemalloc.stop()
        negative = int((mrio["intermediate_use"] < 0).sum())
        print(
            f"china_mrio({year}): median {statistics.median(times):.2f} s over {repeat} "
            f"(min {min(times):.2f}), peak {peak:.0f} MB; {mrio.attrs['ras_iterations']} RAS "
            f"rounds; transit netted {mrio.attrs['estimate_transit_total']:.4g} "
            f"{mrio.attrs['currency_unit']}; {negative} negative own-supply entries of Z "
            f"({negative / mrio['intermediate_use'].size:.2%})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="write the sensitivity figure (PNG) here")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    np.seterr(all="ignore")
    if os.environ.get("IOCIRC_WIOD_DATA"):
        wiod_check(args.plot)
    else:
        print("IOCIRC_WIOD_DATA not set: WIOD check skipped")
    if os.environ.get("IOCIRC_DATA"):
        china_timing(args.repeat)
    else:
        print("IOCIRC_DATA not set: china_mrio timing skipped")


if __name__ == "__main__":
    main()
