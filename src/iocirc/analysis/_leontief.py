"""The Leontief (demand-driven) model.

Inverse, output and multipliers, and output and value added by source of final demand.
"""

from __future__ import annotations

from typing import Literal

import xarray as xr

from iocirc._core.docs import fill_doc
from iocirc.analysis._model import (
    DEFAULT_CONVENTION,
    Convention,
    Kind,
)
from iocirc.analysis._object import model as _build


@fill_doc
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
    {convention}

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
    return _build(ds, kind=kind, convention=convention).final_demand()


@fill_doc
def leontief_inverse(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """The Leontief inverse :math:`L = (I - A)^{-1}` of each region.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    {kind}
    {convention}

    Returns
    -------
    xarray.DataArray
        Over (region, sector, sector_to): output of ``sector`` required per
        unit of final demand for ``sector_to``. Dimensionless.

    Raises
    ------
    iocirc.errors.ModelError
        If :math:`I - A` of a region is singular or not productive (a
        :class:`numpy.linalg.LinAlgError` too), naming the region.
    iocirc.errors.SchemaError
        NaN, infinite or negative values where the schema forbids them (on a
        dask-backed table when the result is computed: building it computes
        nothing; see :mod:`iocirc.analysis`).

    Notes
    -----
    Computed by :func:`numpy.linalg.inv` over slabs of regions (tables of fewer
    than 128 sectors), or by an LU factorisation of :math:`I - A` and LAPACK's
    ``getri`` in place (one :math:`n \\times n` work array). Most results need
    no inverse: multipliers and induced output come from :func:`induced_effects`
    and friends, which solve the systems instead.

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
    return _build(ds, kind=kind, convention=convention).inverse()


@fill_doc
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
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).output(final_demand)


@fill_doc
def output_multipliers(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Output multipliers :math:`1' L`, the column sums of the Leontief inverse.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).multipliers()


@fill_doc
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
    {kind}
    {convention}
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
    return _build(ds, kind=kind, convention=convention).value_added_multipliers(
        by_component=by_component
    )


@fill_doc
def induced_effects(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.Dataset:
    """Multipliers and the output and value added induced by each source of final demand.

    All in one pass: the systems in :math:`I - A` of every region solved for all
    sources at once, without forming the inverse.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    {kind}
    {convention}

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
    With :math:`M = I - A`, the multipliers solve
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
    return _build(ds, kind=kind, convention=convention).induced()


@fill_doc
def output_by_demand_source(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Output of each sector induced by each source of final demand, :math:`L f_s`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).output_by_source()


@fill_doc
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
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).value_added_by_source(by=by)


@fill_doc
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
    {convention}

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
    ['international', 'domestic', 'dual']
    >>> s = share["value_added_share"]
    >>> bool((abs(s.sel(source="gross_outflow") - s.sel(source=["export", "domestic_outflow"])
    ...      .sum("source")) < 1e-12).all())
    True
    >>> gross = analysis.circulation_value_added_share(iocirc.datasets.example_table("gross"))
    >>> list(gross.indexes["source"])
    ['gross_outflow']
    """
    return _build(ds, kind="local", convention=convention).circulation_value_added_share()
