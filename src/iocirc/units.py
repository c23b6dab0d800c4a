"""Units of measurement: currency units, ratios and percent, and converting between them.

Every monetary variable of a table carries its currency unit as the ``units``
attribute, and the table as ``attrs["currency_unit"]`` (``"10^4 CNY"`` for the
official Chinese tables, ``"million USD"`` for WIOD). Ratios carry
``units="1"`` and percentages ``units="%"``. This module is the one place that
reads such units:

* :func:`parse_unit` turns a currency unit into its factor and currency
  (``"万元"`` and ``"10^4 CNY"`` are both ``(10000.0, "CNY")``);
* :func:`convert` converts a DataArray or a table between units, with exchange
  rates where the currencies differ, and between ratios and percent.

The indicators' ``percent=True`` is the same as converting their result:
``iocirc.units.convert(circulation_ratio(ds, "dual"), to="%")``.

Accepted currency units
-----------------------
``CNY`` (also ``RMB``, ``yuan``) and ``USD``, optionally scaled by a power of
ten written ``10^4 CNY``, ``1e8 USD``, ``10000 CNY`` or in words (``thousand``,
``million``, ``billion``, ``trillion``: ``million USD``), and the Chinese
names ``元``, ``千元``, ``万元``, ``十万元``, ``百万元``, ``千万元``, ``亿元``,
``万亿元``, ``美元``, ``千美元``, ``万美元``, ``百万美元``, ``亿美元``. Scales
beyond 10^15 are refused as absurd.
"""

from __future__ import annotations

import re
from typing import NamedTuple, TypeVar

import numpy as np
import xarray as xr

from iocirc.errors import ArgumentTypeError, UnitError

__all__ = [
    "CURRENCIES",
    "DIMENSIONLESS",
    "MAX_EXPONENT",
    "PERCENT",
    "RATIO",
    "CurrencyUnit",
    "chinese_units",
    "convert",
    "parse_unit",
    "ratio_unit",
]

#: The currencies a unit may be in (ISO 4217 codes).
CURRENCIES: tuple[str, ...] = ("CNY", "USD")

#: The unit of a ratio or share.
RATIO = "1"

#: The unit of a percentage: a ratio times 100.
PERCENT = "%"

#: Dimensionless units and their size as a multiple of :data:`RATIO`.
DIMENSIONLESS: dict[str, float] = {RATIO: 1.0, PERCENT: 0.01}

#: The largest power of ten a currency unit may be scaled by.
MAX_EXPONENT = 15


class CurrencyUnit(NamedTuple):
    """A parsed currency unit: ``factor`` units of ``currency``.

    Attributes
    ----------
    factor : float
        How many of the currency one unit is (``10000.0`` for 万元).
    currency : str
        One of :data:`CURRENCIES`.
    """

    factor: float
    currency: str


#: Chinese unit names: name -> (power of ten, currency).
_ZH_UNITS: dict[str, tuple[int, str]] = {
    "元": (0, "CNY"),
    "千元": (3, "CNY"),
    "万元": (4, "CNY"),
    "十万元": (5, "CNY"),
    "百万元": (6, "CNY"),
    "千万元": (7, "CNY"),
    "亿元": (8, "CNY"),
    "万亿元": (12, "CNY"),
    "美元": (0, "USD"),
    "千美元": (3, "USD"),
    "万美元": (4, "USD"),
    "百万美元": (6, "USD"),
    "亿美元": (8, "USD"),
}
_WORDS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_CURRENCY_NAMES = {"cny": "CNY", "rmb": "CNY", "yuan": "CNY", "usd": "USD"}
_UNIT_RE = re.compile(
    r"^\s*(?:(?:10\^(?P<power>\d+)|1e(?P<exp>\d+)|(?P<number>\d+))\s*|(?P<word>[a-z]+)\s+)?"
    r"(?P<currency>[a-z]+)\s*$",
    re.IGNORECASE,
)

_T = TypeVar("_T", xr.DataArray, xr.Dataset)


