"""The download cache of the official tables: registry, cache lookup, errors. No network."""

from __future__ import annotations

import hashlib
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

from iocirc import download
from iocirc.download import (
    MIRROR_COMMIT,
    DownloadError,
    base_url,
    cache_root,
    fetch,
    file_url,
    national_files,
    province_of_file,
    provincial_files,
    provincial_paths,
    registry,
)
from iocirc.errors import IocircError, SchemaError
from iocirc.regions import NATION, PROVINCES, REGION_GROUPS

pooch = pytest.importorskip("pooch")

FOLDER = "中国31省区市42部门投入产出表1997-2017皮皮侠"
LIAONING_2017 = f"{FOLDER}/2017年各省份投入产出表/06-辽宁.xls"
NATIONAL_2017 = "2017年全国42个部门基本流量表.xls"
COUNTS = {2002: 30, 2007: 30, 2012: 31, 2017: 31}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any download or socket connection fail the test; returns the URLs asked for."""
    asked: list[str] = []

    def refuse_download(self, url, output_file, pooch, check_only=False):
        asked.append(url)
        raise AssertionError(f"download attempted: {url}")

    def refuse_connect(self, address):
        raise AssertionError(f"network connection attempted: {address}")

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", refuse_download)
    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    return asked


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, used through IOCIRC_DATA."""
    monkeypatch.setenv("IOCIRC_DATA", str(tmp_path))
    monkeypatch.setattr(download, "_RETRIES", 0)
    return tmp_path


def _serve(monkeypatch: pytest.MonkeyPatch, content: bytes | Exception) -> list[str]:
    """Let pooch's HTTP downloader write ``content`` (or raise it); returns the URLs asked for."""
    asked: list[str] = []

    def serve(self, url, output_file, pooch, check_only=False):
        asked.append(url)
        if isinstance(content, Exception):
            raise content
        Path(output_file).write_bytes(content)

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", serve)
    return asked


def _fake_registry(monkeypatch: pytest.MonkeyPatch, files: dict[str, bytes]) -> None:
    """Replace the registry by one describing ``files`` (path -> content)."""
    fake = {path: hashlib.sha256(content).hexdigest() for path, content in files.items()}
    monkeypatch.setattr(download, "registry", lambda: fake)


# --- registry and URLs -------------------------------------------------------------------


def test_registry_lists_the_mirror() -> None:
    files = registry()
    assert len(files) == 234
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in files.values())
    assert not any(path.startswith(("data-raw/", "/")) for path in files)
    assert files[LIAONING_2017] != files[f"{FOLDER}/2012年各省份投入产出表/6辽宁.xls"]
    with pytest.raises(TypeError):
        files["new.xls"] = "0" * 64  # type: ignore[index]


def test_file_url_is_quoted_raw_github_url_at_pinned_commit() -> None:
    url = file_url("中国投入产出表皮皮侠/全国/2018 (1).xlsx")
    assert url.startswith(
        f"https://raw.githubusercontent.com/common2016/CHNIO/{MIRROR_COMMIT}/data-raw/"
    )
    assert url.isascii()
    assert " " not in url
    assert unquote(url) == base_url() + "中国投入产出表皮皮侠/全国/2018 (1).xlsx"
    assert file_url("data-raw/" + NATIONAL_2017) == file_url(NATIONAL_2017)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("06-辽宁.xls", "Liaoning"),
        ("6辽宁.xls", "Liaoning"),
        ("12福建.xls", "Fujian"),
        ("05-内蒙古.xls", "Inner Mongolia"),
        (f"{FOLDER}/2012年各省份投入产出表/31西藏.xls", "Tibet"),
        ("0中国.xls", NATION.name),
    ],
)
def test_province_of_file(name: str, expected: str) -> None:
    assert province_of_file(name).name == expected


def test_province_of_file_rejects_other_names() -> None:
    with pytest.raises(SchemaError, match="cannot tell the province"):
        province_of_file("2018 (1).xlsx")


