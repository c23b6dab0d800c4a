"""Hypothetical extraction of sectors."""

from __future__ import annotations

from collections.abc import Sequence

import xarray as xr

from iocirc._core.docs import fill_doc
from iocirc.analysis._model import (
    DEFAULT_CONVENTION,
    Convention,
    Kind,
)
from iocirc.analysis._object import model as _build


@fill_doc
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
    {kind}
    {convention}

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
    return _build(ds, kind=kind, convention=convention).extraction(sectors)
