"""Readers of official input-output tables into the table schema of :mod:`iocirc.schema`.

Reading needs the optional dependencies of the ``read`` extra
(``pip install 'iocirc[read]'``): python-calamine for ``.xls``/``.xlsx`` and
lxml for HTML saved as ``.xls``; they are imported only when a file needs them.
"""

from iocirc.readers.nbs import read_nbs_table, read_nbs_tables

__all__ = ["read_nbs_table", "read_nbs_tables"]


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
