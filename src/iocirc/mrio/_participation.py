"""Production-based value-chain participation (Wang, Wei, Yu and Zhu 2017)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from iocirc.mrio._decompose import PARTICIPATION_TERMS, base_attrs, context, participation
from iocirc.mrio._docs import fill_doc
from iocirc.mrio._kww import _attrs

__all__ = ["value_chain_participation"]

_KIND = {
    "V_D": "domestic",
    "V_RT_nation": "traditional",
    "V_RT_abroad": "traditional",
    "V_GVC_S_nation": "simple",
    "V_GVC_S_abroad": "simple",
    "V_GVC_C_nation": "complex",
    "V_GVC_C_abroad": "complex",
}


@fill_doc
def value_chain_participation(
    mrio: xr.Dataset, *, nation: Sequence[str] | None = None
) -> xr.Dataset:
    """The production-based decomposition of value added: who uses it, across how many borders.

    Parameters
    ----------
    {mrio}
    nation : sequence of str, optional
        The regions forming the nation, overriding the table's ``in_nation``.
        A border between two regions of the nation is "national" (domestic
        value chains, e.g. interprovincial); any other border is "abroad"
        (global value chains). For a world table without a nation every border
        is "abroad".

    Returns
    -------
    xarray.Dataset
        In the table's currency unit:

        - ``terms`` (region, sector, term): value added of (region, sector) by
          how it reaches final demand, ``term`` labelled
          ``V_D`` (produced and absorbed in the region without crossing a
          border), ``V_RT_nation``/``V_RT_abroad`` (traditional trade: in final
          goods exported to another region of the nation / abroad),
          ``V_GVC_S_nation``/``V_GVC_S_abroad`` (simple value chains: in
          intermediates absorbed by the direct importer), and
          ``V_GVC_C_nation``/``V_GVC_C_abroad`` (complex value chains: in
          intermediates crossing further borders), the ``nation``/``abroad``
          split being by the first border crossed. Coordinate ``kind``:
          ``domestic``, ``traditional``, ``simple``, ``complex``.
        - ``terms_region`` (region, term): summed over sectors.
        - ``gdp`` (region, sector), ``gdp_region`` (region): value added.
        - ``participation`` (region, chain): the forward-linkage participation
          ratios ``(V_GVC_S + V_GVC_C) / GDP`` for ``chain`` = ``national``
          (domestic value chains), ``abroad`` (global value chains) and
          ``total`` (dimensionless).
        - ``residual`` (region, sector): ``gdp`` minus the sum of the terms
          (zero when the row identity holds).

    Raises
    ------
    {raises}
    {raises_nation}

    Notes
    -----
    With ``v`` value-added coefficients, ``L`` the block-diagonal local
    inverses, ``B`` the global inverse, ``A^F`` the inter-regional
    coefficients, ``Y^D`` each region's own final demand and ``Y^F`` the rest
    (WWYZ 2017, eq. 1):

    .. math::

        \\hat v B Y u = \\hat v L Y^D u + \\hat v L Y^F u
            + \\hat v L A^F L Y^D u + \\hat v L A^F (B Y - L Y^D) u ,

    which holds because ``B = L + L A^F B``. Splitting ``A^F = A^N + A^W`` and
    ``Y^F = Y^N + Y^W`` into flows within the nation and the others splits
    each term exactly into its national and abroad parts. Solves only (one LU
    of ``I - A`` and the local LUs).

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import from_matrices, value_chain_participation
    >>> mrio = from_matrices(np.array([[10.0, 5.0], [2.0, 20.0]]),
    ...                      np.array([[30.0, 5.0], [3.0, 40.0]]),
    ...                      regions=["North", "South"], sectors=["goods"],
    ...                      final_categories=["household"], currency_unit="million USD")
    >>> res = value_chain_participation(mrio)
    >>> float(res["terms_region"].sel(region="North").sum().round(9))
    38.0
    """
    ctx = context(mrio, nation=nation)
    R, S, n = ctx.R, len(ctx.sectors), ctx.n_real
    terms = participation(ctx.prep, ctx.in_nation)[:n].reshape(R, S, len(PARTICIPATION_TERMS))
    gdp = ctx.va.reshape(R, S)
    t_region = terms.sum(axis=1)
    g_region = gdp.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        national = t_region[:, [3, 5]].sum(axis=1)
        abroad = t_region[:, [4, 6]].sum(axis=1)
        ratios = np.stack([national, abroad, national + abroad], axis=1) / g_region[:, None]
    ratios = np.where(g_region[:, None] != 0, ratios, 0.0)
    ds = xr.Dataset(
        {
            "terms": (
                ("region", "sector", "term"),
                terms,
                base_attrs(ctx, "value added by how it reaches final demand (WWYZ 2017)"),
            ),
            "terms_region": (
                ("region", "term"),
                t_region,
                base_attrs(ctx, "GDP by how it reaches final demand (WWYZ 2017)"),
            ),
            "gdp": (("region", "sector"), gdp.copy(), base_attrs(ctx, "value added")),
            "gdp_region": (("region",), g_region, base_attrs(ctx, "GDP")),
            "participation": (
                ("region", "chain"),
                ratios,
                {
                    "units": "1",
                    "long_name": "value-chain participation (forward linkages), share of GDP",
                },
            ),
            "residual": (
                ("region", "sector"),
                gdp - terms.sum(axis=2),
                base_attrs(ctx, "value added not traced to final demand (row residuals)"),
            ),
        },
        coords={
            "region": list(ctx.regions),
            "sector": list(ctx.sectors),
            "term": list(PARTICIPATION_TERMS),
            "kind": ("term", [_KIND[t] for t in PARTICIPATION_TERMS]),
            "chain": ["national", "abroad", "total"],
            "in_nation": ("region", np.array(ctx.in_nation[:R])),
        },
    )
    ds.attrs = _attrs(mrio, "value_chain_participation", ctx.has_row)
    return ds
