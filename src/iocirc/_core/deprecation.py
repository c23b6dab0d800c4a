"""Old names kept working for a release, with a :class:`DeprecationWarning` naming the new one."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from iocirc._core.warn import warn

__all__ = ["moved"]


def moved(
    module: str, names: Mapping[str, str], *, advice: Mapping[str, str] | None = None
) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving each old name of ``names`` from its new home.

    ``names`` maps an old attribute of ``module`` to ``"package.module:attribute"``
    (or ``"package.module"`` for a moved module). Every use warns, naming the new
    place, or what to do instead where ``advice`` says (for an old helper whose
    new home is internal); nothing is imported before that.
    """
    advice = dict(advice or {})

    def __getattr__(name: str) -> Any:
        target = names.get(name)
        if target is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        where, _, attribute = target.partition(":")
        new = advice.get(name, f"{where}.{attribute}" if attribute else where)
        warn(
            f"{module}.{name} is deprecated and will be removed in iocirc 0.3; use {new}",
            DeprecationWarning,
        )
        value = importlib.import_module(where)
        return getattr(value, attribute) if attribute else value

    return __getattr__
