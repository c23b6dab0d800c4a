"""GDP by where it is absorbed: value added traced to the final demand that absorbs it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from iocirc.mrio._decompose import ROW_LABEL, absorption, base_attrs, context
from iocirc.mrio._docs import fill_doc

__all__ = ["value_added_absorption"]

#: Labels of the ``absorbed_in`` dimension of :func:`value_added_absorption`.
ABSORBED_IN: tuple[str, ...] = ("own_region", "rest_of_nation", "abroad")


@fill_doc
def value_added_absorption(mrio: xr.Dataset, *, nation: Sequence[str] | None = None) -> xr.Dataset:
    """Each region's GDP split by where the final demand that absorbs it sits.

    Parameters
    ----------
    {mrio}
    nation : sequence of str, optional
        The regions forming the nation, overriding the table's ``in_nation``
        coordinate. "Rest of nation" is every other region of the nation when
        the producing region belongs to it; everything else is "abroad".

    Returns
    -------
    xarray.Dataset
        In the table's currency unit:

        - ``absorbed`` (region, sector, region_to): value added of (region,
          sector) absorbed by the final demand of ``region_to``. With an
          exogenous rest of the world ``region_to`` has the extra label
          ``"rest_of_world"`` (its final demand is the table's exports).
        - ``absorbed_region`` (region, region_to): the same summed over sectors.
        - ``by_destination`` (region, sector, absorbed_in) and
          ``by_destination_region`` (region, absorbed_in): grouped into
          ``own_region``, ``rest_of_nation`` and ``abroad``.
        - ``share`` (region, absorbed_in): ``by_destination_region`` divided by
          GDP (dimensionless).
        - ``gdp`` (region, sector) and ``gdp_region`` (region): value added,
          output minus the column sums of ``intermediate_use``.
        - ``residual`` (region, sector): GDP not traced to any final demand,
          ``gdp - absorbed.sum("region_to")``: zero when the row identity
          holds; on a table with a ``discrepancy`` it is the value added the
          residuals carry, ``v (B d)``.

    Raises
    ------
    {raises}
    {raises_nation}

    Notes
    -----
    With ``A = Z diag(x)^-1``, ``v_j = (x_j - sum_i Z_ij) / x_j``,
    ``B = (I - A)^-1`` and ``Y`` the final demand by destination region,

    .. math:: \\mathrm{absorbed} = \\hat v \\, B \\, Y ,

    which sums over destinations to ``v x = GDP`` whenever ``x = Z 1 + Y 1``
    (Johnson and Noguera 2012; the value-added exports of Koopman, Wang and
    Wei 2014 are the off-diagonal blocks). Computed with one LU factorisation
    of ``I - A`` and ``R`` solves; ``B`` is never formed.

    An exogenous rest of the world enters as a pseudo-region
    ``"rest_of_world"``: its final demand is the table's ``export``; it
    supplies the ``import`` of each product to the importing region's users in
    proportion to their use of the product (the imported share
    ``m / (Z 1 + Y 1 + e + max(d, 0))`` of each row), or the non-competitive
    ``imported_inputs`` and ``imported_final_use``, with no inputs of its own
    (see the user guide, "Value added in trade").

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import from_matrices, value_added_absorption
    >>> mrio = from_matrices(np.array([[10.0, 5.0], [2.0, 20.0]]),
    ...                      np.array([[30.0, 5.0], [3.0, 40.0]]),
    ...                      regions=["North", "South"], sectors=["goods"],
    ...                      final_categories=["household"], nation=["North", "South"],
    ...                      currency_unit="million USD")
    >>> res = value_added_absorption(mrio)
    >>> res["by_destination_region"].round(3).values.tolist()
    [[28.978, 9.022, 0.0], [35.978, 4.022, 0.0]]
    >>> res["gdp_region"].values.tolist()
    [38.0, 40.0]
    """
    ctx = context(mrio, nation=nation)
    p = ctx.prep
    R, S, n = ctx.R, len(ctx.sectors), ctx.n_real
    absorbed = absorption(p)[:n]  # (n, G_dest)
    dest = list(ctx.producers)
    regions, sectors = list(ctx.regions), list(ctx.sectors)
    a3 = absorbed.reshape(R, S, len(dest))
    nat = ctx.in_nation  # over destinations (rest of world: False)
    own = np.zeros((R, len(dest)), dtype=bool)
    own[np.arange(R), np.arange(R)] = True
    same_nation = nat[:R, np.newaxis] & nat[np.newaxis, :] & ~own
    groups = np.stack(
        [
            np.where(own[:, np.newaxis, :], a3, 0.0).sum(axis=2),
            np.where(same_nation[:, np.newaxis, :], a3, 0.0).sum(axis=2),
            np.where((~own & ~same_nation)[:, np.newaxis, :], a3, 0.0).sum(axis=2),
        ],
        axis=2,
    )
    gdp = ctx.va.reshape(R, S)
    unit = ctx.unit
    coords = {
        "region": regions,
        "sector": sectors,
        "region_to": dest,
        "absorbed_in": list(ABSORBED_IN),
    }
    ds = xr.Dataset(
        {
            "absorbed": (
                ("region", "sector", "region_to"),
                a3,
                base_attrs(
                    ctx, "value added of (region, sector) absorbed by the final demand of region_to"
                ),
            ),
            "absorbed_region": (
                ("region", "region_to"),
                a3.sum(axis=1),
                base_attrs(ctx, "value added of region absorbed by the final demand of region_to"),
            ),
            "by_destination": (
                ("region", "sector", "absorbed_in"),
                groups,
                base_attrs(ctx, "value added of (region, sector) by where it is absorbed"),
            ),
            "by_destination_region": (
                ("region", "absorbed_in"),
                groups.sum(axis=1),
                base_attrs(ctx, "GDP of region by where it is absorbed"),
            ),
            "gdp": (
                ("region", "sector"),
                gdp.copy(),
                base_attrs(ctx, "value added (output minus intermediate inputs)"),
            ),
            "gdp_region": (("region",), gdp.sum(axis=1), base_attrs(ctx, "GDP")),
            "residual": (
                ("region", "sector"),
                gdp - a3.sum(axis=2),
                base_attrs(
                    ctx,
                    "value added not traced to final demand (carried by the row residuals)",
                ),
            ),
        },
        coords=coords,
    )
    total = ds["gdp_region"]
    ds["share"] = (ds["by_destination_region"] / total.where(total != 0)).fillna(0.0)
    ds["share"].attrs = {"units": "1", "long_name": "share of GDP by where it is absorbed"}
    ds = ds.assign_coords(in_nation=("region", np.array(ctx.in_nation[:R])))
    ds.attrs = {
        "decomposition": "value_added_absorption",
        "currency_unit": unit,
        "rest_of_world": ROW_LABEL if ctx.has_row else "",
        "source": str(mrio.attrs.get("source", "")),
        "year": mrio.attrs.get("year", -1),
    }
    return ds
