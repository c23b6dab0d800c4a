"""Backward and forward linkages."""

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
    {kind}
    {convention}
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
    return _build(ds, kind=kind, convention=convention).backward_linkages(normalize=normalize)


@fill_doc
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
    {kind}
    {convention}
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
    return _build(ds, kind=kind, convention=convention).forward_linkages(
        model=model, normalize=normalize
    )


@fill_doc
def linkages(
    ds: xr.Dataset, *, kind: Kind = "local", convention: Convention = DEFAULT_CONVENTION
) -> xr.Dataset:
    """Normalized backward and forward linkages and key sectors.

    Parameters
    ----------
    ds : xarray.Dataset
        A regional IO table.
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).linkages()
