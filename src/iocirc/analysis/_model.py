"""The model shared by the analysis functions.

The share supplied from outside the region, local final demand by source, the
constants and conventions, and the helpers that check tables and label results.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args

import numpy as np
import xarray as xr

from iocirc._core import (
    check_array,
    check_labels,
    check_table,
    ensure,
    flow_signs,
    flow_weights,
    user_stacklevel,
)
from iocirc.analysis._blocks import apply
from iocirc.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConventionWarning,
    MissingFlowError,
    SchemaError,
)
from iocirc.schema import FLOWS, SCOPES, identity_terms, members

Convention = Literal["total_use", "local_use"]
Kind = Literal["local", "total"]

#: The conventions for the share of a product supplied from outside the region.
CONVENTIONS: tuple[str, ...] = get_args(Convention)
#: The default convention (see the module documentation for why).
DEFAULT_CONVENTION: Convention = "total_use"

#: Shares supplied from outside within this distance of [0, 1] do not warn (rounding).
SHARE_TOLERANCE = 1e-5

#: Sources of final demand, in the order results list them.
SOURCES: tuple[str, ...] = (
    "consumption",
    "capital_formation",
    "export",
    "domestic_outflow",
    "gross_outflow",
    "net_outflow",
    "other",
    "import",
    "domestic_inflow",
    "gross_inflow",
)
# Every group below is derived from the registry (iocirc.schema): the sources of local final
# demand from the flows' ``demand``, the outward flows and supplies from the scopes.
_LOCAL_USES = ("consumption", "capital_formation")
_DEMAND_OF = {m.name: m.demand for m in FLOWS if m.demand}
_OUTWARD = tuple(s for s in SOURCES if s in {spec.outflow for spec in SCOPES.values()})
_SUPPLIES = tuple(s for s in SOURCES if s in {spec.inflow for spec in SCOPES.values()})
#: Outward flow -> (its scope, the supplies it is netted against: the scope's inflow and parts).
_CIRCULATION = {
    spec.outflow: (spec.name, (*members("flow")[spec.inflow].parts, spec.inflow))
    for spec in SCOPES.values()
}
_ROW_NAMES = {"sector": "sector_to", "sector_zh": "sector_to_zh", "sector_en": "sector_to_en"}
_COL_NAMES = {v: k for k, v in _ROW_NAMES.items()}
_DIMLESS = "1"


@dataclass(frozen=True)
class _Model:
    """The pieces of a Leontief or Ghosh model of each region.

    Lazy DataArrays without the table's non-index coordinates (which make
    every xarray operation slower); public functions restore them at the end.
    """

    kind: str
    convention: str | None
    z: xr.DataArray  # (..., sector, sector_to)
    x: xr.DataArray  # (..., sector)
    keep: xr.DataArray  # (..., sector): 1 - m, or 1
    demand: xr.DataArray  # (..., sector, source): f_s in the model's terms
    reported: xr.DataArray  # (..., source): the region reports the source
    raw: xr.DataArray  # (..., sector, source): the flows as reported, supplies negative
    raw_reported: xr.DataArray  # (..., source)
    va: xr.DataArray  # (..., sector): value added of each producing sector
    share: xr.DataArray | None  # (..., sector): m

    @cached_property
    def inv_x(self) -> xr.DataArray:
        """``1 / x``, 0 where output is 0."""
        return _safe_reciprocal(self.x)

    @cached_property
    def v(self) -> xr.DataArray:
        """Value added per unit of output, 0 where output is 0."""
        return self.va * self.inv_x

    @property
    def gdp(self) -> xr.DataArray:
        """Total value added of the model, :math:`v' x`."""
        return apply(
            _dot,
            self.v,
            self.x,
            input_core_dims=[["sector"], ["sector"]],
            output_core_dims=[[]],
            output_dtypes=[float],
        )

    @property
    def primary(self) -> xr.DataArray:
        """Primary inputs of the Ghosh model: output less local intermediate inputs."""
        local_inputs = xr.dot(self.z, self.keep, dim="sector")
        return self.x - _columns_to_rows(local_inputs)


def _model(ds: xr.Dataset, kind: str, convention: str) -> _Model:
    if kind not in ("local", "total"):
        raise ArgumentError(f"kind must be 'local' or 'total', not {kind!r}")
    if convention not in CONVENTIONS:
        raise ArgumentError(f"convention must be one of {list(CONVENTIONS)}, not {convention!r}")
    z = _bare(ds["intermediate_use"])
    x = _bare(ds["total_output"])
    raw, reported = _sources(ds)
    value_added = _bare(ds["value_added"])
    va_terms = list(identity_terms("va_component", value_added.indexes["va_component"]))
    rows = value_added.indexes["va_component"].get_indexer(va_terms)
    va = _columns_to_rows(
        apply(
            _SumRows(rows),
            value_added,
            input_core_dims=[["va_component"]],
            output_core_dims=[[]],
            output_dtypes=[float],
        )
    )
    if x.chunks is not None:
        # On dask data the values are checked when computed, chunk by chunk: make every
        # result (all depend on x) depend on the checks of final use and value added too, as
        # on numpy data, where a bad table is refused whatever is asked of it.
        after = [
            (a, core)
            for a, core in ((va, ["sector"]), (raw, ["sector", "source"]))
            if set(a.dims) - set(core) <= set(x.dims)  # x keeps its own dimensions
        ]
        x = apply(
            _first,
            x,
            *[a for a, _ in after],
            input_core_dims=[["sector"], *[core for _, core in after]],
            output_core_dims=[["sector"]],
            output_dtypes=[x.dtype],
        )
    if kind == "total":
        keep = xr.ones_like(x)
        reported = _chunked_like(reported, z)
        return _Model(kind, None, z, x, keep, raw, reported, raw, reported, va, share=None)
    sources = list(raw.indexes["source"])
    lazy = z.chunks is not None or raw.chunks is not None
    if "net_outflow" in sources:
        message = (
            "the local model needs imports and inflows, but the table "
            f"(year {ds.attrs.get('year', 'unknown')}) reports only a net outflow for {{}} "
            "(as the 2002 tables do); use kind='total', or give gross flows"
        )
        if not lazy or not any(s in _SUPPLIES for s in sources):
            raise MissingFlowError(
                message.format(_labels_where(reported.sel(source="net_outflow")))
            )
        # On dask data, which regions report a net outflow is known when computed: refuse
        # then (every result depends on x), and build the model of the others.
        x = ensure(x, reported.sel(source="net_outflow"), message.format, error=MissingFlowError)
        sources = [s for s in sources if s != "net_outflow"]
        raw, reported = raw.sel(source=sources), reported.sel(source=sources)
    uses = [s for s in sources if s not in _SUPPLIES]
    add_other = "other" not in uses
    out_sources = [*uses, "other"] if add_other else uses
    scaled = _LOCAL_USES + (_OUTWARD if convention == "total_use" else ())
    loop_dims = _loop_dims((z, ["sector", "sector_to"]), (raw, ["sector", "source"]))
    kernel = _LocalKernel(
        supplies=[sources.index(s) for s in sources if s in _SUPPLIES],
        local=[sources.index(s) for s in sources if s in _LOCAL_USES],
        outward=[sources.index(s) for s in sources if s in _OUTWARD]
        if convention == "total_use"
        else [],
        uses=[sources.index(s) for s in uses],
        add_other=add_other,
        scaled=[s in scaled for s in out_sources],
        other=out_sources.index("other"),
        warning=_ShareWarning(ds, loop_dims, convention) if lazy else None,
    )
    if lazy:
        # One step: the kernel also says which sources each region reports, 'other'
        # included where supplies are charged to it (known only now), and warns.
        labels = [_dim_labels(z if d in z.dims else raw, d) for d in loop_dims]
        keep, share, demand, status, rep = apply(
            kernel,
            z,
            raw,
            reported,
            *labels,
            input_core_dims=[["sector", "sector_to"], ["sector", "source"], ["source"]]
            + [[]] * len(labels),
            output_core_dims=[
                ["sector"],
                ["sector"],
                ["sector", "_source"],
                ["sector"],
                ["_source"],
            ],
            output_dtypes=[float, float, float, np.int8, bool],
            output_sizes={"_source": len(out_sources)},
        )
        demand = demand.rename(_source="source").assign_coords(source=out_sources)
        rep = rep.rename(_source="source").assign_coords(source=out_sources)
        return _Model(
            "local",
            convention,
            z,
            x,
            keep,
            demand,
            rep,
            raw,
            reported,
            va,
            share=share.rename(None),
        )
    keep, share, demand, status = apply(
        kernel,
        z,
        raw,
        input_core_dims=[["sector", "sector_to"], ["sector", "source"]],
        output_core_dims=[["sector"], ["sector"], ["sector", "_source"], ["sector"]],
        output_dtypes=[float, float, float, np.int8],
        output_sizes={"_source": len(out_sources)},
    )
    demand = demand.rename(_source="source").assign_coords(source=out_sources)
    rep = reported.sel(source=uses)
    charged = _check_shares(ds, share, status, convention)
    if charged is not None:  # supplies charged to 'other' somewhere
        needs_other = charged.any("sector")
        if add_other:
            rep = xr.concat([rep, needs_other.expand_dims(source=["other"])], dim="source")
        else:
            rep = rep | (needs_other & (rep["source"] == "other"))
    elif add_other:
        demand = demand.isel(source=slice(None, -1))
    return _Model(
        "local",
        convention,
        z,
        x,
        keep,
        demand,
        _chunked_like(rep, z),
        raw,
        reported,
        va,
        share=share.rename(None),
    )


def _first(a: np.ndarray, *after: np.ndarray) -> np.ndarray:
    """``a``, once ``after`` (and their checks) are computed."""
    return a


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


class _SumRows:
    """The sum of the rows ``rows`` along the last axis."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = np.asarray(rows)
        self.every = None

    def __call__(self, a: np.ndarray) -> np.ndarray:
        if len(self.rows) == a.shape[-1] and (self.rows == np.arange(a.shape[-1])).all():
            return a.sum(axis=-1)
        return a[..., self.rows].sum(axis=-1)


