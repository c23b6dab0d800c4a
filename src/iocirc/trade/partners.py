"""Foreign trade by partner country, and totals over groups of partners.

Trade by partner is an :class:`xarray.DataArray` over ``region``, ``partner``
and ``direction`` (``"export"`` and ``"import"``), usually with ``year``, as in
the customs series of the paper reproduced by iocirc (its Figure 3: the three
northeastern provinces' trade in total and with Northeast Asia).

Partner trade CSV layout
------------------------
One row per region, partner and year::

    region,partner,year,exports,imports,unit
    Liaoning,Japan,2021,123.4,98.7,10^8 USD
    Liaoning,Russia,2021,...

Regions may be English or Chinese province names or GB/T 2260 codes;
partners are kept as written, except the Chinese names of the Northeast Asian
countries (日本, 韩国, 朝鲜, 俄罗斯, 蒙古), which become the English names of
:data:`PARTNER_GROUPS`. The unit is any unit :func:`iocirc.usd_to_cny`
understands, the same on every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any, Literal

import pandas as pd
import xarray as xr

from iocirc._core import check_array, check_choice, check_labels, group_members, warn
from iocirc._core.docs import fill_doc
from iocirc.errors import ReadError, SchemaError
from iocirc.schema import SCOPES
from iocirc.trade._csv import read_csv
from iocirc.units import ratio_unit

__all__ = [
    "NORTHEAST_ASIA",
    "PARTNER_GROUPS",
    "partner_group_share",
    "partner_group_totals",
    "read_partner_trade_csv",
]

#: Northeast Asia as the paper counts it: Japan, both Koreas, Russia and Mongolia.
NORTHEAST_ASIA: tuple[str, ...] = ("Japan", "Republic of Korea", "DPR Korea", "Russia", "Mongolia")

#: Groups of partner countries: name -> partners.
PARTNER_GROUPS: dict[str, tuple[str, ...]] = {"Northeast Asia": NORTHEAST_ASIA}

_PARTNER_ZH = {
    "日本": "Japan",
    "韩国": "Republic of Korea",
    "大韩民国": "Republic of Korea",
    "朝鲜": "DPR Korea",
    "俄罗斯": "Russia",
    "俄罗斯联邦": "Russia",
    "蒙古": "Mongolia",
    "蒙古国": "Mongolia",
}

# Directions of trade with partner countries: the international scope's flows (the registry).
DIRECTIONS: tuple[str, str] = SCOPES["international"].flows


def partner_group_totals(
    trade: xr.DataArray,
    groups: Mapping[str, Iterable[str]] | None = None,
    *,
    on_missing: Literal["raise", "skip"] = "raise",
) -> xr.DataArray:
    """Trade summed over groups of partner countries.

    Parameters
    ----------
    trade : xarray.DataArray
        Trade over ``partner`` (and ``region``, ``direction``, ``year``, ...).
    groups : mapping of str to list of str, optional
        Group name -> partners. Default: :data:`PARTNER_GROUPS` (Northeast Asia).
    on_missing : {"raise", "skip"}
        What to do about partners of a group that ``trade`` lacks: raise, or
        sum over those present.

    Returns
    -------
    xarray.DataArray
        ``trade`` with its ``partner`` dimension replaced by the group names,
        other dimensions and attributes kept. NaN (not reported) counts as
        missing data: a group sum is NaN if any member's value is.

    Raises
    ------
    SchemaError
        No ``partner`` dimension; group members absent (with ``"raise"``).

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.trade.partners import partner_group_totals
    >>> trade = xr.DataArray(
    ...     [[10.0, 4.0], [3.0, 2.0], [1.0, 0.5], [6.0, 8.0], [0.5, 0.1], [40.0, 35.0]],
    ...     coords={"partner": ["Japan", "Republic of Korea", "DPR Korea", "Russia",
    ...                         "Mongolia", "Germany"], "direction": ["export", "import"]})
    >>> partner_group_totals(trade).sel(direction="export").values.tolist()
    [20.5]
    """
    trade = _check_partner_array(trade)
    check_choice("on_missing", on_missing, ("raise", "skip"))
    groups = PARTNER_GROUPS if groups is None else groups
    available = [str(p) for p in trade.indexes["partner"]]
    members = group_members(groups, available, on_missing, item="partner", holder="the trade data")
    results = [trade.sel(partner=kept).sum("partner", skipna=False) for kept in members.values()]
    out = xr.concat(results, dim="partner").assign_coords(partner=[str(g) for g in groups])
    out = out.transpose(*trade.dims)
    out.name = trade.name
    out.attrs = dict(trade.attrs)
    return out


@fill_doc
def partner_group_share(
    trade: xr.DataArray,
    group: str | None = None,
    *,
    total: str | None = None,
    groups: Mapping[str, Iterable[str]] | None = None,
    percent: bool = False,
) -> xr.DataArray:
    """The share of a group of partners in total trade.

    Parameters
    ----------
    trade : xarray.DataArray
        Trade over ``partner`` (and ``region``, ``direction``, ``year``, ...).
    group : str
        A group of ``groups`` (default :data:`PARTNER_GROUPS`), e.g.
        ``"Northeast Asia"`` as the paper counts it (:data:`NORTHEAST_ASIA`).
        Required: omitting it still means ``"Northeast Asia"`` in this release,
        with a :class:`DeprecationWarning` (the paper's choice is no default).
    total : str, optional
        The label of a partner holding total trade (e.g. ``"World"``). Default:
        the sum over all partners of ``trade`` (which must then not include a
        total).
    groups : mapping, optional
        Groups of partners; default :data:`PARTNER_GROUPS`.
    {percent}

    Returns
    -------
    xarray.DataArray
        Over the dimensions of ``trade`` other than ``partner``.

    Examples
    --------
    >>> import xarray as xr
    >>> from iocirc.trade.partners import partner_group_share
    >>> trade = xr.DataArray([30.0, 10.0, 20.0, 60.0],
    ...                      coords={"partner": ["Japan", "Russia", "Mongolia", "World"]})
    >>> share = partner_group_share(trade, "Near", groups={"Near": ["Japan", "Russia"]},
    ...                             total="World", percent=True)
    >>> round(float(share), 2), share.attrs["units"]
    (66.67, '%')
    """
    trade = _check_partner_array(trade)
    ratio_unit(percent)  # checks that it is a boolean
    if group is None:
        warn(
            "partner_group_share without group= is deprecated (it meant the paper's "
            "'Northeast Asia'); pass group='Northeast Asia', or another group, explicitly",
            DeprecationWarning,
        )
        group = "Northeast Asia"
    groups = PARTNER_GROUPS if groups is None else groups
    if group not in groups:
        raise SchemaError(f"unknown partner group {group!r}; groups: {list(groups)}")
    part = partner_group_totals(trade, {group: groups[group]}).squeeze("partner", drop=True)
    if total is None:
        whole = trade.sum("partner", skipna=False)
    else:
        if total not in set(map(str, trade.indexes["partner"])):
            raise SchemaError(f"the trade data have no partner {total!r} holding the total")
        whole = trade.sel(partner=total, drop=True)
    share = part / whole.where(whole != 0)
    if percent:
        share = share * 100.0
    share = share.drop_vars([c for c in share.coords if c not in share.dims])
    share.name = "partner_share"
    share.attrs = {
        "long_name": f"share of {group} in total trade",
        "units": ratio_unit(percent),
    }
    return share


def read_partner_trade_csv(path: str | PathLike[str] | Any) -> xr.DataArray:
    """Read foreign trade by partner country from a CSV file.

    Parameters
    ----------
    path : str, path-like or file-like
        A CSV file with the columns ``region``, ``partner``, ``year``,
        ``exports``, ``imports`` and ``unit`` (see :mod:`iocirc.trade.partners`).

    Returns
    -------
    xarray.DataArray
        Trade over ``region``, ``partner``, ``direction`` (``"export"``,
        ``"import"``) and ``year``, with the file's unit as ``units``. Rows
        absent from the file are NaN.

    Raises
    ------
    ReadError
        The file cannot be read, lacks columns, has records of the wrong
        length, values that are not finite non-negative numbers, years that
        are not integers, several rows for a region, partner and year, or
        several units; the message names the file, the line and the column.
    UnitError
        A unit :func:`iocirc.units.parse_unit` does not know.

    Examples
    --------
    >>> import io
    >>> from iocirc.trade.partners import read_partner_trade_csv
    >>> trade = read_partner_trade_csv(io.StringIO(
    ...     "region,partner,year,exports,imports,unit\\n"
    ...     "辽宁,日本,2021,10,8,10^8 USD\\n辽宁,俄罗斯,2021,3,5,10^8 USD\\n"))
    >>> trade.dims
    ('region', 'partner', 'direction', 'year')
    >>> sorted(trade.indexes["partner"])
    ['Japan', 'Russia']
    """
    keys = ["region", "partner", "year"]
    table = read_csv(
        path,
        "partner trade",
        (*keys, "exports", "imports", "unit"),
        numbers=("exports", "imports"),
        keys=tuple(keys),
        labels={"partner": lambda p: _PARTNER_ZH.get(p, p)},
    )
    frame = table.frame
    units = table.units()
    if len(units) != 1:
        raise ReadError(
            f"the partner trade CSV {table.source} mixes the units {units}; give every row the "
            "same unit"
        )
    data = frame.set_index(keys)[["exports", "imports"]].rename(
        columns=dict(zip(("exports", "imports"), DIRECTIONS, strict=True))
    )
    stacked = data.stack(future_stack=True)
    assert isinstance(stacked, pd.Series)
    stacked.index = stacked.index.set_names([*keys, "direction"])
    array = xr.DataArray.from_series(stacked)
    array = array.reindex(direction=list(DIRECTIONS)).transpose(
        "region", "partner", "direction", "year"
    )
    array.name = "trade"
    array.attrs = {"units": units[0], "long_name": "foreign trade by partner country"}
    return array


def _check_partner_array(trade: Any) -> xr.DataArray:
    """The trade array to compute with: labels unique, values finite and non-negative (checked
    lazily on dask data)."""
    if not isinstance(trade, xr.DataArray):
        raise SchemaError(f"trade must be an xarray.DataArray, got {type(trade).__name__}")
    if "partner" not in trade.dims or "partner" not in trade.indexes:
        raise SchemaError(f"trade needs a labelled 'partner' dimension; it has {trade.dims}")
    check_labels(trade, [str(d) for d in trade.dims], purpose="partner trade")
    return check_array(trade, what="partner trade values")


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
