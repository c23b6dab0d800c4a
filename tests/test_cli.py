"""The ``iocirc`` command line, run in a subprocess as a user would, outputs read back."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import iocirc
from iocirc import cli
from iocirc.testing.strategies import io_tables

ROOT = Path(__file__).resolve().parents[1]


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m iocirc ARGS`` with the test's environment (plus ``env``)."""
    environment = {**os.environ, "PYTHONWARNINGS": "default", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "iocirc", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=environment,
        timeout=timeout,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("iocirc: error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return lines[0]


# -- help, usage, exit codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["tables"],
        ["indicators"],
        ["validate"],
        ["reproduce"],
        ["mrio"],
        ["mrio", "estimate"],
        ["mrio", "decompose"],
    ],
)
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: iocirc")
    assert "example" in result.stdout
    assert "iocirc " + " ".join(command) in result.stdout.replace("\n", " ")


def test_exit_codes_are_documented() -> None:
    text = run("--help").stdout
    for code in (0, 1, 2, 3, 4, 5):
        assert f"{code} " in text.split("exit codes:")[1]
    assert cli.__doc__ is not None
    for value in (cli.EXIT_CHECK_FAILED, cli.EXIT_INPUT, cli.EXIT_DOWNLOAD, cli.EXIT_DEPENDENCY):
        assert f"\n{value} " in cli.__doc__


def test_no_command_prints_help_and_fails() -> None:
    result = run()
    assert result.returncode == cli.EXIT_USAGE
    assert "COMMAND" in result.stderr


def test_unknown_output_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("tables", "2017", "--region", "Jilin", "--out", str(tmp_path / "t.parquet"))
    assert result.returncode == cli.EXIT_USAGE
    assert ".nc, .csv, .xlsx, .dta" in one_line_error(result)
    assert not (tmp_path / "t.parquet").exists()


def test_bad_input_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    out = str(tmp_path / "t.nc")
    result = run("tables", "2017", "--region", "Narnia", "--out", out)
    assert result.returncode == cli.EXIT_INPUT
    line = one_line_error(result)
    assert "Narnia" in line
    assert "Chinese name" in line  # says Chinese names are accepted
    debug = run("tables", "2017", "--region", "Narnia", "--out", out, "--debug")
    assert debug.returncode == cli.EXIT_INPUT
    assert "Traceback" in debug.stderr
    assert "SchemaError" in debug.stderr


def test_unknown_year_names_the_known_ones(tmp_path: Path) -> None:
    result = run("indicators", "2016", "--out", str(tmp_path / "x.csv"))
    assert result.returncode == cli.EXIT_INPUT
    assert "2017" in one_line_error(result)


def test_failed_download_is_one_line_without_a_url(tmp_path: Path) -> None:
    """No network (a dead proxy): one line naming the file, where it looked, what to do."""
    empty = tmp_path / "data"
    empty.mkdir()
    dead = "http://127.0.0.1:9"
    env = {"IOCIRC_DATA": str(empty), "HTTPS_PROXY": dead, "HTTP_PROXY": dead, "NO_PROXY": ""}
    env |= {"https_proxy": dead, "http_proxy": dead, "no_proxy": ""}
    result = run("tables", "2017", "--region", "Jilin", "--out", str(tmp_path / "t.nc"), env=env)
    assert result.returncode == cli.EXIT_DOWNLOAD, result.stderr
    line = one_line_error(result)
    assert "07-吉林.xls" in line
    assert str(empty) in line
    assert "%E5" not in line  # no percent-encoded URL
    assert len(line) < 600
    # IOCIRC_DATA is set: the advice is to check it, not to set it
    assert "set IOCIRC_DATA" not in line
    assert "Check the network connection" in line
    assert result.stderr.count("\n") <= 2  # pooch's retries are not logged


# -- validate --------------------------------------------------------------------------------


