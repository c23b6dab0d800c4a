"""iocirc: regional input-output tables and dual-circulation indicators on xarray.

A regional IO table is an :class:`xarray.Dataset` (see :mod:`iocirc.schema`);
functions take it and return new objects, never modifying their input.
"""

from importlib.metadata import PackageNotFoundError, version

from iocirc import (
    aggregation,
    analysis,
    classifications,
    customs,
    datasets,
    download,
    errors,
    freight,
    indicators,
    partners,
    plotting,
    regions,
    schema,
)
from iocirc.aggregation import aggregate_regions, aggregate_sectors
from iocirc.construct import from_arrays, from_frames
from iocirc.customs import read_customs_csv, usd_to_cny, with_customs_trade
from iocirc.freight import (
    freight_domestic_share,
    freight_integration_level,
    freight_outflow_share,
    freight_receipt_share,
    read_freight_csv,
)
from iocirc.indicators import circulation_ratio, gdp, net_outflow_contribution, value_added_share
from iocirc.partners import partner_group_share, partner_group_totals, read_partner_trade_csv
from iocirc.readers import read_nbs_table, read_nbs_tables
from iocirc.tidy import from_tidy, to_tidy
from iocirc.validation import balance_report, validate

try:
    __version__ = version("iocirc")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "aggregate_regions",
    "aggregate_sectors",
    "aggregation",
    "analysis",
    "balance_report",
    "circulation_ratio",
    "classifications",
    "customs",
    "datasets",
    "download",
    "errors",
    "freight",
    "freight_domestic_share",
    "freight_integration_level",
    "freight_outflow_share",
    "freight_receipt_share",
    "from_arrays",
    "from_frames",
    "from_tidy",
    "gdp",
    "indicators",
    "net_outflow_contribution",
    "partner_group_share",
    "partner_group_totals",
    "partners",
    "plotting",
    "read_customs_csv",
    "read_freight_csv",
    "read_nbs_table",
    "read_nbs_tables",
    "read_partner_trade_csv",
    "regions",
    "schema",
    "to_tidy",
    "usd_to_cny",
    "validate",
    "value_added_share",
    "with_customs_trade",
]
