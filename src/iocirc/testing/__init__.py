"""Tools for testing code built on iocirc: synthetic tables and hypothesis strategies.

:func:`synthetic_table` draws a balanced table of any size from a numpy random
generator (for benchmarks); :mod:`iocirc.testing.strategies` draws tables with
hypothesis (it needs the ``hypothesis`` package).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from iocirc import _synthetic
from iocirc._core import check_choice
from iocirc._synthetic import assemble, random_draws

#: Which flows each layout reports (``"full"`` as 2012/2017, ``"gross"`` as
#: 2007, ``"net"`` as 2002, ``"national"`` without interprovincial trade), split
#: into uses and supplies from outside.
LAYOUTS = _synthetic.LAYOUTS

__all__ = ["LAYOUTS", "synthetic_mrio", "synthetic_table"]


def synthetic_table(
    n_regions: int,
    n_sectors: int,
    *,
    layout: str = "full",
    seed: int = 0,
    scale: float = 1e6,
    validate: bool = True,
    **kwargs: Any,
) -> xr.Dataset:
    """A balanced random table of the given size.

    Parameters
    ----------
    n_regions, n_sectors : int
        Size of the table. Regions are named ``"R0000"``, ...; sectors
        ``"S000"``, ....
    layout : {"full", "gross", "net", "national"}
        Which flows it reports (see :func:`iocirc.datasets.example_table`).
    seed : int
        Seed of the numpy random generator.
    scale : float
        Order of magnitude of sector output.
    validate : bool
        Validate the result (skip for very large tables when timing).
    **kwargs
        Passed to :func:`iocirc.from_arrays` (``year``, ...).

    Returns
    -------
    xarray.Dataset
        A balanced table in the schema of :mod:`iocirc.schema`.

    Examples
    --------
    >>> from iocirc.testing import synthetic_table
    >>> ds = synthetic_table(4, 5, layout="gross", seed=1)
    >>> ds.sizes["region"], ds.sizes["sector"]
    (4, 5)
    """
    check_choice("layout", layout, LAYOUTS)
    draws = random_draws(np.random.default_rng(seed), n_regions, n_sectors, layout)
    width = max(4, len(str(n_regions)))
    return assemble(
        draws,
        layout=layout,
        regions=[f"R{i:0{width}d}" for i in range(n_regions)],
        sectors=[f"S{i:03d}" for i in range(n_sectors)],
        scale=scale,
        validate=validate,
        **kwargs,
    )


def synthetic_mrio(
    n_regions: int,
    n_sectors: int,
    *,
    seed: int = 0,
    nation: int | None = None,
    categories: str | tuple[str, ...] = "wiod",
    va_components: tuple[str, ...] | None = None,
    exports: bool = True,
    imports: bool = True,
    discrepancy: bool = False,
    noncompetitive: bool = False,
    scale: float = 1e3,
    validate: bool = True,
    **kwargs: Any,
) -> xr.Dataset:
    """A balanced random multi-regional table of the given size.

    Parameters
    ----------
    n_regions, n_sectors : int
        Size of the table. Regions are named ``"R00"``, ...; sectors
        ``"S00"``, ....
    seed : int
        Seed of the numpy random generator.
    nation : int, optional
        How many of the first regions form the nation (default: all but the
        last, which plays the rest of the world; none for one region).
    categories : str or tuple of str
        Final-demand categories: a tuple of labels from
        :data:`iocirc.schema.MRIO_FLOWS`, or the name of a set: ``"wiod"``
        (household, npish, government, fixed capital formation, inventory
        change), ``"ceads"``, ``"consumption"``, ``"single"``.
    va_components : tuple of str, optional
        Value-added components (default the four of the Chinese tables).
    exports, imports, discrepancy : bool
        Whether the table has exports to and imports from an exogenous rest of
        the world, and an explicit row discrepancy (up to 1% of output).
    noncompetitive : bool
        Imports by user (``imported_inputs``, ``imported_final_use``, as the
        CEADS tables) instead of competitive imports by product (``import``).
    scale : float
        Order of magnitude of sector output.
    validate : bool
        Validate the result.
    **kwargs
        Passed to :func:`iocirc.mrio.from_matrices` (``year``,
        ``currency_unit`` (default ``"million USD"``), ...).

    Returns
    -------
    xarray.Dataset
        A balanced multi-regional table (:data:`iocirc.schema.MRIO_VARIABLES`).

    Examples
    --------
    >>> from iocirc.testing import synthetic_mrio
    >>> mrio = synthetic_mrio(3, 4, seed=1)
    >>> dict(mrio["intermediate_use"].sizes)
    {'region': 3, 'sector': 4, 'region_to': 3, 'sector_to': 4}
    >>> mrio["in_nation"].values.tolist()
    [True, True, False]
    """
    from iocirc.testing import _mrio as mrio_synthetic

    labels = mrio_synthetic.CATEGORY_SETS[categories] if isinstance(categories, str) else categories
    components = tuple(va_components) if va_components else mrio_synthetic.VA_STANDARD
    rng = np.random.default_rng(seed)
    draws = mrio_synthetic.random_draws(rng, n_regions, n_sectors, len(labels), len(components))
    width_r = max(2, len(str(n_regions - 1)))
    width_s = max(2, len(str(n_sectors - 1)))
    regions = [f"R{i:0{width_r}d}" for i in range(n_regions)]
    n_nation = (n_regions - 1 if n_regions > 1 else 0) if nation is None else nation
    kwargs.setdefault("currency_unit", "million USD")
    kwargs.setdefault("source", "synthetic")
    return mrio_synthetic.assemble(
        draws,
        regions=regions,
        sectors=[f"S{i:0{width_s}d}" for i in range(n_sectors)],
        categories=labels,
        va_components=components,
        nation=regions[:n_nation],
        nation_name="nation" if n_nation else "",
        exports=exports,
        imports=imports,
        discrepancy=discrepancy,
        noncompetitive=noncompetitive,
        scale=scale,
        validate=validate,
        **kwargs,
    )


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
