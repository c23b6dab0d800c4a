"""The ``iocirc`` command line: official tables, indicators and checks from the shell.

Run ``iocirc --help`` (or ``python -m iocirc --help``) for the commands and
``iocirc COMMAND --help`` for each one's options and examples::

    iocirc tables 2017 --region Liaoning 吉林 --out northeast.xlsx
    iocirc indicators 2017 --by sector --out sections.dta
    iocirc validate my_table.nc 06-辽宁.xls
    iocirc reproduce northeast --out northeast_output

Output formats follow the extension of ``--out``: ``.nc`` (netCDF, lossless),
``.csv`` (tidy, UTF-8 with a byte-order mark so that Excel shows the Chinese
labels), ``.xlsx`` (Excel; tables one sheet per region, laid out like the
official table) and ``.dta`` (Stata 14+, tidy, labelled variables).
:command:`iocirc indicators` also writes ``.md`` and ``.tex`` paper tables
(:mod:`iocirc.report`).

Exit codes
----------
====  ===================================================================
0     success
1     ``iocirc validate``: a file failed a check or could not be read
2     usage error (unknown command or option, bad argument)
3     bad input: an :class:`~iocirc.errors.IocircError` (unknown region,
      a table without the flows asked for, an unreadable file ...)
4     a table could not be downloaded, or a cached copy is corrupted
      (:class:`~iocirc.errors.DownloadError`)
5     an optional dependency is missing (the message says what to install)
70    an unexpected error (a bug: run again with ``--debug`` and report it)
130   interrupted (Ctrl-C)
====  ===================================================================

Errors are printed as one line on standard error; ``--debug`` adds the
traceback. A progress bar is drawn on standard error while many files are
checked or downloaded, only when standard error is a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # the heavy imports happen inside the commands, so --help is quick
    import pandas as pd
    import xarray as xr

__all__ = [
    "EXIT_CHECK_FAILED",
    "EXIT_DEPENDENCY",
    "EXIT_DOWNLOAD",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "main",
]

#: Success.
EXIT_OK = 0
#: ``iocirc validate``: a file failed a check or could not be read.
EXIT_CHECK_FAILED = 1
#: Unknown command or option, bad argument.
EXIT_USAGE = 2
#: Bad input: an :class:`~iocirc.errors.IocircError`.
EXIT_INPUT = 3
#: A download failed or a cached copy is corrupted.
EXIT_DOWNLOAD = 4
#: An optional dependency is missing.
EXIT_DEPENDENCY = 5
#: An unexpected error (a bug).
EXIT_INTERNAL = 70
#: Interrupted by the user.
EXIT_INTERRUPTED = 130

_TABLE_FORMATS = (".nc", ".csv", ".xlsx", ".dta")
_INDICATOR_FORMATS = (".nc", ".csv", ".xlsx", ".dta", ".md", ".tex")
_MRIO_FORMATS = (".nc",)

_EPILOG_MAIN = """\
examples:
  iocirc tables 2017 --out tables_2017.nc
  iocirc tables 2012 --region Liaoning 吉林 230000 --out northeast_2012.xlsx
  iocirc indicators 2017 --group National Northeast --out ratios.csv
  iocirc indicators 2017 --by sector --region Northeast --out sections.dta
  iocirc validate tables_2017.nc data-raw/.../06-辽宁.xls
  iocirc reproduce northeast --out northeast_output

The official tables are downloaded once, hash-checked and cached; set IOCIRC_DATA to a
folder holding a copy of the mirror's data-raw/ folder to work offline.

exit codes: 0 success, 1 validate found a failure, 2 usage error, 3 bad input,
4 download failed, 5 missing optional dependency, 70 internal error, 130 interrupted.
"""

_EPILOG_TABLES = """\
The format follows the extension of --out:
  .nc    netCDF, lossless (labels, attributes); read back with xarray.open_dataset
  .csv   tidy: variable, region, row, column, value and the Chinese/English labels
  .xlsx  one sheet per region, laid out like the official table (codes, Chinese and
         English labels; value added below the intermediate block)
  .dta   Stata 14+, tidy as the CSV, with variable labels

examples:
  iocirc tables 2017 --out tables_2017.nc
  iocirc tables 2017 --region Northeast --out northeast_2017.xlsx
  iocirc tables 2007 --region 辽宁 吉林 --out two_2007.dta
"""

_EPILOG_INDICATORS = """\
Metrics (by region): <scope>_ratio = (outflow + inflow) / GDP and
<scope>_contribution = 100 (outflow - inflow) / GDP, for each scope the table can give
(the 2007 tables report gross trade only: dual). With --by sector: the same contributions
per sector (GB/T 4754-2017 section by default) over the region's GDP, and
value_added_share, in percent.

examples:
  iocirc indicators 2017 --out ratios_2017.csv
  iocirc indicators 2017 --scope dual --group National Northeast --weights none --out r.xlsx
  iocirc indicators 2012 --by sector --region Liaoning --out liaoning_sections.md
  iocirc indicators 2017 --by sector --classification nbs --out sectors_42.dta
"""

_EPILOG_VALIDATE = """\
Checks each file: structure, values and both accounting identities of every region.
Prints one line per file (OK or FAIL, the largest residual) and, for a failure, the
worst identities. Exits 1 if any file fails or cannot be read, so it can stop a pipeline.

