"""Aggregating the regions and sectors of a multi-regional table by concordance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from iocirc.errors import SchemaError
from iocirc.mrio._table import check_structure
from iocirc.schema import MRIO_VARIABLES

__all__ = ["aggregate"]

Concordance = Mapping[str, str] | pd.Series | xr.DataArray


def aggregate(
    mrio: xr.Dataset,
    *,
    regions: Concordance | None = None,
    sectors: Concordance | None = None,
    classification: str | None = None,
) -> xr.Dataset:
    """Sum the regions and/or sectors of a multi-regional table into groups.

    Parameters
    ----------
    mrio : xarray.Dataset
        A multi-regional table. Extra dimensions are carried along;
        dask-backed data stay lazy.
    regions : mapping, pandas.Series or xarray.DataArray, optional
        The group of every region: ``{region: group}``, a Series indexed by
        region, or a DataArray over ``region``. Every region must be mapped
        exactly once, and no other label may be named. The regions of a group
        must all be inside the nation or all outside it (``in_nation``).
    sectors : mapping, pandas.Series or xarray.DataArray, optional
        The group of every sector, likewise.
    classification : str, optional
        The ``classification`` attribute of the result when sectors are
        aggregated (default: the table's, with ``", aggregated"`` appended; the
        old one is kept as ``aggregated_from``).

    Returns
    -------
    xarray.Dataset
        The aggregated table, groups in sorted order (as
        :func:`iocirc.aggregate_sectors`); every variable in the table's currency unit. Origin and
        destination regions (and sectors) are aggregated alike, so trade
        within a group becomes the group's own use. The coordinates that name
        the members (``region_zh``, ``sector_en``, ...) and variables outside
        the registry that lie over an aggregated dimension are dropped.

    Notes
    -----
    With the 0/1 concordance matrices :math:`G` (regions, groups) and
    :math:`H` (sectors, groups) and :math:`P = G \\otimes H`,

    .. math::

        Z' = P^\\top Z P, \\quad Y' = P^\\top Y (G \\otimes I_F), \\quad
        V' = V P, \\quad x' = P^\\top x

    (likewise exports, imports and the discrepancy), so both identities,
    being sums, hold for the groups whenever they hold for the members.

    Raises
    ------
    SchemaError
        ``mrio`` is not a multi-regional table; a concordance leaves a label
        unmapped, maps one twice, names a label the table lacks, or puts
        regions inside and outside the nation into one group.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.mrio import aggregate
    >>> from iocirc.testing import synthetic_mrio
    >>> mrio = synthetic_mrio(4, 3, nation=3)
    >>> north = aggregate(mrio, regions={"R00": "N", "R01": "N", "R02": "S", "R03": "RoW"},
    ...                   sectors={"S00": "goods", "S01": "goods", "S02": "services"})
    >>> dict(north["intermediate_use"].sizes)
    {'region': 3, 'sector': 2, 'region_to': 3, 'sector_to': 2}
    >>> north.indexes["region"].tolist(), north["in_nation"].values.tolist()
    (['N', 'RoW', 'S'], [True, False, True])
    >>> iocirc.validate(north) is north
    True
    """
    check_structure(mrio)
    if regions is None and sectors is None:
        raise SchemaError("aggregate needs regions= and/or sectors= (a concordance)")
    out = mrio
    attrs = dict(mrio.attrs)
    if regions is not None:
        labels = [str(r) for r in mrio.indexes["region"]]
        groups = _groups(regions, labels, "region")
        flags = np.asarray(mrio["in_nation"].values, dtype=bool)
        _check_nation(groups, labels, flags)
        out = _apply(out, ("region", "region_to"), labels, groups)
        names = sorted(set(groups))
        out = out.assign_coords(
            in_nation=(
                "region",
                np.array([flags[groups.index(g)] for g in names], dtype=bool),
            )
        )
    if sectors is not None:
        labels = [str(s) for s in mrio.indexes["sector"]]
        out = _apply(out, ("sector", "sector_to"), labels, _groups(sectors, labels, "sector"))
        old = str(mrio.attrs.get("classification", "custom"))
        attrs["classification"] = (
            classification if classification is not None else f"{old}, aggregated"
        )
        attrs["aggregated_from"] = old
    out.attrs = attrs
    return out.copy(deep=True)  # never sharing memory (coordinates) with the input


def _groups(concordance: Any, labels: list[str], dim: str) -> list[str]:
    """The group of each label, checked: every label once, no other label."""
    if isinstance(concordance, xr.DataArray):
        if concordance.ndim != 1:
            raise SchemaError(
                f"the {dim} concordance must be one-dimensional, over {dim!r}; it has the "
                f"dimensions {concordance.dims}"
            )
        series = concordance.to_series()
    elif isinstance(concordance, pd.Series):
        series = concordance
    elif isinstance(concordance, Mapping):
        series = pd.Series(dict(concordance), dtype=object)
    else:
        raise SchemaError(
            f"the {dim} concordance must be a mapping, a pandas.Series or an xarray.DataArray "
            f"of group labels, got {type(concordance).__name__}"
        )
    index = [str(k) for k in series.index]
    dups = sorted({k for k in index if index.count(k) > 1})
    if dups:
        raise SchemaError(f"the {dim} concordance maps the label(s) {dups} more than once")
    mapping = dict(zip(index, series.to_numpy(), strict=True))
    missing = [k for k in labels if k not in mapping or pd.isna(mapping[k])]
    if missing:
        raise SchemaError(
            f"the {dim} concordance leaves the {dim} label(s) {missing} unmapped; map every "
            f"{dim} of the table to a group"
        )
    extra = [k for k in index if k not in labels]
    if extra:
        raise SchemaError(
            f"the {dim} concordance names {dim} label(s) {extra} that the table lacks; "
            f"it has {labels}"
        )
    groups = [str(mapping[k]) for k in labels]
    blank = [k for k, g in zip(labels, groups, strict=True) if not g.strip()]
    if blank:
        raise SchemaError(
            f"the {dim} concordance maps the {dim} label(s) {blank} to an empty group label; "
            "name every group"
        )
    return groups


def _check_nation(groups: list[str], labels: list[str], flags: np.ndarray) -> None:
    for group in dict.fromkeys(groups):
        members = [
            (r, bool(f)) for r, g, f in zip(labels, groups, flags, strict=True) if g == group
        ]
        if len({f for _, f in members}) > 1:
            inside = [r for r, f in members if f]
            outside = [r for r, f in members if not f]
            raise SchemaError(
                f"region group {group!r} mixes regions inside the nation {inside} and outside "
                f"it {outside}; group them separately, or change in_nation first"
            )


def _apply(
    mrio: xr.Dataset, dims: tuple[str, str], labels: list[str], groups: list[str]
) -> xr.Dataset:
    """Sum ``dims`` (origin and destination) of every variable over the groups."""
    names = sorted(set(groups))
    matrix = np.zeros((len(labels), len(names)))
    matrix[np.arange(len(labels)), [names.index(g) for g in groups]] = 1.0
    members_coords = [
        c for c in mrio.coords if c not in mrio.dims and any(d in dims for d in mrio[c].dims)
    ]
    mrio = mrio.drop_vars(members_coords)
    data = {}
    for name in MRIO_VARIABLES:
        if name not in mrio.data_vars:
            continue
        var = mrio[name]
        order = var.dims
        for dim in dims:
            if dim not in var.dims:
                continue
            weights = xr.DataArray(
                matrix, dims=(dim, "_group"), coords={dim: labels, "_group": names}
            )
            var = xr.dot(var, weights, dim=dim).rename(_group=dim)
        data[name] = var.transpose(*order).assign_attrs(mrio[name].attrs)
    rest = [v for v in mrio.data_vars if v not in data]
    out = mrio.drop_vars([*data, *rest]).drop_dims(list(dims))
    out = out.assign(data)
    return out.assign({v: mrio[v] for v in rest if not set(mrio[v].dims) & set(dims)})
