"""
Northeast China in the dual circulation
=======================================

Reproduces Tables 1 and 2 of a policy study of how Northeast China (Liaoning,
Jilin, Heilongjiang) takes part in the domestic circulation (trade between
provinces) and the international circulation (foreign trade), from the
official provincial input-output tables of 2007, 2012 and 2017.

Per province and year, with GDP the table's total value added:

* circulation ratio of a scope = (outflow + inflow) / GDP;
* contribution of a scope to GDP = (outflow - inflow) / GDP, in percent;
* by sector (Table 2), the same per GB/T 4754-2017 section, over the
  province's GDP, beside each section's value-added share.

Run it with ``python examples/northeast_china.py --out northeast_output``. With
``IOCIRC_DATA`` pointing at a copy of the tables it runs offline; otherwise the
tables are downloaded once and cached.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import xarray as xr

import iocirc
from iocirc.classifications import concordance, gbt4754_sections
from iocirc.regions import REGION_GROUPS

NORTHEAST = list(REGION_GROUPS["Northeast"])
TABLE1_YEARS = (2007, 2012, 2017)
TABLE2_YEARS = (2012, 2017)
SCOPES = ("domestic", "international", "dual")
PAPER_NATIONAL = "National"
GDP_WEIGHTED_NATIONAL = "National (GDP-weighted)"

DEVIATIONS = """\
Notes on reproducing the paper
- Table 2 and the dual columns of Table 1 follow from the official tables alone.
- The paper's domestic/international split in Table 1 uses customs statistics for foreign
  trade and leaves the rest of the tables' gross outflow and inflow to the domestic side.
  Without --customs the split shown here is the tables' own (exports/imports against
  interprovincial outflow/inflow); for 2007, whose tables report only gross outflow and
  inflow, no split is shown.
- The paper adds its rounded domestic and international values to get the dual ones, so a
  published dual value can differ by 0.01 from the exact sum reported here.
- "National" is the unweighted mean over the provinces, which is what reproduces the
  paper's National row; the GDP-weighted mean (the nation as one region) is given beside it.
"""


def read_tables(years: Sequence[int], *, quiet: bool = False) -> dict[int, xr.Dataset]:
    """All provinces' tables of each year, with a line of progress per year."""
    tables = {}
    for year in years:
        start = time.perf_counter()
        if not quiet:
            print(f"reading the {year} provincial tables ...", end=" ", flush=True)
        tables[year] = iocirc.datasets.china_provincial(year)
        if not quiet:
            n = tables[year].sizes["region"]
            print(f"{n} provinces in {time.perf_counter() - start:.2f} s", flush=True)
    return tables


def substitute_customs(tables: dict[int, xr.Dataset], path: Path) -> dict[int, xr.Dataset]:
    """Replace the tables' foreign trade by customs figures where the file has them."""
    customs = iocirc.read_customs_csv(path)
    result = dict(tables)
    for year, ds in tables.items():
        if year not in customs["year"].values:
            continue
        of_year = customs.sel(year=year)
        result[year] = iocirc.with_customs_trade(ds, of_year["exports"], of_year["imports"])
    return result


def _scopes(ds: xr.Dataset) -> list[str]:
    """The scopes a table can measure: the split needs exports and imports."""
    have = iocirc.schema.available_flows(ds)
    split = {"export", "import", "domestic_outflow", "domestic_inflow"} <= set(have)
    return list(SCOPES) if split else ["dual"]


