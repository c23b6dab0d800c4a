"""Exceptions and warnings raised by iocirc.

Every error iocirc raises on bad input derives from :class:`IocircError` and
also from the builtin that fits (:class:`ValueError` or :class:`TypeError`),
so ``except ValueError`` keeps working in code that does not know iocirc.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "BalanceError",
    "BalanceWarning",
    "ChoiceError",
    "ConditioningWarning",
    "ConventionWarning",
    "ConvergenceError",
    "ConvergenceWarning",
    "DownloadError",
    "IocircError",
    "IocircWarning",
    "MissingFlowError",
    "ModelError",
    "ReadError",
    "SchemaError",
    "UnitError",
]


class IocircError(Exception):
    """Base class of every error iocirc raises on bad input."""


class SchemaError(IocircError, ValueError):
    """A Dataset does not have the structure of a regional IO table.

    Raised for missing variables, dimensions or coordinates, unknown labels,
    non-numeric data and values that are not allowed (NaN, negative output).
    """


class BalanceError(IocircError, ValueError):
    """An accounting identity of an IO table fails beyond the tolerance."""


class ConvergenceError(BalanceError):
    """An iterative balancing (RAS, GRAS) does not reach its margins within the iterations allowed.

    The message names the margins (row or column, and the batch item) that stay off.
    """


class ReadError(IocircError, ValueError):
    """A workbook cannot be read as an IO table.

    The message names the file, the sheet and the row or column label.
    """


class MissingFlowError(IocircError, ValueError):
    """An indicator needs final-use or trade flows the table does not report."""


class UnitError(IocircError, ValueError):
    """Variables carry missing or incompatible units."""


class DownloadError(IocircError, OSError):
    """An official table cannot be downloaded, or a cached copy is corrupted.

    The message names the file and what to do: delete a corrupted copy, check
    the network connection, or set ``IOCIRC_DATA`` to a folder holding a copy
    of the mirror's ``data-raw/`` folder.
    """


class ArgumentError(IocircError, ValueError):
    """An argument has a value the function does not accept (an unknown option, NaN)."""


class ChoiceError(ArgumentError, SchemaError):
    """An option outside its choices (``scope="world"``, ``kind="global"``).

    The one error of every choice-valued argument; it is an :class:`ArgumentError`
    and, as in iocirc 0.1 where a bad ``scope`` raised it, a :class:`SchemaError`.
    """


class ArgumentTypeError(IocircError, TypeError):
    """An argument is of a type the function does not accept."""


class ModelError(IocircError, np.linalg.LinAlgError):
    """An input-output model cannot be solved: ``I - A`` is singular or not productive.

    The message names the region. Derives from :class:`numpy.linalg.LinAlgError`
    (a :class:`ValueError`), so code catching either keeps working.
    """


class IocircWarning(UserWarning):
    """Base class of iocirc's warnings."""


class BalanceWarning(IocircWarning):
    """A published table does not add up; it is read anyway."""


class ConventionWarning(IocircWarning):
    """A modelling convention yields values outside their meaningful range."""


class ConditioningWarning(IocircWarning):
    """A linear system is so ill-conditioned that its solution may be inaccurate."""


class ConvergenceWarning(IocircWarning):
    """An iterative balancing stopped before reaching its margins; the result is returned anyway."""


def __dir__() -> list[str]:  # dir() and tab completion list the public names only
    return sorted(__all__)
