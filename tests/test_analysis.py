"""IO analysis: textbook cases derived by hand, conventions, identities, dask.

Hand derivations use exact rational arithmetic (:class:`fractions.Fraction`) and
2x2 or 3x3 adjugates, never the code under test.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import iocirc
from iocirc import analysis
from iocirc.errors import ConventionWarning, MissingFlowError, SchemaError
from iocirc.testing.strategies import io_tables

F = Fraction


def close(actual: object, expected: object, rtol: float = 1e-12) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=0
    )


def as_printed(exact: object, printed: object) -> None:
    """``exact`` rounds to the four decimals printed in the book."""
    np.testing.assert_allclose(np.asarray(exact, dtype=float), printed, rtol=0, atol=5e-5)


def inv2(m: list[list[Fraction]]) -> list[list[Fraction]]:
    """Inverse of a 2x2 matrix: adjugate over determinant."""
    (a, b), (c, d) = m
    det = a * d - b * c
    return [[d / det, -b / det], [-c / det, a / det]]


def matmul(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in
            range(len(a))]  # fmt: skip


def quiet(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Call with ConventionWarning silenced (random tables may put m outside [0, 1])."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConventionWarning)
        return func(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Miller and Blair (2009), section 2.3: the two-sector example
# ---------------------------------------------------------------------------------------------

MB_Z = [[150.0, 500.0], [200.0, 100.0]]
MB_X = [1000.0, 2000.0]


@pytest.fixture
def mb2() -> xr.Dataset:
    """Z and x of Miller and Blair's example; final demand x - Z1, value added x' - 1'Z."""
    f = np.array(MB_X) - np.array(MB_Z).sum(axis=1)  # 350, 1700
    va = np.array(MB_X) - np.array(MB_Z).sum(axis=0)  # 650, 1400
    return iocirc.from_arrays(
        MB_Z,
        f[:, None],
        va[None, :],
        MB_X,
        regions="Liaoning",
        sectors=["1", "2"],
        flows=["household_urban"],
        va_components=["value_added_total"],
    )


def test_miller_blair_two_sector_leontief(mb2: xr.Dataset) -> None:
    a = [[F(150, 1000), F(500, 2000)], [F(200, 1000), F(100, 2000)]]
    assert a == [[F(15, 100), F(25, 100)], [F(20, 100), F(5, 100)]]  # the book's A
    ell = inv2([[1 - a[0][0], -a[0][1]], [-a[1][0], 1 - a[1][1]]])
    # det(I - A) = .85 * .95 - .25 * .2 = .7575; L = adj / det, as printed in the book
    assert ell[0][0] == F(95, 100) / F(7575, 10000)
    as_printed(ell, [[1.2541, 0.3300], [0.2640, 1.1221]])
    close(analysis.technical_coefficients(mb2).isel(region=0), a)
    for kind in ("total", "local"):  # no imports: the local model is the total one
        close(analysis.leontief_inverse(mb2, kind=kind).isel(region=0), ell)
    colsums = [ell[0][j] + ell[1][j] for j in range(2)]
    close(analysis.output_multipliers(mb2).isel(region=0), colsums)
    v = [F(650, 1000), F(1400, 2000)]
    close(
        analysis.value_added_multipliers(mb2).isel(region=0),
        [v[0] * ell[0][j] + v[1] * ell[1][j] for j in range(2)],
    )
    # Rasmussen: column sums over their mean; row sums over their mean
    close(analysis.backward_linkages(mb2).isel(region=0), [2 * c / sum(colsums) for c in colsums])
    rows = [sum(ell[i]) for i in range(2)]
    close(
        analysis.forward_linkages(mb2, model="leontief").isel(region=0),
        [2 * r / sum(rows) for r in rows],
    )


def test_miller_blair_two_sector_ghosh(mb2: xr.Dataset) -> None:
    # B = diag(x)^-1 Z = [[.15, .5], [.1, .05]]; G = (I - B)^-1 (Miller and Blair, section 12.1)
    b = [[F(150, 1000), F(500, 1000)], [F(200, 2000), F(100, 2000)]]
    g = inv2([[1 - b[0][0], -b[0][1]], [-b[1][0], 1 - b[1][1]]])
    as_printed(g, [[1.2541, 0.6601], [0.1320, 1.1221]])
    close(analysis.allocation_coefficients(mb2).isel(region=0), b)
    close(analysis.ghosh_inverse(mb2).isel(region=0), g)
    close(analysis.forward_linkages(mb2, normalize=False).isel(region=0), [sum(r) for r in g])
    # the supply-side model reproduces output from value added: x' = v' G
    close(analysis.ghosh_output(mb2).isel(region=0), MB_X)
    # and maps a change of primary inputs through G
    w = xr.DataArray([[100.0, 0.0]], dims=("region", "sector"), coords=mb2["total_output"].coords)
    close(analysis.ghosh_output(mb2, w).isel(region=0), [100 * g[0][0], 100 * g[0][1]])