def test_validate_passes_a_balanced_table_and_fails_an_unbalanced_one(tmp_path: Path) -> None:
    good = tmp_path / "good.nc"
    iocirc.datasets.example_table().to_netcdf(good)
    bad_table = iocirc.datasets.example_table()
    bad_table["intermediate_use"][0, 0, 0] += 1e6
    bad = tmp_path / "bad.nc"
    bad_table.to_netcdf(bad)
    ok = run("validate", str(good))
    assert ok.returncode == cli.EXIT_OK, ok.stderr
    assert ok.stdout.startswith(f"OK   {good}")
    both = run("validate", str(good), str(bad), "--report", str(tmp_path / "residuals.csv"))
    assert both.returncode == cli.EXIT_CHECK_FAILED
    lines = both.stdout.splitlines()
    assert lines[0].startswith("OK")
    assert any(line.startswith(f"FAIL {bad}") for line in lines)
    assert "Liaoning" in both.stdout  # names the region and sector that fail
    assert "1 of 2 file(s) passed" in lines[-1]
    report = pd.read_csv(tmp_path / "residuals.csv")
    assert set(report["file"]) == {str(good), str(bad)}
    worst = report.loc[report["relative_residual"].abs().idxmax()]
    assert worst["file"] == str(bad)
    assert worst["region"] == "Liaoning"


def test_validate_reports_unreadable_files_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.nc"
    iocirc.datasets.example_table().to_netcdf(good)
    junk = tmp_path / "notes.xls"
    junk.write_text("not a workbook", encoding="utf-8")
    result = run("validate", str(junk), str(tmp_path / "missing.nc"), str(good))
    assert result.returncode == cli.EXIT_CHECK_FAILED
    out = result.stdout.splitlines()
    assert out[0].startswith(f"FAIL {junk}: cannot be read")
    assert out[1].startswith("FAIL")
    assert "no such file" in out[1]
    assert out[2].startswith("OK")


def test_validate_reads_the_tidy_csv_back(tmp_path: Path) -> None:
    ds = iocirc.datasets.example_table()
    path = tmp_path / "tidy.csv"
    cli._tables_frame(ds).to_csv(path, index=False, encoding="utf-8-sig")
    result = run("validate", str(path))
    assert result.returncode == cli.EXIT_OK, result.stdout + result.stderr


# -- progress ----------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only() -> None:
    terminal = _Terminal()
    with cli._Progress(3, "reading", stream=terminal) as bar:
        for name in "abc":
            bar.advance(name)
    text = terminal.getvalue()
    assert "\r" in text
    assert "3/3" in text
    assert text.endswith("\n")
    pipe = io.StringIO()
    with cli._Progress(3, "reading", stream=pipe) as bar:
        bar.advance("a")
    assert pipe.getvalue() == ""
    quiet = _Terminal()
    with cli._Progress(3, "reading", stream=quiet, enabled=False) as bar:
        bar.advance("a")
    assert quiet.getvalue() == ""


# -- the official tables -----------------------------------------------------------------


@pytest.fixture(scope="module")
def northeast_2017() -> xr.Dataset:
    return iocirc.datasets.china_provincial(2017, ["Liaoning", "Jilin"])


