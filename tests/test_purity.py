"""Functions of the foundation never modify their inputs."""

from __future__ import annotations

import contextlib
import warnings

import pytest
import xarray as xr

import iocirc
from iocirc.schema import flow_values


@pytest.mark.parametrize(
    "call",
    [
        iocirc.validate,
        iocirc.balance_report,
        iocirc.to_tidy,
        lambda ds: flow_values(ds, "gross_outflow"),
        lambda ds: iocirc.validate(ds, on_imbalance="warn"),
    ],
)
@pytest.mark.parametrize("layout", ["full", "gross", "net", "national"])
def test_inputs_are_left_unchanged(call, layout):
    ds = iocirc.datasets.example_table(layout)
    if layout != "full" and call is not iocirc.validate:
        ds["total_output"][0, 0] += 1.0  # unbalanced input must not be "repaired" either
    before = ds.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(iocirc.errors.IocircError):
            call(ds)
    xr.testing.assert_identical(ds, before)


def test_example_table_is_deterministic_and_fresh():
    first = iocirc.datasets.example_table()
    first["total_output"][:] = 0.0
    xr.testing.assert_identical(iocirc.datasets.example_table(), iocirc.datasets.example_table())
    assert float(iocirc.datasets.example_table()["total_output"].min()) > 0
