"""Deprecated alias of :mod:`iocirc.trade.customs` (moved in iocirc 0.2, removed in 0.3).

``iocirc.customs.with_customs_trade`` and the other names still work, with a
:class:`DeprecationWarning` naming their new place; ``iocirc.with_customs_trade``
and :mod:`iocirc.trade` do not warn.
"""

# ruff: noqa: F822 (the names of __all__ are served by __getattr__)
from iocirc._core import moved

__all__ = ["read_customs_csv", "usd_to_cny", "with_customs_trade"]

__getattr__ = moved(
    __name__,
    {name: f"iocirc.trade.customs:{name}" for name in __all__}
    | {
        # private helpers of 0.1 that code outside iocirc reached for
        "_parse_number": "iocirc.trade._csv:parse_number",
        "parse_unit": "iocirc.units:parse_unit",
    },
)


def __dir__() -> list[str]:  # completion offers no deprecated name (nor does pytest read them)
    return []