def test_miller_blair_three_sector() -> None:
    # Miller and Blair's three-sector A (section 2.5), det(I - A) = .384, output 1000 each
    a = [
        [F(2, 10), F(3, 10), F(2, 10)],
        [F(4, 10), F(1, 10), F(2, 10)],
        [F(1, 10), F(3, 10), F(2, 10)],
    ]
    x = [F(1000)] * 3
    z = [[a[i][j] * x[j] for j in range(3)] for i in range(3)]
    f = [x[i] - sum(z[i]) for i in range(3)]
    va = [x[j] - sum(z[i][j] for i in range(3)) for j in range(3)]
    assert f == [300, 300, 400]
    assert va == [300, 300, 400]
    # cofactors of I - A, transposed, over the determinant
    adjugate = [[F(66, 100), F(30, 100), F(24, 100)], [F(34, 100), F(62, 100), F(24, 100)],
                [F(21, 100), F(27, 100), F(60, 100)]]  # fmt: skip
    det = F(384, 1000)
    ell = [[c / det for c in row] for row in adjugate]
    identity = matmul([[int(i == j) - a[i][j] for j in range(3)] for i in range(3)], ell)
    assert identity == [[int(i == j) for j in range(3)] for i in range(3)]
    ds = iocirc.from_arrays(
        [[float(v) for v in row] for row in z],
        [[float(v)] for v in f],
        [[float(v) for v in va]],
        regions="Jilin",
        sectors=["1", "2", "3"],
        flows=["government"],
        va_components=["value_added_total"],
    )
    close(analysis.leontief_inverse(ds, kind="total").isel(region=0), ell)
    close(
        analysis.output_multipliers(ds, kind="total").isel(region=0),
        [sum(ell[i][j] for i in range(3)) for j in range(3)],
    )
    close(analysis.leontief_output(ds).isel(region=0), x)
    vas = analysis.value_added_by_demand_source(ds, by="sector").isel(region=0)
    close(vas.sel(source="consumption"), va)


# ---------------------------------------------------------------------------------------------
# The local model and its two conventions, by hand
# ---------------------------------------------------------------------------------------------

FLOWS = ["household_urban", "fixed_capital_formation", "export", "domestic_outflow", "import",
         "domestic_inflow"]  # fmt: skip
# consumption, capital formation, exports, outflows, imports, inflows of products 1 and 2
C, K, EX, OUT, IM, IN = [300, 1200], [100, 300], [150, 0], [0, 400], [200, 0], [0, 200]


@pytest.fixture
def open2() -> xr.Dataset:
    """Miller and Blair's Z and x, with final demand split over consumption, capital and trade."""
    final = np.array([C, K, EX, OUT, IM, IN], dtype=float).T
    va = np.array(MB_X) - np.array(MB_Z).sum(axis=0)
    ds = iocirc.from_arrays(
        MB_Z,
        final,
        va[None, :],
        regions="Hebei",
        sectors=["1", "2"],
        flows=FLOWS,
        va_components=["value_added_total"],
    )
    close(ds["total_output"].isel(region=0), MB_X)
    return ds


@dataclass
class Hand:
    m: list[Fraction]
    a_l: list[list[Fraction]]
    ell: list[list[Fraction]]
    f: dict[str, list[Fraction]]
    out: dict[str, list[Fraction]]
    va: dict[str, Fraction]


def hand_local(convention: str) -> Hand:
    """The local model of ``open2`` in exact arithmetic."""
    x = [F(v) for v in MB_X]
    z = [[F(v) for v in row] for row in MB_Z]
    d = [sum(z[i]) + C[i] + K[i] for i in range(2)]
    base = d if convention == "local_use" else [d[i] + EX[i] + OUT[i] for i in range(2)]
    m = [F(IM[i] + IN[i]) / base[i] for i in range(2)]
    keep = [1 - mi for mi in m]
    a_l = [[keep[i] * z[i][j] / x[j] for j in range(2)] for i in range(2)]
    ell = inv2([[1 - a_l[0][0], -a_l[0][1]], [-a_l[1][0], 1 - a_l[1][1]]])
    outward = 1 if convention == "local_use" else None
    f = {
        "consumption": [keep[i] * C[i] for i in range(2)],
        "capital_formation": [keep[i] * K[i] for i in range(2)],
        "export": [(outward or keep[i]) * EX[i] for i in range(2)],
        "domestic_outflow": [(outward or keep[i]) * OUT[i] for i in range(2)],
    }
    out = {s: [sum(ell[i][k] * fs[k] for k in range(2)) for i in range(2)] for s, fs in f.items()}
    assert [sum(o[i] for o in out.values()) for i in range(2)] == x  # x = L f_l, exactly
    v = [F(650, 1000), F(1400, 2000)]
    va = {s: sum(v[i] * o[i] for i in range(2)) for s, o in out.items()}
    assert sum(va.values()) == 2050  # GDP, exactly
    return Hand(m, a_l, ell, f, out, va)


