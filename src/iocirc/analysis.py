"""Input-output analysis of regional tables: the demand-driven and supply-driven models.

Each region's table is a single-region table with *competitive* imports: the
imports and inflows of a product are recorded in one column, not split by the
sector or final use that absorbs them. This module turns such tables into the
Leontief (demand-driven) and Ghosh (supply-driven) models, their multipliers
and linkages, and the decomposition of value added (GDP) by the source of
final demand that induces it through the supply chain.

Two models
----------
``kind="total"``
    Technical coefficients :math:`A = Z \\hat{x}^{-1}`: inputs of a product
    whatever its origin. The Leontief inverse :math:`(I - A)^{-1}` then counts
    production outside the region as if it were local; the demand it
    reproduces output from is final use net of imports and inflows.
``kind="local"`` (default)
    Local (regional) coefficients :math:`A^l = (I - \\hat{m}) A`: the part of
    the inputs supplied from within the region, with :math:`m_i` the share of
    product *i* supplied from outside (imports and inflows), see
    :func:`outside_supply_share`. The matching local final demand is
    :math:`f^l = \\sum_s f^l_s` over the sources of final demand *s*, and

    .. math:: x = (I - A^l)^{-1} f^l, \\qquad
              \\mathrm{GDP} = \\sum_s v' (I - A^l)^{-1} f^l_s

    hold exactly, with :math:`v_j = \\mathrm{VA}_j / x_j`.

Sources of final demand
-----------------------
``consumption`` (household and government), ``capital_formation`` (fixed and
inventories), ``export``, ``domestic_outflow`` (to other provinces), ``other``
(the discrepancy column). A table with gross flows only (2007) has the source
``gross_outflow`` in place of ``export`` and ``domestic_outflow``. With
``kind="total"`` the supplies from outside are sources too, with negative
values (``import``, ``domestic_inflow`` or ``gross_inflow``), and a net-outflow
table (2002) has the source ``net_outflow``.

Conventions for the share supplied from outside
-----------------------------------------------
``convention="total_use"`` (default)
    Imports and inflows supply every use of a product in proportion, exports
    and outflows included:
    :math:`m_i = (M_i + N_i) / (d_i + e_i + o_i)` with local use
    :math:`d_i = \\sum_j Z_{ij} + c_i + k_i`. Since
    :math:`d_i + e_i + o_i = x_i + M_i + N_i - r_i`, :math:`m_i` lies in
    [0, 1] wherever output exceeds the discrepancy column :math:`r_i`. The
    local part of every use is :math:`(1 - m_i)` of it, exports and outflows
    included.
``convention="local_use"``
    Imports and inflows supply local use only:
    :math:`m_i = (M_i + N_i) / d_i`; exports and outflows are wholly local.
    Re-exports and transit, which the provincial tables record as both inflow
    and outflow, push :math:`m_i` above 1 (in the official tables, in 134 of
    the 1,302 province-sectors of 2017, 105 of 2012 and 33 of the 1,260 of
    2007) and make local coefficients negative there.

The default is ``"total_use"`` because it stays meaningful on the official
tables: goods in transit, recorded as inflow and outflow, are treated as
supplied from outside, as they are, and local coefficients stay non-negative
wherever output exceeds the discrepancy column. Its cost is an assumption:
exports and outflows contain as much imported product as local uses do.
``"local_use"`` assumes they contain none, which overstates the local content of
outward flows where re-exports are large. Both conventions satisfy the
identities above exactly. When a convention yields :math:`m_i` outside
[0, 1] a :class:`~iocirc.errors.ConventionWarning` names the region and sector
(with a tolerance, ``SHARE_TOLERANCE = 1e-5``: in the official 2012 tables,
products without output carry discrepancies of a few thousand yuan that put
:math:`m_i` a few millionths above 1 under either convention).

Where the denominator of :math:`m_i` is zero, :math:`m_i = 0`; supplies from
outside that then have no use to supply (re-exported goods without local use
under ``"local_use"``) are charged to the ``other`` source, with a warning, so
the identities still hold.

Zero output
-----------
Where :math:`x_j = 0`, column *j* of :math:`A` (row *j* of the allocation
coefficients :math:`B`) and :math:`v_j` are defined as 0: the sector neither
buys inputs nor generates value added per unit of output.

All functions take a table (see :mod:`iocirc.schema`) and return new
:class:`xarray.DataArray` or :class:`xarray.Dataset` objects; they keep extra
dimensions (``year``, ``scenario``) and work lazily on dask-backed tables
(apart from the check of :math:`m`, which computes the shares). They check the
table's structure, not its balance: call :func:`iocirc.validate` for that.
Linear systems are solved by LU factorisation, once per region; no inverse is
formed except by :func:`leontief_inverse` and :func:`ghosh_inverse`.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args

import numpy as np
import xarray as xr
from scipy.linalg import lapack

from iocirc.errors import ConventionWarning, MissingFlowError, SchemaError
from iocirc.schema import VARIABLES, identity_terms, is_numeric, members
from iocirc.validation import flow_weights

__all__ = [
    "CONVENTIONS",
    "DEFAULT_CONVENTION",
    "SOURCES",
    "allocation_coefficients",
    "backward_linkages",
    "circulation_value_added_share",
    "final_demand_by_source",
    "forward_linkages",
    "ghosh_inverse",
    "ghosh_output",
    "hypothetical_extraction",
    "induced_effects",
    "leontief_inverse",
    "leontief_output",
    "linkages",
    "local_coefficients",
    "output_by_demand_source",
    "output_multipliers",
    "outside_supply_share",
    "technical_coefficients",
    "value_added_by_demand_source",
    "value_added_multipliers",
]

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
_CONSUMPTION = frozenset({"household_rural", "household_urban", "government"})
_CAPITAL = frozenset({"fixed_capital_formation", "inventory_change"})
_LOCAL_USES = ("consumption", "capital_formation")
_OUTWARD = ("export", "domestic_outflow", "gross_outflow")
_SUPPLIES = ("import", "domestic_inflow", "gross_inflow")
_CIRCULATION = {
    "export": ("international", ("import",)),
    "domestic_outflow": ("domestic", ("domestic_inflow",)),
    "gross_outflow": ("international and domestic", _SUPPLIES),
}
_ROW_NAMES = {"sector": "sector_to", "sector_zh": "sector_to_zh", "sector_en": "sector_to_en"}
_COL_NAMES = {v: k for k, v in _ROW_NAMES.items()}
_DIMLESS = "1"


# ---------------------------------------------------------------------------------------------
# Coefficients and inverses
# ---------------------------------------------------------------------------------------------


def technical_coefficients(ds: xr.Dataset) -> xr.DataArray:
    """Technical input coefficients :math:`A = Z \\hat{x}^{-1}`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table (see :mod:`iocirc.schema`).

    Returns
    -------
    xarray.DataArray
        Over (region, sector, sector_to) and any extra dimensions: input of
        product ``sector`` per unit of output of ``sector_to``, whatever the
        input's origin. Dimensionless (currency per currency).

    Notes
    -----
    :math:`A_{ij} = Z_{ij} / x_j`, and :math:`A_{ij} = 0` where :math:`x_j = 0`.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> a = analysis.technical_coefficients(iocirc.datasets.example_table())
    >>> a.dims
    ('region', 'sector', 'sector_to')
    >>> bool((a.sum("sector") < 1).all())
    True
    """
    _check_table(ds)
    inv_x = _safe_reciprocal(_rows_to_columns(_bare(ds["total_output"])))
    a = _bare(ds["intermediate_use"]) * inv_x
    return _finish(a, ds, "technical coefficients", _DIMLESS, name="technical_coefficients")


def local_coefficients(
    ds: xr.Dataset, *, convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Local input coefficients :math:`A^l = (I - \\hat{m}) A`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table reporting imports and inflows (all vintages but
        the 2002 net-outflow tables).
    convention : {"total_use", "local_use"}
        How the share :math:`m` supplied from outside is defined (see
        :func:`outside_supply_share` and the module documentation).

    Returns
    -------
    xarray.DataArray
        Over (region, sector, sector_to): input of locally produced
        ``sector`` per unit of output of ``sector_to``. Dimensionless.

    Warns
    -----
    ConventionWarning
        When :math:`m` falls outside [0, 1], naming the region and sector.

    Notes
    -----
    :math:`A^l_{ij} = (1 - m_i) Z_{ij} / x_j` (0 where :math:`x_j = 0`).

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> al = analysis.local_coefficients(ds)
    >>> bool((al <= analysis.technical_coefficients(ds)).all())
    True
    """
    _check_table(ds)
    model = _model(ds, "local", convention)
    a = model.z * model.keep * _rows_to_columns(model.inv_x)
    return _finish(
        a,
        ds,
        f"local input coefficients ({convention} convention)",
        _DIMLESS,
        model,
        name="local_coefficients",
    )


