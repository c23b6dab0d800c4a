"""Balanced synthetic multi-regional tables from raw draws.

One assembler serves :func:`iocirc.testing.synthetic_mrio` (numpy random
numbers) and :func:`iocirc.testing.strategies.mrio_tables` (hypothesis draws):
the draws are shares in [0, 1]; flows are built from them and totals derived,
so both identities hold by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from iocirc.mrio import from_matrices
from iocirc.schema import VA_STANDARD

#: Final-demand categories of the synthetic tables, by name: WIOD's five, the
#: CEADS split of households, and two small sets.
CATEGORY_SETS: dict[str, tuple[str, ...]] = {
    "wiod": ("household", "npish", "government", "fixed_capital_formation", "inventory_change"),
    "ceads": (
        "household_rural",
        "household_urban",
        "government",
        "fixed_capital_formation",
        "inventory_change",
    ),
    "consumption": ("consumption", "capital_formation"),
    "single": ("household",),
}


@dataclass(frozen=True)
class MrioDraws:
    """Raw draws in [0, 1] from which a multi-regional table is built.

    Shapes, for R regions, S sectors, F categories and K value-added
    components: ``output`` (R, S) in (0, 1]; ``coefficients`` (R, S, R, S);
    ``supply_share`` (R, S); ``final_shares`` (R, S, R * F + 1) (the last
    column goes to exports when the table has them); ``discrepancy`` (R, S);
    ``va_shares`` (R, K, S); ``import_final`` (R, F) (non-competitive imports
    of final users).
    """

    output: np.ndarray
    coefficients: np.ndarray
    supply_share: np.ndarray
    final_shares: np.ndarray
    discrepancy: np.ndarray
    va_shares: np.ndarray
    import_final: np.ndarray


def random_draws(
    rng: np.random.Generator, n_regions: int, n_sectors: int, n_categories: int, n_va: int
) -> MrioDraws:
    """Draws from a numpy random generator."""
    r, s = n_regions, n_sectors
    home = np.eye(r)[:, np.newaxis, :, np.newaxis]  # trade is mostly within a region
    return MrioDraws(
        output=rng.uniform(0.05, 1.0, (r, s)),
        coefficients=rng.uniform(0.0, 1.0, (r, s, r, s)) ** 3 * (0.2 + 0.8 * home),
        supply_share=rng.uniform(0.0, 0.3, (r, s)),
        final_shares=rng.uniform(0.0, 1.0, (r, s, r * n_categories + 1)),
        discrepancy=rng.uniform(0.0, 1.0, (r, s)),
        va_shares=rng.uniform(0.1, 1.0, (r, n_va, s)),
        import_final=rng.uniform(0.0, 1.0, (r, n_categories)),
    )


def assemble(
    draws: MrioDraws,
    *,
    regions: Sequence[str],
    sectors: Sequence[str],
    categories: Sequence[str],
    va_components: Sequence[str] = VA_STANDARD,
    nation: Sequence[str] | None = None,
    exports: bool = True,
    imports: bool = True,
    discrepancy: bool = False,
    scale: float = 1e3,
    noncompetitive: bool = False,
    **kwargs: Any,
) -> xr.Dataset:
    """Build a balanced multi-regional table from draws.

    Intermediate use is ``Z = A x`` with coefficients whose column sums stay
    below 0.8, so value added is positive. Each row's remainder
    ``x - Z 1 - d`` plus its imports is split over the final users of every
    region (and exports); output is then derived from the row identity and
    value added from the column identity, so both hold to rounding. Without
    imports a row whose intermediate sales exceed the drawn output gets that
    output raised instead. With ``noncompetitive=True`` the imports are by
    user instead (``imported_inputs``, up to 15% of a column's output, and
    ``imported_final_use``), outside the rows.
    """
    R, S, F = len(regions), len(sectors), len(categories)
    n = R * S
    x0 = scale * draws.output.reshape(n)
    coefficients = 0.8 * draws.coefficients.reshape(n, n) / n
    z = coefficients * x0[np.newaxis, :]
    d = 0.02 * (draws.discrepancy.reshape(n) - 0.5) * x0 if discrepancy else np.zeros(n)
    net = x0 - z.sum(axis=1) - d
    competitive = imports and not noncompetitive
    m = draws.supply_share.reshape(n) * x0 + np.maximum(0.0, -net) if competitive else np.zeros(n)
    used = np.maximum(net + m, 0.0)
    shares = draws.final_shares.reshape(n, R * F + 1)
    if not exports:
        shares = shares[:, :-1]
    shares = _normalise(shares)
    final = used[:, np.newaxis] * shares
    y = final[:, : R * F]
    e = final[:, R * F] if exports else None
    x = z.sum(axis=1) + y.sum(axis=1) + (e if e is not None else 0.0) - m + d
    mz = my = None
    if imports and noncompetitive:
        mz = 0.15 * draws.supply_share.reshape(n) * x0
        my = 0.1 * scale * draws.import_final.reshape(R * F)
    va_total = x - z.sum(axis=0) - (mz if mz is not None else 0.0)
    K = len(va_components)
    w = _normalise(draws.va_shares[:, :K, :].transpose(0, 2, 1)).transpose(0, 2, 1)  # (R, K, S)
    v = va_total.reshape(R, 1, S) * w
    v[:, -1, :] = va_total.reshape(R, S) - v[:, :-1, :].sum(axis=1)
    return from_matrices(
        z,
        y,
        regions=regions,
        sectors=sectors,
        final_categories=categories,
        output=x if discrepancy else None,
        value_added=v.transpose(1, 0, 2).reshape(K, n),
        va_components=va_components,
        exports=e,
        imports=m if competitive else None,
        imported_inputs=mz,
        imported_final_use=my,
        nation=nation,
        **kwargs,
    )


def _normalise(weights: np.ndarray) -> np.ndarray:
    """Shares along the last axis; equal shares where all weights are zero."""
    total = weights.sum(axis=-1, keepdims=True)
    equal = np.full_like(weights, 1.0 / weights.shape[-1])
    return np.where(total > 0, weights / np.where(total > 0, total, 1.0), equal)
