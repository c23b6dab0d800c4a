"""Value-added origin of gross exports (Leontief) and the Koopman-Wang-Wei decomposition."""

from __future__ import annotations

import numpy as np
import xarray as xr

from iocirc.mrio._decompose import KWW_TERMS, ROW_LABEL, base_attrs, context, leontief
from iocirc.mrio._decompose import kww as _kww
from iocirc.mrio._docs import fill_doc

__all__ = ["kww", "value_added_origin"]


def _attrs(mrio: xr.Dataset, name: str, has_row: bool) -> dict[str, object]:
    return {
        "decomposition": name,
        "currency_unit": str(mrio.attrs.get("currency_unit", "")),
        "rest_of_world": ROW_LABEL if has_row else "",
        "source": str(mrio.attrs.get("source", "")),
        "year": mrio.attrs.get("year", -1),
    }


@fill_doc
def value_added_origin(mrio: xr.Dataset) -> xr.DataArray:
    """Value-added origin of each region-sector's gross exports (decompr's ``leontief``).

    Parameters
    ----------
    {mrio}

    Returns
    -------
    xarray.DataArray
        ``(region, sector, region_to, sector_to)`` in the table's currency unit:
        value added generated in (region, sector) and embodied in the gross
        exports of (region_to, sector_to). Summed over (region, sector) it is
        the gross exports of (region_to, sector_to) when the row identity
        holds; the diagonal blocks (region == region_to) are the domestic and
        the others the foreign value added (Hummels, Ishii and Yi 2001). With
        an exogenous rest of the world, ``region`` has the extra label
        ``"rest_of_world"``: the imported content.

    Raises
    ------
    {raises}

    Notes
    -----
    decompr's Leontief decomposition with ``post = "exports"``:

    .. math:: \\mathrm{FVAX} = \\hat v \\, B \\, \\hat E ,

    with ``v`` the value-added coefficients (output minus column sums of
    ``Z``, over output), ``B = (I - A)^-1`` and ``E`` gross exports (all
    intermediate and final sales to other regions). ``B`` is formed once (it
    is the result).

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import from_matrices, value_added_origin
    >>> mrio = from_matrices(np.array([[10.0, 5.0], [2.0, 20.0]]),
    ...                      np.array([[30.0, 5.0], [3.0, 40.0]]),
    ...                      regions=["North", "South"], sectors=["goods"],
    ...                      final_categories=["household"], currency_unit="million USD")
    >>> fvax = value_added_origin(mrio)
    >>> fvax.sum(["region", "sector"]).round(6).values.ravel().tolist()
    [10.0, 5.0]
    """
    ctx = context(mrio)
    R, S, n = ctx.R, len(ctx.sectors), ctx.n_real
    out = leontief(ctx.prep)[:, :n]
    G = len(ctx.producers)
    da = xr.DataArray(
        out.reshape(G, S, R, S),
        dims=("region", "sector", "region_to", "sector_to"),
        coords={
            "region": list(ctx.producers),
            "sector": list(ctx.sectors),
            "region_to": list(ctx.regions),
            "sector_to": list(ctx.sectors),
        },
        name="value_added_origin",
        attrs={
            **base_attrs(
                ctx,
                "value added of (region, sector) embodied in the gross exports of "
                "(region_to, sector_to)",
            ),
            **_attrs(mrio, "leontief", ctx.has_row),
        },
    )
    return da


@fill_doc
def kww(mrio: xr.Dataset) -> xr.Dataset:
    """The Koopman-Wang-Wei (2014) decomposition of each region's gross exports.

    Parameters
    ----------
    {mrio}

    Returns
    -------
    xarray.Dataset
        In the table's currency unit:

        - ``terms`` (region, term): the nine terms, ``term`` labelled
          ``DVA_FIN, DVA_INT, DVA_INTrex, RDV_FIN, RDV_INT, DDC, FVA_FIN,
          FVA_INT, FDC`` (coordinate ``group``: ``DVA`` value-added exports,
          ``RDV`` returned domestic value added, ``DDC`` domestic double
          counting, ``FVA``, ``FDC``).
        - ``gross_exports`` (region): all sales to other regions, intermediate
          and final. The terms sum to it exactly (``FDC`` is the remainder, as
          in decompr and KWW's own tables).
        - ``residual`` (region): ``FDC`` minus ``FDC`` computed from its
          formula: zero when the row identity holds; on a table with row
          residuals (WIOD's rounding), the part of gross exports the residuals
          leave unexplained.

    Raises
    ------
    {raises}

    Notes
    -----
    With ``v`` the value-added coefficients, ``B = (I - A)^-1``,
    ``L_ss = (I - A_ss)^-1``, ``Y_sr`` final goods of ``s`` absorbed in ``r``
    and ``E_s`` gross exports of ``s`` (KWW 2014, eq. 36; decompr's ``kww``),
    for exporter ``s``:

    - ``DVA_FIN = v_s B_ss sum_{r != s} Y_sr``
    - ``DVA_INT = v_s sum_{r != s} B_sr Y_rr``
    - ``DVA_INTrex`` = value-added exports ``sum_{r != s} v_s B_s. Y_.r`` minus
      the two terms above (intermediates re-exported to third countries)
    - ``RDV_FIN = v_s sum_{r != s} B_sr Y_rs``
    - ``RDV_INT = v_s sum_{r != s} B_sr A_rs L_ss Y_ss``
    - ``DDC = v_s sum_{r != s} B_sr A_rs L_ss E_s``
    - ``FVA_FIN = sum_{t != s} v_t B_ts sum_{r != s} Y_sr``
    - ``FVA_INT = sum_{t != s} v_t B_ts sum_{r != s} A_sr L_rr Y_rr``
    - ``FDC = E_s`` minus the eight terms above.

    Only ``G`` left and ``G`` right solves with one LU of ``I - A`` are
    needed (``B`` is never formed); every term is a row vector times a column
    vector.

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import from_matrices, kww
    >>> mrio = from_matrices(np.array([[10.0, 5.0], [2.0, 20.0]]),
    ...                      np.array([[30.0, 5.0], [3.0, 40.0]]),
    ...                      regions=["North", "South"], sectors=["goods"],
    ...                      final_categories=["household"], currency_unit="million USD")
    >>> res = kww(mrio)
    >>> res["gross_exports"].values.tolist()
    [10.0, 5.0]
    >>> float(res["terms"].sel(region="North").sum().round(9))
    10.0
    """
    ctx = context(mrio)
    R = ctx.R
    terms, exports, fdc_direct = _kww(ctx.prep)
    groups = ["DVA", "DVA", "DVA", "RDV", "RDV", "DDC", "FVA", "FVA", "FDC"]
    ds = xr.Dataset(
        {
            "terms": (
                ("region", "term"),
                terms[:R],
                base_attrs(ctx, "Koopman-Wang-Wei decomposition of gross exports"),
            ),
            "gross_exports": (("region",), exports[:R], base_attrs(ctx, "gross exports")),
            "residual": (
                ("region",),
                (terms[:, 8] - fdc_direct)[:R],
                base_attrs(ctx, "gross exports not explained by the terms' formulas"),
            ),
        },
        coords={
            "region": list(ctx.regions),
            "term": list(KWW_TERMS),
            "group": ("term", groups),
            "in_nation": ("region", np.array(ctx.in_nation[:R])),
        },
    )
    ds.attrs = _attrs(mrio, "kww", ctx.has_row)
    return ds
