"""China's provinces and the usual groups of them.

Codes are the GB/T 2260 administrative division codes; English names follow
the National Bureau of Statistics' English yearbooks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from iocirc.errors import SchemaError

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["NATION", "PROVINCES", "REGION_GROUPS", "Province", "province", "select"]

_X = TypeVar("_X", "xr.Dataset", "xr.DataArray")


@dataclass(frozen=True)
class Province:
    """A province-level division (or the nation as a whole)."""

    name: str
    zh: str
    code: int


#: The 31 province-level divisions of mainland China, in GB/T 2260 order.
PROVINCES: tuple[Province, ...] = (
    Province("Beijing", "北京", 110000),
    Province("Tianjin", "天津", 120000),
    Province("Hebei", "河北", 130000),
    Province("Shanxi", "山西", 140000),
    Province("Inner Mongolia", "内蒙古", 150000),
    Province("Liaoning", "辽宁", 210000),
    Province("Jilin", "吉林", 220000),
    Province("Heilongjiang", "黑龙江", 230000),
    Province("Shanghai", "上海", 310000),
    Province("Jiangsu", "江苏", 320000),
    Province("Zhejiang", "浙江", 330000),
    Province("Anhui", "安徽", 340000),
    Province("Fujian", "福建", 350000),
    Province("Jiangxi", "江西", 360000),
    Province("Shandong", "山东", 370000),
    Province("Henan", "河南", 410000),
    Province("Hubei", "湖北", 420000),
    Province("Hunan", "湖南", 430000),
    Province("Guangdong", "广东", 440000),
    Province("Guangxi", "广西", 450000),
    Province("Hainan", "海南", 460000),
    Province("Chongqing", "重庆", 500000),
    Province("Sichuan", "四川", 510000),
    Province("Guizhou", "贵州", 520000),
    Province("Yunnan", "云南", 530000),
    Province("Tibet", "西藏", 540000),
    Province("Shaanxi", "陕西", 610000),
    Province("Gansu", "甘肃", 620000),
    Province("Qinghai", "青海", 630000),
    Province("Ningxia", "宁夏", 640000),
    Province("Xinjiang", "新疆", 650000),
)

#: The whole country, used as the region of the national tables.
NATION = Province("China", "中国", 100000)

#: The four economic regions of the National Bureau of Statistics.
REGION_GROUPS: dict[str, tuple[str, ...]] = {
    "Northeast": ("Liaoning", "Jilin", "Heilongjiang"),
    "East": (
        "Beijing",
        "Tianjin",
        "Hebei",
        "Shanghai",
        "Jiangsu",
        "Zhejiang",
        "Fujian",
        "Shandong",
        "Guangdong",
        "Hainan",
    ),
    "Central": ("Shanxi", "Anhui", "Jiangxi", "Henan", "Hubei", "Hunan"),
    "West": (
        "Inner Mongolia",
        "Guangxi",
        "Chongqing",
        "Sichuan",
        "Guizhou",
        "Yunnan",
        "Tibet",
        "Shaanxi",
        "Gansu",
        "Qinghai",
        "Ningxia",
        "Xinjiang",
    ),
}

_BY_KEY: dict[str, Province] = {}
for _p in (*PROVINCES, NATION):
    _BY_KEY[_p.name.casefold()] = _p
    _BY_KEY[_p.zh] = _p
    _BY_KEY[str(_p.code)] = _p


def province(key: str | int) -> Province:
    """Look a province up by English name, Chinese name or code.

    Parameters
    ----------
    key : str or int
        ``"Liaoning"`` (any case), ``"辽宁"``, or ``210000``.

    Returns
    -------
    Province
        Its English name, Chinese name and code.

    Raises
    ------
    SchemaError
        If no province has that name or code.

    Examples
    --------
    >>> province("辽宁").name
    'Liaoning'
    >>> province(220000).zh
    '吉林'
    """
    found = _BY_KEY.get(str(key).strip().casefold()) or _BY_KEY.get(str(key).strip())
    if found is None:
        raise SchemaError(
            f"unknown province {key!r}; use an English name ({PROVINCES[0].name!r}), "
            f"a Chinese name ({PROVINCES[0].zh!r}) or a GB/T 2260 code ({PROVINCES[0].code})"
        )
    return found


def select(obj: _X, regions: str | int | Iterable[str | int]) -> _X:
    """Regions of a table or indicator, by English or Chinese name, code or group.

    ``obj.sel(region="辽宁")`` fails, since the ``region`` index holds English
    names; this accepts every key :func:`province` does, and the groups of
    :data:`REGION_GROUPS`. Labels that are not provinces (``"National"``, the
    regions of a multi-regional table) are matched as they are.

    Parameters
    ----------
    obj : xarray.Dataset or xarray.DataArray
        Anything with a ``region`` index.
    regions : str, int or iterable of them
        One region (``"Liaoning"``, ``"辽宁"``, ``210000``): the result has a
        scalar ``region`` coordinate, as ``obj.sel(region="Liaoning")``. A list
        or a group (``"Northeast"``): the result
        keeps the ``region`` dimension, in the order asked for.

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        A new object (as :meth:`xarray.Dataset.sel` returns).

    Raises
    ------
    SchemaError
        A name that is neither a province nor a region group, or a region the
        object does not hold (the message lists the regions it holds).

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.regions import select
    >>> ds = iocirc.datasets.example_table()
    >>> select(ds, "辽宁")["region"].item()
    'Liaoning'
    >>> list(select(ds, ["吉林", 230000]).indexes["region"])
    ['Jilin', 'Heilongjiang']
    >>> list(select(ds, "Northeast").indexes["region"])
    ['Liaoning', 'Jilin', 'Heilongjiang']
    """
    if "region" not in obj.indexes:
        raise SchemaError(
            f"select: the {type(obj).__name__} has no 'region' index (dims {tuple(obj.dims)})"
        )
    held = [str(r) for r in obj.indexes["region"]]
    groups = {name.casefold(): members for name, members in REGION_GROUPS.items()}
    single = isinstance(regions, str | int) and str(regions).strip().casefold() not in groups
    keys = [regions] if isinstance(regions, str | int) else list(regions)
    wanted: list[str] = []
    for key in keys:
        members = groups.get(str(key).strip().casefold())
        for name in members if members is not None else (key,):
            label = _held_label(name, held)
            if label not in wanted:
                wanted.append(label)
    return obj.sel(region=wanted[0] if single else wanted)


def _held_label(key: str | int, held: list[str]) -> str:
    """The label in ``held`` that names the region ``key``."""
    if str(key) in held:
        return str(key)
    try:
        found = province(key)
    except SchemaError:
        found = None
    if found is not None and found.name in held:
        return found.name
    what = f"{found.name} ({found.zh})" if found is not None else repr(key)
    raise SchemaError(
        f"no region {what} in the table; it holds {held}. Regions can be named in English "
        f"({PROVINCES[5].name!r}), in Chinese ({PROVINCES[5].zh!r}), by GB/T 2260 code "
        f"({PROVINCES[5].code}) or by group ({', '.join(REGION_GROUPS)})"
    )


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
