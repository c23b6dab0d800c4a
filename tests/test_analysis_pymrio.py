"""iocirc.analysis against pymrio on the same data.

Each region of an iocirc table is a single-region IO system for pymrio: its
intermediate flows (local flows ``(1 - m) Z`` for the local model), its final
demand by source as the columns of ``Y`` and value added as the factor-input
extension. pymrio then derives output, coefficients, the Leontief and Ghosh
inverses and the multipliers by its own route (explicit inverses); they must
agree with iocirc's LU solves to 1e-10.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import iocirc
from iocirc import analysis
from iocirc.errors import ConventionWarning
from iocirc.testing import synthetic_table

pymrio = pytest.importorskip("pymrio")

RTOL = 1e-10


def pymrio_system(ds: xr.Dataset, region: str, kind: str, convention: str) -> Any:
    """The region's model as a pymrio IOSystem, everything computed by pymrio."""
    sectors = [str(s) for s in ds.indexes["sector"]]
    one = ds.sel(region=[region])
    z = one["intermediate_use"].values[0]
    if kind == "local":
        keep = 1.0 - analysis.outside_supply_share(one, convention=convention).values[0]
        z = keep[:, None] * z  # local flows: the part of each input produced in the region
    demand = analysis.final_demand_by_source(one, kind=kind, convention=convention)
    demand = demand.isel(region=0).fillna(0.0)
    index = pd.MultiIndex.from_product([[region], sectors], names=["region", "sector"])
    columns = pd.MultiIndex.from_product(
        [[region], list(demand.indexes["source"])], names=["region", "category"]
    )
    va = one["value_added"].isel(region=0)
    system = pymrio.IOSystem(
        Z=pd.DataFrame(z, index=index, columns=index),
        Y=pd.DataFrame(demand.values.T, index=index, columns=columns),
        factor_inputs={
            "name": "factor_inputs",
            "F": pd.DataFrame(va.values, index=list(va.indexes["va_component"]), columns=index),
        },
    )
    system.calc_all(include_ghosh=True)
    return system


def cases() -> list[tuple[str, xr.Dataset]]:
    return [
        ("example", iocirc.datasets.example_table()),
        ("gross", iocirc.datasets.example_table("gross")),
        ("synthetic", synthetic_table(2, 12, seed=7)),
    ]


@pytest.mark.parametrize(("kind", "convention"), [("total", "total_use"), ("local", "total_use"),
                                                  ("local", "local_use")])  # fmt: skip
@pytest.mark.parametrize("case", [name for name, _ in cases()])
def test_agrees_with_pymrio(case: str, kind: str, convention: str) -> None:
    ds = dict(cases())[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConventionWarning)  # local_use may leave [0, 1]
        a = (
            analysis.technical_coefficients(ds)
            if kind == "total"
            else analysis.local_coefficients(ds, convention=convention)  # type: ignore[arg-type]
        )
        kw: dict[str, Any] = {"kind": kind, "convention": convention}
        ell = analysis.leontief_inverse(ds, **kw)
        b = analysis.allocation_coefficients(ds, **kw)
        g = analysis.ghosh_inverse(ds, **kw)
        fx = analysis.induced_effects(ds, **kw)
        va_mult = analysis.value_added_multipliers(ds, by_component=True, **kw)
        for region in [str(r) for r in ds.indexes["region"]]:
            io = pymrio_system(ds, region, kind, convention)
            at = {"region": region}
            x = ds["total_output"].sel(at).values
            np.testing.assert_allclose(io.x.to_numpy()[:, 0], x, rtol=RTOL)
            np.testing.assert_allclose(a.sel(at).values, io.A.to_numpy(), rtol=RTOL, atol=1e-15)
            np.testing.assert_allclose(ell.sel(at).values, io.L.to_numpy(), rtol=RTOL, atol=1e-15)
            np.testing.assert_allclose(b.sel(at).values, io.B.to_numpy(), rtol=RTOL, atol=1e-15)
            np.testing.assert_allclose(g.sel(at).values, io.G.to_numpy(), rtol=RTOL, atol=1e-15)
            # output multipliers: column sums of pymrio's L
            np.testing.assert_allclose(
                fx["output_multiplier"].sel(at).values, io.L.to_numpy().sum(axis=0), rtol=RTOL
            )
            # value-added multipliers: pymrio's M = S L of the factor-input extension
            m = io.factor_inputs.M
            np.testing.assert_allclose(
                va_mult.sel(at).transpose("va_component", "sector").values, m.to_numpy(), rtol=RTOL
            )
            np.testing.assert_allclose(
                fx["value_added_multiplier"].sel(at).values, m.to_numpy().sum(axis=0), rtol=RTOL
            )
            # value added induced by each source of final demand: M y_s
            by_source = pymrio.calc_e(m, io.Y).to_numpy().sum(axis=0)
            ours = fx["value_added_induced"].sel(at).fillna(0.0).sum("sector").values
            np.testing.assert_allclose(ours, by_source, rtol=RTOL, atol=1e-9 * float(x.sum()))
            # output induced by each source: L y_s
            induced = io.L.to_numpy() @ io.Y.to_numpy()
            np.testing.assert_allclose(
                fx["output_induced"].sel(at).fillna(0.0).transpose("sector", "source").values,
                induced,
                rtol=RTOL,
                atol=1e-9 * float(x.max()),
            )
