"""The registry itself: consistent, complete, and the flow logic it encodes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import xarray as xr

import iocirc
from iocirc.errors import MissingFlowError, SchemaError
from iocirc.schema import (
    DIMS,
    FLOWS,
    VA_COMPONENTS,
    VARIABLES,
    available_flows,
    flow_values,
    identity_terms,
    member_coords,
    members,
    require_flows,
)


def test_variable_dims_are_registered_dimensions():
    for spec in VARIABLES.values():
        assert set(spec.dims) <= set(DIMS)


@pytest.mark.parametrize("registry", [FLOWS, VA_COMPONENTS])
def test_member_names_and_codes_are_unique_and_parts_are_finest(registry):
    names = [m.name for m in registry]
    codes = [m.code for m in registry]
    assert len(set(names)) == len(names)
    assert len(set(codes)) == len(codes)
    finest = {m.name for m in registry if not m.parts}
    for member in registry:
        assert set(member.parts) <= finest
        assert member.sign in (1, -1)


def test_aggregate_signs_reproduce_printed_values():
    # gross_inflow = imports + inflows, printed positive; net_outflow = e + o - m - n.
    by_name = members("flow")
    values = {"export": 5.0, "domestic_outflow": 7.0, "import": 2.0, "domestic_inflow": 3.0}
    for name, expected in (("gross_outflow", 12.0), ("gross_inflow", 5.0), ("net_outflow", 7.0)):
        m = by_name[name]
        assert m.sign * sum(by_name[p].sign * values[p] for p in m.parts) == expected


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (
            ["export", "domestic_outflow", "import", "domestic_inflow"],
            ("export", "domestic_outflow", "import", "domestic_inflow"),
        ),
        (["gross_outflow", "export", "gross_inflow"], ("gross_outflow", "gross_inflow")),
        (["net_outflow", "export"], ("net_outflow",)),
        (["household", "household_rural"], ("household",)),
    ],
)
def test_identity_terms_count_every_finest_flow_once(present, expected):
    assert identity_terms("flow", present) == expected


def test_identity_terms_never_double_count_any_subset():
    registry = members("flow")
    names = list(registry)
    for size in range(1, 5):
        for combo in itertools.combinations(names, size):
            chosen = identity_terms("flow", combo)
            leaves = [leaf for c in chosen for leaf in registry[c].leaves]
            assert len(leaves) == len(set(leaves)), combo


def test_identity_terms_rejects_unknown_labels():
    with pytest.raises(SchemaError, match="unknown flow labels \\['exports'\\]"):
        identity_terms("flow", ["exports"])


def _add_flow(final_use: xr.DataArray, name: str, values: xr.DataArray) -> xr.DataArray:
    new = values.expand_dims(flow=[name]).assign_coords(member_coords("flow", [name]))
    return xr.concat([final_use, new], dim="flow")


def test_flow_values_derives_domestic_outflow_from_gross_and_export():
    ds = iocirc.datasets.example_table()
    gross = flow_values(ds, "gross_outflow")
    exports = ds["final_use"].sel(flow="export", drop=True)
    outflow = ds["final_use"].sel(flow="domestic_outflow", drop=True)
    xr.testing.assert_allclose(gross, exports + outflow)
    # A table reporting gross outflow and exports only (2007 Guangdong style).
    without = ds["final_use"].drop_sel(flow=["domestic_outflow"])
    partial = ds.drop_dims("flow").assign(final_use=_add_flow(without, "gross_outflow", gross))
    xr.testing.assert_allclose(flow_values(partial, "domestic_outflow"), outflow)


def test_flow_values_fills_regions_that_report_only_the_aggregate():
    ds = iocirc.datasets.example_table()
    gross = flow_values(ds, "gross_outflow")
    stacked = ds["final_use"].copy()
    stacked.loc[{"region": "Jilin", "flow": "export"}] = np.nan
    stacked = _add_flow(stacked, "gross_outflow", gross)
    derived = flow_values(ds.drop_dims("flow").assign(final_use=stacked), "export")
    xr.testing.assert_allclose(derived, ds["final_use"].sel(flow="export", drop=True))


def test_missing_flow_error_names_vintage_flows_and_way_out():
    ds = iocirc.datasets.example_table("gross")
    assert "export" not in available_flows(ds)
    with pytest.raises(MissingFlowError) as info:
        require_flows(ds, ["export", "import"], purpose="the international scope")
    message = str(info.value)
    assert "2017" in message
    assert "['export', 'import']" in message
    assert "with_customs_trade" in message
    assert isinstance(info.value, ValueError)


def test_available_flows_of_net_table():
    ds = iocirc.datasets.example_table("net")
    have = available_flows(ds)
    assert "net_outflow" in have
    assert "gross_outflow" not in have
    assert "household" in have  # derivable from its two parts