@pytest.mark.parametrize("convention", ["total_use", "local_use"])
def test_local_model_by_hand(open2: xr.Dataset, convention: str) -> None:
    hand = hand_local(convention)
    expected_m = [F(4, 21), F(1, 9)] if convention == "local_use" else [F(1, 6), F(1, 11)]
    assert hand.m == expected_m
    m = analysis.outside_supply_share(open2, convention=convention)  # type: ignore[arg-type]
    close(m.isel(region=0), expected_m)
    kw = {"convention": convention}
    close(analysis.local_coefficients(open2, **kw).isel(region=0), hand.a_l)
    close(analysis.leontief_inverse(open2, **kw).isel(region=0), hand.ell)
    fx = analysis.induced_effects(open2, **kw).isel(region=0)
    sources = ["consumption", "capital_formation", "export", "domestic_outflow"]
    assert list(fx.indexes["source"]) == sources
    hand_f, hand_out, hand_va = hand.f, hand.out, hand.va
    for s in sources:
        close(fx["final_demand"].sel(source=s), hand_f[s])
        close(fx["output_induced"].sel(source=s), hand_out[s])
        close(fx["value_added_induced"].sel(source=s).sum(), hand_va[s])
    va = analysis.value_added_by_demand_source(open2, **kw).isel(region=0)
    close(va, [hand_va[s] for s in sources])
    by_product = analysis.value_added_by_demand_source(open2, by="product", **kw)
    close(by_product.sum("sector").isel(region=0), [hand_va[s] for s in sources])


def test_conventions_differ_where_they_should(open2: xr.Dataset) -> None:
    total = analysis.value_added_by_demand_source(open2)
    local = analysis.value_added_by_demand_source(open2, convention="local_use")
    # exports are partly supplied from outside under total_use only: they induce less there
    assert float(total.sel(source="export")[0]) < float(local.sel(source="export")[0])
    assert float(total.sel(source="consumption")[0]) > float(local.sel(source="consumption")[0])
    assert analysis.DEFAULT_CONVENTION == "total_use"
    default = analysis.value_added_by_demand_source(open2)
    assert default.attrs["convention"] == "total_use"
    xr.testing.assert_identical(default, total)


def test_circulation_shares_by_hand(open2: xr.Dataset) -> None:
    hand_va = hand_local("total_use").va
    share = analysis.circulation_value_added_share(open2).isel(region=0)
    assert list(share.indexes["source"]) == ["export", "domestic_outflow", "gross_outflow"]
    gdp = 2050
    close(share["gdp"], gdp)
    close(share["value_added_share"].sel(source="export"), hand_va["export"] / gdp)
    close(
        share["value_added_share"].sel(source="domestic_outflow"), hand_va["domestic_outflow"] / gdp
    )
    close(
        share["value_added_share"].sel(source="gross_outflow"),
        (hand_va["export"] + hand_va["domestic_outflow"]) / gdp,
    )
    # the paper's measure: net outflow over GDP
    close(share["net_outflow_share"].sel(source="export"), (150 - 200) / gdp)
    close(share["net_outflow_share"].sel(source="domestic_outflow"), (400 - 200) / gdp)
    close(share["net_outflow_share"].sel(source="gross_outflow"), (550 - 400) / gdp)
    close(share["outflow"], [150, 400, 550])
    assert share["value_added_share"].attrs["units"] == "1"
    assert share["value_added"].attrs["units"] == "10^4 CNY"


# ---------------------------------------------------------------------------------------------
# Conventions yielding m outside [0, 1], zero output, vintages
# ---------------------------------------------------------------------------------------------


def transit_table() -> xr.Dataset:
    """Product 02 is mostly transit: inflow 480 and outflow 500 against local use 20."""
    z = [[10.0, 5.0], [4.0, 6.0]]
    final = [[50.0, 20.0, 0.0, 5.0, 0.0], [6.0, 4.0, 500.0, 0.0, 480.0]]
    return iocirc.from_arrays(
        z,
        final,
        [[76.0, 29.0]],
        regions="Jiangsu",
        sectors=["01", "02"],
        sector_en=["Farming", "Transport"],
        flows=["household_urban", "government", "domestic_outflow", "other", "domestic_inflow"],
        va_components=["value_added_total"],
    )


def test_local_use_warns_naming_region_and_sector() -> None:
    ds = transit_table()
    with pytest.warns(ConventionWarning, match=r"Jiangsu.*'02' \(Transport\): m = 24") as record:
        m = analysis.outside_supply_share(ds, convention="local_use")
    assert record[0].filename == __file__  # attributed to the caller
    assert m.sel(sector="02").item() == pytest.approx(480 / 20)
    with pytest.warns(ConventionWarning, match="1 of 2 region-sectors"):
        a_l = analysis.local_coefficients(ds, convention="local_use")
    assert a_l.sel(sector="02").min().item() < 0  # negative local coefficients
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m_total = analysis.outside_supply_share(ds)  # total_use: 480 / 520, no warning
    assert m_total.sel(sector="02").item() == pytest.approx(480 / 520)
    # the identities hold either way
    for convention in ("total_use", "local_use"):
        fx = quiet(analysis.induced_effects, ds, convention=convention)
        close(fx["output_induced"].sum("source"), ds["total_output"], rtol=1e-12)
        close(fx["value_added_induced"].sum(["source", "sector"]), [105.0], rtol=1e-12)


