"""Interprovincial freight: how much a group of provinces ships, receives and keeps.

Freight is an origin-destination array: an :class:`xarray.DataArray` over
``origin`` and ``destination`` (province names; the same set of labels on both,
the diagonal holding freight moved within a province) and optionally ``year``,
in tonnes. The indicators follow the paper reproduced by iocirc (its Figures 1
and 2, railway freight). For a group :math:`G` of provinces, with
:math:`T_{od}` the freight from :math:`o` to :math:`d`:

* outflow share: :math:`S_G / S`, where :math:`S_G = \\sum_{o \\in G, d \\ne o} T_{od}`
  is what the group's provinces ship to other provinces and
  :math:`S = \\sum_{o \\ne d} T_{od}` all interprovincial freight;
* receipt share: :math:`R_G / S`, :math:`R_G = \\sum_{d \\in G, o \\ne d} T_{od}`;
* domestic share: :math:`(S_G + R_G) / 2S`, the group's freight exchanged with
  other provinces over all interprovincial shipments and receipts;
* integration level: :math:`\\sum_{o, d \\in G} T_{od} / (\\sum_{o \\in G, d \\notin G}
  T_{od} + \\sum_{o \\notin G, d \\in G} T_{od})`, freight moved inside the group
  (between and within its provinces) over freight exchanged between the group
  and the rest of the country.

By default "other provinces" includes the group's other members (as the paper
words it: shipments to other provinces); ``count_within_group=False`` counts only
freight crossing the group's border.

Without a ``group``, every province is a group of its own: the result has a
``region`` dimension (each province's share of interprovincial shipments, its
freight within the province over its freight with the others, ...). The
paper's group is a constant, not a default: ``group="Northeast"`` names
:data:`iocirc.regions.REGION_GROUPS` ``["Northeast"]`` (Liaoning, Jilin,
Heilongjiang).

Freight CSV layout
------------------
One row per origin, destination and year::

    origin,destination,year,tonnes
    Liaoning,Liaoning,2021,12345.0
    Liaoning,Jilin,2021,2345.0

Provinces may be given by English or Chinese name or GB/T 2260 code. Pairs
absent from the file are NaN, so that a gap in the data shows in the results.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from typing import Any

import numpy as np
import xarray as xr

from iocirc._core import check_array
from iocirc._core.docs import doc_filler
from iocirc.errors import SchemaError
from iocirc.regions import REGION_GROUPS, province
from iocirc.trade._csv import read_csv
from iocirc.units import ratio_unit

__all__ = [
    "freight_domestic_share",
    "freight_integration_level",
    "freight_outflow_share",
    "freight_receipt_share",
    "read_freight_csv",
]

#: The dimension of results for every province (``group=None``).
EACH = "region"

_fill_doc = doc_filler(
    {
        "od": """\
od : xarray.DataArray
    Freight over ``origin`` and ``destination`` (and e.g. ``year``), e.g.
    tonnes; the same provinces on both axes.""",
        "group": """\
group : str, list of str or None
    A group of :data:`iocirc.regions.REGION_GROUPS` (e.g. ``"Northeast"``, the
    paper's), a single province, or a list of provinces. ``None`` (default):
    every province of ``od`` on its own, along a ``region`` dimension.""",
        "count_within_group": """\
count_within_group : bool
    Count freight between two provinces of the group (default) or only freight
    crossing the group's border. No matter for single provinces.""",
        "result": """\
xarray.DataArray
    Over the dimensions of ``od`` other than origin and destination, and
    ``region`` (first) without a ``group``. The attribute ``group`` lists the
    group's provinces.""",
    }
)


