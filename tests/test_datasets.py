"""The official tables through iocirc.datasets, offline from the shared cache."""

from __future__ import annotations

import socket

import pytest

import iocirc

pytestmark = pytest.mark.data


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("china_provincial touched the network with a complete cache")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_china_provincial_2017_reads_all_31_provinces_offline(data_root, offline, monkeypatch):
    monkeypatch.setenv("IOCIRC_DATA", str(data_root))
    ds = iocirc.datasets.china_provincial(2017)
    assert ds.sizes["region"] == 31
    assert ds.sizes["sector"] == 42
    assert list(ds.indexes["region"])[:3] == ["Beijing", "Tianjin", "Hebei"]
    assert ds.attrs["year"] == 2017
    assert ds.attrs["classification"] == "NBS-2017-42"
    assert {"export", "domestic_outflow", "import", "domestic_inflow"} <= set(ds.indexes["flow"])
    iocirc.validate(ds, rtol=1e-4, atol=1.0)


@pytest.mark.parametrize(("year", "n"), [(2002, 30), (2007, 30), (2012, 31)])
def test_china_provincial_other_vintages(data_root, offline, monkeypatch, year, n):
    monkeypatch.setenv("IOCIRC_DATA", str(data_root))
    ds = iocirc.datasets.china_provincial(year, regions="Northeast")
    assert list(ds.indexes["region"]) == ["Liaoning", "Jilin", "Heilongjiang"]
    assert ds.attrs["year"] == year
    assert len(iocirc.download.provincial_paths(year)) == n


def test_vintage_flows_are_what_the_tables_report(data_root, offline, monkeypatch):
    monkeypatch.setenv("IOCIRC_DATA", str(data_root))
    flows = {
        year: set(iocirc.datasets.china_provincial(year, regions="Liaoning").indexes["flow"])
        for year in (2002, 2007)
    }
    assert "net_outflow" in flows[2002]
    assert not flows[2002] & {"export", "gross_outflow", "domestic_outflow"}
    assert {"gross_outflow", "gross_inflow"} <= flows[2007]
    assert not flows[2007] & {"export", "import", "domestic_outflow", "domestic_inflow"}
