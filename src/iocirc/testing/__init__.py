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
from iocirc._synthetic import assemble, random_draws

#: Which flows each layout reports (``"full"`` as 2012/2017, ``"gross"`` as
#: 2007, ``"net"`` as 2002, ``"national"`` without interprovincial trade), split
#: into uses and supplies from outside.
LAYOUTS = _synthetic.LAYOUTS

__all__ = ["LAYOUTS", "synthetic_table"]


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
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {list(LAYOUTS)}")
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
