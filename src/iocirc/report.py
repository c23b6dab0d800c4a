"""Tables laid out as a paper prints them: Markdown, CSV and LaTeX from one writer.

:func:`paper_table` pivots long data (a tidy DataFrame, a DataArray or a
Dataset) into rows and grouped columns (year over metric, say) and keeps the
caption, units and notes with it; :func:`to_markdown`, :func:`to_csv` and
:func:`to_latex` (booktabs) write the same layout: two header rows when the
columns are grouped, numbers right-aligned with a fixed number of decimals, a
dash for a value that is not available, units in the caption.
:func:`write_tables` writes tables in all three at once.

:func:`over_years` puts the results of several years in one object, in a stable
label order; :func:`long_frame` lays a DataArray or Dataset out long (a row per value, in a
chosen order) for CSV files of full precision; :func:`compare_published` and
:func:`comparison_summary` set reproduced values beside published ones, and
:func:`comparison_markdown` reports how close they come as a Markdown table.

Examples
--------
>>> import pandas as pd
>>> from iocirc import report
>>> long = pd.DataFrame({
...     "region": ["Liaoning", "Liaoning", "Jilin", "Jilin"],
...     "year": [2012, 2017, 2012, 2017],
...     "metric": ["dual ratio"] * 4,
...     "value": [1.5, 1.62, 1.1, float("nan")],
... })
>>> table = report.paper_table(long, index="region", columns=["year", "metric"],
...                            caption="Dual circulation ratio", units="ratio to GDP")
>>> print(report.to_markdown(table))
Dual circulation ratio (ratio to GDP)
<BLANKLINE>
|          |       2012 |       2017 |
|:---------|-----------:|-----------:|
| region   | dual ratio | dual ratio |
| Liaoning |       1.50 |       1.62 |
| Jilin    |       1.10 |          – |
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iocirc.errors import ArgumentError, ArgumentTypeError, SchemaError

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = [
    "FILE_NAMES",
    "MISSING",
    "PaperTable",
    "compare_published",
    "comparison_markdown",
    "comparison_summary",
    "long_frame",
    "over_years",
    "paper_table",
    "to_csv",
    "to_latex",
    "to_markdown",
    "write_outputs",
    "write_tables",
]

#: What a value that is not available shows as (an en dash; ``--`` in LaTeX).
MISSING = "–"


@dataclass(frozen=True)
class PaperTable:
    """A table laid out for a paper: rows, grouped columns, caption, units, notes.

    Build one with :func:`paper_table`; write it with :func:`to_markdown`,
    :func:`to_csv` or :func:`to_latex`.

    Attributes
    ----------
    data : pandas.DataFrame
        The values: index = rows (one or more levels), columns = one level or
        two (group over column). Not modified by the writers.
    caption : str
        Caption; the units follow it in parentheses.
    units : str
        Units of the values ("% of GDP"); empty if the caption states them.
    notes : tuple of str
        Lines printed under the table.
    digits : int
        Decimals of every number.
    missing : str
        Text of a value that is not available (NaN).
    """

    data: pd.DataFrame
    caption: str = ""
    units: str = ""
    notes: tuple[str, ...] = field(default=())
    digits: int = 2
    missing: str = MISSING

    @property
    def title(self) -> str:
        """The caption with the units: ``"caption (units)"``."""
        if self.units and self.caption:
            return f"{self.caption} ({self.units})"
        return self.caption or (f"Units: {self.units}" if self.units else "")


def paper_table(
    data: pd.DataFrame | xr.DataArray | xr.Dataset,
    *,
    index: str | Sequence[str],
    columns: str | Sequence[str],
    values: str = "value",
    caption: str = "",
    units: str = "",
    notes: Sequence[str] = (),
    digits: int = 2,
    labels: Mapping[Hashable, str] | None = None,
    row_order: Sequence[Any] | None = None,
    column_order: Sequence[Any] | None = None,
    missing: str = MISSING,
) -> PaperTable:
    """Pivot long data into a paper's layout.

    Parameters
    ----------
    data : pandas.DataFrame, xarray.DataArray or xarray.Dataset
        Long data: a DataFrame with the ``index``, ``columns`` and ``values``
        columns; a DataArray (its dimensions and coordinates become columns,
        its values ``values``); a Dataset (also a column ``variable`` holding
        each value's variable name).
    index : str or sequence of str
        The column(s) whose values head the rows (``"region"``,
        ``["region", "year"]``). Repeated values of all but the last are
        printed once, as a paper does.
    columns : str or sequence of one or two str
        The column(s) whose values head the columns; with two, the first
        groups the second (``["year", "metric"]``: year over metric).
    values : str
        The column of the numbers.
    caption, units : str
        Caption and units (written as ``"caption (units)"``).
    notes : sequence of str
        Lines under the table.
    digits : int
        Decimals shown.
    labels : mapping, optional
        Display text of labels: index names, column labels, metric names
        (``{"dual_ratio": "ratio"}``). Labels not in it are shown as they are.
    row_order, column_order : sequence, optional
        Order of the rows (index values, tuples for several levels) and of the
        columns (values, tuples for two levels); the others follow. Default:
        for a DataArray or Dataset the order of its coordinates (and of a
        Dataset's variables), level by level; else the order of appearance.
    missing : str
        Text of a value that is not available: a NaN, or a row and column
        pair without a value.

    Returns
    -------
    PaperTable

    Raises
    ------
    SchemaError
        A column named in ``index``, ``columns`` or ``values`` is missing, a
        row and column pair has two values, or more than two column levels.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.report import paper_table, to_csv
    >>> da = xr.DataArray([[1.0, 2.5], [3.25, 4.0]], dims=("region", "year"),
    ...                   coords={"region": ["Jilin", "Liaoning"], "year": [2012, 2017]},
    ...                   name="value")
    >>> print(to_csv(paper_table(da, index="region", columns="year", digits=1)), end="")
    region,2012,2017
    Jilin,1.0,2.5
    Liaoning,3.2,4.0
    """
    import pandas as pd
    import xarray as xr

    ranks: dict[str, dict[Any, int]] = {}
    if isinstance(data, xr.DataArray | xr.Dataset):
        ranks = {str(d): {v: i for i, v in enumerate(data.indexes[d])} for d in data.indexes}
    if isinstance(data, xr.DataArray):
        frame = data.rename(values).to_dataframe().reset_index()
    elif isinstance(data, xr.Dataset):
        wide = data.to_dataframe().reset_index()
        keys = [c for c in wide.columns if c not in data.data_vars]
        frame = wide.melt(id_vars=keys, var_name="variable", value_name=values)
        ranks["variable"] = {v: i for i, v in enumerate(data.data_vars)}
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise ArgumentTypeError(
            f"paper_table takes a pandas.DataFrame, xarray.DataArray or xarray.Dataset, not "
            f"{type(data).__name__}"
        )
    rows = [index] if isinstance(index, str) else list(index)
    cols = [columns] if isinstance(columns, str) else list(columns)
    if not 1 <= len(cols) <= 2:
        raise SchemaError(f"paper_table: one or two column levels, not {len(cols)} ({cols})")
    lacking = [c for c in [*rows, *cols, values] if c not in frame.columns]
    if lacking:
        raise SchemaError(
            f"paper_table: the data have no column(s) {lacking}; they have {list(frame.columns)}"
        )
    keys = [*rows, *cols]
    doubled = frame.duplicated(keys)
    if doubled.any():
        first = frame.loc[doubled, keys].iloc[0].tolist()
        raise SchemaError(
            f"paper_table: more than one value for {dict(zip(keys, first, strict=True))}; "
            "select or aggregate the data first"
        )
    wide = frame.pivot(index=rows, columns=cols, values=values)
    wide = wide.reindex(
        index=_ordered(frame, rows, row_order, ranks),
        columns=_ordered(frame, cols, column_order, ranks),
    )
    wide = wide.astype(float)
    labels = dict(labels or {})
    wide = wide.rename(index=lambda v: labels.get(v, v), columns=lambda v: labels.get(v, v))
    wide.index.names = [labels.get(n, n) for n in wide.index.names]
    wide.columns.names = [labels.get(n, n) for n in wide.columns.names]
    return PaperTable(
        data=wide,
        caption=caption,
        units=units,
        notes=tuple(notes),
        digits=int(digits),
        missing=missing,
    )


def _ordered(
    frame: pd.DataFrame,
    keys: list[str],
    order: Sequence[Any] | None,
    ranks: Mapping[str, Mapping[Any, int]],
) -> Any:
    """Index values of ``keys`` in ``order`` first, then in the order of the coordinates
    (of a DataArray's or Dataset's dimensions and variables), else of appearance."""
    import pandas as pd

    seen = frame[keys].drop_duplicates()
    found = [tuple(r) if len(keys) > 1 else r[0] for r in seen.itertuples(index=False)]
    if any(k in ranks for k in keys):

        def rank(value: Any) -> tuple[int, ...]:
            parts = value if len(keys) > 1 else (value,)
            return tuple(ranks.get(k, {}).get(v, 0) for k, v in zip(keys, parts, strict=True))

        found.sort(key=rank)  # stable: levels without a coordinate keep their appearance
    if order is not None:
        first = [v for v in order if v in set(found)]
        found = first + [v for v in found if v not in set(first)]
    if len(keys) > 1:
        return pd.MultiIndex.from_tuples(found, names=keys)
    return pd.Index(found, name=keys[0])


def over_years(
    results: Mapping[Any, xr.Dataset | xr.DataArray],
    *,
    keep_order: str | Sequence[str] = (),
    dim: str = "year",
) -> xr.Dataset | xr.DataArray:
    """The results of several years in one object, over a new dimension ``year``.

    The results are aligned on their other labels: a label that a year lacks
    is NaN there (as the 2007 provincial tables give no domestic/international
    split). Where the years' labels differ, xarray orders their union its own
    way (sorted, often); a dimension in ``keep_order`` keeps instead the order
    of the year with the most labels (the first such year), followed by any
    labels only other years have, so that tables and figures list them as the
    results do.

    Parameters
    ----------
    results : mapping of a year to xarray.Dataset or xarray.DataArray
        The result of each year, in the order the years should have; all
        Datasets or all DataArrays, none with a dimension ``dim``.
    keep_order : str or sequence of str
        The dimension(s) whose label order is kept (each must be a dimension
        with labels in every result).
    dim : str
        The name of the new dimension; the mapping's keys are its labels.

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        As the results are, with ``dim`` first.

    Raises
    ------
    ArgumentTypeError
        ``results`` is not a mapping, or holds something other than Datasets
        or other than DataArrays.
    ArgumentError
        ``results`` is empty, or ``keep_order`` or ``dim`` are not names.
    SchemaError
        A result already has the dimension ``dim``, or lacks one in
        ``keep_order``.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.report import over_years
    >>> early = xr.DataArray([1.0], coords={"scope": ["dual"]}, dims="scope")
    >>> late = xr.DataArray([0.5, 0.25, 0.75], dims="scope",
    ...                     coords={"scope": ["international", "domestic", "dual"]})
    >>> both = over_years({2007: early, 2017: late}, keep_order="scope")
    >>> both.indexes["scope"].tolist()
    ['international', 'domestic', 'dual']
    >>> both.sel(year=2007).values.tolist()
    [nan, nan, 1.0]
    """
    import pandas as pd
    import xarray as xr

    if not isinstance(results, Mapping):
        raise ArgumentTypeError(
            f"over_years takes a mapping of years to results, not {type(results).__name__}"
        )
    if not results:
        raise ArgumentError("over_years: no results to put together")
    parts: list[Any] = list(results.values())  # all Datasets or all DataArrays (checked)
    kinds = {type(part) for part in parts}
    if not (kinds <= {xr.Dataset} or kinds <= {xr.DataArray}):
        raise ArgumentTypeError(
            "over_years: the results must be all xarray.Dataset or all xarray.DataArray, not "
            f"{sorted(kind.__name__ for kind in kinds)}"
        )
    keep = [keep_order] if isinstance(keep_order, str) else list(keep_order)
    if not all(isinstance(name, str) and name for name in [*keep, dim]):
        raise ArgumentError(
            f"over_years: keep_order and dim must be dimension names, not {keep_order!r}, {dim!r}"
        )
    for year, part in results.items():
        if dim in part.dims:
            raise SchemaError(f"over_years: the result of {year!r} already has a dimension {dim!r}")
        lacking = [name for name in keep if name not in part.indexes]
        if lacking:
            raise SchemaError(
                f"over_years: the result of {year!r} has no labelled dimension(s) {lacking} "
                f"(keep_order); it has {list(part.dims)}"
            )
    combined = xr.concat(parts, pd.Index(list(results), name=dim), join="outer")
    for name in keep:
        order = max((part.indexes[name] for part in parts), key=len)
        others = [label for label in combined.indexes[name] if label not in order]
        combined = combined.reindex({name: order.append(pd.Index(others)) if others else order})
    return combined


def long_frame(
    data: xr.DataArray | xr.Dataset,
    dims: Sequence[str],
    *,
    variable: str = "variable",
    values: str = "value",
    dropna: bool = True,
) -> pd.DataFrame:
    """Long (tidy) data, a row per value, in the order of ``dims``.

    The layout for a CSV file of full-precision values and the input of
    :func:`paper_table`.

    Parameters
    ----------
    data : xarray.DataArray or xarray.Dataset
        The values; a Dataset's variables (of the same dimensions) become the
        labels of a column ``variable``.
    dims : sequence of str
        Every dimension of ``data`` (and ``variable`` for a Dataset), slowest
        first: the rows run over the last one fastest. They are the columns,
        in this order, before ``values``.
    variable : str
        The name of the column of a Dataset's variable names.
    values : str
        The name of the column of the numbers.
    dropna : bool
        Leave out the rows whose value is NaN (values not available).

    Returns
    -------
    pandas.DataFrame
        Columns ``dims`` and ``values``; coordinates that are not dimensions
        are left out.

    Raises
    ------
    SchemaError
        ``dims`` is not a reordering of the dimensions.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.report import long_frame
    >>> ds = xr.Dataset({"ratio": ("region", [1.5, float("nan")]), "share": ("region", [2.0, 3.0])},
    ...                 coords={"region": ["Jilin", "Liaoning"]})
    >>> long_frame(ds, ["variable", "region"])
      variable    region  value
    0    ratio     Jilin    1.5
    1    share     Jilin    2.0
    2    share  Liaoning    3.0
    """
    import xarray as xr

    if isinstance(data, xr.Dataset):
        data = data.reset_coords(drop=True).to_dataarray(variable)
    elif not isinstance(data, xr.DataArray):
        raise ArgumentTypeError(
            f"long_frame takes an xarray.DataArray or xarray.Dataset, not {type(data).__name__}"
        )
    order = [str(d) for d in dims]
    if sorted(order) != sorted(str(d) for d in data.dims):
        raise SchemaError(
            f"long_frame: dims must name every dimension once, {sorted(map(str, data.dims))}; "
            f"got {order}"
        )
    series = data.reset_coords(drop=True).transpose(*order).to_series()
    frame = series.rename(values).reset_index()
    if dropna:
        frame = frame[frame[values].notna()].reset_index(drop=True)
    return frame


def compare_published(
    reproduced: pd.DataFrame,
    published: pd.DataFrame,
    *,
    on: str | Sequence[str],
    values: str = "value",
) -> pd.DataFrame:
    """Published values beside the reproduced ones: a row per published value.

    Parameters
    ----------
    reproduced, published : pandas.DataFrame
        Long data with the key columns ``on`` and the numbers in ``values``.
    on : str or sequence of str
        The columns that identify a value (``["region", "year", "metric"]``).
    values : str
        The column of the numbers in both.

    Returns
    -------
    pandas.DataFrame
        The rows of ``published`` in their order, with columns ``on``,
        ``published``, ``reproduced`` (NaN where nothing was reproduced) and
        ``difference`` (reproduced - published), and the other columns of
        ``published``.

    Raises
    ------
    SchemaError
        A key column or ``values`` is missing, or ``reproduced`` has two
        values for one key.

    Examples
    --------
    >>> import pandas as pd
    >>> from iocirc.report import compare_published
    >>> ours = pd.DataFrame({"region": ["Jilin", "Liaoning"], "value": [1.2345, 2.0]})
    >>> paper = pd.DataFrame({"region": ["Liaoning", "Jilin"], "value": [2.0, 1.23]})
    >>> compare_published(ours, paper, on="region").round(4)
         region  published  reproduced  difference
    0  Liaoning       2.00      2.0000      0.0000
    1     Jilin       1.23      1.2345      0.0045
    """
    import pandas as pd

    keys = [on] if isinstance(on, str) else list(on)
    for name, frame in (("reproduced", reproduced), ("published", published)):
        if not isinstance(frame, pd.DataFrame):
            raise ArgumentTypeError(
                f"compare_published: {name} must be a pandas.DataFrame, not {type(frame).__name__}"
            )
        lacking = [c for c in [*keys, values] if c not in frame.columns]
        if lacking:
            raise SchemaError(f"compare_published: {name} has no column(s) {lacking}")
    if reproduced.duplicated(keys).any():
        raise SchemaError(f"compare_published: reproduced has more than one value for a {keys}")
    merged = published.merge(
        reproduced[[*keys, values]], on=keys, how="left", suffixes=("_published", "")
    )
    merged = merged.rename(columns={f"{values}_published": "published", values: "reproduced"})
    merged["difference"] = merged["reproduced"] - merged["published"]
    return merged


def comparison_summary(
    comparison: pd.DataFrame, *, by: str, digits: int = 2, tolerance: float = 0.01
) -> pd.DataFrame:
    """How close a reproduction comes, per group of :func:`compare_published` rows.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Rows of :func:`compare_published` (several comparisons concatenated,
        told apart by the column ``by``).
    by : str
        The column of the groups (``"table"``).
    digits : int
        The decimals of the published values.
    tolerance : float
        The difference still counted as close (one unit of the last digit).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``values`` (the number compared), ``equal_rounded``
        (reproduced values that round to the published one), ``within``
        (differences of at most ``tolerance``) and ``largest`` (the largest
        absolute difference).

    Examples
    --------
    >>> import pandas as pd
    >>> from iocirc.report import comparison_summary
    >>> rows = pd.DataFrame({"table": ["T1", "T1"], "published": [1.23, 2.0],
    ...                      "reproduced": [1.2345, 2.006]})
    >>> rows["difference"] = rows["reproduced"] - rows["published"]
    >>> comparison_summary(rows, by="table").round(4)
           values  equal_rounded  within  largest
    table
    T1          2              1       2    0.006
    """
    slack = 1e-9  # the published values are decimals: 0.01 in binary is not exactly 0.01
    rows = {}
    for name, group in comparison.groupby(by):
        rounded = (group["reproduced"].round(digits) - group["published"]).abs() < slack
        rows[name] = {
            "values": len(group),
            "equal_rounded": int(rounded.sum()),
            "within": int((group["difference"].abs() <= tolerance + slack).sum()),
            "largest": group["difference"].abs().max(),
        }
    import pandas as pd

    summary = pd.DataFrame.from_dict(rows, orient="index")
    summary.index.name = by
    return summary


def comparison_markdown(
    comparison: pd.DataFrame,
    *,
    by: str,
    intro: str = "",
    digits: int = 2,
    tolerance: float = 0.01,
) -> str:
    """:func:`comparison_summary` as a Markdown table, under an introduction.

    A row per group: how many values were compared, how many of the
    reproduced ones round to the published value, how many are within
    ``tolerance`` of it, and the largest difference (to ``digits + 2``
    decimals; a dash if nothing was reproduced).

    Parameters
    ----------
    comparison : pandas.DataFrame
        Rows of :func:`compare_published` (several comparisons concatenated,
        told apart by the column ``by``).
    by : str
        The column of the groups (``"table"``); it heads the first column.
    intro : str
        Text above the table (a blank line between them); none if empty.
    digits : int
        The decimals of the published values.
    tolerance : float
        The difference still counted as close (one unit of the last digit).

    Returns
    -------
    str
        The text of a Markdown file: it ends with a newline.

    Raises
    ------
    ArgumentTypeError
        ``comparison`` is no DataFrame, or ``by`` or ``intro`` no string.
    ArgumentError
        ``digits`` is not a non-negative integer, or ``tolerance`` not a
        finite non-negative number.
    SchemaError
        ``comparison`` lacks the column ``by`` or a column of
        :func:`compare_published` (``published``, ``reproduced``, ``difference``).

    Examples
    --------
    >>> import pandas as pd
    >>> from iocirc.report import comparison_markdown
    >>> rows = pd.DataFrame({"table": ["T1", "T1"], "published": [1.23, 2.0],
    ...                      "reproduced": [1.2345, 2.006]})
    >>> rows["difference"] = rows["reproduced"] - rows["published"]
    >>> print(comparison_markdown(rows, by="table", intro="Published against ours."), end="")
    Published against ours.
    <BLANKLINE>
    | table | values | equal when rounded | within 0.01 | largest difference |
    |---|---|---|---|---|
    | T1 | 2 | 1 | 2 | 0.0060 |
    """
    import pandas as pd

    from iocirc._core import finite_number

    if not isinstance(comparison, pd.DataFrame):
        raise ArgumentTypeError(
            "comparison_markdown: comparison must be a pandas.DataFrame of compare_published "
            f"rows, not {type(comparison).__name__}"
        )
    for name, text in (("by", by), ("intro", intro)):
        if not isinstance(text, str):
            raise ArgumentTypeError(
                f"comparison_markdown: {name} must be a str, not {type(text).__name__}"
            )
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ArgumentError(
            f"comparison_markdown: digits must be a non-negative integer, not {digits!r}"
        )
    tolerance = finite_number(tolerance, "comparison_markdown: tolerance")
    lacking = [c for c in (by, "published", "reproduced", "difference") if c not in comparison]
    if lacking:
        raise SchemaError(
            f"comparison_markdown: comparison has no column(s) {lacking}; it has "
            f"{list(comparison.columns)} (make it with compare_published)"
        )
    summary = comparison_summary(comparison, by=by, digits=digits, tolerance=tolerance)
    lines = [
        f"| {by} | values | equal when rounded | within {tolerance:g} | largest difference |",
        "|---|---|---|---|---|",
    ]
    for name, values, equal, within, largest in summary.itertuples():
        shown = MISSING if pd.isna(largest) else f"{largest:.{digits + 2}f}"
        lines.append(f"| {name} | {values} | {equal} | {within} | {shown} |")
    text = "\n".join(lines) + "\n"
    return f"{intro}\n\n{text}" if intro else text


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Grid:
    groups: list[str] | None  # group label per column (None: one header row)
    header: list[str]  # column heads, index names first
    body: list[list[str]]
    n_index: int


def _number(value: float, digits: int, missing: str, minus: str = "-") -> str:
    if value != value:  # NaN
        return missing
    text = f"{value:.{digits}f}"
    if text.startswith("-"):
        if not text.strip("-0."):  # -0.00: nothing worth a sign
            return text[1:]
        return minus + text[1:]
    return text


def _grid(table: PaperTable, *, minus: str = "-", missing: str | None = None) -> _Grid:
    data = table.data
    missing = table.missing if missing is None else missing
    names = [str(n) if n is not None else "" for n in data.index.names]
    n_index = len(names)
    if data.columns.nlevels == 2:
        pairs: list[tuple[Any, ...]] = [tuple(c) for c in data.columns]
        groups: list[str] | None = []
        previous = None
        for group, _ in pairs:
            assert groups is not None
            groups.append("" if group == previous else str(group))
            previous = group
        heads = [str(c) for _, c in pairs]
    else:
        groups = None
        heads = [str(c) for c in data.columns]
    body = []
    last: list[str] = [""] * n_index
    for key, row in zip(data.index, data.to_numpy(), strict=True):
        labels = [str(k) for k in (key if isinstance(key, tuple) else (key,))]
        shown = list(labels)
        for level in range(n_index - 1):  # repeated outer labels once, as a paper does
            if labels[: level + 1] == last[: level + 1]:
                shown[level] = ""
        last = labels
        body.append(shown + [_number(float(v), table.digits, missing, minus) for v in row])
    return _Grid(groups=groups, header=names + heads, body=body, n_index=n_index)


def to_markdown(table: PaperTable) -> str:
    """The table as a Markdown pipe table, caption above and notes below.

    With grouped columns the header row holds the groups and the first row
    of the body the column heads (a pipe table has one header row). Numbers
    are right-aligned and padded, so the text reads well as it is.

    Parameters
    ----------
    table : PaperTable

    Returns
    -------
    str
        Ends without a newline.

    Examples
    --------
    >>> import pandas as pd
    >>> from iocirc.report import paper_table, to_markdown
    >>> long = pd.DataFrame({"region": ["Jilin"], "metric": ["ratio"], "value": [-0.001]})
    >>> print(to_markdown(paper_table(long, index="region", columns="metric")))
    | region | ratio |
    |:-------|------:|
    | Jilin  |  0.00 |
    """
    grid = _grid(table)
    rows = []
    if grid.groups is not None:
        rows.append([""] * grid.n_index + grid.groups)
    rows.append(grid.header)
    rows += grid.body
    widths = [max(len(r[i]) for r in rows) for i in range(len(grid.header))]
    widths = [max(w, 3) for w in widths]

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            out.append(cell.ljust(width) if i < grid.n_index else cell.rjust(width))
        return "| " + " | ".join(out) + " |"

    rule = (
        "|"
        + "|".join(
            (":" + "-" * (w + 1)) if i < grid.n_index else ("-" * (w + 1) + ":")
            for i, w in enumerate(widths)
        )
        + "|"
    )
    lines = [line(rows[0]), rule] + [line(r) for r in rows[1:]]
    text = "\n".join(lines)
    if table.title:
        text = f"{table.title}\n\n{text}"
    if table.notes:
        text += "\n\n" + "\n".join(table.notes)
    return text


def to_csv(table: PaperTable, path: str | Path | None = None) -> str:
    """The table as CSV, in the layout of :func:`to_markdown` (no caption or notes).

    Two header rows when the columns are grouped (the groups, then the
    columns), numbers as printed (fixed decimals, a dash when not available).

    Parameters
    ----------
    table : PaperTable
    path : str or pathlib.Path, optional
        Also write the text there (UTF-8 with a byte-order mark, which Excel
        needs to show Chinese labels).

    Returns
    -------
    str
        The CSV text.
    """
    import csv

    grid = _grid(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if grid.groups is not None:
        writer.writerow([""] * grid.n_index + grid.groups)
    writer.writerow(grid.header)
    writer.writerows(grid.body)
    text = buffer.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8-sig")
    return text


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(c, c) for c in text)


def to_latex(table: PaperTable, *, label: str = "") -> str:
    """The table as a LaTeX ``table`` with a booktabs ``tabular``.

    Needs ``\\usepackage{booktabs}``. Grouped columns get a
    ``\\multicolumn`` head with a ``\\cmidrule`` under it; numbers are in
    right-aligned columns, negative ones with a true minus sign, and a value
    that is not available is an en dash (``--``).

    Parameters
    ----------
    table : PaperTable
    label : str, optional
        A ``\\label`` for cross-references.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> from iocirc.report import paper_table, to_latex
    >>> long = pd.DataFrame({"region": ["Jilin", "Jilin"], "year": [2012, 2017],
    ...                      "metric": ["share"] * 2, "value": [-1.5, float("nan")]})
    >>> print(to_latex(paper_table(long, index="region", columns=["year", "metric"],
    ...                            caption="Shares", units="%")))
    \\begin{table}[htbp]
    \\centering
    \\caption{Shares (\\%)}
    \\begin{tabular}{lrr}
    \\toprule
     & \\multicolumn{1}{c}{2012} & \\multicolumn{1}{c}{2017} \\\\
    \\cmidrule(lr){2-2} \\cmidrule(lr){3-3}
    region & share & share \\\\
    \\midrule
    Jilin & $-$1.50 & -- \\\\
    \\bottomrule
    \\end{tabular}
    \\end{table}
    """
    grid = _grid(table, minus="$-$", missing="--" if table.missing == MISSING else None)

    def cell(text: str, raw: bool) -> str:
        return text if raw else _tex(text)

    spec = "l" * grid.n_index + "r" * (len(grid.header) - grid.n_index)
    lines = ["\\begin{table}[htbp]", "\\centering"]
    if table.title:
        lines.append(f"\\caption{{{_tex(table.title)}}}")
    if label:
        lines.append(f"\\label{{{label}}}")
    lines += [f"\\begin{{tabular}}{{{spec}}}", "\\toprule"]
    if grid.groups is not None:
        spans: list[tuple[str, int, int]] = []  # group, first column, last column (1-based)
        for i, group in enumerate(grid.groups):
            column = grid.n_index + i + 1
            if group or not spans:
                spans.append((group, column, column))
            else:
                name, start, _ = spans[-1]
                spans[-1] = (name, start, column)
        heads = [""] * grid.n_index + [
            f"\\multicolumn{{{end - start + 1}}}{{c}}{{{_tex(name)}}}" for name, start, end in spans
        ]
        lines.append(" & ".join(heads) + " \\\\")
        lines.append(" ".join(f"\\cmidrule(lr){{{s}-{e}}}" for _, s, e in spans))
    lines.append(" & ".join(_tex(h) for h in grid.header) + " \\\\")
    lines.append("\\midrule")
    for row in grid.body:
        cells = [cell(c, i >= grid.n_index) for i, c in enumerate(row)]
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if table.notes:
        lines.append("\\par\\smallskip\\footnotesize")
        lines += [
            _tex(n) + " \\\\" if i < len(table.notes) - 1 else _tex(n)
            for i, n in enumerate(table.notes)
        ]
    lines.append("\\end{table}")
    return "\n".join(lines)


#: The files :func:`write_tables` writes for a table ``name``, by format.
FILE_NAMES: dict[str, str] = {"markdown": "{name}.md", "csv": "{name}.csv", "latex": "{name}.tex"}


def write_tables(
    tables: Mapping[str, PaperTable],
    folder: str | Path,
    *,
    files: Mapping[str, str] | None = None,
) -> list[str]:
    """Write each table as Markdown, CSV and LaTeX, in one layout.

    Parameters
    ----------
    tables : mapping of str to PaperTable
        The tables by name.
    folder : str or pathlib.Path
        Where to write (it must exist).
    files : mapping, optional
        The file name of each format, ``"{name}"`` standing for the table's
        name: keys among ``"markdown"``, ``"csv"`` and ``"latex"`` (the formats
        written). Default :data:`FILE_NAMES`.

    Returns
    -------
    list of str
        The names of the files written, table by table.

    Raises
    ------
    SchemaError
        An unknown format.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from iocirc.report import paper_table, write_tables
    >>> long = pd.DataFrame({"region": ["Jilin"], "metric": ["ratio"], "value": [1.5]})
    >>> table = paper_table(long, index="region", columns="metric")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_tables({"t1": table}, folder, files={"markdown": "{name}.md",
    ...                                                "csv": "{name}_paper.csv"})
    ['t1.md', 't1_paper.csv']
    """
    files = dict(FILE_NAMES if files is None else files)
    unknown = sorted(set(files) - set(FILE_NAMES))
    if unknown:
        raise SchemaError(f"write_tables: unknown format(s) {unknown}; known: {list(FILE_NAMES)}")
    folder = Path(folder)
    written = []
    for name, table in tables.items():
        for kind, pattern in files.items():
            path = folder / pattern.format(name=name)
            if kind == "csv":
                to_csv(table, path)
            else:
                text = to_markdown(table) if kind == "markdown" else to_latex(table)
                path.write_text(text + "\n", encoding="utf-8")
            written.append(path.name)
    return written


def write_outputs(
    folder: str | Path,
    *,
    frames: Mapping[str, pd.DataFrame] | None = None,
    texts: Mapping[str, str] | None = None,
    tables: Mapping[str, PaperTable] | None = None,
    table_files: Mapping[str, str] | None = None,
    figures: Callable[[], Mapping[str, Any]] | None = None,
    dpi: int = 120,
    echo: bool = False,
) -> list[str]:
    """Write every output of a study to ``folder``: data, notes, paper tables and figures.

    Parameters
    ----------
    folder : str or pathlib.Path
        Where to write (created if needed).
    frames : mapping of str to pandas.DataFrame, optional
        Long tables, each written to ``{name}.csv`` (no index, full precision).
    texts : mapping of str to str, optional
        Markdown texts, each written to ``{name}.md``.
    tables : mapping of str to PaperTable, optional
        Paper tables, written by :func:`write_tables`.
    table_files : mapping, optional
        The file names of the paper tables (see :func:`write_tables`).
    figures : callable, optional
        Returns the figures by name, each saved to ``{name}.png`` and closed; a
        callable, so that nothing is drawn (nor matplotlib imported) without it.
    dpi : int
        Resolution of the PNG files.
    echo : bool
        Print the paper tables (Markdown) and texts, then the files written.

    Returns
    -------
    list of str
        The names of the files written, in that order: CSV, Markdown texts,
        paper tables, figures.

    Raises
    ------
    ArgumentError
        A name that is not a plain file name (empty, or with a path separator).
    ArgumentTypeError
        A frame that is no DataFrame, a text no string, a table no
        :class:`PaperTable`, or ``figures`` not callable.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from iocirc.report import write_outputs
    >>> long = pd.DataFrame({"region": ["Jilin"], "value": [1.5]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_outputs(folder, frames={"ratios": long}, texts={"notes": "Rounded."})
    ['ratios.csv', 'notes.md']
    """
    frames, texts, tables = dict(frames or {}), dict(texts or {}), dict(tables or {})
    import pandas as pd

    for what, given, kind in (
        ("frames", frames, pd.DataFrame),
        ("texts", texts, str),
        ("tables", tables, PaperTable),
    ):
        for name, value in given.items():
            if not isinstance(name, str) or not name or "/" in name or "\\" in name:
                raise ArgumentError(f"write_outputs: {what} needs plain file names, not {name!r}")
            if not isinstance(value, kind):
                raise ArgumentTypeError(
                    f"write_outputs: {what}[{name!r}] must be a {kind.__name__}, not "
                    f"{type(value).__name__}"
                )
    if figures is not None and not callable(figures):
        raise ArgumentTypeError(
            "write_outputs: figures must be a function returning the figures by name (so that "
            f"nothing is drawn without it), not {type(figures).__name__}"
        )
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    for name, text in texts.items():
        (out / f"{name}.md").write_text(text, encoding="utf-8")
    written = [f"{name}.csv" for name in frames] + [f"{name}.md" for name in texts]
    written += write_tables(tables, out, files=table_files) if tables else []
    if figures is not None:
        import matplotlib.pyplot as plt

        for name, figure in figures().items():
            figure.savefig(out / f"{name}.png", dpi=dpi)
            plt.close(figure)
            written.append(f"{name}.png")
    if echo:
        print("", *map(to_markdown, tables.values()), *texts.values(), sep="\n\n")
        print(f"wrote {', '.join(written)} to {out}/")
    return written


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