@_fill_doc
def freight_outflow_share(
    od: xr.DataArray,
    group: str | Iterable[str] | None = None,
    *,
    count_within_group: bool = True,
    percent: bool = False,
) -> xr.DataArray:
    """The group's share of all interprovincial shipments.

    Parameters
    ----------
    {od}
    {group}
    {count_within_group}
    {percent}

    Returns
    -------
    {result}

    Notes
    -----
    .. math:: \\frac{\\sum_{o \\in G,\\, d \\ne o} T_{od}}{\\sum_{o \\ne d} T_{od}}

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.trade.freight import freight_outflow_share
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_outflow_share(od, ["Liaoning", "Jilin"]))
    0.8
    >>> float(freight_outflow_share(od, ["Liaoning", "Jilin"], count_within_group=False))
    0.5
    >>> freight_outflow_share(od).values.tolist()  # each province: 30, 10 and 10 of 50
    [0.6, 0.2, 0.2]
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    if members is None:
        result = _each(_interprovincial(od).sum("destination", skipna=False), "origin", od)
        result = result / _total(_interprovincial(od))
    else:
        result = _side_share(od, members, "origin", count_within_group)
    return _finish(
        result,
        members,
        name="freight_outflow_share",
        long_name="share of interprovincial freight shipments",
        percent=percent,
    )


@_fill_doc
def freight_receipt_share(
    od: xr.DataArray,
    group: str | Iterable[str] | None = None,
    *,
    count_within_group: bool = True,
    percent: bool = False,
) -> xr.DataArray:
    """The group's share of all interprovincial receipts.

    Parameters
    ----------
    {od}
    {group}
    {count_within_group}
    {percent}

    Returns
    -------
    {result}

    Notes
    -----
    .. math:: \\frac{\\sum_{d \\in G,\\, o \\ne d} T_{od}}{\\sum_{o \\ne d} T_{od}}

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.trade.freight import freight_receipt_share
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_receipt_share(od, ["Liaoning", "Jilin"]))
    0.5
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    if members is None:
        result = _each(_interprovincial(od).sum("origin", skipna=False), "destination", od)
        result = result / _total(_interprovincial(od))
    else:
        result = _side_share(od, members, "destination", count_within_group)
    return _finish(
        result,
        members,
        name="freight_receipt_share",
        long_name="share of interprovincial freight receipts",
        percent=percent,
    )


@_fill_doc
def freight_domestic_share(
    od: xr.DataArray,
    group: str | Iterable[str] | None = None,
    *,
    count_within_group: bool = True,
    percent: bool = False,
) -> xr.DataArray:
    """The group's share of all interprovincial freight, shipped or received.

    Parameters
    ----------
    {od}
    {group}
    {count_within_group}
    {percent}

    Returns
    -------
    {result}
        It is the mean of the outflow and the receipt share.

    Notes
    -----
    .. math:: \\frac{S_G + R_G}{2 \\sum_{o \\ne d} T_{od}}

    Each interprovincial tonne is one province's shipment and another's
    receipt, so the denominator counts it twice, as the numerator does.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.trade.freight import freight_domestic_share
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_domestic_share(od, ["Liaoning", "Jilin"]))
    0.65
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    if members is None:
        inter = _interprovincial(od)
        shipped = _each(inter.sum("destination", skipna=False), "origin", od)
        received = _each(inter.sum("origin", skipna=False), "destination", od)
        result = (shipped + received) / (2.0 * _total(inter))
    else:
        shipped = _side_share(od, members, "origin", count_within_group)
        received = _side_share(od, members, "destination", count_within_group)
        result = (shipped + received) / 2.0
    return _finish(
        result,
        members,
        name="freight_domestic_share",
        long_name="share of interprovincial freight shipped or received",
        percent=percent,
    )


@_fill_doc
def freight_integration_level(
    od: xr.DataArray,
    group: str | Iterable[str] | None = None,
    *,
    percent: bool = False,
) -> xr.DataArray:
    """Freight moved inside a group relative to its freight with the rest of the country.

    Parameters
    ----------
    {od}
        The diagonal (freight within a province) is needed.
    {group}
    percent : bool
        Percent (units ``"%"``) instead of a ratio (units ``"1"``).

    Returns
    -------
    {result}
        Above 1 (100 %) the group moves more freight internally than it
        exchanges with the rest of the country.

    Notes
    -----
    .. math:: \\frac{\\sum_{o \\in G,\\, d \\in G} T_{od}}
              {\\sum_{o \\in G,\\, d \\notin G} T_{od} + \\sum_{o \\notin G,\\, d \\in G} T_{od}}

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.trade.freight import freight_integration_level
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_integration_level(od, ["Liaoning", "Jilin"]))  # 95 / (25 + 10)
    2.7142857142857144
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    if members is None:
        inter = _interprovincial(od)
        each = xr.DataArray(list(od.indexes["origin"]), dims=EACH)  # the diagonal, pointwise
        inside = od.sel(origin=each, destination=each).drop_vars(["origin", "destination"])
        inside = inside.assign_coords({EACH: _labels(od)})
        crossing = _each(inter.sum("destination", skipna=False), "origin", od) + _each(
            inter.sum("origin", skipna=False), "destination", od
        )
    else:
        from_group = _in(od["origin"], members)
        to_group = _in(od["destination"], members)
        inside = _total(od.where(from_group & to_group, 0.0))
        crossing = _total(od.where(from_group != to_group, 0.0))
    return _finish(
        inside / crossing.where(crossing != 0),
        members,
        name="freight_integration_level",
        long_name="freight inside the group over freight with the rest of the country",
        percent=percent,
    )


