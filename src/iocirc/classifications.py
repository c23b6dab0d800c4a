"""Sector classifications of the provincial input-output tables and their concordances.

China's provincial tables of 2002, 2007, 2012 and 2017 each have 42 product
sectors, coded ``"01"`` ... ``"42"``, but the lists differ between vintages
(2012 splits equipment into general and special purpose machinery and has a
separate repair sector; 2017 merges scrap into other manufacturing and splits
research from technical services; 2002 still has tourism and "other social
services"). Every province of a vintage uses the same list. A classification is
identified by :func:`classification_id` (``"NBS-2017-42"``).

The concordances map each vintage's 42 sectors to the 19 sections A-S of the
national industrial classification GB/T 4754-2017 (section T, international
organisations, has no sector). Every sector maps to exactly one section; where a
sector straddles sections it goes to the section holding the larger part, and
the ``note`` column of the concordance files records the choice:

* scrap and waste (废品废料) and the repair of metal products and machinery go
  to C, where GB/T 4754-2017 puts them (divisions 42 and 43);
* post (2002, 2007) goes to G; tourism (2002 旅游业, travel agencies) to L;
  scientific research and comprehensive technical services to M;
* 2002 "other social services" (其他社会服务业) combines resident and other
  services (O, 82% of its value added in the 2002 national 122-sector table)
  with environment and public-facility management (N); it goes to O, so **no
  2002 sector maps to N**, and water-conservancy management is inside the 2002
  comprehensive technical services (M);
* health, social security and social welfare (2002, 2007) goes to Q, although
  GB/T 4754-2017 puts social security in S.

The 2012 and 2017 concordances reproduce, to the published 0.01 percentage
point, every section value of the published sectoral table for Liaoning (value
added share, domestic and international contribution), which used the same
sections.

The data live in CSV files in ``iocirc/data`` and are read on first use.
"""

from __future__ import annotations

import functools
from importlib.resources import files

import pandas as pd
import xarray as xr

from iocirc._core import check_year
from iocirc.errors import ChoiceError

__all__ = [
    "CONCORDANCE_TARGETS",
    "KNOWN_YEARS",
    "classification_id",
    "concordance",
    "concordance_array",
    "gbt4754_sections",
    "sector_list",
]

#: Vintages of the provincial tables with a known 42-sector list.
KNOWN_YEARS: tuple[int, ...] = (2002, 2007, 2012, 2017)

#: Target classifications of :func:`concordance`: identifier -> full name.
CONCORDANCE_TARGETS: dict[str, str] = {"gbt4754": "GB/T 4754-2017"}


def classification_id(year: int) -> str:
    """The identifier of the 42-sector classification of a table vintage.

    Parameters
    ----------
    year : int
        Vintage of the provincial tables, one of :data:`KNOWN_YEARS`.

    Returns
    -------
    str
        ``"NBS-<year>-42"``.

    Raises
    ------
    SchemaError
        If ``year`` is not a known vintage.

    Examples
    --------
    >>> classification_id(2017)
    'NBS-2017-42'
    """
    return f"NBS-{_check_year(year)}-42"


def sector_list(year: int) -> pd.DataFrame:
    """The 42 product sectors of a table vintage.

    Parameters
    ----------
    year : int
        Vintage of the provincial tables, one of :data:`KNOWN_YEARS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code`` (``"01"`` ... ``"42"``, strings), with columns ``zh``
        (the name printed in the official tables, whitespace removed) and ``en``
        (English translation). ``attrs["classification"]`` holds
        :func:`classification_id`. A fresh copy on every call.

    Raises
    ------
    SchemaError
        If ``year`` is not a known vintage.

    Examples
    --------
    >>> sectors = sector_list(2017)
    >>> len(sectors)
    42
    >>> sectors.loc["27", "zh"]
    '建筑'
    >>> sectors.loc["27", "en"]
    'Construction'
    """
    year = _check_year(year)
    frame = _read_csv(f"sectors_{year}.csv").set_index("code")
    frame.attrs["classification"] = classification_id(year)
    return frame


def gbt4754_sections() -> pd.DataFrame:
    """The 19 sections A-S of GB/T 4754-2017 used as targets of the concordances.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``section`` (``"A"`` ... ``"S"``), with columns ``zh`` and
        ``en``. Section T (international organisations) is left out. A fresh copy
        on every call.

    Examples
    --------
    >>> sections = gbt4754_sections()
    >>> len(sections)
    19
    >>> sections.loc["C", "en"]
    'Manufacturing'
    """
    frame = _read_csv("gbt4754_sections.csv").set_index("section")
    frame.attrs["classification"] = CONCORDANCE_TARGETS["gbt4754"]
    return frame


