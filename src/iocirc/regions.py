"""China's provinces and the usual groups of them.

Codes are the GB/T 2260 administrative division codes; English names follow
the National Bureau of Statistics' English yearbooks.
"""

from __future__ import annotations

from dataclasses import dataclass

from iocirc.errors import SchemaError

__all__ = ["NATION", "PROVINCES", "REGION_GROUPS", "Province", "province"]


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