def _loop_dims(*args: tuple[xr.DataArray, list[str]]) -> list[Hashable]:
    """The loop dimensions of :func:`xarray.apply_ufunc` over ``args``, in its order."""
    dims: list[Hashable] = []
    for arg, core in args:
        dims.extend(d for d in arg.dims if d not in core and d not in dims)
    return dims


def _dim_labels(da: xr.DataArray, dim: Hashable) -> xr.DataArray:
    """The labels along ``dim`` (positions if it has no index), chunked as ``da`` is."""
    values = np.asarray(da.indexes[dim]) if dim in da.indexes else np.arange(da.sizes[dim])
    labels = xr.DataArray(values, dims=(dim,))
    if da.chunks is not None:
        labels = labels.chunk({dim: da.chunksizes[dim]})
    return labels


def _chunked_like(small: xr.DataArray, big: xr.DataArray) -> xr.DataArray:
    """``small`` (numpy) in ``big``'s chunks along the dimensions they share, if ``big`` is dask.

    Combining a dask array with a numpy one otherwise makes dask split and merge chunks.
    """
    if big.chunks is None or small.chunks is not None:
        return small
    sizes = big.chunksizes
    return small.chunk({d: sizes[d] for d in small.dims if d in sizes})


class _LocalKernel:
    """Shares supplied from outside and local final demand, vectorised over regions."""

    def __init__(
        self,
        *,
        supplies: list[int],
        local: list[int],
        outward: list[int],
        uses: list[int],
        add_other: bool,
        scaled: list[bool],
        other: int,
        warning: _ShareWarning | None = None,
    ) -> None:
        self.supplies = supplies
        self.local = local
        self.outward = outward
        self.uses = uses
        self.add_other = add_other
        self.scaled = np.array(scaled)
        self.other = other
        self.warning = warning

    def __call__(self, z: np.ndarray, raw: np.ndarray, *more: np.ndarray) -> tuple[np.ndarray, ...]:
        supplied = -raw[..., self.supplies].sum(axis=-1)
        base = z.sum(axis=-1) + raw[..., self.local].sum(axis=-1)
        base = base + raw[..., self.outward].sum(axis=-1)
        supplied, base = np.broadcast_arrays(supplied, base)
        defined = base != 0
        share = np.divide(supplied, base, out=np.zeros(base.shape), where=defined)
        charged = ~defined & (supplied != 0)
        keep = 1.0 - share
        demand = raw[..., self.uses]  # a copy: the input is never modified
        if self.add_other:
            demand = np.concatenate([demand, np.zeros((*demand.shape[:-1], 1))], axis=-1)
        demand = demand * np.where(self.scaled, keep[..., np.newaxis], 1.0)
        demand[..., self.other] -= np.where(charged, supplied, 0.0)
        outside = (share < -SHARE_TOLERANCE) | (share > 1 + SHARE_TOLERANCE)
        status = np.where(charged, 2, np.where(outside, 1, 0)).astype(np.int8)
        if self.warning is None:
            return keep, share, demand, status
        # dask: warn inside the task; say which sources each region reports
        reported, labels = more[0], more[1:]
        if status.any():
            self.warning(status, share, labels)
        needs_other = charged.any(axis=-1)
        rep = reported[..., self.uses]
        if self.add_other:
            rep = np.concatenate([rep, needs_other[..., np.newaxis]], axis=-1)
        else:
            rep = rep.copy()
            rep[..., self.other] |= needs_other
        return keep, share, demand, status, rep


