"""iocirc: regional input-output tables and dual-circulation indicators on xarray.

A regional IO table is an :class:`xarray.Dataset` (see :mod:`iocirc.schema`);
functions take it and return new objects, never modifying their input.

Submodules and functions are imported on first use, so ``import iocirc`` is quick.
"""

import importlib as _importlib
import pkgutil as _pkgutil
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

if _TYPE_CHECKING:
    from iocirc import (
        aggregation,
        analysis,
        classifications,
        cli,
        construct,
        datasets,
        download,
        errors,
        indicators,
        mrio,
        plotting,
        readers,
        regions,
        report,
        schema,
        testing,
        tidy,
        trade,
        units,
        validation,
    )
    from iocirc.aggregation import aggregate_regions, aggregate_sectors
    from iocirc.construct import from_arrays, from_frames
    from iocirc.indicators import (
        circulation,
        circulation_ratio,
        gdp,
        net_outflow_contribution,
        value_added_share,
    )
    from iocirc.readers import read_nbs_table, read_nbs_tables
    from iocirc.readers.ceads import read_ceads_mrio
    from iocirc.tidy import from_tidy, to_tidy
    from iocirc.trade import (
        freight_domestic_share,
        freight_integration_level,
        freight_outflow_share,
        freight_receipt_share,
        partner_group_share,
        partner_group_totals,
        read_customs_csv,
        read_freight_csv,
        read_partner_trade_csv,
        usd_to_cny,
        with_customs_trade,
    )
    from iocirc.validation import balance_report, validate

try:
    __version__ = _version("iocirc")
except _PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "aggregate_regions",
    "aggregate_sectors",
    "aggregation",
    "analysis",
    "balance_report",
    "circulation",
    "circulation_ratio",
    "classifications",
    "cli",
    "construct",
    "datasets",
    "download",
    "errors",
    "freight_domestic_share",
    "freight_integration_level",
    "freight_outflow_share",
    "freight_receipt_share",
    "from_arrays",
    "from_frames",
    "from_tidy",
    "gdp",
    "indicators",
    "mrio",
    "net_outflow_contribution",
    "partner_group_share",
    "partner_group_totals",
    "plotting",
    "read_ceads_mrio",
    "read_customs_csv",
    "read_freight_csv",
    "read_nbs_table",
    "read_nbs_tables",
    "read_partner_trade_csv",
    "readers",
    "regions",
    "report",
    "schema",
    "testing",
    "tidy",
    "to_tidy",
    "trade",
    "units",
    "usd_to_cny",
    "validate",
    "validation",
    "value_added_share",
    "with_customs_trade",
]

#: Submodules (every public module of the package), imported on first access.
_SUBMODULES = frozenset(
    m.name for m in _pkgutil.iter_modules(__path__) if not m.name.startswith("_")
)
#: Modules kept for a release as deprecated aliases of their new place (not in __all__).
_DEPRECATED_MODULES = frozenset({"customs", "freight", "partners"})
#: Re-exported name -> the module that defines it.
_NAMES = {
    "aggregate_regions": "iocirc.aggregation",
    "aggregate_sectors": "iocirc.aggregation",
    "balance_report": "iocirc.validation",
    "circulation": "iocirc.indicators",
    "circulation_ratio": "iocirc.indicators",
    "freight_domestic_share": "iocirc.trade.freight",
    "freight_integration_level": "iocirc.trade.freight",
    "freight_outflow_share": "iocirc.trade.freight",
    "freight_receipt_share": "iocirc.trade.freight",
    "from_arrays": "iocirc.construct",
    "from_frames": "iocirc.construct",
    "from_tidy": "iocirc.tidy",
    "gdp": "iocirc.indicators",
    "net_outflow_contribution": "iocirc.indicators",
    "partner_group_share": "iocirc.trade.partners",
    "partner_group_totals": "iocirc.trade.partners",
    "read_ceads_mrio": "iocirc.readers.ceads",
    "read_customs_csv": "iocirc.trade.customs",
    "read_freight_csv": "iocirc.trade.freight",
    "read_nbs_table": "iocirc.readers",
    "read_nbs_tables": "iocirc.readers",
    "read_partner_trade_csv": "iocirc.trade.partners",
    "to_tidy": "iocirc.tidy",
    "usd_to_cny": "iocirc.trade.customs",
    "validate": "iocirc.validation",
    "value_added_share": "iocirc.indicators",
    "with_customs_trade": "iocirc.trade.customs",
}


def __getattr__(name: str) -> _Any:
    if name in _SUBMODULES:
        value: _Any = _importlib.import_module(f"iocirc.{name}")
    elif name in _NAMES:
        value = getattr(_importlib.import_module(_NAMES[name]), name)
    else:
        raise AttributeError(f"module 'iocirc' has no attribute {name!r}")
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
