"""The matrix view of a multi-regional table, shared by every module of :mod:`iocirc.mrio`.

Every MRIO algorithm (Leontief inverses, value-added decompositions, balancing)
works on the country-major layout of decompr and pymrio: rows and columns of
``Z`` ordered region 1 sectors 1..S, region 2 sectors 1..S, ...; final-demand
columns of ``Y`` region-major by category. :func:`as_matrices` gives that view
of a table as plain float64 numpy arrays (copies, so callers may modify them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from iocirc.errors import SchemaError
from iocirc.schema import MRIO_DIMS, MRIO_VARIABLES, identity_terms

__all__ = ["Matrices", "as_matrices"]


@dataclass(frozen=True)
class Matrices:
    """A multi-regional table as numpy arrays in the country-major layout.

    With ``R`` regions, ``S`` sectors, ``F`` final-demand categories and
    ``n = R * S``, position ``r * S + i`` is sector ``i`` of region ``r``.
    All values are in the table's currency unit.

    Attributes
    ----------
    Z : numpy.ndarray, shape (n, n)
        Intermediate use: row (origin region, sector), column (destination
        region, sector).
    Y : numpy.ndarray, shape (n, R * F)
        Final use, columns region-major by category: column ``s * F + f`` is
        category ``flows[f]`` of destination region ``s``.
    Yd : numpy.ndarray, shape (n, R)
        Final use by destination region, summed over the categories.
    x : numpy.ndarray, shape (n,)
        Total output.
    va : numpy.ndarray, shape (n,)
        Total value added of each producing region and sector.
    V : numpy.ndarray, shape (K, n)
        Value added by component (``va_components``).
    export, imports, discrepancy : numpy.ndarray, shape (n,)
        Exports to and competitive imports from the exogenous rest of the
        world, and the explicit row residual (zeros where the table has none).
    imported_inputs : numpy.ndarray, shape (n,)
        Non-competitive imports used as inputs by each industry (a column
        term; zeros where the table has none).
    imported_final_use : numpy.ndarray, shape (R * F,)
        Non-competitive imports bought by each final-use column of ``Y``
        (zeros where the table has none).
    regions, sectors, flows, va_components : tuple of str
        Labels. ``flows`` are the categories of ``Y``, in the table's order:
        those entering the row identity (:func:`iocirc.schema.identity_terms`),
        so an aggregate category and its parts are never both counted.
    in_nation : numpy.ndarray of bool, shape (R,)
        Which regions form the nation.
    R, S, n : int
        Number of regions, of sectors, and ``R * S``.
    attrs : dict
        A copy of the table's attributes.
    """

    Z: np.ndarray
    Y: np.ndarray
    Yd: np.ndarray
    x: np.ndarray
    va: np.ndarray
    V: np.ndarray
    export: np.ndarray
    imports: np.ndarray
    discrepancy: np.ndarray
    imported_inputs: np.ndarray
    imported_final_use: np.ndarray
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    flows: tuple[str, ...]
    va_components: tuple[str, ...]
    in_nation: np.ndarray
    R: int
    S: int
    n: int
    attrs: dict[str, Any]

    @property
    def F(self) -> int:
        """Number of final-demand categories (columns of ``Y`` per region)."""
        return len(self.flows)


def as_matrices(mrio: xr.Dataset) -> Matrices:
    """The country-major matrices of a multi-regional table.

    Parameters
    ----------
    mrio : xarray.Dataset
        A multi-regional table (see :data:`iocirc.schema.MRIO_VARIABLES`)
        without extra dimensions (select one ``year`` first). Dask-backed data
        are computed.

    Returns
    -------
    Matrices
        Plain float64 numpy arrays (copies) in the table's currency unit.

    Notes
    -----
    With ``n = R * S``, ``Z[r*S + i, s*S + j]`` is
    ``intermediate_use[r, i, s, j]`` and ``Y[r*S + i, s*F + f]`` is
    ``final_use[r, i, s, f]``; ``Yd = sum_f Y`` per destination region and
    ``va = sum_k V_k`` over the value-added components entering the column
    identity. The identities read
    ``x = Z 1 + Y 1 + export - imports + discrepancy`` and
    ``x = 1'Z + imported_inputs + va``.

    Raises
    ------
    SchemaError
        If ``mrio`` is not a well-formed multi-regional table, or has extra
        dimensions.

    Examples
    --------
    >>> import numpy as np
    >>> from iocirc.mrio import as_matrices, from_matrices
    >>> Z = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> Y = np.array([[5.0, 6.0], [7.0, 8.0]])
    >>> mrio = from_matrices(Z, Y, regions=["A", "B"], sectors=["s"],
    ...                      final_categories=["household"])
    >>> m = as_matrices(mrio)
    >>> m.n, m.x.tolist(), m.Yd.tolist()
    (2, [14.0, 22.0], [[5.0, 6.0], [7.0, 8.0]])
    """
    from iocirc.mrio._table import check_structure

    check_structure(mrio)
    extra = sorted(
        str(d)
        for name in MRIO_VARIABLES
        if name in mrio.data_vars
        for d in mrio[name].dims
        if d not in MRIO_DIMS
    )
    if extra:
        raise SchemaError(
            f"the table has the extra dimension(s) {sorted(set(extra))}; the matrix view "
            "needs one table: select one first (e.g. mrio.sel(year=2011))"
        )
    regions = tuple(str(r) for r in mrio.indexes["region"])
    sectors = tuple(str(s) for s in mrio.indexes["sector"])
    present = [str(f) for f in mrio.indexes["flow"]]
    counted = set(identity_terms("flow", present))
    flows = tuple(f for f in present if f in counted)  # the table's order
    components = tuple(str(k) for k in mrio.indexes["va_component"])
    va_terms = identity_terms("va_component", components)
    R, S, F, K = len(regions), len(sectors), len(flows), len(components)
    n = R * S

    def values(name: str, dims: tuple[str, ...], shape: tuple[int, ...]) -> np.ndarray:
        if name not in mrio.data_vars:
            return np.zeros(shape)
        var = mrio[name]
        if name in ("final_use", "imported_final_use"):
            var = var.sel(flow=list(flows))
        return np.array(np.asarray(var.transpose(*dims).values).reshape(shape), dtype=np.float64)

    Z = values("intermediate_use", ("region", "sector", "region_to", "sector_to"), (n, n))
    Y = values("final_use", ("region", "sector", "region_to", "flow"), (n, R * F))
    V = values("value_added", ("va_component", "region", "sector"), (K, n))
    keep = np.array([k in va_terms for k in components], dtype=bool)
    return Matrices(
        Z=Z,
        Y=Y,
        Yd=Y.reshape(n, R, F).sum(axis=2),
        x=values("total_output", ("region", "sector"), (n,)),
        va=V[keep].sum(axis=0),
        V=V,
        export=values("export", ("region", "sector"), (n,)),
        imports=values("import", ("region", "sector"), (n,)),
        discrepancy=values("discrepancy", ("region", "sector"), (n,)),
        imported_inputs=values("imported_inputs", ("region", "sector"), (n,)),
        imported_final_use=values("imported_final_use", ("region_to", "flow"), (R * F,)),
        regions=regions,
        sectors=sectors,
        flows=flows,
        va_components=components,
        in_nation=np.array(mrio["in_nation"].values, dtype=bool),
        R=R,
        S=S,
        n=n,
        attrs=dict(mrio.attrs),
    )