def _sources(ds: xr.Dataset) -> tuple[xr.DataArray, xr.DataArray]:
    """Final use by source, supplies negative, and which sources each region reports.

    Each flow counted once per region (:func:`iocirc._core.flow_weights`). On numpy data
    the sources are those some region reports; on dask data, where that is known only when
    computed, every source a flow of the table can give (those no region reports are NaN).
    """
    final_use = _bare(ds["final_use"])
    weights = flow_weights(final_use)  # (..., flow), lazy on dask data
    flows = [str(f) for f in final_use.indexes["flow"]]
    source_of = [_source_of(f) for f in flows]
    if weights.chunks is None:
        w = np.asarray(weights.values)
        active = list(np.abs(w).reshape(-1, len(flows)).max(axis=0, initial=0.0) > 0)
    else:
        active = [flow_signs([f])[f] != 0 for f in flows]
    found = {src for src, a in zip(source_of, active, strict=True) if a}
    present = [s for s in SOURCES if s in found]
    mapping = np.zeros((len(flows), len(present)))
    for i, src in enumerate(source_of):
        if src in present:
            mapping[i, present.index(src)] = 1.0
    mapping_da = xr.DataArray(
        mapping, dims=("flow", "source"), coords={"flow": flows, "source": present}
    )
    values, reported = apply(
        _weigh,
        final_use,
        weights,
        mapping_da,
        input_core_dims=[["sector", "flow"], ["flow"], ["flow", "source"]],
        output_core_dims=[["sector", "source"], ["source"]],
        output_dtypes=[float, bool],
    )
    return _order(values, "sector", "source"), reported


