"""Hostile and careless input to the public functions of iocirc.mrio: every case is refused
with an IocircError naming what is wrong, never computed on."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from iocirc import mrio
from iocirc.errors import BalanceError, IocircError, SchemaError
from iocirc.testing import synthetic_mrio


def _table(**kwargs):
    return synthetic_mrio(4, 3, seed=3, **kwargs)


def _tables():
    return mrio.to_single_region(_table(exports=True, imports=True), nation=["R00", "R01", "R02"])


def _distance(regions=("R00", "R01", "R02"), values=None):
    regions = list(regions)
    n = len(regions)
    d = (
        np.array(values, dtype=float)
        if values is not None
        else 1.0 + np.abs(np.subtract.outer(np.arange(n), np.arange(n))) * 100.0
    )
    np.fill_diagonal(d, 0.0)
    return xr.DataArray(
        d, dims=("region", "region_to"), coords={"region": regions, "region_to": regions}
    )


def _with(distance, i, j, value):
    d = distance.copy()
    d[i, j] = value
    return d


def _flows():
    regions = ["a", "b", "c"]
    o = xr.DataArray([4.0, 3.0, 2.0], dims="region", coords={"region": regions})
    n = xr.DataArray([2.0, 3.0, 4.0], dims="region", coords={"region": regions})
    return o, n, _distance(regions)


# ------------------------------------------------------------------ distances for od_flows


@pytest.mark.parametrize(
    "bad",
    [
        lambda d: _with(d, 0, 1, np.nan),
        lambda d: _with(d, 0, 1, np.inf),
        lambda d: _with(d, 0, 1, -5.0),
        lambda d: _with(d, 0, 1, 0.0),
        lambda d: d.sel(region=["a", "b"], region_to=["a", "b"]),
        lambda d: d.isel(region=[0, 1, 1]),
        lambda d: d.astype(str),
    ],
    ids=["nan", "inf", "negative", "zero", "missing-region", "duplicated-region", "strings"],
)
def test_od_flows_bad_distance(bad):
    o, n, d = _flows()
    with pytest.raises(IocircError):
        mrio.od_flows(o, n, bad(d))


def test_od_flows_distance_diagonal_nan_is_ignored_but_extra_regions_fine():
    o, n, d = _flows()
    bigger = _distance(["a", "b", "c", "z"])
    t = mrio.od_flows(o, n, bigger)
    assert np.allclose(t.sum("region_to"), o)
    del d


@pytest.mark.parametrize(
    "beta",
    [np.nan, -np.inf, np.inf, "1", [1.0, 1.0], [], None, True, 1e6, -1e6, [1.0, np.nan]],
    ids=["nan", "-inf", "inf", "str", "dups", "empty", "none", "bool", "huge", "-huge", "nan-list"],
)
def test_od_flows_bad_beta(beta):
    o, n, d = _flows()
    with pytest.raises(IocircError):
        mrio.od_flows(o, n, d, beta=beta)


@pytest.mark.parametrize(
    "change",
    [
        lambda o, n: (o.copy(data=[4.0, np.nan, 2.0]), n),
        lambda o, n: (o, n.copy(data=[2.0, 3.0, np.inf])),
        lambda o, n: (o.copy(data=[5.0, 3.0, 1.0 + 1.0]), n),  # sums differ
        lambda o, n: (o.copy(data=[-4.0, 3.0, 10.0]), n),
        lambda o, n: (o, n.isel(region=[2, 1, 0])),  # other order: aligned or refused
        lambda o, n: (o.isel(region=[0, 1, 1]), n.isel(region=[0, 1, 1])),
        lambda o, n: (o.isel(region=[]), n.isel(region=[])),
        lambda o, n: (o, n.assign_coords(region=["a", "b", "x"])),
    ],
    ids=["nan", "inf", "sums", "negative", "reordered", "dup", "empty", "other-labels"],
)
def test_od_flows_bad_margins(change):
    o, n, d = _flows()
    o2, n2 = change(o, n)
    try:
        t = mrio.od_flows(o2, n2, d)
    except IocircError:
        return
    # accepted only if the result honours the margins by label
    assert np.allclose(t.sum("region_to").sel(region=o2.region), o2)
    assert np.allclose(t.sum("region").sel(region_to=n2.region.values), n2.values)


def test_od_flows_does_not_modify_inputs():
    o, n, d = _flows()
    before = [x.copy(deep=True) for x in (o, n, d)]
    mrio.od_flows(o, n, d)
    for a, b in zip(before, (o, n, d), strict=True):
        xr.testing.assert_identical(a, b)


# ------------------------------------------------------------------ great circle


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ([0.0, np.nan], [0.0, 1.0]),
        ([0.0, 91.0], [0.0, 1.0]),
        ([0.0, 1.0], [0.0, np.inf]),
    ],
)
def test_great_circle_bad(lat, lon):
    c = {"region": ["a", "b"]}
    with pytest.raises(IocircError):
        mrio.great_circle_distances(
            xr.DataArray(lat, dims="region", coords=c), xr.DataArray(lon, dims="region", coords=c)
        )


@pytest.mark.parametrize("radius", [np.nan, -1.0, 0.0, np.inf, "6371"])
def test_great_circle_bad_radius(radius):
    c = {"region": ["a", "b"]}
    lat = xr.DataArray([0.0, 1.0], dims="region", coords=c)
    with pytest.raises(IocircError):
        mrio.great_circle_distances(lat, lat, radius=radius)


@pytest.mark.parametrize("lat", [["0", "1"], [True, False]], ids=["str", "bool"])
def test_great_circle_not_numbers(lat):
    c = {"region": ["a", "b"]}
    good = xr.DataArray([0.0, 1.0], dims="region", coords=c)
    with pytest.raises(IocircError):
        mrio.great_circle_distances(xr.DataArray(lat, dims="region", coords=c), good)


def test_great_circle_duplicated_regions():
    c = {"region": ["a", "a"]}
    lat = xr.DataArray([0.0, 1.0], dims="region", coords=c)
    with pytest.raises(IocircError):
        mrio.great_circle_distances(lat, lat)


# ------------------------------------------------------------------ ras / gras


def _margins():
    seed = np.array([[1.0, 2.0], [3.0, 4.0]])
    return seed, np.array([3.0, 7.0]), np.array([4.0, 6.0])


@pytest.mark.parametrize(
    "change",
    [
        lambda s, r, c: (s, r, c * 2),
        lambda s, r, c: (s, np.array([np.nan, 7.0]), c),
        lambda s, r, c: (s, r, np.array([4.0, np.inf])),
        lambda s, r, c: (np.array([[1.0, -2.0], [3.0, 4.0]]), r, c),
        lambda s, r, c: (np.array([[1.0, np.nan], [3.0, 4.0]]), r, c),
        lambda s, r, c: (s, np.array([-3.0, 13.0]), c),
        lambda s, r, c: (s, r, np.array([4.0, 3.0, 3.0])),
        lambda s, r, c: (s.astype(str), r, c),
    ],
    ids=["sums", "nan-row", "inf-col", "neg-seed", "nan-seed", "neg-margin", "shape", "str"],
)
def test_ras_bad(change):
    with pytest.raises(IocircError):
        mrio.ras(*change(*_margins()))


@pytest.mark.parametrize(
    "kw",
    [
        {"tol": np.nan},
        {"tol": -1.0},
        {"max_iter": 0},
        {"max_iter": 2.5},
        {"on_fail": "maybe"},
        {"margin_rtol": np.nan},
    ],
)
def test_ras_bad_options(kw):
    with pytest.raises(IocircError):
        mrio.ras(*_margins(), **kw)


@pytest.mark.parametrize(
    "change",
    [
        lambda s, r, c: (s, r, c * 2),
        lambda s, r, c: (np.array([[1.0, np.nan], [3.0, 4.0]]), r, c),
        lambda s, r, c: (s, np.array([np.nan, 7.0]), c),
    ],
    ids=["sums", "nan-seed", "nan-row"],
)
def test_gras_bad(change):
    with pytest.raises(IocircError):
        mrio.gras(*change(*_margins()))


def test_gras_accepts_negative_seed():
    s = np.array([[2.0, -1.0], [3.0, 4.0]])
    out = mrio.gras(s, np.array([1.0, 7.0]), np.array([5.0, 3.0]))
    assert np.allclose(np.asarray(out[0]).sum(axis=1), [1.0, 7.0])


def test_ras_does_not_modify_inputs():
    s, r, c = _margins()
    keep = [s.copy(), r.copy(), c.copy()]
    out = mrio.ras(s, r, c)
    for a, b in zip(keep, (s, r, c), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.shares_memory(np.asarray(out[0]), s)


# ------------------------------------------------------------------ MRIO tables


def _poison(name, value):
    def f(t):
        t = t.copy(deep=True)
        t[name].values.flat[1] = value
        return t

    return f


MRIO_FUNCS = {
    "validate": mrio.validate,
    "to_single_region": mrio.to_single_region,
    "kww": mrio.kww,
    "wwz": mrio.wwz,
    "value_added_origin": mrio.value_added_origin,
    "value_added_absorption": mrio.value_added_absorption,
    "value_chain_participation": mrio.value_chain_participation,
    "aggregate": lambda t: mrio.aggregate(t, sectors=dict.fromkeys(t.indexes["sector"], "all")),
    "to_pymrio": mrio.to_pymrio,
}


def _reorder_region_to(t):
    return t.isel(region_to=[1, 0, 2, 3])


def _relabel_sector_to(t):
    return t.assign_coords(sector_to=["S00", "S01", "XX"])


def _mixed_units(t):
    t = t.copy(deep=True)
    t["final_use"].attrs["units"] = "billion CNY"
    return t


def _year_dim(t):
    return xr.concat([t, t], dim=xr.DataArray([2012, 2017], dims="year", name="year"))


def _dup_region(t):
    return t.isel(region=[0, 1, 1, 3], region_to=[0, 1, 1, 3])


BAD_TABLES = {
    "nan-Z": _poison("intermediate_use", np.nan),
    "inf-Z": _poison("intermediate_use", np.inf),
    "nan-output": _poison("total_output", np.nan),
    "neg-output": _poison("total_output", -1.0),
    "inf-va": _poison("value_added", np.inf),
    "region_to-order": _reorder_region_to,
    "sector_to-labels": _relabel_sector_to,
    "mixed-units": _mixed_units,
    "year-dim": _year_dim,
    "dup-region": _dup_region,
}


# Extra dimensions such as year are supported by validate, to_single_region and aggregate.
@pytest.mark.parametrize(
    ("func", "bad"),
    [
        (func, bad)
        for func in MRIO_FUNCS
        for bad in BAD_TABLES
        if not (bad == "year-dim" and func in ("validate", "to_single_region", "aggregate"))
    ],
)
def test_mrio_functions_refuse_bad_tables(func, bad):
    if func == "to_pymrio":
        pytest.importorskip("pymrio")
    table = BAD_TABLES[bad](_table())
    with pytest.raises(IocircError):
        MRIO_FUNCS[func](table)


@pytest.mark.parametrize(
    "func", ["to_single_region", "value_added_absorption", "value_chain_participation"]
)
@pytest.mark.parametrize("nation", ["R00", ["R00", "R99"], ["R00", "R00"], [1]])
def test_bad_nation(func, nation):
    with pytest.raises(IocircError):
        getattr(mrio, func)(_table(), nation=nation)


@pytest.mark.parametrize(
    "sectors",
    [
        {"S00": "a", "S01": "b"},  # S02 missing
        {"S00": "a", "S01": "b", "S02": "b", "S99": "c"},  # unknown label
        [("S00", "a"), ("S00", "b"), ("S01", "b"), ("S02", "b")],  # a label mapped twice
        {"S00": np.nan, "S01": "b", "S02": "b"},
    ],
    ids=["missing", "unknown", "twice", "nan-group"],
)
def test_aggregate_bad_concordance(sectors):
    with pytest.raises(IocircError):
        mrio.aggregate(_table(), sectors=sectors)


def test_aggregate_bad_region_concordance():
    with pytest.raises(IocircError):
        mrio.aggregate(_table(), regions={"R00": "x", "R01": "x", "R02": "y"})


def test_functions_do_not_modify_or_alias():
    t = _table()
    keep = t.copy(deep=True)
    for name, f in MRIO_FUNCS.items():
        if name in ("to_pymrio", "validate"):  # validate returns its input, as documented
            continue
        out = f(t)
        xr.testing.assert_identical(t, keep)
        if isinstance(out, xr.Dataset) and "intermediate_use" in out:
            z = out["intermediate_use"].values
            assert not np.shares_memory(z, t["intermediate_use"].values)


# ------------------------------------------------------------------ from_matrices


_Z, _Y = np.ones((4, 4)), np.ones((4, 2))
_OK = {"regions": ["A", "B"], "sectors": ["x", "y"], "final_categories": ["household"]}


@pytest.mark.parametrize(
    ("z", "y", "kw"),
    [
        (_Z, _Y, {**_OK, "regions": ["A", "A"]}),
        (np.full((4, 4), np.nan), _Y, _OK),
        (np.full((4, 4), np.inf), _Y, _OK),
        (_Z, _Y, {**_OK, "nation": ["C"]}),
        (_Z, _Y, {**_OK, "nation": "A"}),
        (_Z, _Y, {**_OK, "nation": ["A", "A"]}),
        (_Z, _Y, {**_OK, "sectors": ["x"]}),
        (_Z, _Y, {**_OK, "sectors": ["x", "x"]}),
        (_Z, np.ones((4, 3)), _OK),
        (_Z.astype(str), _Y, _OK),
    ],
    ids=[
        "dup-region",
        "nan",
        "inf",
        "unknown-nation",
        "str-nation",
        "dup-nation",
        "sectors",
        "dup-sector",
        "Y-shape",
        "str-Z",
    ],
)
def test_from_matrices_bad(z, y, kw):
    with pytest.raises(IocircError):
        mrio.from_matrices(z, y, **kw)


# ------------------------------------------------------------------ estimate


@pytest.mark.parametrize(
    "bad",
    [
        lambda d: _with(d, 0, 1, np.nan),
        lambda d: _with(d, 1, 0, 0.0),
        lambda d: _with(d, 0, 2, -1.0),
        lambda d: _with(d, 0, 2, np.inf),
        lambda d: d.isel(region=[0, 1], region_to=[0, 1]),
        lambda d: d.isel(region=[0, 1, 2, 2]),
        lambda d: d.rename(region_to="destination"),
        lambda d: d.astype(str),
        lambda d: d.values,
    ],
    ids=["nan", "zero", "negative", "inf", "missing", "dup", "dims", "str", "ndarray"],
)
def test_estimate_bad_distance(bad):
    with pytest.raises(IocircError):
        mrio.estimate(_tables(), bad(_distance()))


@pytest.mark.parametrize("beta", [np.nan, [1.0, 1.0], "x", -np.inf])
def test_estimate_bad_beta(beta):
    with pytest.raises(IocircError):
        mrio.estimate(_tables(), _distance(), beta=beta)


def test_estimate_two_years():
    tables = _tables()
    both = xr.concat([tables, tables], dim=xr.DataArray([2012, 2017], dims="year", name="year"))
    with pytest.raises(IocircError):
        mrio.estimate(both, _distance())


def test_estimate_bad_options():
    for kw in (
        {"method": "magic"},
        {"reconcile": "median"},
        {"tol": np.nan},
        {"max_iter": -1},
        {"rtol": np.nan},
    ):
        with pytest.raises(IocircError):
            mrio.estimate(_tables(), _distance(), **kw)


def test_estimation_error_mismatch():
    a = _table()
    b = synthetic_mrio(3, 3, seed=4)
    with pytest.raises(IocircError):
        mrio.estimation_error(a, b)
    with pytest.raises(IocircError):
        mrio.estimation_error(a, _mixed_units(a))
    with pytest.raises(IocircError):
        mrio.estimation_error(a, _poison("intermediate_use", np.nan)(a))


def test_reconcile_trade_bad():
    with pytest.raises(IocircError):
        mrio.reconcile_trade(_tables(), method="median")
    with pytest.raises(IocircError):
        mrio.reconcile_trade(_table())
    with pytest.raises(IocircError):
        mrio.reconcile_trade(_poison("total_output", np.nan)(_tables()))


# ------------------------------------------------------------------ chenery_moses


@pytest.mark.parametrize(
    "case",
    [
        lambda u, t: (np.where(u > 0, np.nan, u), t),
        lambda u, t: (u, -t),
        lambda u, t: (u, t[:, :1]),
        lambda u, t: (u, np.full_like(t, np.inf)),
    ],
    ids=["nan-use", "neg-trade", "shape", "inf-trade"],
)
def test_chenery_moses_bad(case):
    use = np.ones((3, 2, 2))
    trade = np.ones((3, 3, 2))  # guessed layout; a shape error must still be an IocircError
    with pytest.raises(IocircError):
        mrio.chenery_moses(*case(use, trade))


# ------------------------------------------------------------------ datasets


def test_dataset_bad_arguments():
    from iocirc import datasets

    for call in (
        lambda: datasets.capital_distances("mars"),
        lambda: datasets.capital_distances(27),
        lambda: datasets.china_mrio(1999),
        lambda: datasets.china_mrio("2012"),
        lambda: datasets.wiod2013(1990),
        lambda: datasets.wiod2013(2010, nation="DEU"),
        lambda: datasets.wiod2013(2010, nation=["XXX"]),
        lambda: datasets.wiod2013(True),
    ):
        with pytest.raises(IocircError):
            call()


# ------------------------------------------------------------------ priors, units, labels


def _prior():
    o, n, d = _flows()
    return o, n, xr.ones_like(d)


@pytest.mark.parametrize(
    "bad",
    [
        lambda p: _with(p, 0, 1, np.nan),
        lambda p: _with(p, 0, 1, -1.0),
        lambda p: p.isel(region=[0, 1, 2, 2]),
        lambda p: p.sel(region=["a", "b"]),
    ],
    ids=["nan", "negative", "dup", "missing"],
)
def test_od_flows_bad_prior(bad):
    o, n, p = _prior()
    with pytest.raises(IocircError):
        mrio.od_flows(o, n, method="prior", prior=bad(p))


def _view_units(tables):
    tables = tables.copy(deep=True)
    tables["final_use"].attrs["units"] = "billion CNY"
    return tables


@pytest.mark.parametrize(
    "bad",
    [
        _view_units,
        lambda v: v.isel(region=[0, 1, 1]),
        lambda v: v.isel(sector=[0, 1, 1]),
        lambda v: v.isel(region=[]),
    ],
    ids=["mixed-units", "dup-region", "dup-sector", "empty"],
)
@pytest.mark.parametrize("func", ["estimate", "reconcile_trade"])
def test_single_region_tables_refused(func, bad):
    tables = bad(_tables())
    args = (tables, _distance()) if func == "estimate" else (tables,)
    with pytest.raises(IocircError):
        getattr(mrio, func)(*args)


def test_estimate_nation_name_must_be_text():
    with pytest.raises(IocircError):
        mrio.estimate(_tables(), _distance(), nation_name=5)


@pytest.mark.parametrize("func", ["kww", "wwz", "value_added_absorption"])
def test_dask_backed_tables_give_the_same_result(func):
    table = _table()
    xr.testing.assert_allclose(
        getattr(mrio, func)(table), getattr(mrio, func)(table.chunk({"region": 2})).compute()
    )


def test_estimate_does_not_modify_inputs():
    tables, d = _tables(), _distance()
    keep = tables.copy(deep=True), d.copy(deep=True)
    mrio.estimate(tables, d)
    xr.testing.assert_identical(tables, keep[0])
    xr.testing.assert_identical(d, keep[1])


@pytest.mark.parametrize("group", ["china", "eu27", "wiod"])
def test_capital_distances_are_usable(group):
    from iocirc import datasets

    d = datasets.capital_distances(group)
    off = ~np.eye(d.sizes["region"], dtype=bool)
    assert np.isfinite(d.values).all()
    assert (d.values[off] > 0).all()
    assert not d.indexes["region"].has_duplicates
    assert list(d.indexes["region"]) == list(d.indexes["region_to"])


# ------------------------------------------------------------ accounting identities


@pytest.mark.parametrize("func", ["kww", "wwz", "value_added_absorption"])
def test_decompositions_refuse_zero_output_with_purchases(func):
    table = _table()
    with pytest.raises(BalanceError):
        getattr(mrio, func)(table.assign(total_output=table["total_output"] * 0.0))


@pytest.mark.parametrize("blank", ["", "  "])
def test_aggregate_refuses_an_empty_group_label(blank):
    table = _table()
    regions = [str(r) for r in table.indexes["region"]]
    concordance = {r: (blank if i == 0 else r) for i, r in enumerate(regions)}
    with pytest.raises(SchemaError, match="empty group label"):
        mrio.aggregate(table, regions=concordance)
