"""Deprecated alias of :mod:`iocirc.trade.partners` (moved in iocirc 0.2, removed in 0.3).

``iocirc.partners.partner_group_totals`` and the other names still work, with a
:class:`DeprecationWarning` naming their new place; ``iocirc.partner_group_totals``
and :mod:`iocirc.trade` do not warn.
"""

# ruff: noqa: F822 (the names of __all__ are served by __getattr__)
from iocirc._core import moved

__all__ = [
    "NORTHEAST_ASIA",
    "PARTNER_GROUPS",
    "partner_group_share",
    "partner_group_totals",
    "read_partner_trade_csv",
]

__getattr__ = moved(
    __name__,
    {name: f"iocirc.trade.partners:{name}" for name in (*__all__, "DIRECTIONS")},
)


def __dir__() -> list[str]:  # completion offers no deprecated name (nor does pytest read them)
    return []
