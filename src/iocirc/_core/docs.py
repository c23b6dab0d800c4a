"""Numpydoc text shared by many public functions, written once.

As xarray does for its weighted reductions (``xarray/computation/weighted.py``),
the pieces are constants filled into each function's docstring. A docstring
names a piece on a line of its own, e.g. ``{convention}`` under ``Parameters``,
and the decorator puts the piece there at that line's indentation, so
``help()`` and Sphinx show the text written out in full. Only such whole-line
names are replaced (not ``str.format``): the formulas' braces, ``sum_{r != s}``,
stay as they are.

Use :data:`fill_doc` for the shared pieces, or :func:`doc_filler` to add a
feature's own (``iocirc.mrio`` adds its table and errors).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

__all__ = ["PIECES", "doc_filler", "fill_doc"]

_F = TypeVar("_F", bound=Callable[..., object])

#: The pieces every feature may use, by name.
PIECES: dict[str, str] = {
    "ds": """\
ds : xarray.Dataset
    A regional IO table (see :mod:`iocirc.schema`).""",
    "kind": """\
kind : {"local", "total"}
    ``"local"``: the model of locally supplied products (local coefficients
    :math:`A^l`, imports and inflows removed from every use; see
    :mod:`iocirc.analysis`). ``"total"``: the technical coefficients :math:`A`
    of the table as reported.""",
    "convention": """\
convention : {"total_use", "local_use"}
    How the share of a product supplied from outside the region is measured
    (``kind="local"`` only): ``"total_use"`` (default) over every use of it,
    exports and outflows included; ``"local_use"`` over the region's own use.""",
    "percent": """\
percent : bool
    Return percent (``units="%"``) instead of a fraction (``units="1"``);
    :func:`iocirc.units.convert` converts between the two.""",
    "on_imbalance": """\
on_imbalance : {"raise", "warn", "ignore"}
    What to do when an identity fails: raise
    :class:`~iocirc.errors.BalanceError`, warn with a
    :class:`~iocirc.errors.BalanceWarning`, or nothing.""",
}

_PLACEHOLDER = re.compile(r"^(\s*)\{(\w+)\}$")


def doc_filler(extra: Mapping[str, str] | None = None) -> Callable[[_F], _F]:
    """A decorator filling the shared :data:`PIECES`, and ``extra``, into docstrings."""
    pieces = {**PIECES, **(extra or {})}

    def fill(func: _F) -> _F:
        if func.__doc__ is None:  # python -OO
            return func
        lines: list[str] = []
        for line in func.__doc__.split("\n"):
            match = _PLACEHOLDER.match(line)
            if match is None or match.group(2) not in pieces:
                lines.append(line)
                continue
            indent, name = match.groups()
            lines.extend(indent + p if p else p for p in pieces[name].split("\n"))
        func.__doc__ = "\n".join(lines)
        return func

    return fill


#: Fill the shared pieces into a docstring: ``@fill_doc`` above the function.
fill_doc = doc_filler()
