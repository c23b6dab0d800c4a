"""The World Input-Output Database, 2013 release, from the R data files of ``bquast/wiod``.

Each ``data/wiot_YYYY.RData`` holds one R list ``wiot_YYYY`` with the integer
matrices ``inter`` (1435 x 1435, country-major: AUS c1..c35, AUT c1..c35, ...)
and ``final`` (1435 x 205: per region household, non-profit and government
consumption, gross fixed capital formation, changes in inventories), the
vector ``output`` (published gross output), the labels ``countries`` (41) and
``industries`` (35) and the ``year``.

The file is decompressed here (at most :data:`MAX_UNCOMPRESSED` bytes, so a
decompression bomb is refused), parsed with ``rdata``'s parser (no ALTREP
expansion, no R class constructors) and the parsed objects are walked by hand:
only lists, character, integer and double vectors are accepted. Anything else,
a truncated or damaged file, R ``NA`` values, or matrices of the wrong shape
raise :class:`~iocirc.errors.ReadError` naming the file.
"""

from __future__ import annotations

import bz2
import csv
import functools
import lzma
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from iocirc.errors import ReadError
from iocirc.mrio._table import from_matrices

__all__ = [
    "FINAL_CATEGORIES",
    "MAX_UNCOMPRESSED",
    "WiotArrays",
    "read_wiod",
    "read_wiot",
    "wiod_sectors",
    "wiot_table",
]

#: The schema flows of WIOD's five final-demand columns per region, in file order
#: (CONS_h, CONS_np, CONS_g, GFCF, INVEN; INVEN includes valuables, P52+P53).
FINAL_CATEGORIES: tuple[str, ...] = (
    "household",
    "npish",
    "government",
    "fixed_capital_formation",
    "inventory_change",
)

#: The largest decompressed file accepted, in bytes (a WIOD table is about 10 MB).
MAX_UNCOMPRESSED = 256 * 2**20

_SOURCE = (
    "World Input-Output Database, 2013 release (Timmer et al. 2015, Review of International "
    "Economics 23: 575-605), R data files of github.com/bquast/wiod@59a28ac"
)


@dataclass(frozen=True)
class WiotArrays:
    """The content of one ``wiot_YYYY.RData``, as float64 numpy arrays."""

    inter: np.ndarray
    final: np.ndarray
    output: np.ndarray
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    year: int


