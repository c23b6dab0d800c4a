"""Technical, local and allocation coefficients, and the share supplied from outside."""

from __future__ import annotations

import xarray as xr

from iocirc._core.docs import fill_doc
from iocirc.analysis._model import (
    _DIMLESS,
    DEFAULT_CONVENTION,
    Convention,
    Kind,
    _bare,
    _check_table,
    _finish,
    _rows_to_columns,
    _safe_reciprocal,
)
from iocirc.analysis._object import model as _build


@fill_doc
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
    ds = _check_table(ds)
    inv_x = _safe_reciprocal(_rows_to_columns(_bare(ds["total_output"])))
    a = _bare(ds["intermediate_use"]) * inv_x
    return _finish(a, ds, "technical coefficients", _DIMLESS, name="technical_coefficients")


@fill_doc
def local_coefficients(
    ds: xr.Dataset, *, convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """Local input coefficients :math:`A^l = (I - \\hat{m}) A`.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table reporting imports and inflows (all vintages but
        the 2002 net-outflow tables).
    {convention}

    Returns
    -------
    xarray.DataArray
        Over (region, sector, sector_to): input of locally produced
        ``sector`` per unit of output of ``sector_to``. Dimensionless.

    Warns
    -----
    ConventionWarning
        When :math:`m` falls outside [0, 1], naming the region and sector (on a
        dask-backed table when the result is computed, once per chunk concerned).

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
    return _build(ds, kind="local", convention=convention).local_coefficients()


@fill_doc
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
        When :math:`m` falls outside [0, 1], naming the region and sector (on a
        dask-backed table when the result is computed, once per chunk concerned).

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
    return _build(ds, kind="local", convention=convention).outside_supply_share()


@fill_doc
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
    {convention}

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
    return _build(ds, kind=kind, convention=convention).allocation_coefficients()
