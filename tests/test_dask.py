"""Indicators on dask-backed tables: lazy, equal to numpy, and fine on a distributed cluster."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings

import iocirc
from iocirc.aggregation import aggregate_regions, aggregate_sectors
from iocirc.errors import SchemaError
from iocirc.indicators import (
    SCOPES,
    circulation_ratio,
    gdp,
    net_outflow_contribution,
    value_added_share,
)
from iocirc.schema import available_flows, flow_values
from iocirc.testing.strategies import io_tables
from iocirc.trade.customs import with_customs_trade
from iocirc.trade.freight import (
    freight_domestic_share,
    freight_integration_level,
    freight_outflow_share,
    freight_receipt_share,
)
from iocirc.trade.partners import partner_group_share, partner_group_totals

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")


class ComputeForbidden(AssertionError):
    pass


def forbid_compute(*args, **kwargs):
    raise ComputeForbidden("an indicator function computed dask data")


def everything(ds: xr.Dataset) -> dict[str, xr.DataArray]:
    """Every indicator the table allows, including aggregates and a customs split."""
    have = available_flows(ds)
    out: dict[str, xr.DataArray] = {
        "gdp": gdp(ds),
        "gdp_sector": gdp(ds, by="sector"),
        "va_share": value_added_share(ds, percent=True),
    }
    scopes = SCOPES if "export" in have else ("dual",)
    for scope in scopes:
        if "gross_outflow" in have:
            out[f"ratio_{scope}"] = circulation_ratio(ds, scope)
        for by in ("region", "sector"):
            out[f"contribution_{scope}_{by}"] = net_outflow_contribution(ds, scope, by=by)
    out["national_va"] = aggregate_regions(out["va_share"])
    out["plain_va"] = aggregate_regions(out["va_share"], weights=None)
    if "gross_outflow" in have:
        out["national_dual"] = aggregate_regions(out["ratio_dual"])
        exports = 0.3 * flow_values(ds, "gross_outflow").sum("sector")
        imports = 0.2 * flow_values(ds, "gross_inflow").sum("sector")
        split = with_customs_trade(ds, exports, imports, on_negative="ignore")
        out["customs_international"] = circulation_ratio(split, "international")
        out["customs_final_use"] = split["final_use"]
    mapping = {s: ("A" if i % 2 else "B") for i, s in enumerate(ds.indexes["sector"])}
    small = aggregate_sectors(ds, mapping)
    out["sections_z"] = small["intermediate_use"]
    out["sections_share"] = value_added_share(small)
    return out


def test_nothing_is_computed_on_dask_tables():
    for layout in ("full", "gross", "net"):
        ds = iocirc.datasets.example_table(layout).chunk({"region": 1})
        with dask.config.set(scheduler=forbid_compute):
            results = everything(ds)
            # Arithmetic between indicators stays lazy too (their gdp coordinates coincide).
            if layout == "full":
                _ = results["ratio_domestic"] + results["ratio_international"]
                _ = results["contribution_dual_region"] * 2
        for name, value in results.items():
            assert value.chunks is not None, name


def test_freight_and_partner_functions_stay_lazy():
    names = ["Liaoning", "Jilin", "Heilongjiang", "Beijing"]
    rng = np.random.default_rng(0)
    od = xr.DataArray(
        rng.uniform(0, 10, (4, 4, 3)),
        coords={"origin": names, "destination": names, "year": [2019, 2020, 2021]},
    ).chunk({"year": 1})
    trade = xr.DataArray(
        rng.uniform(0, 10, (2, 5, 2)),
        coords={
            "region": ["Liaoning", "Jilin"],
            "partner": ["Japan", "Republic of Korea", "DPR Korea", "Russia", "Mongolia"],
            "direction": ["export", "import"],
        },
    ).chunk({"region": 1})
    functions = (
        freight_outflow_share,
        freight_receipt_share,
        freight_domestic_share,
        freight_integration_level,
    )
    with dask.config.set(scheduler=forbid_compute):
        lazy = [f(od) for f in functions]
        totals = partner_group_totals(trade)
        share = partner_group_share(trade, "Northeast Asia")
    for f, value in zip(functions, lazy, strict=True):
        xr.testing.assert_allclose(value.compute(), f(od.compute()))
    xr.testing.assert_allclose(totals.compute(), partner_group_totals(trade.compute()))
    xr.testing.assert_allclose(
        share.compute(), partner_group_share(trade.compute(), "Northeast Asia")
    )


@settings(max_examples=10)
@given(io_tables(layouts=("full", "gross", "net"), chunks={"region": 1}))
def test_dask_results_equal_numpy(ds):
    lazy = everything(ds)
    eager = everything(ds.compute())
    assert all(value.chunks is not None for value in lazy.values())
    computed = dask.compute(*lazy.values(), scheduler="synchronous")
    for name, value in zip(lazy, computed, strict=True):
        xr.testing.assert_allclose(value, eager[name])


def _zero_gdp_table() -> xr.Dataset:
    bad = iocirc.datasets.example_table().copy(deep=True)
    bad["value_added"].loc[{"region": "Jilin"}] = 0.0  # unbalanced; indicators do not validate
    return bad


def test_non_positive_gdp_raises_when_computed():
    ds = _zero_gdp_table()
    with pytest.raises(SchemaError, match="Jilin"):
        value_added_share(ds)
    lazy = value_added_share(ds.chunk({"region": 1}))  # building the graph is fine
    with pytest.raises(SchemaError, match=r"zero or negative for region='Jilin'"):
        lazy.compute()
    # The other regions are unaffected.
    fine = lazy.sel(region=["Liaoning", "Heilongjiang"]).compute()
    assert np.isfinite(fine).all()


def test_negative_domestic_flow_raises_when_computed():
    ds = iocirc.datasets.example_table("gross").chunk({"region": 1})
    gross = flow_values(ds, "gross_outflow").sum("sector")
    split = with_customs_trade(ds, 2 * gross, 0 * gross)
    with pytest.raises(SchemaError, match="negative domestic_outflow"):
        split["final_use"].compute()


def test_distributed_local_cluster_gives_the_numpy_results():
    from distributed import Client, LocalCluster

    ds = iocirc.testing.synthetic_table(6, 5, seed=7)
    ds_lazy = ds.chunk({"region": 2})
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        lazy = everything(ds_lazy)
        names = list(lazy)
        computed = client.compute([lazy[n] for n in names], sync=True)
        assert len(client.scheduler_info()["workers"]) == 2
    eager = everything(ds)
    for name, value in zip(names, computed, strict=True):
        xr.testing.assert_allclose(value, eager[name])


@pytest.mark.parametrize("kind", ["local", "total"])
def test_induced_effects_keeps_the_region_chunks(kind):
    """One task per region chunk and step: no rechunk layer, as many output chunks as input."""
    from iocirc import analysis
    from iocirc.testing import synthetic_table

    ds = synthetic_table(25, 6, validate=False)
    lazy_ds = ds.chunk({"region": 4})
    chunks = lazy_ds["final_use"].data.npartitions
    lazy = analysis.induced_effects(lazy_ds, kind=kind)
    eager = analysis.induced_effects(ds, kind=kind)
    for name, var in lazy.data_vars.items():
        if var.chunks is None:
            continue
        graph = var.data.__dask_graph__()
        assert not [k for k in graph.layers if str(k).startswith("rechunk")], name
        assert var.data.numblocks[var.dims.index("region")] == len(lazy_ds.chunksizes["region"])
        assert var.data.npartitions == len(lazy_ds.chunksizes["region"]), name
    assert lazy["output_induced"].data.npartitions == chunks
    xr.testing.assert_allclose(lazy.compute(), eager, rtol=1e-12, atol=0)


# -- analysis on dask-backed tables: lazy, equal to numpy, chunks kept, checks at compute ------


def _analysis_results(ds: xr.Dataset, kind: str) -> dict[str, xr.DataArray | xr.Dataset]:
    """Every analysis function (and the model object's methods) on one table."""
    from iocirc import analysis

    kw = {"kind": kind}
    out: dict[str, xr.DataArray | xr.Dataset] = {
        "technical_coefficients": analysis.technical_coefficients(ds),
        "allocation_coefficients": analysis.allocation_coefficients(ds, **kw),
        "leontief_inverse": analysis.leontief_inverse(ds, **kw),
        "leontief_output": analysis.leontief_output(ds, **kw),
        "output_multipliers": analysis.output_multipliers(ds, **kw),
        "value_added_multipliers": analysis.value_added_multipliers(ds, **kw),
        "va_multipliers_by_component": analysis.value_added_multipliers(
            ds, by_component=True, **kw
        ),
        "induced_effects": analysis.induced_effects(ds, **kw),
        "final_demand_by_source": analysis.final_demand_by_source(ds, **kw),
        "output_by_demand_source": analysis.output_by_demand_source(ds, **kw),
        "ghosh_inverse": analysis.ghosh_inverse(ds, **kw),
        "ghosh_output": analysis.ghosh_output(ds, **kw),
        "backward_linkages": analysis.backward_linkages(ds, **kw),
        "forward_linkages": analysis.forward_linkages(ds, **kw),
        "linkages": analysis.linkages(ds, **kw),
        "hypothetical_extraction": analysis.hypothetical_extraction(ds, **kw),
    }
    for by in (None, "sector", "product"):
        out[f"value_added_by_source_{by}"] = analysis.value_added_by_demand_source(ds, by=by, **kw)
    m = analysis.model(ds, **kw)
    out["model.induced"] = m.induced()
    out["model.output_scenarios"] = m.output(
        (ds["final_use"].sum("flow") * xr.DataArray([1.0, 2.0], dims="scenario")).transpose(
            "scenario", ...
        )
    )
    out["model.multipliers"] = m.multipliers()
    if kind == "local":
        out["local_coefficients"] = analysis.local_coefficients(ds)
        out["outside_supply_share"] = analysis.outside_supply_share(ds)
        out["circulation_value_added_share"] = analysis.circulation_value_added_share(ds)
        out["circulation_local_use"] = analysis.circulation_value_added_share(
            ds, convention="local_use"
        )
    return out


def _variables(result: xr.DataArray | xr.Dataset) -> dict[str, xr.DataArray]:
    if isinstance(result, xr.Dataset):
        return {str(k): v for k, v in result.data_vars.items()}
    return {"": result}


@pytest.mark.parametrize("kind", ["local", "total"])
@pytest.mark.parametrize("layout", ["full", "gross"])
def test_analysis_is_lazy_keeps_the_chunks_and_equals_numpy(kind, layout):
    """No computation while the graph is built; every result chunked by region as the table
    is (no rechunk layer); computed, the numpy result."""
    import warnings

    from iocirc.testing import synthetic_table

    ds = synthetic_table(7, 5, layout=layout, seed=2, validate=False)
    lazy_ds = ds.chunk({"region": 3})
    region_chunks = lazy_ds.chunksizes["region"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with dask.config.set(scheduler=forbid_compute):
            lazy = _analysis_results(lazy_ds, kind)
        eager = _analysis_results(ds, kind)
    for name, result in lazy.items():
        for var_name, var in _variables(result).items():
            label = f"{name}[{var_name}]"
            if "region" not in var.dims:
                continue
            assert var.chunks is not None, label
            assert var.chunksizes["region"] == region_chunks, label
            layers = var.data.__dask_graph__().layers
            assert not [k for k in layers if str(k).startswith("rechunk")], label
        xr.testing.assert_allclose(
            result.compute(scheduler="synchronous"), eager[name], rtol=1e-10, atol=1e-12
        )


def test_analysis_graph_has_few_tasks_per_chunk():
    """The model is a few fused blockwise steps per region chunk and output."""
    from iocirc import analysis
    from iocirc.testing import synthetic_table

    ds = synthetic_table(40, 6, validate=False).chunk({"region": 4})
    fx = analysis.induced_effects(ds)
    (optimized,) = dask.optimize(fx)
    n_tasks = len(dict(optimized.__dask_graph__()))
    assert n_tasks <= 50 * len(ds.chunksizes["region"]), n_tasks


@pytest.mark.parametrize(
    ("variable", "where", "value", "match"),
    [
        ("intermediate_use", {"region": "R0004"}, np.nan, "intermediate_use.*NaN.*R0004"),
        ("total_output", {"region": "R0005", "sector": "S001"}, -1.0, "negative.*R0005"),
        ("final_use", {"region": "R0002", "sector": "S000"}, np.inf, "infinite.*R0002"),
        ("value_added", {"region": "R0001"}, np.nan, "value_added.*NaN.*R0001"),
    ],
)
def test_bad_values_are_refused_when_the_dask_result_is_computed(variable, where, value, match):
    from iocirc import analysis
    from iocirc.testing import synthetic_table

    ds = synthetic_table(7, 4, validate=False)
    ds[variable].loc[where] = value
    with pytest.raises(SchemaError, match=match.split(".*")[0]):
        analysis.induced_effects(ds)
    lazy_ds = ds.chunk({"region": 3})
    with dask.config.set(scheduler=forbid_compute):
        for function in (analysis.induced_effects, analysis.leontief_inverse):
            lazy = function(lazy_ds)  # building the graph is fine
    with pytest.raises(SchemaError, match=match):
        analysis.induced_effects(lazy_ds).compute(scheduler="synchronous")
    with pytest.raises(SchemaError, match=match):
        lazy.compute()


def test_convention_warning_comes_when_the_dask_result_is_computed():
    from iocirc import analysis
    from iocirc.errors import ConventionWarning
    from iocirc.testing import synthetic_table

    ds = synthetic_table(6, 4, validate=False)
    inflow = ds["final_use"].loc[{"flow": "domestic_inflow"}]
    ds["final_use"].loc[{"flow": "domestic_inflow", "region": "R0004"}] = 50 * inflow.sel(
        region="R0004"
    )
    with pytest.warns(ConventionWarning, match="R0004"):
        eager = analysis.outside_supply_share(ds, convention="local_use")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing at graph-build time
        lazy = analysis.outside_supply_share(ds.chunk({"region": 2}), convention="local_use")
    with pytest.warns(ConventionWarning, match="region 'R0004'"):
        computed = lazy.compute(scheduler="synchronous")
    xr.testing.assert_allclose(computed, eager)


def test_local_model_of_a_net_outflow_table_is_refused_on_dask_too():
    from iocirc import analysis
    from iocirc.errors import MissingFlowError
    from iocirc.testing import synthetic_table

    ds = synthetic_table(4, 3, layout="net", validate=False).chunk({"region": 2})
    with pytest.raises(MissingFlowError, match="net outflow"):
        analysis.induced_effects(ds)
    total = analysis.induced_effects(ds, kind="total")
    assert total["output_induced"].chunks is not None
