"""The batched solves of the analysis models against the one-system-at-a-time path.

Systems of fewer than ``BATCH_BELOW`` sectors are solved a slab of regions at a time (numpy's
stacked ``solve`` and ``inv``), larger ones one at a time from a LAPACK LU. Both must give
the same numbers, refusals and warnings, whatever the slabs' boundaries.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import iocirc
from iocirc import analysis
from iocirc.analysis import _linalg
from iocirc.errors import ConditioningWarning, ModelError
from iocirc.testing import synthetic_table

FUNCTIONS = {
    "induced_effects": lambda ds, **kw: analysis.induced_effects(ds, **kw),
    "leontief_inverse": lambda ds, **kw: analysis.leontief_inverse(ds, **kw),
    "ghosh_inverse": lambda ds, **kw: analysis.ghosh_inverse(ds, **kw),
    "output_multipliers": lambda ds, **kw: analysis.output_multipliers(ds, **kw),
    "linkages": lambda ds, **kw: analysis.linkages(ds, **kw),
    "hypothetical_extraction": lambda ds, **kw: analysis.hypothetical_extraction(ds, **kw),
}


def _one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_linalg, "BATCH_BELOW", 0)


def _slabs_of(monkeypatch: pytest.MonkeyPatch, systems: int, n: int) -> None:
    monkeypatch.setattr(_linalg, "BATCH_BYTES", 8 * n * n * systems)


def _computed(obj: xr.Dataset | xr.DataArray) -> xr.Dataset:
    ds = obj if isinstance(obj, xr.Dataset) else obj.to_dataset(name="result")
    return ds.compute()


def _assert_same(batched: xr.Dataset, single: xr.Dataset) -> None:
    assert set(batched.data_vars) == set(single.data_vars)
    for name in single.data_vars:
        xr.testing.assert_allclose(batched[name], single[name], rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("kind", ["local", "total"])
@pytest.mark.parametrize("per_slab", [1, 3, 1000])
def test_batched_equals_one_system_at_a_time(monkeypatch, name, kind, per_slab):
    ds = synthetic_table(7, 5, validate=False)
    func = FUNCTIONS[name]
    with monkeypatch.context() as m:
        _slabs_of(m, per_slab, 5)
        batched = _computed(func(ds, kind=kind))
    with monkeypatch.context() as m:
        _one_at_a_time(m)
        single = _computed(func(ds, kind=kind))
    _assert_same(batched, single)


@pytest.mark.parametrize("per_slab", [1, 4, 1000])
def test_extra_dimensions_are_batched_across_slabs(monkeypatch, per_slab):
    # region x year: 10 systems, slabs cutting across the years
    years = [synthetic_table(5, 4, seed=s, validate=False) for s in (1, 2)]
    panel = xr.concat(years, xr.DataArray([2012, 2017], dims="year", name="year"))
    _slabs_of(monkeypatch, per_slab, 4)
    fx = analysis.induced_effects(panel)
    for i, ds in enumerate(years):
        _one_at_a_time(monkeypatch)
        alone = analysis.induced_effects(ds)
        monkeypatch.setattr(_linalg, "BATCH_BELOW", 128)
        _assert_same(fx.isel(year=i, drop=True), alone)


def test_dask_chunks_give_the_numpy_numbers(monkeypatch):
    pytest.importorskip("dask")
    ds = synthetic_table(9, 6, validate=False)
    _slabs_of(monkeypatch, 2, 6)
    eager = analysis.induced_effects(ds)
    lazy = analysis.induced_effects(ds.chunk({"region": 4})).compute()
    _assert_same(lazy, eager)


def _regions(*systems: tuple[str, list[list[float]], list[float]]) -> xr.Dataset:
    parts = []
    for name, z, x in systems:
        z_ = np.asarray(z, float)
        x_ = np.asarray(x, float)
        parts.append(
            iocirc.from_arrays(
                z_,
                (x_ - z_.sum(1))[:, None],
                (x_ - z_.sum(0))[None, :],
                x_,
                regions=name,
                sectors=[f"{i + 1:02d}" for i in range(len(x_))],
                flows=["household_urban"],
                va_components=["value_added_total"],
                validate=False,
            )
        )
    return xr.concat(parts, "region")


GOOD = [[10.0, 20.0], [30.0, 10.0]]
NOT_PRODUCTIVE = [[60.0, 60.0], [60.0, 60.0]]  # column sums 1.2
SINGULAR = [[50.0, 50.0], [50.0, 50.0]]  # spectral radius exactly 1
NEARLY_SINGULAR = [[50.0, 50.0], [50.0, 50.0 - 1e-10]]


@pytest.mark.parametrize("per_slab", [1, 2, 1000])
@pytest.mark.parametrize("batched", [True, False])
def test_the_first_failing_region_is_named(monkeypatch, per_slab, batched):
    _slabs_of(monkeypatch, per_slab, 2)
    if not batched:
        _one_at_a_time(monkeypatch)
    x = [100.0, 100.0]
    ds = _regions(("Jilin", GOOD, x), ("Hainan", NOT_PRODUCTIVE, x), ("Gansu", NOT_PRODUCTIVE, x))
    with pytest.raises(ModelError, match="region='Hainan'.*not productive"):
        analysis.output_multipliers(ds, kind="total")
    one = _regions(("Jilin", [[10.0]], [100.0]), ("Hainan", [[100.0]], [100.0]))
    with pytest.raises(ModelError, match="region='Hainan'.*singular"):
        analysis.leontief_inverse(one, kind="total")
    singular = _regions(("Jilin", GOOD, x), ("Hainan", SINGULAR, x))
    with pytest.raises(ModelError, match="region='Hainan'.*singular"):
        analysis.induced_effects(singular, kind="total")


@pytest.mark.parametrize("per_slab", [1, 2, 1000])
def test_only_the_nearly_singular_region_warns(monkeypatch, per_slab):
    _slabs_of(monkeypatch, per_slab, 2)
    x = [100.0, 100.0]
    ds = _regions(("Jilin", GOOD, x), ("Hainan", NEARLY_SINGULAR, x), ("Gansu", GOOD, x))
    seen = {}
    for batched in (True, False):
        with monkeypatch.context() as m:
            if not batched:
                _one_at_a_time(m)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = analysis.output_multipliers(ds, kind="total")
        seen[batched] = [str(w.message) for w in caught if w.category is ConditioningWarning]
        assert len(seen[batched]) == 1
        assert "region='Hainan'" in seen[batched][0]
        assert np.isfinite(result.values).all()
    assert seen[True] == seen[False]


@st.composite
def _coefficient_slabs(draw):
    """Non-negative coefficient matrices A of spectral radius 1 - 10^-k, k in 1..12."""
    n = draw(st.integers(1, 6))
    count = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    a = rng.random((count, n, n)) * (rng.random((count, n, n)) < 0.7)
    a[:, 0, 0] += 0.01  # never all zero
    radius = np.abs(np.linalg.eigvals(a)).max(axis=-1)
    gaps = np.array([10.0 ** -draw(st.integers(1, 12)) for _ in range(count)])
    return a * ((1.0 - gaps) / radius)[:, None, None]


@settings(max_examples=60, deadline=None)
@given(_coefficient_slabs())
def test_batched_conditioning_warns_exactly_where_lapack_does(a):
    count, n = a.shape[0], a.shape[-1]
    x = np.full((count, n), 100.0)
    z = a * x[:, None, :]
    keep = np.ones((count, n))
    slab = _linalg._Slab(slice(0, count), tuple((i,) for i in range(count)))
    _, doubtful = _linalg._system(z, x, keep, False, slab)
    warned = set()
    for i in range(count):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _linalg._factor(z[i], x[i], keep[i], ghosh=False, idx=(i,))
        if caught:
            warned.add((i,))
    assert {idx for _, idx in doubtful} == warned


def test_good_tables_never_take_the_one_at_a_time_path(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a system was factorised one at a time")

    ds = synthetic_table(6, 5, validate=False)
    expected = {name: _computed(func(ds)) for name, func in FUNCTIONS.items()}
    monkeypatch.setattr(_linalg, "_factor", refuse)
    monkeypatch.setattr(_linalg, "_invert", refuse)
    for name, func in FUNCTIONS.items():
        _assert_same(_computed(func(ds)), expected[name])
    monkeypatch.setattr(_linalg, "BATCH_BELOW", 0)
    with pytest.raises(AssertionError, match="one at a time"):
        analysis.output_multipliers(ds)
