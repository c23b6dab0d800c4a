"""Doctests that read the official tables run where the tables are at hand.

They use ``IOCIRC_DATA`` (a local copy of the mirror, as in CI); without it
they are skipped with that reason rather than downloading in a test run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NEEDS_OFFICIAL_TABLES = {
    "iocirc.datasets.china_provincial",
    "iocirc.download.fetch",
    "iocirc.download.national_files",
    "iocirc.download.provincial_files",
    "iocirc.readers.nbs.read_nbs_table",
    "iocirc.readers.nbs.read_nbs_tables",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = os.environ.get("IOCIRC_DATA")
    if root and (Path(root) / "data-raw").is_dir():
        return
    skip = pytest.mark.skip(reason="reads the official tables: set IOCIRC_DATA to a local copy")
    for item in items:
        if item.name in NEEDS_OFFICIAL_TABLES:
            item.add_marker(skip)
