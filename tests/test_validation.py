"""Validation: identities of drawn tables, and every kind of breakage caught and located."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import xarray as xr
from hypothesis import assume, given
from hypothesis import strategies as st

import iocirc
from iocirc._core import identity_residuals
from iocirc.errors import BalanceError, BalanceWarning, SchemaError, UnitError
from iocirc.testing.strategies import io_tables


@given(io_tables())
def test_drawn_tables_satisfy_both_identities(ds):
    rows, cols = identity_residuals(ds)
    for table in (rows, cols):
        assert float((abs(table["residual"]) / table["scale"]).max()) < 1e-12
    assert iocirc.validate(ds) is ds


@given(io_tables(), st.data())
def test_any_perturbed_cell_is_caught_and_located(ds, data):
    variable = data.draw(
        st.sampled_from(["intermediate_use", "final_use", "value_added", "total_output"])
    )
    var = ds[variable]
    position = {dim: data.draw(st.integers(0, var.sizes[dim] - 1)) for dim in var.dims}
    cell = var.isel(position)
    if variable == "final_use":
        # Cells left out of the identity (a part beside its aggregate) are not checked.
        from iocirc._core import flow_weights

        assume(float(flow_weights(var).isel(region=position["region"], flow=position["flow"])) != 0)
    # A perturbation far above rounding: 1% of the region's largest output.
    delta = 0.01 * float(ds["total_output"].isel(region=position["region"]).max())
    bad = ds.copy(deep=True)
    bad[variable][position] = float(cell) + delta
    with pytest.raises(BalanceError) as info:
        iocirc.validate(bad)
    region = str(ds.indexes["region"][position["region"]])
    assert f"region {region!r}" in str(info.value)
    sector_dim = {"value_added": "sector_to", "intermediate_use": None}.get(variable, "sector")
    if sector_dim is not None:
        sector = str(ds.indexes[sector_dim][position[sector_dim]])
        assert f"sector {sector!r}" in str(info.value)
    else:  # intermediate use breaks one row and one column identity
        row = str(ds.indexes["sector"][position["sector"]])
        col = str(ds.indexes["sector_to"][position["sector_to"]])
        assert f"sector {row!r}" in str(info.value) or f"sector {col!r}" in str(info.value)


def test_balance_error_message_is_specific():
    ds = iocirc.datasets.example_table()
    bad = ds.copy(deep=True)
    bad["final_use"].loc[{"region": "Jilin", "sector": "03", "flow": "export"}] += 5e4
    with pytest.raises(BalanceError) as info:
        iocirc.validate(bad)
    message = str(info.value)
    assert "row identity" in message
    assert "region 'Jilin', sector '03' (制造业)" in message
    assert "residual -50000 10^4 CNY" in message
    assert "1 row checks" in message
    assert "balance_report" in message


def test_on_imbalance_warn_and_ignore():
    bad = iocirc.datasets.example_table().copy(deep=True)
    bad["value_added"][0, 0, 2] *= 1.5
    with pytest.warns(BalanceWarning, match="column identity"):
        iocirc.validate(bad, on_imbalance="warn")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        iocirc.validate(bad, on_imbalance="ignore")
    with pytest.raises(ValueError, match="on_imbalance"):
        iocirc.validate(bad, on_imbalance="shout")  # type: ignore[arg-type]


def test_rtol_is_relative_to_the_terms():
    ds = iocirc.datasets.example_table()
    bad = ds.copy(deep=True)
    bad["total_output"][1, 4] *= 1 + 1e-7
    iocirc.validate(bad)  # within the default 1e-6
    with pytest.raises(BalanceError):
        iocirc.validate(bad, rtol=1e-9)


def test_atol_forgives_float_noise_only():
    ds = iocirc.datasets.example_table()
    bad = ds.copy(deep=True)
    bad["total_output"][0, 2] += 0.5
    with pytest.raises(BalanceError, match="atol=0.1"):
        iocirc.validate(bad, rtol=1e-12, atol=0.1)
    iocirc.validate(bad, rtol=1e-12, atol=1.0)


def test_balance_report_lists_every_residual_sorted():
    ds = iocirc.datasets.example_table()
    bad = ds.copy(deep=True)
    bad["total_output"][2, 5] += 100.0
    report = iocirc.balance_report(bad)
    assert len(report) == 2 * ds.sizes["region"] * ds.sizes["sector"]
    top = report.iloc[:2]
    assert set(top["region"]) == {"Heilongjiang"}
    assert set(top["sector"]) == {"06"}
    assert set(top["identity"]) == {"row", "column"}
    np.testing.assert_allclose(top["residual"], 100.0)
    assert (report["residual"].iloc[2:] == 0).all()


@pytest.mark.parametrize(
    ("mutate", "error", "match"),
    [
        (lambda ds: ds.drop_vars("value_added"), SchemaError, "lacks the variable.*value_added"),
        (
            lambda ds: ds.assign(total_output=ds["total_output"].isel(sector=0, drop=True)),
            SchemaError,
            "'total_output' lacks the dimension.*sector",
        ),
        (
            lambda ds: ds.assign(total_output=ds["total_output"].astype(str)),
            SchemaError,
            "holds <U.* data; expected numbers",
        ),
        (lambda ds: ds.drop_vars("region_zh"), SchemaError, "lacks the coordinate.*region_zh"),
        (
            lambda ds: ds.assign_coords(sector_to=list("abcdef")),
            SchemaError,
            "same labels in the same order",
        ),
        (
            lambda ds: ds.assign_coords(flow=["exports", *list(ds.indexes["flow"])[1:]]),
            SchemaError,
            "unknown flow label.*exports",
        ),
        (
            lambda ds: ds.assign(value_added=ds["value_added"].where(ds["value_added"] > 1e5)),
            SchemaError,
            "'value_added' has NaN at region=",
        ),
        (
            lambda ds: ds.assign(total_output=-ds["total_output"]),
            SchemaError,
            "negative at region='Liaoning', sector='01'",
        ),
        (
            lambda ds: ds.assign(
                final_use=ds["final_use"].where((ds["sector"] != "02") | (ds["flow"] != "export"))
            ),
            SchemaError,
            "NaN for some sectors only",
        ),
        (lambda ds: ds.assign_attrs(currency_unit="CNY"), UnitError, "units '10\\^4 CNY'"),
        (lambda ds: ds.to_array(), SchemaError, "expected an xarray.Dataset"),
    ],
)
def test_structural_problems_raise_schema_errors(mutate, error, match):
    ds = iocirc.datasets.example_table()
    with pytest.raises(error, match=match):
        iocirc.validate(mutate(ds))


def test_a_region_not_reporting_a_flow_is_allowed_and_balanced():
    # Stacked regions with different splits: Jilin reports only gross outflow.
    ds = iocirc.datasets.example_table()
    fu = ds["final_use"]
    gross = fu.sel(flow="export", drop=True) + fu.sel(flow="domestic_outflow", drop=True)
    gross = gross.where(gross["region"] == "Jilin").reset_coords(drop=True)
    split = fu.where(~((fu["region"] == "Jilin") & fu["flow"].isin(["export", "domestic_outflow"])))
    stacked = np.concatenate([split.values, gross.values[..., np.newaxis]], axis=-1)
    table = iocirc.from_arrays(
        ds["intermediate_use"].values,
        stacked,
        ds["value_added"].values,
        ds["total_output"].values,
        regions=list(ds.indexes["region"]),
        sectors=list(ds.indexes["sector"]),
        flows=[*ds.indexes["flow"], "gross_outflow"],
        year=2017,
    )
    assert bool(table["final_use"].sel(region="Jilin", flow="export").isnull().all())


def test_extra_dimensions_are_validated_alike():
    ds = iocirc.datasets.example_table()
    panel = xr.concat([ds, ds * 2], dim="year").assign_coords(year=[2012, 2017])
    panel.attrs = ds.attrs
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        panel[name].attrs = ds[name].attrs
    iocirc.validate(panel)
    panel["total_output"].loc[{"year": 2017, "region": "Jilin", "sector": "02"}] += 1e5
    with pytest.raises(BalanceError, match="region 'Jilin', sector '02'.*year=2017"):
        iocirc.validate(panel)
