"""Multi-regional input-output (MRIO) tables.

An MRIO table is one :class:`xarray.Dataset` whose flows have an origin
(``region``, ``sector``) and a destination (``region_to``, ``sector_to``), in
the registry :data:`iocirc.schema.MRIO_VARIABLES`. This package builds,
checks and transforms such tables; its functions take a table and return new
objects, never modifying their input.
"""

from iocirc.mrio._absorption import value_added_absorption
from iocirc.mrio._aggregate import aggregate
from iocirc.mrio._balancing import Balanced, BalancingReport, gras, ras
from iocirc.mrio._estimate import (
    Allocation,
    Reconciled,
    chenery_moses,
    estimate,
    estimation_error,
    great_circle_distances,
    od_flows,
    reconcile_trade,
)
from iocirc.mrio._kww import kww, value_added_origin
from iocirc.mrio._matrices import Matrices, as_matrices
from iocirc.mrio._participation import value_chain_participation
from iocirc.mrio._pymrio import from_pymrio, to_pymrio
from iocirc.mrio._table import balance_report, from_matrices, is_mrio, validate
from iocirc.mrio._view import to_single_region
from iocirc.mrio._wiod import read_wiod
from iocirc.mrio._wwz import wwz

__all__ = [
    "Allocation",
    "Balanced",
    "BalancingReport",
    "Matrices",
    "Reconciled",
    "aggregate",
    "as_matrices",
    "balance_report",
    "chenery_moses",
    "estimate",
    "estimation_error",
    "from_matrices",
    "from_pymrio",
    "gras",
    "great_circle_distances",
    "is_mrio",
    "kww",
    "od_flows",
    "ras",
    "read_wiod",
    "reconcile_trade",
    "to_pymrio",
    "to_single_region",
    "validate",
    "value_added_absorption",
    "value_added_origin",
    "value_chain_participation",
    "wwz",
]


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
