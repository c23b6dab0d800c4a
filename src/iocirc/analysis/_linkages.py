"""Backward and forward linkages."""

from __future__ import annotations

from typing import Literal

import xarray as xr

from iocirc.analysis._leontief import output_multipliers
from iocirc.analysis._linalg import _solve
from iocirc.analysis._model import (
    _DIMLESS,
    DEFAULT_CONVENTION,
    Convention,
    Kind,
    _check_table,
    _finish,
    _label,
    _model,
)
from iocirc.errors import ArgumentError


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
        raise ArgumentError(f"model must be 'ghosh' or 'leontief', not {model!r}")
    ds = _check_table(ds)
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
    return out.copy(deep=True)  # never sharing memory with the input


def _linkage(raw: xr.DataArray, normalize: bool, long_name: str, name: str) -> xr.DataArray:
    attrs = dict(raw.attrs)
    out = (raw / raw.mean("sector") if normalize else raw.copy(deep=False)).rename(name)
    attrs["long_name"] = long_name + (", normalized to mean 1" if normalize else "")
    out.attrs = attrs
    return out.copy(deep=True)  # never sharing memory with the input
