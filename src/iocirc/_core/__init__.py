"""The core under every feature of iocirc (internal; not part of the public API).

Feature modules (readers, indicators, aggregation, trade, analysis, mrio) import
what they share from here, never private names of each other:

- :mod:`~iocirc._core.table`: :func:`check_table`, the one structure check of a
  regional table, generated from :data:`iocirc.schema.VARIABLES`;
- :mod:`~iocirc._core.checks`: value checks (:func:`check_values`,
  :func:`check_array`, :func:`ensure`), labels, units, numbers, tolerances and
  the one :func:`check_choice`;
- :mod:`~iocirc._core.identities`: the row and column identities, written once;
- :mod:`~iocirc._core.positions`: :func:`describe`, naming a position of a table;
- :mod:`~iocirc._core.groups`: members of named region or partner groups;
- :mod:`~iocirc._core.warn`: :func:`warn`, attributing a warning to the user's line;
- :mod:`~iocirc._core.deprecation`: old names kept as deprecated aliases.
"""

from iocirc._core.checks import (
    MAX_ABS,
    check_array,
    check_choice,
    check_labels,
    check_tolerance,
    check_units,
    check_values,
    check_year,
    ensure,
    finite_number,
)
from iocirc._core.deprecation import moved
from iocirc._core.groups import group_members
from iocirc._core.identities import (
    DEFAULT_RTOL,
    PRINTED_RTOL,
    check_identities,
    default_tolerances,
    flow_signs,
    flow_weights,
    identity_residuals,
    row_accounted,
)
from iocirc._core.positions import describe
from iocirc._core.table import check_table
from iocirc._core.warn import user_stacklevel, warn

__all__ = [
    "DEFAULT_RTOL",
    "MAX_ABS",
    "PRINTED_RTOL",
    "check_array",
    "check_choice",
    "check_identities",
    "check_labels",
    "check_table",
    "check_tolerance",
    "check_units",
    "check_values",
    "check_year",
    "default_tolerances",
    "describe",
    "ensure",
    "finite_number",
    "flow_signs",
    "flow_weights",
    "group_members",
    "identity_residuals",
    "moved",
    "row_accounted",
    "user_stacklevel",
    "warn",
]
