"""Shared test configuration: hypothesis profiles and access to the official tables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def official_data_root() -> Path | None:
    """The folder holding the official tables (``IOCIRC_DATA``), if set and present."""
    root = os.environ.get("IOCIRC_DATA")
    if root and (Path(root) / "data-raw").is_dir():
        return Path(root)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if official_data_root() is not None:
        return
    skip = pytest.mark.skip(reason="IOCIRC_DATA is not set to a folder holding data-raw/")
    for item in items:
        if "data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def data_root() -> Path:
    root = official_data_root()
    if root is None:
        pytest.skip("IOCIRC_DATA is not set to a folder holding data-raw/")
    return root
