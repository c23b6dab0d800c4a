"""Warnings that point at the user's line, wherever inside iocirc they are raised."""

from __future__ import annotations

import sys
import warnings
from types import FrameType

__all__ = ["user_stacklevel", "warn"]


def user_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside iocirc, as seen by the caller's caller.

    Pass it to :func:`warnings.warn` called directly from the function that asks.
    """
    return _levels_inside_iocirc(sys._getframe(1))


def warn(message: str, category: type[Warning]) -> None:
    """Warn with ``message``, attributed to the user's line that called into iocirc."""
    # stacklevel 1 is this function's line; its caller's frame is level 2.
    warnings.warn(message, category, stacklevel=1 + _levels_inside_iocirc(sys._getframe(1)))


def _levels_inside_iocirc(frame: FrameType | None) -> int:
    """1 + the number of consecutive iocirc frames from ``frame`` outwards."""
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("iocirc"):
        frame = frame.f_back
        level += 1
    return level
