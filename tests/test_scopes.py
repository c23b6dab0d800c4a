"""The scope registry of iocirc.schema: specs, available_scopes, and its single use."""

from __future__ import annotations

import pytest
from hypothesis import given

import iocirc
from iocirc import schema
from iocirc.errors import MissingFlowError, SchemaError
from iocirc.indicators import SCOPES, circulation_ratio, net_outflow_contribution
from iocirc.schema import ScopeSpec, available_scopes
from iocirc.testing.strategies import io_tables


def test_registry():
    assert list(schema.SCOPES) == ["domestic", "international", "dual"]
    flows = schema.members("flow")
    for name, spec in schema.SCOPES.items():
        assert isinstance(spec, ScopeSpec)
        assert spec.name == name
        assert spec.outflow in flows
        assert spec.inflow in flows
        assert flows[spec.outflow].sign == 1
        assert flows[spec.inflow].sign == -1
        assert spec.flows == (spec.outflow, spec.inflow)
        assert len(spec.words) == 2
        assert spec.description
    dual = schema.SCOPES["dual"]
    # the dual scope's flows are the sums of the other scopes' flows
    assert set(flows[dual.outflow].parts) == {
        schema.SCOPES["domestic"].outflow,
        schema.SCOPES["international"].outflow,
    }
    assert set(flows[dual.inflow].parts) == {
        schema.SCOPES["domestic"].inflow,
        schema.SCOPES["international"].inflow,
    }
    assert dual.net == "net_outflow"


def test_indicators_read_the_registry():
    assert tuple(schema.SCOPES) == SCOPES
    with pytest.warns(DeprecationWarning, match="SCOPE_FLOWS is deprecated"):
        scope_flows = iocirc.indicators.SCOPE_FLOWS
    assert {name: spec.flows for name, spec in schema.SCOPES.items()} == scope_flows
    ds = iocirc.datasets.example_table()
    for scope in SCOPES:
        words = schema.SCOPES[scope].words
        assert (
            circulation_ratio(ds, scope).attrs["description"] == f"({words[0]} + {words[1]}) / GDP"
        )  # type: ignore[arg-type]


def test_requires():
    assert schema.SCOPES["domestic"].requires() == (("domestic_outflow", "domestic_inflow"),)
    assert schema.SCOPES["international"].requires("net_outflow_contribution") == (
        ("export", "import"),
    )
    assert schema.SCOPES["dual"].requires("circulation_ratio") == (
        ("gross_outflow", "gross_inflow"),
    )
    with pytest.raises(SchemaError, match="unknown indicator"):
        schema.SCOPES["dual"].requires("gdp")


@pytest.mark.parametrize(
    ("layout", "ratio", "contribution"),
    [
        ("full", ("domestic", "international", "dual"), ("domestic", "international", "dual")),
        ("gross", ("dual",), ("dual",)),
        ("net", (), ("dual",)),
    ],
)
def test_available_scopes(layout, ratio, contribution):
    ds = iocirc.datasets.example_table(layout)
    assert available_scopes(ds) == ratio
    assert available_scopes(ds, "circulation_ratio") == ratio
    assert available_scopes(ds, "net_outflow_contribution") == contribution


def test_available_scopes_refuses_unknown_indicator():
    with pytest.raises(SchemaError, match="unknown indicator"):
        available_scopes(iocirc.datasets.example_table(), "ratio")
    with pytest.raises(SchemaError, match="unknown indicator"):
        available_scopes(iocirc.datasets.example_table(), ["circulation_ratio"])  # type: ignore[arg-type]


def test_available_scopes_of_customs_split_tables():
    ds = iocirc.datasets.example_table("gross")
    exports = 0.2 * schema.flow_values(ds, "gross_outflow").sum("sector")
    imports = 0.1 * schema.flow_values(ds, "gross_inflow").sum("sector")
    split = iocirc.with_customs_trade(ds, exports, imports)
    assert available_scopes(split) == ("domestic", "international", "dual")


@given(io_tables(layouts=("full", "gross", "net")))
def test_available_scopes_say_what_computes(ds):
    """A scope is available exactly when its indicator computes."""
    for indicator, function in (
        ("circulation_ratio", circulation_ratio),
        ("net_outflow_contribution", net_outflow_contribution),
    ):
        available = available_scopes(ds, indicator)
        for scope in SCOPES:
            if scope in available:
                function(ds, scope)  # type: ignore[operator]
            else:
                with pytest.raises(MissingFlowError):
                    function(ds, scope)  # type: ignore[operator]


def test_public_and_documented():
    assert "available_scopes" in schema.__all__
    assert "SCOPES" in schema.__all__
    assert "ScopeSpec" in schema.__all__
    assert schema.available_scopes.__doc__
    assert "Examples" in schema.available_scopes.__doc__


def test_command_line_scopes_are_the_registry():
    from iocirc import cli

    assert tuple(schema.SCOPES) == cli._SCOPE_CHOICES
    parser = cli._build_parser()
    for scope in schema.SCOPES:
        assert parser.parse_args(
            ["indicators", "2017", "--out", "x.csv", "--scope", scope]
        ).scope == [scope]
