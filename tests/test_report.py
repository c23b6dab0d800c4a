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

import iocirc
from iocirc import report
from iocirc.errors import ArgumentError, ArgumentTypeError, SchemaError


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


# -------------------------------------------------------------------- long data, comparisons


def _dataset() -> xr.Dataset:
    return xr.Dataset(
        {
            "ratio": (("region", "year"), [[1.0, np.nan], [3.0, 4.0]]),
            "share": (("region", "year"), [[10.0, 20.0], [30.0, 40.0]]),
        },
        coords={"region": ["Liaoning", "Jilin"], "year": [2012, 2017], "gdp": ("region", [1, 2])},
    )


def test_long_frame_orders_rows_by_the_dims_and_drops_nan() -> None:
    frame = report.long_frame(_dataset(), ["year", "variable", "region"])
    assert list(frame.columns) == ["year", "variable", "region", "value"]
    assert frame.iloc[:3].values.tolist() == [
        [2012, "ratio", "Liaoning", 1.0],
        [2012, "ratio", "Jilin", 3.0],
        [2012, "share", "Liaoning", 10.0],
    ]
    assert len(frame) == 7  # the NaN is left out ...
    kept = report.long_frame(_dataset(), ["year", "variable", "region"], dropna=False)
    assert len(kept) == 8  # ... unless asked for
    da = report.long_frame(_dataset()["share"], ["region", "year"], values="x")
    assert da["x"].tolist() == [10.0, 20.0, 30.0, 40.0]
    with pytest.raises(SchemaError, match="every dimension"):
        report.long_frame(_dataset(), ["year", "region"])
    with pytest.raises(TypeError, match="DataArray"):
        report.long_frame(frame, ["year"])  # type: ignore[arg-type]


@given(st.permutations(["year", "variable", "region"]))
def test_long_frame_round_trips_whatever_the_order(order: list[str]) -> None:
    ds = _dataset()
    frame = report.long_frame(ds, order, dropna=False)
    back = frame.set_index(["variable", "region", "year"])["value"]
    for (variable, region, year), value in back.items():
        expected = float(ds[variable].sel(region=region, year=year))
        assert value == expected or (math.isnan(value) and math.isnan(expected))


def test_paper_table_of_xarray_follows_the_coordinates() -> None:
    table = report.paper_table(_dataset(), index=["region", "year"], columns="variable")
    # Liaoning first (the coordinate's order), not alphabetically; variables in order
    assert list(table.data.index) == [("Liaoning", 2012), ("Liaoning", 2017), ("Jilin", 2012),
                                      ("Jilin", 2017)]  # fmt: skip
    assert list(table.data.columns) == ["ratio", "share"]
    turned = report.paper_table(_dataset(), index="year", columns=["variable", "region"])
    assert list(turned.data.columns)[:2] == [("ratio", "Liaoning"), ("ratio", "Jilin")]


def test_compare_published_and_its_summary() -> None:
    ours = pd.DataFrame({"region": ["Jilin", "Liaoning", "Tibet"], "value": [1.2345, 2.0, 9.0]})
    paper = pd.DataFrame({"region": ["Liaoning", "Jilin"], "value": [2.01, 1.23], "note": "x"})
    rows = report.compare_published(ours, paper, on="region")
    assert list(rows.columns) == ["region", "published", "note", "reproduced", "difference"]
    assert rows["region"].tolist() == ["Liaoning", "Jilin"]  # the published rows, in order
    assert rows["difference"].tolist() == pytest.approx([-0.01, 0.0045])
    summary = report.comparison_summary(rows.assign(table="T"), by="table")
    assert summary.loc["T"].tolist() == pytest.approx([2, 1, 2, 0.01])
    assert summary["values"].dtype.kind == "i"
    with pytest.raises(SchemaError, match="more than one"):
        report.compare_published(pd.concat([ours, ours]), paper, on="region")
    with pytest.raises(SchemaError, match="no column"):
        report.compare_published(ours, paper, on="year")


def _comparison() -> pd.DataFrame:
    """compare_published rows of two tables: T2 has one value not reproduced."""
    rows = pd.DataFrame({
        "table": ["T1", "T1", "T1", "T2", "T2"],
        "published": [1.23, 2.0, 0.5, 4.0, 7.0],
        "reproduced": [1.2345, 2.006, 0.49, 4.0, np.nan],
    })  # fmt: skip
    return rows.assign(difference=rows["reproduced"] - rows["published"])


