"""What a new user hit (issue 15): Chinese region names, single-region tables, shipped
concordances by name, clean module namespaces, figure defaults."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import iocirc
from iocirc import analysis
from iocirc.errors import SchemaError
from iocirc.regions import PROVINCES, select

# -- regions by Chinese name -------------------------------------------------------------


def test_select_accepts_chinese_names_codes_and_groups() -> None:
    ds = iocirc.datasets.example_table()
    one = select(ds, "吉林")
    assert one["region"].item() == "Jilin"
    assert "region" not in one.dims
    xr.testing.assert_identical(one, ds.sel(region="Jilin"))
    assert list(select(ds, [230000, "辽宁"]).indexes["region"]) == ["Heilongjiang", "Liaoning"]
    assert list(select(ds, "northeast").indexes["region"]) == ["Liaoning", "Jilin", "Heilongjiang"]
    ratio = iocirc.circulation_ratio(ds, "dual")
    assert float(select(ratio, "黑龙江")) == float(ratio.sel(region="Heilongjiang"))


def test_select_says_which_names_it_accepts() -> None:
    ds = iocirc.datasets.example_table()
    with pytest.raises(SchemaError, match=r"no region Beijing \(北京\).*Chinese") as info:
        select(ds, "北京")
    assert "Liaoning" in str(info.value)  # lists what the table holds
    with pytest.raises(SchemaError, match="no region 'Atlantis'"):
        select(ds, "Atlantis")
    with pytest.raises(SchemaError, match="no 'region' index"):
        select(ds["total_output"].sum("region"), "Jilin")


@given(st.lists(st.sampled_from(["Liaoning", "Jilin", "Heilongjiang"]), min_size=1, max_size=5))
def test_select_by_chinese_name_equals_select_by_english_name(names: list[str]) -> None:
    ds = iocirc.datasets.example_table()
    zh = {p.name: p.zh for p in PROVINCES}
    by_zh = select(ds, [zh[n] for n in names])
    expected = list(dict.fromkeys(names))
    assert list(by_zh.indexes["region"]) == expected
    xr.testing.assert_identical(by_zh, ds.sel(region=expected))


# -- a single region's table ---------------------------------------------------------------


@pytest.mark.parametrize(
    "function",
    [
        "technical_coefficients",
        "leontief_inverse",
        "output_multipliers",
        "value_added_multipliers",
        "backward_linkages",
        "ghosh_inverse",
        "circulation_value_added_share",
    ],
)
def test_analysis_takes_a_single_region_table(function: str) -> None:
    ds = iocirc.datasets.example_table()
    one = ds.sel(region="Jilin")
    assert "region" not in one.dims
    result = getattr(analysis, function)(one)
    full = getattr(analysis, function)(ds).sel(region="Jilin", drop=True)
    assert "region" not in result.dims
    assert result["region"].item() == "Jilin"  # the result says which region it is
    if isinstance(result, xr.Dataset):
        for name in full.data_vars:
            np.testing.assert_allclose(result[name].values, full[name].values)
    else:
        np.testing.assert_allclose(result.values, full.values)


# -- shipped concordances by name -----------------------------------------------------------


@pytest.mark.data
def test_aggregate_sectors_by_concordance_name() -> None:
    from iocirc.classifications import concordance, gbt4754_sections

    ds = iocirc.datasets.china_provincial(2012, "Jilin")
    by_name = iocirc.aggregate_sectors(ds, "gbt4754")
    explicit = iocirc.aggregate_sectors(ds, concordance(2012), names=gbt4754_sections())
    xr.testing.assert_identical(by_name, explicit)
    assert by_name["sector_en"].sel(sector="C").item() == "Manufacturing"
    assert (by_name["sector_zh"].values != "").all()


def test_aggregate_sectors_by_name_needs_a_known_name_and_a_year() -> None:
    ds = iocirc.datasets.example_table()
    with pytest.raises(SchemaError, match="unknown concordance 'isic'"):
        iocirc.aggregate_sectors(ds, "isic")
    no_year = ds.copy()
    del no_year.attrs["year"]
    with pytest.raises(SchemaError, match=r"ds.attrs\['year'\]"):
        iocirc.aggregate_sectors(no_year, "gbt4754")


# -- module namespaces ------------------------------------------------------------------------


def _public_modules() -> list[ModuleType]:
    found = [iocirc]
    for info in pkgutil.walk_packages(iocirc.__path__, "iocirc."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        if info.name.removeprefix("iocirc.") in iocirc._DEPRECATED_MODULES:
            continue  # deprecated aliases: tests/test_architecture.py checks them
        try:
            found.append(importlib.import_module(info.name))
        except ImportError:  # an optional dependency is missing
            continue
    return found


@pytest.mark.parametrize("module", _public_modules(), ids=lambda m: m.__name__)
def test_module_namespace_lists_public_names_only(module: ModuleType) -> None:
    public = [n for n in dir(module) if not n.startswith("_")]
    leaked = [n for n in public if n not in set(getattr(module, "__all__", ()))]
    assert not leaked, f"dir({module.__name__}) lists {leaked}: add __dir__ or __all__"
    for name in getattr(module, "__all__", ()):
        assert hasattr(module, name), f"{module.__name__}.__all__ names a missing {name!r}"


def test_plotting_namespace_is_what_the_issue_asked_for() -> None:
    assert {"np", "xr", "Any"}.isdisjoint(dir(iocirc.plotting))


# -- figure defaults ---------------------------------------------------------------------------


def test_colormap_follows_the_sign_of_the_data() -> None:
    from iocirc.plotting import DIVERGING_CMAP, SEQUENTIAL_CMAP, choose_colormap

    assert choose_colormap([0.5, 2.0, np.nan]) == (SEQUENTIAL_CMAP, 0.0, 2.0)
    assert choose_colormap([-0.5, 2.0]) == (DIVERGING_CMAP, -2.0, 2.0)
    cmap, low, high = choose_colormap([-3.0, -1.0])
    assert cmap != DIVERGING_CMAP
    assert (low, high) == (-3.0, 0.0)
    # a range given for several panels wins, and is symmetric if it spans zero
    assert choose_colormap([1.0, 2.0], vmin=-4.0, vmax=4.0) == (DIVERGING_CMAP, -4.0, 4.0)


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=20))
def test_a_diverging_scale_is_symmetric_and_covers_the_data(values: list[float]) -> None:
    from iocirc.plotting import DIVERGING_CMAP, choose_colormap

    cmap, low, high = choose_colormap(values)
    assert low <= min(values)
    assert high >= max(values)
    if cmap == DIVERGING_CMAP:
        assert low == -high
    else:
        assert low == 0 or high == 0


def test_heatmap_and_lines_have_defaults() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from iocirc.plotting import SEQUENTIAL_CMAP, heatmap, lines

    positive = xr.DataArray(
        [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
        dims=("region", "year"),
        coords={"region": ["Liaoning", "Jilin"], "year": [2007, 2012, 2017]},
        attrs={"long_name": "dual circulation ratio", "units": "1"},
    )
    ax = heatmap(positive)
    image = ax.images[0]
    assert image.get_cmap().name == SEQUENTIAL_CMAP  # all positive: not a diverging map
    assert image.get_clim() == (0.0, 6.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Liaoning", "Jilin"]
    assert ax.get_xlabel() == "year"
    ax2 = lines(positive)
    assert ax2.get_xlabel() == "year"  # "year" goes along x whatever the order of dims
    assert [line.get_label() for line in ax2.get_lines()] == ["Liaoning", "Jilin"]
    styled = lines(positive, styles={"Jilin": {"linestyle": "--"}}, legend=False)
    assert styled.get_lines()[1].get_linestyle() == "--"
    assert styled.get_legend() is None
    with pytest.raises(ValueError, match="2-D"):
        heatmap(positive.isel(year=0))
    plt.close("all")


def test_region_groups_may_name_regions_in_chinese() -> None:
    ds = iocirc.datasets.example_table()
    ratio = iocirc.circulation_ratio(ds, "dual")
    by_zh = iocirc.aggregate_regions(ratio, groups={"two": ["辽宁", 220000]})
    by_en = iocirc.aggregate_regions(ratio, groups={"two": ["Liaoning", "Jilin"]})
    xr.testing.assert_identical(by_zh, by_en)
    with pytest.raises(SchemaError, match="in Chinese"):
        iocirc.aggregate_regions(ratio, groups={"capital": ["北京"]})
