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
from iocirc.customs import _no_duplicates, _numbers, _read_csv
from iocirc.errors import SchemaError
from iocirc.regions import REGION_GROUPS, province
from iocirc.units import ratio_unit

__all__ = [
    "freight_domestic_share",
    "freight_integration_level",
    "freight_outflow_share",
    "freight_receipt_share",
    "read_freight_csv",
]


def freight_outflow_share(
    od: xr.DataArray,
    group: str | Iterable[str] = "Northeast",
    *,
    count_within_group: bool = True,
    percent: bool = False,
) -> xr.DataArray:
    """The group's share of all interprovincial shipments.

    Parameters
    ----------
    od : xarray.DataArray
        Freight over ``origin`` and ``destination`` (and e.g. ``year``).
    group : str or list of str
        A group of :data:`iocirc.regions.REGION_GROUPS` (default
        ``"Northeast"``), a single province, or a list of provinces.
    count_within_group : bool
        Count shipments between the group's own provinces (default) or only
        those leaving the group.
    percent : bool
        Percent (units ``"%"``) instead of a fraction (units ``"1"``).

    Returns
    -------
    xarray.DataArray
        Over the dimensions of ``od`` other than origin and destination.

    Notes
    -----
    .. math:: \\frac{\\sum_{o \\in G,\\, d \\ne o} T_{od}}{\\sum_{o \\ne d} T_{od}}

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.freight import freight_outflow_share
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_outflow_share(od, ["Liaoning", "Jilin"]))
    0.8
    >>> float(freight_outflow_share(od, ["Liaoning", "Jilin"], count_within_group=False))
    0.5
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    return _finish(
        _side_share(od, members, "origin", count_within_group),
        od,
        members,
        name="freight_outflow_share",
        long_name="share of interprovincial freight shipments",
        percent=percent,
    )


def freight_receipt_share(
    od: xr.DataArray,
    group: str | Iterable[str] = "Northeast",
    *,
    count_within_group: bool = True,
    percent: bool = False,
) -> xr.DataArray:
    """The group's share of all interprovincial receipts.

    Parameters
    ----------
    od : xarray.DataArray
        Freight over (origin, destination[, year]), e.g. tonnes.
    group : str or iterable of str
        A group of :data:`iocirc.regions.REGION_GROUPS` or province names.
    count_within_group : bool
        Count freight between two provinces of the group (see
        :func:`freight_outflow_share`).
    percent : bool
        Percent (units ``"%"``) instead of a fraction (``"1"``).

    Returns
    -------
    xarray.DataArray
        Over the dimensions of ``od`` other than origin and destination.

    Notes
    -----
    .. math:: \\frac{\\sum_{d \\in G,\\, o \\ne d} T_{od}}{\\sum_{o \\ne d} T_{od}}

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.freight import freight_receipt_share
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_receipt_share(od, ["Liaoning", "Jilin"]))
    0.5
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    return _finish(
        _side_share(od, members, "destination", count_within_group),
        od,
        members,
        name="freight_receipt_share",
        long_name="share of interprovincial freight receipts",
        percent=percent,
    )


