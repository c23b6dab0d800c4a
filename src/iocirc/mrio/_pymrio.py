"""To and from :class:`pymrio.IOSystem`: every database pymrio parses opens in iocirc.

pymrio (a test dependency, ``pip install pymrio``) is imported inside the
functions only. The mapping:

=====================  ====================================================
pymrio                 iocirc multi-regional table
=====================  ====================================================
``Z``                  ``intermediate_use`` (rows and columns ``(region, sector)``)
``Y``                  ``final_use`` (columns ``(region, category)``); the
                       categories ``export``, ``import`` (negative) and
                       ``discrepancy`` of a table's own region carry the
                       exogenous exports, imports and the row residual
``x`` (``indout``)     ``total_output``
``factor_inputs.F``    ``value_added`` (rows: value-added components) and, in a row
                       ``imports``, ``imported_inputs`` (``F_Y``: ``imported_final_use``)
``unit``               ``attrs["currency_unit"]``
``year``, ``price``,   ``attrs["year"]``, ``attrs["price_basis"]``,
``name``               ``attrs["source"]``
=====================  ====================================================

:func:`to_pymrio` also keeps what pymrio has no place for (aggregate flows
and value-added rows next to their parts, coordinates such as ``in_nation``
and ``sector_en``, variable and dataset attributes) in the attribute
``iocirc`` of the IOSystem, so that ``from_pymrio(to_pymrio(ds))`` is
identical to ``ds``. pymrio's own files (``save_all``) do not keep it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._core import DEFAULT_RTOL, warn
from iocirc.errors import BalanceWarning, SchemaError
from iocirc.mrio._table import from_matrices
from iocirc.mrio._table import validate as validate_mrio
from iocirc.schema import MRIO_FLOWS, MRIO_VARIABLES, identity_terms, members

__all__ = ["from_pymrio", "to_pymrio"]

#: Extra final-demand columns of :func:`to_pymrio`: the row terms outside ``final_use``.
ROW_TERMS = ("export", "import", "discrepancy")

_DIMS = ("region", "sector", "region_to", "sector_to", "flow", "va_component")

#: The row of the factor-input extension holding non-competitive imports (``F``: imported
#: inputs by using region and sector; ``F_Y``: imported final use by region and category).
IMPORT_ROW = "imports"
IMPORT_ROW_VARS = ("imported_inputs", "imported_final_use")
_IMPORT_LABELS = frozenset({"imports", "import", "imported_inputs", "imported inputs"})

# Final-demand category names of the databases pymrio parses (lower-cased) -> schema flow.
_CATEGORIES: dict[str, str] = {
    "final consumption expenditure by households": "household",
    "final consumption expediture by households": "household",
    "cons_h": "household",
    "household final consumption": "household",
    "households": "household",
    "final consumption expenditure by non-profit organisations serving households (npish)": (
        "npish"
    ),
    "final consumption expenditure by non-profit institutions serving households": "npish",
    "cons_np": "npish",
    "npish": "npish",
    "non-profit institutions serving households": "npish",
    "final consumption expenditure by government": "government",
    "cons_g": "government",
    "government final consumption": "government",
    "government": "government",
    "gross fixed capital formation": "fixed_capital_formation",
    "gfcf": "fixed_capital_formation",
    "changes in inventories": "inventory_change",
    "inven": "inventory_change",
    "inventory changes": "inventory_change",
    # SNA P53 (acquisitions less disposals of valuables) is part of gross capital
    # formation; WIOD's INVEN column is "changes in inventories and valuables" (P52+P53).
    "changes in valuables": "inventory_change",
    "export": "export",
    "exports": "export",
    "exports: total (fob)": "export",  # EXIOBASE
    "import": "import",
    "discrepancy": "discrepancy",
    # OECD ICIO codes (DPABR, DIRP and P33, the direct purchases of residents abroad and of
    # non-residents at home, are left to the caller's final_demand mapping)
    "hfce": "household",
    "nps": "npish",
    "ggfc": "government",
    "invnt": "inventory_change",
    "inv": "inventory_change",
    "disc": "discrepancy",
    # Eora26 and GLORIA
    "household final consumption p.3h": "household",
    "non-profit institutions serving households p.3n": "npish",
    "government final consumption p.3g": "government",
    "gross fixed capital formation p.51": "fixed_capital_formation",
    "changes in inventories p.52": "inventory_change",
    "acquisitions less disposals of valuables p.53": "inventory_change",
}


def to_pymrio(ds: xr.Dataset, *, name: str | None = None) -> Any:
    """A :class:`pymrio.IOSystem` holding a multi-regional table.

    Parameters
    ----------
    ds : xarray.Dataset
        A multi-regional table (:mod:`iocirc.mrio`) without extra dimensions.
    name : str, optional
        The IOSystem's name (default: the table's ``source``, else ``"iocirc"``).

    Returns
    -------
    pymrio.IOSystem
        ``Z`` and ``Y`` (pandas DataFrames with ``(region, sector)`` rows and
        ``(region, sector)`` / ``(region, category)`` columns), ``x``
        (column ``indout``), ``unit``, and the extension ``factor_inputs``
        whose ``F`` holds the value-added rows; all in the table's currency
        unit. Exogenous exports, imports (negative) and the discrepancy are
        final-demand categories of each region's own column block, so that
        pymrio's ``x = Z 1 + Y 1`` holds; non-competitive imports are the row
        ``"imports"`` of ``factor_inputs.F`` (imported inputs) and ``F_Y``
        (imported final use), so that ``x = 1' Z + 1' F``. Copies: nothing
        aliases ``ds``.

    Raises
    ------
    SchemaError
        If ``ds`` is not a multi-regional table.
    ImportError
        If pymrio is not installed.

    Notes
    -----
    Only the final-demand categories and value-added rows entering the
    identities (:func:`iocirc.schema.identity_terms`) go to ``Y`` and ``F``,
    so that pymrio sums count each once.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.mrio import from_pymrio, to_pymrio
    >>> ds = iocirc.testing.synthetic_mrio(2, 3)
    >>> io = to_pymrio(ds)
    >>> io.Z.shape, list(io.Z.index.names)
    ((6, 6), ['region', 'sector'])
    >>> from_pymrio(io).identical(ds)
    True
    """
    pymrio = _pymrio()
    validate_mrio(ds)
    extra_dims = sorted({str(d) for v in ds.data_vars.values() for d in v.dims} - set(_DIMS))
    if extra_dims:
        raise SchemaError(
            f"the table has the extra dimension(s) {extra_dims}; pymrio holds one table: "
            "select one first (e.g. ds.sel(year=2011))"
        )
    regions = [str(r) for r in ds.indexes["region"]]
    sectors = [str(s) for s in ds.indexes["sector"]]
    flows_all = [str(f) for f in ds.indexes["flow"]]
    flows = list(identity_terms("flow", flows_all))
    components_all = [str(k) for k in ds.indexes["va_component"]]
    components = list(identity_terms("va_component", components_all))
    R, S = len(regions), len(sectors)
    n = R * S
    rows = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])

    def matrix(var: str, dims: tuple[str, ...], shape: tuple[int, ...]) -> np.ndarray:
        return np.array(ds[var].transpose(*dims).values, dtype=np.float64).reshape(shape)

    Z = matrix("intermediate_use", ("region", "sector", "region_to", "sector_to"), (n, n))
    fu = ds["final_use"].sel(flow=flows) if flows else None
    terms = [t for t in ROW_TERMS if t in ds.data_vars]
    categories = flows + terms
    Y = np.zeros((n, R, len(categories)))
    if fu is not None:
        Y[:, :, : len(flows)] = np.array(
            fu.transpose("region", "sector", "region_to", "flow").values, dtype=np.float64
        ).reshape(n, R, len(flows))
    for k, term in enumerate(terms):
        values = matrix(term, ("region", "sector"), (R, S))
        sign = -1.0 if term == "import" else 1.0
        for r in range(R):
            Y[r * S : (r + 1) * S, r, len(flows) + k] = sign * values[r]
    y_cols = pd.MultiIndex.from_product([regions, categories], names=["region", "category"])
    V = np.array(
        ds["value_added"]
        .sel(va_component=components)
        .transpose("va_component", "region", "sector"),
        dtype=np.float64,
    ).reshape(len(components), n)
    unit = str(ds.attrs.get("currency_unit", ""))
    inputs = list(components)
    F_Y = None
    if IMPORT_ROW_VARS[0] in ds.data_vars or IMPORT_ROW_VARS[1] in ds.data_vars:
        # non-competitive imports: a row of inputs (F) and of final use (F_Y), as in pymrio
        inputs.append(IMPORT_ROW)
        m = np.zeros((1, n))
        if IMPORT_ROW_VARS[0] in ds.data_vars:
            m[0] = matrix(IMPORT_ROW_VARS[0], ("region", "sector"), (n,))
        V = np.vstack([V, m])
        F_Y = np.zeros((len(inputs), R, len(categories)))
        if IMPORT_ROW_VARS[1] in ds.data_vars and flows:
            F_Y[-1, :, : len(flows)] = np.array(
                ds[IMPORT_ROW_VARS[1]].sel(flow=flows).transpose("region_to", "flow").values,
                dtype=np.float64,
            )
    index = pd.Index(inputs, name="inputtype")
    factor_inputs: dict[str, Any] = {  # IOSystem(**extensions): each as an Extension's arguments
        "name": "Factor Inputs",
        "F": pd.DataFrame(V, index=index, columns=rows),
        "unit": pd.DataFrame({"unit": [unit] * len(inputs)}, index=index.copy()),
    }
    if F_Y is not None:
        factor_inputs["F_Y"] = pd.DataFrame(
            F_Y.reshape(len(inputs), -1), index=index.copy(), columns=y_cols.copy()
        )
    io = pymrio.IOSystem(
        Z=pd.DataFrame(Z, index=rows, columns=rows.copy()),
        Y=pd.DataFrame(Y.reshape(n, R * len(categories)), index=rows.copy(), columns=y_cols),
        x=pd.DataFrame(
            {"indout": matrix("total_output", ("region", "sector"), (n,))}, index=rows.copy()
        ),
        unit=pd.DataFrame({"unit": [unit] * n}, index=rows.copy()),
        year=ds.attrs.get("year"),
        price=ds.attrs.get("price_basis") or None,
        name=name or str(ds.attrs.get("source") or "iocirc"),
        description=str(ds.attrs.get("source", "")),
        factor_inputs=factor_inputs,
    )
    extra_flows = [f for f in flows_all if f not in flows]
    extra_components = [k for k in components_all if k not in components]
    io.iocirc = {
        "skeleton": ds.drop_vars(list(ds.data_vars)).copy(deep=True),
        "variable_attrs": {v: dict(ds[v].attrs) for v in ds.data_vars},
        "variables": list(ds.data_vars),
        "final_use": ds["final_use"].sel(flow=extra_flows).copy(deep=True),
        "value_added": ds["value_added"].sel(va_component=extra_components).copy(deep=True),
    }
    if IMPORT_ROW_VARS[1] in ds.data_vars:
        io.iocirc[IMPORT_ROW_VARS[1]] = ds[IMPORT_ROW_VARS[1]].sel(flow=extra_flows).copy(deep=True)
    return io


def from_pymrio(
    io: Any,
    *,
    final_demand: Mapping[str, str] | None = None,
    value_added: Mapping[str, str] | None = None,
    extension: str = "factor_inputs",
    nation: Sequence[str] | None = None,
    nation_name: str = "",
    rtol: float = DEFAULT_RTOL,
) -> xr.Dataset:
    """A multi-regional table from a :class:`pymrio.IOSystem`.

    Parameters
    ----------
    io : pymrio.IOSystem
        With ``Z`` and ``Y`` (and ``x``; computed as ``Z 1 + Y 1`` when
        missing) as pandas DataFrames indexed by ``(region, sector)``.
    final_demand : mapping of str to str, optional
        pymrio final-demand category -> schema flow of
        :data:`iocirc.schema.MRIO_FLOWS`, or ``"export"`` (exports to an
        exogenous rest of the world), ``"import"`` (negative: imports) or
        ``"discrepancy"``; categories mapped to the same target are summed.
        Default: the schema names themselves and the category names of
        EXIOBASE, WIOD, OECD ICIO, Eora26/GLORIA and pymrio's test system
        ("Final consumption expenditure by households" -> household, ...,
        valuables -> inventory_change, "Export" -> export, OECD's ``DISC`` ->
        discrepancy); OECD's direct purchases abroad (``DPABR``, ``P33``) need
        a mapping.
    value_added : mapping of str to str, optional
        Row of the extension's ``F`` -> value-added component of
        :data:`iocirc.schema.VA_COMPONENTS`; rows left out are not value added
        and ignored. Default: schema names, "Value Added" ->
        value_added_total, and rows starting "Compensation", "Taxes"/"Other
        net taxes", "Operating surplus: Consumption of fixed capital" /
        "Depreciation", "Operating surplus". A row named "imports" is not
        value added but non-competitive imports: ``imported_inputs`` from
        ``F``, ``imported_final_use`` from ``F_Y``.
    extension : str
        Name of the factor-input extension (default ``"factor_inputs"``).
    nation : sequence of str, optional
        Regions forming the nation.
    nation_name : str
        Name of that group.
    rtol : float
        Tolerance of the identities.

    Returns
    -------
    xarray.Dataset
        The table (:data:`iocirc.schema.MRIO_VARIABLES`), validated; output
        is pymrio's ``x`` and ``discrepancy`` the row residual. For an
        IOSystem made by :func:`to_pymrio` and not changed since, the
        original table.

    Raises
    ------
    SchemaError
        Missing ``Z``/``Y``, indexes that are not ``(region, sector)`` of
        every region and sector once, unknown final-demand categories or
        value-added rows, NaN values.
    ImportError
        If pymrio is not installed.

    Warns
    -----
    BalanceWarning
        When the extension's value-added rows do not close the column identity
        (pymrio's test system): value added is then output minus intermediate
        inputs, as ``value_added_total``.

    Examples
    --------
    >>> import pymrio, warnings
    >>> from iocirc.mrio import from_pymrio
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     mrio = from_pymrio(pymrio.load_test())
    >>> mrio.sizes["region"], mrio.sizes["sector"], mrio.attrs["currency_unit"]
    (6, 8, 'Mill USD')
    >>> list(mrio.indexes["flow"])
    ['household', 'npish', 'government', 'fixed_capital_formation', 'inventory_change']
    """
    _pymrio()
    Z_frame, Y_frame = getattr(io, "Z", None), getattr(io, "Y", None)
    if not isinstance(Z_frame, pd.DataFrame) or not isinstance(Y_frame, pd.DataFrame):
        raise SchemaError(
            "the IOSystem has no Z or Y DataFrame; a multi-regional table needs both (for a "
            "system holding coefficients only, run io.calc_all() first)"
        )
    regions, sectors = _axis(Z_frame.index, "the rows of Z")
    if _axis(Z_frame.columns, "the columns of Z") != (regions, sectors):
        raise SchemaError("the columns of Z name other regions or sectors than its rows")
    if _axis(Y_frame.index, "the rows of Y") != (regions, sectors):
        raise SchemaError("the rows of Y name other regions or sectors than the rows of Z")
    rows = pd.MultiIndex.from_product([regions, sectors])
    R, S = len(regions), len(sectors)
    n = R * S
    Z = _values(Z_frame.reindex(index=rows, columns=rows), "Z")
    _, categories = _y_axis(Y_frame.columns, regions)
    mapping = _category_map(categories, final_demand)
    x_frame = getattr(io, "x", None)
    if isinstance(x_frame, pd.DataFrame | pd.Series):
        x = _values(x_frame.reindex(index=rows), "x").reshape(-1)
        if x.shape != (n,):
            raise SchemaError(f"x has {x.size} values; expected {n} (one column, indout)")
    else:
        x = None

    stash = getattr(io, "iocirc", None)
    if isinstance(stash, dict) and _stash_fits(stash, regions, sectors, categories):
        return _restore(stash, Z, Y_frame, rows, x, io, rtol)

    flows = [f for f in dict.fromkeys(mapping[c] for c in categories) if f not in ROW_TERMS]
    Y = np.zeros((n, R, len(flows)))
    terms = {t: np.zeros(n) for t in ROW_TERMS}
    Y_values = _values(Y_frame.reindex(index=rows), "Y")
    for k, column in enumerate(Y_frame.columns):
        region, category = (str(label) for label in column)
        target = mapping[category]
        if target in terms:
            terms[target] += (-1.0 if target == "import" else 1.0) * Y_values[:, k]
        else:
            Y[:, regions.index(region), flows.index(target)] += Y_values[:, k]
    Yflat = Y.reshape(n, R * len(flows))
    accounted = Z.sum(axis=1) + Yflat.sum(axis=1) + terms["export"] - terms["import"]
    if x is None and terms["discrepancy"].any():
        x = accounted + terms["discrepancy"]
    imported, imported_final = _import_row(io, extension, rows, regions, categories, mapping, flows)
    va, components = _factor_inputs(
        io, extension, value_added, rows, accounted if x is None else x, Z, rtol, imported
    )
    extra: dict[str, Any] = {}
    if imported is not None:
        extra["imported_inputs"] = imported
        extra["imported_final_use"] = imported_final
    ds = from_matrices(
        Z,
        Yflat,
        regions=regions,
        sectors=sectors,
        final_categories=flows,
        output=x,
        value_added=va,
        va_components=components,
        exports=terms["export"] if terms["export"].any() else None,
        imports=terms["import"] if terms["import"].any() else None,
        nation=nation,
        nation_name=nation_name,
        year=_year(getattr(io, "year", None)),
        source=str(getattr(io, "name", "") or getattr(getattr(io, "meta", None), "name", "")),
        currency_unit=_unit(io),
        price_basis=str(getattr(io, "price", "") or ""),
        classification="pymrio",
        rtol=rtol,
        **extra,
    )
    return ds


# --------------------------------------------------------------------------- helpers


def _pymrio() -> ModuleType:
    try:
        import pymrio
    except ImportError:
        raise ImportError(
            "converting to and from pymrio needs pymrio: pip install pymrio"
        ) from None
    return pymrio


def _axis(index: pd.Index, what: str) -> tuple[list[str], list[str]]:
    """Regions and sectors (in order of appearance) of a (region, sector) index."""
    if not isinstance(index, pd.MultiIndex) or index.nlevels != 2:
        raise SchemaError(
            f"{what} must be a (region, sector) MultiIndex, got {type(index).__name__}"
        )
    if index.has_duplicates:
        dups = index[index.duplicated()].tolist()[:5]
        raise SchemaError(f"{what} repeat the (region, sector) pairs {dups}")
    regions = [str(r) for r in dict.fromkeys(index.get_level_values(0))]
    sectors = [str(s) for s in dict.fromkeys(index.get_level_values(1))]
    if len(index) != len(regions) * len(sectors):
        raise SchemaError(
            f"{what} hold {len(index)} pairs, not every one of {len(regions)} regions x "
            f"{len(sectors)} sectors"
        )
    return regions, sectors


def _y_axis(columns: pd.Index, regions: list[str]) -> tuple[list[str], list[str]]:
    if not isinstance(columns, pd.MultiIndex) or columns.nlevels != 2:
        raise SchemaError("the columns of Y must be a (region, category) MultiIndex")
    y_regions = [str(r) for r in dict.fromkeys(columns.get_level_values(0))]
    if sorted(y_regions) != sorted(regions):
        raise SchemaError(f"the columns of Y name the regions {y_regions}; Z has {regions}")
    categories = [str(c) for c in dict.fromkeys(columns.get_level_values(1))]
    if len(columns) != len(regions) * len(categories) or columns.has_duplicates:
        raise SchemaError("the columns of Y are not every region x category once")
    return y_regions, categories


def _values(frame: pd.DataFrame | pd.Series, what: str) -> np.ndarray:
    try:
        array = np.array(frame.to_numpy(), dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise SchemaError(f"{what} must hold numbers: {err}") from None
    if not np.isfinite(array).all():
        raise SchemaError(
            f"{what} holds {int((~np.isfinite(array)).sum())} NaN or infinite value(s) "
            "(or labels missing from the index)"
        )
    return array


def _category_map(categories: list[str], given: Mapping[str, str] | None) -> dict[str, str]:
    targets = set(MRIO_FLOWS) | set(ROW_TERMS)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for category in categories:
        target = (
            given.get(category)
            if given is not None and category in given
            else (category if category in targets else _CATEGORIES.get(category.strip().lower()))
        )
        if target is None:
            unknown.append(category)
        elif target not in targets:
            raise SchemaError(
                f"final_demand maps {category!r} to {target!r}; targets are "
                f"{list(MRIO_FLOWS) + list(ROW_TERMS)}"
            )
        else:
            mapping[category] = target
    if unknown:
        raise SchemaError(
            f"unknown final-demand categor{'y' if len(unknown) == 1 else 'ies'} {unknown} in Y; "
            "pass final_demand={category: flow}, flows from "
            f"{list(MRIO_FLOWS) + list(ROW_TERMS)}"
        )
    return mapping


def _va_component(row: str) -> str | None:
    if row in members("va_component"):
        return row
    text = row.strip().lower()
    if text in ("value added", "value added at basic prices", "va", "total value added"):
        return "value_added_total"
    if text.startswith("compensation"):
        return "compensation"
    if "consumption of fixed capital" in text or text.startswith("depreciation"):
        return "depreciation"
    if "tax" in text:
        return "net_production_taxes"
    if text.startswith("operating surplus"):
        return "operating_surplus"
    return None


def _labels_of(index: pd.Index) -> list[str]:
    return [" ".join(map(str, r)) if isinstance(r, tuple) else str(r) for r in index]


def _import_row(
    io: Any,
    extension: str,
    rows: pd.MultiIndex,
    regions: list[str],
    categories: list[str],
    mapping: Mapping[str, str],
    flows: list[str],
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Non-competitive imports from the extension's ``imports`` row of F (and F_Y)."""
    ext = getattr(io, extension, None)
    F = getattr(ext, "F", None)
    if not isinstance(F, pd.DataFrame):
        return None, None
    labels = _labels_of(F.index)
    found = [i for i, label in enumerate(labels) if label.strip().lower() in _IMPORT_LABELS]
    if not found:
        return None, None
    if len(found) > 1:
        raise SchemaError(f"the extension {extension!r} has several import rows {found}")
    imported = _values(F.reindex(columns=rows), f"{extension}.F")[found[0]]
    final = np.zeros(len(regions) * len(flows))
    F_Y = getattr(ext, "F_Y", None)
    if isinstance(F_Y, pd.DataFrame) and len(F_Y.index) == len(labels):
        values = _values(F_Y, f"{extension}.F_Y")[found[0]]
        for k, column in enumerate(F_Y.columns):
            region, category = tuple(column)
            target = mapping.get(str(category))
            if target in flows:
                final[regions.index(str(region)) * len(flows) + flows.index(target)] += values[k]
            elif values[k] != 0:
                raise SchemaError(
                    f"{extension}.F_Y has imports {values[k]:g} in the column "
                    f"{(region, category)}, which is not final use"
                )
    return imported, final


def _factor_inputs(
    io: Any,
    extension: str,
    given: Mapping[str, str] | None,
    rows: pd.MultiIndex,
    x: np.ndarray,
    Z: np.ndarray,
    rtol: float,
    imported: np.ndarray | None = None,
) -> tuple[np.ndarray | None, list[str] | None]:
    """Value added by component from the factor-input extension, or (None, None)."""
    ext = getattr(io, extension, None)
    F = getattr(ext, "F", None)
    if not isinstance(F, pd.DataFrame):
        return None, None
    labels = _labels_of(F.index)
    mapped = {
        i: (given.get(label) if given is not None else _va_component(label))
        for i, label in enumerate(labels)
        if label.strip().lower() not in _IMPORT_LABELS
    }
    unknown = [labels[i] for i, k in mapped.items() if k is None and given is None]
    bad = [k for k in mapped.values() if k is not None and k not in members("va_component")]
    if bad:
        raise SchemaError(
            f"value_added maps rows to {bad}; components are {list(members('va_component'))}"
        )
    components = [k for k in members("va_component") if k in set(mapped.values())]
    reason = ""
    if unknown:
        reason = f"its rows {unknown[:5]} are not known value-added components"
    elif not components:
        reason = "it has no value-added row"
    if not reason:
        F_values = _values(F.reindex(columns=rows), f"{extension}.F")
        V = np.zeros((len(components), len(rows)))
        for i, k in mapped.items():
            if k is not None:
                V[components.index(k)] += F_values[i]
        terms = identity_terms("va_component", components)
        va = V[[components.index(k) for k in terms]].sum(axis=0)
        if imported is not None:
            va = va + imported  # the column identity's other term
        gap = np.abs(x - Z.sum(axis=0) - va)
        scale = np.abs(x) + np.abs(Z).sum(axis=0) + np.abs(va)
        worst = int(np.argmax(gap - rtol * scale))
        if gap[worst] <= rtol * scale[worst]:
            return V, components
        reason = (
            f"they leave the column identity open by up to {gap[worst]:.6g} (column {rows[worst]})"
        )
    warn(
        f"the value-added rows of the extension {extension!r} are not used: {reason}; value "
        "added is output minus intermediate inputs (and imports), as value_added_total",
        BalanceWarning,
    )
    return None, None


def _year(value: Any) -> int | None:
    try:
        return int(value) if value is not None and str(value).strip() else None
    except (TypeError, ValueError):
        match = re.search(r"\d{4}", str(value))
        return int(match.group()) if match else None


def _unit(io: Any) -> str:
    unit = getattr(io, "unit", None)
    if isinstance(unit, pd.DataFrame) and "unit" in unit.columns and len(unit):
        values = sorted({str(u) for u in unit["unit"]})
        return values[0] if len(values) == 1 else ", ".join(values)
    return ""


def _stash_fits(stash: dict, regions: list[str], sectors: list[str], categories: list[str]) -> bool:
    skeleton = stash.get("skeleton")
    if not isinstance(skeleton, xr.Dataset):
        return False
    flows = list(identity_terms("flow", [str(f) for f in skeleton.indexes["flow"]]))
    terms = [t for t in ROW_TERMS if t in stash.get("variables", ())]
    return (
        [str(r) for r in skeleton.indexes["region"]] == regions
        and [str(s) for s in skeleton.indexes["sector"]] == sectors
        and categories == flows + terms
    )


def _restore(
    stash: dict,
    Z: np.ndarray,
    Y_frame: pd.DataFrame,
    rows: pd.MultiIndex,
    x: np.ndarray | None,
    io: Any,
    rtol: float,
) -> xr.Dataset:
    """The table :func:`to_pymrio` converted, from pymrio's numbers and the kept metadata."""
    skeleton: xr.Dataset = stash["skeleton"]
    regions = [str(r) for r in skeleton.indexes["region"]]
    sectors = [str(s) for s in skeleton.indexes["sector"]]
    flows_all = [str(f) for f in skeleton.indexes["flow"]]
    flows = list(identity_terms("flow", flows_all))
    components_all = [str(k) for k in skeleton.indexes["va_component"]]
    components = list(identity_terms("va_component", components_all))
    R, S = len(regions), len(sectors)
    n = R * S
    categories = flows + [t for t in ROW_TERMS if t in stash["variables"]]
    wanted = pd.MultiIndex.from_tuples([(r, c) for r in regions for c in categories])
    order = Y_frame.columns.get_indexer(wanted)
    Yv = _values(Y_frame.reindex(index=rows), "Y")[:, order].reshape(n, R, len(categories))
    final = np.zeros((R, S, R, len(flows_all)))
    extra: xr.DataArray = stash["final_use"]
    for f, flow in enumerate(flows_all):
        if flow in flows:
            final[..., f] = Yv[:, :, flows.index(flow)].reshape(R, S, R)
        else:
            final[..., f] = extra.sel(flow=flow).transpose("region", "sector", "region_to").values
    variables: dict[str, np.ndarray] = {
        "intermediate_use": Z.reshape(R, S, R, S),
        "final_use": final,
    }
    for k, term in enumerate(t for t in ROW_TERMS if t in stash["variables"]):
        column = Yv[:, :, len(flows) + k]
        own = column.reshape(R, S, R)[np.arange(R), :, np.arange(R)]
        variables[term] = -own if term == "import" else own
    ext = getattr(io, "factor_inputs", None)
    F = getattr(ext, "F", None)
    has_imports = any(v in stash["variables"] for v in IMPORT_ROW_VARS)
    inputs = components + ([IMPORT_ROW] if has_imports else [])
    if not isinstance(F, pd.DataFrame) or [str(i) for i in F.index] != inputs:
        raise SchemaError(
            f"the IOSystem's factor_inputs no longer hold the rows {inputs} that to_pymrio wrote"
        )
    F_values = _values(F.reindex(columns=rows), "factor_inputs.F")
    if IMPORT_ROW_VARS[0] in stash["variables"]:
        variables[IMPORT_ROW_VARS[0]] = F_values[-1].reshape(R, S)
    if IMPORT_ROW_VARS[1] in stash["variables"]:
        F_Y = getattr(ext, "F_Y", None)
        if not isinstance(F_Y, pd.DataFrame):
            raise SchemaError("the IOSystem's factor_inputs lost the F_Y that to_pymrio wrote")
        m = _values(F_Y, "factor_inputs.F_Y")[-1, order].reshape(R, len(categories))
        kept: xr.DataArray = stash[IMPORT_ROW_VARS[1]]
        final_m = np.zeros((R, len(flows_all)))
        for f, flow in enumerate(flows_all):
            if flow in flows:
                final_m[:, f] = m[:, flows.index(flow)]
            else:
                final_m[:, f] = kept.sel(flow=flow).transpose("region_to").values
        variables[IMPORT_ROW_VARS[1]] = final_m
    va_extra: xr.DataArray = stash["value_added"]
    va = np.zeros((R, len(components_all), S))
    for k, component in enumerate(components_all):
        if component in components:
            va[:, k, :] = F_values[components.index(component)].reshape(R, S)
        else:
            va[:, k, :] = va_extra.sel(va_component=component).transpose("region", "sector").values
    variables["value_added"] = va
    if x is None:
        raise SchemaError("the IOSystem has no x (total output)")
    variables["total_output"] = x.reshape(R, S)
    ds = xr.Dataset(
        {
            name: xr.DataArray(
                variables[name], dims=MRIO_VARIABLES[name].dims, attrs=stash["variable_attrs"][name]
            )
            for name in stash["variables"]
        },
        coords=skeleton.coords,
        attrs=dict(skeleton.attrs),
    )
    validate_mrio(ds, rtol=rtol)
    return ds