def test_comparison_markdown_is_the_summary_as_a_table() -> None:
    text = report.comparison_markdown(_comparison(), by="table", intro="Ours against theirs.")
    assert text == (
        "Ours against theirs.\n\n"
        "| table | values | equal when rounded | within 0.01 | largest difference |\n"
        "|---|---|---|---|---|\n"
        "| T1 | 3 | 1 | 3 | 0.0100 |\n"  # 2.006 and 0.49: within one unit, not equal
        "| T2 | 2 | 1 | 1 | 0.0000 |\n"  # the value not reproduced counts, unmatched
    )
    # the counts are comparison_summary's, for any digits and tolerance
    summary = report.comparison_summary(_comparison(), by="table", digits=1, tolerance=0.001)
    loose = report.comparison_markdown(_comparison(), by="table", digits=1, tolerance=0.001)
    assert loose.startswith("| table | values | equal when rounded | within 0.001 |")
    t1 = summary.loc["T1"]
    row = f"| T1 | {t1['values']:.0f} | {t1['equal_rounded']:.0f} | {t1['within']:.0f} | 0.010 |"
    assert row in loose.splitlines()
    # no intro: the table alone; nothing reproduced: a dash for the largest difference
    lost = _comparison().assign(reproduced=np.nan, difference=np.nan)
    lines = report.comparison_markdown(lost, by="table").splitlines()
    assert lines[0].startswith("| table |")
    assert lines[2:] == ["| T1 | 3 | 0 | 0 | – |", "| T2 | 2 | 0 | 0 | – |"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"comparison": [1, 2]}, ArgumentTypeError, "must be a pandas.DataFrame"),
        ({"by": "part"}, SchemaError, r"no column\(s\) \['part'\]"),
        ({"comparison": _comparison().drop(columns="difference")}, SchemaError,
         r"\['difference'\].*compare_published"),
        ({"by": 3}, ArgumentTypeError, "by must be a str"),
        ({"intro": ["x"]}, ArgumentTypeError, "intro must be a str"),
        ({"digits": -1}, ArgumentError, "non-negative integer"),
        ({"digits": 2.0}, ArgumentError, "non-negative integer"),
        ({"digits": True}, ArgumentError, "non-negative integer"),
        ({"tolerance": float("nan")}, ArgumentError, "finite"),
        ({"tolerance": -0.01}, ArgumentError, "at least 0"),
    ],
)  # fmt: skip
def test_comparison_markdown_refuses_what_it_cannot_summarise(kwargs, error, match) -> None:
    arguments = {"comparison": _comparison(), "by": "table", **kwargs}
    with pytest.raises(error, match=match):
        report.comparison_markdown(**arguments)


def _scopes(labels: list[str], year: int) -> xr.Dataset:
    values = [float(year + i) for i in range(len(labels))]
    return xr.Dataset({"ratio": ("scope", values)}, coords={"scope": labels})


def test_over_years_keeps_the_order_of_the_fullest_year() -> None:
    results = {
        2007: _scopes(["dual"], 2007),
        2012: _scopes(["international", "domestic", "dual"], 2012),
        2017: _scopes(["international", "dual"], 2017),
    }
    plain = report.over_years(results)
    assert plain.indexes["scope"].tolist() == ["domestic", "dual", "international"]  # sorted
    kept = report.over_years(results, keep_order="scope")
    assert isinstance(kept, xr.Dataset)
    assert kept["ratio"].dims == ("year", "scope")
    assert kept.indexes["year"].tolist() == [2007, 2012, 2017]
    assert kept.indexes["scope"].tolist() == ["international", "domestic", "dual"]
    assert kept["ratio"].sel(year=2007).values.tolist() == pytest.approx(
        [np.nan, np.nan, 2007.0], nan_ok=True
    )
    assert float(kept["ratio"].sel(year=2017, scope="dual")) == 2018.0
    xr.testing.assert_identical(kept, plain.reindex(scope=kept.indexes["scope"]))
    # labels the fullest year lacks follow its own, in order of appearance: none is lost
    more = report.over_years(
        {2012: _scopes(["b", "a", "c"], 2012), 2017: _scopes(["z", "a"], 2017)},
        keep_order=["scope"], dim="vintage",
    )  # fmt: skip
    assert more.indexes["scope"].tolist() == ["b", "a", "c", "z"]
    assert more.indexes["vintage"].tolist() == [2012, 2017]
    arrays = report.over_years({1: results[2012]["ratio"], 2: results[2017]["ratio"]})
    assert isinstance(arrays, xr.DataArray)
    assert arrays.sizes == {"year": 2, "scope": 3}


