"""Sector lists and GB/T 4754-2017 concordances of the provincial table vintages."""

from __future__ import annotations

import pytest

from iocirc.classifications import (
    KNOWN_YEARS,
    classification_id,
    concordance,
    concordance_array,
    gbt4754_sections,
    sector_list,
)
from iocirc.errors import IocircError, SchemaError

SECTIONS = list("ABCDEFGHIJKLMNOPQRS")
CODES = [f"{i:02d}" for i in range(1, 43)]

# Sections that no sector of a vintage maps to, with the reason in the concordance notes.
UNUSED = {2002: {"N"}, 2007: set(), 2012: set(), 2017: set()}

# Keywords of the Chinese sector names and the section such a sector must map to.
KEYWORDS = [
    ("农林牧渔", "A"),
    ("采", "B"),
    ("制造业", "C"),
    ("电力", "D"),
    ("燃气", "D"),
    ("水的生产", "D"),
    ("建筑", "E"),
    ("批发", "F"),
    ("运输及仓储", "G"),
    ("邮政", "G"),
    ("住宿", "H"),
    ("信息传输", "I"),
    ("金融", "J"),
    ("房地产", "K"),
    ("租赁", "L"),
    ("研究", "M"),
    ("综合技术服务", "M"),
    ("科学研究", "M"),
    ("水利", "N"),
    ("居民服务", "O"),
    ("教育", "P"),
    ("卫生", "Q"),
    ("文化、体育", "R"),
    ("公共管理", "S"),
]


@pytest.mark.parametrize("year", KNOWN_YEARS)
def test_sector_list_has_42_unique_named_sectors(year: int) -> None:
    sectors = sector_list(year)
    assert list(sectors.index) == CODES
    assert sectors.index.name == "code"
    assert list(sectors.columns) == ["zh", "en"]
    assert sectors["zh"].is_unique
    assert sectors["en"].is_unique
    assert not sectors["zh"].str.contains(r"\s").any()
    assert sectors["zh"].str.contains(r"[\u4e00-\u9fff]").all()
    assert (sectors["en"].str.strip() == sectors["en"]).all()
    assert sectors["en"].str.len().min() > 3
    assert sectors.attrs["classification"] == classification_id(year)


def test_sector_lists_differ_between_vintages() -> None:
    assert sector_list(2012).loc["16", "zh"] == "通用设备"
    assert sector_list(2007).loc["16", "zh"] == "通用、专用设备制造业"
    assert sector_list(2017).loc["22", "zh"] == "其他制造产品和废品废料"
    assert sector_list(2012).loc["22", "zh"] == "其他制造产品"
    assert sector_list(2002).loc["35", "zh"] == "旅游业"
    assert not sector_list(2012)["zh"].equals(sector_list(2017)["zh"])


def test_gbt4754_sections_are_a_to_s() -> None:
    sections = gbt4754_sections()
    assert list(sections.index) == SECTIONS
    assert sections.index.name == "section"
    assert sections["zh"].is_unique
    assert sections["en"].is_unique
    assert sections.loc["C", "zh"] == "制造业"
    assert "T" not in sections.index


@pytest.mark.parametrize("year", KNOWN_YEARS)
def test_concordance_maps_every_sector_once(year: int) -> None:
    mapping = concordance(year)
    assert list(mapping.index) == CODES
    assert mapping.index.is_unique
    assert mapping.index.name == "sector"
    assert mapping.name == "section"
    assert mapping.notna().all()
    assert set(mapping) <= set(SECTIONS)
    assert set(mapping) == set(SECTIONS) - UNUSED[year]
    assert mapping.attrs["source"] == f"NBS-{year}-42"
    assert mapping.attrs["target"] == "GB/T 4754-2017"


@pytest.mark.parametrize("year", KNOWN_YEARS)
def test_concordance_follows_sector_names(year: int) -> None:
    names = sector_list(year)["zh"]
    mapping = concordance(year)
    checked = 0
    for keyword, section in KEYWORDS:
        for code in names.index[names.str.contains(keyword, regex=False)]:
            assert mapping[code] == section, (year, code, names[code], keyword)
            checked += 1
    assert checked >= 20
    # goods sectors between mining and utilities are all manufacturing
    first_utility = names.index[names.str.contains("电力")][0]
    goods = [c for c in CODES if "05" < c < first_utility]
    assert set(mapping[goods]) == {"C"}


def test_straddling_sectors_are_documented() -> None:
    notes = concordance(2002).attrs["notes"]
    assert "38" in notes
    assert "N" in notes["38"]
    assert concordance(2002)["38"] == "O"
    assert concordance(2017).attrs["notes"]["23"].startswith("repair")


@pytest.mark.parametrize("year", KNOWN_YEARS)
def test_concordance_array_matches_series(year: int) -> None:
    array = concordance_array(year)
    series = concordance(year)
    assert array.dims == ("sector",)
    assert array.name == "section"
    assert list(array["sector"].values) == list(series.index)
    assert list(array.values) == list(series.values)
    assert array.attrs["source"] == classification_id(year)


def test_results_are_copies() -> None:
    sectors, mapping, sections = sector_list(2017), concordance(2017), gbt4754_sections()
    sectors.loc["01", "zh"] = "changed"
    mapping["01"] = "Z"
    sections.loc["A", "en"] = "changed"
    mapping.attrs["notes"]["23"] = "changed"
    assert sector_list(2017).loc["01", "zh"] == "农林牧渔产品和服务"
    assert concordance(2017)["01"] == "A"
    assert gbt4754_sections().loc["A", "en"] != "changed"
    assert concordance(2017).attrs["notes"]["23"] != "changed"


def test_year_given_as_string() -> None:
    assert classification_id("2012") == "NBS-2012-42"  # type: ignore[arg-type]


@pytest.mark.parametrize("year", [2016, 1997, "2017a", None, True, 2017.0])
@pytest.mark.parametrize("func", [sector_list, concordance, concordance_array, classification_id])
def test_unknown_year_lists_known_years(func, year) -> None:
    with pytest.raises(SchemaError, match=r"known years: \[2002, 2007, 2012, 2017\]") as info:
        func(year)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, IocircError)


def test_unknown_target() -> None:
    with pytest.raises(SchemaError, match="known targets: \\['gbt4754'\\]"):
        concordance(2017, target="isic4")
