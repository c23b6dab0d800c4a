"""Multi-regional tables: construction from matrices, recognition and validation.

Row identity, for every origin region ``r`` and sector ``i``::

    x_ri = sum_sj Z_ri,sj + sum_sf Y_ri,sf + e_ri - m_ri + d_ri

Column identity, for every destination region ``s`` and sector ``j``::

    x_sj = sum_ri Z_ri,sj + mZ_sj + sum_k V_s,k,j

where each final-demand category ``f`` and value-added component ``k`` enters
once (:func:`iocirc.schema.identity_terms`), ``e`` and ``m`` are the exports to
and competitive imports from an exogenous rest of the world, ``mZ`` the
non-competitive imported inputs and ``d`` an explicit row discrepancy, each zero
when the table lacks it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from iocirc._core import (
    DEFAULT_RTOL,
    check_choice,
    check_identities,
    check_table,
    default_tolerances,
)
from iocirc._core.docs import fill_doc
from iocirc.errors import SchemaError
from iocirc.schema import (
    MRIO_FLOWS,
    MRIO_VARIABLES,
    identity_terms,
    member_coords,
    members,
)

__all__ = [
    "balance_report",
    "check_structure",
    "from_matrices",
    "identity_residuals",
    "is_mrio",
    "validate",
]


def is_mrio(ds: Any) -> bool:
    """Whether ``ds`` is (meant to be) a multi-regional table.

    Parameters
    ----------
    ds : object
        Anything.

    Returns
    -------
    bool
        True for an :class:`xarray.Dataset` with ``attrs["table_kind"] ==
        "mrio"`` or a ``region_to`` dimension; it says what the Dataset claims
        to be, not that it is valid (see :func:`validate`).

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.mrio import is_mrio
    >>> from iocirc.testing import synthetic_mrio
    >>> is_mrio(iocirc.datasets.example_table())
    False
    >>> is_mrio(synthetic_mrio(2, 3))
    True
    """
    return isinstance(ds, xr.Dataset) and (
        ds.attrs.get("table_kind") == "mrio" or "region_to" in ds.dims
    )


# --------------------------------------------------------------------------- construction


def from_matrices(
    Z: Any,
    Y: Any,
    *,
    regions: Sequence[str],
    sectors: Sequence[str],
    final_categories: Sequence[str],
    output: Any = None,
    value_added: Any = None,
    va_components: Sequence[str] | None = None,
    exports: Any = None,
    imports: Any = None,
    imported_inputs: Any = None,
    imported_final_use: Any = None,
    nation: Sequence[str] | None = None,
    nation_name: str = "",
    year: int | None = None,
    source: str = "",
    currency_unit: str = "",
    price_basis: str = "",
    classification: str = "custom",
    attrs: Mapping[str, Any] | None = None,
    validate: bool = True,
    rtol: float = DEFAULT_RTOL,
    atol: float = 0.0,
) -> xr.Dataset:
    """Build a multi-regional table from matrices in the country-major layout.

    Parameters
    ----------
    Z : array_like, shape (n, n)
        Intermediate use, ``n = R * S``: rows and columns ordered region 1
        sectors 1..S, region 2 sectors 1..S, ... (the layout of decompr and
        pymrio).
    Y : array_like, shape (n, R * F)
        Final use, columns region-major by category: destination region 1
        categories 1..F, region 2 ..., with ``F = len(final_categories)``.
    regions : sequence of str
        Region labels (origin and destination), ``R`` of them.
    sectors : sequence of str
        Sector labels (supplying and using), ``S`` of them.
    final_categories : sequence of str
        Final-demand categories of ``Y``, from
        :data:`iocirc.schema.MRIO_FLOWS` (``"household"``, ``"npish"``,
        ``"government"``, ``"fixed_capital_formation"``, ...).
    output : array_like, shape (n,), optional
        Total output. Without it, output is the row sum (plus ``exports``
        minus ``imports``). With it, the row residual is kept as the variable
        ``discrepancy`` (always present then, zeros included), so a published
        table whose rows do not add up is held as published.
    value_added : array_like, shape (n,) or (K, n), optional
        Value added per column (components along the first axis). Without it,
        value added is output minus the column sums of ``Z`` (and minus
        ``imported_inputs``), as ``value_added_total``.
    va_components : sequence of str, optional
        Labels of the rows of ``value_added``, from
        :data:`iocirc.schema.VA_COMPONENTS` (default ``["value_added_total"]``).
    exports, imports : array_like, shape (n,), optional
        Exports to and competitive imports from an exogenous rest of the world,
        positive; the imports are included in ``Z`` and ``Y`` of the importing
        region's rows (competitive imports).
    imported_inputs : array_like, shape (n,), optional
        Non-competitive imports used as inputs by each industry (the import
        row of the CEADS tables); ``Z`` then holds domestic flows only. Not
        together with ``imports``.
    imported_final_use : array_like, shape (R * F,), optional
        Non-competitive imports bought by each final-use column of ``Y``
        (region-major by category). Not together with ``imports``.
    nation : sequence of str, optional
        The regions forming the nation (coordinate ``in_nation``); default none.
    nation_name : str
        Name of the nation group (attribute ``nation``).
    year : int, optional
        The table's year (``-1`` when not given).
    source, currency_unit, price_basis, classification : str
        Dataset attributes.
    attrs : mapping, optional
        Further Dataset attributes.
    validate : bool
        Check the result with :func:`validate` (default True).
    rtol, atol : float
        Tolerances of the identities, see :func:`validate`.

    Returns
    -------
    xarray.Dataset
        The table (:data:`iocirc.schema.MRIO_VARIABLES`), every variable in
        ``currency_unit``, with ``attrs["table_kind"] == "mrio"``. Its arrays
        are copies of the inputs.

    Notes
    -----
    Derived totals, with :math:`e`, :math:`m` zero when not given:

    .. math::

        x_{ri} = \\sum_{sj} Z_{ri,sj} + \\sum_{sf} Y_{ri,sf} + e_{ri} - m_{ri},
        \\qquad v_{sj} = x_{sj} - \\sum_{ri} Z_{ri,sj} - m^Z_{sj}

    and with ``output`` given, :math:`d_{ri} = x_{ri} - (\\ldots)` is the
    ``discrepancy``.

    Raises
    ------
    SchemaError
        Wrong shapes, duplicated or unknown labels, non-numeric data, and
        (when validating) NaN, infinite values or negative output.
    BalanceError
        The column identity fails for the ``value_added`` given.

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import from_matrices
    >>> Z = np.array([[10.0, 5.0], [2.0, 20.0]])    # 2 regions x 1 sector
    >>> Y = np.array([[30.0, 5.0], [3.0, 40.0]])    # 1 category per region
    >>> mrio = from_matrices(Z, Y, regions=["North", "South"], sectors=["goods"],
    ...                      final_categories=["household"], nation=["North", "South"],
    ...                      currency_unit="million USD", year=2020)
    >>> mrio["total_output"].values.ravel().tolist()
    [50.0, 65.0]
    >>> mrio["value_added"].sel(va_component="value_added_total").values.ravel().tolist()
    [38.0, 40.0]
    >>> mrio.sizes["region_to"], mrio.attrs["table_kind"]
    (2, 'mrio')
    """
    regions = _labels(regions, "regions")
    sectors = _labels(sectors, "sectors")
    categories = _labels(final_categories, "final_categories", allow_empty=True)
    _check_flow_labels(categories, what="final_categories")
    R, S, F = len(regions), len(sectors), len(categories)
    n = R * S
    size = f"{R} region(s) x {S} sector(s) = {n} rows"
    z = _matrix(Z, "Z", (n, n), size)
    y = _matrix(Y, "Y", (n, R * F), f"{size}, {R} region(s) x {F} categories = {R * F} columns")
    e = None if exports is None else _matrix(exports, "exports", (n,), size)
    m = None if imports is None else _matrix(imports, "imports", (n,), size)
    mz = (
        None if imported_inputs is None else _matrix(imported_inputs, "imported_inputs", (n,), size)
    )
    my = (
        None
        if imported_final_use is None
        else _matrix(
            imported_final_use, "imported_final_use", (R * F,), f"{R} region(s) x {F} categories"
        )
    )
    if m is not None and (mz is not None or my is not None):
        raise SchemaError(
            "imports (competitive, by product) and imported_inputs/imported_final_use "
            "(non-competitive, by user) describe the same imports in two ways; give one"
        )
    counted = np.array([f in identity_terms("flow", categories) for f in categories], bool)
    accounted = z.sum(axis=1) + y.reshape(n, R, F)[:, :, counted].sum(axis=(1, 2))
    if e is not None:
        accounted = accounted + e
    if m is not None:
        accounted = accounted - m
    if output is None:
        x = accounted
        d = None
    else:
        x = _matrix(output, "output", (n,), size)
        d = x - accounted
    if value_added is None:
        if va_components is not None and list(va_components) != ["value_added_total"]:
            raise SchemaError(
                "va_components names the rows of value_added, which is not given; value added "
                "derived as output minus purchases is 'value_added_total'"
            )
        components = ["value_added_total"]
        v = (x - z.sum(axis=0) - (mz if mz is not None else 0.0))[np.newaxis]
    else:
        raw = _matrix(value_added, "value_added", None, size)
        if raw.ndim == 1:
            raw = raw[np.newaxis]
        components = (
            _labels(va_components, "va_components")
            if va_components is not None
            else ["value_added_total"]
        )
        v = _matrix(
            raw, "value_added", (len(components), n), f"{len(components)} component(s) x {n}"
        )
    unknown = [k for k in components if k not in members("va_component")]
    if unknown:
        raise SchemaError(
            f"unknown va_component label(s) {unknown}; registered: {list(members('va_component'))}"
        )
    in_nation = _nation_mask(regions, nation)
    variables: dict[str, np.ndarray] = {
        "intermediate_use": z.reshape(R, S, R, S),
        "final_use": y.reshape(R, S, R, F),
        "value_added": v.reshape(len(components), R, S).transpose(1, 0, 2).copy(),
        "total_output": x.reshape(R, S),
    }
    for name, values in (
        ("export", e),
        ("import", m),
        ("imported_inputs", mz),
        ("discrepancy", d),
    ):
        if values is not None:
            variables[name] = values.reshape(R, S)
    if my is not None:
        variables["imported_final_use"] = my.reshape(R, F)
    mrio = assemble(
        variables,
        regions=regions,
        sectors=sectors,
        flows=categories,
        va_components=components,
        in_nation=in_nation,
        attrs={
            "year": int(year) if year is not None else -1,
            "source": source,
            "currency_unit": currency_unit,
            "price_basis": price_basis,
            "classification": classification,
            "nation": nation_name,
            **(dict(attrs) if attrs else {}),
        },
    )
    if validate:
        _validate(mrio, rtol=rtol, atol=atol)
    return mrio


def assemble(
    variables: Mapping[str, np.ndarray],
    *,
    regions: Sequence[str],
    sectors: Sequence[str],
    flows: Sequence[str],
    va_components: Sequence[str],
    in_nation: np.ndarray,
    attrs: Mapping[str, Any],
    coords: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """A Dataset from arrays laid out as :data:`iocirc.schema.MRIO_VARIABLES` (no checks).

    ``variables`` maps names to arrays over the registry's dimensions in the
    registry's order; ``attrs`` must hold ``currency_unit``. Arrays are used
    as given (the caller passes copies).
    """
    regions, sectors = list(regions), list(sectors)
    unit = str(attrs.get("currency_unit", ""))
    data = {}
    for name, spec in MRIO_VARIABLES.items():
        if name in variables:
            data[name] = xr.DataArray(
                variables[name],
                dims=spec.dims,
                attrs={"long_name": spec.long_name, "units": unit, **spec.attrs},
            )
    ds = xr.Dataset(data)
    ds = ds.assign_coords(
        {
            "region": regions,
            "region_to": regions,
            "sector": sectors,
            "sector_to": sectors,
            "flow": list(flows),
            "va_component": list(va_components),
            "in_nation": ("region", np.array(in_nation, dtype=bool)),
        }
        | member_coords("flow", flows)
        | member_coords("va_component", va_components)
        | dict(coords or {})
    )
    ds.attrs = {
        "table_kind": "mrio",
        "source": "",
        "year": -1,
        "price_basis": "",
        "classification": "custom",
        "nation": "",
        **dict(attrs),
        "sign_convention": (
            "imports positive; competitive imports (import) included in Z and Y and "
            "subtracted in the row identity; non-competitive ones (imported_inputs) a term "
            "of the column identity"
        ),
    }
    return ds


def _labels(values: Any, name: str, *, allow_empty: bool = False) -> list[str]:
    if isinstance(values, str) or values is None:
        raise SchemaError(f"{name} must be a sequence of labels, got {values!r}")
    labels = [str(v) for v in values]
    if not labels and not allow_empty:
        raise SchemaError(f"{name} is empty; a table needs at least one")
    dups = sorted({s for s in labels if labels.count(s) > 1})
    if dups:
        raise SchemaError(f"duplicated labels {dups} in {name}")
    return labels


def _check_flow_labels(labels: Sequence[str], *, what: str) -> None:
    unknown = [f for f in labels if f not in MRIO_FLOWS]
    if unknown:
        trade = [f for f in unknown if f in members("flow")]
        hint = (
            f"; {trade} are flows of a provincial table: in a multi-regional table trade is "
            "between its regions, or in the variables 'export' and 'import'"
            if trade
            else ""
        )
        raise SchemaError(
            f"unknown final-demand categor{'y' if len(unknown) == 1 else 'ies'} {unknown} in "
            f"{what}; a multi-regional table's categories are {list(MRIO_FLOWS)}{hint}"
        )


def _matrix(raw: Any, name: str, shape: tuple[int, ...] | None, size: str) -> np.ndarray:
    kind = np.asarray(raw).dtype.kind
    if kind in "USb":  # text ("1.5" would convert) or booleans are not flows
        raise SchemaError(f"{name} must hold numbers, not {np.asarray(raw).dtype} data")
    try:
        array = np.array(raw, dtype=np.float64)  # a copy: never alias the caller's data
    except (TypeError, ValueError) as err:
        raise SchemaError(f"{name} must hold numbers: {err}") from None
    if np.isinf(array).any():
        where = tuple(int(i) for i in np.argwhere(np.isinf(array))[0])
        raise SchemaError(f"{name} is infinite at position {where}; every flow must be finite")
    if shape is not None and array.shape != shape:
        raise SchemaError(f"{name} has shape {array.shape}; expected {shape} ({size})")
    return array


def _nation_mask(regions: Sequence[str], nation: Sequence[str] | None) -> np.ndarray:
    if nation is None:
        return np.zeros(len(regions), dtype=bool)
    if isinstance(nation, str):
        raise SchemaError(f"nation must be a list of region labels, got the string {nation!r}")
    wanted = [str(r) for r in nation]
    unknown = [r for r in wanted if r not in regions]
    if unknown:
        raise SchemaError(
            f"nation names region(s) {unknown} that the table lacks; it has {regions}"
        )
    dups = sorted({r for r in wanted if wanted.count(r) > 1})
    if dups:
        raise SchemaError(f"nation names the region(s) {dups} more than once")
    return np.array([r in wanted for r in regions], dtype=bool)


# --------------------------------------------------------------------------- validation


@fill_doc
def validate(
    mrio: xr.Dataset,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    on_imbalance: Literal["raise", "warn", "ignore"] = "raise",
) -> xr.Dataset:
    """Check that ``mrio`` is a well-formed, balanced multi-regional table.

    Parameters
    ----------
    mrio : xarray.Dataset
        The table (:data:`iocirc.schema.MRIO_VARIABLES`). Extra dimensions
        (``year``, ...) on the variables are allowed and checked alike.
    rtol : float, optional
        Tolerance of the identities, relative to the sum of the absolute values
        of each identity's terms. Default: 2e-4
        (:data:`iocirc.validation.PRINTED_RTOL`) for a table built from printed
        numbers, whose ``attrs["rounding_step"]`` records their precision (an
        MRIO estimated from the official tables), else 1e-6.
    atol : float, optional
        Absolute tolerance, in the table's currency unit: residuals below it
        pass whatever ``rtol`` says. Default: for a table with
        ``attrs["rounding_step"]`` :math:`u`, half a printed unit for each
        number in an identity, :math:`u (RS + \\max(RF, K) + 3) / 2` with
        :math:`R` regions, :math:`S` sectors, :math:`F` categories and
        :math:`K` value-added rows, else 0.
    {on_imbalance}

    Returns
    -------
    xarray.Dataset
        ``mrio`` itself, unchanged, so the call can be chained.

    Notes
    -----
    For origin region :math:`r`, sector :math:`i`, destination region
    :math:`s`, sector :math:`j`, categories :math:`f` and value-added
    components :math:`k` entering once each
    (:func:`iocirc.schema.identity_terms`):

    .. math::

        x_{ri} = \\sum_{s,j} Z_{ri,sj} + \\sum_{s,f} Y_{ri,sf} + e_{ri} - m_{ri} + d_{ri},
        \\qquad
        x_{sj} = \\sum_{r,i} Z_{ri,sj} + m^Z_{sj} + \\sum_k V_{s,kj}

    with exports :math:`e`, competitive imports :math:`m`, non-competitive
    imported inputs :math:`m^Z` and discrepancy :math:`d` zero where the table
    lacks them. An identity fails where the residual exceeds
    ``rtol`` times the sum of the absolute values of its terms and ``atol``.

    Raises
    ------
    SchemaError
        Missing variables, dimensions or coordinates (``in_nation``),
        duplicated or mismatched labels, unknown categories, non-numeric data,
        NaN, infinite values, negative output.
    UnitError
        Variables whose ``units`` differ from ``attrs["currency_unit"]``.
    BalanceError
        An identity fails; the message names the identity, the region and the
        sector with the largest relative residual.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.testing import synthetic_mrio
    >>> mrio = synthetic_mrio(3, 4)
    >>> iocirc.mrio.validate(mrio) is mrio
    True
    >>> bad = mrio.copy(deep=True)
    >>> bad["export"][1, 2] += 10.0
    >>> iocirc.validate(bad)
    Traceback (most recent call last):
    ...
    iocirc.errors.BalanceError: the row identity ... fails for region 'R01', sector 'S02': ...
    """
    return _validate(mrio, rtol=rtol, atol=atol, on_imbalance=on_imbalance)


def _default_tolerances(
    mrio: xr.Dataset, rtol: float | None, atol: float | None
) -> tuple[float, float]:
    """``(rtol, atol)`` of :func:`validate`: the rule of :func:`iocirc.validate`, with the
    number of terms of an MRIO identity."""
    n_regions, n_sectors = mrio.sizes.get("region", 0), mrio.sizes.get("sector", 0)
    n_rows = max(n_regions * mrio.sizes.get("flow", 0), mrio.sizes.get("va_component", 0))
    return default_tolerances(mrio, rtol, atol, n_terms=n_regions * n_sectors + n_rows + 3)


def _validate(
    mrio: xr.Dataset,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    on_imbalance: str = "raise",
) -> xr.Dataset:
    check_choice("on_imbalance", on_imbalance, ("raise", "warn", "ignore"))
    check_structure(mrio)
    rtol, atol = _default_tolerances(mrio, rtol, atol)
    if on_imbalance != "ignore":
        _check_balance(mrio, rtol=rtol, atol=atol, on_imbalance=on_imbalance)
    return mrio


def check_structure(mrio: xr.Dataset) -> None:
    """Raise :class:`SchemaError` unless ``mrio`` has the structure of a multi-regional table."""
    if not isinstance(mrio, xr.Dataset):
        raise SchemaError(
            f"expected an xarray.Dataset holding a multi-regional table, got "
            f"{type(mrio).__name__}; build one with iocirc.mrio.from_matrices"
        )
    if not is_mrio(mrio):
        raise SchemaError(
            "expected a multi-regional table (a 'region_to' dimension, attrs['table_kind'] == "
            f"'mrio'); got a Dataset over {sorted(map(str, mrio.dims))}. A provincial table is "
            "read by iocirc's indicators directly; build an MRIO with iocirc.mrio.from_matrices"
        )
    checked = check_table(mrio, purpose="validate", kind="mrio", complete=True)
    for name in MRIO_VARIABLES:  # dask-backed variables: the checks run now, as validation computes
        if name in checked.data_vars and checked[name].chunks is not None:
            checked[name].data.compute()
    noncompetitive = [n for n in ("imported_inputs", "imported_final_use") if n in mrio.data_vars]
    if "import" in mrio.data_vars and noncompetitive:
        raise SchemaError(
            f"the table has both 'import' (competitive imports, by product) and {noncompetitive} "
            "(non-competitive imports, by user): they describe the same imports in two ways; "
            "keep one"
        )


def _optional(mrio: xr.Dataset, name: str) -> xr.DataArray | None:
    return mrio[name] if name in mrio.data_vars else None


def identity_residuals(mrio: xr.Dataset) -> tuple[xr.Dataset, xr.Dataset]:
    """Residuals of the row and column identities of a structurally valid table.

    Returns two Datasets with variables ``total_output``, ``accounted``,
    ``residual`` (output minus accounted) and ``scale`` (sum of the absolute
    values of the terms), over (region, sector) and (region_to, sector_to).
    Lazy on dask-backed data.
    """
    z = mrio["intermediate_use"]
    x = mrio["total_output"]
    flows = list(identity_terms("flow", [str(f) for f in mrio.indexes["flow"]]))
    y = mrio["final_use"].sel(flow=flows)
    accounted = z.sum(("region_to", "sector_to")) + y.sum(("region_to", "flow"))
    scale = abs(x) + abs(z).sum(("region_to", "sector_to")) + abs(y).sum(("region_to", "flow"))
    for name, sign in (("export", 1.0), ("import", -1.0), ("discrepancy", 1.0)):
        term = _optional(mrio, name)
        if term is not None:
            accounted = accounted + sign * term
            scale = scale + abs(term)
    rows = xr.Dataset(
        {"total_output": x, "accounted": accounted, "residual": x - accounted, "scale": scale}
    )
    va_terms = list(identity_terms("va_component", [str(k) for k in mrio.indexes["va_component"]]))
    v = mrio["value_added"].sel(va_component=va_terms).sum("va_component")
    v_abs = abs(mrio["value_added"].sel(va_component=va_terms)).sum("va_component")
    to = {"region": "region_to", "sector": "sector_to"}
    x_col = x.reset_coords(drop=True).rename(to)
    z_col = z.reset_coords(drop=True)
    col_accounted = z_col.sum(("region", "sector")) + v.reset_coords(drop=True).rename(to)
    col_scale = (
        abs(x_col) + abs(z_col).sum(("region", "sector")) + v_abs.reset_coords(drop=True).rename(to)
    )
    if "imported_inputs" in mrio.data_vars:
        mz = mrio["imported_inputs"].reset_coords(drop=True).rename(to)
        col_accounted = col_accounted + mz
        col_scale = col_scale + abs(mz)
    cols = xr.Dataset(
        {
            "total_output": x_col,
            "accounted": col_accounted,
            "residual": x_col - col_accounted,
            "scale": col_scale,
        }
    )
    return rows, cols


def _check_balance(mrio: xr.Dataset, *, rtol: float, atol: float, on_imbalance: str) -> None:
    rows, cols = identity_residuals(mrio)
    row = "sales to every region's industries and final users + exports - imports + discrepancy"
    column = "purchases from every region + imported inputs + value added"
    check_identities(
        [
            ("row", rows, "region", "sector", row),
            ("column", cols, "region_to", "sector_to", column),
        ],
        rtol=rtol,
        atol=atol,
        on_imbalance=on_imbalance,
        unit=mrio.attrs.get("currency_unit", ""),
        report="iocirc.balance_report(mrio)",
        names=False,
    )


def balance_report(mrio: xr.Dataset) -> pd.DataFrame:
    """All residuals of the row and column identities of a multi-regional table.

    Parameters
    ----------
    mrio : xarray.Dataset
        A structurally valid multi-regional table.

    Returns
    -------
    pandas.DataFrame
        One row per identity, region and sector (and extra dimension), with
        columns ``region``, ``identity`` (``"row"``: the origin region and
        sector; ``"column"``: the destination region and sector), ``sector``,
        ``total_output``, ``accounted``, ``residual`` (in the table's currency
        unit) and ``relative_residual`` (residual over the sum of the absolute
        values of the terms; 0 where all are 0), sorted by decreasing absolute
        relative residual.

    Notes
    -----
    The residuals of the identities of :func:`validate`.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.testing import synthetic_mrio
    >>> report = iocirc.balance_report(synthetic_mrio(3, 2))
    >>> len(report), sorted(report["identity"].unique())
    (12, ['column', 'row'])
    >>> bool(report["relative_residual"].abs().max() < 1e-12)
    True
    """
    check_structure(mrio)
    rows, cols = identity_residuals(mrio)
    frames = []
    for kind, table, names in (
        ("row", rows, {}),
        ("column", cols, {"region_to": "region", "sector_to": "sector"}),
    ):
        scale = table["scale"].where(table["scale"] > 0, 1.0)
        table = table.assign(relative_residual=table["residual"] / scale).drop_vars("scale")
        table = table.reset_coords(drop=True).rename(names)
        frame = table.to_dataframe().reset_index()
        frame.insert(1, "identity", kind)
        frames.append(frame)
    report = pd.concat(frames, ignore_index=True)
    order = report["relative_residual"].abs().sort_values(ascending=False, kind="stable").index
    return report.loc[order].reset_index(drop=True)
