"""The one structure check of an IO table, generated from the schema registry.

A provincial table is checked against :data:`iocirc.schema.VARIABLES` and
:data:`~iocirc.schema.TABLE_DIMS`, a multi-regional one against
:data:`~iocirc.schema.MRIO_VARIABLES`, :data:`~iocirc.schema.MRIO_DIMS` and
:data:`~iocirc.schema.MRIO_COORDS`; the steps and their messages are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import xarray as xr

from iocirc._core.checks import check_labels, check_units, check_values
from iocirc.errors import SchemaError, UnitError
from iocirc.schema import (
    DIMS,
    MRIO_COORDS,
    MRIO_DIMS,
    MRIO_FLOWS,
    MRIO_VARIABLES,
    TABLE_DIMS,
    VARIABLES,
    VariableSpec,
    is_numeric,
    members,
)

__all__ = ["check_table"]

TableKind = Literal["provincial", "mrio"]


@dataclass(frozen=True)
class _Registry:
    """What the registry says a table of one kind holds."""

    what: str
    variables: Mapping[str, VariableSpec]
    dims: tuple[str, ...]
    #: Dimensions that must carry the same labels in the same order (rows and columns).
    pairs: tuple[tuple[str, str, str, str], ...]
    #: The labels the flow dimension may carry.
    flows: tuple[str, ...]
    #: Coordinates a complete table has, with their dimensions (boolean ones only).
    coords: Mapping[str, tuple[tuple[str, ...], str]]
    build: str
    #: Whether every dimension carries the label coordinates of :data:`iocirc.schema.DIMS`.
    label_coords: bool
    #: Whether provincial trade flows on the flow dimension are a known mistake, to explain.
    flows_are_categories: bool


_REGISTRIES = {
    "provincial": _Registry(
        what="regional IO table",
        variables=VARIABLES,
        dims=TABLE_DIMS,
        pairs=(("sector", "sector_to", "rows", "columns"),),
        flows=tuple(members("flow")),
        coords={},
        build="iocirc.from_arrays or read the official tables",
        label_coords=True,
        flows_are_categories=False,
    ),
    "mrio": _Registry(
        what="multi-regional table",
        variables=MRIO_VARIABLES,
        dims=MRIO_DIMS,
        pairs=(
            ("region", "region_to", "origin", "destination"),
            ("sector", "sector_to", "origin", "destination"),
        ),
        flows=MRIO_FLOWS,
        coords=MRIO_COORDS,
        build="iocirc.mrio.from_matrices",
        label_coords=False,
        flows_are_categories=True,
    ),
}

#: The dimensions a table's labels must be unique on.
_LABELLED = ("region", "sector", "region_to", "sector_to", "flow", "va_component")


def check_table(
    ds: object,
    needs: Iterable[str] | None = None,
    *,
    purpose: str,
    kind: TableKind = "provincial",
    values: bool = True,
    complete: bool = False,
    units: bool = True,
    single_region: bool = False,
) -> xr.Dataset:
    """Check what ``purpose`` reads of an IO table; return the table to compute with.

    Parameters
    ----------
    ds : object
        The table (anything else is refused).
    needs : iterable of str, optional
        The variables read (default: every required variable of the registry).
        Each must exist with its registry dimensions, indexed, holding numbers;
        the registry's optional variables the table has are checked alike.
    purpose : str
        The public function, for messages (``"circulation_ratio"``).
    kind : {"provincial", "mrio"}
        The registry to check against: a provincial table
        (:data:`iocirc.schema.VARIABLES`) or a multi-regional one
        (:data:`iocirc.schema.MRIO_VARIABLES`).
    values : bool
        Also check the values of ``needs`` (:func:`iocirc._core.check_values`:
        no NaN where the schema does not allow it, nothing infinite, no negative
        output), and of the registry's optional variables the table has. On dask
        data this check is part of the returned table's graph, so nothing is
        computed here.
    complete : bool
        Check the whole structure, as a validator does: every dimension indexed,
        with unique labels and its label coordinates.
    units : bool
        Require a ``currency_unit`` attribute that every monetary variable shares
        (False: variables need only agree with each other).
    single_region : bool
        Accept a single region's table (``ds.sel(region="Liaoning")``, a scalar
        ``region`` coordinate) in place of a ``region`` dimension.

    Returns
    -------
    xarray.Dataset
        ``ds``, or on dask data a new Dataset whose variables check their
        values when computed.

    Raises
    ------
    SchemaError
        Naming the missing variable, dimension, coordinate or label, what the
        table has and how to fix it.
    UnitError
        The currency unit is missing or variables disagree on it.
    """
    registry = _REGISTRIES[kind]
    if not isinstance(ds, xr.Dataset):
        raise SchemaError(
            f"{purpose}: expected an xarray.Dataset holding a {registry.what}, got "
            f"{type(ds).__name__}; build one with {registry.build}"
        )
    specs = registry.variables
    required = [n for n, spec in specs.items() if spec.required]
    names = tuple(required if needs is None else needs)
    single = single_region and "region" in ds.coords and ds["region"].ndim == 0
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        optional = [n for n in specs if n not in required]
        may = f" and may have {optional}" if optional else ""
        raise SchemaError(
            f"{purpose}: the Dataset lacks the variable(s) {missing}, which it needs; it has "
            f"{sorted(map(str, ds.data_vars))}. A {registry.what} has {required}{may} (see "
            f"iocirc.schema.{'MRIO_VARIABLES' if kind == 'mrio' else 'VARIABLES'})"
        )
    for name in dict.fromkeys([*names, *(n for n in specs if n in ds.data_vars)]):
        spec, var = specs[name], ds[name]
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
        _check_complete(ds, registry, single)
    _check_registered(ds, registry)
    monetary = list(specs)
    if units:
        if ds.attrs.get("currency_unit") is None:
            raise UnitError(
                f"{purpose}: the table has no 'currency_unit' attribute; set it, e.g. "
                "ds.attrs['currency_unit'] = '10^4 CNY' for the official tables"
            )
        check_units(ds, purpose=purpose, variables=monetary)
    else:
        check_units(ds, purpose=purpose, required=False, variables=monetary)
    # A table may be empty along a dimension (a republished workbook without final use);
    # validating it is fine, computing with it is refused.
    labelled = [
        d for d in _LABELLED if not (complete and kind == "provincial" and not ds.sizes.get(d))
    ]
    check_labels(ds, labelled, purpose=purpose)
    if not values:
        return ds
    checked = dict.fromkeys([*names, *(n for n in specs if n in ds.data_vars)])
    return check_values(ds, list(checked), purpose=purpose, specs=specs)


def _check_complete(ds: xr.Dataset, registry: _Registry, single: bool) -> None:
    for dim in registry.dims:
        if dim == "region" and single:
            continue
        if dim not in ds.indexes:
            raise SchemaError(f"dimension {dim!r} has no index; label it with {dim} coordinates")
        index = ds.indexes[dim]
        if index.has_duplicates:
            dups = sorted(set(map(str, index[index.duplicated()])))
            raise SchemaError(f"dimension {dim!r} has duplicated labels {dups}")
        absent = (
            [c for c in DIMS[dim].coords if c not in ds.coords] if registry.label_coords else []
        )
        if absent:
            raise SchemaError(
                f"dimension {dim!r} lacks the coordinate(s) {absent}; "
                f"iocirc.from_arrays fills them (from iocirc.schema for flows and "
                f"value-added components, from iocirc.regions for provinces)"
            )
    for coord, (dims, description) in registry.coords.items():
        if coord not in ds.coords:
            raise SchemaError(
                f"the {registry.what} lacks the coordinate {coord!r} ({description}); set "
                f"it, e.g. ds.assign_coords({coord}=('region', [False] * ds.sizes['region']))"
            )
        if ds[coord].dims != dims or ds[coord].dtype != bool:
            raise SchemaError(
                f"coordinate {coord!r} must be boolean over {dims}; it is {ds[coord].dtype} "
                f"over {ds[coord].dims}"
            )


def _check_registered(ds: xr.Dataset, registry: _Registry) -> None:
    """Paired dimensions carry the same labels; flows and value-added rows are registered."""
    for rows_dim, cols_dim, rows_name, cols_name in registry.pairs:
        rows, cols = ds.indexes.get(rows_dim), ds.indexes.get(cols_dim)
        if rows is not None and cols is not None and list(rows) != list(cols):
            raise SchemaError(
                f"dimensions {rows_dim!r} ({rows_name}) and {cols_dim!r} ({cols_name}) must carry "
                f"the same labels in the same order; got {list(rows)} and {list(cols)}"
            )
    if "flow" in ds.indexes:
        unknown = [str(x) for x in ds.indexes["flow"] if x not in registry.flows]
        if unknown and registry.flows_are_categories:
            trade = [f for f in unknown if f in members("flow")]
            hint = (
                f"; {trade} are flows of a provincial table: in a multi-regional table trade is "
                "between its regions, or in the variables 'export' and 'import'"
                if trade
                else ""
            )
            raise SchemaError(
                f"unknown final-demand categor{'y' if len(unknown) == 1 else 'ies'} {unknown} in "
                f"the flow dimension; a multi-regional table's categories are "
                f"{list(registry.flows)}{hint}"
            )
        if unknown:
            raise SchemaError(
                f"unknown flow label(s) {unknown}; registered labels: {list(registry.flows)}"
            )
    if "va_component" in ds.indexes:
        registered = members("va_component")
        unknown = [str(x) for x in ds.indexes["va_component"] if x not in registered]
        if unknown:
            raise SchemaError(
                f"unknown va_component label(s) {unknown}; registered labels: {list(registered)}"
            )
