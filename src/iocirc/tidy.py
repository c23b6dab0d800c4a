"""A tidy (long) pandas layout of an IO table, for spreadsheets and databases."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._core import check_table
from iocirc.construct import from_arrays
from iocirc.errors import SchemaError
from iocirc.schema import DIMS, VARIABLES
from iocirc.validation import validate

__all__ = ["from_tidy", "to_tidy"]

_COLUMNS = ["variable", "region", "row", "column", "value"]
# Which dimension of each variable is its "row" and which its "column".
_AXES = {
    "intermediate_use": ("sector", "sector_to"),
    "final_use": ("sector", "flow"),
    "value_added": ("va_component", "sector_to"),
    "total_output": ("sector", None),
}


def to_tidy(ds: xr.Dataset) -> pd.DataFrame:
    """The table as one long DataFrame, a row per cell.

    Parameters
    ----------
    ds : xarray.Dataset
        A single-vintage IO table (no dimensions beyond the schema's).

    Returns
    -------
    pandas.DataFrame
        Columns ``variable``, ``region``, ``row``, ``column`` (empty for
        ``total_output``) and ``value``. Sector names, region names and
        Dataset attributes travel in ``DataFrame.attrs["iocirc"]`` (a JSON
        string), so :func:`from_tidy` restores the table exactly.

    Examples
    --------
    >>> import iocirc
    >>> ds = iocirc.datasets.example_table()
    >>> frame = iocirc.to_tidy(ds)
    >>> frame.columns.tolist()
    ['variable', 'region', 'row', 'column', 'value']
    >>> iocirc.from_tidy(frame).identical(ds)
    True
    """
    ds = check_table(ds, purpose="to_tidy", complete=True)
    extra = sorted(str(d) for d in ds.dims if d not in DIMS)
    if extra:
        raise SchemaError(
            f"to_tidy takes one table; the Dataset has the extra dimension(s) {extra}. "
            "Select one value of each, e.g. ds.sel(year=2017)"
        )
    frames = []
    for name, (row, col) in _AXES.items():
        var = ds[name].drop_vars([c for c in ds[name].coords if c not in ds[name].dims])
        dims = ["region", row] + ([col] if col else [])
        frame = var.transpose(*dims).to_dataframe(name="value").reset_index()
        frame = frame.rename(columns={row: "row", **({col: "column"} if col else {})})
        if not col:
            frame["column"] = ""
        frame.insert(0, "variable", name)
        frames.append(frame[_COLUMNS])
    tidy = pd.concat(frames, ignore_index=True)
    tidy.attrs["iocirc"] = json.dumps(_metadata(ds), ensure_ascii=False)
    return tidy


def _metadata(ds: xr.Dataset) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.item() if hasattr(value, "item") else value

    return {
        "attrs": {k: plain(v) for k, v in ds.attrs.items()},
        "regions": [str(r) for r in ds.indexes["region"]],
        "region_zh": [str(v) for v in ds["region_zh"].values],
        "region_code": [int(v) for v in ds["region_code"].values],
        "sectors": [str(s) for s in ds.indexes["sector"]],
        "sector_zh": [str(v) for v in ds["sector_zh"].values],
        "sector_en": [str(v) for v in ds["sector_en"].values],
        "flows": [str(f) for f in ds.indexes["flow"]],
        "va_components": [str(k) for k in ds.indexes["va_component"]],
        "var_attrs": {name: dict(ds[name].attrs) for name in VARIABLES},
        "extra_coords": _extra_coords(ds),
    }


def _known_failures(meta: dict[str, Any], regions: list[str]) -> list[str]:
    """The regions whose balance failures the reader recorded in ``attrs["balance_failures"]``."""
    text = str(meta.get("attrs", {}).get("balance_failures", "") or "")
    if not text.strip():
        return []
    if len(regions) == 1:
        return list(regions)
    named = [part.split(":", 1)[0].strip() for part in text.split(" | ") if ":" in part]
    return [r for r in regions if r in named]


def _extra_coords(ds: xr.Dataset) -> dict[str, Any]:
    """Coordinates beyond the schema's (``source_file`` of the reader, a user's own), so that
    :func:`from_tidy` restores them: dimensions, values, dtype and attributes."""
    standard = set(ds.indexes) | {c for spec in DIMS.values() for c in spec.coords}
    extra: dict[str, Any] = {}
    for name, coord in ds.coords.items():
        if name in standard:
            continue
        values = coord.values.tolist()
        try:
            json.dumps(values)
            json.dumps(dict(coord.attrs))
        except (TypeError, ValueError):
            raise SchemaError(
                f"to_tidy: the coordinate {name!r} holds {coord.dtype} values that cannot travel "
                "in the frame's metadata; drop it (ds.drop_vars(...)) or convert it to strings"
            ) from None
        extra[str(name)] = {
            "dims": [str(d) for d in coord.dims],
            "values": values,
            "dtype": coord.dtype.str,
            "attrs": dict(coord.attrs),
        }
    return extra


def from_tidy(frame: pd.DataFrame, **kwargs: Any) -> xr.Dataset:
    """Rebuild a table from the layout of :func:`to_tidy`.

    Labels and attributes come from ``frame.attrs["iocirc"]`` when present
    (a frame straight from :func:`to_tidy`); a frame read back from a file
    has none, and then the labels are taken from the data in order of
    appearance and ``kwargs`` are passed to :func:`iocirc.from_arrays`
    (``year=...``, ``sector_zh=...``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``variable``, ``region``, ``row``, ``column``, ``value``.
    **kwargs
        Passed to :func:`iocirc.from_arrays`.

    Returns
    -------
    xarray.Dataset
        The table, validated.

    Raises
    ------
    SchemaError
        Missing columns, repeated or missing cells.

    Examples
    --------
    >>> import iocirc
    >>> frame = iocirc.to_tidy(iocirc.datasets.example_table())
    >>> frame.attrs.clear()  # as after a round trip through CSV
    >>> ds = iocirc.from_tidy(frame, year=2017)
    >>> ds.sizes["sector"]
    6
    """
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(f"the tidy frame lacks the column(s) {missing}; it needs {_COLUMNS}")
    meta = json.loads(frame.attrs["iocirc"]) if "iocirc" in frame.attrs else None

    def labels(variable: str, column: str) -> list[str]:
        values = frame.loc[frame["variable"] == variable, column].astype(str)
        return list(dict.fromkeys(values))

    unknown = sorted(set(map(str, frame["variable"])) - set(_AXES))
    if unknown:
        raise SchemaError(
            f"the tidy frame has rows of the unknown variable(s) {unknown}; it holds "
            f"{list(_AXES)} only (rows of other variables would be dropped)"
        )
    regions = meta["regions"] if meta else list(dict.fromkeys(frame["region"].astype(str)))
    sectors = meta["sectors"] if meta else labels("total_output", "row")
    flows = meta["flows"] if meta else labels("final_use", "column")
    va = meta["va_components"] if meta else labels("value_added", "row")
    arrays = {}
    for name, (row, col) in _AXES.items():
        part = frame[frame["variable"] == name].fillna({"column": ""})  # CSV reads "" as NaN
        part = part.astype({"region": str, "row": str, "column": str})
        row_labels = va if row == "va_component" else sectors
        col_labels = {"sector_to": sectors, "flow": flows}.get(col or "", [""])
        index = pd.MultiIndex.from_product(
            [regions, row_labels, col_labels], names=["region", "row", "column"]
        )
        series = part.set_index(["region", "row", "column"])["value"]
        if series.index.has_duplicates:
            raise SchemaError(f"the tidy frame repeats cells of {name!r}")
        absent = index.difference(pd.MultiIndex.from_tuples(series.index))
        if len(absent):
            raise SchemaError(
                f"the tidy frame lacks {len(absent)} cells of {name!r}, e.g. {absent[0]}"
            )
        stray = pd.MultiIndex.from_tuples(series.index).difference(index)
        if len(stray):
            raise SchemaError(
                f"the tidy frame has {len(stray)} cells of {name!r} outside the table's labels, "
                f"e.g. {stray[0]}; they would be dropped"
            )
        try:
            values = pd.to_numeric(series.reindex(index), errors="raise").to_numpy(dtype=float)
        except (TypeError, ValueError) as err:
            raise SchemaError(
                f"the tidy frame's values of {name!r} are not all numbers ({err}); write them "
                "as plain decimals (a comma is not a decimal point)"
            ) from None
        shape = (len(regions), len(row_labels)) + ((len(col_labels),) if col else ())
        arrays[name] = values.reshape(shape)
    options: dict[str, Any] = {}
    if meta:
        attrs = dict(meta["attrs"])
        options = {
            "region_zh": meta["region_zh"],
            "region_code": meta["region_code"],
            "sector_zh": meta["sector_zh"],
            "sector_en": meta["sector_en"],
            "currency_unit": attrs.pop("currency_unit"),
            "attrs": attrs,
        }
    known = _known_failures(meta, regions) if meta and "on_imbalance" not in kwargs else []
    if known:
        # The table was read with balance failures its reader reported (attrs
        # "balance_failures", e.g. 2002 Fujian): those regions are restored as they were,
        # the others are checked as usual.
        options["validate"] = False
    ds = from_arrays(
        arrays["intermediate_use"],
        arrays["final_use"],
        arrays["value_added"],
        arrays["total_output"],
        regions=regions,
        sectors=sectors,
        flows=flows,
        va_components=va,
        **(options | kwargs),
    )
    if known:
        validate(ds, on_imbalance="ignore")  # structure and values of every region
        rest = [r for r in regions if r not in known]
        if rest:
            validate(ds.sel(region=rest), rtol=kwargs.get("rtol"))
    if meta:
        ds.attrs = dict(meta["attrs"])
        for name, var_attrs in meta["var_attrs"].items():
            ds[name].attrs = var_attrs
        for name, spec in meta.get("extra_coords", {}).items():
            values = np.array(spec["values"], dtype=np.dtype(spec["dtype"]))
            ds = ds.assign_coords({name: (tuple(spec["dims"]), values)})
            ds[name].attrs = dict(spec["attrs"])
    return ds


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
