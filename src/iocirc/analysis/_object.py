"""The analysis model as an object: a table checked once, its model built once.

:func:`model` returns an immutable :class:`Model`; every analysis function is a one-line
wrapper over one of its methods, so a caller asking several questions of one table pays for
the check of the table and the shares supplied from outside once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import xarray as xr

from iocirc._core.docs import fill_doc
from iocirc.analysis._blocks import apply
from iocirc.analysis._linalg import (
    _inverse,
    _solve_stacked,
    solve_both,
    solve_left,
    solve_right,
)
from iocirc.analysis._model import (
    _CIRCULATION,
    _DIMLESS,
    _OUTWARD,
    DEFAULT_CONVENTION,
    Convention,
    Kind,
    _bare,
    _check_table,
    _columns_to_rows,
    _currency,
    _finish,
    _label,
    _Model,
    _model,
    _model_attrs,
    _order,
    _restore,
    _rows_to_columns,
    _user_vector,
)
from iocirc.errors import ArgumentError, ArgumentTypeError, MissingFlowError, SchemaError
from iocirc.schema import identity_terms


@fill_doc
def model(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> Model:
    """The Leontief and Ghosh models of each region of a table, built once.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table (checked here, once).
    {kind}
    {convention}

    Returns
    -------
    Model
        Immutable; its methods are the analysis functions without ``ds``, ``kind`` and
        ``convention`` (:meth:`Model.output` is :func:`leontief_output`,
        :meth:`Model.multipliers` is :func:`output_multipliers`, ...).

    Notes
    -----
    On a dask-backed table nothing is computed here or by the methods: the checks of the
    values and shares, and the refusals and warnings they give, come when a result is
    computed, chunk by chunk (see :mod:`iocirc.analysis`, "Dask-backed tables").

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> m = analysis.model(iocirc.datasets.example_table())
    >>> m.kind, m.convention
    ('local', 'total_use')
    >>> fx = m.induced()
    >>> bool((abs(m.multipliers() - fx["output_multiplier"]) < 1e-12).all())
    True
    >>> sorted(m.linkages().data_vars)
    ['backward', 'forward', 'forward_leontief', 'key_sector']
    """
    table = _check_table(ds)
    return Model(table, _model(table, kind, convention))


@dataclass(frozen=True, repr=False, eq=False)
class Model:
    """The Leontief (demand-driven) and Ghosh (supply-driven) models of a table.

    Build it with :func:`model`. Each method is the analysis function of the same meaning
    (named in its documentation), computed on this model: lazily on dask-backed tables,
    the systems in :math:`I - A` (or :math:`I - B`) of all regions solved together.
    """

    #: The checked table the model is built from.
    table: xr.Dataset
    _core: _Model = field(repr=False)

    @property
    def kind(self) -> str:
        """``"local"`` or ``"total"``."""
        return self._core.kind

    @property
    def convention(self) -> str | None:
        """The convention for the share supplied from outside (None for ``kind="total"``)."""
        return self._core.convention

    def __repr__(self) -> str:
        regions = self.table.sizes.get("region", 1)
        return (
            f"<iocirc.analysis.Model kind={self.kind!r} convention={self.convention!r} "
            f"regions={regions} sectors={self.table.sizes['sector']}>"
        )

    def _local_only(self) -> None:
        if self.kind != "local":
            raise ArgumentError("this needs the local model: build it with kind='local'")

    def final_demand(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.final_demand_by_source`."""
        ds, model, kind = self.table, self._core, self.kind
        f = model.demand.where(model.reported)
        return _finish(
            _order(f, "source", "sector"),
            ds,
            f"{kind} final demand by source",
            _currency(ds),
            model,
            name="final_demand",
        )

    def inverse(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.leontief_inverse`."""
        ds, model = self.table, self._core
        inverse = _inverse(model)
        return _finish(
            inverse,
            ds,
            f"Leontief inverse ({_label(model)})",
            _DIMLESS,
            model,
            name="leontief_inverse",
        )

    def output(self, final_demand: xr.DataArray | None = None) -> xr.DataArray:
        """See :func:`~iocirc.analysis.leontief_output`."""
        ds, model = self.table, self._core
        if final_demand is None:
            f = model.demand.sum("source")
            unit = _currency(ds)
        else:
            f = _user_vector(final_demand, "final_demand")
            unit = str(final_demand.attrs.get("units", ""))
        result = _solve_stacked(model, f, side="right", ghosh=False)
        return _finish(
            result, ds, f"output, Leontief model ({_label(model)})", unit, model, name="output"
        )

    def multipliers(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.output_multipliers`."""
        return self._multipliers(solve_left(self._core, xr.ones_like(self._core.x)))

    def _multipliers(self, mult: xr.DataArray) -> xr.DataArray:
        model = self._core
        return _finish(
            mult,
            self.table,
            f"output multiplier ({_label(model)})",
            _DIMLESS,
            model,
            name="output_multiplier",
        )

    def value_added_multipliers(self, *, by_component: bool = False) -> xr.DataArray:
        """See :func:`~iocirc.analysis.value_added_multipliers`."""
        ds, model = self.table, self._core
        if by_component:
            va = _bare(ds["value_added"])
            va = va.sel(
                va_component=list(identity_terms("va_component", va.indexes["va_component"]))
            )
            lhs = _columns_to_rows(va) * model.inv_x
            mult = solve_left(model, lhs, "va_component")
        else:
            mult = solve_left(model, model.v)
        return _finish(
            mult,
            ds,
            f"value added multiplier ({_label(model)})",
            _DIMLESS,
            model,
            name="value_added_multiplier",
        )

    def induced(self) -> xr.Dataset:
        """See :func:`~iocirc.analysis.induced_effects`."""
        ds, model, kind = self.table, self._core, self.kind
        lhs = apply(  # [1, v] in one block per chunk (xr.concat would split the chunks)
            _ones_and,
            model.v,
            input_core_dims=[["sector"]],
            output_core_dims=[["_row", "sector"]],
            output_dtypes=[float],
            output_sizes={"_row": 2},
        )
        induced, mult = solve_both(model, model.demand, "source", lhs, "_row")
        unit = _currency(ds)
        out = xr.Dataset(
            {
                "output_multiplier": _row(mult, 0),
                "value_added_multiplier": _row(mult, 1),
                "final_demand": _order(model.demand.where(model.reported), "source", "sector"),
                "output_induced": _order(induced.where(model.reported), "source", "sector"),
                "value_added_induced": _order(
                    (model.v * induced).where(model.reported), "source", "sector"
                ),
                "gdp": model.gdp,
            }
        )
        if model.share is not None:
            out["outside_supply_share"] = model.share
        out = _restore(out, ds)
        described = {
            "output_multiplier": ("output multiplier", _DIMLESS),
            "value_added_multiplier": ("value added multiplier", _DIMLESS),
            "final_demand": (f"{kind} final demand by source", unit),
            "output_induced": ("output induced by source of final demand", unit),
            "value_added_induced": ("value added induced by source of final demand", unit),
            "gdp": ("gross domestic product (total value added)", unit),
            "outside_supply_share": ("share of use supplied from outside", _DIMLESS),
        }
        for name in out.data_vars:
            long_name, units = described[str(name)]
            out[name].attrs = {"long_name": long_name, "units": units}
        out.attrs = _model_attrs(model)
        return out.copy(deep=True)  # never sharing memory with the input

    def output_by_source(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.output_by_demand_source`."""
        ds, model = self.table, self._core
        induced = solve_right(model, model.demand, "source")
        return _finish(
            _order(induced.where(model.reported), "source", "sector"),
            ds,
            f"output induced by source of final demand ({_label(model)})",
            _currency(ds),
            model,
            name="output_induced",
        )

    def value_added_by_source(
        self, *, by: Literal["sector", "product"] | None = None
    ) -> xr.DataArray:
        """See :func:`~iocirc.analysis.value_added_by_demand_source`."""
        ds, model = self.table, self._core
        if by not in (None, "sector", "product"):
            raise ArgumentError(f"by must be None, 'sector' or 'product', not {by!r}")
        if by == "product":
            va = solve_left(model, model.v) * model.demand
        else:
            induced = solve_right(model, model.demand, "source")
            va = model.v * induced
        va = _order(va, "source", "sector")
        if by is None:
            va = va.sum("sector")
        where = {"sector": ", by generating sector", "product": ", by demanded product", None: ""}[
            by
        ]
        return _finish(
            va.where(model.reported),
            ds,
            f"value added induced by source of final demand{where} ({_label(model)})",
            _currency(ds),
            model,
            name="value_added_induced",
        )

    def circulation_value_added_share(self) -> xr.Dataset:
        """See :func:`~iocirc.analysis.circulation_value_added_share`."""
        ds, model = self.table, self._core
        self._local_only()
        demand_sources = list(model.demand.indexes["source"])
        raw_sources = list(model.raw.indexes["source"])
        present = [s for s in _OUTWARD if s in demand_sources]
        if not present:
            raise MissingFlowError(
                "the table reports no outward flow (export, domestic_outflow or gross_outflow); "
                f"it reports {list(ds.indexes['flow'])}"
            )
        labels = [s for s in present if s != "gross_outflow"] + ["gross_outflow"]
        parts = np.zeros((len(labels), len(raw_sources)))
        counter = np.zeros((len(labels), len(raw_sources)))
        for i, label in enumerate(labels):
            for j, source in enumerate(raw_sources):
                parts[i, j] = source in (present if label == "gross_outflow" else [label])
                counter[i, j] = source in _CIRCULATION[label][1]
        coords = {"source": labels, "_raw": raw_sources}
        parts_da = xr.DataArray(parts, dims=("source", "_raw"), coords=coords)
        counter_da = xr.DataArray(counter, dims=("source", "_raw"), coords=coords)
        raw = model.raw.sum("sector").rename(source="_raw")  # not reported: 0
        reported = model.raw_reported.rename(source="_raw")
        has_flow = xr.dot(reported, parts_da, dim="_raw") > 0
        has_counter = (xr.dot(reported, counter_da, dim="_raw") > 0) | (
            xr.DataArray(
                [s == "gross_outflow" for s in labels], dims="source", coords={"source": labels}
            )
        )
        induced = solve_right(model, model.demand, "source")
        va = xr.dot(model.v, induced, dim="sector").rename(source="_raw")
        value_added = xr.dot(va, parts_da.sel(_raw=demand_sources), dim="_raw").where(has_flow)
        outflow = xr.dot(raw, parts_da, dim="_raw").where(has_flow)
        net = (outflow + xr.dot(raw, counter_da, dim="_raw")).where(has_counter)  # supplies < 0
        gdp = model.gdp
        out = xr.Dataset(
            {
                "value_added": value_added,
                "value_added_share": value_added / gdp,
                "outflow": outflow,
                "net_outflow": net,
                "net_outflow_share": net / gdp,
                "gdp": gdp,
            }
        )
        out = _restore(out.transpose(..., "source"), ds)
        out = out.assign_coords(
            circulation=("source", [_CIRCULATION[s][0] for s in labels]),
            counterpart=("source", ["+".join(_CIRCULATION[s][1]) for s in labels]),
        )
        unit = _currency(ds)
        described = {
            "value_added": ("value added induced by outward flow", unit),
            "value_added_share": ("value added induced by outward flow, share of GDP", _DIMLESS),
            "outflow": ("outward flow", unit),
            "net_outflow": ("net outflow", unit),
            "net_outflow_share": ("net outflow, share of GDP", _DIMLESS),
            "gdp": ("gross domestic product (total value added)", unit),
        }
        for name, (long_name, units) in described.items():
            out[name].attrs = {"long_name": long_name, "units": units}
        out.attrs = _model_attrs(model)
        return out.copy(deep=True)  # never sharing memory with the input

    def ghosh_inverse(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.ghosh_inverse`."""
        ds, model = self.table, self._core
        inverse = _inverse(model, ghosh=True)
        return _finish(
            inverse, ds, f"Ghosh inverse ({_label(model)})", _DIMLESS, model, name="ghosh_inverse"
        )

    def ghosh_output(self, primary_inputs: xr.DataArray | None = None) -> xr.DataArray:
        """See :func:`~iocirc.analysis.ghosh_output`."""
        ds, model = self.table, self._core
        w = (
            model.primary
            if primary_inputs is None
            else _user_vector(primary_inputs, "primary_inputs")
        )
        unit = (
            _currency(ds) if primary_inputs is None else str(primary_inputs.attrs.get("units", ""))
        )
        result = _solve_stacked(model, w, side="left", ghosh=True)
        return _finish(
            result,
            ds,
            f"output, Ghosh supply-side model ({_label(model)})",
            unit,
            model,
            name="output",
        )

    def backward_linkages(self, *, normalize: bool = True) -> xr.DataArray:
        """See :func:`~iocirc.analysis.backward_linkages`."""
        return self._backward(self.multipliers(), normalize)

    def _backward(self, raw: xr.DataArray, normalize: bool) -> xr.DataArray:
        return _linkage(
            raw, normalize, "backward linkage (power of dispersion)", "backward_linkage"
        )

    def forward_linkages(
        self, *, model: Literal["ghosh", "leontief"] = "ghosh", normalize: bool = True
    ) -> xr.DataArray:
        """See :func:`~iocirc.analysis.forward_linkages`."""
        if model not in ("ghosh", "leontief"):
            raise ArgumentError(f"model must be 'ghosh' or 'leontief', not {model!r}")
        sums = solve_right(self._core, xr.ones_like(self._core.x), ghosh=model == "ghosh")
        return self._forward(sums, model, normalize)

    def _forward(self, sums: xr.DataArray, model: str, normalize: bool) -> xr.DataArray:
        ds, m = self.table, self._core
        what = "Ghosh" if model == "ghosh" else "Leontief, sensitivity of dispersion"
        return _linkage(
            _finish(sums, ds, "", _DIMLESS, m),
            normalize,
            f"forward linkage ({what}, {_label(m)})",
            "forward_linkage",
        )

    def linkages(self) -> xr.Dataset:
        """See :func:`~iocirc.analysis.linkages`."""
        ones = xr.ones_like(self._core.x)
        # Backward and Leontief forward linkages from one factorisation of I - A.
        row_sums, col_sums = solve_both(self._core, ones, None, ones, None)
        backward = self._backward(self._multipliers(col_sums), True)
        forward = self.forward_linkages()
        forward_l = self._forward(row_sums, "leontief", True)
        key = (backward > 1) & (forward > 1)
        key.attrs = {
            "long_name": "key sector (backward and forward linkage above average)",
            "units": _DIMLESS,
        }
        out = xr.Dataset(
            {
                "backward": backward,
                "forward": forward,
                "forward_leontief": forward_l,
                "key_sector": key,
            }
        )
        model_attrs = {k: v for k, v in backward.attrs.items() if k in ("model", "convention")}
        out.attrs = model_attrs
        return out.copy(deep=True)  # never sharing memory with the input

    def extraction(self, sectors: Sequence[str] | None = None) -> xr.Dataset:
        """See :func:`~iocirc.analysis.hypothetical_extraction`."""
        ds, model = self.table, self._core
        index = model.x.indexes["sector"]
        if isinstance(sectors, str):
            # A string is a sequence of characters: "12" would extract sectors "1" and "2".
            raise ArgumentTypeError(
                f"sectors must be a list of sector labels, not the string {sectors!r}; "
                f"write [{sectors!r}] to extract that one sector"
            )
        chosen = list(index) if sectors is None else [str(s) for s in sectors]
        if not chosen:
            raise ArgumentError("sectors is empty; give the sectors to extract (or None for all)")
        unknown = [s for s in chosen if s not in index]
        if unknown:
            raise SchemaError(f"unknown sector(s) {unknown}; the table has {list(index)}")
        if len(set(chosen)) != len(chosen):
            dups = sorted({s for s in chosen if chosen.count(s) > 1})
            raise ArgumentError(f"sectors lists the sector(s) {dups} more than once: {chosen}")
        unit = np.zeros((len(index), len(chosen)))
        unit[index.get_indexer(chosen), np.arange(len(chosen))] = 1.0
        eye = xr.DataArray(
            unit, dims=("sector", "_extracted"), coords={"sector": index, "_extracted": chosen}
        )
        cols_l, colsum = solve_both(model, eye, "_extracted", xr.ones_like(model.x), None)
        ones = xr.ones_like(eye.isel(_extracted=0, drop=True)).expand_dims(_extracted=["_ones"])
        cols_g = solve_right(
            model, xr.concat([ones, eye], dim="_extracted"), "_extracted", ghosh=True
        )
        l_jj = _pick(cols_l, chosen)  # the diagonal entries L_jj
        g_jj = _pick(cols_g.sel(_extracted=chosen), chosen)
        g_rows = _pick(cols_g.sel(_extracted="_ones", drop=True), chosen)  # row sums of G
        col = _pick(colsum, chosen)  # column sums of L
        x_j = _pick(model.x, chosen)
        l_jj = l_jj.where(l_jj != 0)
        g_jj = g_jj.where(g_jj != 0)
        result = xr.Dataset(
            {
                "complete": x_j * col / l_jj,
                "backward": x_j * (col - 1.0) / l_jj,
                "forward": x_j * (g_rows - 1.0) / g_jj,
            }
        )
        result = result.assign_coords(_extracted=chosen).rename(_extracted="sector")
        result = _restore(result.transpose(..., "sector"), ds)
        unit_name = _currency(ds)
        names = {
            "complete": "output lost by complete extraction",
            "backward": "output lost by backward extraction",
            "forward": "output lost by forward extraction (Ghosh)",
        }
        for name, long_name in names.items():
            result[name].attrs = {"long_name": long_name, "units": unit_name}
        result.attrs = _model_attrs(model)
        return result.copy(deep=True)  # never sharing memory with the input

    def local_coefficients(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.local_coefficients`."""
        ds, model = self.table, self._core
        self._local_only()
        a = model.z * model.keep * _rows_to_columns(model.inv_x)
        return _finish(
            a,
            ds,
            f"local input coefficients ({self.convention} convention)",
            _DIMLESS,
            model,
            name="local_coefficients",
        )

    def outside_supply_share(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.outside_supply_share`."""
        ds, model = self.table, self._core
        self._local_only()
        assert model.share is not None
        return _finish(
            model.share,
            ds,
            f"share of use supplied from outside ({self.convention} convention)",
            _DIMLESS,
            model,
            name="outside_supply_share",
        )

    def allocation_coefficients(self) -> xr.DataArray:
        """See :func:`~iocirc.analysis.allocation_coefficients`."""
        ds, model = self.table, self._core
        b = model.z * (model.keep * model.inv_x)
        return _finish(
            b,
            ds,
            f"allocation coefficients ({_label(model)})",
            _DIMLESS,
            model,
            name="allocation_coefficients",
        )


def _row(mult: xr.DataArray, i: int) -> xr.DataArray:
    """``mult.isel(_row=i)``, a blockwise step on dask data."""
    return apply(
        _Item(i),
        mult,
        input_core_dims=[["_row", "sector"]],
        output_core_dims=[["sector"]],
        output_dtypes=[float],
    )


class _Item:
    def __init__(self, i: int) -> None:
        self.i = i

    def __call__(self, a: np.ndarray) -> np.ndarray:
        return a[..., self.i, :]


def _ones_and(v: np.ndarray) -> np.ndarray:
    """``[1, v]`` stacked before the last axis."""
    return np.stack([np.ones_like(v, dtype=float), np.asarray(v, dtype=float)], axis=-2)


def _linkage(raw: xr.DataArray, normalize: bool, long_name: str, name: str) -> xr.DataArray:
    attrs = dict(raw.attrs)
    out = (raw / raw.mean("sector") if normalize else raw.copy(deep=False)).rename(name)
    attrs["long_name"] = long_name + (", normalized to mean 1" if normalize else "")
    out.attrs = attrs
    return out.copy(deep=True)  # never sharing memory with the input


def _pick(da: xr.DataArray, chosen: list[str]) -> xr.DataArray:
    """``da`` at sector ``chosen[k]`` along ``_extracted`` (pointwise, if ``da`` has it)."""
    picked = da.sel(sector=xr.DataArray(chosen, dims="_extracted"))
    return picked.drop_vars(["sector", *_coords_on(da, "sector")], errors="ignore")


def _coords_on(obj: xr.Dataset | xr.DataArray, dim: str) -> list[str]:
    """Non-index coordinates along ``dim``."""
    return [str(c) for c in obj.coords if c != dim and dim in obj[c].dims]