def read_wiot(path: str | Path, year: int | None = None) -> WiotArrays:
    """Read a WIOD 2013 world table from its R data file.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``wiot_YYYY.RData`` file.
    year : int, optional
        The year the file must hold (checked against its ``year`` element).

    Returns
    -------
    WiotArrays
        ``inter`` (n, n), ``final`` (n, 5 R), ``output`` (n,), with
        n = R S, in millions of US dollars.

    Raises
    ------
    ReadError
        If the file cannot be read, is not an R data file, is damaged or
        truncated, holds R ``NA``/NaN values, or its content does not have the
        structure and shapes of a WIOD world table.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ReadError(f"{path}: cannot open the file ({err.strerror or err})") from None
    data = _decompress(raw, path)
    if not data.startswith((b"RDX2\n", b"RDX3\n")):
        raise ReadError(
            f"{path}: not an R data file (starts with {data[:8]!r}; expected the header "
            "'RDX2' or 'RDX3' of a file written by R's save())"
        )
    try:
        import rdata
    except ImportError:
        raise ImportError(
            "reading the WIOD R data files needs rdata: pip install 'iocirc[read]'"
        ) from None
    try:
        with warnings.catch_warnings():  # rdata warns on (damaged) parts it skips
            warnings.simplefilter("ignore")
            parsed = rdata.parser.parse_data(data, expand_altrep=False)
    except MemoryError:
        raise ReadError(f"{path}: the R data file declares objects too large to read") from None
    except Exception as err:  # rdata's parser raises many types on damaged input
        raise ReadError(f"{path}: damaged R data file ({type(err).__name__}: {err})") from None
    return _arrays(parsed.object, path, year)


def read_wiod(
    path: str | Path,
    year: int | None = None,
    *,
    nation: Sequence[str] | None = None,
    nation_name: str = "",
) -> xr.Dataset:
    """Read a WIOD 2013 world table (a ``wiot_YYYY.RData`` file) as a multi-regional table.

    :func:`iocirc.datasets.wiod2013` downloads (or finds) the file and calls
    this; use it directly for a copy of your own.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``wiot_YYYY.RData`` file of the WIOD 2013 release (as in the
        repository ``bquast/wiod``). Files are bounded before decompression
        (:data:`MAX_UNCOMPRESSED`).
    year : int, optional
        The year the file must hold (checked against its ``year`` element).
    nation : sequence of str, optional
        Regions forming the nation (``in_nation``), e.g.
        :data:`iocirc.datasets.WIOD_EU27`.
    nation_name : str
        Name of that group (attribute ``nation``).

    Returns
    -------
    xarray.Dataset
        A validated multi-regional table in million USD (see
        :func:`iocirc.datasets.wiod2013` for its variables).

    Raises
    ------
    ReadError
        The file is not a WIOD world table, is truncated, or holds another year.

    Examples
    --------
    >>> import iocirc
    >>> from iocirc.download import fetch_wiod, wiod_table_path
    >>> wiot = iocirc.mrio.read_wiod(fetch_wiod(wiod_table_path(2011)), 2011)
    >>> wiot.sizes["region"], wiot.attrs["currency_unit"]
    (41, 'million USD')
    """
    return wiot_table(read_wiot(path, year), nation=nation, nation_name=nation_name)


def wiot_table(
    arrays: WiotArrays,
    *,
    nation: Sequence[str] | None = None,
    nation_name: str = "",
) -> xr.Dataset:
    """The MRIO Dataset of a WIOD world table.

    Parameters
    ----------
    arrays : WiotArrays
        What :func:`read_wiot` read.
    nation : sequence of str, optional
        Regions forming the nation (``in_nation``).
    nation_name : str
        Name of that group (attribute ``nation``).

    Returns
    -------
    xarray.Dataset
        A validated multi-regional table in million USD. Output is the
        published gross output; ``discrepancy`` is output minus the row sums
        (the rounding of the published table); value added
        (``value_added_total``) is output minus the column sums of ``inter``;
        ``sector_en`` names the industries (:func:`wiod_sectors`).
    """
    S = len(arrays.industries)
    names = wiod_sectors()
    sector_en = [names.get(code, code) for code in arrays.industries]
    ds = from_matrices(
        arrays.inter,
        arrays.final,
        regions=list(arrays.countries),
        sectors=list(arrays.industries),
        final_categories=list(FINAL_CATEGORIES),
        output=arrays.output,
        nation=nation,
        nation_name=nation_name,
        year=arrays.year,
        source=_SOURCE,
        currency_unit="million USD",
        price_basis="current prices, basic prices",
        classification="WIOD-35 (NACE Rev. 1.1)",
    )
    return ds.assign_coords(
        sector_en=("sector", sector_en[:S]), sector_to_en=("sector_to", sector_en[:S])
    )


@functools.cache
def wiod_sectors() -> dict[str, str]:
    """WIOD 2013 industry code (``c1``..``c35``) -> English name of the industry.

    The names of the WIOD 2013 classification (35 industries, NACE Rev. 1.1),
    from ``iocirc/data/wiod2013_sectors.csv``, which also gives the NACE codes.
    (The repository's ``WIOD_IndClass.rda`` describes the 56 industries of the
    2016 release and does not apply to these tables.)

    Examples
    --------
    >>> wiod_sectors()["c18"]
    'Construction'
    """
    resource = files("iocirc") / "data" / "wiod2013_sectors.csv"
    with resource.open("r", encoding="utf-8") as handle:
        return {row["code"]: row["sector_en"] for row in csv.DictReader(handle)}


# --------------------------------------------------------------------------- decompression


def _decompress(raw: bytes, path: Path) -> bytes:
    """The bytes of an R data file, uncompressed, at most :data:`MAX_UNCOMPRESSED` long."""
    decompressor: Any
    if raw.startswith(b"BZh"):
        decompressor, kind = bz2.BZ2Decompressor(), "bzip2"
    elif raw.startswith(b"\x1f\x8b"):
        decompressor, kind = zlib.decompressobj(wbits=31), "gzip"
    elif raw.startswith(b"\xfd7zXZ\x00"):
        decompressor, kind = lzma.LZMADecompressor(), "xz"
    else:
        if not raw:
            raise ReadError(f"{path}: the file is empty; expected an R data file")
        return raw
    try:
        data = decompressor.decompress(raw, MAX_UNCOMPRESSED + 1)
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as err:
        raise ReadError(f"{path}: damaged {kind} compression ({err})") from None
    if len(data) > MAX_UNCOMPRESSED:
        raise ReadError(
            f"{path}: decompresses to more than {MAX_UNCOMPRESSED // 2**20} MiB; a WIOD table "
            "is about 10 MiB (refused as a possible decompression bomb)"
        )
    if not decompressor.eof:
        raise ReadError(f"{path}: truncated file (the {kind} stream ends early)")
    return data


# --------------------------------------------------------------------------- the parsed objects


def _type(obj: Any) -> str:
    return str(obj.info.type.name)


def _symbol(obj: Any, path: Path) -> str:
    """The name of a symbol (following references)."""
    for _ in range(4):
        if obj is not None and _type(obj) == "REF":
            obj = obj.referenced_object
    if obj is None or _type(obj) != "SYM" or _type(obj.value) != "CHAR":
        raise ReadError(f"{path}: malformed R data file (a tag that is not a symbol)")
    return _char(obj.value, path)


def _char(obj: Any, path: Path) -> str:
    value = obj.value
    if not isinstance(value, bytes):
        raise ReadError(f"{path}: an R string that is NA where a label is expected")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _pairlist(obj: Any, path: Path) -> list[tuple[str, Any]]:
    """The (tag, value) pairs of an R pairlist."""
    items: list[tuple[str, Any]] = []
    while obj is not None and _type(obj) == "LIST":
        if not isinstance(obj.value, tuple | list) or len(obj.value) != 2:
            raise ReadError(f"{path}: malformed R data file (a broken pairlist)")
        car, cdr = obj.value
        items.append((_symbol(obj.tag, path) if obj.tag is not None else "", car))
        obj = cdr
        if len(items) > 10_000:
            raise ReadError(f"{path}: malformed R data file (a pairlist without end)")
    if obj is not None and _type(obj) not in ("NILVALUE", "NIL"):
        raise ReadError(f"{path}: malformed R data file (a pairlist ends in {_type(obj)})")
    return items


def _attribute(obj: Any, name: str, path: Path) -> Any:
    if obj.attributes is None:
        return None
    return dict(_pairlist(obj.attributes, path)).get(name)


def _strings(obj: Any, what: str, path: Path) -> tuple[str, ...]:
    if obj is None or _type(obj) != "STR":
        raise ReadError(f"{path}: {what} is not a character vector")
    return tuple(_char(item, path) for item in obj.value)


def _numbers(obj: Any, what: str, path: Path) -> np.ndarray:
    if obj is None or _type(obj) not in ("INT", "REAL"):
        found = "missing" if obj is None else f"an R {_type(obj)} object"
        raise ReadError(f"{path}: {what} is {found}; expected a numeric vector or matrix")
    values = obj.value
    if np.ma.isMaskedArray(values) and np.ma.getmaskarray(values).any():
        count = int(np.ma.getmaskarray(values).sum())
        raise ReadError(f"{path}: {what} holds {count} NA value(s); a WIOD table has none")
    array = np.asarray(np.ma.getdata(values), dtype=np.float64)
    if not np.isfinite(array).all():
        raise ReadError(
            f"{path}: {what} holds {int((~np.isfinite(array)).sum())} NaN or infinite value(s)"
        )
    return array


def _matrix(obj: Any, what: str, shape: tuple[int, int], path: Path) -> np.ndarray:
    values = _numbers(obj, what, path)
    dim = _attribute(obj, "dim", path)
    dims = tuple(int(d) for d in _numbers(dim, f"the dim of {what}", path)) if dim else ()
    if dims != shape or values.size != shape[0] * shape[1]:
        raise ReadError(
            f"{path}: {what} is a {' x '.join(map(str, dims)) or values.size} array; expected "
            f"{shape[0]} x {shape[1]}"
        )
    return values.reshape(shape, order="F")  # R matrices are stored column by column


def _arrays(top: Any, path: Path, year: int | None) -> WiotArrays:
    objects = _pairlist(top, path)
    if len(objects) != 1:
        names = [name for name, _ in objects]
        raise ReadError(f"{path}: expected one R object wiot_YYYY, found {names}")
    name, table = objects[0]
    if _type(table) != "VEC":
        raise ReadError(f"{path}: the object {name!r} is not an R list")
    names_obj = _attribute(table, "names", path)
    keys = _strings(names_obj, f"the names of {name!r}", path)
    if len(keys) != len(table.value):
        raise ReadError(
            f"{path}: the list {name!r} has {len(table.value)} items, {len(keys)} names"
        )
    items = dict(zip(keys, table.value, strict=True))
    missing = [k for k in ("inter", "final", "output", "countries", "industries") if k not in items]
    if missing:
        raise ReadError(f"{path}: the list {name!r} lacks {missing}; it has {list(keys)}")
    countries = _strings(items["countries"], "countries", path)
    industries = _strings(items["industries"], "industries", path)
    for what, labels in (("countries", countries), ("industries", industries)):
        dups = sorted({x for x in labels if labels.count(x) > 1})
        if dups or not labels:
            raise ReadError(f"{path}: {what} is empty or repeats {dups}")
    R, S = len(countries), len(industries)
    n = R * S
    found_year = _numbers(items["year"], "year", path) if "year" in items else None
    file_year = int(found_year[0]) if found_year is not None and found_year.size == 1 else None
    if year is not None and file_year is not None and file_year != year:
        raise ReadError(f"{path}: holds the table of {file_year}, expected {year}")
    output = _numbers(items["output"], "output", path)
    if output.shape != (n,):
        raise ReadError(f"{path}: output has {output.size} values; expected {n} ({R} x {S})")
    inter = _matrix(items["inter"], "inter", (n, n), path)
    final_columns = _numbers(items["final"], "final", path).size // max(n, 1)
    if final_columns != R * len(FINAL_CATEGORIES):
        raise ReadError(
            f"{path}: final has {final_columns} columns; expected {R * len(FINAL_CATEGORIES)} "
            f"({R} regions x {len(FINAL_CATEGORIES)} final-demand categories)"
        )
    final = _matrix(items["final"], "final", (n, R * len(FINAL_CATEGORIES)), path)
    resolved = file_year if file_year is not None else year
    if resolved is None:
        raise ReadError(f"{path}: the file holds no year; pass year=")
    return WiotArrays(inter, final, output, countries, industries, resolved)
