"""The worked example reproduces the paper's published values from the official tables.

It is two scripts writing into one folder: ``examples/northeast_china.py`` (the paper:
Tables 1 and 2, the comparison, the paper's figures) and ``examples/northeast_china_beyond.py``
(induced value added and the MRIO absorption), which imports the first by its file name.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.data

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _reference_dir() -> Path:
    """The paper's published values: ../shared/reference beside the checkout."""
    candidates = [ROOT.parent / "shared" / "reference"]
    if os.environ.get("IOCIRC_DATA"):
        candidates.insert(0, Path(os.environ["IOCIRC_DATA"]).resolve().parents[1] / "reference")
    for folder in candidates:
        if (folder / "paper_table2_liaoning.csv").is_file():
            return folder
    pytest.skip("the paper's reference tables (shared/reference) are not beside the checkout")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example():
    return _load("northeast_china")


@pytest.fixture(scope="module")
def beyond():
    """The second script; it imports ``northeast_china`` from its folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(EXAMPLES))
        patch.delitem(sys.modules, "northeast_china", raising=False)
        yield _load("northeast_china_beyond")


@pytest.fixture(scope="module")
def output(example, beyond, tmp_path_factory):
    out = tmp_path_factory.mktemp("northeast")
    start = time.perf_counter()
    assert example.main(["--out", str(out), "--quiet"]) == 0
    assert beyond.main(["--out", str(out), "--quiet"]) == 0
    return out, time.perf_counter() - start


def _compare(ours: pd.DataFrame, published: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    merged = published.merge(ours, on=keys, how="left", suffixes=("_paper", ""))
    assert merged["value"].notna().all(), merged[merged["value"].isna()]
    merged["error"] = (merged["value"] - merged["value_paper"]).abs()
    return merged


def test_table2_reproduces_every_published_liaoning_value(output):
    out, _ = output
    published = pd.read_csv(_reference_dir() / "paper_table2_liaoning.csv")
    ours = pd.read_csv(out / "table2.csv")
    merged = _compare(ours, published, ["province", "year", "section", "metric"])
    assert len(merged) == 2 * 19 * 4
    exact = merged[merged["metric"] != "dual"]
    # Published values are rounded to 2 decimals: ours must round to them.
    assert (exact["value"].round(2) - exact["value_paper"]).abs().max() < 1e-9
    # The paper sums its rounded parts for dual, so those may be off by one in the last digit ...
    assert merged["error"].max() <= 0.01 + 1e-9
    # ... and are exactly the sum of our rounded domestic and international values.
    wide = ours.pivot_table(index=["province", "year", "section"], columns="metric", values="value")
    summed = (wide["domestic"].round(2) + wide["international"].round(2)).rename("summed")
    dual = merged[merged["metric"] == "dual"].join(summed, on=["province", "year", "section"])
    assert (dual["summed"] - dual["value_paper"]).abs().max() < 1e-9


def test_table1_reproduces_the_reachable_published_values(output):
    out, _ = output
    published = pd.read_csv(_reference_dir() / "paper_table1_subset.csv")
    reachable = published[published["metric"].str.startswith("dual")]
    ours = pd.read_csv(out / "table1.csv")
    merged = _compare(ours, reachable, ["region", "year", "metric"])
    assert set(merged["region"]) == {"National", "Liaoning"}
    assert merged["error"].max() <= 0.01 + 1e-9


def test_table1_layout_and_the_2007_split(output):
    out, _ = output
    table = pd.read_csv(out / "table1.csv")
    assert list(table.columns) == ["region", "year", "metric", "value"]
    assert set(table["region"]) == {"National", "Liaoning", "Jilin", "Heilongjiang"}
    of_2007 = set(table.loc[table["year"] == 2007, "metric"])
    assert of_2007 == {"dual_ratio", "dual_contribution"}  # no customs file: no split for 2007
    assert len(set(table.loc[table["year"] == 2017, "metric"])) == 6
    # dual = domestic + international wherever the split exists
    wide = table.pivot_table(index=["region", "year"], columns="metric", values="value").dropna()
    for kind in ("ratio", "contribution"):
        total = wide[f"domestic_{kind}"] + wide[f"international_{kind}"]
        assert (total - wide[f"dual_{kind}"]).abs().max() < 1e-9
    weighted = pd.read_csv(out / "table1_national_gdp_weighted.csv")
    assert set(weighted["region"]) == {"National (GDP-weighted)"}


def test_comparison_with_the_published_values(example, tmp_path):
    reference = _reference_dir()
    assert (
        example.main(
            ["--out", str(tmp_path), "--quiet", "--no-figures", "--reference", str(reference)]
        )
        == 0
    )
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert len(comparison) == 9 + 152
    assert comparison["reproduced"].notna().all()
    assert comparison["difference"].abs().max() <= 0.01 + 1e-9
    off = comparison[(comparison["reproduced"].round(2) - comparison["published"]).abs() > 1e-9]
    assert set(off["metric"]) <= {"dual", "dual_ratio", "dual_contribution"}
    assert "| Table 2 | 152 |" in (tmp_path / "comparison.md").read_text(encoding="utf-8")


def test_value_added_comparison_beside_net_outflow(output):
    out, _ = output
    beyond = pd.read_csv(out / "value_added_comparison.csv")
    table1 = pd.read_csv(out / "table1.csv")
    wide = beyond.pivot_table(
        index=["region", "year"], columns=["circulation", "measure"], values="value"
    )
    # the net-outflow measure is the paper's contribution, for every circulation and year
    for circulation in ("international", "domestic", "dual"):
        paper = table1[table1["metric"] == f"{circulation}_contribution"]
        paper = paper.set_index(["region", "year"])["value"]
        ours = wide[(circulation, "net_outflow")].reindex(paper.index)
        assert (ours - paper).abs().max() < 1e-9
    # induced value added is additive over the circulations and within GDP
    split = wide.dropna()
    total = split[("international", "value_added")] + split[("domestic", "value_added")]
    assert (total - split[("dual", "value_added")]).abs().max() < 1e-9
    assert beyond.loc[beyond["measure"] == "value_added", "value"].between(0, 100).all()


def test_customs_figures_split_2007_and_leave_dual_alone(example, beyond, output, tmp_path):
    import iocirc

    out, _ = output
    ds = iocirc.datasets.china_provincial(2007)
    gross_out = ds["final_use"].sel(flow="gross_outflow").sum("sector")
    gross_in = ds["final_use"].sel(flow="gross_inflow").sum("sector")
    customs = pd.DataFrame(
        {
            "region": list(ds.indexes["region"]),
            "year": 2007,
            "exports": (0.4 * gross_out).values,
            "imports": (0.3 * gross_in).values,
            "unit": "10^4 CNY",
        }
    )
    path = tmp_path / "customs.csv"
    customs.to_csv(path, index=False)
    split_out = tmp_path / "split"
    args = ["--out", str(split_out), "--quiet", "--no-figures", "--customs", str(path)]
    assert example.main(args) == 0
    split = pd.read_csv(split_out / "table1.csv").set_index(["region", "year", "metric"])["value"]
    plain = pd.read_csv(out / "table1.csv").set_index(["region", "year", "metric"])["value"]
    gdp = float(iocirc.gdp(ds).sel(region="Liaoning"))
    expected = float(0.4 * gross_out.sel(region="Liaoning") + 0.3 * gross_in.sel(region="Liaoning"))
    assert split[("Liaoning", 2007, "international_ratio")] == pytest.approx(expected / gdp)
    for metric in ("dual_ratio", "dual_contribution"):
        assert split[("Liaoning", 2007, metric)] == pytest.approx(plain[("Liaoning", 2007, metric)])
    # 2012 and 2017 are not in the customs file: their split stays the tables' own
    assert split[("Jilin", 2017, "domestic_ratio")] == pytest.approx(
        plain[("Jilin", 2017, "domestic_ratio")]
    )
    # the second script reads the tables the same way: its net outflow is the split's too
    assert beyond.main(args) == 0
    measures = pd.read_csv(split_out / "value_added_comparison.csv")
    measures = measures.set_index(["region", "year", "circulation", "measure"])["value"]
    assert measures[("Liaoning", 2007, "international", "net_outflow")] == pytest.approx(
        split[("Liaoning", 2007, "international_contribution")]
    )


def test_outputs_are_written(output):
    out, _ = output
    for name in (
        "table1.md",
        "table2.md",
        "value_added_comparison.md",
        "sector_contributions.png",
        "circulation_ratios.png",
        "value_added_comparison.png",
    ):
        assert (out / name).stat().st_size > 0
    assert "customs" in (out / "table1.md").read_text(encoding="utf-8")
    table2 = pd.read_csv(out / "table2.csv")
    assert set(table2["section"]) == set("ABCDEFGHIJKLMNOPQRS")
    shares = table2[table2["metric"] == "value_added_share"].groupby(["province", "year"])["value"]
    assert (shares.sum() - 100).abs().max() < 1e-9


def test_value_added_absorption_on_the_estimated_mrio(output):
    """The MRIO section: shares over traced value added sum to 100, and they are the
    Leontief tracing v B Y of the estimated table, recomputed here from its matrices."""
    import numpy as np

    import iocirc
    from iocirc.mrio import as_matrices

    out, _ = output
    absorption = pd.read_csv(out / "value_added_absorption.csv")
    assert set(absorption["year"]) == {2012, 2017}
    absorbed = absorption[absorption["measure"] == "absorbed"]
    sums = absorbed.groupby(["region", "year"])["value"].sum()
    assert len(sums) == 6
    assert (sums - 100).abs().max() < 1e-9

    mrio = iocirc.mrio.estimate(
        iocirc.datasets.china_provincial(2017), iocirc.datasets.province_distances()
    )
    m = as_matrices(mrio)
    # Competitive imports leave each row's uses in proportion (the tracing's convention),
    # a positive row residual counting as a use; exports are final demand abroad.
    uses = m.Z.sum(axis=1) + m.Yd.sum(axis=1) + m.export + np.maximum(m.discrepancy, 0)
    domestic = 1 - np.divide(m.imports, uses, out=np.zeros(m.n), where=uses > 0)
    a = domestic[:, None] * m.Z / np.where(m.x > 0, m.x, 1)[None, :]
    va = np.where(m.x > 0, m.va / np.where(m.x > 0, m.x, 1), 0)
    final = np.column_stack([domestic[:, None] * m.Yd, domestic * m.export])
    traced = va[:, None] * np.linalg.solve(np.eye(m.n) - a, final)
    regions = list(m.regions)
    liaoning = regions.index("Liaoning")
    rows = slice(liaoning * m.S, (liaoning + 1) * m.S)
    by_destination = traced[rows].sum(axis=0)
    own = by_destination[liaoning] / by_destination.sum()
    ours = absorbed.set_index(["region", "year", "label"])["value"]
    assert ours[("Liaoning", 2017, "own")] == pytest.approx(100 * own, rel=1e-9)
    assert ours[("Liaoning", 2017, "abroad")] == pytest.approx(
        100 * by_destination[-1] / by_destination.sum(), rel=1e-9
    )
    assert (out / "value_added_absorption.png").stat().st_size > 0


def test_a_ceads_table_given_with_mrio_replaces_the_estimate(beyond, tmp_path, monkeypatch):
    """``--mrio FILE``: the absorption split comes from the user's CEADS workbook."""
    import iocirc

    spec = importlib.util.spec_from_file_location(
        "ceads_workbooks", ROOT / "tests" / "test_ceads.py"
    )
    assert spec is not None
    assert spec.loader is not None
    ceads = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, ceads)  # its dataclasses look themselves up
    spec.loader.exec_module(ceads)
    table = ceads.draw_table(7, R=3, S=3)
    table.provinces = ["Liaoning", "Jilin", "Heilongjiang"]
    path = ceads.write(table, tmp_path / "ceads_2017.xlsx", year=2017)
    out = tmp_path / "out"
    args = ["--out", str(out), "--quiet", "--no-figures", "--mrio", str(path)]
    assert beyond.main(args) == 0
    written = pd.read_csv(out / "value_added_absorption.csv")
    assert set(written["year"]) == {2017}
    absorbed = written[written["measure"] == "absorbed"].set_index(["region", "label"])["value"]
    split = iocirc.mrio.value_added_absorption(iocirc.read_ceads_mrio(path))
    by_destination = split["by_destination_region"]
    expected = by_destination / by_destination.sum("absorbed_in")
    for region in table.provinces:
        for key, label in beyond.ABSORBED.items():
            value = float(expected.sel(region=region, absorbed_in=key))
            assert absorbed[(region, label)] == pytest.approx(100 * value, rel=1e-12)