@pytest.mark.data
def test_tables_netcdf_and_csv_round_trip(tmp_path: Path, northeast_2017: xr.Dataset) -> None:
    nc, csv = tmp_path / "t.nc", tmp_path / "t.csv"
    for out in (nc, csv):
        result = run("tables", "2017", "--region", "辽宁", "220000", "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal
    back = xr.load_dataset(nc)
    assert list(back.indexes["region"]) == ["Liaoning", "Jilin"]
    xr.testing.assert_identical(back["intermediate_use"], northeast_2017["intermediate_use"])
    assert list(back["region_zh"].values) == ["辽宁", "吉林"]
    frame = pd.read_csv(csv, dtype={"row": str, "column": str}, encoding="utf-8-sig")
    assert {"region_zh", "row_zh", "row_en", "column_zh", "column_en", "unit"} <= set(frame)
    cell = frame[
        (frame["variable"] == "final_use")
        & (frame["region"] == "Jilin")
        & (frame["row"] == "06")
        & (frame["column"] == "export")
    ]
    assert len(cell) == 1
    expected = float(northeast_2017["final_use"].sel(region="Jilin", sector="06", flow="export"))
    assert cell["value"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert cell["column_zh"].iloc[0] == "出口"
    assert cell["region_zh"].iloc[0] == "吉林"


@pytest.mark.data
def test_tables_stata_has_labelled_variables(tmp_path: Path, northeast_2017: xr.Dataset) -> None:
    out = tmp_path / "t.dta"
    result = run("tables", "2017", "--region", "Liaoning", "Jilin", "--out", str(out))
    assert result.returncode == 0, result.stderr
    frame = pd.read_stata(out)
    with pd.io.stata.StataReader(out) as reader:
        labels = reader.variable_labels()
        value_labels = reader.value_labels()
    assert labels["row_zh"] == "row label, Chinese"
    assert all(labels[c] for c in frame.columns)
    # repeated labels are Stata value labels (labelled integers), Chinese included
    assert any("劳动者报酬" in mapping.values() for mapping in value_labels.values())
    frame = frame.astype({c: str for c in frame.columns if c != "value"})
    output = frame[frame["variable"] == "total_output"].set_index(["region", "row"])["value"]
    expected = northeast_2017["total_output"].to_series()
    expected.index = expected.index.set_names(["region", "row"])
    pd.testing.assert_series_equal(
        output.sort_index(), expected.sort_index(), check_names=False, rtol=1e-12
    )
    assert "黑龙江" not in set(frame["region_zh"])
    assert set(frame["region_zh"]) == {"辽宁", "吉林"}


@pytest.mark.data
def test_tables_excel_is_laid_out_like_the_official_table(
    tmp_path: Path, northeast_2017: xr.Dataset
) -> None:
    pytest.importorskip("openpyxl")
    out = tmp_path / "t.xlsx"
    result = run("tables", "2017", "--region", "Liaoning", "Jilin", "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheets = pd.read_excel(out, sheet_name=None, header=None, engine="openpyxl")
    assert list(sheets) == ["Liaoning 辽宁", "Jilin 吉林"]
    sheet = sheets["Jilin 吉林"]
    codes = sheet.iloc[3].tolist()
    assert codes[3] == "01"
    assert "EX" in codes
    assert codes[-1] == "GO"
    assert "出口" in sheet.iloc[4].tolist()
    assert "exports" in sheet.iloc[5].tolist()
    rows = sheet.iloc[:, 0].astype(str).tolist()
    first = rows.index("01")
    jilin = northeast_2017.sel(region="Jilin")
    z = sheet.iloc[first : first + 42, 3 : 3 + 42].to_numpy(dtype=float)
    np.testing.assert_allclose(z, jilin["intermediate_use"].values, rtol=1e-12)
    export = sheet.iloc[first : first + 42, codes.index("EX")].to_numpy(dtype=float)
    np.testing.assert_allclose(export, jilin["final_use"].sel(flow="export").values, rtol=1e-12)
    total_input = sheet.iloc[rows.index("TI"), 3 : 3 + 42].to_numpy(dtype=float)
    np.testing.assert_allclose(total_input, jilin["total_output"].values, rtol=1e-12)
    assert sheet.iloc[rows.index("VA001"), 1] == "劳动者报酬"


@pytest.mark.data
def test_indicators_match_the_library(tmp_path: Path) -> None:
    out = tmp_path / "ratios.csv"
    result = run(
        "indicators", "2017", "--group", "National", "Northeast", "--weights", "none",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, encoding="utf-8-sig").set_index(["region", "metric"])["value"]
    ds = iocirc.datasets.china_provincial(2017)
    dual = iocirc.circulation_ratio(ds, "dual")
    assert frame[("Jilin", "dual_ratio")] == pytest.approx(float(dual.sel(region="Jilin")))
    assert frame[("National", "dual_ratio")] == pytest.approx(float(dual.mean()))
    northeast = dual.sel(region=["Liaoning", "Jilin", "Heilongjiang"]).mean()
    assert frame[("Northeast", "dual_ratio")] == pytest.approx(float(northeast))
    contribution = iocirc.net_outflow_contribution(ds, "international", percent=True)
    assert frame[("Hebei", "international_contribution")] == pytest.approx(
        float(contribution.sel(region="Hebei"))
    )


@pytest.mark.data
def test_indicators_by_section_in_stata_and_markdown(tmp_path: Path) -> None:
    dta, md = tmp_path / "s.dta", tmp_path / "s.md"
    for out in (dta, md):
        args = ["indicators", "2012", "--by", "sector", "--region", "辽宁", "--out", str(out)]
        result = run(*args)
        assert result.returncode == 0, result.stderr
    frame = pd.read_stata(dta)
    shares = frame[frame["metric"] == "value_added_share"]
    assert sorted(shares["sector"]) == list("ABCDEFGHIJKLMNOPQRS")
    assert shares["value"].sum() == pytest.approx(100)
    assert set(frame["region"]) == {"Liaoning"}
    text = md.read_text(encoding="utf-8")
    assert "| Liaoning |" in text
    assert "value added share" in text


@pytest.mark.data
def test_indicators_refuse_a_split_the_2007_tables_lack(tmp_path: Path) -> None:
    result = run("indicators", "2007", "--scope", "domestic", "--out", str(tmp_path / "x.csv"))
    assert result.returncode == cli.EXIT_INPUT
    assert "--scope dual" in one_line_error(result)


@pytest.mark.data
def test_validate_the_official_workbooks(tmp_path: Path, data_root: Path) -> None:
    files = iocirc.download.provincial_files(2017, ["Liaoning", "Jilin"])
    result = run("validate", *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\nOK") + result.stdout.startswith("OK") == 2


@pytest.mark.data
@pytest.mark.slow
def test_reproduce_northeast(tmp_path: Path) -> None:
    result = run("reproduce", "northeast", "--out", str(tmp_path), "--quiet", "--no-figures")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(tmp_path / "table1.csv")
    assert set(table["region"]) == {"National", "Liaoning", "Jilin", "Heilongjiang"}
    assert (tmp_path / "table1.tex").read_text(encoding="utf-8").startswith("\\begin{table}")
    # both scripts ran: the paper's tables and those beyond it, in one folder
    names = {"table1", "table2", "value_added_comparison", "value_added_absorption"}
    expected = {f"{n}{end}" for n in names for end in (".csv", ".md", ".tex", "_paper.csv")}
    expected.add("table1_national_gdp_weighted.csv")
    if os.environ.get("IOCIRC_REFERENCE"):  # the paper script's default --reference
        expected |= {"comparison.csv", "comparison.md"}
    assert {p.name for p in tmp_path.iterdir()} == expected


def test_reproduce_finds_both_scripts_of_the_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripts = cli._example_scripts("northeast")
    assert [p.name for p in scripts] == ["northeast_china.py", "northeast_china_beyond.py"]
    assert all(p.is_file() for p in scripts)
    # an installed wheel ships both in iocirc/examples/ (pyproject's force-include)
    import importlib.resources
    import shutil

    (tmp_path / "examples").mkdir()
    for script in scripts:
        shutil.copy(script, tmp_path / "examples" / script.name)
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    packaged = cli._example_scripts("northeast")
    assert packaged == [tmp_path / "examples" / p.name for p in scripts]
    text = (Path(cli.__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    for script in scripts:
        assert f'"examples/{script.name}" = "iocirc/examples/{script.name}"' in text


@pytest.mark.data
def test_missing_optional_dependency_is_exit_5_with_what_to_install(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "openpyxl.py").write_text("raise ImportError('openpyxl is blocked')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(blocked), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "t.xlsx"
    result = run("tables", "2017", "--region", "Jilin", "--out", str(out), env=env)
    assert result.returncode == cli.EXIT_DEPENDENCY
    assert "pip install 'iocirc[io]'" in one_line_error(result)
    assert not out.exists()


# -- invariants of the writers ------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(ds=io_tables(n_regions=st.integers(1, 3), n_sectors=st.integers(1, 4)))
def test_tidy_csv_round_trips_every_value(ds: xr.Dataset) -> None:
    """Any table written as the tidy CSV of `iocirc tables` reads back to the same numbers."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        frame = cli._tables_frame(ds)
        assert len(frame) == sum(ds[v].size for v in iocirc.schema.VARIABLES)
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        back, _ = cli._load_table(path)
    for name in iocirc.schema.VARIABLES:
        expected = ds[name].transpose(*back[name].dims)
        np.testing.assert_allclose(back[name].values, expected.values, rtol=1e-15, atol=0)
    assert list(back.indexes["region"]) == list(ds.indexes["region"])


@settings(max_examples=10, deadline=None)
@given(ds=io_tables(n_regions=st.integers(1, 3), n_sectors=st.integers(1, 4)))
def test_excel_sheets_hold_every_value_of_each_region(ds: xr.Dataset) -> None:
    pytest.importorskip("openpyxl")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        cli._write_excel_tables(ds, path)
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    assert len(sheets) == ds.sizes["region"]
    n = ds.sizes["sector"]
    for (_, sheet), region in zip(sheets.items(), ds.indexes["region"], strict=True):
        one = ds.sel(region=region)
        block = sheet.iloc[6 : 6 + n, 3 : 3 + n].to_numpy(dtype=float)
        np.testing.assert_allclose(block, one["intermediate_use"].values, rtol=1e-15)
        output = sheet.iloc[6 : 6 + n, sheet.shape[1] - 1].to_numpy(dtype=float)
        np.testing.assert_allclose(output, one["total_output"].values, rtol=1e-15)


# -- multi-regional tables ---------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_mrio_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, xr.Dataset]:
    mrio = iocirc.testing.synthetic_mrio(3, 2)
    path = tmp_path_factory.mktemp("mrio") / "mrio.nc"
    mrio.to_netcdf(path)
    return path, xr.load_dataset(path)


@pytest.mark.parametrize(
    ("method", "function"),
    [("kww", "kww"), ("wwz", "wwz"), ("absorption", "value_added_absorption")],
)
def test_mrio_decompose_writes_what_the_library_computes(
    tmp_path: Path, synthetic_mrio_file: tuple[Path, xr.Dataset], method: str, function: str
) -> None:
    path, mrio = synthetic_mrio_file
    expected = getattr(iocirc.mrio, function)(mrio)
    nc, csv = tmp_path / "d.nc", tmp_path / "d.csv"
    for out in (nc, csv):
        result = run("mrio", "decompose", str(path), "--method", method, "--out", str(out))
        assert result.returncode == 0, result.stderr
    back = xr.load_dataset(nc)
    scale = max(float(abs(expected[v]).max()) for v in expected.data_vars)
    for name in expected.data_vars:  # residual variables are float noise: an absolute bound
        np.testing.assert_allclose(
            back[name].values, expected[name].values, rtol=1e-12, atol=1e-12 * scale
        )
    frame = pd.read_csv(csv, encoding="utf-8-sig", keep_default_na=False)
    assert {"variable", "value", "units"} <= set(frame.columns)
    assert set(frame["variable"]) == {str(v) for v in expected.data_vars}
    first = next(iter(expected.data_vars))
    assert len(frame[frame["variable"] == first]) == expected[first].size
    total = frame.loc[frame["variable"] == first, "value"].astype(float).sum()
    assert total == pytest.approx(float(expected[first].sum()), rel=1e-12)


def test_mrio_decompose_refuses_a_provincial_table(tmp_path: Path) -> None:
    path = tmp_path / "provincial.nc"
    iocirc.datasets.example_table().to_netcdf(path)
    result = run(
        "mrio", "decompose", str(path), "--method", "kww", "--out", str(tmp_path / "k.csv")
    )
    assert result.returncode == cli.EXIT_INPUT
    one_line_error(result)


@pytest.mark.data
@pytest.mark.slow
def test_mrio_estimate_writes_a_valid_multiregional_table(tmp_path: Path) -> None:
    out = tmp_path / "china_2017.nc"
    result = run("mrio", "estimate", "2017", "--out", str(out))
    assert result.returncode == 0, result.stderr
    mrio = xr.load_dataset(out)
    assert iocirc.mrio.is_mrio(mrio)
    assert mrio.sizes["region"] == 31
    assert mrio.sizes["region_to"] == 31


@pytest.mark.data
def test_indicators_excel_has_the_values_and_a_paper_table(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    out = tmp_path / "ratios.xlsx"
    result = run(
        "indicators", "2017", "--region", "Northeast", "--scope", "dual", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    sheets = pd.read_excel(out, sheet_name=None, header=None, engine="openpyxl")
    assert list(sheets) == ["indicators", "table"]
    tidy = pd.read_excel(out, sheet_name="indicators", engine="openpyxl")
    assert set(tidy["metric"]) == {"dual_ratio", "dual_contribution"}
    table = sheets["table"]
    assert table.iloc[2].tolist()[:3] == ["region", "dual ratio", "dual contribution"]
    liaoning = tidy[(tidy["region"] == "Liaoning") & (tidy["metric"] == "dual_ratio")]["value"]
    assert table.iloc[3, 0] == "Liaoning"
    assert float(table.iloc[3, 1]) == pytest.approx(float(liaoning.iloc[0]), abs=0.005)
