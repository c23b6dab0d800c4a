"""Persistence: netCDF and the tidy pandas layout are lossless."""

from __future__ import annotations

import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings

import iocirc
from iocirc.errors import SchemaError
from iocirc.testing.strategies import io_tables


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(io_tables())
def test_netcdf_round_trip_is_identical(tmp_path, ds):
    path = tmp_path / "table.nc"
    ds.to_netcdf(path)
    xr.testing.assert_identical(xr.load_dataset(path), ds)


@given(io_tables())
def test_tidy_round_trip_is_identical(ds):
    xr.testing.assert_identical(iocirc.from_tidy(iocirc.to_tidy(ds)), ds)


def test_tidy_through_csv_keeps_the_numbers(tmp_path):
    ds = iocirc.datasets.example_table()
    path = tmp_path / "table.csv"
    iocirc.to_tidy(ds).to_csv(path, index=False)
    import pandas as pd

    back = iocirc.from_tidy(pd.read_csv(path, dtype={"row": str, "column": str}), year=2017)
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        xr.testing.assert_equal(
            back[name].reset_coords(drop=True), ds[name].reset_coords(drop=True)
        )


def test_to_tidy_refuses_panels():
    ds = iocirc.datasets.example_table()
    panel = xr.concat([ds, ds], dim="year")
    with pytest.raises(SchemaError, match="extra dimension.*year"):
        iocirc.to_tidy(panel)


def test_from_tidy_reports_missing_cells():
    frame = iocirc.to_tidy(iocirc.datasets.example_table())
    with pytest.raises(SchemaError, match="lacks 1 cells of 'final_use'"):
        iocirc.from_tidy(frame.drop(index=frame.index[frame["variable"] == "final_use"][3]))