def outside_supply_share(
    ds: xr.Dataset, *, convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Share :math:`m_i` of each product's use supplied from outside the region.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table reporting imports and inflows.
    convention : {"total_use", "local_use"}
        ``"total_use"``: imports and inflows supply all uses in proportion,
        exports and outflows included. ``"local_use"``: they supply local
        use only.

    Returns
    -------
    xarray.DataArray
        Over (region, sector). Dimensionless.

    Warns
    -----
    ConventionWarning
        When :math:`m` falls outside [0, 1], naming the region and sector.

    Notes
    -----
    With imports :math:`M`, inflows :math:`N`, household and government
    consumption :math:`c`, capital formation :math:`k`, exports :math:`e`,
    outflows :math:`o` (gross outflow in the 2007 tables) and local use
    :math:`d_i = \\sum_j Z_{ij} + c_i + k_i`:

    .. math:: m_i^{\\mathrm{total\\_use}} = \\frac{M_i + N_i}{d_i + e_i + o_i},
              \\qquad m_i^{\\mathrm{local\\_use}} = \\frac{M_i + N_i}{d_i},

    and :math:`m_i = 0` where the denominator is 0.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> m = analysis.outside_supply_share(ds)
    >>> bool(((m >= 0) & (m <= 1)).all())
    True
    """
    _check_table(ds)
    model = _model(ds, "local", convention)
    assert model.share is not None
    return _finish(
        model.share,
        ds,
        f"share of use supplied from outside ({convention} convention)",
        _DIMLESS,
        model,
        name="outside_supply_share",
    )


def final_demand_by_source(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """The final demand of the model, by source: :math:`f_s` with :math:`x = L \\sum_s f_s`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        ``"local"``: the locally supplied part of each final use (see the
        module documentation). ``"total"``: the final uses as reported, with
        imports and inflows as sources of negative demand.
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, source, sector), in the table's currency unit. NaN for a
        source a region does not report (when regions of different vintages
        are stacked).

    Notes
    -----
    Local model: each source's demand met locally,
    :math:`f^l_s = (I - \\hat{m}) f_s` (for exports and outflows too under the
    ``"total_use"`` convention), so that :math:`x = (I - A_l)^{-1} \\sum_s f^l_s`
    holds exactly. Total model: :math:`f_s` as printed, with imports and inflows
    as negative sources.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> f = analysis.final_demand_by_source(ds)
    >>> list(f.indexes["source"])
    ['consumption', 'capital_formation', 'export', 'domestic_outflow', 'other']
    >>> gross = analysis.final_demand_by_source(iocirc.datasets.example_table("gross"))
    >>> list(gross.indexes["source"])
    ['consumption', 'capital_formation', 'gross_outflow', 'other']
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    f = model.demand.where(model.reported)
    return _finish(
        _order(f, "source", "sector"),
        ds,
        f"{kind} final demand by source",
        _currency(ds),
        model,
        name="final_demand",
    )


