"""Tables laid out as a paper prints them: Markdown, CSV and LaTeX from one writer.

:func:`paper_table` pivots long data (a tidy DataFrame, a DataArray or a
Dataset) into rows and grouped columns (year over metric, say) and keeps the
caption, units and notes with it; :func:`to_markdown`, :func:`to_csv` and
:func:`to_latex` (booktabs) write the same layout: two header rows when the
columns are grouped, numbers right-aligned with a fixed number of decimals, a
dash for a value that is not available, units in the caption.

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
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iocirc.errors import ArgumentTypeError, SchemaError

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = ["MISSING", "PaperTable", "paper_table", "to_csv", "to_latex", "to_markdown"]

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
        columns (values, tuples for two levels); others follow in order of
        appearance. Default: order of appearance.
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

    if isinstance(data, xr.DataArray):
        frame = data.rename(values).to_dataframe().reset_index()
    elif isinstance(data, xr.Dataset):
        wide = data.to_dataframe().reset_index()
        keys = [c for c in wide.columns if c not in data.data_vars]
        frame = wide.melt(id_vars=keys, var_name="variable", value_name=values)
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
        index=_ordered(frame, rows, row_order), columns=_ordered(frame, cols, column_order)
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


def _ordered(frame: pd.DataFrame, keys: list[str], order: Sequence[Any] | None) -> Any:
    """Index values of ``keys`` in ``order`` first, then in order of appearance."""
    import pandas as pd

    seen = frame[keys].drop_duplicates()
    found = [tuple(r) if len(keys) > 1 else r[0] for r in seen.itertuples(index=False)]
    if order is not None:
        first = [v for v in order if v in set(found)]
        found = first + [v for v in found if v not in set(first)]
    if len(keys) > 1:
        return pd.MultiIndex.from_tuples(found, names=keys)
    return pd.Index(found, name=keys[0])


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


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
