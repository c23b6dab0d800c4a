"""RAS and GRAS (iocirc.mrio.ras, iocirc.mrio.gras)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from iocirc.errors import (
    ArgumentError,
    ArgumentTypeError,
    BalanceError,
    ConvergenceError,
    ConvergenceWarning,
    IocircError,
    SchemaError,
)
from iocirc.mrio import BalancingReport, gras, ras


def plain_ras(seed, u, v, rounds):
    """RAS by hand, as Miller and Blair (2009, section 7.4.2) work it: scale rows, then columns."""
    x = [list(map(float, row)) for row in seed]
    m, n = len(x), len(x[0])
    for _ in range(rounds):
        for i in range(m):
            total = sum(x[i])
            r = u[i] / total
            x[i] = [value * r for value in x[i]]
        for j in range(n):
            total = sum(x[i][j] for i in range(m))
            s = v[j] / total
            for i in range(m):
                x[i][j] *= s
    return np.array(x)


def test_textbook_ras_update_of_a_coefficient_table():
    # The updating problem of Miller and Blair (2009), section 7.4.2, with numbers of our own:
    # old input coefficients A(0), this year's gross outputs x(1) and intermediate row and
    # column totals u(1), v(1); the seed is A(0) valued at x(1), worked by hand below.
    a0 = np.array([[0.120, 0.100, 0.049], [0.210, 0.247, 0.265], [0.026, 0.249, 0.145]])
    x1 = np.array([421.0, 284.0, 283.0])
    z_true = np.array([[60.0, 40.0, 30.0], [90.0, 70.0, 70.0], [10.0, 80.0, 35.0]])
    u1, v1 = z_true.sum(axis=1), z_true.sum(axis=0)
    seed = a0 * x1  # Z(0) valued at the new outputs: a_ij x_j
    table, report = ras(seed, u1, v1, tol=1e-12)
    by_hand = plain_ras(seed, u1, v1, rounds=report.iterations)
    np.testing.assert_allclose(table, by_hand, rtol=1e-12)
    np.testing.assert_allclose(table.sum(axis=1), u1, rtol=1e-10)
    np.testing.assert_allclose(table.sum(axis=0), v1, rtol=1e-12)
    # The updated coefficients A(1) = Z(1) / x(1) are r_i a_ij s_j.
    a1 = table / x1
    np.testing.assert_allclose(
        a1, report.row_factors[:, None] * a0 * report.col_factors[None, :], rtol=1e-12
    )
    assert report.converged
    assert report.method == "ras"
    assert 1 < report.iterations < 200


def test_first_round_of_the_textbook_iteration():
    seed = np.array([[10.0, 20.0], [30.0, 40.0]])
    u, v = np.array([40.0, 60.0]), np.array([45.0, 55.0])
    one = plain_ras(seed, u, v, rounds=1)
    with pytest.warns(ConvergenceWarning):
        table, report = ras(seed, u, v, max_iter=1, tol=1e-15, on_fail="warn")
    np.testing.assert_allclose(table, one, rtol=1e-14)
    assert report.iterations == 1
    assert not report.converged


def test_gras_matches_a_plain_loop_of_the_published_formulas():
    seed = np.array([[7.0, 3.0, -5.0], [-2.0, 9.0, 3.0], [1.0, -4.0, 8.0]])
    truth = seed * np.array([[1.2, 0.7, 1.1], [0.9, 1.3, 0.8], [1.1, 1.0, 0.6]])
    u, v = truth.sum(axis=1), truth.sum(axis=0)
    p, nn = np.maximum(seed, 0), np.maximum(-seed, 0)
    s = np.ones(3)
    for _ in range(2000):
        pr, nr = p @ s, nn @ (1 / s)
        r = (u + np.sqrt(u**2 + 4 * pr * nr)) / (2 * pr)
        pc, nc = r @ p, (1 / r) @ nn
        s = (v + np.sqrt(v**2 + 4 * pc * nc)) / (2 * pc)
    by_hand = r[:, None] * p * s[None, :] - nn / (r[:, None] * s[None, :])
    table, report = gras(seed, u, v, tol=1e-13)
    np.testing.assert_allclose(table, by_hand, rtol=1e-9, atol=1e-12)
    assert np.array_equal(np.sign(table), np.sign(seed))
    assert report.method == "gras"
    assert report.converged


def test_gras_row_without_positive_entries_uses_the_corrected_factor():
    # Temurshoev, Miller and Bouwmeester (2013): r_i = -n_i / u_i when p_i = 0.
    seed = np.array([[-2.0, -3.0], [4.0, 1.0]])
    truth = np.array([[-3.0, -1.5], [6.0, 1.0]])
    table, _report = gras(seed, truth.sum(axis=1), truth.sum(axis=0), tol=1e-12)
    np.testing.assert_allclose(table.sum(axis=1), truth.sum(axis=1), rtol=1e-10)
    np.testing.assert_allclose(table.sum(axis=0), truth.sum(axis=0), rtol=1e-10)
    assert (table[0] < 0).all()
    assert (table[1] > 0).all()


def test_gras_is_ras_on_nonnegative_seeds():
    rng = np.random.default_rng(3)
    seed = rng.uniform(0, 1, (4, 5)) * (rng.uniform(size=(4, 5)) > 0.3) + np.eye(4, 5)
    truth = seed * rng.uniform(0.5, 2, seed.shape)
    a, _ = ras(seed, truth.sum(1), truth.sum(0), tol=1e-12)
    b, _ = gras(seed, truth.sum(1), truth.sum(0), tol=1e-12)
    np.testing.assert_allclose(a, b, rtol=1e-9)


def test_stacks_are_balanced_separately():
    rng = np.random.default_rng(1)
    seed = rng.uniform(0.1, 1, (3, 4, 4))
    truth = seed * rng.uniform(0.5, 2, seed.shape)
    table, report = ras(seed, truth.sum(-1), truth.sum(-2), tol=1e-12)
    for k in range(3):
        alone, _ = ras(seed[k], truth[k].sum(-1), truth[k].sum(-2), tol=1e-12)
        np.testing.assert_allclose(table[k], alone, rtol=1e-9)
    assert report.row_factors.shape == (3, 4)


def test_dataarrays_keep_dims_coords_and_carry_the_report():
    seed = xr.DataArray(
        np.arange(1.0, 13.0).reshape(2, 3, 2),
        dims=("region", "sector", "product"),
        coords={"region": ["a", "b"], "sector": ["x", "y", "z"], "product": ["p", "q"]},
        attrs={"units": "t"},
    )
    truth = seed * 1.5
    rows = truth.sum("product").rename("rows")
    cols = truth.sum("sector")
    table, report = ras(seed, rows, cols)
    assert table.dims == seed.dims
    assert list(table.indexes["sector"]) == ["x", "y", "z"]
    xr.testing.assert_allclose(table, truth)
    assert table.attrs["balancing_converged"] == 1
    assert table.attrs["balancing_iterations"] == report.iterations
    assert isinstance(report, BalancingReport)


def test_dataarray_margins_in_another_order_are_refused():
    seed = xr.DataArray(np.ones((2, 2)), dims=("i", "j"), coords={"i": [0, 1], "j": ["a", "b"]})
    rows = xr.DataArray([2.0, 2.0], dims="i", coords={"i": [1, 0]})
    cols = xr.DataArray([2.0, 2.0], dims="j", coords={"j": ["a", "b"]})
    with pytest.raises(SchemaError, match="labels of 'i'"):
        ras(seed, rows, cols)


def test_mixed_numpy_and_dataarray_is_refused():
    seed = xr.DataArray(np.ones((2, 2)), dims=("i", "j"))
    with pytest.raises(ArgumentTypeError):
        ras(seed, np.ones(2), np.ones(2))
    with pytest.raises(ArgumentTypeError):
        ras(np.ones((2, 2)), xr.DataArray(np.ones(2), dims="i"), np.ones(2))


@pytest.mark.parametrize(
    ("seed", "u", "v", "error", "match"),
    [
        ([[1.0, np.nan], [1.0, 1.0]], [1.0, 1.0], [1.0, 1.0], SchemaError, "NaN"),
        ([[1.0, 1.0], [1.0, 1.0]], [1.0, np.inf], [1.0, 1.0], SchemaError, "infinite"),
        ([[1.0, 1.0], [1.0, 1.0]], [1.0, 2.0], [1.0, 1.0], BalanceError, "must be equal"),
        ([[1.0, 1.0], [0.0, 0.0]], [1.0, 1.0], [1.0, 1.0], BalanceError, "row index=1"),
        ([[1.0, 0.0], [1.0, 0.0]], [1.0, 1.0], [1.0, 1.0], BalanceError, "column index=1"),
        ([[1.0, -1.0], [1.0, 1.0]], [1.0, 1.0], [1.0, 1.0], SchemaError, "gras"),
        ([[1.0, 1.0], [1.0, 1.0]], [1.0, 1.0, 1.0], [1.0, 1.0], SchemaError, "shape"),
        ([1.0, 1.0], [1.0], [1.0], SchemaError, "2 dimensions"),
    ],
)
def test_ras_refuses_bad_input(seed, u, v, error, match):
    with pytest.raises(error, match=match):
        ras(np.array(seed), np.array(u), np.array(v))


@pytest.mark.parametrize(
    ("seed", "u", "v", "match"),
    [
        ([[-1.0, -1.0], [1.0, 1.0]], [1.0, 1.0], [0.0, 2.0], "positive target"),
        ([[1.0, 1.0], [1.0, 1.0]], [-1.0, 3.0], [1.0, 1.0], "negative target"),
        ([[-1.0, -1.0], [1.0, 2.0]], [0.0, 3.0], [1.0, 2.0], "zero target"),
    ],
)
def test_gras_refuses_margins_the_signs_cannot_meet(seed, u, v, match):
    with pytest.raises(BalanceError, match=match):
        gras(np.array(seed), np.array(u), np.array(v))


def test_bad_options_are_refused():
    a = np.ones((2, 2))
    with pytest.raises(ArgumentError):
        ras(a, [2.0, 2.0], [2.0, 2.0], on_fail="ignore")
    with pytest.raises(ArgumentError):
        ras(a, [2.0, 2.0], [2.0, 2.0], tol=0.0)
    with pytest.raises(ArgumentError):
        ras(a, [2.0, 2.0], [2.0, 2.0], max_iter=0)


def test_unreachable_margins_raise_or_warn():
    # The zero pattern forces X = diag, so rows and columns must be equal: they are not.
    seed = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
    u, v = np.array([1.0, 2.0, 3.0]), np.array([2.0, 1.0, 3.0])
    with pytest.raises(ConvergenceError, match="did not converge") as err:
        gras(seed, u, v, max_iter=50)
    assert isinstance(err.value, IocircError)
    assert isinstance(err.value, ValueError)
    with pytest.warns(ConvergenceWarning):
        table, report = ras(seed, u, v, max_iter=50, on_fail="warn")
    assert not report.converged
    assert report.max_relative_residual > 1e-3
    assert table.shape == (3, 3)


def test_inputs_are_not_modified_and_results_do_not_alias():
    seed = np.array([[1.0, 2.0], [3.0, 4.0]])
    u, v = np.array([4.0, 6.0]), np.array([5.0, 5.0])
    before = (seed.copy(), u.copy(), v.copy())
    table, _ = ras(seed, u, v)
    assert np.array_equal(seed, before[0])
    assert np.array_equal(u, before[1])
    assert np.array_equal(v, before[2])
    assert not np.shares_memory(table, seed)


# ------------------------------------------------------------------------------------- properties


@st.composite
def feasible_problems(draw, signed=False):
    m = draw(st.integers(1, 5))
    n = draw(st.integers(1, 5))
    low = -1.0 if signed else 0.0
    seed = draw(hnp.arrays(np.float64, (m, n), elements=st.floats(low, 1.0, allow_subnormal=False)))
    # Entries too close to zero make the problem badly scaled; keep exact zeros only.
    seed = np.where(np.abs(seed) < 1e-3, 0.0, seed)
    factors = draw(
        hnp.arrays(np.float64, (m, n), elements=st.floats(0.25, 4.0, allow_subnormal=False))
    )
    truth = seed * factors
    scale = draw(st.sampled_from([1.0, 1e-3, 1e6]))
    return seed * scale, truth.sum(axis=1) * scale, truth.sum(axis=0) * scale


def _check(seed, u, v, table, report):
    scale = max(np.abs(u).max(initial=0), np.abs(v).max(initial=0), 1e-300)
    assert report.converged
    np.testing.assert_allclose(table.sum(axis=1), u, rtol=1e-7, atol=1e-8 * scale)
    np.testing.assert_allclose(table.sum(axis=0), v, rtol=1e-7, atol=1e-8 * scale)
    assert (table[seed == 0] == 0).all()  # zero pattern kept


@given(feasible_problems())
def test_ras_reaches_margins_keeps_zeros_and_is_biproportional(problem):
    seed, u, v = problem
    table, report = ras(seed, u, v, max_iter=50_000)
    _check(seed, u, v, table, report)
    assert (table >= 0).all()
    np.testing.assert_allclose(
        table, report.row_factors[:, None] * seed * report.col_factors[None, :], rtol=1e-12
    )


@given(feasible_problems(signed=True))
def test_gras_reaches_margins_and_keeps_signs(problem):
    seed, u, v = problem
    table, report = gras(seed, u, v, max_iter=50_000)
    _check(seed, u, v, table, report)
    nonzero = table != 0
    assert np.array_equal(np.sign(table[nonzero]), np.sign(seed[nonzero]))


@given(feasible_problems(), st.floats(0.1, 10.0))
def test_ras_ignores_the_scale_of_the_seed(problem, c):
    seed, u, v = problem
    a, _ = ras(seed, u, v, max_iter=50_000, tol=1e-12)
    b, _ = ras(seed * c, u, v, max_iter=50_000, tol=1e-12)
    scale = max(np.abs(u).max(initial=0), 1e-300)
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9 * scale)


@given(feasible_problems(signed=True))
def test_a_seed_that_meets_its_margins_is_returned(problem):
    seed, _, _ = problem
    table, report = gras(seed, seed.sum(axis=1), seed.sum(axis=0))
    scale = max(np.abs(seed).max(initial=0), 1e-300)
    np.testing.assert_allclose(table, seed, rtol=1e-9, atol=1e-12 * scale)
    assert report.iterations <= 2


def test_margins_at_the_edge_of_the_zero_pattern_converge_quickly():
    # Zero diagonal, and region 0 ships to and receives from all others: flows among the
    # others are forced to zero. Plain RAS converges like 1/k here; the Newton finish does not.
    seed = np.ones((4, 4)) - np.eye(4)
    u = np.array([3.0, 1.0, 1.0, 1.0])
    table, report = ras(seed, u, u, tol=1e-12)
    assert report.converged
    assert report.iterations < 300
    np.testing.assert_allclose(table[1:, 1:], 0.0, atol=1e-9)
    np.testing.assert_allclose(table[0, 1:], 1.0, rtol=1e-9)
