"""Customs statistics: substituting them for a table's foreign trade.

The provincial tables record foreign trade by where goods are produced and
used, the customs by where they are declared; and the 2007 tables give only
gross outflow and inflow (foreign and interprovincial trade together). The
paper reproduced by iocirc therefore takes exports and imports from customs
statistics and leaves the rest of the gross flows to interprovincial trade.
:func:`with_customs_trade` does exactly that, :func:`usd_to_cny` converts the
customs' US dollars, and :func:`read_customs_csv` reads customs figures from a
CSV file.

Customs CSV layout
------------------
One row per region and year (and optionally sector), with the columns::

    region,year,exports,imports,unit
    Liaoning,2017,3053.6,3985.2,10^8 CNY
    Jilin,2017,...

``region``
    English or Chinese province name or GB/T 2260 code (other names are kept
    as written).
``year``
    Integer year.
``exports``, ``imports``
    Values, non-negative.
``unit``
    ``"CNY"``, ``"USD"``, optionally scaled as ``"10^4 CNY"`` or
    ``"10^8 USD"``; the Chinese ``万元``, ``亿元``, ``万美元``, ``亿美元`` are
    understood too (any unit of :func:`iocirc.units.parse_unit`).
``sector`` (optional)
    Sector code of the table, for customs figures by sector.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._core import check_choice, check_labels, check_table, describe, ensure
from iocirc.errors import (
    ArgumentTypeError,
    ConventionWarning,
    MissingFlowError,
    SchemaError,
    UnitError,
)
from iocirc.schema import (
    CURRENCY_UNIT,
    SCOPES,
    available_flows,
    flow_values,
    member_coords,
    members,
)
from iocirc.trade._csv import CsvTable, read_csv
from iocirc.units import parse_unit

__all__ = ["read_customs_csv", "usd_to_cny", "with_customs_trade"]

# From the registry: the dual scope's gross flows are split into their parts (foreign trade of
# the international scope, interprovincial trade of the domestic one); the net outflow goes.
_DUAL, _FOREIGN, _DOMESTIC = SCOPES["dual"], SCOPES["international"], SCOPES["domestic"]
_REPLACES = {gross: members("flow")[gross].parts for gross in _DUAL.flows}
_SPLIT = tuple(part for parts in _REPLACES.values() for part in parts)
_DROPPED = (*_DUAL.flows, *((_DUAL.net,) if _DUAL.net else ()))


def with_customs_trade(
    ds: xr.Dataset,
    exports: xr.DataArray | pd.Series | Mapping[str, float],
    imports: xr.DataArray | pd.Series | Mapping[str, float],
    *,
    on_negative: Literal["raise", "warn", "ignore"] = "raise",
) -> xr.Dataset:
    """Replace a table's foreign trade by customs figures, keeping the gross flows.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table that reports, or lets derive, the gross outflow and
        inflow: a 2012/2017-style table (exports, imports, domestic outflow and
        inflow) or a 2007-style table (gross outflow and inflow only).
    exports, imports : xarray.DataArray, pandas.Series or mapping
        Customs exports and imports **in the table's currency unit** (convert
        US dollars with :func:`usd_to_cny`), per region (a Series or dict
        indexed by region, or a DataArray over ``region``) or per region and
        sector (a DataArray over ``region`` and ``sector``, or a Series with a
        ``(region, sector)`` index). Every region of the table must be covered;
        other regions are ignored. A ``units`` attribute, if present, must be
        the table's ``currency_unit``. If the figures have a ``year`` dimension
        that the table lacks, the table's ``year`` attribute selects one.
    on_negative : {"raise", "warn", "ignore"}
        What to do when customs trade exceeds the table's gross flow, leaving a
        negative domestic outflow or inflow: raise
        :class:`~iocirc.errors.SchemaError`, warn with
        :class:`~iocirc.errors.ConventionWarning`, or nothing. It is checked at
        the level the figures are given: a region's total for figures per
        region, each sector for figures per sector. On dask-backed tables the
        check runs when the result is computed.

    Returns
    -------
    xarray.Dataset
        A copy of the table whose ``final_use`` reports ``export``,
        ``domestic_outflow``, ``import`` and ``domestic_inflow`` (in place of
        ``gross_outflow`` and ``gross_inflow`` on a 2007-style table; a
        ``net_outflow`` column is dropped), with gross outflow and inflow
        unchanged for every sector, so the accounting identities still hold.
        The attribute ``foreign_trade`` records the substitution.

    Raises
    ------
    MissingFlowError
        The table lets derive no gross outflow and inflow (a 2002-style table
        with only a net outflow, or a national table).
    SchemaError
        Regions or sectors missing from the customs figures, negative or NaN
        customs figures, or negative domestic flows with ``on_negative="raise"``.
    UnitError
        Customs figures in another unit than the table's.

    Notes
    -----
    With customs exports :math:`E_r` of a region, table exports (or, on a
    2007-style table, gross outflow) :math:`b_{r,i}` and gross outflow
    :math:`g_{r,i}` of each product :math:`i`:

    .. math:: e_{r,i} = E_r \\frac{b_{r,i}}{\\sum_j b_{r,j}}, \\qquad
              o_{r,i} = g_{r,i} - e_{r,i}

    and alike for imports and the domestic inflow. A region whose basis sums to
    zero is distributed by gross outflow (inflow), and if that is zero too, in
    equal parts. Customs figures by sector are used as they are.

    The regional totals of the domestic flows, :math:`\\sum_i o_{r,i} = G_r - E_r`,
    do not depend on the distribution; regional indicators (the paper's Table 1)
    use only them. A sector whose share of the table's exports is much larger
    than its share of the gross outflow can be left with a negative domestic
    outflow when customs exports exceed the table's: that is the proportional
    convention, not an error, and is not reported. Sectoral analyses of a split
    table should look at such sectors (or pass customs figures by sector).

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.trade.customs import with_customs_trade
    >>> from iocirc.indicators import circulation_ratio
    >>> ds = iocirc.datasets.example_table("gross")
    >>> gross = iocirc.schema.flow_values(ds, "gross_outflow").sum("sector")
    >>> exports = 0.2 * gross  # customs exports, per region
    >>> imports = 0.1 * iocirc.schema.flow_values(ds, "gross_inflow").sum("sector")
    >>> split = with_customs_trade(ds, exports, imports)
    >>> [f for f in split.indexes["flow"] if f not in ds.indexes["flow"]]
    ['export', 'domestic_outflow', 'import', 'domestic_inflow']
    >>> international = circulation_ratio(split, "international")
    >>> dual = circulation_ratio(split, "dual")
    >>> bool(abs(dual - circulation_ratio(ds, "dual")).max() < 1e-12)
    True
    >>> iocirc.validate(split) is split
    True
    """
    ds = check_table(ds, ("final_use",), purpose="with_customs_trade")
    check_choice("on_negative", on_negative, ("raise", "warn", "ignore"))
    have = available_flows(ds)
    if _DUAL.outflow not in have or _DUAL.inflow not in have:
        raise MissingFlowError(
            f"with_customs_trade splits the gross outflow and inflow into foreign and "
            f"interprovincial trade, but the table (year {ds.attrs.get('year', 'unknown')}) "
            f"neither reports nor lets derive them: it reports {list(ds.indexes['flow'])}. "
            "A 2002-style table with only a net outflow cannot be split; a national table has "
            "no interprovincial trade"
        )
    unit = str(ds.attrs["currency_unit"])
    regions = [str(r) for r in ds.indexes["region"]]
    sectors = [str(s) for s in ds.indexes["sector"]]
    customs = {
        "exports": _customs_array(exports, "exports", ds, regions, sectors, unit),
        "imports": _customs_array(imports, "imports", ds, regions, sectors, unit),
    }

    new: dict[str, xr.DataArray] = {}
    for (foreign, domestic, gross_name), key in zip(
        (
            (_FOREIGN.outflow, _DOMESTIC.outflow, _DUAL.outflow),
            (_FOREIGN.inflow, _DOMESTIC.inflow, _DUAL.inflow),
        ),
        ("exports", "imports"),
        strict=True,
    ):
        gross = flow_values(ds, gross_name)
        basis = gross
        if foreign in have:
            basis = flow_values(ds, foreign).fillna(gross)
        values = customs[key]
        if "sector" not in values.dims:
            values = values * _shares(basis, gross)
        values = values.transpose(*[d for d in gross.dims if d in values.dims], ...)
        foreign_values = values.where(gross.notnull())
        domestic_values = gross - foreign_values
        if on_negative != "ignore":
            # Checked at the level the figures are given; only where customs put something
            # (a table's own negative gross flow is not ours to report).
            if "sector" in customs[key].dims:
                negative = (domestic_values < -1e-9 * abs(gross)) & (foreign_values > 0)
            else:
                total = gross.sum("sector", skipna=False)
                left = total - customs[key]
                negative = (left < -1e-9 * abs(total)) & (customs[key] > 0)
            domestic_values = ensure(
                domestic_values,
                negative,
                _negative_message(domestic, key),
                action="raise" if on_negative == "raise" else "warn",
                error=SchemaError,
                warning=ConventionWarning,
            )
        new[foreign] = foreign_values
        new[domestic] = domestic_values

    final_use = ds["final_use"]
    flows = _new_flow_order([str(f) for f in final_use.indexes["flow"]])
    kept = [f for f in flows if f not in new]
    flow_coords = [c for c in final_use.coords if "flow" in final_use[c].dims and c != "flow"]
    pieces = [final_use.sel(flow=kept).drop_vars(flow_coords)]
    for name, values in new.items():
        pieces.append(values.expand_dims(flow=[name]).transpose(*final_use.dims))
    combined = xr.concat(pieces, dim="flow", coords="minimal", compat="override", join="exact")
    combined = combined.sel(flow=flows).transpose(*final_use.dims)
    combined = combined.assign_coords(member_coords("flow", flows))
    combined.attrs = dict(final_use.attrs)
    out = ds.drop_dims("flow").assign(final_use=combined)[list(ds.data_vars)]
    out.attrs = {
        **ds.attrs,
        "foreign_trade": "exports and imports from customs statistics "
        "(iocirc.with_customs_trade); domestic flows are the gross flows less them",
    }
    # A new table: the variables and coordinates taken over unchanged would otherwise share
    # memory with the input, and an in-place edit of the result would reach it.
    return out.copy(deep=True)


def usd_to_cny(
    values_usd: xr.DataArray | pd.Series | Mapping[Any, float] | float,
    rates: xr.DataArray | pd.Series | Mapping[int, float],
    *,
    to_unit: str = CURRENCY_UNIT,
    from_unit: str | None = None,
    year: int | None = None,
) -> xr.DataArray:
    """Convert US dollars to yuan with annual exchange rates.

    Parameters
    ----------
    values_usd : xarray.DataArray, pandas.Series, mapping or float
        Values in US dollars with a ``year`` dimension (a DataArray), a
        ``year`` index level (a Series; other levels become dimensions), or
        keyed by year (a mapping). Without a year axis, give ``year=``.
    rates : xarray.DataArray, pandas.Series or mapping
        Yuan per US dollar (e.g. the annual average central parity), by year.
    to_unit : str
        Target unit: ``"CNY"``, ``"10^4 CNY"`` (default, the tables' unit) or
        ``"10^8 CNY"`` (also ``万元``, ``亿元``).
    from_unit : str, optional
        Unit of ``values_usd``: ``"USD"``, ``"10^4 USD"``, ``"10^8 USD"``
        (also ``万美元``, ``亿美元``). Default: the ``units`` attribute of a
        DataArray, else ``"USD"``.
    year : int, optional
        The year of values without a year axis.

    Returns
    -------
    xarray.DataArray
        The values in ``to_unit`` (attribute ``units``).

    Raises
    ------
    UnitError
        Unknown units, or ``from_unit`` not in dollars / ``to_unit`` not in yuan.
    SchemaError
        Years without an exchange rate, or no year to convert at; rates that
        are not finite positive numbers or repeat a year; ``year=`` given for
        values that have a year dimension (which says the year of each value).

    Notes
    -----
    .. math:: y_t = v_t \\cdot \\rho_t \\cdot \\frac{s_\\mathrm{from}}{s_\\mathrm{to}}

    with the rate :math:`\\rho_t` (CNY per USD) and the scales of the units.
    :func:`iocirc.units.convert` converts between any currency units.

    Examples
    --------
    >>> from iocirc.trade.customs import usd_to_cny
    >>> cny = usd_to_cny({2016: 100.0, 2017: 200.0}, {2016: 6.6, 2017: 6.8},
    ...                  from_unit="10^8 USD")
    >>> cny.values.tolist(), cny.attrs["units"]
    ([6600000.0, 13600000.0], '10^4 CNY')
    """
    source_unit = from_unit
    if source_unit is None:
        source_unit = str(getattr(values_usd, "attrs", {}).get("units", "USD"))
    from_scale, from_currency = parse_unit(source_unit)
    to_scale, to_currency = parse_unit(to_unit)
    if from_currency != "USD":
        raise UnitError(f"usd_to_cny converts US dollars; the values are in {source_unit!r}")
    if to_currency != "CNY":
        raise UnitError(f"usd_to_cny converts to yuan; {to_unit!r} is not a yuan unit")
    values = _year_array(values_usd, "values_usd")
    rate = _year_array(rates, "rates")
    if "year" not in rate.dims:
        raise SchemaError("rates must be given by year (a year dimension, index or keys)")
    check_labels(rate, ["year"], purpose="usd_to_cny rates")
    _positive_rates(rate)
    if year is not None and "year" in values.dims:
        raise SchemaError(
            f"year={year!r} was given but the values have a year dimension "
            f"({sorted(map(int, values.indexes['year']))}), which says the year of each value; "
            "select one with .sel(year=...) or leave out year="
        )
    if year is not None:
        year = _year_argument(year)
    if "year" not in values.dims:
        if year is None:
            raise SchemaError(
                "the values have no year; give them a year dimension/index or pass year=..."
            )
        values = values.expand_dims(year=[int(year)])
    lacking = sorted(set(map(int, values.indexes["year"])) - set(map(int, rate.indexes["year"])))
    if lacking:
        raise SchemaError(
            f"no exchange rate for the year(s) {lacking}; rates cover "
            f"{sorted(map(int, rate.indexes['year']))}"
        )
    converted = values * rate.sel(year=values.indexes["year"]) * (from_scale / to_scale)
    if year is not None and "year" not in _year_array(values_usd, "values_usd").dims:
        converted = converted.squeeze("year", drop=True)
    converted.attrs = {"units": to_unit, "long_name": str(values.attrs.get("long_name", ""))}
    if not converted.attrs["long_name"]:
        del converted.attrs["long_name"]
    return converted.rename(values.name)


def read_customs_csv(
    path: str | PathLike[str] | Any,
    *,
    rates: xr.DataArray | pd.Series | Mapping[int, float] | None = None,
    to_unit: str = CURRENCY_UNIT,
) -> xr.Dataset:
    """Read customs exports and imports from a CSV file.

    Parameters
    ----------
    path : str, path-like or file-like
        A CSV file in the layout of :mod:`iocirc.trade.customs` (columns ``region``,
        ``year``, ``exports``, ``imports``, ``unit``, optionally ``sector``).
    rates : xarray.DataArray, pandas.Series or mapping, optional
        Yuan per US dollar by year, to convert rows in dollars.
    to_unit : str
        The unit of the result when rows must be converted (rows in several
        units, or in dollars with ``rates``). A file in one unit is returned
        in that unit unless ``rates`` is given.

    Returns
    -------
    xarray.Dataset
        Variables ``exports`` and ``imports`` over ``region`` and ``year``
        (and ``sector``), with a ``units`` attribute. Pairs absent from the
        file are NaN. Select a year and pass them to :func:`with_customs_trade`
        (which also selects the table's year by itself).

    Raises
    ------
    ReadError
        Missing columns, unparsable numbers, duplicated rows.
    UnitError
        Unknown units, or rows in dollars and yuan without ``rates``.

    Examples
    --------
    >>> import io
    >>> from iocirc.trade.customs import read_customs_csv
    >>> text = io.StringIO("region,year,exports,imports,unit\\n"
    ...                    "辽宁,2017,30.5,39.9,10^8 USD\\nJilin,2017,4.5,14.0,10^8 USD\\n")
    >>> customs = read_customs_csv(text, rates={2017: 6.7518})
    >>> customs["exports"].dims, customs["exports"].attrs["units"]
    (('region', 'year'), '10^4 CNY')
    >>> round(float(customs["exports"].sel(region="Liaoning", year=2017)), 1)
    2059299.0
    """
    table = read_csv(
        path,
        "customs",
        ("region", "year", "exports", "imports", "unit"),
        numbers=("exports", "imports"),
        keys=("region", "year", "sector"),
    )
    frame = table.frame
    keys = ["region", "year"] + (["sector"] if "sector" in frame.columns else [])
    units = table.units()
    if rates is None and len(units) == 1:
        target = units[0]
    else:
        target = to_unit
        frame = _convert_rows(table, ("exports", "imports"), target, rates)
    data = frame.set_index(keys)[["exports", "imports"]]
    ds = xr.Dataset.from_dataframe(data)
    for name in ("exports", "imports"):
        ds[name].attrs = {"units": target, "long_name": f"customs {name}"}
    ds.attrs = {"source": str(path) if isinstance(path, str | PathLike) else "customs CSV"}
    return ds


# --------------------------------------------------------------------------------------------


def _negative_message(flow: str, key: str) -> Any:
    def message(where: str) -> str:
        return (
            f"customs {key} exceed the table's gross flow, leaving a negative {flow}, for "
            f"{where}. Check that the customs figures are in the table's unit and year; "
            "pass on_negative='warn' or 'ignore' to accept them"
        )

    return message


def _shares(basis: xr.DataArray, fallback: xr.DataArray) -> xr.DataArray:
    """Shares of each sector in ``basis``, else ``fallback``, else equal shares."""
    n = basis.sizes["sector"]
    basis_total = basis.sum("sector", skipna=False)
    fallback_total = fallback.sum("sector", skipna=False)
    by_basis = basis / basis_total.where(basis_total != 0)
    by_fallback = fallback / fallback_total.where(fallback_total != 0)
    equal = xr.ones_like(basis) / n
    shares = xr.where(basis_total != 0, by_basis, xr.where(fallback_total != 0, by_fallback, equal))
    return shares.where(basis.notnull())


def _customs_array(
    values: object,
    name: str,
    ds: xr.Dataset,
    regions: list[str],
    sectors: list[str],
    unit: str,
) -> xr.DataArray:
    if isinstance(values, xr.Dataset):
        raise ArgumentTypeError(
            f"{name} must be a DataArray, not a Dataset; pass e.g. customs[{name!r}] from "
            "iocirc.read_customs_csv"
        )
    if isinstance(values, xr.DataArray):
        array = values
    elif isinstance(values, pd.Series):
        series = values.copy()
        if series.index.nlevels == 1 and series.index.name is None:
            series.index = series.index.rename("region")
        array = xr.DataArray.from_series(series)
        array.attrs = dict(values.attrs)
    elif isinstance(values, Mapping):
        array = xr.DataArray(
            np.array(list(values.values()), dtype=float),
            dims="region",
            coords={"region": [str(k) for k in values]},
        )
    else:
        raise ArgumentTypeError(
            f"{name} must be a DataArray, a pandas.Series or a dict by region, "
            f"not {type(values).__name__}"
        )
    given_unit = array.attrs.get("units")
    if given_unit is not None and str(given_unit) != unit:
        raise UnitError(
            f"customs {name} are in {given_unit!r} but the table is in {unit!r}; convert them "
            "first (iocirc.usd_to_cny for dollars)"
        )
    if "region" not in array.dims:
        raise SchemaError(f"customs {name} have no 'region' dimension (dims {array.dims})")
    table_dims = set(ds["final_use"].dims)
    if "year" in array.dims and "year" not in table_dims:
        year = ds.attrs.get("year")
        years = list(array.indexes["year"])
        if year not in years:
            raise SchemaError(
                f"customs {name} are by year {years} but the table's year is {year!r}; "
                "select a year with .sel(year=...)"
            )
        array = array.sel(year=year, drop=True)
    extra = [d for d in array.dims if d not in table_dims or d == "flow"]
    if extra:
        raise SchemaError(
            f"customs {name} have the dimension(s) {extra}, which the table's final use lacks; "
            "give them over region (and sector, or the table's extra dimensions)"
        )
    labels = set(map(str, array.indexes["region"]))
    lacking = [r for r in regions if r not in labels]
    if lacking:
        raise SchemaError(
            f"customs {name} lack the region(s) {lacking} of the table; they have {sorted(labels)}"
        )
    array = array.sel(region=regions)
    if "sector" in array.dims:
        have = set(map(str, array.indexes["sector"]))
        lacking = [s for s in sectors if s not in have]
        if lacking:
            raise SchemaError(f"customs {name} by sector lack the sector(s) {lacking}")
        array = array.sel(sector=sectors)
    array = array.drop_vars([c for c in array.coords if c not in array.dims])
    if array.chunks is None:
        data = np.asarray(array.values, dtype=float)
        if (~np.isfinite(data)).any() or (data < 0).any():
            bad = ~np.isfinite(data) | (data < 0)
            where = ", ".join(
                f"{dict(zip(array.dims, map(int, p), strict=True))}" for p in np.argwhere(bad)[:3]
            )
            raise SchemaError(
                f"customs {name} must be finite non-negative numbers; got NaN, infinity or < 0 "
                f"at {where}"
            )
    return array.astype(float)


def _positive_rates(rate: xr.DataArray) -> None:
    """Refuse exchange rates that are not finite positive numbers (CNY per USD)."""
    data = np.asarray(rate.values)
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        raise SchemaError(f"exchange rates must be numbers (CNY per USD); got {data.dtype} data")
    data = data.astype(float)
    bad = ~np.isfinite(data) | (data <= 0)
    if bad.any():
        raise SchemaError(
            f"exchange rates must be finite positive numbers (CNY per USD); got "
            f"{data[bad][0]!r} at {describe(rate, bad)}"
        )


def _year_argument(year: object) -> int:
    if isinstance(year, bool | np.bool_) or not isinstance(year, int | np.integer):
        raise SchemaError(f"year must be an integer year such as 2017, not {year!r}")
    return int(year)


def _new_flow_order(flows: list[str]) -> list[str]:
    order: list[str] = []
    for f in flows:
        if f in _REPLACES:
            order.extend(_REPLACES[f])
        elif f not in _DROPPED:
            order.append(f)
    for f in _SPLIT:
        if f not in order:
            order.append(f)
    return list(dict.fromkeys(order))


def _is_year(label: object) -> bool:
    try:
        return int(str(label)) == float(str(label))
    except ValueError:
        return False


def _year_array(values: object, name: str) -> xr.DataArray:
    if isinstance(values, xr.DataArray):
        return values
    if isinstance(values, pd.Series):
        series = values.copy()
        if series.index.nlevels == 1 and series.index.name is None:
            if not all(_is_year(label) for label in series.index):
                raise SchemaError(
                    f"{name} is a Series with an unnamed index that does not hold years "
                    f"(e.g. {series.index[0]!r}); name the index (series.rename_axis('region')) "
                    "and pass year=..., or index it by year"
                )
            series.index = series.index.rename("year")
        array = xr.DataArray.from_series(series)
        array.attrs = dict(values.attrs)
        return array
    if isinstance(values, Mapping):
        strange = [key for key in values if not _is_year(key)]
        if strange:
            raise SchemaError(
                f"{name} is a mapping by year, but has the keys {strange[:3]}; key it by year, "
                "or give a DataArray/Series with named dimensions and pass year=..."
            )
        return xr.DataArray(
            np.array(list(values.values()), dtype=float),
            dims="year",
            coords={"year": [int(k) for k in values]},
        )
    if isinstance(values, bool | np.bool_):
        raise ArgumentTypeError(f"{name} must be numbers, not the boolean {values!r}")
    if isinstance(values, int | float | np.number):
        return xr.DataArray(float(values))
    raise ArgumentTypeError(
        f"{name} must be a DataArray, a pandas.Series, a mapping by year or a number, "
        f"not {type(values).__name__}"
    )


def _convert_rows(
    table: CsvTable,
    columns: tuple[str, ...],
    target: str,
    rates: xr.DataArray | pd.Series | Mapping[int, float] | None,
) -> pd.DataFrame:
    """Convert every row of the table to ``target`` (yuan), by its ``unit``."""
    to_scale, to_currency = parse_unit(target)
    if to_currency != "CNY":
        raise UnitError(f"to_unit must be a yuan unit, not {target!r}")
    frame = table.frame.copy()
    factor = np.ones(len(frame))
    rate_array = _year_array(rates, "rates") if rates is not None else None
    for unit in sorted(set(frame["unit"])):
        scale, currency = parse_unit(unit)
        rows = (frame["unit"] == unit).to_numpy()
        if currency == "CNY":
            factor[rows] = scale / to_scale
            continue
        first = table.where(frame.index[rows][0], "unit")
        if rate_array is None:
            raise UnitError(
                f"{first}: rows in {unit!r} need exchange rates to be combined with yuan rows; "
                "pass rates={year: CNY per USD}"
            )
        years = frame.loc[rows, "year"].astype(int)
        lacking = sorted(set(years) - set(map(int, rate_array.indexes["year"])))
        if lacking:
            raise UnitError(f"{first}: no exchange rate for the year(s) {lacking}")
        factor[rows] = rate_array.sel(year=years.to_numpy()).to_numpy() * scale / to_scale
    for column in columns:
        frame[column] = frame[column] * factor
    frame["unit"] = target
    return frame


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