def freight_domestic_share(
    od: xr.DataArray,
    group: str | Iterable[str] = "Northeast",
    *,
    count_within_group: bool = True,
    percent: bool = False,
) -> xr.DataArray:
    """The group's share of all interprovincial freight, shipped or received.

    Parameters
    ----------
    od : xarray.DataArray
        Freight over (origin, destination[, year]), e.g. tonnes.
    group : str or iterable of str
        A group of :data:`iocirc.regions.REGION_GROUPS` or province names.
    count_within_group : bool
        Count freight between two provinces of the group (see
        :func:`freight_outflow_share`).
    percent : bool
        Percent (units ``"%"``) instead of a fraction (``"1"``).

    Returns
    -------
    xarray.DataArray
        Over the dimensions of ``od`` other than origin and destination: the
        mean of the outflow and the receipt share.

    Notes
    -----
    .. math:: \\frac{S_G + R_G}{2 \\sum_{o \\ne d} T_{od}}

    Each interprovincial tonne is one province's shipment and another's
    receipt, so the denominator counts it twice, as the numerator does.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.freight import freight_domestic_share
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_domestic_share(od, ["Liaoning", "Jilin"]))
    0.65
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    shipped = _side_share(od, members, "origin", count_within_group)
    received = _side_share(od, members, "destination", count_within_group)
    return _finish(
        (shipped + received) / 2.0,
        od,
        members,
        name="freight_domestic_share",
        long_name="share of interprovincial freight shipped or received",
        percent=percent,
    )


def freight_integration_level(
    od: xr.DataArray,
    group: str | Iterable[str] = "Northeast",
    *,
    percent: bool = False,
) -> xr.DataArray:
    """Freight moved inside a group relative to its freight with the rest of the country.

    Parameters
    ----------
    od : xarray.DataArray
        Freight over ``origin`` and ``destination`` (and e.g. ``year``); the
        diagonal (freight within a province) is needed.
    group : str or list of str
        A group of :data:`iocirc.regions.REGION_GROUPS` (default
        ``"Northeast"``) or a list of provinces.
    percent : bool
        Percent (units ``"%"``) instead of a ratio (units ``"1"``).

    Returns
    -------
    xarray.DataArray
        Over the dimensions of ``od`` other than origin and destination. Above
        1 (100 %) the group moves more freight internally than it exchanges
        with the rest of the country.

    Notes
    -----
    .. math:: \\frac{\\sum_{o \\in G,\\, d \\in G} T_{od}}
              {\\sum_{o \\in G,\\, d \\notin G} T_{od} + \\sum_{o \\notin G,\\, d \\in G} T_{od}}

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.freight import freight_integration_level
    >>> names = ["Liaoning", "Jilin", "Beijing"]
    >>> od = xr.DataArray([[50.0, 10.0, 20.0], [5.0, 30.0, 5.0], [10.0, 0.0, 40.0]],
    ...                   coords={"origin": names, "destination": names})
    >>> float(freight_integration_level(od, ["Liaoning", "Jilin"]))  # 95 / (25 + 10)
    2.7142857142857144
    """
    ratio_unit(percent)  # checks that it is a boolean
    od, members = _checked(od, group)
    from_group = _in(od["origin"], members)
    to_group = _in(od["destination"], members)
    inside = _total(od.where(from_group & to_group, 0.0))
    crossing = _total(od.where(from_group != to_group, 0.0))
    return _finish(
        inside / crossing.where(crossing != 0),
        od,
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
        ``tonnes`` (see :mod:`iocirc.freight`).

    Returns
    -------
    xarray.DataArray
        Freight over ``origin``, ``destination`` and ``year``, in tonnes, with
        the union of the origins and destinations on both axes (sorted) and NaN
        for pairs absent from the file.

    Raises
    ------
    ReadError
        Missing columns, values that are not numbers, duplicated rows.

    Examples
    --------
    >>> import io
    >>> from iocirc.freight import read_freight_csv
    >>> od = read_freight_csv(io.StringIO(
    ...     "origin,destination,year,tonnes\\n辽宁,吉林,2021,10\\n吉林,辽宁,2021,5\\n"))
    >>> od.dims, od.sel(origin="Liaoning", destination="Jilin", year=2021).item()
    (('origin', 'destination', 'year'), 10.0)
    """
    frame = _read_csv(path, "freight", ("origin", "destination", "year", "tonnes"))
    frame = _numbers(frame, ("tonnes",), "freight")
    keys = ["origin", "destination", "year"]
    _no_duplicates(frame, keys, "freight")
    labels = sorted(set(frame["origin"]) | set(frame["destination"]))
    array = xr.DataArray.from_series(frame.set_index(keys)["tonnes"])
    array = array.reindex(origin=labels, destination=labels)
    array.name = "freight"
    array.attrs = {"units": "t", "long_name": "freight from origin to destination"}
    return array


# --------------------------------------------------------------------------------------------


def _checked(od: xr.DataArray, group: str | Iterable[str]) -> tuple[xr.DataArray, list[str]]:
    """The freight array to compute with (values checked, lazily on dask) and the members."""
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
    if len(set(members)) != len(members):
        dups = sorted({m for m in members if members.count(m) > 1})
        raise SchemaError(f"the group lists the province(s) {dups} more than once")
    return check_array(od, what="freight tonnes"), members


def _members(od: xr.DataArray, group: str | Iterable[str]) -> list[str]:
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


def _finish(
    result: xr.DataArray,
    od: xr.DataArray,
    members: list[str],
    *,
    name: str,
    long_name: str,
    percent: bool,
) -> xr.DataArray:
    if percent:
        result = result * 100.0
    result = result.drop_vars([c for c in result.coords if c not in result.dims])
    result.name = name
    result.attrs = {
        "long_name": long_name,
        "units": ratio_unit(percent),
        "group": ", ".join(members),
    }
    return result


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