def read_freight_csv(path: str | PathLike[str] | Any) -> xr.DataArray:
    """Read origin-destination freight from a CSV file.

    Parameters
    ----------
    path : str, path-like or file-like
        A CSV file with the columns ``origin``, ``destination``, ``year`` and
        ``tonnes`` (see :mod:`iocirc.trade.freight`).

    Returns
    -------
    xarray.DataArray
        Freight over ``origin``, ``destination`` and ``year``, in tonnes, with
        the union of the origins and destinations on both axes (sorted) and NaN
        for pairs absent from the file.

    Raises
    ------
    ReadError
        The file cannot be read, lacks columns, has records of the wrong
        length, values that are not finite non-negative numbers, years that
        are not integers, or several rows for a pair and year; the message
        names the file, the line and the column.

    Examples
    --------
    >>> import io
    >>> from iocirc.trade.freight import read_freight_csv
    >>> od = read_freight_csv(io.StringIO(
    ...     "origin,destination,year,tonnes\\n辽宁,吉林,2021,10\\n吉林,辽宁,2021,5\\n"))
    >>> od.dims, od.sel(origin="Liaoning", destination="Jilin", year=2021).item()
    (('origin', 'destination', 'year'), 10.0)
    """
    keys = ["origin", "destination", "year"]
    frame = read_csv(
        path, "freight", (*keys, "tonnes"), numbers=("tonnes",), keys=tuple(keys)
    ).frame
    labels = sorted(set(frame["origin"]) | set(frame["destination"]))
    array = xr.DataArray.from_series(frame.set_index(keys)["tonnes"])
    array = array.reindex(origin=labels, destination=labels)
    array.name = "freight"
    array.attrs = {"units": "t", "long_name": "freight from origin to destination"}
    return array


# --------------------------------------------------------------------------------------------


def _checked(
    od: xr.DataArray, group: str | Iterable[str] | None
) -> tuple[xr.DataArray, list[str] | None]:
    """The freight array to compute with (values checked, lazily on dask) and the members
    (None: every province on its own)."""
    members = _members(od, group)
    for dim in ("origin", "destination"):
        index = od.indexes[dim]
        if index.has_duplicates:
            dups = sorted({str(v) for v in index[index.duplicated()]})
            raise SchemaError(
                f"freight dimension {dim!r} has the duplicated label(s) {dups}; each province "
                "must occur once (its freight would be counted twice)"
            )
    origins = set(map(str, od.indexes["origin"]))
    destinations = set(map(str, od.indexes["destination"]))
    if origins != destinations:
        raise SchemaError(
            "freight must cover the same provinces as origins and as destinations (a square "
            f"origin-destination matrix); origins only: {sorted(origins - destinations)}, "
            f"destinations only: {sorted(destinations - origins)}. Reindex both axes to the "
            "union, with 0 for pairs without freight"
        )
    if members is None and EACH in od.dims:
        raise SchemaError(
            f"freight has a {EACH!r} dimension, where the results for every province go; "
            "rename it, or pass group="
        )
    if members is not None and len(set(members)) != len(members):
        dups = sorted({m for m in members if members.count(m) > 1})
        raise SchemaError(f"the group lists the province(s) {dups} more than once")
    return check_array(od, what="freight tonnes"), members


