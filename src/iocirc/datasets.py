"""Ready-made tables: a small synthetic example and the official Chinese tables."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xarray as xr

from iocirc._synthetic import LAYOUTS, assemble, random_draws
from iocirc.download import provincial_files
from iocirc.readers import read_nbs_tables

__all__ = ["china_provincial", "example_table"]

_EXAMPLE_SECTORS = (
    ("01", "农业", "Agriculture"),
    ("02", "采矿业", "Mining"),
    ("03", "制造业", "Manufacturing"),
    ("04", "电力、热力、燃气及水", "Utilities"),
    ("05", "建筑业", "Construction"),
    ("06", "服务业", "Services"),
)
_EXAMPLE_REGIONS = ("Liaoning", "Jilin", "Heilongjiang")


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
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {list(LAYOUTS)}")
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
