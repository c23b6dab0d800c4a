"""Assemble balanced synthetic IO tables from raw draws.

One assembler serves :func:`iocirc.datasets.example_table`,
:func:`iocirc.testing.synthetic_table` (numpy random numbers, for benchmarks)
and :mod:`iocirc.testing.strategies` (hypothesis draws): the draws are shares
in [0, 1]; flows are built from them and totals derived, so the identities
hold by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from iocirc.construct import VA_STANDARD, from_arrays

DOMESTIC_USES = (
    "household_rural",
    "household_urban",
    "government",
    "fixed_capital_formation",
    "inventory_change",
)

#: Which flows each layout reports: the vintages of the official tables.
LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    # 2012 and 2017 provincial tables
    "full": {
        "uses": (*DOMESTIC_USES, "export", "domestic_outflow", "other"),
        "supplies": ("import", "domestic_inflow"),
    },
    # 2007 provincial tables: gross outflow and inflow only
    "gross": {"uses": (*DOMESTIC_USES, "gross_outflow", "other"), "supplies": ("gross_inflow",)},
    # 2002 provincial tables: a net outflow only (absorbs the supplies)
    "net": {"uses": (*DOMESTIC_USES, "net_outflow"), "supplies": ()},
    # national tables: no interprovincial trade
    "national": {"uses": (*DOMESTIC_USES, "export", "other"), "supplies": ("import",)},
}


@dataclass(frozen=True)
class Draws:
    """Raw draws in [0, 1] (output scale in (0, 1]) from which a table is built.

    Shapes: ``output`` (R, S); ``coefficients`` (R, S, S); ``supply_share``
    (R, S); ``use_shares`` (R, S, U); ``supply_shares`` (R, S, M);
    ``va_shares`` (R, K, S), for U uses and M supplies of the layout and K
    value-added components.
    """

    output: np.ndarray
    coefficients: np.ndarray
    supply_share: np.ndarray
    use_shares: np.ndarray
    supply_shares: np.ndarray
    va_shares: np.ndarray


def random_draws(
    rng: np.random.Generator, n_regions: int, n_sectors: int, layout: str = "full"
) -> Draws:
    """Draws from a numpy random generator."""
    spec = LAYOUTS[layout]
    r, s = n_regions, n_sectors
    return Draws(
        output=rng.uniform(0.05, 1.0, (r, s)),
        coefficients=rng.uniform(0.0, 1.0, (r, s, s)) ** 3,  # sparse-ish, like real tables
        supply_share=rng.uniform(0.0, 0.6, (r, s)),
        use_shares=rng.uniform(0.0, 1.0, (r, s, len(spec["uses"]))),
        supply_shares=rng.uniform(0.0, 1.0, (r, s, max(len(spec["supplies"]), 1))),
        va_shares=rng.uniform(0.1, 1.0, (r, len(VA_STANDARD), s)),
    )


def assemble(
    draws: Draws,
    *,
    layout: str = "full",
    regions: list[str],
    sectors: list[str],
    scale: float = 1e6,
    integer: bool = False,
    **kwargs: Any,
) -> xr.Dataset:
    """Build a balanced table from draws.

    Intermediate use is ``Z = A x`` with input coefficients ``A`` whose
    column sums stay below 0.8, so value added is positive. Each product's net
    final use ``x - Z 1`` is split over the layout's uses and supplies; output
    is then derived from the row identity and operating surplus from the column
    identity, so both hold to rounding (exactly with ``integer=True``).
    """
    spec = LAYOUTS[layout]
    uses, supplies = spec["uses"], spec["supplies"]
    n_sectors = len(sectors)
    x = scale * draws.output
    coefficients = 0.8 * draws.coefficients / n_sectors
    z = coefficients * x[:, np.newaxis, :]
    net_final = x - z.sum(axis=2)
    supplied = draws.supply_share * x + np.maximum(0.0, -net_final)
    used = net_final + supplied
    use_w = _normalise(draws.use_shares)
    final_cols = used[..., np.newaxis] * use_w
    if supplies:
        supply_w = _normalise(draws.supply_shares[..., : len(supplies)])
        final_cols = np.concatenate([final_cols, supplied[..., np.newaxis] * supply_w], axis=-1)
    else:
        # The net outflow absorbs what is supplied from outside.
        final_cols[..., uses.index("net_outflow")] -= supplied
    if integer:
        z = np.round(z)
        final_cols = np.round(final_cols)
    signs = np.array([1.0] * len(uses) + [-1.0] * len(supplies))
    output = z.sum(axis=2) + (final_cols * signs).sum(axis=-1)
    value_added_total = output - z.sum(axis=1)
    va_w = _normalise(draws.va_shares.swapaxes(1, 2)).swapaxes(1, 2)
    va = value_added_total[:, np.newaxis, :] * va_w
    if integer:
        va = np.round(va)
    va[:, -1, :] = value_added_total - va[:, :-1, :].sum(axis=1)
    return from_arrays(
        z,
        final_cols,
        va,
        output,
        regions=regions,
        sectors=sectors,
        flows=[*uses, *supplies],
        va_components=VA_STANDARD,
        **kwargs,
    )


def _normalise(weights: np.ndarray) -> np.ndarray:
    """Shares along the last axis; equal shares where all weights are zero."""
    total = weights.sum(axis=-1, keepdims=True)
    equal = np.full_like(weights, 1.0 / weights.shape[-1])
    return np.where(total > 0, weights / np.where(total > 0, total, 1.0), equal)