@pytest.mark.parametrize(
    ("results", "kwargs", "error", "match"),
    [
        ([_scopes(["a"], 1)], {}, ArgumentTypeError, "mapping of years"),
        ({}, {}, ArgumentError, "no results"),
        ({1: _scopes(["a"], 1), 2: _scopes(["a"], 2)["ratio"]}, {}, ArgumentTypeError,
         "all xarray.Dataset or all xarray.DataArray"),
        ({1: pd.DataFrame({"a": [1]})}, {}, ArgumentTypeError, "all xarray.Dataset"),
        ({1: _scopes(["a"], 1)}, {"keep_order": "sector"}, SchemaError,
         r"result of 1 has no labelled dimension\(s\) \['sector'\]"),
        ({1: _scopes(["a"], 1)}, {"keep_order": [None]}, ArgumentError, "dimension names"),
        ({1: _scopes(["a"], 1)}, {"dim": ""}, ArgumentError, "dimension names"),
        ({1: _scopes(["a"], 1)}, {"dim": "scope"}, SchemaError, "already has a dimension 'scope'"),
    ],
)  # fmt: skip
def test_over_years_refuses_what_it_cannot_put_together(results, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        report.over_years(results, **kwargs)


def test_write_tables_writes_each_format(tmp_path) -> None:
    table = report.paper_table(_long(), index="region", columns=["year", "metric"])
    written = report.write_tables({"t": table}, tmp_path)
    assert written == ["t.md", "t.csv", "t.tex"]
    assert (tmp_path / "t.md").read_text(encoding="utf-8") == report.to_markdown(table) + "\n"
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig") == report.to_csv(table)
    assert (tmp_path / "t.tex").read_text(encoding="utf-8") == report.to_latex(table) + "\n"
    with pytest.raises(SchemaError, match="unknown format"):
        report.write_tables({"t": table}, tmp_path, files={"html": "{name}.html"})


# -------------------------------------------------------------------- figures (iocirc.plotting)


def test_panels_share_one_colour_scale_titles_and_a_legend() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from iocirc import plotting

    da = xr.DataArray(
        [[[1.0, -4.0]], [[0.5, 2.0]]],
        dims=("scope", "sector", "region"),
        coords={"scope": ["domestic", "dual"], "sector": ["A"], "region": ["Jilin", "Liaoning"]},
        attrs={"long_name": "net outflow", "units": "%"},
    )
    fig = plotting.panels(da, col="scope", kind="heatmap", x="region", y="sector",
                          titles={"dual": "Dual"}, suptitle="S")  # fmt: skip
    assert [ax.get_title() for ax in fig.axes[:2]] == ["domestic", "Dual"]
    assert {ax.images[0].get_clim() for ax in fig.axes[:2]} == {(-4.0, 4.0)}
    assert fig.axes[2].get_ylabel() == "net outflow [%]"  # one colour bar
    plt.close(fig)
    years = da.rename(sector="year").assign_coords(year=[2017])
    fig = plotting.panels(years, col="scope", kind="lines", x="year", hue="region", legend=True,
                          xlim=(2016, 2018))  # fmt: skip
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Jilin", "Liaoning"]
    assert fig.axes[1].get_xlim() == (2016, 2018)
    assert fig.axes[1].get_ylabel() == ""
    plt.close(fig)
    with pytest.raises(SchemaError, match="kind"):
        plotting.panels(da, col="scope", kind="pie")


def test_bars_side_by_side_stacked_and_without_empty_positions() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from iocirc import plotting

    da = xr.DataArray(
        [[1.0, 2.0], [np.nan, np.nan], [3.0, -1.0]],
        dims=("case", "measure"),
        coords={"case": ["a", "b", "c"], "measure": ["x", "y"]},
    ).stack(key=("case",))
    ax = plotting.bars(da.unstack("key"), x="case", hue="measure", width=0.8)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "c"]  # b is all NaN
    assert sorted(round(p.get_x() + p.get_width() / 2, 6) for p in ax.patches) == [
        -0.2, 0.2, 0.8, 1.2]  # fmt: skip
    plt.close(ax.figure)
    ax = plotting.bars(da.unstack("key"), x="case", hue="measure", stacked=True, horizontal=True)
    assert ax.yaxis_inverted()
    assert [p.get_x() for p in ax.patches] == [0.0, 0.0, 1.0, 3.0]  # y stacked on x
    plt.close(ax.figure)


