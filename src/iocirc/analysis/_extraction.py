"""Hypothetical extraction of sectors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from iocirc.analysis._linalg import _solve
from iocirc.analysis._model import (
    DEFAULT_CONVENTION,
    Convention,
    Kind,
    _check_table,
    _columns_to_rows,
    _currency,
    _model,
    _model_attrs,
    _restore,
)
from iocirc.errors import ArgumentError, ArgumentTypeError, SchemaError


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
    ds = _check_table(ds)
    model = _model(ds, kind, convention)
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
    return result.copy(deep=True)  # never sharing memory with the input


def _pick(da: xr.DataArray, chosen: list[str]) -> xr.DataArray:
    """``da`` at sector ``chosen[k]`` along ``_extracted`` (pointwise, if ``da`` has it)."""
    picked = da.sel(sector=xr.DataArray(chosen, dims="_extracted"))
    return picked.drop_vars(["sector", *_coords_on(da, "sector")], errors="ignore")


def _coords_on(obj: xr.Dataset | xr.DataArray, dim: str) -> list[str]:
    """Non-index coordinates along ``dim``."""
    return [str(c) for c in obj.coords if c != dim and dim in obj[c].dims]
