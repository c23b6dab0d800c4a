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


#: Doctests that read the WIOD tables (``IOCIRC_WIOD_DATA``, a copy of bquast/wiod's files).
NEEDS_WIOD_TABLES = {
    "iocirc.datasets.wiod2013",
    "iocirc.download.fetch_wiod",
    "iocirc.mrio._wiod.read_wiod",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wiod = os.environ.get("IOCIRC_WIOD_DATA")
    if not (wiod and (Path(wiod) / "data").is_dir()):
        skip_wiod = pytest.mark.skip(
            reason="reads the WIOD tables: set IOCIRC_WIOD_DATA to a local copy"
        )
        for item in items:
            if item.name in NEEDS_WIOD_TABLES:
                item.add_marker(skip_wiod)
    root = os.environ.get("IOCIRC_DATA")
    if root and (Path(root) / "data-raw").is_dir():
        return
    skip = pytest.mark.skip(reason="reads the official tables: set IOCIRC_DATA to a local copy")
    for item in items:
        if item.name in NEEDS_OFFICIAL_TABLES:
            item.add_marker(skip)
