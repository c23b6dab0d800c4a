"""The Wang-Wei-Zhu decomposition of bilateral sector-level gross exports."""

from __future__ import annotations

import numpy as np
import xarray as xr

from iocirc.mrio._decompose import WWZ_FINAL, WWZ_TERMS, base_attrs, context
from iocirc.mrio._decompose import wwz as _wwz
from iocirc.mrio._docs import fill_doc
from iocirc.mrio._kww import _attrs

__all__ = ["wwz"]

_GROUP = {
    "DVA_FIN": "DVA",
    "DVA_INT": "DVA",
    "DVA_INTrexI1": "DVA",
    "DVA_INTrexF": "DVA",
    "DVA_INTrexI2": "DVA",
    "RDV_INT": "RDV",
    "RDV_FIN": "RDV",
    "RDV_FIN2": "RDV",
    "OVA_FIN": "FVA",
    "MVA_FIN": "FVA",
    "OVA_INT": "FVA",
    "MVA_INT": "FVA",
    "DDC_FIN": "DDC",
    "DDC_INT": "DDC",
    "ODC": "FDC",
    "MDC": "FDC",
}


@fill_doc
def wwz(mrio: xr.Dataset) -> xr.Dataset:
    """The Wang-Wei-Zhu (2013) decomposition of bilateral sector-level gross exports.

    Parameters
    ----------
    {mrio}

    Returns
    -------
    xarray.Dataset
        In the table's currency unit, over exporter ``region``, exporting
        ``sector`` and importer ``region_to`` (with the extra label
        ``"rest_of_world"`` when the table has an exogenous rest of the world,
        whose purchases count as final goods):

        - ``terms`` (region, sector, region_to, term): the sixteen terms,
          ``term`` labelled ``DVA_FIN, DVA_INT, DVA_INTrexI1, DVA_INTrexF,
          DVA_INTrexI2, RDV_INT, RDV_FIN, RDV_FIN2, OVA_FIN, MVA_FIN, OVA_INT,
          MVA_INT, DDC_FIN, DDC_INT, ODC, MDC`` (decompr's order), with
          coordinates ``group`` (``DVA``, ``RDV``, ``FVA``, ``DDC``, ``FDC``)
          and ``final`` (True for the terms in final-goods exports).
        - ``exports_final``, ``exports_intermediate``, ``gross_exports``
          (region, sector, region_to).
        - ``residual_final``, ``residual_intermediate`` (region, sector,
          region_to): exports minus the sum of their terms. Zero (to rounding)
          when the row identity holds; on a table with row residuals they are
          what the residuals leave unexplained (decompr's ``texpfddiff``,
          ``texpintdiff``).

    Raises
    ------
    {raises}

    Notes
    -----
    Exporter ``s``, importer ``r``, ``#`` the element-wise product over the
    exporting sectors, ``v`` value-added coefficients, ``B = (I - A)^-1``,
    ``L_ss = (I - A_ss)^-1``, ``Y_sr`` final goods, ``E_r`` gross exports of
    ``r`` and ``X_r`` output (WWZ 2013 eq. 19, decompr's ``wwz``):

    - ``DVA_FIN = (v_s B_ss)' # Y_sr``
    - ``DVA_INT = (v_s L_ss)' # (A_sr B_rr Y_rr)``
    - ``DVA_INTrexI1 = (v_s L_ss)' # (A_sr sum_{t != s,r} B_rt Y_tt)``
    - ``DVA_INTrexF = (v_s L_ss)' # (A_sr B_rr sum_{t != s,r} Y_rt)``
    - ``DVA_INTrexI2 = (v_s L_ss)' # (A_sr sum_{t != s,r} B_rt sum_{u != s,t} Y_tu)``
    - ``RDV_INT = (v_s L_ss)' # (A_sr B_rs Y_ss)``
    - ``RDV_FIN = (v_s L_ss)' # (A_sr B_rr Y_rs)``
    - ``RDV_FIN2 = (v_s L_ss)' # (A_sr sum_{t != s,r} B_rt Y_ts)``
    - ``OVA_FIN = (sum_{t != s,r} v_t B_ts)' # Y_sr``,
      ``MVA_FIN = (v_r B_rs)' # Y_sr``
    - ``OVA_INT = (sum_{t != s,r} v_t B_ts)' # (A_sr L_rr Y_rr)``,
      ``MVA_INT = (v_r B_rs)' # (A_sr L_rr Y_rr)``
    - ``DDC_FIN = (v_s L_ss)' # (A_sr B_rs sum_{t != s} Y_st)``
    - ``DDC_INT = (v_s B_ss - v_s L_ss)' # (A_sr X_r)``
    - ``ODC = (sum_{t != s,r} v_t B_ts)' # (A_sr L_rr E_r)``,
      ``MDC = (v_r B_rs)' # (A_sr L_rr E_r)``

    ``B`` is formed once (its diagonal blocks ``B_rr`` are needed); the rest
    are solves with the local LUs and products of ``A^F`` rows with ``O(n^2)``
    cost per column. Summed over sectors and partners, the terms give the KWW
    terms (:func:`iocirc.mrio.kww`) as listed in ``WWZ_TO_KWW`` of the user
    guide.

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import from_matrices, wwz
    >>> mrio = from_matrices(np.array([[10.0, 5.0], [2.0, 20.0]]),
    ...                      np.array([[30.0, 5.0], [3.0, 40.0]]),
    ...                      regions=["North", "South"], sectors=["goods"],
    ...                      final_categories=["household"], currency_unit="million USD")
    >>> res = wwz(mrio)
    >>> res["gross_exports"].sel(region="North", region_to="South").values.tolist()
    [10.0]
    >>> float(res["terms"].sel(region="North", region_to="South").sum().round(9))
    10.0
    """
    ctx = context(mrio)
    R, S, n = ctx.R, len(ctx.sectors), ctx.n_real
    terms, eint, efd = _wwz(ctx.prep)
    G = len(ctx.producers)
    terms = terms[:n].reshape(R, S, G, 16)
    eint = eint[:n].reshape(R, S, G)
    efd = efd[:n].reshape(R, S, G)
    final = np.array([t in WWZ_FINAL for t in WWZ_TERMS])
    dims3 = ("region", "sector", "region_to")
    ds = xr.Dataset(
        {
            "terms": (
                (*dims3, "term"),
                terms,
                base_attrs(ctx, "Wang-Wei-Zhu decomposition of bilateral gross exports"),
            ),
            "exports_final": (dims3, efd, base_attrs(ctx, "exports of final goods")),
            "exports_intermediate": (
                dims3,
                eint,
                base_attrs(ctx, "exports of intermediate goods"),
            ),
            "gross_exports": (dims3, efd + eint, base_attrs(ctx, "gross exports")),
            "residual_final": (
                dims3,
                efd - terms[..., final].sum(axis=-1),
                base_attrs(ctx, "final-goods exports minus the sum of their terms"),
            ),
            "residual_intermediate": (
                dims3,
                eint - terms[..., ~final].sum(axis=-1),
                base_attrs(ctx, "intermediate exports minus the sum of their terms"),
            ),
        },
        coords={
            "region": list(ctx.regions),
            "sector": list(ctx.sectors),
            "region_to": list(ctx.producers),
            "term": list(WWZ_TERMS),
            "group": ("term", [_GROUP[t] for t in WWZ_TERMS]),
            "final": ("term", final),
            "in_nation": ("region", np.array(ctx.in_nation[:R])),
        },
    )
    ds.attrs = _attrs(mrio, "wwz", ctx.has_row)
    return ds