def table1(tables: dict[int, xr.Dataset]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Circulation ratios and contributions: the paper's Table 1, long format.

    Returns the table (regions National and the Northeast provinces) and the
    GDP-weighted national figures.
    """
    rows, weighted = [], []
    for year, ds in tables.items():
        for scope in _scopes(ds):
            metrics = {
                f"{scope}_ratio": iocirc.circulation_ratio(ds, scope),
                f"{scope}_contribution": iocirc.net_outflow_contribution(ds, scope, percent=True),
            }
            for metric, values in metrics.items():
                national = iocirc.aggregate_regions(values, weights=None)
                by_gdp = iocirc.aggregate_regions(values, weights="gdp")
                rows.append(_long(national.sel(region="National"), PAPER_NATIONAL, year, metric))
                weighted.append(
                    _long(by_gdp.sel(region="National"), GDP_WEIGHTED_NATIONAL, year, metric)
                )
                for province in NORTHEAST:
                    rows.append(_long(values.sel(region=province), province, year, metric))
    return _frame(rows), _frame(weighted)


def _long(value: xr.DataArray, region: str, year: int, metric: str) -> dict[str, object]:
    return {"region": region, "year": year, "metric": metric, "value": float(value)}


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "year", "metric", "value"])


def table2(tables: dict[int, xr.Dataset]) -> pd.DataFrame:
    """Value-added shares and contributions by GB/T 4754 section: the paper's Table 2."""
    parts = []
    for year in TABLE2_YEARS:
        northeast = tables[year].sel(region=NORTHEAST)
        sections = iocirc.aggregate_sectors(northeast, concordance(year))
        metrics = {"value_added_share": iocirc.value_added_share(sections, percent=True)}
        for scope in SCOPES:
            metrics[scope] = iocirc.net_outflow_contribution(
                sections, scope, by="sector", percent=True
            )
        for metric, values in metrics.items():
            frame = values.rename(region="province", sector="section").to_dataframe("value")
            frame = frame.reset_index()[["province", "section", "value"]]
            parts.append(frame.assign(year=year, metric=metric))
    table = pd.concat(parts, ignore_index=True)
    return table[["province", "year", "section", "metric", "value"]]


def table1_markdown(table: pd.DataFrame, weighted: pd.DataFrame) -> str:
    """Table 1 laid out as in the paper: a row per region and year."""
    both = pd.concat([table, weighted], ignore_index=True)
    wide = both.pivot_table(index=["region", "year"], columns="metric", values="value", sort=False)
    columns = [f"{scope}_{kind}" for scope in SCOPES for kind in ("ratio", "contribution")]
    wide = wide.reindex(columns=[c for c in columns if c in wide.columns])
    order = [PAPER_NATIONAL, *NORTHEAST, GDP_WEIGHTED_NATIONAL]
    wide = wide.reindex(sorted(wide.index, key=lambda key: (order.index(key[0]), key[1])))
    header = (
        "Table 1. Circulation ratios (plain numbers) and contributions to GDP (%) "
        "of Northeast China\n\n"
    )
    return header + _markdown(wide.reset_index(), digits=2) + "\n\n" + DEVIATIONS


def table2_markdown(table: pd.DataFrame) -> str:
    """Table 2 laid out as in the paper: sections down, province-year-metric across."""
    names = gbt4754_sections()["en"]
    blocks = []
    for province in NORTHEAST:
        part = table[table["province"] == province]
        wide = part.pivot_table(
            index="section", columns=["year", "metric"], values="value", sort=False
        )
        wide.columns = [f"{year} {metric}" for year, metric in wide.columns]
        wide.insert(0, "name", [names.get(s, "") for s in wide.index])
        blocks.append(f"### {province}\n\n" + _markdown(wide.reset_index(), digits=2))
    header = (
        "Table 2. Value-added share and contributions to GDP by GB/T 4754-2017 section "
        "(% of the province's GDP)\n\n"
    )
    return header + "\n\n".join(blocks) + "\n"


def _markdown(frame: pd.DataFrame, *, digits: int) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            text = "" if pd.isna(value) else f"{value:.{digits}f}"
            return text[1:] if text.startswith("-") and not text.strip("-0.") else text
        return str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "|".join("---" for _ in frame.columns) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------
# Beyond the paper: the value added each circulation induces, beside its net outflow
# -------------------------------------------------------------------------------------------

CIRCULATIONS = {"export": "international", "domestic_outflow": "domestic", "gross_outflow": "dual"}


def value_added_comparison(tables: dict[int, xr.Dataset]) -> pd.DataFrame:
    """Two measures of a circulation's contribution to GDP, in percent of GDP.

    ``net_outflow``: the paper's (outflow - inflow) / GDP. ``value_added``: the
    value added that the outward flow induces through the region's supply chain,
    v' L f / GDP (:func:`iocirc.analysis.circulation_value_added_share`).
    """
    from iocirc import analysis

    rows = []
    for year, ds in tables.items():
        shares = analysis.circulation_value_added_share(ds)
        for measure, variable in (
            ("net_outflow", "net_outflow_share"),
            ("value_added", "value_added_share"),
        ):
            values = 100 * shares[variable]
            national = iocirc.aggregate_regions(values, weights=None).sel(region="National")
            for region, series in [(PAPER_NATIONAL, national)] + [
                (p, values.sel(region=p)) for p in NORTHEAST
            ]:
                for source in series.indexes["source"]:
                    rows.append(
                        {
                            "region": region,
                            "year": year,
                            "circulation": CIRCULATIONS[str(source)],
                            "measure": measure,
                            "value": float(series.sel(source=source)),
                        }
                    )
    return pd.DataFrame(rows)


def value_added_markdown(table: pd.DataFrame) -> str:
    wide = table.pivot_table(
        index=["region", "year"], columns=["circulation", "measure"], values="value", sort=False
    )
    order = [
        (c, m)
        for c in ("international", "domestic", "dual")
        for m in ("net_outflow", "value_added")
    ]
    wide = wide.reindex(columns=[key for key in order if key in wide.columns])
    wide.columns = [f"{c} {m}" for c, m in wide.columns]
    header = (
        "Beyond the paper. Contribution of each circulation to GDP (% of GDP), measured two "
        "ways: the paper's net outflow, and the value added the outflow induces through the "
        "province's supply chain (Leontief model with imports and inflows supplying all uses "
        "in proportion). National: unweighted mean of the provinces.\n\n"
    )
    return header + _markdown(wide.reset_index(), digits=2) + "\n"


def compare_with_paper(
    table_1: pd.DataFrame, table_2: pd.DataFrame, reference: Path
) -> tuple[pd.DataFrame, str]:
    """Reproduced values beside the published ones of a folder of reference tables.

    ``reference`` holds ``paper_table1_subset.csv`` (region, year, metric,
    value) and ``paper_table2_liaoning.csv`` (province, year, section, metric,
    value), as published. Only values the tables can give are compared: the
    dual columns of Table 1 and all of Table 2.
    """
    published_1 = pd.read_csv(reference / "paper_table1_subset.csv")
    published_1 = published_1[published_1["metric"].str.startswith("dual")]
    published_2 = pd.read_csv(reference / "paper_table2_liaoning.csv")
    parts = []
    for name, published, ours, keys in (
        ("Table 1", published_1, table_1, ["region", "year", "metric"]),
        ("Table 2", published_2, table_2, ["province", "year", "section", "metric"]),
    ):
        merged = published.merge(ours, on=keys, how="left", suffixes=("_published", ""))
        merged = merged.rename(columns={"value_published": "published", "value": "reproduced"})
        merged.insert(0, "table", name)
        parts.append(merged.rename(columns={"province": "region"}))
    comparison = pd.concat(parts, ignore_index=True)
    comparison["difference"] = comparison["reproduced"] - comparison["published"]
    lines = ["| table | values | equal when rounded | within 0.01 | largest difference |"]
    lines.append("|---|---|---|---|---|")
    for name, group in comparison.groupby("table"):
        equal = int(((group["reproduced"].round(2) - group["published"]).abs() < 1e-9).sum())
        close = int((group["difference"].abs() <= 0.01 + 1e-9).sum())
        worst = group["difference"].abs().max()
        lines.append(f"| {name} | {len(group)} | {equal} | {close} | {worst:.4f} |")
    note = (
        "Published values against the reproduction (dual columns of Table 1, all of "
        "Table 2 for Liaoning). A value differs after rounding only where the paper "
        "summed its rounded domestic and international parts.\n\n"
    )
    return comparison, note + "\n".join(lines) + "\n"


def figures(table_1: pd.DataFrame, table_2: pd.DataFrame, out: Path) -> list[Path]:
    """Sector contributions as heatmaps, circulation ratios over the years."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from iocirc.plotting import heatmap, lines

    paths = []
    names = gbt4754_sections()["en"]
    fig, axes = plt.subplots(1, 3, figsize=(17, 8), layout="constrained", sharey=True)
    for ax, scope in zip(axes, SCOPES, strict=True):
        part = table_2[table_2["metric"] == scope]
        grid = part.pivot_table(index="section", columns=["province", "year"], values="value")
        grid = grid.reindex(columns=[(p, y) for p in NORTHEAST for y in TABLE2_YEARS])
        da = xr.DataArray(
            grid.to_numpy(),
            dims=("section", "province_year"),
            coords={
                "section": grid.index,
                "province_year": [f"{p} {y}" for p, y in grid.columns],
                "label": ("section", [f"{s} {names.get(s, '')[:34]}" for s in grid.index]),
            },
            attrs={"long_name": f"{scope} contribution to GDP", "units": "% of GDP"},
        )
        heatmap(da, x="province_year", y="section", ax=ax, y_labels="label", fmt="{:.1f}")
        ax.set_title(f"{scope.capitalize()} circulation")
        ax.set_xlabel("")
    fig.suptitle("Net outflow by GB/T 4754-2017 section, % of provincial GDP")
    paths.append(out / "sector_contributions.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), layout="constrained")
    for ax, scope in zip(axes, SCOPES, strict=True):
        part = table_1[table_1["metric"] == f"{scope}_ratio"]
        grid = part.pivot_table(index="region", columns="year", values="value", sort=False)
        da = xr.DataArray(
            grid.to_numpy(),
            dims=("region", "year"),
            coords={"region": grid.index, "year": grid.columns.astype(int)},
            attrs={"long_name": f"{scope} circulation ratio", "units": "ratio to GDP"},
        )
        lines(da, x="year", hue="region", ax=ax)
        ax.set_title(f"{scope.capitalize()} circulation ratio")
    paths.append(out / "circulation_ratios.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)
    return paths


def value_added_figure(table: pd.DataFrame, out: Path) -> Path:
    """Net outflow against induced value added, per province, circulation and year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    circulations = ["international", "domestic", "dual"]
    fig, axes = plt.subplots(
        1, 3, figsize=(16, 5), layout="constrained", sharey=True, width_ratios=[2, 2, 3]
    )
    for ax, circulation in zip(axes, circulations, strict=True):
        part = table[(table["circulation"] == circulation) & (table["region"] != PAPER_NATIONAL)]
        grid = part.pivot_table(index=["region", "year"], columns="measure", values="value")
        grid = grid.reindex([(p, y) for p in NORTHEAST for y in TABLE1_YEARS]).dropna(how="all")
        positions = range(len(grid))
        ax.bar([x - 0.2 for x in positions], grid["net_outflow"], width=0.4, label="net outflow")
        ax.bar(
            [x + 0.2 for x in positions],
            grid["value_added"],
            width=0.4,
            label="induced value added",
        )
        ax.set_xticks(
            list(positions),
            [f"{p} {y}" for p, y in grid.index],
            rotation=35,
            ha="right",
            fontsize=8,
        )
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_title(f"{circulation.capitalize()} circulation")
        ax.set_ylabel("contribution to GDP [% of GDP]")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend()
    path = out / "value_added_comparison.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("northeast_output"), help="output folder")
    parser.add_argument(
        "--customs",
        type=Path,
        help="CSV of provincial customs exports and imports in yuan (columns region, year, "
        "exports, imports, unit such as '10^4 CNY'; see iocirc.read_customs_csv, and "
        "iocirc.usd_to_cny for dollar figures) to split Table 1 as the paper did",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=os.environ.get("IOCIRC_REFERENCE") or None,
        help="folder with the paper's published values (paper_table1_subset.csv, "
        "paper_table2_liaoning.csv) to compare with; default: $IOCIRC_REFERENCE",
    )
    parser.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    tables = read_tables(TABLE1_YEARS, quiet=args.quiet)
    if args.customs is not None:
        tables = substitute_customs(tables, args.customs)
    table_1, national_by_gdp = table1(tables)
    table_2 = table2(tables)

    table_1.to_csv(args.out / "table1.csv", index=False)
    national_by_gdp.to_csv(args.out / "table1_national_gdp_weighted.csv", index=False)
    table_2.to_csv(args.out / "table2.csv", index=False)
    md1 = table1_markdown(table_1, national_by_gdp)
    md2 = table2_markdown(table_2)
    (args.out / "table1.md").write_text(md1, encoding="utf-8")
    (args.out / "table2.md").write_text(md2, encoding="utf-8")
    written = ["table1.csv", "table1_national_gdp_weighted.csv", "table2.csv", "table1.md"]
    written.append("table2.md")
    beyond = value_added_comparison(tables)
    beyond.to_csv(args.out / "value_added_comparison.csv", index=False)
    md3 = value_added_markdown(beyond)
    (args.out / "value_added_comparison.md").write_text(md3, encoding="utf-8")
    written += ["value_added_comparison.csv", "value_added_comparison.md"]
    if args.reference is not None:
        comparison, summary = compare_with_paper(table_1, table_2, Path(args.reference))
        comparison.to_csv(args.out / "comparison.csv", index=False)
        (args.out / "comparison.md").write_text(summary, encoding="utf-8")
        written += ["comparison.csv", "comparison.md"]
    if not args.no_figures:
        written += [p.name for p in figures(table_1, table_2, args.out)]
        written.append(value_added_figure(beyond, args.out).name)
    if not args.quiet:
        print()
        print(md1)
        print(md2)
        print(md3)
        if args.reference is not None:
            print(summary)
        print(f"wrote {', '.join(written)} to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