def leontief_inverse(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """The Leontief inverse :math:`L = (I - A)^{-1}` of each region.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        ``"local"``: of the local coefficients :math:`A^l`; ``"total"``: of the
        technical coefficients :math:`A`.
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, sector, sector_to): output of ``sector`` required per
        unit of final demand for ``sector_to``. Dimensionless.

    Raises
    ------
    numpy.linalg.LinAlgError
        If :math:`I - A` is singular.

    Notes
    -----
    Computed by an LU factorisation of :math:`I - A` and LAPACK's ``getri``,
    in place (as fast as :func:`numpy.linalg.inv` or faster, with one
    :math:`n \\times n` work array). Most results need no inverse: multipliers
    and induced output come from :func:`induced_effects` and friends, which
    solve with the factorisation instead.

    Examples
    --------
    >>> import numpy as np, iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> big_l = analysis.leontief_inverse(ds, kind="total")
    >>> a = analysis.technical_coefficients(ds)
    >>> eye = np.eye(ds.sizes["sector"])
    >>> bool(np.allclose((eye - a.values) @ big_l.values, eye))
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    inverse = xr.apply_ufunc(
        _inverse_kernel,
        model.z,
        model.x,
        model.keep,
        input_core_dims=[["sector", "sector_to"], ["sector"], ["sector"]],
        output_core_dims=[["sector", "sector_to"]],
        dask="parallelized",
        output_dtypes=[float],
        dask_gufunc_kwargs={"allow_rechunk": True},
    )
    return _finish(
        inverse, ds, f"Leontief inverse ({_label(model)})", _DIMLESS, model, name="leontief_inverse"
    )


def allocation_coefficients(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Allocation (output) coefficients of the Ghosh model :math:`B = \\hat{x}^{-1} Z`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        ``"local"``: sales of locally produced output, :math:`\\hat{x}^{-1}
        (I - \\hat{m}) Z`; ``"total"``: of all intermediate use.
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, sector, sector_to): share of the output of ``sector``
        sold to ``sector_to`` as input. Dimensionless. Row *i* is 0 where
        :math:`x_i = 0`.

    Notes
    -----
    :math:`B_{ij} = Z_{ij} / x_i`, with the local flows
    :math:`Z^l = (I - \\hat{m}) Z` for ``kind="local"``; rows where
    :math:`x_i = 0` are zero. The Ghosh model reads
    :math:`x' = v' (I - B)^{-1}`.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> local = analysis.allocation_coefficients(ds).sum("sector_to")
    >>> total = analysis.allocation_coefficients(ds, kind="total").sum("sector_to")
    >>> bool((local < 1).all()), bool((total > 1).any())  # intermediate use exceeds output
    (True, True)
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    b = model.z * (model.keep * model.inv_x)
    return _finish(
        b,
        ds,
        f"allocation coefficients ({_label(model)})",
        _DIMLESS,
        model,
        name="allocation_coefficients",
    )


def ghosh_inverse(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """The Ghosh inverse :math:`G = (I - B)^{-1}` of each region.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        Model (see :func:`allocation_coefficients`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, sector, sector_to): output of ``sector_to`` enabled per
        unit of primary input into ``sector``. Dimensionless.

    Notes
    -----
    The supply-side model :math:`x' = w' G` with primary inputs :math:`w`
    (:func:`ghosh_output`). Where output is positive,
    :math:`G = \\hat{x}^{-1} L \\hat{x}`.

    Examples
    --------
    >>> import numpy as np, iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> g = analysis.ghosh_inverse(ds).sel(region="Jilin").values
    >>> big_l = analysis.leontief_inverse(ds).sel(region="Jilin").values
    >>> x = ds["total_output"].sel(region="Jilin").values
    >>> bool(np.allclose(g, big_l * x / x[:, None]))
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    inverse = xr.apply_ufunc(
        _inverse_kernel,
        model.z,
        model.x,
        model.keep,
        kwargs={"ghosh": True},
        input_core_dims=[["sector", "sector_to"], ["sector"], ["sector"]],
        output_core_dims=[["sector", "sector_to"]],
        dask="parallelized",
        output_dtypes=[float],
        dask_gufunc_kwargs={"allow_rechunk": True},
    )
    return _finish(
        inverse, ds, f"Ghosh inverse ({_label(model)})", _DIMLESS, model, name="ghosh_inverse"
    )


# ---------------------------------------------------------------------------------------------
# Multipliers and induced effects
# ---------------------------------------------------------------------------------------------


def induced_effects(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.Dataset:
    """Multipliers and the output and value added induced by each source of final demand.

    All in one pass: one LU factorisation of :math:`I - A` per region and a
    few triangular solves, without forming the inverse.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        ``"local"``: the model of local production (see the module
        documentation); ``"total"``: technical coefficients.
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.Dataset
        With variables

        ``output_multiplier`` (region, sector)
            :math:`1' L`: output in all sectors per unit of final demand for
            ``sector``. Dimensionless.
        ``value_added_multiplier`` (region, sector)
            :math:`v' L`: value added per unit of final demand for ``sector``.
            Dimensionless.
        ``final_demand`` (region, source, sector)
            :math:`f_s` (see :func:`final_demand_by_source`). Currency unit.
        ``output_induced`` (region, source, sector)
            :math:`L f_s`: output of ``sector`` induced by source ``s``.
            Currency unit; sums over sources to total output.
        ``value_added_induced`` (region, source, sector)
            :math:`\\hat{v} L f_s`: value added generated in ``sector``.
            Currency unit; sums over sources to the sector's value added.
        ``gdp`` (region)
            :math:`v' x`, total value added. Currency unit.
        ``outside_supply_share`` (region, sector)
            :math:`m` (``kind="local"`` only). Dimensionless.

    Notes
    -----
    With :math:`M = I - A` factorised once, the multipliers solve
    :math:`M' y = 1` and :math:`M' y = v`, and induced output solves
    :math:`M X = F` for the columns :math:`f_s` of :math:`F`.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> fx = analysis.induced_effects(ds)
    >>> err = abs(fx["output_induced"].sum("source") - ds["total_output"]).max()
    >>> bool(err < 1e-6)
    True
    >>> bool((abs(fx["value_added_induced"].sum(["source", "sector"]) - fx["gdp"]) < 1e-6).all())
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    lhs = xr.concat([xr.ones_like(model.x), model.v], dim="_row")
    induced, mult = _solve(model, rhs=model.demand, rhs_dim="source", lhs=lhs, lhs_dim="_row")
    assert induced is not None
    assert mult is not None
    mult = _columns_to_rows(mult)
    unit = _currency(ds)
    out = xr.Dataset(
        {
            "output_multiplier": mult.isel(_row=0),
            "value_added_multiplier": mult.isel(_row=1),
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
    return out


def output_multipliers(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Output multipliers :math:`1' L`, the column sums of the Leontief inverse.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        Model (see :func:`leontief_inverse`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, sector): output in all sectors of the region per unit of
        final demand for ``sector``. Dimensionless; at least 1 for
        non-negative coefficients.

    Notes
    -----
    Solves :math:`(I - A)' y = 1` with one LU factorisation per region.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> total = analysis.output_multipliers(ds, kind="total")
    >>> local = analysis.output_multipliers(ds)
    >>> bool((local <= total).all()), bool((local >= 1).all())
    (True, True)
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    _, mult = _solve(model, lhs=xr.ones_like(model.x))
    assert mult is not None
    return _finish(
        _columns_to_rows(mult),
        ds,
        f"output multiplier ({_label(model)})",
        _DIMLESS,
        model,
        name="output_multiplier",
    )


def value_added_multipliers(
    ds: xr.Dataset,
    *,
    kind: Kind = "local",
    convention: Convention = DEFAULT_CONVENTION,
    by_component: bool = False,
) -> xr.DataArray:
    """Value-added multipliers :math:`v' L`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        Model (see :func:`leontief_inverse`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).
    by_component : bool
        Split by value-added component (compensation, taxes, ...), adding the
        ``va_component`` dimension.

    Returns
    -------
    xarray.DataArray
        Over (region, sector) (and ``va_component``): value added generated
        in the region per unit of final demand for ``sector``.
        Dimensionless. With ``kind="local"`` and non-negative coefficients
        at most 1: the rest leaks out of the region as imports and inflows.

    Notes
    -----
    :math:`v_j = \\mathrm{VA}_j / x_j` (0 where :math:`x_j = 0`). Solves
    :math:`(I - A)' y = v`.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> mult = analysis.value_added_multipliers(iocirc.datasets.example_table())
    >>> bool(((mult > 0) & (mult <= 1)).all())
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    if by_component:
        va = _bare(ds["value_added"])
        va = va.sel(va_component=list(identity_terms("va_component", va.indexes["va_component"])))
        lhs = _columns_to_rows(va) * model.inv_x
        _, mult = _solve(model, lhs=lhs, lhs_dim="va_component")
    else:
        _, mult = _solve(model, lhs=model.v)
    assert mult is not None
    return _finish(
        _columns_to_rows(mult),
        ds,
        f"value added multiplier ({_label(model)})",
        _DIMLESS,
        model,
        name="value_added_multiplier",
    )


def output_by_demand_source(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Output of each sector induced by each source of final demand, :math:`L f_s`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        Model (see :func:`final_demand_by_source`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, source, sector), in the table's currency unit. Sums over
        sources to total output (exactly, up to rounding).

    Notes
    -----
    :math:`x_s = L f_s`, one LU solve per region for all sources at once;
    :math:`\\sum_s x_s = x`.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table("gross")
    >>> out = analysis.output_by_demand_source(ds)
    >>> bool((abs(out.sum("source") - ds["total_output"]) < 1e-6).all())
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    induced, _ = _solve(model, rhs=model.demand, rhs_dim="source")
    assert induced is not None
    return _finish(
        _order(induced.where(model.reported), "source", "sector"),
        ds,
        f"output induced by source of final demand ({_label(model)})",
        _currency(ds),
        model,
        name="output_induced",
    )


def value_added_by_demand_source(
    ds: xr.Dataset,
    *,
    by: Literal["sector", "product"] | None = None,
    kind: Kind = "local",
    convention: Convention = DEFAULT_CONVENTION,
) -> xr.DataArray:
    """Value added (GDP) induced by each source of final demand through the supply chain.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    by : {None, "sector", "product"}
        ``None``: totals per region and source. ``"sector"``: by the sector
        where the value added is generated, :math:`\\hat{v} L f_s`.
        ``"product"``: by the product whose final demand induces it,
        :math:`(v' L) \\circ f_s`.
    kind : {"local", "total"}
        Model (see :func:`final_demand_by_source`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, source) or (region, source, sector), in the table's
        currency unit. Summed over sources (and sectors) it is GDP, the
        region's total value added.

    Notes
    -----
    :math:`\\mathrm{GDP} = v' x = \\sum_s v' L f_s` since
    :math:`x = L \\sum_s f_s`; see the module documentation for the sources and
    conventions.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> va = analysis.value_added_by_demand_source(ds)
    >>> va.dims
    ('region', 'source')
    >>> gdp = ds["value_added"].sum(["va_component", "sector_to"])
    >>> bool((abs(va.sum("source") - gdp) < 1e-6).all())
    True
    """
    _check_table(ds)
    if by not in (None, "sector", "product"):
        raise ValueError(f"by must be None, 'sector' or 'product', not {by!r}")
    model = _model(ds, kind, convention)
    if by == "product":
        _, mult = _solve(model, lhs=model.v)
        assert mult is not None
        va = _columns_to_rows(mult) * model.demand
    else:
        induced, _ = _solve(model, rhs=model.demand, rhs_dim="source")
        assert induced is not None
        va = model.v * induced
    va = _order(va, "source", "sector")
    if by is None:
        va = va.sum("sector")
    where = {"sector": ", by generating sector", "product": ", by demanded product", None: ""}[by]
    return _finish(
        va.where(model.reported),
        ds,
        f"value added induced by source of final demand{where} ({_label(model)})",
        _currency(ds),
        model,
        name="value_added_induced",
    )


def circulation_value_added_share(
    ds: xr.Dataset, *, convention: Convention = DEFAULT_CONVENTION
) -> xr.Dataset:
    """Contribution of the international and domestic circulation to GDP, two ways.

    Beside the net-outflow measure (net outflow over GDP), the value added
    that exports and domestic outflows induce through the local supply chain,
    over GDP.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table reporting imports and inflows.
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside.

    Returns
    -------
    xarray.Dataset
        Over (region, source) with ``source`` the outward flows: ``export``
        (coordinate ``circulation="international"``), ``domestic_outflow``
        (``"domestic"``) and ``gross_outflow`` (both together; the only one in
        the 2007 tables, which report gross flows only). Variables:

        ``value_added``
            Value added induced by the flow, :math:`v' L f^l_s`. Currency unit.
        ``value_added_share``
            ``value_added`` over GDP. Dimensionless.
        ``outflow``
            The flow as reported. Currency unit.
        ``net_outflow``
            The flow less its counterpart (imports, inflows, or both).
            Currency unit.
        ``net_outflow_share``
            ``net_outflow`` over GDP: the net-outflow measure. Dimensionless.
        ``gdp`` (region)
            Total value added. Currency unit.

        NaN where a region does not report a flow.

    Notes
    -----
    The value-added measure counts what the outward flow induces in the
    region, imported inputs excluded, and lies in [0, 1] for non-negative
    local coefficients; the net-outflow measure subtracts all imports and
    inflows, whatever use they supply, and can be negative.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> share = analysis.circulation_value_added_share(iocirc.datasets.example_table())
    >>> list(share.indexes["source"])
    ['export', 'domestic_outflow', 'gross_outflow']
    >>> [str(c) for c in share["circulation"].values]
    ['international', 'domestic', 'international and domestic']
    >>> s = share["value_added_share"]
    >>> bool((abs(s.sel(source="gross_outflow") - s.sel(source=["export", "domestic_outflow"])
    ...      .sum("source")) < 1e-12).all())
    True
    >>> gross = analysis.circulation_value_added_share(iocirc.datasets.example_table("gross"))
    >>> list(gross.indexes["source"])
    ['gross_outflow']
    """
    _check_table(ds)
    model = _model(ds, "local", convention)
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
    induced, _ = _solve(model, rhs=model.demand, rhs_dim="source")
    assert induced is not None
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
    return out


# ---------------------------------------------------------------------------------------------
# Linkages, the supply-side model and hypothetical extraction
# ---------------------------------------------------------------------------------------------


def backward_linkages(
    ds: xr.Dataset,
    *,
    kind: Kind = "local",
    convention: Convention = DEFAULT_CONVENTION,
    normalize: bool = True,
) -> xr.DataArray:
    """Backward linkages: Rasmussen's power of dispersion.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        Model (see :func:`leontief_inverse`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).
    normalize : bool
        Divide by the mean over sectors (the index, above 1 for a sector
        that pulls more than average), or return the output multipliers.

    Returns
    -------
    xarray.DataArray
        Over (region, sector). Dimensionless.

    Notes
    -----
    :math:`BL_j = n \\sum_i L_{ij} / \\sum_{ij} L_{ij}` with ``normalize``,
    else :math:`\\sum_i L_{ij}`.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> bl = analysis.backward_linkages(iocirc.datasets.example_table())
    >>> bool((abs(bl.mean("sector") - 1) < 1e-12).all())
    True
    """
    raw = output_multipliers(ds, kind=kind, convention=convention)
    return _linkage(raw, normalize, "backward linkage (power of dispersion)", "backward_linkage")


def forward_linkages(
    ds: xr.Dataset,
    *,
    model: Literal["ghosh", "leontief"] = "ghosh",
    kind: Kind = "local",
    convention: Convention = DEFAULT_CONVENTION,
    normalize: bool = True,
) -> xr.DataArray:
    """Forward linkages: row sums of the Ghosh (default) or Leontief inverse.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    model : {"ghosh", "leontief"}
        ``"ghosh"``: :math:`G 1`, output enabled downstream per unit of
        primary input into the sector (the supply-side measure recommended by
        Miller and Blair, 2009, section 12.2). ``"leontief"``: :math:`L 1`,
        Rasmussen's sensitivity of dispersion (output of the sector needed
        when final demand for every sector rises by one).
    kind : {"local", "total"}
        Model (see :func:`leontief_inverse`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).
    normalize : bool
        Divide by the mean over sectors.

    Returns
    -------
    xarray.DataArray
        Over (region, sector). Dimensionless.

    Notes
    -----
    :math:`FL_i = n \\sum_j G_{ij} / \\sum_{ij} G_{ij}` (or with :math:`L`)
    with ``normalize``. Solves :math:`(I - B) y = 1` (or :math:`(I - A) y = 1`).

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> fl = analysis.forward_linkages(iocirc.datasets.example_table(), normalize=False)
    >>> bool((fl >= 1).all())
    True
    """
    if model not in ("ghosh", "leontief"):
        raise ValueError(f"model must be 'ghosh' or 'leontief', not {model!r}")
    _check_table(ds)
    m = _model(ds, kind, convention)
    ones = xr.ones_like(m.x)
    sums, _ = _solve(m, rhs=ones, ghosh=model == "ghosh")
    assert sums is not None
    what = "Ghosh" if model == "ghosh" else "Leontief, sensitivity of dispersion"
    return _linkage(
        _finish(sums, ds, "", _DIMLESS, m),
        normalize,
        f"forward linkage ({what}, {_label(m)})",
        "forward_linkage",
    )


def linkages(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.Dataset:
    """Normalized backward and forward linkages and key sectors.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    kind : {"local", "total"}
        Model (see :func:`leontief_inverse`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.Dataset
        Over (region, sector): ``backward`` (power of dispersion),
        ``forward`` (Ghosh), ``forward_leontief`` (sensitivity of
        dispersion), all normalized to mean 1 over sectors, and
        ``key_sector`` (backward and Ghosh forward linkage both above 1).

    Notes
    -----
    Power of dispersion :math:`BL_j = n \\sum_i L_{ij} / \\sum_{ij} L_{ij}`,
    Ghosh forward linkage :math:`FL_i = n \\sum_j G_{ij} / \\sum_{ij} G_{ij}`,
    sensitivity of dispersion :math:`n \\sum_j L_{ij} / \\sum_{ij} L_{ij}`; each is
    1 on average over the :math:`n` sectors.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> lk = analysis.linkages(iocirc.datasets.example_table())
    >>> sorted(lk.data_vars)
    ['backward', 'forward', 'forward_leontief', 'key_sector']
    """
    backward = backward_linkages(ds, kind=kind, convention=convention)
    forward = forward_linkages(ds, kind=kind, convention=convention)
    forward_l = forward_linkages(ds, model="leontief", kind=kind, convention=convention)
    key = (backward > 1) & (forward > 1)
    key.attrs = {
        "long_name": "key sector (backward and forward linkage above average)",
        "units": _DIMLESS,
    }
    out = xr.Dataset(
        {"backward": backward, "forward": forward, "forward_leontief": forward_l, "key_sector": key}
    )
    model_attrs = {k: v for k, v in backward.attrs.items() if k in ("model", "convention")}
    out.attrs = model_attrs
    return out


def ghosh_output(
    ds: xr.Dataset,
    primary_inputs: xr.DataArray | None = None,
    *,
    kind: Kind = "local",
    convention: Convention = DEFAULT_CONVENTION,
) -> xr.DataArray:
    """Output of the Ghosh supply-side model, :math:`x' = w' G`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    primary_inputs : xarray.DataArray, optional
        Primary inputs :math:`w` over ``sector`` (and region; any further
        dimension, e.g. ``scenario``, is kept). Default: the table's own,
        :math:`w_j = x_j - \\sum_i (1 - m_i) Z_{ij}` (value added, plus
        imported intermediate inputs with ``kind="local"``), which reproduces
        the table's output.
    kind : {"local", "total"}
        Model (see :func:`allocation_coefficients`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, sector) and the extra dimensions of ``primary_inputs``.
        In the unit of ``primary_inputs`` (the table's currency by default).

    Notes
    -----
    Solves :math:`(I - B)' x = w` by LU factorisation.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> x = analysis.ghosh_output(ds)
    >>> bool((abs(x - ds["total_output"]) <= 1e-6 * ds["total_output"]).all())
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    w = model.primary if primary_inputs is None else _user_vector(primary_inputs, "primary_inputs")
    unit = _currency(ds) if primary_inputs is None else str(primary_inputs.attrs.get("units", ""))
    result = _solve_stacked(model, w, side="left", ghosh=True)
    return _finish(
        result,
        ds,
        f"output, Ghosh supply-side model ({_label(model)})",
        unit,
        model,
        name="output",
    )


def leontief_output(
    ds: xr.Dataset,
    final_demand: xr.DataArray | None = None,
    *,
    kind: Kind = "local",
    convention: Convention = DEFAULT_CONVENTION,
) -> xr.DataArray:
    """Output of the Leontief demand-driven model, :math:`x = L f`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    final_demand : xarray.DataArray, optional
        Final demand :math:`f` over ``sector`` (and region; any further
        dimension, e.g. ``scenario`` or ``source``, is kept), in the model's
        terms: local final demand with ``kind="local"``. Default: the
        table's own (:func:`final_demand_by_source` summed over sources),
        which reproduces the table's output.
    kind : {"local", "total"}
        Model (see :func:`leontief_inverse`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.DataArray
        Over (region, sector) and the extra dimensions of ``final_demand``.

    Notes
    -----
    :math:`x = L f = (I - A)^{-1} f`, computed by an LU factorisation of
    :math:`I - A` per region; :math:`L` itself is never formed.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> x = analysis.leontief_output(ds)
    >>> bool((abs(x - ds["total_output"]) <= 1e-9 * ds["total_output"]).all())
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
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


def hypothetical_extraction(
    ds: xr.Dataset,
    sectors: Sequence[str] | None = None,
    *,
    kind: Kind = "local",
    convention: Convention = DEFAULT_CONVENTION,
) -> xr.Dataset:
    """Output lost when a sector is hypothetically extracted, one sector at a time.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    sectors : sequence of str, optional
        Sectors to extract (default: every sector).
    kind : {"local", "total"}
        Model (see :func:`leontief_inverse`).
    convention : {"total_use", "local_use"}
        Convention for the share supplied from outside (``kind="local"``).

    Returns
    -------
    xarray.Dataset
        Over (region, sector) for the extracted sectors, in the table's
        currency unit, each the fall in total output of the region:

        ``complete``
            the sector is removed (its row and column of :math:`A` and its
            final demand), its own output included;
        ``backward``
            the sector buys no local intermediate inputs (column of
            :math:`A` set to 0), final demand unchanged;
        ``forward``
            the sector sells no intermediate output (row of :math:`B` set to
            0) in the Ghosh model, primary inputs unchanged.

        Divide by ``ds["total_output"].sum("sector")`` for shares.

    Notes
    -----
    Closed forms (rank-one updates of :math:`I - A`, Sherman-Morrison) need
    only column *j*, its diagonal entry and column sums of :math:`L`, and
    row sums and the diagonal of :math:`G`:

    .. math:: T_j = \\frac{x_j\\, 1' L e_j}{L_{jj}}, \\quad
              B_j = \\frac{x_j (1' L e_j - 1)}{L_{jj}}, \\quad
              F_j = \\frac{x_j (e_j' G 1 - 1)}{G_{jj}}.

    (Dietzenbacher, van der Linden and Steenge, 1993; Miller and Blair,
    2009, section 12.2.5.)

    Examples
    --------
    >>> import iocirc
    >>> from iocirc import analysis
    >>> ds = iocirc.datasets.example_table()
    >>> he = analysis.hypothetical_extraction(ds, ["03", "06"])
    >>> he["complete"].dims
    ('region', 'sector')
    >>> bool((he["complete"] >= ds["total_output"].sel(sector=["03", "06"])).all())
    True
    """
    _check_table(ds)
    model = _model(ds, kind, convention)
    index = model.x.indexes["sector"]
    chosen = list(index) if sectors is None else [str(s) for s in sectors]
    unknown = [s for s in chosen if s not in index]
    if unknown:
        raise SchemaError(f"unknown sector(s) {unknown}; the table has {list(index)}")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"duplicated sectors in {chosen}")
    unit = np.zeros((len(index), len(chosen)))
    unit[index.get_indexer(chosen), np.arange(len(chosen))] = 1.0
    eye = xr.DataArray(
        unit, dims=("sector", "_extracted"), coords={"sector": index, "_extracted": chosen}
    )
    cols_l, colsum = _solve(model, rhs=eye, rhs_dim="_extracted", lhs=xr.ones_like(model.x))
    assert cols_l is not None
    assert colsum is not None
    ones = xr.ones_like(eye.isel(_extracted=0, drop=True)).expand_dims(_extracted=["_ones"])
    cols_g, _ = _solve(
        model, rhs=xr.concat([ones, eye], dim="_extracted"), rhs_dim="_extracted", ghosh=True
    )
    assert cols_g is not None
    l_jj = _pick(cols_l, chosen)  # the diagonal entries L_jj
    g_jj = _pick(cols_g.sel(_extracted=chosen), chosen)
    g_rows = _pick(cols_g.sel(_extracted="_ones", drop=True), chosen)  # row sums of G
    col = _pick(_columns_to_rows(colsum), chosen)  # column sums of L
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
    return result


# ---------------------------------------------------------------------------------------------
# The model: coefficients, shares and demand, built lazily from the table
# ---------------------------------------------------------------------------------------------


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
        return xr.dot(self.v, self.x, dim="sector")

    @property
    def primary(self) -> xr.DataArray:
        """Primary inputs of the Ghosh model: output less local intermediate inputs."""
        local_inputs = xr.dot(self.z, self.keep, dim="sector")
        return self.x - _columns_to_rows(local_inputs)


def _model(ds: xr.Dataset, kind: str, convention: str) -> _Model:
    if kind not in ("local", "total"):
        raise ValueError(f"kind must be 'local' or 'total', not {kind!r}")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {list(CONVENTIONS)}, not {convention!r}")
    z = _bare(ds["intermediate_use"])
    x = _bare(ds["total_output"])
    raw, reported = _sources(ds)
    value_added = _bare(ds["value_added"])
    va_terms = list(identity_terms("va_component", value_added.indexes["va_component"]))
    if len(va_terms) < value_added.sizes["va_component"]:
        value_added = value_added.sel(va_component=va_terms)
    va = _columns_to_rows(value_added.sum("va_component"))
    if kind == "total":
        keep = xr.ones_like(x)
        return _Model(kind, None, z, x, keep, raw, reported, raw, reported, va, share=None)
    sources = list(raw.indexes["source"])
    if "net_outflow" in sources:
        regions = _labels_where(reported.sel(source="net_outflow"))
        raise MissingFlowError(
            "the local model needs imports and inflows, but the table "
            f"(year {ds.attrs.get('year', 'unknown')}) reports only a net outflow for {regions} "
            "(as the 2002 tables do); use kind='total', or give gross flows"
        )
    uses = [s for s in sources if s not in _SUPPLIES]
    add_other = "other" not in uses
    out_sources = [*uses, "other"] if add_other else uses
    scaled = _LOCAL_USES + (_OUTWARD if convention == "total_use" else ())
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
    )
    keep, share, demand, status = xr.apply_ufunc(
        kernel,
        z,
        raw,
        input_core_dims=[["sector", "sector_to"], ["sector", "source"]],
        output_core_dims=[["sector"], ["sector"], ["sector", "_source"], ["sector"]],
        dask="parallelized",
        output_dtypes=[float, float, float, np.int8],
        dask_gufunc_kwargs={"output_sizes": {"_source": len(out_sources)}, "allow_rechunk": True},
    )
    demand = demand.rename(_source="source").assign_coords(source=out_sources)
    charged = _check_shares(ds, share, status, convention)
    rep = reported.sel(source=uses)
    if charged is not None:  # supplies charged to 'other' somewhere
        needs_other = charged.any("sector")
        if add_other:
            rep = xr.concat([rep, needs_other.expand_dims(source=["other"])], dim="source")
        else:
            rep = rep | (needs_other & (rep["source"] == "other"))
    elif add_other:
        demand = demand.isel(source=slice(None, -1))
    return _Model(
        "local", convention, z, x, keep, demand, rep, raw, reported, va, share=share.rename(None)
    )


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
    ) -> None:
        self.supplies = supplies
        self.local = local
        self.outward = outward
        self.uses = uses
        self.add_other = add_other
        self.scaled = np.array(scaled)
        self.other = other

    def __call__(
        self, z: np.ndarray, raw: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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
        return keep, share, demand, status


def _sources(ds: xr.Dataset) -> tuple[xr.DataArray, xr.DataArray]:
    """Final use by source, supplies negative, and which sources each region reports.

    Each flow counted once per region (:func:`iocirc.validation.flow_weights`).
    """
    final_use = _bare(ds["final_use"])
    weights = flow_weights(final_use)  # numpy-backed, (..., flow)
    flows = [str(f) for f in final_use.indexes["flow"]]
    source_of = [_source_of(f) for f in flows]
    w = np.asarray(weights.values)
    active = np.abs(w).reshape(-1, len(flows)).max(axis=0) > 0
    found = {src for src, a in zip(source_of, active, strict=True) if a}
    present = [s for s in SOURCES if s in found]
    mapping = np.zeros((len(flows), len(present)))
    for i, src in enumerate(source_of):
        if src in present:
            mapping[i, present.index(src)] = 1.0
    signed = w[..., np.newaxis] * mapping
    other_dims = [str(d) for d in weights.dims if d != "flow"]
    other_coords = {d: weights[d] for d in other_dims if d in weights.coords}
    signed_da = xr.DataArray(
        signed,
        dims=(*other_dims, "flow", "source"),
        coords={**other_coords, "flow": flows, "source": present},
    )
    values = xr.dot(final_use.fillna(0.0), signed_da, dim="flow")
    reported = xr.DataArray(
        (signed != 0).any(axis=-2),
        dims=(*other_dims, "source"),
        coords={**other_coords, "source": present},
    )
    return _order(values, "sector", "source"), reported


def _source_of(flow: str) -> str:
    member = members("flow")[flow]
    leaves = set(member.leaves)
    if leaves <= _CONSUMPTION:
        return "consumption"
    if leaves <= _CAPITAL:
        return "capital_formation"
    return flow


def _check_shares(
    ds: xr.Dataset, share: xr.DataArray, status: xr.DataArray, convention: str
) -> xr.DataArray | None:
    """Warn when m is outside [0, 1] (status 1) or undefined with supplies (status 2).

    Returns where supplies are charged to 'other' (computed), or None if nowhere.
    """
    status = status.compute()
    flags = np.asarray(status.values)
    count = int(np.count_nonzero(flags))
    if not count:
        return None
    order = [d for d in status.dims if d != "sector"] + ["sector"]
    status = status.transpose(*order)
    values = np.asarray(share.transpose(*order).compute().values)
    flags = np.asarray(status.values)
    shown = []
    for pos in np.argwhere(flags != 0)[:5]:
        at = tuple(int(p) for p in pos)
        where = ", ".join(
            f"{d} {status.indexes[d][i]!r}"
            for d, i in zip(order[:-1], at[:-1], strict=True)
            if d in status.indexes
        )
        sector = str(status.indexes["sector"][at[-1]])
        name = str(ds["sector_en"].values[at[-1]]) if "sector_en" in ds.coords else ""
        name = f" ({name})" if name else ""
        value = (
            "m undefined: supplies from outside but no use to supply (charged to 'other')"
            if flags[at] == 2
            else f"m = {values[at]:.4g}"
        )
        shown.append(f"{where}, sector {sector!r}{name}: {value}")
    more = f"; and {count - len(shown)} more" if count > len(shown) else ""
    base = "local use" if convention == "local_use" else "total use (exports and outflows incl.)"
    hint = (
        " Re-exports and transit recorded as inflow and outflow do this; convention='total_use' "
        "keeps m within [0, 1] wherever output exceeds the discrepancy column."
        if convention == "local_use"
        else " m exceeds 1 where the discrepancy column ('other') exceeds output."
    )
    warnings.warn(
        f"convention {convention!r}: the share of {base} supplied from outside the region "
        f"(imports and inflows), m, is outside [0, 1] for {count} of {flags.size} "
        f"region-sectors: " + "; ".join(shown) + more + ". Local coefficients (1 - m) A are "
        "negative where m > 1." + hint,
        ConventionWarning,
        stacklevel=_stacklevel(),
    )
    charged = status == 2
    return charged if bool(charged.any()) else None


# ---------------------------------------------------------------------------------------------
# Solving, batched over regions: numpy kernels run by xarray.apply_ufunc
# ---------------------------------------------------------------------------------------------


def _solve(
    model: _Model,
    *,
    rhs: xr.DataArray | None = None,
    rhs_dim: str | None = None,
    lhs: xr.DataArray | None = None,
    lhs_dim: str | None = None,
    ghosh: bool = False,
) -> tuple[xr.DataArray | None, xr.DataArray | None]:
    """``M^-1 rhs`` and ``lhs M^-1`` with ``M = I - A`` (or ``I - B``), one LU per region.

    ``rhs`` is over ``sector`` (and ``rhs_dim``): the result too. ``lhs`` is
    over ``sector`` (and ``lhs_dim``); the result is over ``sector_to``.
    """
    args: list[xr.DataArray] = [model.z, model.x, model.keep]
    in_core: list[list[Hashable]] = [["sector", "sector_to"], ["sector"], ["sector"]]
    out_core: list[list[Hashable]] = []
    drop: list[str] = []
    if rhs is not None:
        if rhs_dim is None:
            rhs, rhs_dim = rhs.expand_dims("_rhs", axis=-1), "_rhs"
            drop.append("_rhs")
        args.append(rhs)
        in_core.append(["sector", rhs_dim])
        out_core.append(["sector", rhs_dim])
    if lhs is not None:
        if lhs_dim is None:
            lhs, lhs_dim = lhs.expand_dims("_lhs", axis=-1), "_lhs"
            drop.append("_lhs")
        args.append(lhs)
        in_core.append([lhs_dim, "sector"])
        out_core.append([lhs_dim, "sector_to"])
    kernel = _SolveKernel(rhs is not None, lhs is not None, ghosh)
    result = xr.apply_ufunc(
        kernel,
        *args,
        input_core_dims=in_core,
        output_core_dims=out_core,
        dask="parallelized",
        output_dtypes=[float] * len(out_core),
        dask_gufunc_kwargs={"allow_rechunk": True},
    )
    outputs = list(result) if isinstance(result, tuple) else [result]
    outputs = [o.squeeze([d for d in drop if d in o.dims], drop=True) for o in outputs]
    right = outputs.pop(0) if rhs is not None else None
    left = outputs.pop(0) if lhs is not None else None
    return right, left


def _solve_stacked(
    model: _Model, vector: xr.DataArray, *, side: Literal["left", "right"], ghosh: bool
) -> xr.DataArray:
    """Solve for a user vector, its extra dimensions stacked into the right-hand sides."""
    model_dims = set(model.z.dims) | set(model.x.dims)
    extra = [d for d in vector.dims if d not in model_dims]
    stacked = vector.stack(_cols=extra) if extra else vector.expand_dims("_cols", axis=-1)
    if side == "right":
        out, _ = _solve(model, rhs=stacked, rhs_dim="_cols", ghosh=ghosh)
    else:
        _, out = _solve(model, lhs=stacked, lhs_dim="_cols", ghosh=ghosh)
        out = None if out is None else _columns_to_rows(out)
    assert out is not None
    if not extra:
        return out.squeeze("_cols", drop=True)
    out = out.unstack("_cols")
    out = out.drop_vars([d for d in extra if d not in vector.coords])
    return out.transpose(*[d for d in vector.dims if d in out.dims], ...)


class _SolveKernel:
    """Factorise ``I - A`` (or ``I - B``) of each region once; solve on both sides."""

    def __init__(self, has_rhs: bool, has_lhs: bool, ghosh: bool) -> None:
        self.has_rhs = has_rhs
        self.has_lhs = has_lhs
        self.ghosh = ghosh

    def __call__(
        self, z: np.ndarray, x: np.ndarray, keep: np.ndarray, *extra: np.ndarray
    ) -> np.ndarray | tuple[np.ndarray, ...]:
        rhs = extra[0] if self.has_rhs else None
        lhs = extra[-1] if self.has_lhs else None
        n = z.shape[-1]
        shapes = [z.shape[:-2], x.shape[:-1], keep.shape[:-1]]
        if rhs is not None:
            shapes.append(rhs.shape[:-2])
        if lhs is not None:
            shapes.append(lhs.shape[:-2])
        batch = np.broadcast_shapes(*shapes)
        z_b = np.broadcast_to(z, (*batch, n, n))
        x_b = np.broadcast_to(x, (*batch, n))
        k_b = np.broadcast_to(keep, (*batch, n))
        outputs: list[np.ndarray] = []
        if rhs is not None:
            rhs_b = np.broadcast_to(rhs, (*batch, *rhs.shape[-2:]))
            out_r = np.empty((*batch, n, rhs.shape[-1]))
            outputs.append(out_r)
        if lhs is not None:
            lhs_b = np.broadcast_to(lhs, (*batch, *lhs.shape[-2:]))
            out_l = np.empty((*batch, lhs.shape[-2], n))
            outputs.append(out_l)
        for idx in np.ndindex(*batch):
            lu, piv = _factor(z_b[idx], x_b[idx], k_b[idx], ghosh=self.ghosh)
            perm = _permutation(piv)
            if rhs is not None:
                out_r[idx] = _solve_m(lu, perm, rhs_b[idx])
            if lhs is not None:
                out_l[idx] = _solve_m_transposed(lu, perm, lhs_b[idx].T).T
        return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _factor(
    z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool
) -> tuple[np.ndarray, np.ndarray]:
    """LU factors of ``M'`` for ``M = I - diag(keep) Z diag(1/x)`` (or ``I - diag(keep/x) Z``).

    ``M`` is built in one C-ordered work array; its transpose is Fortran-ordered,
    so LAPACK factorises it in place without a copy.
    """
    n = x.shape[-1]
    x = np.asarray(x, dtype=float)
    inv_x = np.divide(1.0, x, out=np.zeros(n), where=x != 0)
    work = np.empty((n, n))
    if ghosh:
        np.multiply(z, (-(keep * inv_x))[:, np.newaxis], out=work)
    else:
        np.multiply(z, inv_x, out=work)
        np.multiply(work, -np.asarray(keep, dtype=float)[:, np.newaxis], out=work)
    work.flat[:: n + 1] += 1.0
    lu, piv, info = lapack.dgetrf(work.T, overwrite_a=1)
    if info > 0:
        which = "B" if ghosh else "A"
        raise np.linalg.LinAlgError(
            f"I - {which} is singular (pivot {info} is zero): the model has no unique solution"
        )
    if info < 0:  # pragma: no cover - an argument error in LAPACK
        raise RuntimeError(f"LAPACK dgetrf failed with info={info}")
    return lu, piv


# The factors are of M' = P L U (see _factor). LAPACK's getrs would do the solves below, but
# OpenBLAS runs it multithreaded whatever the size, and on a busy machine each call on a small
# system can then wait a whole scheduler time slice; the triangular solves (trtrs) are
# threaded by size only.


def _permutation(piv: np.ndarray) -> np.ndarray:
    """The row order ``perm`` with ``(P' A)[i] = A[perm[i]]`` from LAPACK's pivot swaps."""
    perm = np.arange(piv.shape[0])
    for i, p in enumerate(piv.tolist()):
        if p != i:
            perm[i], perm[p] = perm[p], perm[i]
    return perm


def _solve_m(lu: np.ndarray, perm: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``M y = b``, with ``M = U' L' P'``: ``U' w = b``, ``L' v = w``, ``y = P v``."""
    w = _trtrs(lu, b, lower=0, trans=1, unitdiag=0, own=False)
    v = _trtrs(lu, w, lower=1, trans=1, unitdiag=1, own=True)
    y = np.empty_like(v)
    y[perm] = v
    return y


def _solve_m_transposed(lu: np.ndarray, perm: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``M' y = c``, with ``M' = P L U``: ``L w = P' c``, ``U y = w``."""
    permuted = np.asarray(c, dtype=float)[perm]  # a new array
    w = _trtrs(lu, permuted, lower=1, trans=0, unitdiag=1, own=True)
    return _trtrs(lu, w, lower=0, trans=0, unitdiag=0, own=True)


def _trtrs(
    lu: np.ndarray, b: np.ndarray, *, lower: int, trans: int, unitdiag: int, own: bool
) -> np.ndarray:
    """Triangular solve; ``b`` is overwritten only if ``own`` (an array made here)."""
    b = np.asfortranarray(b, dtype=float)
    solution, info = lapack.dtrtrs(
        lu, b, lower=lower, trans=trans, unitdiag=unitdiag, overwrite_b=int(own)
    )
    if info != 0:  # pragma: no cover - a zero pivot is caught by _factor
        raise np.linalg.LinAlgError(f"LAPACK dtrtrs failed with info={info}")
    return np.asarray(solution)


def _inverse_kernel(
    z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool = False
) -> np.ndarray:
    n = z.shape[-1]
    batch = np.broadcast_shapes(z.shape[:-2], x.shape[:-1], keep.shape[:-1])
    z_b = np.broadcast_to(z, (*batch, n, n))
    x_b = np.broadcast_to(x, (*batch, n))
    k_b = np.broadcast_to(keep, (*batch, n))
    if int(np.prod(batch)) == 1:
        only = (0,) * len(batch)
        return _invert(z_b[only], x_b[only], k_b[only], ghosh=ghosh).reshape(*batch, n, n)
    out = np.empty((*batch, n, n))
    for idx in np.ndindex(*batch):
        out[idx] = _invert(z_b[idx], x_b[idx], k_b[idx], ghosh=ghosh)
    return out


def _invert(z: np.ndarray, x: np.ndarray, keep: np.ndarray, *, ghosh: bool) -> np.ndarray:
    """``M^-1`` in place: LU of ``M'`` then LAPACK getri gives ``(M')^-1``, whose transpose is
    C-ordered ``M^-1``."""
    lu, piv = _factor(z, x, keep, ghosh=ghosh)
    n = lu.shape[0]
    lwork = _getri_lwork(n)
    inverse, info = lapack.dgetri(lu, piv, lwork=lwork, overwrite_lu=1)
    if info != 0:  # pragma: no cover - singularity is caught by _factor
        raise np.linalg.LinAlgError(f"LAPACK dgetri failed with info={info}")
    return np.asarray(inverse).T


def _getri_lwork(n: int) -> int:
    work, info = lapack.dgetri_lwork(n)
    if info != 0:  # pragma: no cover
        return max(1, n)
    return max(1, int(1.01 * float(np.real(work))))


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _check_table(ds: xr.Dataset) -> None:
    """Check the structure the models need (cheap: never computes dask data)."""
    if not isinstance(ds, xr.Dataset):
        raise SchemaError(
            f"expected an xarray.Dataset holding an IO table, got {type(ds).__name__}; "
            "build one with iocirc.from_arrays or iocirc.from_frames"
        )
    for spec in VARIABLES.values():
        if spec.name not in ds.data_vars:
            raise SchemaError(
                f"the Dataset lacks the variable {spec.name!r}; an IO table needs "
                + ", ".join(VARIABLES)
            )
        var = ds[spec.name]
        lacking = [d for d in spec.dims if d not in var.dims]
        if lacking:
            raise SchemaError(
                f"variable {spec.name!r} lacks the dimension(s) {lacking}: it has {var.dims}"
            )
        if not is_numeric(var):
            raise SchemaError(f"variable {spec.name!r} holds {var.dtype} data; expected numbers")
    for dim in ("sector", "sector_to", "flow", "va_component"):
        if dim not in ds.indexes:
            raise SchemaError(f"dimension {dim!r} has no index; label it with {dim} coordinates")
    if list(ds.indexes["sector"]) != list(ds.indexes["sector_to"]):
        raise SchemaError(
            "dimensions 'sector' (rows) and 'sector_to' (columns) must carry the same labels in "
            "the same order"
        )
    if "source" in ds.dims:
        raise SchemaError("the table has a dimension 'source', which the results use")


def _safe_reciprocal(x: xr.DataArray) -> xr.DataArray:
    """``1 / x`` where ``x != 0``, else 0 (the documented convention for zero output)."""
    return xr.apply_ufunc(_reciprocal, x, dask="parallelized", output_dtypes=[float])


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
        if name in ds.indexes or name in obj.coords or not coord.dims:
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


def _pick(da: xr.DataArray, chosen: list[str]) -> xr.DataArray:
    """``da`` at sector ``chosen[k]`` along ``_extracted`` (pointwise, if ``da`` has it)."""
    picked = da.sel(sector=xr.DataArray(chosen, dims="_extracted"))
    return picked.drop_vars(["sector", *_coords_on(da, "sector")], errors="ignore")


def _coords_on(obj: xr.Dataset | xr.DataArray, dim: str) -> list[str]:
    """Non-index coordinates along ``dim``."""
    return [str(c) for c in obj.coords if c != dim and dim in obj[c].dims]


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
        raise TypeError(f"{name} must be an xarray.DataArray, got {type(vector).__name__}")
    if "sector" not in vector.dims:
        raise SchemaError(f"{name} must have the dimension 'sector'; it has {vector.dims}")
    if "sector_to" in vector.dims:
        raise SchemaError(f"{name} must not have the dimension 'sector_to'")
    return _bare(vector)


def _linkage(raw: xr.DataArray, normalize: bool, long_name: str, name: str) -> xr.DataArray:
    attrs = dict(raw.attrs)
    out = (raw / raw.mean("sector") if normalize else raw.copy(deep=False)).rename(name)
    attrs["long_name"] = long_name + (", normalized to mean 1" if normalize else "")
    out.attrs = attrs
    return out


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
    da = _restore(da.rename(name), ds).copy(deep=False)  # never share attrs with an input
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


def _stacklevel() -> int:
    """Stack level of the first frame outside iocirc, for warnings."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("iocirc"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
