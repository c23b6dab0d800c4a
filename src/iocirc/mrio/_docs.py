"""Numpydoc text shared by the value-added decompositions.

The pieces of :mod:`iocirc._core.docs`, with those of the multi-regional table:
a docstring names a piece on a line of its own (``{mrio}`` under ``Parameters``).
"""

from __future__ import annotations

from iocirc._core.docs import doc_filler

__all__ = ["fill_doc"]

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

#: Fill the shared pieces (:data:`iocirc._core.docs.PIECES`) and those above into a docstring.
fill_doc = doc_filler({"mrio": MRIO, "raises": RAISES, "raises_nation": RAISES_NATION})