@pytest.mark.parametrize(("residual", "warns"), [(1.0, False), (100.0, True)])
def test_rounding_residuals_do_not_warn(residual: float, warns: bool) -> None:
    # product 02 is not produced: all 1e6 used is brought in, plus the 'other' residual
    ds = iocirc.from_arrays(
        [[10.0, 0.0], [0.0, 0.0]],
        [[50.0, 0.0, 0.0], [1e6, residual, 1e6 + residual]],
        [[50.0, 0.0]],
        regions="Tibet",
        sectors=["01", "02"],
        flows=["household_urban", "other", "domestic_inflow"],
        va_components=["value_added_total"],
    )
    assert ds["total_output"].sel(sector="02").item() == 0.0
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        m = analysis.outside_supply_share(ds)
    assert m.sel(sector="02").item() == pytest.approx(1 + residual / 1e6, rel=1e-12)
    assert (len(record) == 1) is warns
    assert analysis.SHARE_TOLERANCE == 1e-5


def test_supplies_without_use_are_charged_to_other() -> None:
    # product 02 has no local use at all: inflow 300 is re-exported as outflow
    ds = iocirc.from_arrays(
        [[10.0, 5.0], [0.0, 0.0]],
        [[50.0, 0.0, 0.0], [0.0, 500.0, 300.0]],
        [[55.0, 195.0]],
        regions="Shanghai",
        sectors=["01", "02"],
        flows=["household_urban", "domestic_outflow", "domestic_inflow"],
        va_components=["value_added_total"],
    )
    with pytest.warns(ConventionWarning, match="m undefined"):
        fx = analysis.induced_effects(ds, convention="local_use")
    assert "other" in fx.indexes["source"]
    close(fx["final_demand"].sel(source="other", sector="02"), [-300.0])
    close(fx["output_induced"].sum("source"), ds["total_output"])
    close(fx["value_added_induced"].sum(["source", "sector"]), [250.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fx_total = analysis.induced_effects(ds)
    assert "other" not in fx_total.indexes["source"]
    close(fx_total["outside_supply_share"].sel(sector="02"), [300 / 500])


def test_zero_output_sector() -> None:
    # sector 03 produces nothing: its product is imported, used by 01 and households
    z = [[10.0, 5.0, 0.0], [4.0, 6.0, 0.0], [10.0, 0.0, 0.0]]
    final = [[50.0, 0.0], [30.0, 0.0], [20.0, 30.0]]
    ds = iocirc.from_arrays(
        z,
        final,
        [[41.0, 29.0, 0.0]],
        regions="Tianjin",
        sectors=["01", "02", "03"],
        flows=["household_urban", "import"],
        va_components=["value_added_total"],
    )
    assert float(ds["total_output"].sel(sector="03")[0]) == 0.0
    for kind in ("local", "total"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no division warnings, no convention warnings
            a = analysis.technical_coefficients(ds)
            b = analysis.allocation_coefficients(ds, kind=kind)  # type: ignore[arg-type]
            fx = analysis.induced_effects(ds, kind=kind)  # type: ignore[arg-type]
            ell = analysis.leontief_inverse(ds, kind=kind)  # type: ignore[arg-type]
            g = analysis.ghosh_inverse(ds, kind=kind)  # type: ignore[arg-type]
            he = analysis.hypothetical_extraction(ds, kind=kind)  # type: ignore[arg-type]
        assert (a.sel(sector_to="03") == 0).all()
        assert (b.sel(sector="03") == 0).all()
        close(ell.isel(region=0)[:, 2], [0, 0, 1])  # column of a sector with A column 0
        close(g.isel(region=0)[2], [0, 0, 1])
        for result in (fx, ell, g, he):
            assert bool(np.isfinite(result.to_array() if isinstance(result, xr.Dataset) else result)
                        .all())  # fmt: skip
        close(fx["output_induced"].sum("source").isel(region=0), [65.0, 40.0, 0.0])
        close(fx["value_added_induced"].sum(["source", "sector"]), [70.0])
        close(he["complete"].sel(sector="03"), [0.0])


def test_gross_flow_vintage() -> None:
    ds = iocirc.datasets.example_table("gross")
    va = analysis.value_added_by_demand_source(ds)
    assert list(va.indexes["source"]) == [
        "consumption",
        "capital_formation",
        "gross_outflow",
        "other",
    ]
    gdp = ds["value_added"].sum(["va_component", "sector_to"])
    close(va.sum("source"), gdp, rtol=1e-12)
    share = analysis.circulation_value_added_share(ds)
    assert list(share.indexes["source"]) == ["gross_outflow"]
    close(
        share["value_added_share"].sel(source="gross_outflow"), va.sel(source="gross_outflow") / gdp
    )
    flows = ds["final_use"].sum("sector")
    net = flows.sel(flow="gross_outflow") - flows.sel(flow="gross_inflow")
    close(share["net_outflow_share"].sel(source="gross_outflow"), net / gdp)


def test_national_vintage() -> None:
    ds = iocirc.datasets.example_table("national")
    share = analysis.circulation_value_added_share(ds)
    assert list(share.indexes["source"]) == ["export", "gross_outflow"]
    xr.testing.assert_allclose(
        share["value_added"].sel(source="export", drop=True),
        share["value_added"].sel(source="gross_outflow", drop=True),
    )


def test_net_outflow_vintage_needs_total_kind() -> None:
    ds = iocirc.datasets.example_table("net")
    with pytest.raises(MissingFlowError, match="net outflow"):
        analysis.induced_effects(ds)
    fx = analysis.induced_effects(ds, kind="total")
    assert "net_outflow" in fx.indexes["source"]
    assert "outside_supply_share" not in fx
    close(fx["output_induced"].sum("source"), ds["total_output"], rtol=1e-12)


def test_total_kind_has_supplies_as_negative_sources() -> None:
    ds = iocirc.datasets.example_table()
    f = analysis.final_demand_by_source(ds, kind="total")
    assert list(f.indexes["source"])[-2:] == ["import", "domestic_inflow"]
    assert bool((f.sel(source=["import", "domestic_inflow"]) <= 0).all())
    z1 = ds["intermediate_use"].sum("sector_to")
    close(f.sum("source") + z1, ds["total_output"])
    va = analysis.value_added_by_demand_source(ds, kind="total")
    close(va.sum("source"), ds["value_added"].sum(["va_component", "sector_to"]))


def test_mixed_vintages_stacked() -> None:
    full = iocirc.datasets.example_table().isel(region=[0])
    gross = iocirc.datasets.example_table("gross").isel(region=[1])
    ds = xr.concat([full, gross], dim="region", join="outer", coords="different", compat="equals")
    va = analysis.value_added_by_demand_source(ds)
    assert list(va.indexes["source"]) == [
        "consumption", "capital_formation", "export", "domestic_outflow", "gross_outflow", "other"
    ]  # fmt: skip
    assert bool(va.sel(region="Jilin", source="export").isnull())
    assert bool(va.sel(region="Liaoning", source="gross_outflow").isnull())
    gdp = ds["value_added"].sum(["va_component", "sector_to"])
    close(va.sum("source"), gdp, rtol=1e-12)
    share = analysis.circulation_value_added_share(ds)
    assert bool(share["value_added_share"].sel(region="Jilin", source="export").isnull())
    assert bool(share["value_added_share"].notnull().sel(source="gross_outflow").all())
    # each region as computed on its own
    alone = analysis.circulation_value_added_share(full)
    close(share["value_added_share"].sel(region="Liaoning"), alone["value_added_share"][0])


# ---------------------------------------------------------------------------------------------
# Inverses, extraction, extra dimensions, bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["local", "total"])
def test_inverses_against_numpy(kind: str) -> None:
    ds = iocirc.datasets.example_table()
    coefficients = (
        analysis.technical_coefficients(ds) if kind == "total" else analysis.local_coefficients(ds)
    )
    ell = analysis.leontief_inverse(ds, kind=kind)  # type: ignore[arg-type]
    g = analysis.ghosh_inverse(ds, kind=kind)  # type: ignore[arg-type]
    eye = np.eye(ds.sizes["sector"])
    for r in range(ds.sizes["region"]):
        a = coefficients.values[r]
        x = ds["total_output"].values[r]
        np.testing.assert_allclose(ell.values[r], np.linalg.inv(eye - a), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(g.values[r], ell.values[r] * x / x[:, None], rtol=1e-12)
    assert ell.dims == ("region", "sector", "sector_to")
    assert ell.attrs["units"] == "1"
    assert "sector_to_en" in ell.coords


@pytest.mark.parametrize("kind", ["local", "total"])
def test_extraction_against_brute_force(kind: str) -> None:
    ds = iocirc.datasets.example_table()
    he = analysis.hypothetical_extraction(ds, kind=kind)  # type: ignore[arg-type]
    coefficients = (
        analysis.technical_coefficients(ds) if kind == "total" else analysis.local_coefficients(ds)
    )
    f = analysis.final_demand_by_source(ds, kind=kind).sum("source")  # type: ignore[arg-type]
    n = ds.sizes["sector"]
    for r in range(ds.sizes["region"]):
        a = coefficients.values[r]
        x = ds["total_output"].values[r]
        b = a * x[None, :] / x[:, None]
        w = x - (a * x[None, :]).sum(axis=0)
        for j in range(n):
            keep = [i for i in range(n) if i != j]
            reduced = np.linalg.solve(np.eye(n - 1) - a[np.ix_(keep, keep)], f.values[r][keep])
            complete = x.sum() - reduced.sum()
            a_bwd = a.copy()
            a_bwd[:, j] = 0
            backward = x.sum() - np.linalg.solve(np.eye(n) - a_bwd, f.values[r]).sum()
            b_fwd = b.copy()
            b_fwd[j, :] = 0
            forward = x.sum() - np.linalg.solve((np.eye(n) - b_fwd).T, w).sum()
            got = he.isel(region=r, sector=j)
            np.testing.assert_allclose(
                [float(got["complete"]), float(got["backward"]), float(got["forward"])],
                [complete, backward, forward],
                rtol=1e-9,
            )
    some = analysis.hypothetical_extraction(ds, ["06", "02"], kind=kind)  # type: ignore[arg-type]
    assert list(some.indexes["sector"]) == ["06", "02"]
    xr.testing.assert_allclose(some, he.sel(sector=["06", "02"]))
    assert some["sector_en"].values.tolist() == ["Services", "Mining"]


def test_extra_dimensions_are_kept() -> None:
    ds = iocirc.datasets.example_table()
    years = xr.concat([ds, ds * 2.0], dim=xr.DataArray([2017, 2018], dims="year"))
    years.attrs = ds.attrs
    fx = analysis.induced_effects(years)
    assert fx["value_added_induced"].dims == ("year", "region", "source", "sector")
    xr.testing.assert_allclose(fx.sel(year=2017, drop=True), analysis.induced_effects(ds))
    xr.testing.assert_allclose(
        fx["output_multiplier"].sel(year=2018, drop=True), fx["output_multiplier"].sel(year=2017)
        .drop_vars("year")
    )  # fmt: skip
    ell = analysis.leontief_inverse(years)
    assert ell.dims == ("year", "region", "sector", "sector_to")
    he = analysis.hypothetical_extraction(years, ["01"])
    assert he["complete"].dims == ("year", "region", "sector")
    # a scenario dimension on final demand is kept and solved at once
    f = analysis.final_demand_by_source(ds).sum("source")
    scenarios = xr.concat([f, 2 * f], dim=xr.DataArray(["base", "double"], dims="scenario"))
    out = analysis.leontief_output(ds, scenarios)
    assert out.dims == ("scenario", "region", "sector")
    close(out.sel(scenario="double"), 2 * ds["total_output"])


def test_inputs_are_not_modified() -> None:
    ds = iocirc.datasets.example_table()
    before = ds.copy(deep=True)
    analysis.induced_effects(ds)
    analysis.leontief_inverse(ds)
    analysis.ghosh_inverse(ds, kind="total")
    analysis.hypothetical_extraction(ds)
    analysis.circulation_value_added_share(ds)
    analysis.linkages(ds)
    xr.testing.assert_identical(ds, before)


def test_bad_input() -> None:
    ds = iocirc.datasets.example_table()
    with pytest.raises(SchemaError, match="xarray.Dataset"):
        analysis.leontief_inverse(ds["intermediate_use"])  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="total_output"):
        analysis.induced_effects(ds.drop_vars("total_output"))
    with pytest.raises(ValueError, match="kind"):
        analysis.output_multipliers(ds, kind="global")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="convention"):
        analysis.output_multipliers(ds, convention="exports_first")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="by must be"):
        analysis.value_added_by_demand_source(ds, by="region")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="model must be"):
        analysis.forward_linkages(ds, model="rasmussen")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="unknown sector"):
        analysis.hypothetical_extraction(ds, ["99"])
    with pytest.raises(SchemaError, match="'sector'"):
        analysis.leontief_output(ds, ds["total_output"].rename(sector="product"))