def _members(od: xr.DataArray, group: str | Iterable[str] | None) -> list[str] | None:
    if not isinstance(od, xr.DataArray):
        raise SchemaError(f"freight must be an xarray.DataArray, got {type(od).__name__}")
    lacking_dims = [d for d in ("origin", "destination") if d not in od.dims]
    if lacking_dims:
        raise SchemaError(
            f"freight needs the dimensions 'origin' and 'destination'; it lacks {lacking_dims} "
            f"(dims {od.dims})"
        )
    for dim in ("origin", "destination"):
        if dim not in od.indexes:
            raise SchemaError(f"freight dimension {dim!r} has no labels")
    if group is None:
        return None
    if isinstance(group, str):
        if group in REGION_GROUPS:
            members = list(REGION_GROUPS[group])
        else:
            try:
                members = [province(group).name]
            except (KeyError, SchemaError):
                raise SchemaError(
                    f"unknown group {group!r}; use one of {list(REGION_GROUPS)}, a province, "
                    "or a list of provinces"
                ) from None
    else:
        members = [str(g) for g in group]
    if not members:
        raise SchemaError("the group of provinces is empty")
    labels = set(map(str, od.indexes["origin"])) | set(map(str, od.indexes["destination"]))
    lacking = [m for m in members if m not in labels]
    if lacking:
        raise SchemaError(
            f"the freight data lack the province(s) {lacking} of the group; they have "
            f"{sorted(labels)}"
        )
    return members


def _side_share(
    od: xr.DataArray, members: list[str], side: str, count_within_group: bool
) -> xr.DataArray:
    """Share of interprovincial freight shipped (side ``"origin"``) or received
    (``"destination"``) by the members; without ``count_within_group``, freight
    between two members is left out of the numerator."""
    other = "destination" if side == "origin" else "origin"
    inter = _interprovincial(od)
    mask = _in(od[side], members)
    if not count_within_group:
        mask = mask & ~_in(od[other], members)
    return _total(inter.where(mask, 0.0)) / _total(inter)


def _in(labels: xr.DataArray, members: list[str]) -> xr.DataArray:
    """A boolean over one label dimension (numpy, from the index: no data is read)."""
    dim = str(labels.dims[0])
    values = np.isin(np.asarray(labels.values, dtype=str), members)
    return xr.DataArray(values, dims=dim, coords={dim: labels.values})


def _interprovincial(od: xr.DataArray) -> xr.DataArray:
    """Freight between different provinces; the diagonal (even NaN) becomes 0."""
    origin = np.asarray(od["origin"].values, dtype=str)
    destination = np.asarray(od["destination"].values, dtype=str)
    between = xr.DataArray(
        origin[:, None] != destination[None, :],
        dims=("origin", "destination"),
        coords={"origin": od["origin"].values, "destination": od["destination"].values},
    )
    return od.where(between, 0.0)


def _total(values: xr.DataArray) -> xr.DataArray:
    return values.sum(("origin", "destination"), skipna=False)


def _labels(od: xr.DataArray) -> list[str]:
    """The provinces of ``od``, in the order of its origins."""
    return [str(v) for v in od.indexes["origin"]]


def _each(values: xr.DataArray, dim: str, od: xr.DataArray) -> xr.DataArray:
    """``values`` over ``dim`` (origin or destination) as over ``region``, in origin order."""
    out = values.rename({dim: EACH})
    out = out.assign_coords({EACH: [str(v) for v in out.indexes[EACH]]})
    return out.sel({EACH: _labels(od)})


def _finish(
    result: xr.DataArray,
    members: list[str] | None,
    *,
    name: str,
    long_name: str,
    percent: bool,
) -> xr.DataArray:
    if percent:
        result = result * 100.0
    result = result.drop_vars([c for c in result.coords if c not in result.dims])
    if members is None:
        result = result.transpose(EACH, ...)
    result.name = name
    result.attrs = {
        "long_name": long_name if members is not None else f"{long_name}, of each province",
        "units": ratio_unit(percent),
        "group": ", ".join(members) if members is not None else f"each province ({EACH!r})",
    }
    return result


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
