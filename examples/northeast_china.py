"""
Northeast China in the dual circulation
=======================================

Reproduces Tables 1 and 2 of a policy study of Northeast China (Liaoning, Jilin, Heilongjiang) in
the domestic circulation (trade between provinces) and the international circulation (foreign
trade), from the official provincial input-output tables of 2007, 2012 and 2017.

Table 1: circulation ratios and contributions to GDP (:func:`iocirc.indicators.circulation`);
Table 2: contributions by GB/T 4754 section; ``--reference DIR`` (default ``$IOCIRC_REFERENCE``)
compares both with the published values. Run ``python examples/northeast_china.py --out DIR``
(``iocirc reproduce northeast`` adds ``northeast_china_beyond.py``). Other regions: edit ``GROUP``.
"""

# sphinx_gallery_thumbnail_number = 2
import argparse
import os
import sys
from pathlib import Path

import pandas as pd
import xarray as xr

import iocirc
from iocirc import report
from iocirc.indicators import SCOPES, circulation, net_outflow_contribution
from iocirc.plotting import panels

GROUP, YEARS, SPLIT = ["Liaoning", "Jilin", "Heilongjiang"], (2007, 2012, 2017), (2012, 2017)
NATIONAL, WEIGHTED = "National", "National (GDP-weighted)"
PUBLISHED = ("table1_subset", "table2_liaoning")
KEY1, KEY2 = ["region", "year", "metric"], ["province", "year", "section", "metric"]
COMPARISON = ["table", *KEY1, "published", "reproduced", "section", "difference"]
NOTES = """Notes on reproducing the paper
- Table 2 and the dual columns of Table 1 follow from the official tables alone.
- The paper's domestic/international split in Table 1 uses customs statistics for foreign
  trade and leaves the rest of the tables' gross outflow and inflow to the domestic side.
  Without `--customs` the split shown here is the tables' own (exports/imports against
  interprovincial outflow/inflow); for 2007, whose tables report only gross outflow and
  inflow, no split is shown.
- The paper adds its rounded domestic and international values to get the dual ones, so a
  published dual value can differ by 0.01 from the exact sum reported here.
- "National" is the unweighted mean over the provinces, which is what reproduces the
  paper's National row; the GDP-weighted mean (the nation as one region) is given beside it."""
COMPARED = """Published values against the reproduction (dual columns of Table 1, all of \
Table 2 for Liaoning). A value differs after rounding only where the paper summed its \
rounded domestic and international parts."""


def tables(customs: Path | None) -> dict[int, xr.Dataset]:
    """The tables of YEARS, foreign trade from the customs CSV for the years it has."""
    found = {year: iocirc.datasets.china_provincial(year) for year in YEARS}
    trade = iocirc.read_customs_csv(customs) if customs else xr.Dataset({"year": []})
    for year in set(YEARS) & set(trade["year"].values.tolist()):  # the paper's split
        found[year] = iocirc.with_customs_trade(found[year], trade["exports"], trade["imports"])
    return found


def table1(ds: xr.Dataset) -> xr.Dataset:
    """Ratios and contributions (%): the nation (mean, GDP-weighted mean) and GROUP."""
    every, percent = ds.indexes["region"], ["contribution"]
    plain = circulation(ds, percent=percent, groups={NATIONAL: every}, weights=None, regions=GROUP)
    return xr.concat([plain, circulation(ds, percent=percent, groups={WEIGHTED: every})], "region")


