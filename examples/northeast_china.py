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

Run it with ``python examples/northeast_china.py --out northeast_output`` (or
``iocirc reproduce northeast --out northeast_output``). With ``IOCIRC_DATA``
pointing at a copy of the tables it runs offline; otherwise the tables are
downloaded once and cached. Each table is written as long CSV (one value per
row) and laid out as the paper prints it (:mod:`iocirc.report`): Markdown, CSV
and LaTeX.
"""

# The gallery's thumbnail: the sector heatmaps (the example's second figure).
# sphinx_gallery_thumbnail_number = 2

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
from iocirc import report
from iocirc.classifications import gbt4754_sections
from iocirc.errors import IocircError
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
  Without `--customs` the split shown here is the tables' own (exports/imports against
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
        sections = iocirc.aggregate_sectors(northeast, "gbt4754")
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


TABLE1_LABELS = {
    "region": "region",
    "year": "year",
    "scope": "",
    "kind": "",
    "ratio": "ratio",
    "contribution": "contrib. %",
}
TABLE2_LABELS = {
    "province": "province",
    "section": "section",
    "name": "name",
    "value_added_share": "VA share",
    "domestic": "domestic",
    "international": "internat.",
    "dual": "dual",
}


def table1_paper(table: pd.DataFrame, weighted: pd.DataFrame) -> report.PaperTable:
    """Table 1 laid out as in the paper: a row per region and year, scope over metric.

    The GDP-weighted national rows follow the paper's rows, labelled as such.
    """
    both = pd.concat([table, weighted], ignore_index=True)
    scope_kind = both["metric"].str.rsplit("_", n=1, expand=True)
    both = both.assign(scope=scope_kind[0], kind=scope_kind[1])
    regions = [PAPER_NATIONAL, *NORTHEAST, GDP_WEIGHTED_NATIONAL]
    return report.paper_table(
        both,
        index=["region", "year"],
        columns=["scope", "kind"],
        caption="Table 1. Circulation ratios and contributions to GDP of Northeast China",
        units="ratios: plain numbers; contributions: % of GDP",
        notes=DEVIATIONS.rstrip("\n").splitlines(),
        labels=TABLE1_LABELS,
        row_order=[(r, y) for r in regions for y in TABLE1_YEARS],
        column_order=[(s, k) for s in SCOPES for k in ("ratio", "contribution")],
    )


def table2_paper(table: pd.DataFrame) -> report.PaperTable:
    """Table 2 laid out as in the paper: sections down, year over metric across."""
    names = gbt4754_sections()["en"]
    metrics = ["value_added_share", *SCOPES]
    return report.paper_table(
        table.assign(name=table["section"].map(names)),
        index=["province", "section", "name"],
        columns=["year", "metric"],
        caption="Table 2. Value-added share (VA share) and contributions to GDP by "
        "GB/T 4754-2017 section",
        units="% of the province's GDP",
        labels=TABLE2_LABELS,
        column_order=[(y, m) for y in TABLE2_YEARS for m in metrics],
    )


def table1_markdown(table: pd.DataFrame, weighted: pd.DataFrame) -> str:
    """Table 1 as Markdown (see :func:`table1_paper`)."""
    return report.to_markdown(table1_paper(table, weighted)) + "\n"


def table2_markdown(table: pd.DataFrame) -> str:
    """Table 2 as Markdown (see :func:`table2_paper`)."""
    return report.to_markdown(table2_paper(table)) + "\n"


def write_paper_tables(tables: dict[str, report.PaperTable], out: Path) -> list[str]:
    """Each table as Markdown, CSV (the same layout) and LaTeX; returns the file names."""
    written = []
    for name, table in tables.items():
        (out / f"{name}.md").write_text(report.to_markdown(table) + "\n", encoding="utf-8")
        report.to_csv(table, out / f"{name}_paper.csv")
        (out / f"{name}.tex").write_text(report.to_latex(table) + "\n", encoding="utf-8")
        written += [f"{name}.md", f"{name}_paper.csv", f"{name}.tex"]
    return written


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


def value_added_paper(table: pd.DataFrame) -> report.PaperTable:
    """The value-added comparison: a row per region and year, circulation over measure."""
    return report.paper_table(
        table,
        index=["region", "year"],
        columns=["circulation", "measure"],
        caption="Beyond the paper. Contribution of each circulation to GDP, measured two "
        "ways: the paper's net outflow, and the value added the outflow induces through the "
        "province's supply chain (Leontief model with imports and inflows supplying all uses "
        "in proportion). National: unweighted mean of the provinces",
        units="% of GDP",
        labels={"net_outflow": "net outflow", "value_added": "value added"},
        row_order=[(r, y) for r in (PAPER_NATIONAL, *NORTHEAST) for y in TABLE1_YEARS],
        column_order=[(c, m) for c in SCOPES for m in ("net_outflow", "value_added")],
    )


def value_added_markdown(table: pd.DataFrame) -> str:
    return report.to_markdown(value_added_paper(table)) + "\n"


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


#: The National line of the figures: the paper's unweighted mean, said so.
NATIONAL_LABEL = "National (unweighted mean of provinces)"


def figures(table_1: pd.DataFrame, table_2: pd.DataFrame, out: Path) -> list[Path]:
    """Sector contributions as heatmaps, circulation ratios over the years."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from iocirc.plotting import heatmap, lines

    paths = []
    names = gbt4754_sections()["en"]
    # One colour scale for the three panels, symmetric around zero: a colour is one value.
    limit = float(table_2.loc[table_2["metric"].isin(SCOPES), "value"].abs().max())
    fig, axes = plt.subplots(1, 3, figsize=(17, 9), layout="constrained", sharey=True)
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
                # whole words, wrapped: "animal husbandry", not "animal husb"
                "label": (
                    "section",
                    [f"{s}  " + textwrap.fill(names.get(s, ""), 38) for s in grid.index],
                ),
            },
            attrs={"long_name": "net outflow", "units": "% of provincial GDP"},
        )
        heatmap(
            da,
            x="province_year",
            y="section",
            ax=ax,
            y_labels="label",
            fmt="{:.1f}",
            vmin=-limit,
            vmax=limit,
            colorbar=False,
        )
        ax.set_title(f"{scope.capitalize()} circulation")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="y", labelsize=8)
    axes[0].set_ylabel("GB/T 4754-2017 section")
    fig.colorbar(axes[0].images[0], ax=axes, shrink=0.6, label="net outflow [% of provincial GDP]")
    fig.suptitle(
        "Net outflow by GB/T 4754-2017 section, % of provincial GDP (one colour scale for "
        "all panels)"
    )
    paths.append(out / "sector_contributions.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), layout="constrained")
    styles = {NATIONAL_LABEL: {"color": "black", "linestyle": "--", "marker": "s"}}
    for ax, scope in zip(axes, SCOPES, strict=True):
        part = table_1[table_1["metric"] == f"{scope}_ratio"]
        grid = part.pivot_table(index="region", columns="year", values="value", sort=False)
        grid = grid.reindex([*NORTHEAST, PAPER_NATIONAL])  # National last: drawn on top
        da = xr.DataArray(
            grid.to_numpy(),
            dims=("region", "year"),
            coords={
                "region": [NATIONAL_LABEL if r == PAPER_NATIONAL else r for r in grid.index],
                "year": grid.columns.astype(int),
            },
            attrs={"long_name": "circulation ratio", "units": "(outflow + inflow) / GDP"},
        )
        lines(da, x="year", hue="region", ax=ax, styles=styles, legend=False)
        ax.set_title(f"{scope.capitalize()} circulation")
        ax.set_xticks(list(TABLE1_YEARS))
        ax.set_xlim(TABLE1_YEARS[0] - 1, TABLE1_YEARS[-1] + 1)
        if ax is not axes[0]:
            ax.set_ylabel("")
    handles, labels = axes[-1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False)
    fig.suptitle(
        "Circulation ratios of the Northeast provinces, 2007-2017 (2007: dual only, the "
        "tables do not split trade)"
    )
    paths.append(out / "circulation_ratios.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)
    return paths


def value_added_figure(table: pd.DataFrame, out: Path) -> Path:
    """Net outflow against induced value added, per province, circulation and year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, 3, figsize=(16, 5.4), layout="constrained", sharey=True, width_ratios=[2, 2, 3]
    )
    for ax, circulation in zip(axes, SCOPES, strict=True):  # the order of the other figures
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
            rotation_mode="anchor",
            fontsize=8,
        )
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_title(f"{circulation.capitalize()} circulation")
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("contribution to GDP [% of GDP]")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False)
    fig.suptitle(
        "Two measures of each circulation's contribution to GDP: net outflow and the value "
        "added the outflow induces (2007: dual only)"
    )
    path = out / "value_added_comparison.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


# -------------------------------------------------------------------------------------------
# Beyond the paper: where each province's GDP is absorbed, on an interprovincial MRIO
# -------------------------------------------------------------------------------------------

MRIO_YEARS = (2012, 2017)
ABSORBED = {"own_region": "own", "rest_of_nation": "other provinces", "abroad": "abroad"}


def estimated_mrio(tables: dict[int, xr.Dataset], path: Path | None) -> dict[int, xr.Dataset]:
    """The MRIO of each year: a CEADS workbook given by the user, else estimated.

    The estimate (:func:`iocirc.mrio.estimate`, default settings: gravity on the
    distances between the provincial capitals, Chenery-Moses allocation) is built
    from the provincial tables themselves, so it is an estimate, not data.
    """
    if path is not None:
        mrio = iocirc.read_ceads_mrio(path)
        return {int(mrio.attrs["year"]): mrio}
    distance = iocirc.datasets.province_distances()
    return {year: iocirc.mrio.estimate(tables[year], distance) for year in MRIO_YEARS}


def absorption_comparison(
    mrios: dict[int, xr.Dataset], tables: dict[int, xr.Dataset]
) -> pd.DataFrame:
    """GDP by where it is absorbed (MRIO) beside the single-region measure, in percent.

    ``absorbed``: value added of the province absorbed by its own final demand,
    other provinces' and foreign final demand, over the value added the table
    traces to final demand (:func:`iocirc.mrio.value_added_absorption`);
    ``untraced``: the rest of GDP, carried by the statistical discrepancy of the
    (reconciled) tables; ``chain``: value-chain participation with other
    provinces and abroad (:func:`iocirc.mrio.value_chain_participation`);
    ``single_region``: the value added the outflow to other provinces and the
    exports induce in the province's own table (local Leontief model).
    """
    from iocirc import analysis

    rows = []
    for year, mrio in mrios.items():
        absorption = iocirc.mrio.value_added_absorption(mrio)
        by_destination = absorption["by_destination_region"]
        traced = by_destination.sum("absorbed_in")
        untraced = 1 - traced / absorption["gdp_region"]
        participation = iocirc.mrio.value_chain_participation(mrio)["participation"]
        single = None
        if year in tables:
            single = analysis.circulation_value_added_share(tables[year])["value_added_share"]
        for province in NORTHEAST:
            values = [
                ("absorbed", label, by_destination.sel(absorbed_in=key) / traced)
                for key, label in ABSORBED.items()
            ]
            values.append(("untraced", "discrepancy", untraced))
            for chain, label in (("national", "other provinces"), ("abroad", "abroad")):
                values.append(("chain", label, participation.sel(chain=chain)))
            if single is not None:
                for source, label in (
                    ("domestic_outflow", "other provinces"),
                    ("export", "abroad"),
                ):
                    if source in single.indexes["source"]:
                        values.append(("single_region", label, single.sel(source=source)))
            rows += [
                {
                    "region": province,
                    "year": year,
                    "measure": measure,
                    "label": label,
                    "value": 100 * float(value.sel(region=province)),
                }
                for measure, label, value in values
            ]
    return pd.DataFrame(rows)


def absorption_paper(table: pd.DataFrame) -> report.PaperTable:
    """A row per province and year; measure over where the value added goes."""
    labels = {
        "absorbed": "absorbed by final demand (MRIO)",
        "untraced": "untraced",
        "chain": "value-chain participation (MRIO)",
        "single_region": "induced in the province's table",
    }
    columns = [
        ("absorbed", "own"),
        ("absorbed", "other provinces"),
        ("absorbed", "abroad"),
        ("untraced", "discrepancy"),
        ("chain", "other provinces"),
        ("chain", "abroad"),
        ("single_region", "other provinces"),
        ("single_region", "abroad"),
    ]
    present = set(zip(table["measure"], table["label"], strict=True))
    return report.paper_table(
        table,
        index=["region", "year"],
        columns=["measure", "label"],
        caption="Beyond the paper. Where the GDP of each province is absorbed, traced on an "
        "interprovincial MRIO estimated from the provincial tables (shares of the value added "
        "traced to final demand), the part of GDP the tables' discrepancy carries, the share "
        "of GDP in value-chain trade, and the single-region measure (value added the outflow "
        "and the exports induce in the province's own table, in % of GDP). Value chains abroad "
        "are zero by construction: the provincial tables end foreign trade at the border "
        "(exports are final demand of an exogenous rest of the world). The MRIO is an "
        "estimate: see the user guide's Estimating an MRIO",
        units="%",
        labels=labels,
        row_order=[(r, y) for r in NORTHEAST for y in sorted(set(table["year"]))],
        column_order=[c for c in columns if c in present],
    )


def absorption_figure(table: pd.DataFrame, out: Path) -> Path:
    """Stacked bars: GDP by where it is absorbed; bars: value-chain participation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(p, y) for p in NORTHEAST for y in sorted(set(table["year"]))]
    names = [f"{p} {y}" for p, y in rows]

    def values(measure: str, label: str) -> list[float]:
        part = table[(table["measure"] == measure) & (table["label"] == label)]
        lookup = {
            (r, y): v for r, y, v in zip(part["region"], part["year"], part["value"], strict=True)
        }
        return [lookup.get(key, float("nan")) for key in rows]

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained", sharey=True)
    positions = list(range(len(rows)))
    start = [0.0] * len(rows)
    for label, colour in zip(ABSORBED.values(), ("#4c72b0", "#dd8452", "#55a868"), strict=True):
        widths = values("absorbed", label)
        left.barh(positions, widths, left=start, color=colour, label=label)
        start = [a + b for a, b in zip(start, widths, strict=True)]
    left.set_yticks(positions, names)
    left.invert_yaxis()
    left.set_xlim(0, 100)
    left.set_xlabel("% of the value added traced to final demand")
    left.set_title("GDP by where it is absorbed")
    left.legend(
        title="final demand of",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=3,
        frameon=False,
    )
    # Value chains abroad are zero by construction (exports end at the border): not drawn.
    right.barh(positions, values("chain", "other provinces"), height=0.6, color="#dd8452")
    right.set_xlabel("% of GDP")
    right.set_title("Value-chain trade with other provinces")
    right.grid(axis="x", alpha=0.3)
    fig.suptitle("Northeast China on an interprovincial MRIO estimated from the provincial tables")
    path = out / "value_added_absorption.png"
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
    parser.add_argument(
        "--mrio",
        type=Path,
        help="a CEADS interprovincial MRIO workbook (iocirc.read_ceads_mrio) to trace value "
        "added on, instead of the MRIO estimated from the provincial tables of 2012 and 2017",
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

    # The long tables (one value per row, full precision) for further work ...
    table_1.to_csv(args.out / "table1.csv", index=False)
    national_by_gdp.to_csv(args.out / "table1_national_gdp_weighted.csv", index=False)
    table_2.to_csv(args.out / "table2.csv", index=False)
    beyond = value_added_comparison(tables)
    beyond.to_csv(args.out / "value_added_comparison.csv", index=False)
    written = ["table1.csv", "table1_national_gdp_weighted.csv", "table2.csv"]
    written.append("value_added_comparison.csv")
    absorption = absorption_comparison(estimated_mrio(tables, args.mrio), tables)
    absorption.to_csv(args.out / "value_added_absorption.csv", index=False)
    written.append("value_added_absorption.csv")
    # ... and as a paper prints them: Markdown, CSV and LaTeX in one layout.
    paper = {
        "table1": table1_paper(table_1, national_by_gdp),
        "table2": table2_paper(table_2),
        "value_added_comparison": value_added_paper(beyond),
        "value_added_absorption": absorption_paper(absorption),
    }
    written += write_paper_tables(paper, args.out)
    if args.reference is not None:
        comparison, summary = compare_with_paper(table_1, table_2, Path(args.reference))
        comparison.to_csv(args.out / "comparison.csv", index=False)
        (args.out / "comparison.md").write_text(summary, encoding="utf-8")
        written += ["comparison.csv", "comparison.md"]
    if not args.no_figures:
        written += [p.name for p in figures(table_1, table_2, args.out)]
        written.append(value_added_figure(beyond, args.out).name)
        written.append(absorption_figure(absorption, args.out).name)
    if not args.quiet:
        print()
        for table in paper.values():
            print(report.to_markdown(table), end="\n\n")
        if args.reference is not None:
            print(summary)
        print(f"wrote {', '.join(written)} to {args.out}/")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except IocircError as error:  # bad input or no data: one line, not a traceback
        sys.exit(f"northeast_china.py: {error}")
