"""Paper tables: one layout written as Markdown, CSV and LaTeX."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from iocirc import report
from iocirc.errors import SchemaError


def _long() -> pd.DataFrame:
    rows = []
    for region in ("National", "Liaoning", "Jilin"):
        for year in (2007, 2017):
            for metric, value in (("ratio", 1.234), ("contribution", -5.678)):
                missing = year == 2007 and metric == "ratio"
                rows.append(
                    {
                        "region": region,
                        "year": year,
                        "metric": metric,
                        "value": math.nan if missing else value + len(region),
                    }
                )
    return pd.DataFrame(rows)


def test_grouped_columns_dash_and_units_in_markdown() -> None:
    table = report.paper_table(
        _long(),
        index="region",
        columns=["year", "metric"],
        caption="Table 1. Ratios",
        units="% of GDP",
        notes=["Note: invented numbers."],
    )
    text = report.to_markdown(table)
    lines = text.splitlines()
    assert lines[0] == "Table 1. Ratios (% of GDP)"
    groups, rule, heads = lines[2], lines[3], lines[4]
    assert groups.split("|")[2].strip() == "2007"
    assert groups.split("|")[3].strip() == ""  # a group is named once, over its columns
    assert groups.split("|")[4].strip() == "2017"
    assert heads.split("|")[1].strip() == "region"
    assert heads.split("|")[2].strip() == "ratio"
    assert rule.startswith("|:-")  # labels left-aligned
    assert rule.endswith("-:|")  # numbers right-aligned
    national = next(line for line in lines if line.startswith("| National"))
    assert national.split("|")[2].strip() == report.MISSING  # not available: a dash
    assert national.split("|")[3].strip() == "2.32"  # -5.678 + 8
    assert lines[-1] == "Note: invented numbers."
    widths = {len(line) for line in lines[2:-2] if line.startswith("|")}
    assert len(widths) == 1  # padded: the columns line up as plain text


def test_csv_has_the_markdown_layout() -> None:
    table = report.paper_table(_long(), index="region", columns=["year", "metric"])
    rows = list(csv.reader(io.StringIO(report.to_csv(table))))
    assert rows[0] == ["", "2007", "", "2017", ""]
    assert rows[1] == ["region", "ratio", "contribution", "ratio", "contribution"]
    assert rows[2][0] == "National"
    assert rows[2][1] == report.MISSING
    markdown = report.to_markdown(table).splitlines()
    cells = [c.strip() for c in markdown[3].strip("|").split("|")]  # no caption here
    assert cells == rows[2]


def test_csv_file_opens_in_excel_with_chinese_labels(tmp_path) -> None:
    frame = pd.DataFrame({"region": ["辽宁"], "metric": ["比率"], "value": [1.0]})
    path = tmp_path / "t.csv"
    report.to_csv(report.paper_table(frame, index="region", columns="metric"), path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert pd.read_csv(path, encoding="utf-8-sig").columns.tolist() == ["region", "比率"]


def test_latex_booktabs_with_cmidrules_and_escapes() -> None:
    frame = _long().assign(metric=lambda f: f["metric"].replace({"ratio": "ratio_%"}))
    table = report.paper_table(
        frame, index="region", columns=["year", "metric"], caption="A & B", units="%"
    )
    text = report.to_latex(table, label="tab:one")
    assert "\\caption{A \\& B (\\%)}" in text
    assert "\\label{tab:one}" in text
    assert "\\begin{tabular}{lrrrr}" in text
    assert "\\multicolumn{2}{c}{2007} & \\multicolumn{2}{c}{2017}" in text
    assert "\\cmidrule(lr){2-3} \\cmidrule(lr){4-5}" in text
    assert "ratio\\_\\%" in text
    for rule in ("\\toprule", "\\midrule", "\\bottomrule"):
        assert text.count(rule) == 1
    national = next(line for line in text.splitlines() if line.startswith("National"))
    assert national.split(" & ")[1] == "--"
    assert national.split(" & ")[2] == "2.32"


def test_repeated_outer_row_labels_are_printed_once() -> None:
    table = report.paper_table(_long(), index=["region", "year"], columns="metric")
    body = report.to_csv(table).splitlines()[1:]
    assert [line.split(",")[0] for line in body] == [
        "National",
        "",
        "Liaoning",
        "",
        "Jilin",
        "",
    ]
    assert [line.split(",")[1] for line in body] == ["2007", "2017"] * 3


def test_orders_labels_and_negative_zero() -> None:
    frame = pd.DataFrame({"region": ["A", "B"], "metric": ["m", "m"], "value": [-0.001, 2.0]})
    table = report.paper_table(
        frame,
        index="region",
        columns="metric",
        labels={"m": "metric m", "region": "province"},
        row_order=["B"],
    )
    rows = list(csv.reader(io.StringIO(report.to_csv(table))))
    assert rows == [["province", "metric m"], ["B", "2.00"], ["A", "0.00"]]


def test_dataset_and_dataarray_inputs() -> None:
    ds = xr.Dataset(
        {"ratio": ("region", [1.0, 2.0]), "share": ("region", [10.0, np.nan])},
        coords={"region": ["Jilin", "Liaoning"]},
    )
    rows = list(csv.reader(io.StringIO(report.to_csv(
        report.paper_table(ds, index="region", columns="variable", digits=1)
    ))))  # fmt: skip
    assert rows == [
        ["region", "ratio", "share"],
        ["Jilin", "1.0", "10.0"],
        ["Liaoning", "2.0", "–"],
    ]
    with pytest.raises(TypeError, match="DataFrame"):
        report.paper_table([1, 2], index="a", columns="b")  # type: ignore[arg-type]


def test_refuses_what_it_cannot_lay_out() -> None:
    frame = _long()
    with pytest.raises(SchemaError, match="no column"):
        report.paper_table(frame, index="province", columns="metric")
    with pytest.raises(SchemaError, match="more than one value"):
        report.paper_table(frame, index="region", columns="metric")
    with pytest.raises(SchemaError, match="one or two column levels"):
        report.paper_table(frame, index="region", columns=["year", "metric", "value"])


def test_writers_do_not_modify_the_table() -> None:
    frame = _long()
    before = frame.copy()
    table = report.paper_table(frame, index="region", columns=["year", "metric"])
    data = table.data.copy()
    report.to_markdown(table)
    report.to_latex(table)
    report.to_csv(table)
    pd.testing.assert_frame_equal(table.data, data)
    pd.testing.assert_frame_equal(frame, before)


@given(
    values=st.lists(
        st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(math.nan)),
        min_size=1,
        max_size=12,
    ),
    digits=st.integers(0, 4),
)
def test_every_value_is_shown_rounded_or_as_a_dash(values: list[float], digits: int) -> None:
    frame = pd.DataFrame(
        {"row": [f"r{i}" for i in range(len(values))], "col": "c", "value": values}
    )
    table = report.paper_table(frame, index="row", columns="col", digits=digits)
    rows = list(csv.reader(io.StringIO(report.to_csv(table))))[1:]
    assert len(rows) == len(values)
    for (label, shown), value in zip(rows, values, strict=True):
        assert label.startswith("r")
        if math.isnan(value):
            assert shown == report.MISSING
        else:
            assert abs(float(shown) - value) <= 0.5 * 10**-digits + 1e-9 * abs(value)
            assert not shown.startswith("-") or float(shown) < 0
    markdown = report.to_markdown(table).splitlines()
    assert len(markdown) == 2 + len(values)
    latex = report.to_latex(table)
    assert latex.count("\\\\") == 1 + len(values)
