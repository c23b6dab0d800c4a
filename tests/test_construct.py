"""Constructors: from arrays, from frames, and what they refuse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given

import iocirc
from iocirc.errors import BalanceError, IocircError, SchemaError
from iocirc.testing.strategies import io_tables


def _arrays(ds: xr.Dataset) -> dict:
    return {
        "intermediate_use": ds["intermediate_use"].values,
        "final_use": ds["final_use"].values,
        "value_added": ds["value_added"].values,
        "total_output": ds["total_output"].values,
    }


def _labels(ds: xr.Dataset) -> dict:
    return {
        "regions": list(ds.indexes["region"]),
        "sectors": list(ds.indexes["sector"]),
        "flows": list(ds.indexes["flow"]),
        "va_components": list(ds.indexes["va_component"]),
    }


def _assert_values_equal(a: xr.DataArray, b: xr.DataArray) -> None:
    """Equal labels and values; names of sectors (not given here) aside."""
    xr.testing.assert_equal(a.reset_coords(drop=True), b.reset_coords(drop=True))


def test_from_arrays_rebuilds_an_identical_table():
    ds = iocirc.datasets.example_table()
    rebuilt = iocirc.from_arrays(
        **_arrays(ds),
        **_labels(ds),
        sector_zh=list(ds["sector_zh"].values),
        sector_en=list(ds["sector_en"].values),
        year=2017,
        source=ds.attrs["source"],
        classification=ds.attrs["classification"],
    )
    xr.testing.assert_identical(rebuilt, ds)


def test_from_arrays_copies_its_input():
    ds = iocirc.datasets.example_table()
    arrays = {k: v.copy() for k, v in _arrays(ds).items()}
    before = {k: v.copy() for k, v in arrays.items()}
    table = iocirc.from_arrays(**arrays, **_labels(ds), year=2017)
    table["total_output"][0, 0] = -1.0
    for name in arrays:
        np.testing.assert_array_equal(arrays[name], before[name])


def test_from_arrays_derives_output_from_the_row_identity():
    ds = iocirc.datasets.example_table()
    arrays = _arrays(ds)
    del arrays["total_output"]
    table = iocirc.from_arrays(**arrays, **_labels(ds), year=2017)
    _assert_values_equal(table["total_output"], ds["total_output"])


def test_known_provinces_get_their_chinese_name_and_code():
    ds = iocirc.datasets.example_table()
    assert ds["region_zh"].values.tolist() == ["辽宁", "吉林", "黑龙江"]
    assert ds["region_code"].values.tolist() == [210000, 220000, 230000]
    assert ds["flow_code"].sel(flow="domestic_inflow").item() == "IF"
    assert ds["va_zh"].sel(va_component="compensation").item() == "劳动者报酬"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"intermediate_use": np.ones((3, 6, 5))}, "intermediate_use has shape \\(3, 6, 5\\)"),
        ({"final_use": np.ones((3, 6))}, "final_use has shape \\(3, 6\\); expected \\(3, 6, 10\\)"),
        ({"flows": ["exports"] * 10}, "unknown flow label"),
        ({"va_components": ["wages"] * 4}, "unknown va_component label"),
        ({"sectors": ["01", "01", "02", "03", "04", "05"]}, "duplicated sector labels \\['01'\\]"),
        ({"regions": ["Jilin", "Jilin", "Liaoning"]}, "duplicated region names"),
        ({"value_added": [["a"] * 6] * 4}, "value_added must hold numbers"),
        ({"sector_zh": ["农业"]}, "sector_zh has 1 names for 6 sectors"),
    ],
)
def test_from_arrays_rejects_bad_input_with_a_clear_message(change, match):
    ds = iocirc.datasets.example_table()
    kwargs = _arrays(ds) | _labels(ds) | {"year": 2017}
    if "value_added" in change:
        change = {"value_added": np.array([change["value_added"]] * 3)}
    kwargs.update(change)
    with pytest.raises(SchemaError, match=match) as info:
        iocirc.from_arrays(**kwargs)
    assert isinstance(info.value, IocircError)
    assert isinstance(info.value, ValueError)


@given(io_tables(n_regions=2, n_sectors=3))
def test_from_arrays_rejects_nan_and_negative_output(ds):
    arrays, labels = _arrays(ds), _labels(ds)
    with_nan = arrays | {"intermediate_use": arrays["intermediate_use"].copy()}
    with_nan["intermediate_use"][1, 2, 0] = np.nan
    with pytest.raises(SchemaError, match="'intermediate_use' has NaN at region="):
        iocirc.from_arrays(**with_nan, **labels)
    negative = arrays | {"total_output": -arrays["total_output"]}
    with pytest.raises(SchemaError, match="'total_output' is negative at region="):
        iocirc.from_arrays(**negative, **labels)


def test_from_arrays_rejects_unbalanced_tables_unless_told():
    ds = iocirc.datasets.example_table()
    arrays = _arrays(ds)
    arrays["total_output"] = arrays["total_output"] * 1.1
    with pytest.raises(BalanceError):
        iocirc.from_arrays(**arrays, **_labels(ds))
    table = iocirc.from_arrays(**arrays, **_labels(ds), on_imbalance="ignore")
    assert table.sizes["region"] == 3


def _frames(ds: xr.Dataset, region: str):
    one = ds.sel(region=region)
    sectors = list(ds.indexes["sector"])
    z = pd.DataFrame(one["intermediate_use"].values, index=sectors, columns=sectors)
    f = pd.DataFrame(one["final_use"].values, index=sectors, columns=list(ds.indexes["flow"]))
    v = pd.DataFrame(
        one["value_added"].values, index=list(ds.indexes["va_component"]), columns=sectors
    )
    x = pd.Series(one["total_output"].values, index=sectors)
    return z, f, v, x


def test_from_frames_single_region_aligns_by_label():
    ds = iocirc.datasets.example_table()
    z, f, v, x = _frames(ds, "Jilin")
    # Shuffle rows and columns: labels, not positions, must tie the pieces together.
    z = z.iloc[::-1, ::-1]
    f = f.iloc[[2, 0, 1, 5, 4, 3]]
    v = v[v.columns[::-1]]
    x = x.iloc[::-1]
    copies = [obj.copy() for obj in (z, f, v, x)]
    table = iocirc.from_frames(z, f, v, x, region="Jilin", year=2017)
    _assert_values_equal(
        table["final_use"].isel(region=0).sortby("sector"), ds["final_use"].sel(region="Jilin")
    )
    for before, after in zip(copies, (z, f, v, x), strict=True):
        pd.testing.assert_frame_equal(pd.DataFrame(before), pd.DataFrame(after))


def test_from_frames_multi_region():
    ds = iocirc.datasets.example_table()
    parts = {r: _frames(ds, r) for r in ds.indexes["region"]}
    z, f, v, x = (pd.concat({r: p[i] for r, p in parts.items()}) for i in range(4))
    table = iocirc.from_frames(z, f, v, x, year=2017)
    _assert_values_equal(table["intermediate_use"], ds["intermediate_use"])
    _assert_values_equal(table["value_added"], ds["value_added"])


def test_from_frames_errors():
    ds = iocirc.datasets.example_table()
    z, f, v, x = _frames(ds, "Jilin")
    with pytest.raises(SchemaError, match="give region="):
        iocirc.from_frames(z, f, v, x)
    with pytest.raises(SchemaError, match="final_use lacks the row label.*'06'"):
        iocirc.from_frames(z, f.iloc[:5], v, x, region="Jilin")
    with pytest.raises(TypeError, match="final_use must be a pandas.DataFrame"):
        iocirc.from_frames(z, f.values, v, x, region="Jilin")  # type: ignore[arg-type]
    text = f.astype(object)
    text.iloc[1, 1] = "n/a"
    with pytest.raises(SchemaError, match="final_use must hold numbers"):
        iocirc.from_frames(z, text, v, x, region="Jilin")