def table2(ds: xr.Dataset) -> xr.Dataset:
    """Value-added shares and contributions by GB/T 4754 section, in % of GDP."""
    sections = iocirc.aggregate_sectors(ds.sel(region=GROUP), "gbt4754")
    parts = {s: net_outflow_contribution(sections, s, by="sector", percent=True) for s in SCOPES}
    shares = iocirc.value_added_share(sections, percent=True)
    return xr.Dataset({"value_added_share": shares, **parts})


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__, "--reference", default=os.getenv("IOCIRC_REFERENCE")).parse_args(argv)
    found = tables(args.customs)
    t1 = report.over_years({year: table1(ds) for year, ds in found.items()}, keep_order="scope")
    t2 = report.over_years({year: table2(found[year]) for year in SPLIT}, keep_order="sector")
    long1 = report.long_frame(t1, ["year", "scope", "variable", "region"])
    long1["metric"] = long1["scope"] + "_" + long1["variable"]
    long1, weighted = long1[[*KEY1, "value"]], long1["region"] == WEIGHTED
    long2 = report.long_frame(t2, ["year", "variable", "region", "sector"])
    long2.columns = ["year", "metric", "province", "section", "value"]
    frames = {"table1": long1[~weighted], "table1_national_gdp_weighted": long1[weighted]}
    frames["table2"] = long2[[*KEY2, "value"]]
    paper = {
        "table1": report.paper_table(t1, index=["region", "year"], columns=["scope", "variable"],
            caption="Table 1. Circulation ratios and contributions to GDP of Northeast China",
            units="ratios: plain numbers; contributions: % of GDP", notes=NOTES.splitlines(),
            labels={"contribution": "contrib. %"}),
        "table2": report.paper_table(t2, index=["region", "sector", "sector_en"],
            columns=["year", "variable"], caption="Table 2. Value-added share (VA share) and "
            "contributions to GDP by GB/T 4754-2017 section", units="% of the province's GDP",
            labels={"region": "province", "sector": "section", "sector_en": "name",
                    "value_added_share": "VA share", "international": "internat."}),
    }  # fmt: skip
    texts = {}
    if args.reference is not None:  # the published values beside ours
        one, two = (pd.read_csv(args.reference / f"paper_{name}.csv") for name in PUBLISHED)
        dual = one[one["metric"].str.startswith("dual")]  # the columns the tables alone give
        one = report.compare_published(frames["table1"], dual, on=KEY1).assign(table="Table 1")
        two = report.compare_published(frames["table2"], two, on=KEY2).assign(table="Table 2")
        both = pd.concat([one, two.rename(columns={"province": "region"})])
        frames["comparison"] = both[COMPARISON]
        texts["comparison"] = report.comparison_markdown(both, by="table", intro=COMPARED)
    return save(args, lambda: figures(t1, t2), frames=frames, texts=texts, tables=paper)


def figures(t1: xr.Dataset, t2: xr.Dataset) -> dict:
    """Net outflow by section (a heatmap per scope), the ratios over the years."""
    titles = {scope: f"{scope.capitalize()} circulation" for scope in SCOPES}
    mean = "National (unweighted mean of provinces)"
    heat = t2[list(SCOPES)].to_dataarray("scope").stack(case=("region", "year"))
    ratio = t1["ratio"].sel(region=[*GROUP, NATIONAL]).assign_coords(region=[*GROUP, mean])
    return {
        "sector_contributions": panels(heat.assign_attrs(long_name="net outflow",
            units="% of provincial GDP"), col="scope", kind="heatmap", x="case", y="sector",
            y_names="sector_en", label_size=8, titles=titles, figsize=(17, 9), sharey=True,
            xlabel="", ylabel="GB/T 4754-2017 section", suptitle="Net outflow by GB/T 4754-2017 "
            "section, % of provincial GDP (one colour scale for all panels)"),
        "circulation_ratios": panels(ratio.assign_attrs(long_name="circulation ratio",
            units="(outflow + inflow) / GDP"), col="scope", kind="lines", x="year", hue="region",
            titles=titles, figsize=(15, 4.8), xlim=(YEARS[0] - 1, YEARS[-1] + 1), legend=True,
            styles={mean: {"color": "black", "linestyle": "--", "marker": "s"}},
            suptitle="Circulation ratios of the Northeast provinces, 2007-2017 (2007: dual only, "
            "the tables do not split trade)"),
    }  # fmt: skip


def parser(doc: str, option: str, **settings) -> argparse.ArgumentParser:
    """The options of both scripts (--out, --customs, --no-figures, --quiet) and its own path."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[1] if doc else None)
    add = parser.add_argument  # (the gallery runs the code without its docstring: doc "")
    add("--out", type=Path, default=Path("northeast_output"), help="output folder")
    add("--customs", type=Path, help="customs CSV (see iocirc.read_customs_csv)")
    add("--no-figures", action="store_true", help="skip the PNG figures")
    add("--quiet", action="store_true", help="print nothing but errors")
    add(option, type=Path, **settings)
    return parser


def save(args, figures, **outputs) -> int:
    """Both scripts' :func:`iocirc.report.write_outputs`, ``figures`` unless --no-figures."""
    files = {**report.FILE_NAMES, "csv": "{name}_paper.csv"}
    drawn = None if args.no_figures else figures
    report.write_outputs(args.out, table_files=files, figures=drawn, echo=not args.quiet, **outputs)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except iocirc.errors.IocircError as error:  # bad input or no data: one line, no traceback
        sys.exit(f"{Path(sys.argv[0]).name}: {error}")
