"""Download and cache the official input-output tables from a public mirror.

The provincial and national tables are fetched from the GitHub repository
``common2016/CHNIO`` at a pinned commit (:data:`MIRROR_COMMIT`), folder
``data-raw/``, and kept in a local cache laid out like that folder::

    <cache_root()>/data-raw/<path in the mirror>

Every file is checked against the SHA-256 hash in the package's registry
(:func:`registry`), both after a download and when it is found in the cache. A
cache that holds every requested file with the right hash is used without any
network access, and without needing pooch; only missing files are downloaded,
with `pooch <https://www.fatiando.org/pooch>`_ (``pip install "iocirc[read]"``).

Set the environment variable ``IOCIRC_DATA`` to a folder holding a copy of the
mirror's ``data-raw/`` folder (``$IOCIRC_DATA/data-raw/...``) to work offline or
to share one copy between projects; otherwise files go to pooch's per-user cache
folder (``pooch.os_cache("iocirc")``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path, PurePosixPath
from types import MappingProxyType, ModuleType
from urllib.parse import quote

from iocirc._core import check_year
from iocirc.errors import DownloadError, SchemaError
from iocirc.regions import NATION, PROVINCES, REGION_GROUPS, Province, province

__all__ = [
    "DATA_ENV",
    "MIRROR_COMMIT",
    "MIRROR_FOLDER",
    "MIRROR_REPOSITORY",
    "PROVINCIAL_FOLDER",
    "PROVINCIAL_YEARS",
    "WIOD_COMMIT",
    "WIOD_DATA_ENV",
    "WIOD_REPOSITORY",
    "WIOD_YEARS",
    "DownloadError",
    "base_url",
    "cache_root",
    "fetch",
    "fetch_wiod",
    "file_url",
    "national_files",
    "province_of_file",
    "provincial_files",
    "provincial_paths",
    "registry",
    "verify_read",
    "wiod_cache_root",
    "wiod_file_url",
    "wiod_registry",
    "wiod_table_path",
]

#: The public GitHub repository mirroring the official tables.
MIRROR_REPOSITORY = "common2016/CHNIO"
#: The commit of :data:`MIRROR_REPOSITORY` whose files the registry describes.
MIRROR_COMMIT = "2878da32500274f853c68d5b65dafc86d83b3c89"
#: The folder of the mirror holding the tables.
MIRROR_FOLDER = "data-raw"
#: Environment variable naming a folder that holds (or receives) ``data-raw/``.
DATA_ENV = "IOCIRC_DATA"

#: The folder of the 42-sector provincial tables, one subfolder per year.
PROVINCIAL_FOLDER = "中国31省区市42部门投入产出表1997-2017皮皮侠"
#: Years of the provincial tables in the mirror.
PROVINCIAL_YEARS: tuple[int, ...] = (2002, 2007, 2012, 2017)

# Additional download attempts after a failed one (pooch waits 1 s, 2 s, ... between them).
_RETRIES = 2


# --- the registry ----------------------------------------------------------------------


@functools.cache
def registry() -> Mapping[str, str]:
    """The files of the mirror and their SHA-256 hashes.

    Returns
    -------
    Mapping of str to str
        Path relative to the mirror's ``data-raw/`` folder (``/``-separated,
        Unicode NFC) -> hex SHA-256 digest. Read-only.

    Examples
    --------
    >>> files = registry()
    >>> len(files["中国31省区市42部门投入产出表1997-2017皮皮侠/2017年各省份投入产出表/06-辽宁.xls"])
    64
    """
    resource = files("iocirc") / "data" / "chnio_registry.csv"
    with resource.open("r", encoding="utf-8") as handle:
        rows = {_normalize(row["path"]): row["sha256"].lower() for row in csv.DictReader(handle)}
    return MappingProxyType(rows)


def base_url() -> str:
    """The URL of the mirror's ``data-raw/`` folder at the pinned commit (ends with ``/``).

    Examples
    --------
    >>> base_url()
    'https://raw.githubusercontent.com/common2016/CHNIO/2878da32500274f853c68d5b65dafc86d83b3c89/data-raw/'
    """
    return f"https://raw.githubusercontent.com/{MIRROR_REPOSITORY}/{MIRROR_COMMIT}/{MIRROR_FOLDER}/"


def file_url(relative_path: str) -> str:
    """The download URL of a file of the mirror (path percent-encoded).

    Parameters
    ----------
    relative_path : str
        Path relative to ``data-raw/``, as in :func:`registry`.

    Returns
    -------
    str

    Examples
    --------
    >>> file_url("中国投入产出表皮皮侠/全国/2018 (1).xlsx").removeprefix(base_url())
    '%E4%B8%AD%E5%9B%BD%E6%8A%95%E5%85%A5%E4%BA%A7%E5%87%BA%E8%A1%A8%E7%9A%AE%E7%9A%AE%E4%BE%A0/%E5%85%A8%E5%9B%BD/2018%20%281%29.xlsx'
    """
    return base_url() + quote(_normalize(relative_path), safe="/")


# --- the cache ---------------------------------------------------------------------------


def cache_root() -> Path:
    """The folder holding the cached ``data-raw/`` folder.

    Returns
    -------
    pathlib.Path
        ``$IOCIRC_DATA`` when that environment variable is set (and not empty),
        as an absolute path, else pooch's per-user cache folder for iocirc
        (``pooch.os_cache("iocirc")``, for example ``~/.cache/iocirc`` on Linux).

    Notes
    -----
    A relative ``IOCIRC_DATA`` (``IOCIRC_DATA=../data python ...``) is resolved
    once, against the working directory of the first time it is read (when
    iocirc is imported), so a later ``os.chdir`` does not move the cache.

    Raises
    ------
    ImportError
        If ``IOCIRC_DATA`` is not set and pooch is not installed.

    Examples
    --------
    >>> (cache_root() / "data-raw").name
    'data-raw'
    """
    configured = os.environ.get(DATA_ENV, "").strip()
    if configured:
        return _resolved_data_root(configured)
    return Path(_pooch().os_cache("iocirc"))


# Value of IOCIRC_DATA -> its absolute path, resolved the first time the value is seen.
_RESOLVED_ROOTS: dict[str, Path] = {}


def _resolved_data_root(configured: str) -> Path:
    if configured not in _RESOLVED_ROOTS:
        _RESOLVED_ROOTS[configured] = Path(configured).expanduser().absolute()
    return _RESOLVED_ROOTS[configured]


if os.environ.get(DATA_ENV, "").strip():  # resolve a relative path before anyone chdirs
    _resolved_data_root(os.environ[DATA_ENV].strip())


def fetch(relative_path: str) -> Path:
    """The local copy of a file of the mirror, downloaded if it is not cached.

    Parameters
    ----------
    relative_path : str
        Path relative to the mirror's ``data-raw/`` folder (a leading
        ``data-raw/`` is accepted), one of :func:`registry`.

    Returns
    -------
    pathlib.Path
        ``cache_root() / "data-raw" / relative_path``, whose SHA-256 hash matches
        the registry.

    Raises
    ------
    SchemaError
        If the path is not a file of the mirror.
    DownloadError
        If the cached copy has a different hash (a corrupted or different
        file), or the download fails or yields a different file.
    ImportError
        If the file must be downloaded and pooch is not installed.

    Examples
    --------
    >>> path = fetch("2017年全国42个部门基本流量表.xls")
    >>> path.relative_to(cache_root()).as_posix()
    'data-raw/2017年全国42个部门基本流量表.xls'
    """
    relative_path = _registered(relative_path)
    expected = registry()[relative_path]
    folder = cache_root() / MIRROR_FOLDER
    target = folder.joinpath(*PurePosixPath(relative_path).parts)
    if target.is_file():
        _check_cached(target, expected)
        return target
    _check_data_folder(folder, target)  # before anything creates a folder there
    return _download(relative_path, folder, expected)


def _check_data_folder(folder: Path, target: Path) -> None:
    """Refuse to download into a user's copy named by ``IOCIRC_DATA`` when that would go wrong.

    ``IOCIRC_DATA`` naming the ``data-raw/`` folder itself would create
    ``data-raw/data-raw/...`` inside the user's copy; a copy that cannot be
    written to would fail half-way. Both are a :class:`DownloadError` before
    any folder is created.
    """
    configured = os.environ.get(DATA_ENV, "").strip()
    if not configured:
        return
    root = folder.parent
    if root.name == MIRROR_FOLDER and not folder.is_dir():
        raise DownloadError(
            f"{DATA_ENV}={configured} is a {MIRROR_FOLDER}/ folder itself, and has no "
            f"{target.name} at {target}: did you mean its parent, {DATA_ENV}={root.parent}? "
            f"{DATA_ENV} names the folder that holds {MIRROR_FOLDER}/ (nothing was created)."
        )
    existing = target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not os.access(existing, os.W_OK):
        raise DownloadError(
            f"{DATA_ENV}={configured} has no {target.name} at {target}, and {existing} cannot "
            "be written to, so it cannot be downloaded there: complete the copy of "
            f"{MIRROR_FOLDER}/, or point {DATA_ENV} to a writable folder (nothing was created)."
        )


# --- the provincial and national tables ---------------------------------------------------


def provincial_paths(
    year: int, regions: str | int | Iterable[str | int] | None = None
) -> list[str]:
    """The mirror paths of the provincial tables of a year (no download).

    Parameters
    ----------
    year : int
        One of :data:`PROVINCIAL_YEARS`.
    regions : str, int or iterable of them, optional
        Provinces by English name, Chinese name or GB/T 2260 code (see
        :func:`iocirc.regions.province`), or a group of
        :data:`iocirc.regions.REGION_GROUPS` (``"Northeast"``). Default: every
        province with a table that year, in GB/T 2260 order.

    Returns
    -------
    list of str
        Paths relative to ``data-raw/``, in the order of ``regions``
        (duplicates dropped). The national table ``0中国.xls`` is never included.

    Raises
    ------
    SchemaError
        If ``year`` is unknown, a region is unknown, or the year has no table
        for a region (the 2002 and 2007 tables leave out Tibet).

    Examples
    --------
    >>> provincial_paths(2017, "Liaoning")
    ['中国31省区市42部门投入产出表1997-2017皮皮侠/2017年各省份投入产出表/06-辽宁.xls']
    >>> len(provincial_paths(2012)), len(provincial_paths(2007))
    (31, 30)
    >>> [p.rsplit("/", 1)[1] for p in provincial_paths(2012, ["吉林", 210000])]
    ['7吉林.xls', '6辽宁.xls']
    """
    available = _provincial_index(_check_year(year))
    if regions is None:
        return [available[p.name] for p in PROVINCES if p.name in available]
    paths: list[str] = []
    for region in _expand_regions(regions):
        if region.name not in available:
            raise SchemaError(
                f"the {year} provincial tables have no table for {region.name} ({region.zh}); "
                f"they cover {len(available)} provinces: {sorted(available)}"
            )
        if available[region.name] not in paths:
            paths.append(available[region.name])
    return paths


def provincial_files(
    year: int, regions: str | int | Iterable[str | int] | None = None
) -> list[Path]:
    """The local copies of the provincial tables of a year, downloaded if needed.

    Parameters
    ----------
    year : int
        One of :data:`PROVINCIAL_YEARS`.
    regions : str, int or iterable of them, optional
        Provinces (English name, Chinese name or code) or a region group; see
        :func:`provincial_paths`. Default: every province with a table that year.

    Returns
    -------
    list of pathlib.Path
        One ``.xls`` workbook per province, in the order of ``regions``.

    Raises
    ------
    SchemaError
        If ``year`` or a region is unknown or has no table.
    DownloadError
        If a cached copy is corrupted or a download fails.
    ImportError
        If a file must be downloaded and pooch is not installed.

    See Also
    --------
    provincial_paths : the same files as mirror paths, without downloading.

    Examples
    --------
    >>> paths = provincial_files(2017, ["Liaoning", "Jilin"])
    >>> [p.name for p in paths]
    ['06-辽宁.xls', '07-吉林.xls']
    """
    return [fetch(path) for path in provincial_paths(year, regions)]


def national_files(year: int | None = None) -> list[Path]:
    """The local copies of the national 42-sector tables of the provincial collection.

    These are the ``0中国.xls`` workbooks published with the provincial tables of
    2002, 2007 and 2012, in the same layout (the 2017 collection has none; the
    mirror's other national tables, in assorted layouts, are available through
    :func:`fetch` and listed by :func:`registry`).

    Parameters
    ----------
    year : int, optional
        One of 2002, 2007, 2012. Default: all three, oldest first.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    SchemaError
        If there is no national table of that year in the collection.
    DownloadError
        If a cached copy is corrupted or a download fails.

    Examples
    --------
    >>> [p.parent.name for p in national_files()]
    ['2002年各省份投入产出表', '2007年各省份投入产出表', '2012年各省份投入产出表']
    """
    paths = {y: _national_path(y) for y in PROVINCIAL_YEARS}
    known = [y for y, path in paths.items() if path is not None]
    if year is None:
        wanted = known
    else:
        wanted = [_check_year(year)]
        if paths[wanted[0]] is None:
            raise SchemaError(
                f"the {year} provincial tables come without a national table; "
                f"years with one: {known}. Other national tables: iocirc.download.fetch(path) "
                "with a path of iocirc.download.registry()"
            )
    return [fetch(path) for y in wanted if (path := paths[y]) is not None]


def province_of_file(file_name: str) -> Province:
    """The province of an official workbook, from its file name.

    Digits, dashes, spaces and the extension are stripped and the rest looked up
    as a Chinese province name.

    Parameters
    ----------
    file_name : str
        File name or path (``"06-辽宁.xls"``, ``"6辽宁.xls"``, ``".../0中国.xls"``).

    Returns
    -------
    iocirc.regions.Province
        A province, or :data:`iocirc.regions.NATION` for ``0中国.xls``.

    Raises
    ------
    SchemaError
        If the name is not that of a province.

    Examples
    --------
    >>> province_of_file("06-辽宁.xls").name
    'Liaoning'
    >>> province_of_file("5内蒙古.xls").code
    150000
    """
    stem = PurePosixPath(_normalize(file_name)).stem
    name = re.sub(r"[\d\s_\-－]+", "", stem)
    try:
        return province(name)
    except SchemaError:
        raise SchemaError(f"cannot tell the province of the file {file_name!r}") from None


# --- helpers ---------------------------------------------------------------------------------


def _normalize(relative_path: str) -> str:
    """A path as a registry key: ``/``-separated, NFC, no leading ``data-raw/``."""
    path = unicodedata.normalize("NFC", str(relative_path)).replace("\\", "/").strip("/")
    return path.removeprefix(f"{MIRROR_FOLDER}/")


def verify_read(path: Path, data: bytes) -> None:
    """Check the bytes a reader has just read from ``path`` against the registry.

    For a file of the cache (``cache_root() / "data-raw" / <registered path>``)
    the SHA-256 of ``data``, the very bytes that are parsed, must be the
    registry's: a copy changed after :func:`fetch` checked it (or one never
    fetched) is refused. Files elsewhere are not checked.

    Parameters
    ----------
    path : pathlib.Path
        The file the bytes were read from.
    data : bytes
        The bytes read, which the reader is about to parse.

    Raises
    ------
    DownloadError
        The bytes are not the mirror's version of the file, naming it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:  # outside the cache: not checked
    ...     path = Path(folder) / "table.xlsx"
    ...     _ = path.write_bytes(b"any bytes")
    ...     verify_read(path, path.read_bytes())
    """
    configured = os.environ.get(DATA_ENV, "").strip()
    try:
        root = cache_root() if configured else None
    except ImportError:  # pragma: no cover - no IOCIRC_DATA and no pooch: nothing cached
        return
    if root is None:
        try:
            root = Path(_pooch().os_cache("iocirc"))
        except ImportError:  # pragma: no cover
            return
    try:
        relative = Path(path).resolve().relative_to((root / MIRROR_FOLDER).resolve())
    except (ValueError, OSError):
        return
    key = _normalize(relative.as_posix())
    expected = registry().get(key)
    if expected is None:
        return
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise DownloadError(
            f"the cached file {path} is corrupted or not the mirror's version "
            f"(SHA-256 {actual}, expected {expected}): it changed after it was checked. Delete "
            f"it to download it again from {MIRROR_REPOSITORY}, or replace it with an intact copy."
        )


def _registered(relative_path: str) -> str:
    """The registry key of ``relative_path``, or a :class:`SchemaError`."""
    key = _normalize(relative_path)
    if key not in registry():
        name = PurePosixPath(key).name
        similar = [p for p in registry() if PurePosixPath(p).name == name][:5]
        hint = f"; files of that name: {similar}" if similar else ""
        raise SchemaError(
            f"{relative_path!r} is not a file of the mirror "
            f"{MIRROR_REPOSITORY}@{MIRROR_COMMIT[:7]} (paths are relative to its "
            f"{MIRROR_FOLDER}/ folder; see iocirc.download.registry()){hint}"
        )
    return key


def _check_year(year: int | str) -> int:
    """``year`` as an int if the mirror has provincial tables of it, else a SchemaError."""
    return check_year(year, PROVINCIAL_YEARS, "provincial tables")


def _year_folder(year: int) -> str:
    return f"{PROVINCIAL_FOLDER}/{year}年各省份投入产出表/"


def _provincial_index(year: int) -> dict[str, str]:
    """Province name -> mirror path of the provincial tables of ``year``."""
    folder = _year_folder(year)
    index: dict[str, str] = {}
    for path in sorted(registry()):
        if path.startswith(folder) and "/" not in path[len(folder) :]:
            if not path.lower().endswith(".xls"):
                continue
            found = province_of_file(path)
            if found != NATION:
                index[found.name] = path
    return index


def _national_path(year: int) -> str | None:
    path = f"{_year_folder(year)}0中国.xls"
    return path if path in registry() else None


def _expand_regions(regions: str | int | Iterable[str | int]) -> list[Province]:
    """Provinces of ``regions``: names, codes, or region groups."""
    keys = [regions] if isinstance(regions, str | int) else list(regions)
    groups = {name.casefold(): members for name, members in REGION_GROUPS.items()}
    result: list[Province] = []
    for key in keys:
        members = groups.get(str(key).strip().casefold())
        for name in members if members is not None else (key,):
            try:
                result.append(province(name))
            except SchemaError as error:
                raise SchemaError(
                    f"{error.args[0]}, or a region group ({', '.join(REGION_GROUPS)})"
                ) from None
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256_cached(path: str, mtime_ns: int, size: int) -> str:
    """:func:`_sha256` of the file as it is now (``mtime_ns`` and ``size`` are not trusted).

    The hash used to be remembered by (path, mtime, size), so a file changed in
    place with its size and modification time restored passed the check. Hashing
    what is there costs a few milliseconds per workbook; it is done every time.
    """
    return _sha256(Path(path))


def _check_cached(target: Path, expected: str) -> None:
    """Raise :class:`DownloadError` unless the cached file has the expected hash."""
    stat = target.stat()
    actual = _sha256_cached(str(target), stat.st_mtime_ns, stat.st_size)
    if actual != expected:
        raise DownloadError(
            f"the cached file {target} is corrupted or not the mirror's version "
            f"(SHA-256 {actual}, expected {expected}). Delete it to download it again "
            f"from {MIRROR_REPOSITORY}, or replace it with an intact copy "
            f"(for example set {DATA_ENV} to a folder holding a copy of data-raw/)."
        )


def _download(relative_path: str, folder: Path, expected: str) -> Path:
    """Download a registered file into ``folder`` (the cached data-raw/) with pooch."""
    pooch = _pooch()
    target = folder.joinpath(*PurePosixPath(relative_path).parts)
    fetcher = pooch.create(
        path=folder,
        base_url=base_url(),
        registry={relative_path: f"sha256:{expected}"},
        urls={relative_path: file_url(relative_path)},
        retry_if_failed=_RETRIES,
        allow_updates=False,
    )
    logger = pooch.get_logger()
    # pooch logs the percent-encoded URL and every retry: one short line instead. (A filter,
    # not setLevel: pooch's logger is outside logging's hierarchy, whose level cache would
    # keep INFO enabled.)
    logger.info("Downloading %s from %s", PurePosixPath(relative_path).name, MIRROR_REPOSITORY)
    quiet = _BelowWarning()
    logger.addFilter(quiet)
    try:
        return Path(fetcher.fetch(relative_path))
    except (OSError, ValueError) as error:
        raise DownloadError(_download_failure(relative_path, target, error)) from error
    finally:
        logger.removeFilter(quiet)


class _BelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def _download_failure(relative_path: str, target: Path, error: BaseException) -> str:
    """One line: what was looked for, where, why the download failed, and what to do."""
    text = re.sub(r"\S*%[0-9A-Fa-f]{2}\S*", "<url>", " ".join(str(error).split()))
    host = re.search(r"Failed to resolve '([^']+)'", text)
    refused = re.search(
        r"Failed to establish a new connection: (?:\[Errno -?\d+\] )?([^'\"()]+)", text
    )
    if host:
        why = f"no network connection (cannot resolve {host.group(1)})"
    elif refused:
        proxy = " to the proxy" if "proxy" in text.lower() else ""
        why = f"cannot connect{proxy} ({refused.group(1).strip()})"
    elif re.search(r"timed out", text, re.I):
        why = "the connection timed out"
    else:
        cause = re.search(r"Caused by (.*)", text)  # urllib3's reason, after the URL
        text = cause.group(1).rstrip(")") if cause else text
        why = f"{type(error).__name__}: {text[:120]}{'...' if len(text) > 120 else ''}"
    name = PurePosixPath(relative_path).name
    configured = os.environ.get(DATA_ENV, "").strip()
    if configured:
        where = f"it is not under {DATA_ENV}={configured}"
        todo = (
            "Check the network connection and run again to download it there, or check that "
            f"{DATA_ENV} names the folder holding a copy of the mirror's data-raw/ folder (not "
            "data-raw/ itself)."
        )
    else:
        where = f"it is not in the cache {target.parent}"
        todo = (
            "Check the network connection and run again, or set "
            f"{DATA_ENV} to a folder holding a copy of the mirror's data-raw/ folder "
            f"(github.com/{MIRROR_REPOSITORY})."
        )
    return f"cannot download {name} from {MIRROR_REPOSITORY}: {why}; {where}. {todo}"


def _pooch() -> ModuleType:
    """The pooch module, or an ImportError that says how to get it."""
    try:
        import pooch
    except ImportError as error:
        raise ImportError(
            "downloading the official tables needs pooch: pip install 'iocirc[read]' "
            f"(or pip install pooch); or set {DATA_ENV} to a folder holding a copy of "
            f"data-raw/ from https://github.com/{MIRROR_REPOSITORY}"
        ) from error
    return pooch


# --- the World Input-Output Database (2013 release) ------------------------------------------

#: The public GitHub repository redistributing the WIOD 2013 world tables as R data files.
WIOD_REPOSITORY = "bquast/wiod"
#: The commit of :data:`WIOD_REPOSITORY` whose files :func:`wiod_registry` describes.
WIOD_COMMIT = "59a28ac22fbd7751ea84c0f33722b5246b0af46d"
#: Environment variable naming a folder laid out like that repository (``data/wiot_2011.RData``).
WIOD_DATA_ENV = "IOCIRC_WIOD_DATA"
#: Years of the WIOD 2013 world input-output tables.
WIOD_YEARS: tuple[int, ...] = tuple(range(1995, 2012))


@functools.cache
def wiod_registry() -> Mapping[str, str]:
    """The files of the WIOD repository and their SHA-256 hashes.

    Returns
    -------
    Mapping of str to str
        Path relative to the repository root (``data/wiot_2011.RData``) -> hex
        SHA-256 digest. Read-only.

    Examples
    --------
    >>> sorted(wiod_registry())[2:4]
    ['data/wiot_1995.RData', 'data/wiot_1996.RData']
    """
    resource = files("iocirc") / "data" / "wiod_registry.csv"
    with resource.open("r", encoding="utf-8") as handle:
        rows = {row["path"]: row["sha256"].lower() for row in csv.DictReader(handle)}
    return MappingProxyType(rows)


def wiod_table_path(year: int) -> str:
    """The repository path of the world input-output table of ``year`` (no download).

    Parameters
    ----------
    year : int
        One of :data:`WIOD_YEARS` (1995-2011).

    Returns
    -------
    str

    Raises
    ------
    SchemaError
        If there is no table of that year.

    Examples
    --------
    >>> wiod_table_path(2011)
    'data/wiot_2011.RData'
    """
    return f"data/wiot_{check_year(year, WIOD_YEARS, 'WIOD 2013 world tables')}.RData"


def wiod_file_url(relative_path: str) -> str:
    """The download URL of a file of the WIOD repository at the pinned commit.

    Parameters
    ----------
    relative_path : str
        Path relative to the repository root, as in :func:`wiod_registry`.

    Returns
    -------
    str

    Examples
    --------
    >>> wiod_file_url("data/wiot_2011.RData").rsplit("/", 3)[1:]
    ['59a28ac22fbd7751ea84c0f33722b5246b0af46d', 'data', 'wiot_2011.RData']
    """
    return (
        f"https://raw.githubusercontent.com/{WIOD_REPOSITORY}/{WIOD_COMMIT}/"
        f"{quote(str(relative_path).strip('/'), safe='/')}"
    )


def wiod_cache_root() -> Path:
    """The folder holding the cached copy of the WIOD repository's files.

    Returns
    -------
    pathlib.Path
        ``$IOCIRC_WIOD_DATA`` when that environment variable is set (and not
        empty), else the folder ``wiod`` in pooch's per-user cache folder for
        iocirc. Files are kept there under their repository paths
        (``data/wiot_2011.RData``).

    Raises
    ------
    ImportError
        If ``IOCIRC_WIOD_DATA`` is not set and pooch is not installed.

    Examples
    --------
    >>> (wiod_cache_root() / "data").name
    'data'
    """
    configured = os.environ.get(WIOD_DATA_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(_wiod_pooch().os_cache("iocirc")) / "wiod"


def fetch_wiod(relative_path: str) -> Path:
    """The local copy of a file of the WIOD repository, downloaded if it is not cached.

    Parameters
    ----------
    relative_path : str
        Path relative to the repository root, one of :func:`wiod_registry`
        (see :func:`wiod_table_path`).

    Returns
    -------
    pathlib.Path
        ``wiod_cache_root() / relative_path``, whose SHA-256 hash matches the
        registry.

    Raises
    ------
    SchemaError
        If the path is not a file of the repository.
    DownloadError
        If the cached copy has a different hash, or the download fails or
        yields a different file.
    ImportError
        If the file must be downloaded and pooch is not installed.

    Examples
    --------
    >>> fetch_wiod(wiod_table_path(2011)).name
    'wiot_2011.RData'
    """
    key = PurePosixPath(str(relative_path).replace("\\", "/").strip("/")).as_posix()
    if key not in wiod_registry():
        raise SchemaError(
            f"{relative_path!r} is not a file of {WIOD_REPOSITORY}@{WIOD_COMMIT[:7]}; its "
            f"files are {sorted(wiod_registry())}"
        )
    expected = wiod_registry()[key]
    root = wiod_cache_root()
    target = root.joinpath(*PurePosixPath(key).parts)
    if target.is_file():
        stat = target.stat()
        actual = _sha256_cached(str(target), stat.st_mtime_ns, stat.st_size)
        if actual != expected:
            raise DownloadError(
                f"the cached file {target} is corrupted or not the version of "
                f"{WIOD_REPOSITORY}@{WIOD_COMMIT[:7]} (SHA-256 {actual}, expected {expected}). "
                f"Delete it to download it again, or set {WIOD_DATA_ENV} to a folder holding "
                "an intact copy of the repository's data/ folder."
            )
        return target
    fetcher = _wiod_pooch().create(
        path=root,
        base_url=f"https://raw.githubusercontent.com/{WIOD_REPOSITORY}/{WIOD_COMMIT}/",
        registry={key: f"sha256:{expected}"},
        urls={key: wiod_file_url(key)},
        retry_if_failed=_RETRIES,
        allow_updates=False,
    )
    try:
        return Path(fetcher.fetch(key))
    except (OSError, ValueError) as error:
        raise DownloadError(
            f"cannot download {key!r} from {wiod_file_url(key)} to {target}: "
            f"{type(error).__name__}: {error}. Check the network connection and try again, "
            f"or set {WIOD_DATA_ENV} to a folder holding a copy of the data/ folder of "
            f"https://github.com/{WIOD_REPOSITORY}/tree/{WIOD_COMMIT}"
        ) from error


def _wiod_pooch() -> ModuleType:
    """The pooch module, or an ImportError that says how to do without it."""
    try:
        import pooch
    except ImportError as error:
        raise ImportError(
            "downloading the WIOD tables needs pooch: pip install 'iocirc[read]' (or pip "
            f"install pooch); or set {WIOD_DATA_ENV} to a folder holding a copy of the data/ "
            f"folder of https://github.com/{WIOD_REPOSITORY}"
        ) from error
    return pooch


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
