"""The one structure check of a regional IO table, generated from the schema registry."""

from __future__ import annotations

from collections.abc import Iterable

import xarray as xr

from iocirc._core.checks import check_labels, check_units, check_values
from iocirc.errors import SchemaError, UnitError
from iocirc.schema import DIMS, TABLE_DIMS, VARIABLES, is_numeric, members

__all__ = ["check_table"]

#: The dimensions a table's labels must be unique on.
_LABELLED = ("region", "sector", "sector_to", "flow", "va_component")


def check_table(
    ds: object,
    needs: Iterable[str] | None = None,
    *,
    purpose: str,
    values: bool = True,
    complete: bool = False,
    units: bool = True,
    single_region: bool = False,
) -> xr.Dataset:
    """Check what ``purpose`` reads of a regional IO table; return the table to compute with.

    Parameters
    ----------
    ds : object
        The table (anything else is refused).
    needs : iterable of str, optional
        The variables read (default: every variable of the schema). Each must
        exist with its schema dimensions, indexed, holding numbers.
    purpose : str
        The public function, for messages (``"circulation_ratio"``).
    values : bool
        Also check the values of ``needs`` (:func:`iocirc._core.check_values`:
        no NaN where the schema does not allow it, nothing infinite, no negative
        output). On dask data this check is part of the returned table's graph,
        so nothing is computed here.
    complete : bool
        Check the whole structure, as :func:`iocirc.validate` does: every
        dimension indexed and with its label coordinates, rows and columns with
        the same sectors. (Rows and columns with the same sectors and registered
        flow and value-added labels are checked whatever ``complete`` says.)
    units : bool
        Require a ``currency_unit`` attribute that every monetary variable shares
        (False: variables need only agree with each other).
    single_region : bool
        Accept a single region's table (``ds.sel(region="Liaoning")``, a scalar
        ``region`` coordinate) in place of a ``region`` dimension.

    Raises
    ------
    SchemaError
        Naming the missing variable, dimension, coordinate or label, what the
        table has and how to fix it.
    UnitError
        The currency unit is missing or variables disagree on it.
    """
    if not isinstance(ds, xr.Dataset):
        raise SchemaError(
            f"{purpose}: expected an xarray.Dataset holding a regional IO table, got "
            f"{type(ds).__name__}; build one with iocirc.from_arrays or read the official tables"
        )
    names = tuple(VARIABLES if needs is None else needs)
    single = single_region and "region" in ds.coords and ds["region"].ndim == 0
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        raise SchemaError(
            f"{purpose}: the Dataset lacks the variable(s) {missing}, which it needs; it has "
            f"{sorted(map(str, ds.data_vars))}. An IO table has "
            + ", ".join(VARIABLES)
            + " (see iocirc.schema.VARIABLES)"
        )
    for name in names:
        spec, var = VARIABLES[name], ds[name]
        lacking = [d for d in spec.dims if d not in var.dims and not (d == "region" and single)]
        if lacking:
            raise SchemaError(
                f"variable {name!r} lacks the dimension(s) {lacking}: it has {var.dims}, "
                f"expected {spec.dims} (plus any extra dimensions)"
            )
        if not is_numeric(var):
            raise SchemaError(
                f"variable {name!r} holds {var.dtype} data; expected numbers (float64)"
            )
        for dim in var.dims:
            if dim in spec.dims and dim not in ds.indexes:
                raise SchemaError(
                    f"dimension {dim!r} has no index; label it with {dim} coordinates"
                )
    if complete:
        _check_complete(ds, single)
    _check_registered(ds)
    if units:
        if ds.attrs.get("currency_unit") is None:
            raise UnitError(
                f"{purpose}: the table has no 'currency_unit' attribute; set it, e.g. "
                "ds.attrs['currency_unit'] = '10^4 CNY' for the official tables"
            )
        check_units(ds, purpose=purpose)
    else:
        check_units(ds, purpose=purpose, required=False)
    # A table may be empty along a dimension (a republished workbook without final use);
    # validating it is fine, computing with it is refused.
    labelled = [d for d in _LABELLED if not (complete and ds.sizes.get(d) == 0)]
    check_labels(ds, labelled, purpose=purpose)
    return check_values(ds, names, purpose=purpose) if values else ds


def _check_complete(ds: xr.Dataset, single: bool) -> None:
    for dim in TABLE_DIMS:
        if dim == "region" and single:
            continue
        if dim not in ds.indexes:
            raise SchemaError(f"dimension {dim!r} has no index; label it with {dim} coordinates")
        index = ds.indexes[dim]
        if index.has_duplicates:
            dups = sorted(set(map(str, index[index.duplicated()])))
            raise SchemaError(f"dimension {dim!r} has duplicated labels {dups}")
        absent = [c for c in DIMS[dim].coords if c not in ds.coords]
        if absent:
            raise SchemaError(
                f"dimension {dim!r} lacks the coordinate(s) {absent}; "
                f"iocirc.from_arrays fills them (from iocirc.schema for flows and "
                f"value-added components, from iocirc.regions for provinces)"
            )


def _check_registered(ds: xr.Dataset) -> None:
    """Rows and columns carry the same sectors; flows and value-added rows are registered."""
    rows, cols = ds.indexes.get("sector"), ds.indexes.get("sector_to")
    if rows is not None and cols is not None and list(rows) != list(cols):
        raise SchemaError(
            "dimensions 'sector' (rows) and 'sector_to' (columns) must carry the same labels "
            f"in the same order; got {list(rows)} and {list(cols)}"
        )
    for dim in ("flow", "va_component"):
        if dim not in ds.indexes:
            continue
        registry = members(dim)
        unknown = [str(x) for x in ds.indexes[dim] if x not in registry]
        if unknown:
            raise SchemaError(
                f"unknown {dim} label(s) {unknown}; registered labels: {list(registry)}"
            )