def test_each_script_writes_its_own_files(example, beyond, tmp_path):
    """The paper's script and the second one write disjoint sets of files."""
    paper, more = tmp_path / "paper", tmp_path / "beyond"
    assert example.main(["--out", str(paper), "--quiet", "--no-figures"]) == 0
    assert beyond.main(["--out", str(more), "--quiet", "--no-figures"]) == 0
    tables = {"table1", "table2"}
    expected = {f"{name}{end}" for name in tables for end in (".md", ".tex", "_paper.csv")}
    expected |= {"table1.csv", "table1_national_gdp_weighted.csv", "table2.csv"}
    if os.environ.get("IOCIRC_REFERENCE"):  # the default of --reference
        expected |= {"comparison.csv", "comparison.md"}
    assert {p.name for p in paper.iterdir()} == expected
    names = ("value_added_comparison", "value_added_absorption")
    expected = {f"{n}{end}" for n in names for end in (".csv", ".md", ".tex", "_paper.csv")}
    assert {p.name for p in more.iterdir()} == expected


@pytest.mark.slow
def test_the_second_script_runs_on_its_own(tmp_path):
    """``python examples/northeast_china_beyond.py`` finds ``northeast_china`` beside it."""
    script = EXAMPLES / "northeast_china_beyond.py"
    args = [sys.executable, str(script), "--out", str(tmp_path), "--no-figures"]
    result = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert "value_added_absorption.csv" in result.stdout
    assert (tmp_path / "value_added_absorption.csv").stat().st_size > 0


def test_the_gallery_runs_both_scripts_only_with_the_data():
    """Both read the official tables: the documentation build runs them with IOCIRC_DATA."""
    spec = importlib.util.spec_from_file_location(
        "iocirc_docs", ROOT / "docs" / "_ext" / "iocirc_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(docs)
    for name in ("northeast_china.py", "northeast_china_beyond.py"):
        assert docs.needs_data((EXAMPLES / name).read_text(encoding="utf-8")), name