def test_destinations_figure_stacks_the_shares() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from iocirc import plotting

    table = pd.DataFrame({
        "region": ["Jilin"] * 5 + ["Liaoning"] * 5, "year": 2017,
        "measure": (["absorbed"] * 3 + ["chain"] * 2) * 2,
        "label": ["own", "nation", "abroad", "nation", "abroad"] * 2,
        "value": [50.0, 40.0, 10.0, 30.0, 0.0, 60.0, 30.0, 10.0, 20.0, 0.0],
    })  # fmt: skip
    fig = plotting.destinations(table, suptitle="T")
    left, right = fig.axes
    assert [t.get_text() for t in left.get_yticklabels()] == ["Jilin 2017", "Liaoning 2017"]
    assert [p.get_width() for p in right.patches] == [30.0, 20.0]
    assert right.get_title() == "Value-chain trade with nation"
    plt.close(fig)


def test_write_outputs_writes_each_kind_once_in_order(tmp_path, capsys):
    long = pd.DataFrame(
        {"region": ["Jilin", "Liaoning"], "metric": ["ratio"] * 2, "value": [1.5, 2]}
    )
    table = report.paper_table(long, index="region", columns="metric", caption="Ratios")
    drawn = []

    def figures():
        import matplotlib.pyplot as plt

        drawn.append(True)
        return {"ratios": plt.figure(figsize=(1, 1))}

    written = report.write_outputs(
        tmp_path / "new", frames={"long": long}, texts={"notes": "Rounded."},
        tables={"t1": table}, figures=figures, echo=True,
    )  # fmt: skip
    assert written == ["long.csv", "notes.md", "t1.md", "t1.csv", "t1.tex", "ratios.png"]
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == sorted(written)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "new" / "long.csv"), long)
    assert (tmp_path / "new" / "notes.md").read_text(encoding="utf-8") == "Rounded."
    assert drawn == [True]
    printed = capsys.readouterr().out
    assert "Ratios" in printed
    assert "Rounded." in printed
    assert printed.rstrip().endswith("new/")
    # without figures nothing is drawn, and nothing is printed unless asked
    assert report.write_outputs(tmp_path / "quiet", texts={"notes": "x"}) == ["notes.md"]
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"frames": {"t": [1, 2]}}, ArgumentTypeError, r"frames\['t'\] must be a DataFrame"),
        ({"texts": {"notes": 3}}, ArgumentTypeError, "must be a str"),
        ({"tables": {"t": "| a |"}}, ArgumentTypeError, "must be a PaperTable"),
        ({"texts": {"../up": "x"}}, ArgumentError, "plain file names"),
        ({"texts": {"": "x"}}, ArgumentError, "plain file names"),
        ({"figures": {"f": None}}, ArgumentTypeError, "figures must be a function"),
    ],
)
def test_write_outputs_refuses_what_it_cannot_write(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        report.write_outputs(tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()  # refused before anything is written


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: report.compare_published(42, 43, on="a"), ArgumentTypeError, "pandas.DataFrame"),
        (lambda: iocirc.plotting.panels([1, 2], col="scope", kind="lines"), ArgumentTypeError,
         "takes an xarray.DataArray"),
        (lambda: iocirc.plotting.panels(xr.DataArray(np.ones((2, 2)), dims=("a", "b")),
                                        col="scope", kind="lines"), ArgumentError,
         "col='scope' is not a dimension"),
        (lambda: iocirc.plotting.destinations(42), ArgumentTypeError, "value_added_destinations"),
        (lambda: iocirc.plotting.destinations(pd.DataFrame({"a": [1]})), ArgumentError,
         "lacks the column"),
        (lambda: iocirc.circulation(iocirc.datasets.example_table(), regions=["Nowhere"]),
         SchemaError, r"no region\(s\) \['Nowhere'\]"),
    ],
)  # fmt: skip
def test_the_study_pieces_refuse_what_they_cannot_use(call, error, match):
    with pytest.raises(error, match=match):
        call()