def chinese_units(currency: str = "CNY") -> tuple[str, ...]:
    """The Chinese names of the units of a currency, longest first.

    Parameters
    ----------
    currency : str
        One of :data:`CURRENCIES`.

    Returns
    -------
    tuple of str
        The names :func:`parse_unit` understands, longest first, so that the
        first one a printed text starts with is its unit.

    Examples
    --------
    >>> from iocirc.units import chinese_units
    >>> "万元" in chinese_units("CNY"), "万美元" in chinese_units("CNY")
    (True, False)
    """
    names = [name for name, (_, cur) in _ZH_UNITS.items() if cur == currency]
    return tuple(sorted(names, key=len, reverse=True))


def _exponent(unit: object) -> tuple[int, str]:
    """``(power of ten, currency)`` of a currency unit, or a :class:`UnitError`."""
    if not isinstance(unit, str):
        raise UnitError(f"a currency unit is a string such as '10^4 CNY', not {unit!r}")
    text = unit.strip()
    if text in _ZH_UNITS:
        return _ZH_UNITS[text]
    match = _UNIT_RE.match(text)
    currency = _CURRENCY_NAMES.get(match["currency"].lower()) if match else None
    if match is None or currency is None:
        raise UnitError(
            f"unknown currency unit {unit!r}; use 'CNY' or 'USD', optionally scaled as "
            "'10^4 CNY', '10^8 USD' or 'million USD' (or 元, 万元, 亿元, 万美元, 亿美元)"
        )
    if match["word"] is not None:
        if match["word"].lower() not in _WORDS:
            raise UnitError(
                f"unknown scale {match['word']!r} in the currency unit {unit!r}; use one of "
                f"{list(_WORDS)} or a power of ten such as '10^4 CNY'"
            )
        exponent = _WORDS[match["word"].lower()]
    elif match["number"] is not None:
        digits = match["number"]
        if digits.lstrip("0") == "" or digits.lstrip("0").rstrip("0") != "1":
            raise UnitError(
                f"the currency unit {unit!r} is scaled by {digits}, which is not a power of ten; "
                "write scales as '10^4 CNY'"
            )
        exponent = len(digits.lstrip("0")) - 1
    else:
        exponent = int(match["power"] or match["exp"] or 0)
    if exponent > MAX_EXPONENT:
        raise UnitError(
            f"the currency unit {unit!r} has a scale of 10^{exponent}; scales up to "
            f"10^{MAX_EXPONENT} are accepted (10^4 and 10^8 are those of the statistics)"
        )
    return exponent, currency


def parse_unit(unit: str) -> CurrencyUnit:
    """The factor and currency of a currency unit.

    Parameters
    ----------
    unit : str
        A currency unit: ``"10^4 CNY"``, ``"万元"``, ``"亿元"``, ``"元"``,
        ``"million USD"``, ``"10^6 USD"``, ``"billion USD"`` ... (see
        :mod:`iocirc.units`).

    Returns
    -------
    CurrencyUnit
        The named pair ``(factor, currency)``.

    Raises
    ------
    UnitError
        An unknown unit or currency, a scale that is not a power of ten, or a
        scale beyond 10^15 (``"10^400 USD"``).

    Examples
    --------
    >>> from iocirc.units import parse_unit
    >>> parse_unit("万元")
    CurrencyUnit(factor=10000.0, currency='CNY')
    >>> parse_unit("million USD") == parse_unit("10^6 USD")
    True
    >>> parse_unit("10^400 USD")
    Traceback (most recent call last):
    ...
    iocirc.errors.UnitError: the currency unit '10^400 USD' has a scale of 10^400; ...
    """
    exponent, currency = _exponent(unit)
    return CurrencyUnit(10.0**exponent, currency)


