"""Warnings that point at the user's line, wherever inside iocirc they are raised."""

from __future__ import annotations

import sys
import warnings

__all__ = ["user_stacklevel", "warn"]


def user_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside iocirc, as seen by the caller's caller.

    Pass it to :func:`warnings.warn` called directly from the function that asks.
    """
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("iocirc"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn(message: str, category: type[Warning]) -> None:
    """Warn with ``message``, attributed to the user's line that called into iocirc."""
    frame = sys._getframe(1)
    level = 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("iocirc"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