def test_singular_system_raises() -> None:
    # one sector using all its own output: I - A = 0
    ds = iocirc.from_arrays(
        [[100.0]], [[0.0]], [[0.0]], regions="Hainan", sectors=["01"], flows=["household_urban"],
        va_components=["value_added_total"],
    )  # fmt: skip
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        analysis.output_multipliers(ds, kind="total")
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        analysis.leontief_inverse(ds, kind="total")


def test_linkages_and_multiplier_relations() -> None:
    ds = iocirc.datasets.example_table()
    lk = analysis.linkages(ds)
    close(lk["backward"].mean("sector"), [1, 1, 1])
    close(lk["forward"].mean("sector"), [1, 1, 1])
    assert bool((lk["key_sector"] == ((lk["backward"] > 1) & (lk["forward"] > 1))).all())
    raw = analysis.backward_linkages(ds, normalize=False)
    xr.testing.assert_allclose(raw, analysis.output_multipliers(ds))
    by_component = analysis.value_added_multipliers(ds, by_component=True)
    assert by_component.dims == ("region", "va_component", "sector")
    xr.testing.assert_allclose(
        by_component.sum("va_component"), analysis.value_added_multipliers(ds)
    )
    # local value added multipliers plus import leakage make one (Miller and Blair, 6.2)
    local = analysis.value_added_multipliers(ds)
    assert bool(((local > 0) & (local < 1)).all())
    total = analysis.value_added_multipliers(ds, kind="total")
    assert bool((total > local).all())


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