def convert(obj: _T, to: str, *, rate: float | xr.DataArray | None = None) -> _T:
    """Convert a DataArray or a table to another unit.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A DataArray with a ``units`` attribute (a currency unit, ``"1"`` or
        ``"%"``), or a Dataset: its variables in a currency unit (their
        ``units``, or ``attrs["currency_unit"]`` for variables without one)
        are converted, the others (ratios, labels) kept.
    to : str
        The target unit: a currency unit (:func:`parse_unit`), or ``"1"`` /
        ``"%"`` for a ratio.
    rate : float or xarray.DataArray, optional
        Where the currencies differ, units of the target currency per unit of
        the source currency (6.75 CNY per USD to convert dollars to yuan),
        a number or a DataArray over dimensions of ``obj`` (``year``) covering
        its labels. Finite and positive.

    Returns
    -------
    xarray.DataArray or xarray.Dataset
        A new object in ``to`` (its ``units``, and ``currency_unit`` of a
        Dataset, say so). Lazy on dask-backed data.

    Raises
    ------
    UnitError
        No units to convert from, unknown units, a ratio to a currency (or
        back), different currencies without ``rate``, ``rate`` for one
        currency, or a rate that is NaN, infinite, zero or negative or lacks
        labels of ``obj``.

    Notes
    -----
    .. math:: y = x \\cdot \\rho \\cdot \\frac{f_\\mathrm{from}}{f_\\mathrm{to}}

    with the factors :math:`f` of the units (:func:`parse_unit`) and the rate
    :math:`\\rho` (1 for one currency). ``"1"`` to ``"%"`` multiplies by 100.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.units import convert
    >>> ds = iocirc.datasets.example_table()
    >>> big = convert(ds, to="亿元")
    >>> big.attrs["currency_unit"], big["total_output"].attrs["units"]
    ('亿元', '亿元')
    >>> bool(abs(big["total_output"] * 1e4 - ds["total_output"]).max() < 1e-6)
    True
    >>> ratio = iocirc.circulation_ratio(ds, "dual")
    >>> percent = convert(ratio, to="%")
    >>> percent.attrs["units"], bool(abs(percent - 100 * ratio).max() < 1e-12)
    ('%', True)
    >>> usd = convert(iocirc.gdp(ds), to="10^8 USD", rate=1 / 6.75)
    >>> usd.attrs["units"]
    '10^8 USD'
    """
    if not isinstance(to, str):
        raise UnitError(f"to must be a unit such as '10^8 CNY' or '%', not {to!r}")
    if isinstance(obj, xr.DataArray):
        units = obj.attrs.get("units")
        if units is None:
            raise UnitError(
                f"the DataArray {obj.name!r} has no 'units' attribute to convert from; set it, "
                "e.g. values.attrs['units'] = '10^4 CNY'"
            )
        return _convert_array(obj, str(units), to, rate)
    if isinstance(obj, xr.Dataset):
        return _convert_dataset(obj, to, rate)
    raise ArgumentTypeError(
        f"convert takes an xarray.DataArray or Dataset, not {type(obj).__name__}"
    )


def ratio_unit(percent: bool) -> str:
    """The unit of a ratio given as a fraction or, with ``percent``, in percent.

    The indicators' ``percent`` flag reads through this function; for any
    result, ``iocirc.units.convert(result, to="%")`` is the general way.

    Parameters
    ----------
    percent : bool
        Percent (``"%"``) or a plain ratio (``"1"``).

    Returns
    -------
    str
        :data:`PERCENT` or :data:`RATIO`.

    Raises
    ------
    ArgumentTypeError
        ``percent`` is not a boolean.

    Examples
    --------
    >>> from iocirc.units import ratio_unit
    >>> ratio_unit(True), ratio_unit(False)
    ('%', '1')
    """
    if not isinstance(percent, bool | np.bool_):
        raise ArgumentTypeError(f"percent must be True or False, not {percent!r}")
    return PERCENT if percent else RATIO


