"""Hypothesis strategies that draw valid regional IO tables.

The flows are drawn and the totals derived (:mod:`iocirc._synthetic`), so
every accounting identity holds by construction and any test failure is the
code's, not the data's.

Examples
--------
>>> from hypothesis import given
>>> from iocirc.testing.strategies import io_tables
>>> @given(io_tables(layouts=("gross",)))
... def test_gross_tables_have_no_split(ds):
...     assert "export" not in ds.indexes["flow"]
>>> test_gross_tables_have_no_split()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from iocirc._core import check_choice
from iocirc._synthetic import LAYOUTS, Draws, assemble
from iocirc.construct import VA_STANDARD
from iocirc.errors import ArgumentError
from iocirc.regions import PROVINCES
from iocirc.testing import _mrio as _mrio_synthetic

__all__ = ["MRIO_REGION_NAMES", "io_tables", "layouts", "mrio_tables", "unit_scales"]

#: Layouts (which flows are reported) a strategy may draw.
layouts = st.sampled_from(tuple(LAYOUTS))

_REGION_COUNTS = st.integers(1, 4)
_SECTOR_COUNTS = st.integers(1, 6)

#: Currency scales, so that tests meet tables in yuan and in hundreds of millions.
unit_scales = st.sampled_from((1.0, 1e4, 1e8))


def _shares(shape: tuple[int, ...], low: float = 0.0) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(
        np.float64,
        shape,
        elements=st.floats(low, 1.0, allow_nan=False, allow_subnormal=False),
    )


@st.composite
def io_tables(
    draw: st.DrawFn,
    *,
    n_regions: st.SearchStrategy[int] | int = _REGION_COUNTS,
    n_sectors: st.SearchStrategy[int] | int = _SECTOR_COUNTS,
    layouts: Sequence[str] = tuple(LAYOUTS),
    scale: st.SearchStrategy[float] | float = unit_scales,
    chunks: Mapping[str, int] | None = None,
    year: int = 2017,
) -> xr.Dataset:
    """Draw a balanced regional IO table.

    Parameters
    ----------
    n_regions, n_sectors : int or strategy of int
        Size of the table (regions are drawn among China's provinces, so at
        most 31).
    layouts : sequence of str
        Layouts to choose from (``"full"``, ``"gross"``, ``"net"``,
        ``"national"``): which flows the table reports.
    scale : float or strategy of float
        Order of magnitude of sector output (the unit of the table).
    chunks : mapping, optional
        Chunk the result with dask (e.g. ``{"region": 1}``).
    year : int
        The ``year`` attribute.

    Returns
    -------
    hypothesis strategy of xarray.Dataset

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(io_tables(n_regions=2, layouts=("full",)))
    ... def test_two_regions(ds):
    ...     assert ds.sizes["region"] == 2
    >>> test_two_regions()
    """
    r = n_regions if isinstance(n_regions, int) else draw(n_regions)
    s = n_sectors if isinstance(n_sectors, int) else draw(n_sectors)
    layout = draw(st.sampled_from(tuple(layouts)))
    unit = scale if isinstance(scale, float | int) else draw(scale)
    spec = LAYOUTS[layout]
    regions = draw(
        st.lists(st.sampled_from([p.name for p in PROVINCES]), min_size=r, max_size=r, unique=True)
    )
    draws = Draws(
        output=draw(_shares((r, s), low=0.01)),
        coefficients=draw(_shares((r, s, s))),
        supply_share=draw(_shares((r, s))),
        use_shares=draw(_shares((r, s, len(spec["uses"])))),
        supply_shares=draw(_shares((r, s, max(len(spec["supplies"]), 1)))),
        va_shares=draw(_shares((r, len(VA_STANDARD), s), low=0.01)),
    )
    ds = assemble(
        draws,
        layout=layout,
        regions=regions,
        sectors=[f"{i + 1:02d}" for i in range(s)],
        scale=float(unit),
        year=year,
        source="hypothesis",
        classification=f"synthetic-{s}",
    )
    return ds.chunk(dict(chunks)) if chunks else ds


#: Region labels an MRIO strategy draws from: provinces and WIOD-style country codes.
MRIO_REGION_NAMES: tuple[str, ...] = (
    "Beijing",
    "Liaoning",
    "Jilin",
    "Heilongjiang",
    "Guangdong",
    "AUS",
    "CHN",
    "DEU",
    "FRA",
    "USA",
    "RoW",
)

_NATIONS = ("any", "some", "all", "none")
_MRIO_REGION_COUNTS = st.integers(1, 4)
_MRIO_SECTOR_COUNTS = st.integers(1, 4)


def _flag(draw: st.DrawFn, value: bool | None) -> bool:
    return draw(st.booleans()) if value is None else bool(value)


@st.composite
def mrio_tables(
    draw: st.DrawFn,
    *,
    n_regions: st.SearchStrategy[int] | int = _MRIO_REGION_COUNTS,
    n_sectors: st.SearchStrategy[int] | int = _MRIO_SECTOR_COUNTS,
    categories: Sequence[str] | None = None,
    nation: str = "any",
    exports: bool | None = None,
    imports: bool | None = None,
    discrepancy: bool | None = None,
    noncompetitive: bool | None = None,
    va_components: Sequence[Sequence[str]] = (VA_STANDARD, ("value_added_total",)),
    scale: st.SearchStrategy[float] | float = unit_scales,
    chunks: Mapping[str, int] | None = None,
    year: int = 2011,
) -> xr.Dataset:
    """Draw a balanced multi-regional table.

    Flows are drawn and totals derived (``iocirc.testing._mrio``), so
    both identities of :func:`iocirc.mrio.validate` hold by construction.

    Parameters
    ----------
    n_regions, n_sectors : int or strategy of int
        Size of the table (at most 11 regions, drawn in random order among
        five provinces and the codes ``AUS``, ``CHN``, ``DEU``, ``FRA``,
        ``USA`` and ``RoW``).
    categories : sequence of str, optional
        The final-demand categories (labels of
        :data:`iocirc.schema.MRIO_FLOWS`); default drawn among four sets
        (WIOD's five, the CEADS split, aggregates, a single one).
    nation : {"any", "some", "all", "none"}
        Which regions form the nation (``in_nation``): drawn freely, at least
        one, all, or none (a world table).
    exports, imports, discrepancy : bool, optional
        Whether the table has exports to and imports from an exogenous rest of
        the world and an explicit row discrepancy (default: drawn).
    noncompetitive : bool, optional
        Whether imports are non-competitive, by user (``imported_inputs``,
        ``imported_final_use``) rather than competitive, by product
        (``import``) (default: drawn).
    va_components : sequence of sequence of str
        Sets of value-added components to choose from.
    scale : float or strategy of float
        Order of magnitude of sector output.
    chunks : mapping, optional
        Chunk the result with dask (e.g. ``{"region": 1}``).
    year : int
        The ``year`` attribute.

    Returns
    -------
    hypothesis strategy of xarray.Dataset

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import iocirc
    >>> @settings(max_examples=5)
    ... @given(mrio_tables(n_regions=3, nation="some"))
    ... def test_tables_validate(mrio):
    ...     assert iocirc.validate(mrio) is mrio
    ...     assert mrio["in_nation"].values.any()
    >>> test_tables_validate()
    """
    check_choice("nation", nation, _NATIONS)
    r = n_regions if isinstance(n_regions, int) else draw(n_regions)
    s = n_sectors if isinstance(n_sectors, int) else draw(n_sectors)
    if not 1 <= r <= len(MRIO_REGION_NAMES):
        raise ArgumentError(f"n_regions must be in 1..{len(MRIO_REGION_NAMES)}, not {r}")
    labels = (
        tuple(categories)
        if categories is not None
        else draw(st.sampled_from(tuple(_mrio_synthetic.CATEGORY_SETS.values())))
    )
    components = tuple(draw(st.sampled_from([tuple(c) for c in va_components])))
    unit = scale if isinstance(scale, float | int) else draw(scale)
    regions = draw(st.permutations(MRIO_REGION_NAMES))[:r]
    if nation == "all":
        flags = [True] * r
    elif nation == "none":
        flags = [False] * r
    else:
        flags = draw(st.lists(st.booleans(), min_size=r, max_size=r))
        if nation == "some" and not any(flags):
            flags[draw(st.integers(0, r - 1))] = True
    f, k = len(labels), len(components)
    draws = _mrio_synthetic.MrioDraws(
        output=draw(_shares((r, s), low=0.01)),
        coefficients=draw(_shares((r, s, r, s))),
        supply_share=draw(_shares((r, s))),
        final_shares=draw(_shares((r, s, r * f + 1))),
        discrepancy=draw(_shares((r, s))),
        va_shares=draw(_shares((r, k, s), low=0.01)),
        import_final=draw(_shares((r, f))),
    )
    mrio = _mrio_synthetic.assemble(
        draws,
        regions=regions,
        sectors=[f"{i + 1:02d}" for i in range(s)],
        categories=labels,
        va_components=components,
        nation=[name for name, flag in zip(regions, flags, strict=True) if flag],
        nation_name="nation" if any(flags) else "",
        exports=_flag(draw, exports),
        imports=_flag(draw, imports),
        discrepancy=_flag(draw, discrepancy),
        noncompetitive=_flag(draw, noncompetitive),
        scale=float(unit),
        year=year,
        source="hypothesis",
        classification=f"synthetic-{s}",
        currency_unit="million USD",
    )
    return mrio.chunk(dict(chunks)) if chunks else mrio


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