def concordance(year: int, target: str = "gbt4754") -> pd.Series:
    """The section of each of a vintage's 42 sectors.

    Parameters
    ----------
    year : int
        Vintage of the provincial tables, one of :data:`KNOWN_YEARS`.
    target : str, default "gbt4754"
        Target classification, one of :data:`CONCORDANCE_TARGETS`.

    Returns
    -------
    pandas.Series
        Indexed by ``sector`` (the 42 codes), values the section letters, named
        ``"section"``. ``attrs`` holds ``source`` (:func:`classification_id`),
        ``target`` (``"GB/T 4754-2017"``) and ``notes`` (sector code -> why a
        sector that straddles sections was mapped as it is). A fresh copy on
        every call.

    Raises
    ------
    SchemaError
        If ``year`` or ``target`` is unknown.

    See Also
    --------
    concordance_array : the same as an :class:`xarray.DataArray`.

    Examples
    --------
    >>> mapping = concordance(2017)
    >>> mapping["06"], mapping["23"], mapping["35"]
    ('C', 'C', 'M')
    >>> mapping.attrs["source"], mapping.attrs["target"]
    ('NBS-2017-42', 'GB/T 4754-2017')

    Summing 42-sector values to sections:

    >>> values = pd.Series(1.0, index=mapping.index)
    >>> float(values.groupby(mapping).sum()["C"])
    18.0
    """
    year = _check_year(year)
    target = _check_target(target)
    frame = _read_csv(f"concordance_{year}_{target}.csv")
    mapping = pd.Series(
        frame["section"].to_numpy(), index=pd.Index(frame["code"], name="sector"), name="section"
    )
    mapping.attrs = {
        "source": classification_id(year),
        "target": CONCORDANCE_TARGETS[target],
        "notes": dict(frame.loc[frame["note"] != "", ["code", "note"]].itertuples(index=False)),
    }
    return mapping


def concordance_array(year: int, target: str = "gbt4754") -> xr.DataArray:
    """:func:`concordance` as an :class:`xarray.DataArray` over ``sector``.

    Parameters
    ----------
    year : int
        Vintage of the provincial tables, one of :data:`KNOWN_YEARS`.
    target : str, default "gbt4754"
        Target classification, one of :data:`CONCORDANCE_TARGETS`.

    Returns
    -------
    xarray.DataArray
        Section letters on dimension ``sector`` (the 42 codes), named
        ``"section"``, with attributes ``source`` and ``target``. Use it with
        ``groupby`` to aggregate a table's sectors to sections; rename the
        dimension for the ``sector_to`` side.

    Raises
    ------
    SchemaError
        If ``year`` or ``target`` is unknown.

    Examples
    --------
    >>> sections = concordance_array(2012)
    >>> sections.dims
    ('sector',)
    >>> str(sections.sel(sector="24").item())
    'C'
    >>> output = xr.DataArray(range(42), coords={"sector": sections["sector"].values})
    >>> int(output.groupby(sections).sum().sel(section="B"))
    10
    >>> to_side = sections.rename(sector="sector_to")
    """
    mapping = concordance(year, target)
    array = xr.DataArray(
        mapping.to_numpy(dtype=str),
        coords={"sector": mapping.index.to_numpy(dtype=str)},
        dims="sector",
        name="section",
    )
    array.attrs = {"source": mapping.attrs["source"], "target": mapping.attrs["target"]}
    return array


def _check_year(year: int | str) -> int:
    """``year`` as an int if there is a 42-sector classification for it, else a SchemaError."""
    return check_year(year, KNOWN_YEARS, "42-sector classification")


def _check_target(target: str) -> str:
    """``target`` if it is a known concordance target, else a :class:`SchemaError`."""
    if target not in CONCORDANCE_TARGETS:
        raise ChoiceError(
            f"unknown concordance target {target!r}; known targets: {list(CONCORDANCE_TARGETS)}"
        )
    return target


def _read_csv(name: str) -> pd.DataFrame:
    """A fresh copy of a data file of the package, all columns as strings."""
    return _read_csv_cached(name).copy()


@functools.cache
def _read_csv_cached(name: str) -> pd.DataFrame:
    resource = files("iocirc") / "data" / name
    with resource.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