examples:
  iocirc validate table.nc
  iocirc validate data-raw/中国31省区市42部门投入产出表1997-2017皮皮侠/2017年各省份投入产出表/*.xls
  iocirc validate --rtol 1e-4 --report residuals.csv table.nc
"""

_EPILOG_REPRODUCE = """\
Runs the worked example: examples/northeast_china.py (Tables 1 and 2 of the Northeast
China study, the comparison with the published values with --reference, the paper's
figures), then examples/northeast_china_beyond.py (the value added each circulation induces,
and where GDP is absorbed on the estimated MRIO), into one folder: tables as CSV, Markdown
and LaTeX, figures as PNG (needs matplotlib).

examples:
  iocirc reproduce northeast --out northeast_output
  iocirc reproduce northeast --out out --no-figures --customs customs.csv
"""

_EPILOG_MRIO = """\
examples:
  iocirc mrio estimate 2017 --out china_mrio_2017.nc
  iocirc mrio decompose china_mrio_2017.nc --method kww --out kww_2017.csv
"""


# --------------------------------------------------------------------------- progress


class _Progress:
    """A one-line progress bar on standard error, drawn only on a terminal.

    Parameters
    ----------
    total : int
        Number of steps.
    label : str
        What is being done (``"checking the 2017 tables"``).
    stream : file, optional
        Where to draw (default: ``sys.stderr``). Nothing is drawn unless it is
        a terminal (``stream.isatty()``), or when ``enabled=False``.
    enabled : bool, optional
        Force the bar off (``--quiet``).

    Examples
    --------
    >>> import io
    >>> with _Progress(3, "reading", stream=io.StringIO()) as bar:  # not a terminal: silent
    ...     for name in ["a", "b", "c"]:
    ...         bar.advance(name)
    >>> bar.done
    3
    """

    width = 24

    def __init__(
        self, total: int, label: str, *, stream: TextIO | None = None, enabled: bool = True
    ) -> None:
        self.total = max(int(total), 0)
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(enabled and self.total > 1 and callable(isatty) and isatty())
        self.done = 0
        self._start = time.perf_counter()

    def __enter__(self) -> _Progress:
        self._draw("")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self._start
            self.stream.write(
                f"\r\x1b[K{self.label}: {self.done}/{self.total} in {elapsed:.1f} s\n"
            )
            self.stream.flush()

    def advance(self, item: str = "") -> None:
        """One step done (``item`` names it)."""
        self.done += 1
        self._draw(item)

    def _draw(self, item: str) -> None:
        if not self.enabled:
            return
        filled = self.width * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        text = f"\r\x1b[K{self.label} [{bar}] {self.done}/{self.total} {item}"
        self.stream.write(text[:200])
        self.stream.flush()


# --------------------------------------------------------------------------- errors


class _Usage(Exception):
    """A bad argument found after parsing (exit code 2)."""


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _format_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    return f"iocirc: warning: {_one_line(message)}\n"


@contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Warnings as one line each (``iocirc: warning: ...``), not file and line."""
    previous = warnings.formatwarning
    warnings.formatwarning = _format_warning
    try:
        yield
    finally:
        warnings.formatwarning = previous


def _error(message: str) -> None:
    sys.stderr.write(f"iocirc: error: {_one_line(message)}\n")
    sys.stderr.flush()


def _exit_code(error: BaseException) -> int:
    from iocirc.errors import DownloadError, IocircError

    if isinstance(error, DownloadError):
        return EXIT_DOWNLOAD
    if isinstance(error, IocircError):
        return EXIT_INPUT
    if isinstance(error, ImportError):
        return EXIT_DEPENDENCY
    return EXIT_INTERNAL


# --------------------------------------------------------------------------- reading


def _read_year(year: int, regions: Sequence[str] | None, *, quiet: bool) -> xr.Dataset:
    """The provincial tables of ``year`` (regions as given), with a progress bar."""
    from iocirc import download
    from iocirc.readers import read_nbs_tables

    paths = download.provincial_paths(year, list(regions) if regions else None)
    files = []
    with (
        _Progress(len(paths), f"{year} tables", enabled=not quiet) as bar,
        _quiet_pooch(bar.enabled or quiet),
    ):
        for path in paths:
            files.append(download.fetch(path))
            bar.advance(Path(path).name)
    return read_nbs_tables(files)


@contextmanager
def _quiet_pooch(quiet: bool) -> Iterator[None]:
    """pooch's "Downloading ..." lines off while the progress bar names each file."""
    import logging

    logger = None
    if quiet:
        try:
            import pooch
        except ImportError:  # no downloads possible; nothing to silence
            pass
        else:
            logger = pooch.get_logger()
    silence = logging.Filter("silence everything")  # a named filter passes only that logger
    if logger is not None:
        logger.addFilter(silence)
    try:
        yield
    finally:
        if logger is not None:
            logger.removeFilter(silence)


def _years(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a year is a number such as 2017, not {text!r}") from None


def _out_path(path: Path, formats: Sequence[str], command: str) -> Path:
    suffix = path.suffix.lower()
    if suffix not in formats:
        raise _Usage(
            f"{command}: cannot tell the format of --out {str(path)!r}; end the file name with "
            + ", ".join(formats)
        )
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


# --------------------------------------------------------------------------- writers


def _labels(ds: xr.Dataset, dim: str) -> dict[str, tuple[str, str]]:
    """Label -> (Chinese, English) of the labels along ``dim``."""
    from iocirc import schema

    labels = [str(v) for v in ds.indexes[dim]]
    if dim in ("flow", "va_component"):
        registry = schema.members(dim)
        return {
            label: (
                registry[label].zh if label in registry else "",
                registry[label].en if label in registry else label,
            )
            for label in labels
        }
    prefix = {"sector_to": "sector"}.get(dim, dim)
    zh = ds[f"{prefix}_zh"].values if f"{prefix}_zh" in ds.coords else [""] * len(labels)
    en = ds[f"{prefix}_en"].values if f"{prefix}_en" in ds.coords else [""] * len(labels)
    return {label: (str(z), str(e)) for label, z, e in zip(labels, zh, en, strict=True)}


def _tables_frame(ds: xr.Dataset) -> pd.DataFrame:
    """A table in the tidy layout of :func:`iocirc.to_tidy`, with labels beside codes.

    Parameters
    ----------
    ds : xarray.Dataset
        A provincial table.

    Returns
    -------
    pandas.DataFrame
        Columns ``variable``, ``region``, ``region_zh``, ``row``, ``row_zh``,
        ``row_en``, ``column``, ``column_zh``, ``column_en``, ``value`` (in the
        table's ``currency_unit``) and ``unit``.
    """
    import pandas as pd

    from iocirc.tidy import to_tidy

    tidy = to_tidy(ds)
    region_zh = dict(
        zip(
            (str(r) for r in ds.indexes["region"]),
            (str(v) for v in ds["region_zh"].values),
            strict=True,
        )
    )
    axes = {
        "intermediate_use": ("sector", "sector_to"),
        "final_use": ("sector", "flow"),
        "value_added": ("va_component", "sector_to"),
        "total_output": ("sector", None),
    }
    parts = []
    for variable, (row_dim, col_dim) in axes.items():
        part = tidy[tidy["variable"] == variable].copy()
        rows = _labels(ds, row_dim)
        part["row_zh"] = part["row"].map(lambda r, rows=rows: rows[str(r)][0])
        part["row_en"] = part["row"].map(lambda r, rows=rows: rows[str(r)][1])
        if col_dim is None:
            part["column_zh"] = ""
            part["column_en"] = ""
        else:
            cols = _labels(ds, col_dim)
            part["column_zh"] = part["column"].map(lambda c, cols=cols: cols[str(c)][0])
            part["column_en"] = part["column"].map(lambda c, cols=cols: cols[str(c)][1])
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["region_zh"] = frame["region"].map(region_zh)
    frame["unit"] = str(ds.attrs.get("currency_unit", ""))
    columns = ["variable", "region", "region_zh", "row", "row_zh", "row_en", "column"]
    columns += ["column_zh", "column_en", "value", "unit"]
    return frame[columns]


_TIDY_LABELS = {
    "variable": "block of the table: intermediate_use, final_use, value_added, total_output",
    "region": "province (English name)",
    "region_zh": "province (Chinese name)",
    "row": "row: product sector code, or value-added component",
    "row_zh": "row label, Chinese",
    "row_en": "row label, English",
    "column": "column: using sector code or final-use flow (empty for total_output)",
    "column_zh": "column label, Chinese",
    "column_en": "column label, English",
    "value": "value, in the unit of the column unit",
    "unit": "currency unit of value",
}


def _write_stata(frame: pd.DataFrame, path: Path, labels: dict[str, str], title: str) -> None:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("str", "string"):
            text = frame[column].astype(str)
            # Repeated labels as Stata value labels (labelled integers): a fraction of the size
            frame[column] = text.astype("category") if text.nunique() < len(text) / 4 else text
    frame.to_stata(
        path,
        write_index=False,
        version=118,  # Unicode strings: the Chinese labels survive
        variable_labels={k: v[:80] for k, v in labels.items() if k in frame.columns},
        data_label=title[:80],
    )


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as error:
        raise ImportError(
            "writing Excel files needs openpyxl: pip install 'iocirc[io]' (or pip install "
            "openpyxl); or write .csv, .nc or .dta instead"
        ) from error
    return openpyxl


def _sheet_name(name: str, zh: str, used: set[str]) -> str:
    base = f"{name} {zh}".strip()[:31]
    for char in "[]:*?/\\":
        base = base.replace(char, " ")
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def _write_excel_tables(ds: xr.Dataset, path: Path) -> None:
    """One sheet per region, laid out like the official table.

    Rows: the product sectors, then the value-added components and total
    input; columns: the using sectors, the final-use flows and total output.
    Each row and column is headed by its code, Chinese and English label.
    Flows a region does not report are empty cells.

    Parameters
    ----------
    ds : xarray.Dataset
        Provincial tables (one or more regions).
    path : pathlib.Path
        The ``.xlsx`` file to write.
    """
    import numpy as np

    from iocirc import schema

    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    sectors = [str(s) for s in ds.indexes["sector"]]
    flows = [str(f) for f in ds.indexes["flow"]]
    components = [str(k) for k in ds.indexes["va_component"]]
    sector_labels = _labels(ds, "sector")
    flow_labels = _labels(ds, "flow")
    va_labels = _labels(ds, "va_component")
    flow_codes = {m.name: m.code for m in schema.FLOWS}
    va_codes = {m.name: m.code for m in schema.VA_COMPONENTS}
    unit = str(ds.attrs.get("currency_unit", ""))
    year = ds.attrs.get("year", "")
    used: set[str] = set()
    first_col = 4  # columns A-C: code, Chinese label, English label
    columns = (
        [(s, *sector_labels[s]) for s in sectors]
        + [(flow_codes.get(f, f), *flow_labels[f]) for f in flows]
        + [("GO", "总产出", "total output")]
    )
    for r, region in enumerate(ds.indexes["region"]):
        zh = str(ds["region_zh"].values[r]) if "region_zh" in ds.coords else ""
        sheet = book.create_sheet(_sheet_name(str(region), zh, used))
        one = ds.isel(region=r)
        sheet.cell(1, 1, f"{year}年{zh}投入产出表 / Input-output table of {region}, {year}")
        sheet.cell(1, 1).font = bold
        sheet.cell(
            2,
            1,
            f"单位：{ds.attrs.get('unit_printed') or '万元'} / unit: {unit}. Imports and inflows "
            "are positive and subtracted in the row identity.",
        )
        for k, (code, label_zh, label_en) in enumerate(columns):
            for i, text in enumerate((code, label_zh, label_en)):
                cell = sheet.cell(4 + i, first_col + k, text)
                cell.font = bold
                cell.alignment = Alignment(wrap_text=i > 0, vertical="top")
        for i, text in enumerate(("code 代码", "名称", "name")):
            sheet.cell(6, 1 + i, text).font = bold
        z = np.asarray(one["intermediate_use"].transpose("sector", "sector_to").values)
        f = np.asarray(one["final_use"].transpose("sector", "flow").values)
        x = np.asarray(one["total_output"].values)
        v = np.asarray(one["value_added"].transpose("va_component", "sector_to").values)
        row = 7
        for i, sector in enumerate(sectors):
            sheet.cell(row, 1, sector)
            sheet.cell(row, 2, sector_labels[sector][0])
            sheet.cell(row, 3, sector_labels[sector][1])
            values = [*z[i], *f[i], x[i]]
            for k, value in enumerate(values):
                if np.isfinite(value):
                    sheet.cell(row, first_col + k, float(value))
            row += 1
        va_rows = [(va_codes.get(c, c), *va_labels[c], v[j]) for j, c in enumerate(components)]
        if len(components) > 1:
            va_rows.append(("TVA", "增加值合计", "total value added", v.sum(axis=0)))
        va_rows.append(("TI", "总投入", "total input", x))
        for code, label_zh, label_en, values in va_rows:
            sheet.cell(row, 1, code)
            sheet.cell(row, 2, label_zh)
            sheet.cell(row, 3, label_en)
            for k, value in enumerate(values):
                sheet.cell(row, first_col + k, float(value))
            row += 1
        sheet.freeze_panes = sheet.cell(7, first_col)
        sheet.column_dimensions["B"].width = 24
        sheet.column_dimensions["C"].width = 30
    book.save(path)


def _write_tables(ds: xr.Dataset, path: Path) -> None:
    """Write provincial tables in the format of the extension of ``path``.

    Parameters
    ----------
    ds : xarray.Dataset
        Provincial tables.
    path : pathlib.Path
        ``.nc``, ``.csv``, ``.xlsx`` or ``.dta``.
    """
    suffix = path.suffix.lower()
    if suffix == ".nc":
        _write_netcdf(ds, path)
    elif suffix == ".xlsx":
        _write_excel_tables(ds, path)
    elif suffix == ".csv":
        _tables_frame(ds).to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".dta":
        title = f"iocirc: provincial IO tables {ds.attrs.get('year', '')}"
        _write_stata(_tables_frame(ds), path, _TIDY_LABELS, title)
    else:  # pragma: no cover - checked by _out_path
        raise _Usage(f"unknown format {suffix}")


def _write_netcdf(obj: xr.Dataset, path: Path) -> None:
    try:
        obj.to_netcdf(path)
    except (ImportError, ValueError) as error:
        if "netCDF4" in str(error) or "engine" in str(error) or isinstance(error, ImportError):
            raise ImportError(
                f"writing netCDF needs netCDF4: pip install 'iocirc[io]' ({error})"
            ) from error
        raise


# --------------------------------------------------------------------------- indicators


def _indicators_frame(
    ds: xr.Dataset,
    *,
    scopes: Sequence[str] | None = None,
    by: str = "region",
    groups: Sequence[str] = (),
    weights: str = "gdp",
    classification: str = "gbt4754",
) -> pd.DataFrame:
    """Circulation ratios, contributions and value-added shares as a tidy frame.

    Parameters
    ----------
    ds : xarray.Dataset
        Provincial tables of one year.
    scopes : sequence of str, optional
        Of :data:`iocirc.indicators.SCOPES`; default: every scope the table
        can measure (``dual`` only for tables without an export/outflow split).
    by : {"region", "sector"}
        Per region, or per region and sector.
    groups : sequence of str
        Rows to add for groups of regions: ``"National"`` (all regions of
        ``ds``) or a group of :data:`iocirc.regions.REGION_GROUPS`.
    weights : {"gdp", "none"}
        How group rows average the regions: by GDP (the group as one region)
        or plainly (the paper's "National" row).
    classification : {"gbt4754", "nbs"}
        With ``by="sector"``: GB/T 4754-2017 sections, or the table's sectors.

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, (``sector``, ``sector_en``, ``sector_zh`` with
        ``by="sector"``), ``year``, ``metric``, ``value``, ``units``.
    """
    import pandas as pd

    from iocirc import schema
    from iocirc.aggregation import NATIONAL, aggregate_regions, aggregate_sectors
    from iocirc.errors import MissingFlowError, SchemaError
    from iocirc.indicators import (
        SCOPES,
        circulation_ratio,
        net_outflow_contribution,
        value_added_share,
    )
    from iocirc.regions import REGION_GROUPS

    # The dual scope always (its indicators say what a table lacks); the split scopes where
    # the table reports or lets derive their flows.
    split = schema.available_scopes(ds)
    measurable = [s for s in SCOPES if s == "dual" or s in split]
    wanted = list(scopes) if scopes else measurable
    missing = [s for s in wanted if s not in measurable]
    if missing:
        raise MissingFlowError(
            f"the {ds.attrs.get('year', '')} tables cannot give the scope(s) {missing}: they "
            f"do not split trade into exports/imports and domestic outflow/inflow; use "
            f"--scope {' '.join(measurable)}"
        )
    regions = [str(r) for r in ds.indexes["region"]]
    group_map: dict[str, list[str]] = {}
    known = {name.casefold(): name for name in REGION_GROUPS}
    for group in groups:
        if group.casefold() == NATIONAL.casefold():
            group_map[NATIONAL] = regions
        elif group.casefold() in known:
            name = known[group.casefold()]
            group_map[name] = list(REGION_GROUPS[name])
        else:
            raise SchemaError(
                f"unknown group {group!r}; use {NATIONAL!r} (all regions read) or one of "
                f"{list(REGION_GROUPS)}"
            )
    if by == "sector":
        if classification == "gbt4754":
            ds = aggregate_sectors(ds, "gbt4754")
        metrics: dict[str, tuple[xr.DataArray, str]] = {
            "value_added_share": (value_added_share(ds, percent=True), "% of GDP")
        }
        for scope in wanted:
            metrics[f"{scope}_contribution"] = (
                net_outflow_contribution(ds, scope, by="sector", percent=True),  # type: ignore[arg-type]
                "% of GDP",
            )
    else:
        metrics = {}
        for scope in wanted:
            metrics[f"{scope}_ratio"] = (circulation_ratio(ds, scope), "1")  # type: ignore[arg-type]
            metrics[f"{scope}_contribution"] = (
                net_outflow_contribution(ds, scope, percent=True),  # type: ignore[arg-type]
                "% of GDP",
            )
    parts = []
    for metric, (values, units) in metrics.items():
        blocks = [values]
        if group_map:
            blocks.append(
                aggregate_regions(
                    values,
                    weights="gdp" if weights == "gdp" else None,
                    groups=group_map,
                    on_missing="skip",
                )
            )
        for block in blocks:
            plain = block.drop_vars([c for c in block.coords if c not in block.dims])
            frame = plain.to_dataframe("value").reset_index()
            frame["metric"] = metric
            frame["units"] = units
            parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    table["year"] = int(ds.attrs.get("year", 0))
    columns = ["region", "year", "metric", "value", "units"]
    if by == "sector":
        names = _labels(ds, "sector")
        table["sector_en"] = table["sector"].map(lambda s: names[str(s)][1])
        table["sector_zh"] = table["sector"].map(lambda s: names[str(s)][0])
        columns = ["region", "sector", "sector_en", "sector_zh", "year", "metric"]
        columns += ["value", "units"]
    return table[columns]


_INDICATOR_LABELS = {
    "region": "province or group of provinces",
    "sector": "sector code (GB/T 4754-2017 section or table sector)",
    "sector_en": "sector name, English",
    "sector_zh": "sector name, Chinese",
    "year": "year of the tables",
    "metric": "indicator: <scope>_ratio, <scope>_contribution, value_added_share",
    "value": "value of the indicator, in units",
    "units": "units of value: 1 (a ratio to GDP) or % of GDP",
}


def _write_indicators(frame: pd.DataFrame, path: Path, *, caption: str) -> None:
    """Write the frame of :func:`_indicators_frame` by the extension of ``path``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".dta":
        _write_stata(frame, path, _INDICATOR_LABELS, caption)
    elif suffix == ".xlsx":  # the tidy values, and the same laid out as a paper's table
        import csv
        import io

        import pandas as pd

        from iocirc import report

        _openpyxl()
        rows = list(csv.reader(io.StringIO(report.to_csv(_paper(frame, caption)))))
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="indicators", index=False)
            pd.DataFrame([[caption], *rows]).to_excel(
                writer, sheet_name="table", index=False, header=False
            )
    elif suffix == ".nc":
        keys = ["region", "sector"] if "sector" in frame.columns else ["region"]
        wide = frame.pivot_table(index=keys, columns="metric", values="value", sort=False)
        ds = wide.to_xarray()
        for metric in ds.data_vars:
            units = frame.loc[frame["metric"] == metric, "units"].iloc[0]
            ds[metric].attrs = {"units": units, "long_name": str(metric).replace("_", " ")}
        ds.attrs = {"year": int(frame["year"].iloc[0]), "title": caption}
        _write_netcdf(ds, path)
    elif suffix in (".md", ".tex"):
        from iocirc import report

        table = _paper(frame, caption)
        text = report.to_markdown(table) if suffix == ".md" else report.to_latex(table)
        path.write_text(text + "\n", encoding="utf-8")
    else:  # pragma: no cover - checked by _out_path
        raise _Usage(f"unknown format {suffix}")


def _paper(frame: pd.DataFrame, caption: str) -> Any:
    """The indicators as a paper's table: a row per region (and sector), year over metric."""
    from iocirc import report

    keys = ["region", "sector", "sector_en"] if "sector" in frame.columns else ["region"]
    labels = {m: str(m).replace("_", " ") for m in frame["metric"].unique()}
    labels["sector_en"] = "name"
    return report.paper_table(
        frame,
        index=keys,
        columns=["year", "metric"],
        values="value",
        caption=caption,
        labels=labels,
    )


# --------------------------------------------------------------------------- validate


def _load_table(path: Path) -> tuple[xr.Dataset, list[str]]:
    """A table from a netCDF file, a workbook or a folder of workbooks, and read warnings."""
    from iocirc.errors import IocircError, ReadError

    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        if path.is_dir():
            from iocirc.readers import read_nbs_tables

            ds = read_nbs_tables(path)
        elif not path.exists():
            raise ReadError(f"{path}: no such file")
        elif path.suffix.lower() in (".nc", ".nc4", ".netcdf"):
            import xarray as xr

            try:
                ds = xr.load_dataset(path)
            except (OSError, ValueError) as error:
                raise ReadError(f"{path}: cannot be read as netCDF: {error}") from None
        elif path.suffix.lower() == ".csv":  # the tidy CSV of `iocirc tables`
            import pandas as pd

            from iocirc.tidy import from_tidy

            try:
                frame = pd.read_csv(path, dtype={"row": str, "column": str}, encoding="utf-8-sig")
            except (OSError, ValueError) as error:
                raise ReadError(f"{path}: cannot be read as CSV: {error}") from None
            frame["column"] = frame["column"].fillna("")
            try:
                ds = from_tidy(frame)
            except IocircError as error:
                raise ReadError(f"{path}: not a tidy IO table: {error}") from None
        else:
            from iocirc.readers import read_nbs_table

            ds = read_nbs_table(path)
    caught = [_one_line(r.message) for r in records]
    return ds, caught


def _validate_one(path: Path, rtol: float, atol: float) -> tuple[bool, list[str], Any]:
    """Whether ``path`` passes, the lines to print, and its balance report (or None)."""
    import numpy as np

    from iocirc.errors import IocircError
    from iocirc.validation import balance_report, validate

    try:
        ds, read_warnings = _load_table(path)
    except IocircError as error:
        return False, [f"FAIL {path}: cannot be read as an IO table: {_one_line(error)}"], None
    is_mrio = ds.attrs.get("table_kind") == "mrio"
    problems: list[str] = []
    try:
        validate(ds, rtol=rtol, atol=atol, on_imbalance="raise")
    except IocircError as error:
        problems.append(_one_line(error))
    report = None
    worst = ""
    if not is_mrio:
        try:
            report = balance_report(ds)
        except IocircError:
            report = None
    if report is not None and len(report):
        top = report.iloc[0]
        worst = (
            f"; largest relative residual {abs(float(top['relative_residual'])):.2g} "
            f"({top['identity']} identity, {top['region']}, sector {top['sector']})"
        )
    regions = ds.sizes.get("region", 1)
    sectors = ds.sizes.get("sector", 0)
    what = f"{regions} region(s) x {sectors} sectors, {ds.attrs.get('year', 'year unknown')}"
    if not problems:
        lines = [f"OK   {path}: {what}{worst}"]
        lines += [f"     note: {w}" for w in read_warnings]
        return True, lines, report
    lines = [f"FAIL {path}: {what}{worst}"]
    lines += [f"     {p}" for p in problems]
    if report is not None:
        bad = report[np.abs(report["relative_residual"]) > rtol].head(5)
        for _, r in bad.iterrows():
            lines.append(
                f"     {r['identity']:>6} {r['region']} sector {r['sector']}: residual "
                f"{float(r['residual']):.6g} ({float(r['relative_residual']):.2g} relative)"
            )
    return False, lines, report


# --------------------------------------------------------------------------- commands


def _cmd_tables(args: argparse.Namespace) -> int:
    out = _out_path(args.out, _TABLE_FORMATS, "iocirc tables")
    ds = _read_year(args.year, args.region, quiet=args.quiet)
    _write_tables(ds, out)
    _say(args, f"wrote {ds.sizes['region']} region(s) of {args.year} to {out}")
    return EXIT_OK


def _cmd_indicators(args: argparse.Namespace) -> int:
    out = _out_path(args.out, _INDICATOR_FORMATS, "iocirc indicators")
    ds = _read_year(args.year, args.region, quiet=args.quiet)
    frame = _indicators_frame(
        ds,
        scopes=args.scope,
        by=args.by,
        groups=args.group or (),
        weights=args.weights,
        classification=args.classification,
    )
    what = "sector" if args.by == "sector" else "region"
    caption = (
        f"Circulation indicators by {what}, {args.year}: ratios to GDP (plain numbers), "
        "contributions and value-added shares (% of GDP)"
    )
    _write_indicators(frame, out, caption=caption)
    _say(args, f"wrote {len(frame)} values to {out}")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    import pandas as pd

    reports = []
    failed = 0
    files = _expand_files(args.files)
    for path in files:
        ok, lines, report = _validate_one(path, args.rtol, args.atol)
        failed += not ok
        print("\n".join(lines), flush=True)
        if report is not None:
            reports.append(report.assign(file=str(path)))
    if args.report is not None and reports:
        pd.concat(reports, ignore_index=True).to_csv(args.report, index=False)
    summary = f"{len(files) - failed} of {len(files)} file(s) passed"
    print(summary if not failed else f"{summary}; {failed} failed", flush=True)
    return EXIT_CHECK_FAILED if failed else EXIT_OK


def _expand_files(names: Iterable[str]) -> list[Path]:
    return [Path(name) for name in names]


def _example_scripts(name: str) -> list[Path]:
    """The worked example's scripts (the paper, then beyond it): shipped in the package, or
    in the source tree."""
    from importlib.resources import files

    scripts = [f"{name}_china.py", f"{name}_china_beyond.py"]
    packaged = files("iocirc") / "examples"
    if all((packaged / script).is_file() for script in scripts):
        return [Path(str(packaged / script)) for script in scripts]
    source_tree = Path(__file__).resolve().parents[2] / "examples"
    if all((source_tree / script).is_file() for script in scripts):
        return [source_tree / script for script in scripts]
    from iocirc.errors import IocircError

    raise IocircError(
        f"the worked example {' and '.join(scripts)} is not installed with this copy of iocirc; "
        "get it from the examples/ folder of the iocirc repository and run python examples/"
        + scripts[0]
    )


def _cmd_reproduce(args: argparse.Namespace) -> int:
    import importlib.util

    scripts = _example_scripts(args.study)
    argv = ["--out", str(args.out)]
    if args.customs is not None:
        argv += ["--customs", str(args.customs)]
    if args.no_figures:
        argv.append("--no-figures")
    if args.quiet:
        argv.append("--quiet")
    reference = [] if args.reference is None else ["--reference", str(args.reference)]
    # The second script imports the first by its file name: their folder goes on sys.path.
    sys.path.insert(0, str(scripts[0].parent))
    try:
        for i, script in enumerate(scripts):
            spec = importlib.util.spec_from_file_location(f"iocirc_example_{script.stem}", script)
            if spec is None or spec.loader is None:  # pragma: no cover - a file we found
                raise ImportError(f"cannot load {script}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            status = int(module.main(argv + (reference if i == 0 else [])))
            if status:
                return status
    finally:
        sys.path.remove(str(scripts[0].parent))
    return EXIT_OK


def _cmd_mrio_estimate(args: argparse.Namespace) -> int:
    from iocirc import datasets

    out = _out_path(args.out, _MRIO_FORMATS, "iocirc mrio estimate")
    _say(args, f"estimating the {args.year} multi-regional table of China ...")
    mrio = datasets.china_mrio(args.year)
    _write_netcdf(mrio, out)
    _say(args, f"wrote {mrio.sizes.get('region', 0)} regions to {out}")
    return EXIT_OK


def _cmd_mrio_decompose(args: argparse.Namespace) -> int:
    import xarray as xr

    from iocirc import mrio

    out = _out_path(args.out, (".nc", ".csv", ".xlsx", ".dta"), "iocirc mrio decompose")
    function = {"kww": mrio.kww, "wwz": mrio.wwz, "absorption": mrio.value_added_absorption}[
        args.method
    ]
    table, _ = _load_table(Path(args.file))
    result = function(table)
    if out.suffix.lower() == ".nc":
        data = result if isinstance(result, xr.Dataset) else result.to_dataset(name=args.method)
        _write_netcdf(data, out)
        _say(args, f"wrote the {args.method} decomposition to {out}")
        return EXIT_OK
    frame = _tidy_result(result)
    if out.suffix.lower() == ".csv":
        frame.to_csv(out, index=False, encoding="utf-8-sig")
    elif out.suffix.lower() == ".xlsx":
        _openpyxl()
        frame.to_excel(out, sheet_name=args.method, index=False)
    else:
        _write_stata(frame, out, {}, f"iocirc: {args.method} decomposition of {args.file}")
    _say(args, f"wrote the {args.method} decomposition to {out}")
    return EXIT_OK


def _tidy_result(result: xr.Dataset | xr.DataArray) -> pd.DataFrame:
    import pandas as pd
    import xarray as xr

    if isinstance(result, xr.DataArray):
        result = result.to_dataset(name=str(result.name or "value"))
    parts = []
    for name, var in result.data_vars.items():  # one row per value of each variable
        plain = var.drop_vars([c for c in var.coords if c not in var.dims])
        frame = plain.to_dataframe(name="value").reset_index() if plain.ndim else None
        if frame is None:
            frame = pd.DataFrame({"value": [float(plain)]})
        frame.insert(0, "variable", str(name))
        frame["units"] = str(var.attrs.get("units", ""))
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    keys = [c for c in table.columns if c not in ("value", "units")]
    table[keys] = table[keys].fillna("")
    return table[[*keys, "value", "units"]]


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=min(100, _terminal_width()))


def _terminal_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 100


#: The names of :data:`iocirc.schema.SCOPES`, written out so that ``iocirc --help`` does not
#: import xarray; ``tests/test_scopes.py`` checks that they agree with the registry.
_SCOPE_CHOICES: tuple[str, ...] = ("domestic", "international", "dual")


def _build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``iocirc`` command.

    Returns
    -------
    argparse.ArgumentParser
    """
    from iocirc import __version__

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show the traceback of an error")
    common.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar, no messages but errors"
    )
    parser = argparse.ArgumentParser(
        prog="iocirc",
        description="China's regional input-output tables and dual-circulation indicators.",
        epilog=_EPILOG_MAIN,
        formatter_class=_Formatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"iocirc {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, epilog: str, func: Callable[..., int]) -> Any:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=epilog,
            formatter_class=_Formatter,
            parents=[common],
        )
        sub.set_defaults(func=func)
        return sub

    region_help = (
        "provinces (English or Chinese names, GB/T 2260 codes) or groups (Northeast, East, "
        "Central, West); default: all provinces of the year"
    )
    tables = command(
        "tables",
        "write the official provincial tables of a year to a file",
        _EPILOG_TABLES,
        _cmd_tables,
    )
    tables.add_argument("year", type=_years, help="2002, 2007, 2012 or 2017")
    tables.add_argument("--region", nargs="+", metavar="REGION", help=region_help)
    tables.add_argument(
        "--out", type=Path, required=True, help="output file: .nc, .csv, .xlsx or .dta"
    )

    ind = command(
        "indicators",
        "circulation ratios, contributions to GDP and value-added shares",
        _EPILOG_INDICATORS,
        _cmd_indicators,
    )
    ind.add_argument("year", type=_years, help="2002, 2007, 2012 or 2017")
    ind.add_argument("--region", nargs="+", metavar="REGION", help=region_help)
    ind.add_argument(
        "--scope",
        nargs="+",
        choices=_SCOPE_CHOICES,
        help="default: every scope the tables can give",
    )
    ind.add_argument("--by", choices=("region", "sector"), default="region", help="default: region")
    ind.add_argument(
        "--group",
        nargs="+",
        metavar="GROUP",
        help="add rows for groups of the regions read: National, Northeast, East, Central, West",
    )
    ind.add_argument(
        "--weights",
        choices=("gdp", "none"),
        default="gdp",
        help="how group rows average regions: by GDP (default; the group as one region) or "
        "plainly (none; the paper's National row)",
    )
    ind.add_argument(
        "--classification",
        choices=("gbt4754", "nbs"),
        default="gbt4754",
        help="with --by sector: GB/T 4754-2017 sections (default) or the tables' 42 sectors",
    )
    ind.add_argument(
        "--out", type=Path, required=True, help="output file: .csv, .xlsx, .dta, .nc, .md or .tex"
    )

    val = command(
        "validate",
        "check tables (netCDF files, official workbooks, folders of them) and report residuals",
        _EPILOG_VALIDATE,
        _cmd_validate,
    )
    val.add_argument("files", nargs="+", metavar="FILE", help=".nc, .xls, .xlsx, .htm or a folder")
    val.add_argument(
        "--rtol",
        type=float,
        default=1e-6,
        help="tolerance of the identities, relative to the sum of absolute terms (default 1e-6)",
    )
    val.add_argument(
        "--atol", type=float, default=0.0, help="absolute tolerance in the table's unit"
    )
    val.add_argument("--report", type=Path, help="write every residual to this CSV file")

    rep = command(
        "reproduce",
        "run a worked example: the Northeast China study",
        _EPILOG_REPRODUCE,
        _cmd_reproduce,
    )
    rep.add_argument("study", choices=("northeast",), help="the study to reproduce")
    rep.add_argument("--out", type=Path, required=True, help="output folder")
    rep.add_argument("--customs", type=Path, help="CSV of customs exports and imports (yuan)")
    rep.add_argument("--reference", type=Path, help="folder of the paper's published values")
    rep.add_argument("--no-figures", action="store_true", help="skip the PNG figures")

    mrio = commands.add_parser(
        "mrio",
        help="multi-regional tables: estimate and decompose",
        description="Multi-regional input-output tables of China's provinces.",
        epilog=_EPILOG_MRIO,
        formatter_class=_Formatter,
        parents=[common],
    )
    mrio_commands = mrio.add_subparsers(dest="mrio_command", metavar="COMMAND")
    est = mrio_commands.add_parser(
        "estimate",
        help="estimate the multi-regional table of a year from the provincial tables",
        description="Estimate the multi-regional table of a year from the provincial tables "
        "(iocirc.datasets.china_mrio) and write it as netCDF.",
        epilog="example:\n  iocirc mrio estimate 2017 --out china_mrio_2017.nc\n",
        formatter_class=_Formatter,
        parents=[common],
    )
    est.add_argument("year", type=_years, help="2012 or 2017")
    est.add_argument("--out", type=Path, required=True, help="output file (.nc)")
    est.set_defaults(func=_cmd_mrio_estimate)
    dec = mrio_commands.add_parser(
        "decompose",
        help="decompose the gross exports of a multi-regional table",
        description="Decompose trade in value added: KWW, WWZ or value-added absorption "
        "(iocirc.mrio.kww, wwz, value_added_absorption).",
        epilog="examples:\n  iocirc mrio decompose china_mrio_2017.nc --method kww --out kww.csv\n"
        "  iocirc mrio decompose wiod_2014.nc --method wwz --out wwz.nc\n",
        formatter_class=_Formatter,
        parents=[common],
    )
    dec.add_argument("file", help="a multi-regional table (.nc)")
    dec.add_argument("--method", choices=("kww", "wwz", "absorption"), required=True)
    dec.add_argument("--out", type=Path, required=True, help="output file: .nc, .csv, .xlsx, .dta")
    dec.set_defaults(func=_cmd_mrio_decompose)
    mrio.set_defaults(func=None, parser=mrio)
    parser.set_defaults(parser=parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``iocirc`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 success, 1 ``iocirc validate`` found a failure, 2
        usage error, 3 bad input (an :class:`~iocirc.errors.IocircError`), 4
        download failed, 5 missing optional dependency, 70 internal error, 130
        interrupted (:data:`EXIT_OK` ... :data:`EXIT_INTERRUPTED`).

    Notes
    -----
    The commands and their options are described in the user guide
    (:ref:`command-line`) and by ``iocirc COMMAND --help``.

    Examples
    --------
    >>> import iocirc.cli
    >>> iocirc.cli.main(["validate", "no_such_table.nc"])
    FAIL no_such_table.nc: cannot be read as an IO table: no_such_table.nc: no such file
    0 of 1 file(s) passed; 1 failed
    1
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        args.parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with _one_line_warnings():
            return int(args.func(args))
    except _Usage as error:
        _error(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("\niocirc: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        code = _exit_code(error)
        if code == EXIT_INTERNAL:
            _error(
                f"unexpected {type(error).__name__}: {error}. This is a bug in iocirc: run the "
                "command again with --debug and report the traceback"
            )
        else:
            _error(str(error))
        return code


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