# --- which files ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(COUNTS))
def test_provincial_paths_one_file_per_province(year: int) -> None:
    paths = provincial_paths(year)
    assert len(paths) == COUNTS[year]
    assert len(set(paths)) == len(paths)
    assert all(p.startswith(f"{FOLDER}/{year}年各省份投入产出表/") for p in paths)
    assert all(p in registry() for p in paths)
    provinces = [province_of_file(p) for p in paths]
    assert NATION not in provinces
    assert provinces == [p for p in PROVINCES if p in provinces]  # GB/T 2260 order
    assert ("Tibet" in {p.name for p in provinces}) == (year >= 2012)


def test_provincial_paths_filters_and_orders_regions() -> None:
    paths = provincial_paths(2002, ["福建", "Anhui", 350000, "fujian"])
    assert [p.rsplit("/", 1)[1] for p in paths] == ["12福建.xls", "12安徽.xls"]
    northeast = provincial_paths(2017, "Northeast")
    assert [province_of_file(p).name for p in northeast] == list(REGION_GROUPS["Northeast"])
    assert provincial_paths(2012, 210000) == provincial_paths(2012, "Liaoning")
    assert provincial_paths("2012", "辽宁") == provincial_paths(2012, "Liaoning")  # type: ignore[arg-type]


def test_region_missing_in_a_year() -> None:
    with pytest.raises(SchemaError, match="no table for Tibet"):
        provincial_paths(2007, ["Liaoning", "西藏"])
    with pytest.raises(SchemaError, match="no table for China"):
        provincial_paths(2012, "China")


@pytest.mark.parametrize("regions", ["Atlantis", ["Liaoning", "Nowhere"], [999999]])
def test_unknown_region(regions: object) -> None:
    with pytest.raises(SchemaError, match="unknown province") as info:
        provincial_files(2017, regions)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("year", [2016, 1997, "2017a", None, True, 2017.0])
def test_unknown_year(year: object) -> None:
    with pytest.raises(SchemaError, match=r"known years: \[2002, 2007, 2012, 2017\]"):
        provincial_files(year)  # type: ignore[arg-type]


def test_national_files_unknown_year(cache: Path) -> None:
    with pytest.raises(SchemaError, match="without a national table"):
        national_files(2017)
    with pytest.raises(SchemaError, match="known years"):
        national_files(2008)


def test_fetch_unknown_path_suggests_the_registered_one() -> None:
    with pytest.raises(SchemaError, match="not a file of the mirror") as info:
        fetch("06-辽宁.xls")
    assert LIAONING_2017 in str(info.value)


# --- the cache ---------------------------------------------------------------------------


def test_cache_root_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOCIRC_DATA", str(tmp_path))
    assert cache_root() == tmp_path
    monkeypatch.setenv("IOCIRC_DATA", "")
    assert cache_root() == Path(pooch.os_cache("iocirc"))
    monkeypatch.delenv("IOCIRC_DATA")
    assert cache_root() == Path(pooch.os_cache("iocirc"))


def test_cache_root_without_pooch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IOCIRC_DATA", raising=False)
    monkeypatch.setitem(sys.modules, "pooch", None)
    with pytest.raises(ImportError, match=r"pip install 'iocirc\[read\]'.*IOCIRC_DATA"):
        cache_root()


