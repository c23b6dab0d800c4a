"""iocirc: regional input-output tables and dual-circulation indicators on xarray.

A regional IO table is an :class:`xarray.Dataset` (see :mod:`iocirc.schema`);
functions take it and return new objects, never modifying their input.
"""

from importlib.metadata import PackageNotFoundError, version

from iocirc import classifications, datasets, download, errors, plotting, regions, schema
from iocirc.construct import from_arrays, from_frames
from iocirc.tidy import from_tidy, to_tidy
from iocirc.validation import balance_report, validate

try:
    __version__ = version("iocirc")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "balance_report",
    "classifications",
    "datasets",
    "download",
    "errors",
    "from_arrays",
    "from_frames",
    "from_tidy",
    "plotting",
    "regions",
    "schema",
    "to_tidy",
    "validate",
]
