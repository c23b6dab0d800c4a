"""The Ghosh (supply-driven) model: inverse and output."""

from __future__ import annotations

import xarray as xr

from iocirc._core.docs import fill_doc
from iocirc.analysis._model import (
    DEFAULT_CONVENTION,
    Convention,
    Kind,
)
from iocirc.analysis._object import model as _build


@fill_doc
def ghosh_inverse(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.DataArray:
    """The Ghosh inverse :math:`G = (I - B)^{-1}` of each region.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).ghosh_inverse()


@fill_doc
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
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).ghosh_output(primary_inputs)
