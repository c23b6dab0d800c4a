"""iocirc.mrio.to_pymrio / from_pymrio: lossless round trips, pymrio's own test system, errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings

from iocirc.errors import BalanceWarning, SchemaError
from iocirc.mrio import from_pymrio, to_pymrio, validate
from iocirc.testing import synthetic_mrio
from iocirc.testing.strategies import mrio_tables

pymrio = pytest.importorskip("pymrio")

WIOD = os.environ.get("IOCIRC_WIOD_DATA")
needs_wiod = pytest.mark.skipif(
    not (WIOD and (Path(WIOD) / "data" / "wiot_2011.RData").is_file()),
    reason="IOCIRC_WIOD_DATA is not set to a copy of bquast/wiod's data/ folder",
)


def _load_test() -> object:
    return pymrio.load_test()


# --- round trips -----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mrio_tables())
def test_round_trip_is_identical(ds: xr.Dataset) -> None:
    before = ds.copy(deep=True)
    io = to_pymrio(ds)
    xr.testing.assert_identical(from_pymrio(io), ds)
    xr.testing.assert_identical(ds, before)  # the input is untouched


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mrio_tables())
def test_pymrio_accounts_agree_with_the_table(ds: xr.Dataset) -> None:
    """pymrio's x = Z 1 + Y 1 and its value added match the table (exports, imports in Y)."""
    io = to_pymrio(ds)
    x = io.x["indout"].to_numpy()
    rows = io.Z.sum(axis=1).to_numpy() + io.Y.sum(axis=1).to_numpy()
    np.testing.assert_allclose(rows, x, rtol=1e-9, atol=1e-9 * np.abs(x).max())
    cols = io.Z.sum(axis=0).to_numpy() + io.factor_inputs.F.sum(axis=0).to_numpy()
    np.testing.assert_allclose(cols, x, rtol=1e-9, atol=1e-9 * np.abs(x).max())
    assert io.Z.index.names == ["region", "sector"]
    assert io.Y.columns.names == ["region", "category"]
    assert list(io.Z.index.get_level_values("region").unique()) == list(ds.indexes["region"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mrio_tables())
def test_without_metadata_the_numbers_survive(ds: xr.Dataset) -> None:
    """A plain pymrio system (no iocirc metadata) gives the same flows and totals."""
    io = to_pymrio(ds)
    del io.iocirc
    back = from_pymrio(io)
    validate(back)
    for name in ("intermediate_use", "total_output"):
        np.testing.assert_allclose(back[name].values, ds[name].values, rtol=1e-12)
    flows = list(back.indexes["flow"])
    np.testing.assert_allclose(
        back["final_use"].sum("flow").values,
        ds["final_use"].sel(flow=flows).sum("flow").values,
        rtol=1e-12,
        atol=1e-9,
    )
    for term in ("export", "import"):
        if term in ds and bool(ds[term].any()):
            np.testing.assert_allclose(back[term].values, ds[term].values, rtol=1e-12)


def test_round_trip_keeps_aggregate_flows_and_coordinates() -> None:
    ds = synthetic_mrio(3, 2, categories="ceads", discrepancy=True, seed=3)
    ds = ds.assign_coords(sector_en=("sector", ["Farming", "Industry"]))
    ds.attrs["note"] = "kept"
    io = to_pymrio(ds)
    back = from_pymrio(io)
    xr.testing.assert_identical(back, ds)
    assert back["sector_en"].values.tolist() == ["Farming", "Industry"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mrio_tables(noncompetitive=True, imports=True))
def test_noncompetitive_imports_round_trip(ds: xr.Dataset) -> None:
    """CEADS-style imports by user travel as the factor-input row "imports" (F and F_Y)."""
    assert "imported_inputs" in ds
    io = to_pymrio(ds)
    xr.testing.assert_identical(from_pymrio(io), ds)
    F = io.factor_inputs.F
    assert F.index[-1] == "imports"
    x = io.x["indout"].to_numpy()
    cols = io.Z.sum(axis=0).to_numpy() + F.sum(axis=0).to_numpy()
    np.testing.assert_allclose(cols, x, rtol=1e-9, atol=1e-9 * np.abs(x).max())
    del io.iocirc
    plain = from_pymrio(io)
    np.testing.assert_allclose(plain["imported_inputs"].values, ds["imported_inputs"].values)
    flows = list(plain.indexes["flow"])
    np.testing.assert_allclose(
        plain["imported_final_use"].sum("flow").values,
        ds["imported_final_use"].sel(flow=flows).sum("flow").values,
        atol=1e-9,
    )


def test_to_pymrio_copies() -> None:
    ds = synthetic_mrio(2, 2, seed=4)
    io = to_pymrio(ds)
    io.Z.iloc[0, 0] = -12345.0
    assert float(ds["intermediate_use"].values.ravel()[0]) != -12345.0


def test_changed_system_is_read_from_its_numbers() -> None:
    """Once the pymrio side no longer matches the kept metadata, the numbers decide."""
    ds = synthetic_mrio(2, 2, seed=5)
    io = to_pymrio(ds)
    io.Y = io.Y.rename(columns={"household": "Final consumption expenditure by households"})
    back = from_pymrio(io)
    assert back.attrs["classification"] == "pymrio"
    np.testing.assert_allclose(back["total_output"].values, ds["total_output"].values)


@pytest.mark.parametrize(
    "names",
    [
        {  # Eora26 / GLORIA
            "household": "Household final consumption P.3h",
            "npish": "Non-profit institutions serving households P.3n",
            "government": "Government final consumption P.3g",
            "fixed_capital_formation": "Gross fixed capital formation P.51",
            "inventory_change": "Changes in inventories P.52",
        },
        {  # OECD ICIO
            "household": "HFCE",
            "npish": "NPISH",
            "government": "GGFC",
            "fixed_capital_formation": "GFCF",
            "inventory_change": "INVNT",
            "discrepancy": "DISC",
        },
    ],
)
def test_database_category_names(names: dict[str, str]) -> None:
    ds = synthetic_mrio(3, 2, seed=9, discrepancy=True, exports=False, imports=False)
    io = to_pymrio(ds)
    del io.iocirc
    io.Y = io.Y.rename(columns=names)
    back = from_pymrio(io)
    flows = list(back.indexes["flow"])
    assert sorted(flows) == sorted(ds.indexes["flow"])
    np.testing.assert_array_equal(back["final_use"].values, ds["final_use"].sel(flow=flows).values)
    np.testing.assert_allclose(back["discrepancy"].values, ds["discrepancy"].values, atol=1e-9)


def test_extra_dimension_is_refused() -> None:
    ds = synthetic_mrio(2, 2, seed=6)
    panel = xr.concat([ds, ds], dim=pd.Index([2010, 2011], name="year"))
    panel.attrs = ds.attrs
    with pytest.raises(SchemaError, match="year"):
        to_pymrio(panel)


# --- pymrio's test system ------------------------------------------------------------------------


def test_load_test_system() -> None:
    io = _load_test()
    with pytest.warns(BalanceWarning, match="column identity"):
        mrio = from_pymrio(io)
    validate(mrio)
    assert mrio.sizes["region"] == 6
    assert mrio.sizes["sector"] == 8
    assert mrio.attrs["currency_unit"] == "Mill USD"
    Z = io.Z.to_numpy()
    np.testing.assert_array_equal(
        mrio["intermediate_use"]
        .transpose("region", "sector", "region_to", "sector_to")
        .values.reshape(Z.shape),
        Z,
    )
    # "Changes in valuables" joins the inventory change (WIOD's INVEN holds both, P52+P53)
    Y = io.Y
    want = (
        Y.xs("Changes in inventories", axis=1, level="category")
        + Y.xs("Changes in valuables", axis=1, level="category")
    ).to_numpy()
    got = mrio["final_use"].sel(flow="inventory_change").transpose("region", "sector", "region_to")
    np.testing.assert_allclose(got.values.reshape(want.shape), want)
    # output = row sums (the test system has no x before calc_all), value added = x - Z'1
    x = Z.sum(axis=1) + Y.to_numpy().sum(axis=1)
    np.testing.assert_allclose(mrio["total_output"].values.ravel(), x)
    va = mrio["value_added"].sel(va_component="value_added_total").values.ravel()
    np.testing.assert_allclose(va, x - Z.sum(axis=0))


def test_load_test_system_through_calc_all_and_back() -> None:
    io = _load_test()
    io.calc_all()
    with pytest.warns(BalanceWarning):
        mrio = from_pymrio(io)
    again = to_pymrio(mrio)
    again.calc_all()
    np.testing.assert_allclose(again.x.to_numpy().ravel(), io.x.to_numpy().ravel(), rtol=1e-12)
    np.testing.assert_allclose(again.A.to_numpy(), io.A.to_numpy(), rtol=1e-9, atol=1e-15)
    xr.testing.assert_identical(from_pymrio(again), mrio)


def test_value_added_rows_that_close_are_used() -> None:
    ds = synthetic_mrio(2, 3, seed=8)
    io = to_pymrio(ds)
    del io.iocirc
    F = io.factor_inputs.F
    io.factor_inputs.F = F.rename(
        index={
            "compensation": "Compensation of employees; wages, salaries, & employers' social "
            "contributions: Low-skilled",
            "operating_surplus": "Operating surplus: Remaining net operating surplus",
            "depreciation": "Operating surplus: Consumption of fixed capital",
            "net_production_taxes": "Other net taxes on production",
        }
    )
    back = from_pymrio(io)
    assert list(back.indexes["va_component"]) == [
        "compensation",
        "net_production_taxes",
        "depreciation",
        "operating_surplus",
    ]
    np.testing.assert_allclose(back["value_added"].values, ds["value_added"].values)


# --- refusals ----------------------------------------------------------------------------------


def test_unknown_category_is_named() -> None:
    io = _load_test()
    io.Y = io.Y.rename(columns={"Changes in valuables": "Lottery"})
    with pytest.raises(SchemaError, match="Lottery"):
        from_pymrio(io)
    with pytest.warns(BalanceWarning):
        mrio = from_pymrio(io, final_demand={"Lottery": "household"})
    assert "household" in mrio.indexes["flow"]
    with pytest.raises(SchemaError, match="targets"):
        from_pymrio(io, final_demand={"Lottery": "nonsense"})


def test_bad_indexes_and_values_are_refused() -> None:
    io = _load_test()
    io.Z = io.Z.iloc[:-1]
    with pytest.raises(SchemaError, match="rows of Z"):
        from_pymrio(io)
    io = _load_test()
    io.Z.iloc[3, 4] = np.nan
    with pytest.raises(SchemaError, match="NaN"):
        from_pymrio(io)
    io = _load_test()
    io.Z = io.Z.reset_index(drop=True)
    with pytest.raises(SchemaError, match="MultiIndex"):
        from_pymrio(io)
    with pytest.raises(SchemaError, match="no Z or Y"):
        from_pymrio(object())


def test_missing_pymrio_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pymrio", None)
    with pytest.raises(ImportError, match="pip install pymrio"):
        to_pymrio(synthetic_mrio(2, 2))


# --- WIOD ------------------------------------------------------------------------------------


@needs_wiod
def test_wiod_2011_round_trip() -> None:
    from iocirc.datasets import WIOD_EU27, wiod2013

    ds = wiod2013(2011, nation=WIOD_EU27)
    io = to_pymrio(ds)
    assert io.Z.shape == (1435, 1435)
    assert io.Y.shape == (1435, 41 * 6)  # five categories and the discrepancy
    xr.testing.assert_identical(from_pymrio(io), ds)
    del io.iocirc
    plain = from_pymrio(io, nation=list(WIOD_EU27), nation_name="EU27")
    for name in ("intermediate_use", "final_use", "total_output", "value_added", "discrepancy"):
        want = ds[name].sel(flow=plain.flow) if "flow" in ds[name].dims else ds[name]
        np.testing.assert_array_equal(plain[name].values, want.values)
    assert plain["in_nation"].values.tolist() == ds["in_nation"].values.tolist()
