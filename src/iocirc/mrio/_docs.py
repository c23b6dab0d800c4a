"""Numpydoc text shared by the value-added decompositions.

As xarray does for its weighted reductions (``xarray/computation/weighted.py``),
the pieces are module constants filled into each function's docstring. A
docstring names a piece on a line of its own, e.g. ``{mrio}`` under
``Parameters``, and :func:`fill_doc` puts the piece there at that line's
indentation, so ``help()`` and Sphinx show the text written out in full. Only
such whole-line names are replaced (not ``str.format``): the formulas' braces,
``sum_{r != s}``, stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

__all__ = ["fill_doc"]

_F = TypeVar("_F", bound=Callable[..., object])

#: The ``mrio`` parameter.
MRIO = """\
mrio : xarray.Dataset
    A multi-regional table (:func:`iocirc.mrio.from_matrices`), one year."""

#: The errors of every decomposition (the ``Raises`` entries).
RAISES = """\
SchemaError
    ``mrio`` is not a well-formed multi-regional table (NaN, infinite
    values, negative output, extra dimensions: select one year first).
BalanceError
    Its row or column identity fails (:func:`iocirc.mrio.validate`); a
    published table's rounding residual belongs in its ``discrepancy``.
ModelError
    ``I - A`` or a region's ``I - A_ss`` is singular (the message names the
    region and sector)."""

#: The further ``Raises`` entry of the decompositions that take ``nation``.
RAISES_NATION = """\
ArgumentError, ArgumentTypeError
    ``nation`` names unknown regions or is not a sequence of labels."""

_PIECES = {"mrio": MRIO, "raises": RAISES, "raises_nation": RAISES_NATION}
_PLACEHOLDER = re.compile(r"^(\s*)\{(\w+)\}$")


def fill_doc(func: _F) -> _F:
    """Replace each ``{name}`` line of ``func``'s docstring by the piece ``name``, indented."""
    if func.__doc__ is None:  # python -OO
        return func
    lines: list[str] = []
    for line in func.__doc__.split("\n"):
        match = _PLACEHOLDER.match(line)
        if match is None:
            lines.append(line)
            continue
        indent, name = match.groups()
        lines.extend(indent + piece if piece else piece for piece in _PIECES[name].split("\n"))
    func.__doc__ = "\n".join(lines)
    return func