def test_complete_cache_needs_neither_network_nor_pooch(
    cache: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    files = {
        f"{FOLDER}/2017年各省份投入产出表/06-辽宁.xls": b"liaoning",
        f"{FOLDER}/2017年各省份投入产出表/07-吉林.xls": b"jilin",
        f"{FOLDER}/2017年各省份投入产出表/0中国.xls": b"china",
    }
    _fake_registry(monkeypatch, files)
    for path, content in files.items():
        (cache / "data-raw" / path).parent.mkdir(parents=True, exist_ok=True)
        (cache / "data-raw" / path).write_bytes(content)
    monkeypatch.setitem(sys.modules, "pooch", None)
    paths = provincial_files(2017)
    assert [p.name for p in paths] == ["06-辽宁.xls", "07-吉林.xls"]
    assert all(p.read_bytes() == files[p.relative_to(cache / "data-raw").as_posix()] for p in paths)
    assert no_network == []


def test_corrupted_copy_is_reported_not_replaced(cache: Path, no_network: list[str]) -> None:
    target = cache / "data-raw" / LIAONING_2017
    target.parent.mkdir(parents=True)
    target.write_bytes(b"truncated download")
    with pytest.raises(DownloadError, match="corrupted") as info:
        provincial_files(2017, "Liaoning")
    message = str(info.value)
    assert str(target) in message
    assert "Delete it" in message
    assert "IOCIRC_DATA" in message
    assert isinstance(info.value, OSError)
    assert isinstance(info.value, IocircError)
    assert target.read_bytes() == b"truncated download"
    assert no_network == []


def test_corrupted_copy_detected_after_change(
    cache: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    _fake_registry(monkeypatch, {NATIONAL_2017: b"table"})
    target = cache / "data-raw" / NATIONAL_2017
    target.parent.mkdir(parents=True)
    target.write_bytes(b"table")
    assert fetch(NATIONAL_2017) == target
    target.write_bytes(b"tab1e, edited")
    with pytest.raises(DownloadError, match="corrupted"):
        fetch(NATIONAL_2017)


def test_download_into_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_registry(monkeypatch, {LIAONING_2017: b"the liaoning table"})
    asked = _serve(monkeypatch, b"the liaoning table")
    path = fetch(LIAONING_2017)
    assert path == cache / "data-raw" / LIAONING_2017
    assert path.read_bytes() == b"the liaoning table"
    assert asked == [file_url(LIAONING_2017)]
    assert fetch(LIAONING_2017) == path
    assert len(asked) == 1  # cached now


def test_failed_download(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    requests = pytest.importorskip("requests")
    asked = _serve(monkeypatch, requests.ConnectionError("name resolution failed"))
    with pytest.raises(DownloadError, match="cannot download") as info:
        provincial_files(2012, "Jilin")
    message = str(info.value)
    assert "name resolution failed" in message
    assert "Check the network connection" in message
    assert "IOCIRC_DATA" in message
    assert isinstance(info.value.__cause__, requests.ConnectionError)
    assert len(asked) == 1
    assert not (cache / "data-raw" / provincial_paths(2012, "Jilin")[0]).exists()


def test_download_with_wrong_content(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _serve(monkeypatch, b"<html>rate limit exceeded</html>")
    with pytest.raises(DownloadError, match="cannot download"):
        fetch(NATIONAL_2017)
    assert not (cache / "data-raw" / NATIONAL_2017).exists()


def test_download_without_pooch(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pooch", None)
    with pytest.raises(ImportError, match="needs pooch"):
        fetch(NATIONAL_2017)


# --- the official tables -------------------------------------------------------------------


@pytest.mark.data
@pytest.mark.parametrize(
    "get",
    [lambda: provincial_files(2017), lambda: national_files()],
    ids=["provincial-2017", "national"],
)
def test_shared_folder_used_without_network(
    get: Callable[[], list[Path]],
    data_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_network: list[str],
) -> None:
    monkeypatch.setenv("IOCIRC_DATA", str(data_root))
    paths = get()
    assert len(paths) in (31, 3)
    assert all(p.is_file() and p.is_relative_to(data_root / "data-raw") for p in paths)
    assert len(set(paths)) == len(paths)
    assert no_network == []


@pytest.mark.data
@pytest.mark.parametrize("year", sorted(COUNTS))
def test_every_provincial_file_matches_registry(
    year: int, data_root: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    monkeypatch.setenv("IOCIRC_DATA", str(data_root))
    paths = provincial_files(year)
    assert len(paths) == COUNTS[year]
    for path in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == registry()[path.relative_to(data_root / "data-raw").as_posix()]
