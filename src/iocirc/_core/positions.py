"""One way to name a position of a table in a message: its labels, and the names behind them."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import xarray as xr

__all__ = ["describe"]

#: Coordinates whose values name a label in words, tried in this order after the label itself.
_NAME_SUFFIXES = ("_zh", "_en")


def describe(labelled: xr.DataArray, flags: np.ndarray | xr.DataArray, *, limit: int = 1) -> str:
    """Name the True positions of ``flags`` (shaped like ``labelled``) by their labels.

    With ``limit=1`` (the default): the first position and how many more there
    are, ``"region='Jilin', sector='03' (and 2 more cells)"``. With a larger
    ``limit``: up to ``limit`` positions, ``"(region='a', sector='03'), ... and 4 more"``.
    Where ``labelled`` carries the Chinese or English names of a label
    (``sector_zh``, ``sector_en``, ...), the first position's names follow in
    brackets: ``"sector='03' [sector_zh='煤炭采选产品']"``.
    """
    positions = np.argwhere(np.asarray(flags, dtype=bool))
    if not len(positions):
        return "no position"
    if limit > 1:
        shown = [_labels(labelled, pos) for pos in positions[:limit]]
        text = ", ".join("(" + ", ".join(p) + ")" if len(p) != 1 else p[0] for p in shown)
        more = len(positions) - limit
        return text + (f" and {more} more" if more > 0 else "")
    text = ", ".join(_labels(labelled, positions[0]))
    names = _names(labelled, positions[0])
    if names:
        text += f" [{', '.join(names)}]"
    if len(positions) > 1:
        text += f" (and {len(positions) - 1} more cells)"
    return text


def _label(labelled: xr.DataArray, dim: Hashable, i: int) -> Hashable:
    label: Hashable = labelled.indexes[dim][i] if dim in labelled.indexes else int(i)
    if isinstance(label, np.generic):
        label = label.item()  # 2017, not np.int64(2017)
    return label


def _labels(labelled: xr.DataArray, pos: np.ndarray) -> list[str]:
    return [
        f"{dim}={_label(labelled, dim, int(i))!r}"
        for dim, i in zip(labelled.dims, pos, strict=True)
    ]


def _names(labelled: xr.DataArray, pos: np.ndarray) -> list[str]:
    names = []
    for dim, i in zip(labelled.dims, pos, strict=True):
        for suffix in _NAME_SUFFIXES:
            coord = f"{dim}{suffix}"
            if coord in labelled.coords and labelled[coord].dims == (dim,):
                names.append(f"{coord}={str(labelled[coord].values[int(i)])!r}")
                break
    return names
