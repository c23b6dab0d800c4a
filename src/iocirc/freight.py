"""Deprecated alias of :mod:`iocirc.trade.freight` (moved in iocirc 0.2, removed in 0.3).

``iocirc.freight.freight_outflow_share`` and the other names still work, with a
:class:`DeprecationWarning` naming their new place; ``iocirc.freight_outflow_share``
and :mod:`iocirc.trade` do not warn. The functions no longer default to the
Northeast: without ``group`` they give every province on its own (pass
``group="Northeast"`` for the paper's group).
"""

# ruff: noqa: F822 (the names of __all__ are served by __getattr__)
from iocirc._core import moved

__all__ = [
    "freight_domestic_share",
    "freight_integration_level",
    "freight_outflow_share",
    "freight_receipt_share",
    "read_freight_csv",
]

__getattr__ = moved(__name__, {name: f"iocirc.trade.freight:{name}" for name in __all__})


def __dir__() -> list[str]:  # completion offers no deprecated name (nor does pytest read them)
    return []