def _weigh(
    final_use: np.ndarray, weights: np.ndarray, mapping: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Final use (..., sector, flow) by source, NaN counted as 0, with each flow's weight
    (..., flow); and whether each source counts in the region (..., source)."""
    values = np.asarray(final_use, dtype=float)
    signed = weights[..., np.newaxis] * mapping  # (..., flow, source)
    by_source = np.einsum("...ij,...jk->...ik", np.where(np.isnan(values), 0.0, values), signed)
    return by_source, (signed != 0).any(axis=-2)


def _source_of(flow: str) -> str:
    demand = {_DEMAND_OF.get(leaf, "") for leaf in members("flow")[flow].leaves}
    if len(demand) == 1 and "" not in demand:
        return demand.pop()  # every part is consumption (or capital formation)
    return flow


def _check_shares(
    ds: xr.Dataset, share: xr.DataArray, status: xr.DataArray, convention: str
) -> xr.DataArray | None:
    """Warn when m is outside [0, 1] (status 1) or undefined with supplies (status 2).

    Numpy data only. Returns where supplies are charged to 'other', or None if nowhere.
    """
    flags = np.asarray(status.values)
    if not np.count_nonzero(flags):
        return None
    order = [d for d in status.dims if d != "sector"]
    status = status.transpose(*order, "sector")
    labels = [
        np.asarray(status.indexes[d]) if d in status.indexes else np.arange(status.sizes[d])
        for d in order
    ]
    warning = _ShareWarning(ds, order, convention)
    message = warning.message(
        np.asarray(status.values), np.asarray(share.transpose(*order, "sector").values), labels
    )
    warnings.warn(message, ConventionWarning, stacklevel=user_stacklevel())
    charged = status == 2
    return charged if bool(charged.any()) else None


class _ShareWarning:
    """The ConventionWarning for shares outside [0, 1], over the loop dimensions ``dims``."""

    def __init__(self, ds: xr.Dataset, dims: list[Hashable], convention: str) -> None:
        self.dims = list(dims)
        self.named = [d in ds.indexes for d in self.dims]
        self.sectors = [str(s) for s in ds.indexes["sector"]]
        names = ds.coords.get("sector_en")
        # A dask-backed name coordinate (ds.chunk() chunks them too) is not computed for this.
        usable = names is not None and names.chunks is None
        self.names = [str(n) for n in names.values] if usable else None  # type: ignore[union-attr]
        self.convention = convention

    def __call__(self, status: np.ndarray, share: np.ndarray, labels: tuple[np.ndarray, ...]):
        """Warn from a dask task (no user frame to name)."""
        warnings.warn(self.message(status, share, labels), ConventionWarning, stacklevel=2)

    def message(self, status: np.ndarray, share: np.ndarray, labels: Sequence[np.ndarray]) -> str:
        """``status`` and ``share`` over (dims..., sector); ``labels`` along each of dims,
        broadcastable to them."""
        loop = status.shape[:-1]
        labels = [np.broadcast_to(np.asarray(lab), loop) for lab in labels]
        count = int(np.count_nonzero(status))
        shown = []
        for pos in np.argwhere(status != 0)[:5]:
            at = tuple(int(p) for p in pos)
            where = ", ".join(
                f"{d} {_item(lab[at[:-1]])!r}"
                for d, lab, named in zip(self.dims, labels, self.named, strict=True)
                if named
            )
            sector = self.sectors[at[-1]]
            name = self.names[at[-1]] if self.names is not None else ""
            name = f" ({name})" if name else ""
            value = (
                "m undefined: supplies from outside but no use to supply (charged to 'other')"
                if status[at] == 2
                else f"m = {share[at]:.4g}"
            )
            shown.append(f"{where}, sector {sector!r}{name}: {value}")
        more = f"; and {count - len(shown)} more" if count > len(shown) else ""
        convention = self.convention
        base = (
            "local use" if convention == "local_use" else "total use (exports and outflows incl.)"
        )
        hint = (
            " Re-exports and transit recorded as inflow and outflow do this; "
            "convention='total_use' keeps m within [0, 1] wherever output exceeds the "
            "discrepancy column."
            if convention == "local_use"
            else " m exceeds 1 where the discrepancy column ('other') exceeds output."
        )
        return (
            f"convention {convention!r}: the share of {base} supplied from outside the region "
            f"(imports and inflows), m, is outside [0, 1] for {count} of {status.size} "
            f"region-sectors: " + "; ".join(shown) + more + ". Local coefficients (1 - m) A are "
            "negative where m > 1." + hint
        )


def _item(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _check_table(ds: xr.Dataset) -> xr.Dataset:
    """Check the structure and values the models need; return the table to compute with.

    :func:`iocirc._core.check_table` over every variable (values lazily on dask
    data, so this never computes them); a single region's table
    (``ds.sel(region=...)``) is accepted, and the units need only agree.
    """
    if isinstance(ds, xr.Dataset) and "source" in ds.dims:
        raise SchemaError("the table has a dimension 'source', which the results use")
    for dim in ("sector", "sector_to", "flow", "va_component"):
        if isinstance(ds, xr.Dataset) and dim not in ds.indexes and dim in ds.dims:
            raise SchemaError(f"dimension {dim!r} has no index; label it with {dim} coordinates")
    return check_table(ds, purpose="the input-output model", units=False, single_region=True)


def _safe_reciprocal(x: xr.DataArray) -> xr.DataArray:
    """``1 / x`` where ``x != 0``, else 0 (the documented convention for zero output)."""
    return apply(_reciprocal, x, input_core_dims=[[]], output_core_dims=[[]], output_dtypes=[float])


def _reciprocal(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.divide(1.0, x, out=np.zeros(x.shape), where=x != 0)


def _bare(da: xr.DataArray) -> xr.DataArray:
    """``da`` without its non-index coordinates (a new object sharing the data)."""
    extra = [c for c in da.coords if c not in da.indexes]
    return da.drop_vars(extra)


def _restore(obj: Any, ds: xr.Dataset) -> Any:
    """Put back the table's non-index coordinates on the dimensions ``obj`` has."""
    coords: dict[Hashable, Any] = {}
    for name, coord in ds.coords.items():
        if name in ds.indexes or name in obj.coords:
            continue
        if not coord.dims:  # e.g. ds.sel(region="Jilin"): the result says which region
            coords[name] = coord.variable
            continue
        if not set(coord.dims) <= set(obj.dims):
            continue
        subset = {
            d: obj.indexes[d]
            for d in coord.dims
            if d in obj.indexes and not obj.indexes[d].equals(ds.indexes[d])
        }
        coords[name] = (coord.sel(subset) if subset else coord).variable
    return obj.assign_coords(coords) if coords else obj


def _rows_to_columns(da: xr.DataArray) -> xr.DataArray:
    names = {k: v for k, v in _ROW_NAMES.items() if k in da.coords or k in da.dims}
    return da.rename(names)


def _columns_to_rows(da: xr.DataArray) -> xr.DataArray:
    names = {k: v for k, v in _COL_NAMES.items() if k in da.coords or k in da.dims}
    return da.rename(names)


def _order(da: xr.DataArray, *last: str) -> xr.DataArray:
    return da.transpose(..., *[d for d in last if d in da.dims])


def _user_vector(vector: xr.DataArray, name: str) -> xr.DataArray:
    if not isinstance(vector, xr.DataArray):
        raise ArgumentTypeError(f"{name} must be an xarray.DataArray, got {type(vector).__name__}")
    if "sector" not in vector.dims:
        raise SchemaError(f"{name} must have the dimension 'sector'; it has {vector.dims}")
    if "sector_to" in vector.dims:
        raise SchemaError(f"{name} must not have the dimension 'sector_to'")
    check_labels(vector, [str(d) for d in vector.dims], purpose=name)
    return check_array(_bare(vector), what=name, nonnegative=False, allow_nan=False)


def _currency(ds: xr.Dataset) -> str:
    return str(ds.attrs.get("currency_unit", ds["total_output"].attrs.get("units", "")))


def _label(model: _Model) -> str:
    if model.kind == "total":
        return "technical coefficients"
    return f"local coefficients, {model.convention} convention"


def _model_attrs(model: _Model) -> dict[str, str]:
    attrs = {"model": model.kind}
    if model.convention is not None:
        attrs["convention"] = model.convention
    return attrs


def _finish(
    da: xr.DataArray,
    ds: xr.Dataset,
    long_name: str,
    units: str,
    model: _Model | None = None,
    *,
    name: str | None = None,
) -> xr.DataArray:
    # A deep copy: never share data, coordinates or attrs with the input (lazy on dask data).
    da = _restore(da.rename(name), ds).copy(deep=True)
    attrs: dict[str, Any] = {"long_name": long_name, "units": units}
    if model is not None:
        attrs |= _model_attrs(model)
    da.attrs = attrs
    return da


def _labels_where(mask: xr.DataArray) -> list[str]:
    if "region" not in mask.dims:
        return []
    flags = mask.any([d for d in mask.dims if d != "region"]) if mask.ndim > 1 else mask
    return [str(r) for r, f in zip(mask.indexes["region"], np.asarray(flags), strict=True) if f]
