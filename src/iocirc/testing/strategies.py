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

from iocirc._synthetic import LAYOUTS, Draws, assemble
from iocirc.construct import VA_STANDARD
from iocirc.regions import PROVINCES

__all__ = ["io_tables", "layouts", "unit_scales"]

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