def _convert_dataset(ds: xr.Dataset, to: str, rate: float | xr.DataArray | None) -> xr.Dataset:
    table_unit = ds.attrs.get("currency_unit")
    if to.strip() in DIMENSIONLESS:
        raise UnitError(
            f"a table is converted between currency units, not to {to!r}; convert its ratios "
            "one by one (iocirc.units.convert(ds[name], to=...))"
        )
    out = ds.copy()
    converted = []
    for name, variable in ds.data_vars.items():
        units = variable.attrs.get("units", table_unit)
        if units is None or str(units).strip() in DIMENSIONLESS or not _is_currency(units):
            continue
        out[name] = _convert_array(variable, str(units), to, rate)
        converted.append(name)
    if not converted:
        raise UnitError(
            "the Dataset has no variables in a currency unit to convert (no 'units' attribute "
            "that is a currency unit, and no 'currency_unit' attribute)"
        )
    if table_unit is not None:
        out.attrs["currency_unit"] = to
    return out


def _is_currency(units: object) -> bool:
    try:
        _exponent(units)
    except UnitError:
        return False
    return True


def _convert_array(
    array: xr.DataArray, source: str, to: str, rate: float | xr.DataArray | None
) -> xr.DataArray:
    factor: float | xr.DataArray
    if source.strip() in DIMENSIONLESS or to.strip() in DIMENSIONLESS:
        if source.strip() not in DIMENSIONLESS or to.strip() not in DIMENSIONLESS:
            raise UnitError(
                f"cannot convert {source!r} to {to!r}: a ratio ('1', '%') converts only to a "
                "ratio, a currency only to a currency"
            )
        if rate is not None:
            raise UnitError("rate= converts currencies; a ratio needs none")
        if source.strip() == to.strip():
            factor = 1.0
        elif to.strip() == PERCENT:
            factor = 100.0
        else:  # percent to a ratio: a division by 100 is exact where a product by 0.01 is not
            result = array / 100.0
            result.attrs = {**array.attrs, "units": to}
            result.name = array.name
            return result
    else:
        from_exp, from_currency = _exponent(source)
        to_exp, to_currency = _exponent(to)
        factor = 10.0 ** (from_exp - to_exp)
        if from_currency != to_currency:
            if rate is None:
                raise UnitError(
                    f"converting {source!r} to {to!r} changes the currency: pass rate= "
                    f"({to_currency} per {from_currency}, a number or a DataArray by year)"
                )
            factor = factor * _checked_rate(rate, array, from_currency, to_currency)
        elif rate is not None:
            raise UnitError(
                f"rate= was given but {source!r} and {to!r} are both in {from_currency}"
            )
    result = array * factor
    result.attrs = {**array.attrs, "units": to}
    result.name = array.name
    return result


def _checked_rate(
    rate: float | xr.DataArray, array: xr.DataArray, source: str, target: str
) -> float | xr.DataArray:
    what = f"the exchange rate ({target} per {source})"
    if isinstance(rate, bool | np.bool_):
        raise UnitError(f"{what} must be a number, not {rate!r}")
    if isinstance(rate, xr.DataArray):
        extra = [d for d in rate.dims if d not in array.dims]
        if extra:
            raise UnitError(
                f"{what} has the dimension(s) {extra}, which the values lack (they have "
                f"{list(array.dims)}); give it over e.g. 'year'"
            )
        for dim in rate.dims:
            if dim in array.indexes and dim in rate.indexes:
                have = set(rate.indexes[dim])
                lacking = [label for label in array.indexes[dim] if label not in have]
                if lacking:
                    raise UnitError(f"{what} lacks the {dim}(s) {lacking[:5]}")
                rate = rate.sel({dim: array.indexes[dim]})
        data = np.asarray(rate.values)
        rate = rate.drop_vars([c for c in rate.coords if c not in rate.dims])
    elif isinstance(rate, int | float | np.number):
        data = np.asarray(rate)
    else:
        raise UnitError(f"{what} must be a number or a DataArray, not {type(rate).__name__}")
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        raise UnitError(f"{what} must be real numbers; got {data.dtype} data")
    data = data.astype(float)
    if (~np.isfinite(data) | (data <= 0)).any():
        raise UnitError(f"{what} must be finite positive numbers; got NaN, infinity, 0 or < 0")
    return rate if isinstance(rate, xr.DataArray) else float(data)


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
