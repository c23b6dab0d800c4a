"""
Northeast China beyond the paper
================================

Two measures the policy study of ``northeast_china.py`` does not take, from the same
official provincial tables of 2007, 2012 and 2017: the value added each circulation
induces through a province's supply chain, beside the paper's net outflow, and where the
GDP of Liaoning, Jilin and Heilongjiang is absorbed on an interprovincial MRIO.

The MRIO is the one :func:`iocirc.datasets.china_mrio` estimates from the provincial tables
(``--mrio FILE`` for a CEADS table instead, see :func:`iocirc.read_ceads_mrio`); the tracing is
:func:`iocirc.indicators.value_added_destinations`. Run ``python
examples/northeast_china_beyond.py --out DIR`` (``northeast_china.py`` beside it gives
``GROUP``, the years and the tables); ``iocirc reproduce northeast`` runs both scripts.
"""

import sys
from pathlib import Path

import pandas as pd
import xarray as xr
from northeast_china import GROUP, SPLIT, YEARS, parser, save, tables

import iocirc
from iocirc import analysis, report
from iocirc.indicators import SCOPES, value_added_destinations
from iocirc.plotting import destinations, panels

ABSORBED = {"own_region": "own", "rest_of_nation": "other provinces", "abroad": "abroad"}
OTHER = {"national": "other provinces", "domestic_outflow": "other provinces"}
LABELS = {**ABSORBED, **OTHER, "export": "abroad", "residual": "discrepancy"}
VA = """Beyond the paper. Contribution of each circulation to GDP, measured two ways: the \
paper's net outflow, and the value added the outflow induces through the province's supply \
chain (Leontief model with imports and inflows supplying all uses in proportion). National: \
unweighted mean of the provinces"""
MRIO = """Beyond the paper. Where the GDP of each province is absorbed, traced on an \
interprovincial MRIO estimated from the provincial tables (shares of the value added traced \
to final demand), the part of GDP the tables' discrepancy carries, the share of GDP in \
value-chain trade, and the single-region measure (value added the outflow and the exports \
induce in the province's own table, in % of GDP). Value chains abroad are zero by \
construction: the provincial tables end foreign trade at the border (exports are final \
demand of an exogenous rest of the world). The MRIO is an estimate: see the user guide's \
Estimating an MRIO"""


def value_added(ds: xr.Dataset) -> xr.Dataset:
    """Each circulation's net outflow beside the value added it induces, in % of GDP."""
    shares = analysis.circulation_value_added_share(ds)[["net_outflow_share", "value_added_share"]]
    shares = (100 * shares).swap_dims(source="circulation").reset_coords(drop=True)
    both = [shares.map(iocirc.aggregate_regions, weights=None), shares.sel(region=GROUP)]
    names = {"net_outflow_share": "net_outflow", "value_added_share": "value_added"}
    return xr.concat(both, "region").rename(names)


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__, "--mrio", help="a CEADS MRIO workbook").parse_args(argv)
    found = tables(args.customs)
    va = report.over_years(
        {y: value_added(ds) for y, ds in found.items()}, keep_order="circulation"
    )
    mrios = (
        [iocirc.read_ceads_mrio(args.mrio)]
        if args.mrio
        else [iocirc.datasets.china_mrio(year) for year in SPLIT]
    )
    absorbed = pd.concat(
        value_added_destinations(m, found.get(m.attrs["year"]), regions=GROUP, percent=True)
        for m in mrios
    )
    absorbed["label"] = absorbed["label"].replace(LABELS)
    long_va = report.long_frame(va, ["year", "variable", "region", "circulation"])
    long_va = long_va.rename(columns={"variable": "measure"})
    frames = {
        "value_added_comparison": long_va[["region", "year", "circulation", "measure", "value"]],
        "value_added_absorption": absorbed,
    }
    paper = {
        "value_added_comparison": report.paper_table(
            va.sel(circulation=list(SCOPES)),
            index=["region", "year"],
            columns=["circulation", "variable"],
            caption=VA,
            units="% of GDP",
            labels={"net_outflow": "net outflow", "value_added": "value added"},
        ),
        "value_added_absorption": report.paper_table(
            absorbed,
            index=["region", "year"],
            columns=["measure", "label"],
            caption=MRIO,
            units="%",
            row_order=[(region, year) for region in GROUP for year in YEARS],
            labels={
                "absorbed": "absorbed by final demand (MRIO)",
                "chain": "value-chain participation (MRIO)",
                "single_region": "induced in the province's table",
            },
        ),
    }
    return save(args, lambda: figures(va, absorbed), frames=frames, tables=paper)


def figures(va: xr.Dataset, absorbed: pd.DataFrame) -> dict:
    """The two measures of each circulation side by side, the MRIO's split of GDP."""
    titles = {scope: f"{scope.capitalize()} circulation" for scope in SCOPES}
    two = va.sel(region=GROUP, circulation=list(SCOPES)).to_dataarray("measure")
    two = two.assign_coords(measure=["net outflow", "induced value added"])
    two = two.stack(case=("region", "year"))
    two = two.assign_attrs(long_name="contribution to GDP", units="% of GDP")
    return {
        "value_added_comparison": panels(
            two,
            col="circulation",
            kind="bars",
            x="case",
            hue="measure",
            titles=titles,
            figsize=(16, 5.4),
            sharey=True,
            width_ratios=[2, 2, 3],
            legend=True,
            rotation=35,
            fontsize=8,
            zero_line=True,
            suptitle="Two measures of each circulation's contribution to GDP: net outflow and "
            "the value added the outflow induces (2007: dual only)",
        ),
        "value_added_absorption": destinations(
            absorbed,
            suptitle="Northeast China on an interprovincial MRIO estimated from the provincial "
            "tables",
        ),
    }


if __name__ == "__main__":
    try:
        sys.exit(main())
    except iocirc.errors.IocircError as error:  # bad input or no data: one line, no traceback
        sys.exit(f"{Path(sys.argv[0]).name}: {error}")
