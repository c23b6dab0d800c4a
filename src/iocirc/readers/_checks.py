"""Checking a table read from a workbook against the workbook's own printed totals.

The official tables print their totals (intermediate use ``TIU``, final use
``TFU``, output ``GO``, intermediate input ``TII``, value added ``TVA``, input
``TI``) beside the blocks they sum. Each is compared with the sum of the blocks
as read. Published values are rounded, so a total may differ from the sum of its
rounded terms by up to half a unit of the last printed digit per term; a check
fails only beyond :func:`tolerance`. Some published tables do not add up (2002
Fujian); they are read anyway, with a :class:`~iocirc.errors.BalanceWarning`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from iocirc._core import flow_signs, warn
from iocirc.errors import BalanceWarning
from iocirc.schema import CURRENCY_UNIT, identity_terms, members

__all__ = ["Check", "aggregate_parts", "failed_checks", "run_checks", "tolerance", "warn_failures"]

_FLOWS = members("flow")

#: Relative tolerance on top of rounding, as a share of the sum of the absolute terms:
#: 0.01%. Discrepancies in the published tables that are real (2002 Fujian, 0.3-1%;
#: 2002 Jiangsu total input against output, 0.06-0.2%) lie far above it, the noise
#: of re-typed decimals (0.5 in 11688, 0.004%) below.
RTOL = 1e-4


@dataclass
class Check:
    """One printed total against the sum of what it totals, per sector.

    Attributes
    ----------
    name : short name (``"GO"``).
    description : the identity in words, for messages.
    axis : ``"row"`` (per supplying sector) or ``"column"`` (per using sector).
    printed, computed, scale : arrays over sectors; ``scale`` is the sum of the
        absolute values of the terms, the yardstick of the tolerance.
    n_terms : number of printed numbers in each sum (for the rounding allowance).
    """

    name: str
    description: str
    axis: str
    printed: np.ndarray
    computed: np.ndarray
    scale: np.ndarray
    n_terms: int

    @property
    def residual(self) -> np.ndarray:
        """Printed minus computed."""
        return self.printed - self.computed


def tolerance(check: Check, unit: float) -> np.ndarray:
    """Allowed residual of a check, per sector.

    ``unit`` is the rounding step of the printed numbers (1 for whole numbers);
    each of the ``n_terms + 1`` printed numbers may be off by half of it.
    """
    return 0.5 * unit * (check.n_terms + 1) + RTOL * check.scale


def run_checks(
    z: np.ndarray,
    flows: dict[str, np.ndarray],
    va: dict[str, np.ndarray],
    output: np.ndarray,
    totals: dict[str, np.ndarray],
    imported_uses: list[np.ndarray] | None = None,
) -> list[Check]:
    """Compare every printed total that the table has with the sums of its blocks.

    Parameters
    ----------
    z : intermediate use, sectors x sectors.
    flows : reported flows (imports positive), name -> values over sectors.
    va : value-added rows stored, name -> values over sectors.
    output : total output ``GO`` over sectors.
    totals : printed totals found: ``TIU``, ``TFU``, ``TII``, ``TVA``, ``TI``,
        aggregate flows printed beside flows that make them up (``household``,
        ``consumption``, ``capital_formation`` ...), and ``IM``, the imports
        printed on the imported rows of a non-competitive table; name -> values
        over sectors.
    imported_uses : for a table converted from a non-competitive one, the
        uses of the imported products (their intermediate-use columns and
        final-use columns), each over sectors; ``IM`` is checked against their sum.

    Returns
    -------
    list of Check
        One per printed total, plus ``GO`` (the row identity) and ``TI=GO``.
    """
    checks: list[Check] = []

    def add(name: str, text: str, axis: str, printed: np.ndarray, parts: list[np.ndarray]) -> None:
        stack = np.array(parts).reshape(len(parts), len(printed))
        checks.append(
            Check(
                name,
                text,
                axis,
                printed,
                stack.sum(0),
                np.abs(printed) + np.abs(stack).sum(0),
                len(parts),
            )
        )

    terms = identity_terms("flow", flows)
    uses = [f for f in terms if _FLOWS[f].sign > 0 and f != "other"]
    if "TIU" in totals:
        add("TIU", "TIU = sum of intermediate use", "row", totals["TIU"], list(z.T))
    if "TFU" in totals and uses:
        add("TFU", "TFU = sum of final-use columns", "row", totals["TFU"], [flows[f] for f in uses])
    for name, printed in totals.items():
        parts = aggregate_parts(name, flows)
        if parts:  # value = sign * sum(part.sign * part), as the registry defines aggregates
            signed = [_FLOWS[name].sign * _FLOWS[p].sign * flows[p] for p in parts]
            text = " ".join(f"{'-' if s < 0 else '+'} {p}" for p, s in _signs(name, parts))
            add(name, f"{name} = {text.lstrip('+ ')}", "row", printed, signed)
    if "IM" in totals and imported_uses:
        add(
            "IM",
            "IM = intermediate and final use of the imported products",
            "row",
            totals["IM"],
            imported_uses,
        )
    # Always: a table whose final-use columns are missing does not add up either.
    add(
        "GO",
        "GO = intermediate use + final use - imports and inflows",
        "row",
        output,
        [*z.T, *(sign * flows[f] for f, sign in flow_signs(flows).items() if sign)],
    )
    va_terms = identity_terms("va_component", va)
    inputs = [*z, *(va[k] for k in va_terms)]
    if "TII" in totals:
        add("TII", "TII = sum of intermediate inputs", "column", totals["TII"], list(z))
    if "TVA" in totals and "value_added_total" not in va:
        add(
            "TVA",
            "TVA = sum of value-added rows",
            "column",
            totals["TVA"],
            [va[k] for k in va_terms],
        )
    if "TI" in totals:
        add("TI", "TI = TII + TVA", "column", totals["TI"], inputs)
        add("TI=GO", "total input TI = total output GO", "column", totals["TI"], [output])
    return checks


def _signs(name: str, parts: tuple[str, ...]) -> list[tuple[str, int]]:
    return [(p, _FLOWS[name].sign * _FLOWS[p].sign) for p in parts]


def aggregate_parts(name: str, flows: Iterable[str]) -> tuple[str, ...]:
    """The flows among ``flows`` that make up the aggregate ``name`` exactly, else ``()``.

    Each finest part is counted once (``household`` rather than its rural and
    urban parts when both are there); ``()`` if ``name`` is no aggregate or the
    flows leave some of its parts out.

    Examples
    --------
    >>> aggregate_parts("consumption", ["household", "government", "export"])
    ('household', 'government')
    >>> aggregate_parts("consumption", ["household_rural", "government"])
    ()
    """
    if name not in _FLOWS or not _FLOWS[name].parts:
        return ()
    leaves = set(_FLOWS[name].leaves)
    inside = [f for f in flows if f != name and f in _FLOWS and set(_FLOWS[f].leaves) <= leaves]
    chosen = identity_terms("flow", inside)
    covered = {leaf for f in chosen for leaf in _FLOWS[f].leaves}
    return chosen if covered == leaves else ()


def failed_checks(checks: list[Check], unit: float) -> list[tuple[Check, np.ndarray]]:
    """The checks that fail, each with the boolean mask of its failing sectors."""
    failed = []
    for check in checks:
        bad = np.abs(check.residual) > tolerance(check, unit)
        if bad.any():
            failed.append((check, bad))
    return failed


def warn_failures(
    failed: list[tuple[Check, np.ndarray]],
    *,
    where: str,
    codes: list[str],
    names: list[str],
) -> None:
    """Issue one :class:`BalanceWarning` per failing check, naming the worst sector.

    ``where`` names the table (``"Fujian 2002 (12福建.xls, sheet 'Sheet1')"``).
    """
    for check, bad in failed:
        residual = check.residual
        worst = int(np.argmax(np.where(bad, np.abs(residual), -1.0)))
        who = "sector" if check.axis == "row" else "using sector"
        share = f" ({residual[worst] / check.printed[worst]:.3%})" if check.printed[worst] else ""
        others = [codes[i] for i in np.flatnonzero(bad) if i != worst]
        more = f"; also sector(s) {others[:10]}{' ...' if len(others) > 10 else ''}" * bool(others)
        warn(
            f"{where} does not add up: {check.description} fails for {int(bad.sum())} of "
            f"{len(codes)} sectors; worst {who} {codes[worst]!r} ({names[worst]}): printed "
            f"{check.printed[worst]:.10g}, sum {check.computed[worst]:.10g}, difference "
            f"{residual[worst]:.6g} {CURRENCY_UNIT}{share}{more}",
            BalanceWarning,
        )