def well_conditioned(ds: xr.Dataset, convention: str) -> bool:
    a = quiet(analysis.local_coefficients, ds, convention=convention).values
    eye = np.eye(ds.sizes["sector"])
    return bool(np.all(np.linalg.cond(eye - a) < 1e8))


conventions = st.sampled_from(["total_use", "local_use"])
_EXAMPLES = settings.default.max_examples  # of the profile loaded in conftest


def fewer(divisor: int) -> settings:
    """A fraction of the profile's examples, for the slower properties."""
    return settings(max_examples=max(5, _EXAMPLES // divisor))


@given(ds=io_tables(layouts=("full", "gross", "national")), convention=conventions)
def test_identities_hold_exactly(ds: xr.Dataset, convention: str) -> None:
    assume(well_conditioned(ds, convention))
    before = ds.copy(deep=True)
    fx = quiet(analysis.induced_effects, ds, convention=convention)
    xr.testing.assert_identical(ds, before)  # inputs are never written to
    x = ds["total_output"]
    scale = float(abs(x).max())
    np.testing.assert_allclose(fx["output_induced"].sum("source"), x, rtol=1e-9, atol=1e-9 * scale)
    gdp = ds["value_added"].sum(["va_component", "sector_to"])
    np.testing.assert_allclose(
        fx["value_added_induced"].sum(["source", "sector"]), gdp, rtol=1e-9, atol=1e-9 * scale
    )
    # the model's local demand plus local intermediate use is output, row by row
    a_l = quiet(analysis.local_coefficients, ds, convention=convention)
    x_cols = x.rename(sector="sector_to").drop_vars(["sector_zh", "sector_en"])
    z_local = (a_l * x_cols).sum("sector_to")
    np.testing.assert_allclose(
        z_local + fx["final_demand"].sum("source"), x, rtol=1e-9, atol=1e-9 * scale
    )
    va = quiet(analysis.value_added_by_demand_source, ds, convention=convention, by="product")
    np.testing.assert_allclose(va.sum(["source", "sector"]), gdp, rtol=1e-8, atol=1e-8 * scale)


@fewer(2)
@given(ds=io_tables(layouts=("full", "gross", "net", "national")))
def test_total_model_identities(ds: xr.Dataset) -> None:
    fx = analysis.induced_effects(ds, kind="total")
    scale = float(abs(ds["total_output"]).max())
    np.testing.assert_allclose(
        fx["output_induced"].sum("source"), ds["total_output"], rtol=1e-9, atol=1e-9 * scale
    )


@fewer(3)
@given(
    ds=io_tables(
        n_sectors=st.integers(2, 6), n_regions=st.integers(2, 4), layouts=("full", "gross")
    ),
    data=st.data(),
)
def test_permutation_invariance(ds: xr.Dataset, data: st.DataObject) -> None:
    n, r = ds.sizes["sector"], ds.sizes["region"]
    sectors = data.draw(st.permutations(range(n)))
    regions = data.draw(st.permutations(range(r)))
    shuffled = ds.isel(sector=sectors, sector_to=sectors, region=regions)
    fx = quiet(analysis.induced_effects, ds)
    fx_shuffled = quiet(analysis.induced_effects, shuffled)
    xr.testing.assert_allclose(
        fx_shuffled, fx.isel(sector=sectors, region=regions), rtol=1e-9, atol=1e-6
    )
    ell = quiet(analysis.leontief_inverse, shuffled, kind="total")
    expected = quiet(analysis.leontief_inverse, ds, kind="total")
    xr.testing.assert_allclose(
        ell, expected.isel(sector=sectors, sector_to=sectors, region=regions), rtol=1e-9
    )


@fewer(3)
@given(ds=io_tables(), factor=st.sampled_from([1e-4, 3.0, 1e4]))
def test_unit_scale_invariance(ds: xr.Dataset, factor: float) -> None:
    kind = "total" if "net_outflow" in ds.indexes["flow"] else "local"
    scaled = ds.copy()
    for name in ("intermediate_use", "final_use", "value_added", "total_output"):
        scaled[name] = ds[name] * factor
    fx = quiet(analysis.induced_effects, ds, kind=kind)
    fx_scaled = quiet(analysis.induced_effects, scaled, kind=kind)
    for name in ("output_multiplier", "value_added_multiplier"):
        xr.testing.assert_allclose(fx_scaled[name], fx[name], rtol=1e-9)
    xr.testing.assert_allclose(fx_scaled["gdp"], fx["gdp"] * factor, rtol=1e-9)
    lk = quiet(analysis.linkages, ds, kind=kind).drop_vars("key_sector")  # ties at 1 may flip
    lk_scaled = quiet(analysis.linkages, scaled, kind=kind).drop_vars("key_sector")
    xr.testing.assert_allclose(lk_scaled, lk, rtol=1e-9)


@fewer(4)
@given(ds=io_tables(n_regions=st.integers(2, 4), chunks={"region": 1}), convention=conventions)
def test_dask_equals_numpy(ds: xr.Dataset, convention: str) -> None:
    dask = pytest.importorskip("dask")
    dask_array = pytest.importorskip("dask.array")
    with dask.config.set(scheduler="synchronous"):
        check_dask_equals_numpy(ds, convention, dask_array)


def check_dask_equals_numpy(ds: xr.Dataset, convention: str, dask_array: Any) -> None:
    eager = ds.compute()
    kind = "total" if "net_outflow" in ds.indexes["flow"] else "local"
    kw = {"kind": kind, "convention": convention}
    lazy = quiet(analysis.leontief_inverse, ds, **kw)
    assert isinstance(lazy.data, dask_array.Array)
    xr.testing.assert_allclose(quiet(lazy.compute), quiet(analysis.leontief_inverse, eager, **kw))
    fx = quiet(analysis.induced_effects, ds, **kw)
    assert isinstance(fx["output_induced"].data, dask_array.Array)
    xr.testing.assert_allclose(quiet(fx.compute), quiet(analysis.induced_effects, eager, **kw))
    he = quiet(analysis.hypothetical_extraction, ds, **kw)
    xr.testing.assert_allclose(
        quiet(he.compute), quiet(analysis.hypothetical_extraction, eager, **kw)
    )
    g = quiet(analysis.ghosh_output, ds, **kw)
    xr.testing.assert_allclose(quiet(g.compute), quiet(analysis.ghosh_output, eager, **kw))


def test_synthetic_vintage_at_full_size() -> None:
    from iocirc.testing import synthetic_table

    ds = synthetic_table(31, 42, seed=3)
    fx = quiet(analysis.induced_effects, ds)
    np.testing.assert_allclose(fx["output_induced"].sum("source"), ds["total_output"], rtol=1e-10)
    gdp = ds["value_added"].sum(["va_component", "sector_to"])
    np.testing.assert_allclose(fx["value_added_induced"].sum(["source", "sector"]), gdp, rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# The official tables (need IOCIRC_DATA)
# ---------------------------------------------------------------------------------------------

PROVINCIAL = "中国31省区市42部门投入产出表1997-2017皮皮侠"


@pytest.mark.data
@pytest.mark.parametrize("year", [2017, 2012, 2007])
def test_official_vintages(data_root: Path, year: int) -> None:
    from iocirc.readers import read_nbs_tables
    from iocirc.schema import flow_values

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BalanceWarning for tables that do not add up
        ds = read_nbs_tables(data_root / "data-raw" / PROVINCIAL / f"{year}年各省份投入产出表")
    # The local-use share, straight from the table: (imports + inflows) / local use.
    domestic_uses = sum(
        flow_values(ds, f)
        for f in (
            "household_rural",
            "household_urban",
            "government",
            "fixed_capital_formation",
            "inventory_change",
        )
    )
    local_use = ds["intermediate_use"].sum("sector_to") + domestic_uses
    m_local = flow_values(ds, "gross_inflow") / local_use.where(local_use != 0)
    tol = analysis.SHARE_TOLERANCE
    outside_local_use = int(((m_local < -tol) | (m_local > 1 + tol)).sum())
    assert (
        outside_local_use > 0
    )  # transit recorded as inflow and outflow: the reason for the default
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default convention is silent on every vintage
        fx = analysis.induced_effects(ds)
        share = analysis.circulation_value_added_share(ds)
    with pytest.warns(
        ConventionWarning, match=f"for {outside_local_use} of {ds.sizes['region'] * 42}"
    ):
        analysis.outside_supply_share(ds, convention="local_use")
    m = fx["outside_supply_share"]
    assert bool(((m >= -analysis.SHARE_TOLERANCE) & (m <= 1 + analysis.SHARE_TOLERANCE)).all())
    gdp = ds["value_added"].sum(["va_component", "sector_to"])
    np.testing.assert_allclose(fx["value_added_induced"].sum(["source", "sector"]), gdp, rtol=1e-8)
    outward = "gross_outflow" if year == 2007 else "export"
    assert outward in share.indexes["source"]
    # (2012: Inner Mongolia reports no exports, Hubei no domestic outflow)
    assert bool(((share["value_added_share"] >= 0) & (share["value_added_share"] < 1)).all())


# --- the model as an object -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["local", "total"])
def test_model_methods_equal_the_functions(kind):
    ds = iocirc.datasets.example_table()
    m = analysis.model(ds, kind=kind, convention="local_use")
    assert (m.kind, m.convention) == (kind, "local_use" if kind == "local" else None)
    k = {"kind": kind, "convention": "local_use"}
    pairs = [
        (m.final_demand(), analysis.final_demand_by_source(ds, **k)),
        (m.inverse(), analysis.leontief_inverse(ds, **k)),
        (m.output(), analysis.leontief_output(ds, **k)),
        (m.multipliers(), analysis.output_multipliers(ds, **k)),
        (m.value_added_multipliers(), analysis.value_added_multipliers(ds, **k)),
        (m.induced(), analysis.induced_effects(ds, **k)),
        (m.output_by_source(), analysis.output_by_demand_source(ds, **k)),
        (
            m.value_added_by_source(by="product"),
            analysis.value_added_by_demand_source(ds, by="product", **k),
        ),
        (m.ghosh_inverse(), analysis.ghosh_inverse(ds, **k)),
        (m.ghosh_output(), analysis.ghosh_output(ds, **k)),
        (m.linkages(), analysis.linkages(ds, **k)),
        (m.backward_linkages(), analysis.backward_linkages(ds, **k)),
        (
            m.forward_linkages(model="leontief"),
            analysis.forward_linkages(ds, model="leontief", **k),
        ),
        (m.extraction(["03"]), analysis.hypothetical_extraction(ds, ["03"], **k)),
        (m.allocation_coefficients(), analysis.allocation_coefficients(ds, **k)),
    ]
    if kind == "local":
        pairs += [
            (m.local_coefficients(), analysis.local_coefficients(ds, convention="local_use")),
            (m.outside_supply_share(), analysis.outside_supply_share(ds, convention="local_use")),
            (
                m.circulation_value_added_share(),
                analysis.circulation_value_added_share(ds, convention="local_use"),
            ),
        ]
    for got, expected in pairs:
        xr.testing.assert_identical(got, expected)


def test_model_is_immutable_and_checks_once():
    ds = iocirc.datasets.example_table()
    m = analysis.model(ds, kind="total")
    with pytest.raises(AttributeError):
        m.table = ds  # type: ignore[misc]
    with pytest.raises(iocirc.errors.ArgumentError, match="kind='local'"):
        m.outside_supply_share()
    with pytest.raises(SchemaError):
        analysis.model(ds.drop_vars("final_use"))
    assert "Model kind='total'" in repr(m)
