"""The layers of the package hold: features share code through the core, not each other's privates.

See docs/design.rst. A feature is a top-level module or subpackage of ``iocirc``
(``iocirc.indicators``, ``iocirc.analysis``, ``iocirc.mrio``...). It may import
the core (``iocirc._core``), the package-private table builder
(``iocirc._synthetic``, shared by ``datasets`` and ``testing``), its own private
modules and names, and other features' public names, and nothing else.
"""

from __future__ import annotations

import ast
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import iocirc
from iocirc import schema

SRC = Path(iocirc.__file__).parent
#: Private modules every feature may use.
SHARED = {"_core", "_synthetic"}


def _feature(module: str) -> str:
    """``iocirc.analysis._model`` -> ``analysis``; ``iocirc.indicators`` -> ``indicators``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _private_imports() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        importer = _module_name(path)
        own = _feature(importer)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if not node.module.startswith("iocirc"):
                continue
            target = _feature(node.module)
            if target in SHARED or target == own or not target:
                continue
            private_module = any(p.startswith("_") for p in node.module.split(".")[1:])
            private_names = [a.name for a in node.names if a.name.startswith("_")]
            if private_module or private_names:
                what = ", ".join(a.name for a in node.names)
                found.append(f"{importer}: from {node.module} import {what}")
    return found


def test_no_feature_imports_private_names_of_another():
    found = _private_imports()
    assert not found, "private names imported across features (move them to iocirc._core):\n" + (
        "\n".join(found)
    )


def test_the_check_sees_a_private_import(tmp_path, monkeypatch):
    # The check above could pass by finding nothing: show it finds a planted violation.
    fake = tmp_path / "iocirc"
    fake.mkdir()
    (fake / "__init__.py").write_text("", encoding="utf-8")
    (fake / "indicators.py").write_text("from iocirc.aggregation import _on\n", encoding="utf-8")
    (fake / "aggregation.py").write_text("from iocirc._core import check_table\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "SRC", fake)
    assert _private_imports() == ["iocirc.indicators: from iocirc.aggregation import _on"]


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_scope_flows_are_typed_only_in_the_registry(path):
    # One scope registry: the outflow/inflow pairs of the scopes are spelled out in
    # iocirc.schema only; every other module derives them from schema.SCOPES.
    if path == Path(schema.__file__):
        return
    text = path.read_text(encoding="utf-8")
    for spec in schema.SCOPES.values():
        pair = f'("{spec.outflow}", "{spec.inflow}")'
        assert pair not in text, f"{path.name} types the {spec.name} scope's flows {pair}"


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_value_added_components_are_typed_only_in_the_registry(path):
    if path == Path(schema.__file__):
        return
    text = " ".join(path.read_text(encoding="utf-8").split())
    listed = '("' + '", "'.join(schema.VA_STANDARD) + '")'
    assert listed not in text, f"{path.name} re-types the value-added components"


def _warned_here(call) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return caught


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: iocirc.validate(_unbalanced(), on_imbalance="warn"), id="validate"),
        pytest.param(
            lambda: iocirc.mrio.validate(_unbalanced_mrio(), on_imbalance="warn"),
            id="mrio.validate",
        ),
        pytest.param(
            lambda: iocirc.mrio.ras(
                np.array([[1.0, 0.0], [1.0, 1.0]]),
                np.array([1.0, 3.0]),
                np.array([2.0, 2.0]),
                max_iter=1,
                on_fail="warn",
            ),
            id="ras",
        ),
    ],
)
def test_warnings_point_at_the_users_line(call):
    # One warnings helper (iocirc._core.warn): however deep inside iocirc a warning is
    # raised, it is attributed to the caller's line, here this test module.
    caught = _warned_here(call)
    assert caught, "expected a warning"
    assert {Path(w.filename).name for w in caught} == {Path(__file__).name}


def _unbalanced():
    ds = iocirc.datasets.example_table().copy(deep=True)
    ds["total_output"][0, 1] += 1000.0
    return ds


def _unbalanced_mrio():
    mrio = iocirc.testing.synthetic_mrio(2, 2)
    out = mrio.copy(deep=True)
    out["total_output"][0, 0] += 1000.0
    return out


#: Modules kept for a release as deprecated aliases, and their new place.
DEPRECATED_MODULES = {"customs": "trade", "freight": "trade", "partners": "trade"}


def test_deprecated_modules_are_those_the_package_declares():
    assert set(DEPRECATED_MODULES) == iocirc._DEPRECATED_MODULES


def test_top_level_all_is_exactly_the_public_api():
    modules = {m for m in iocirc._SUBMODULES if m not in iocirc._DEPRECATED_MODULES}
    assert set(iocirc.__all__) == modules | set(iocirc._NAMES) | {"__version__"}
    assert sorted(iocirc.__all__) == sorted(set(iocirc.__all__))  # nothing listed twice
    for name in iocirc.__all__:
        assert getattr(iocirc, name) is not None


@pytest.mark.parametrize(("old", "new"), sorted(DEPRECATED_MODULES.items()))
def test_deprecated_modules_serve_their_names_from_the_new_place(old, new):
    module = __import__(f"iocirc.{old}", fromlist=["__all__"])
    target = __import__(f"iocirc.{new}", fromlist=["__all__"])
    for name in module.__all__:
        with pytest.warns(DeprecationWarning, match=f"iocirc.{old}.{name} is deprecated"):
            value = getattr(module, name)
        assert value is getattr(target, name)


@pytest.mark.parametrize(
    "name", ["flow_weights", "row_accounted", "identity_residuals", "check_structure"]
)
def test_helpers_of_0_1_warn_and_still_work(name):
    from iocirc import validation

    with pytest.warns(DeprecationWarning, match=f"validation.{name} is deprecated"):
        helper = getattr(validation, name)
    assert callable(helper)
    assert name not in validation.__all__


@pytest.mark.parametrize(
    "name",
    [
        "flow_weights",
        "row_accounted",
        "identity_residuals",
        "check_identities",
        "default_tolerances",
        "check_structure",
    ],
)
def test_deprecation_messages_point_at_public_api(name):
    # An old helper now lives in the internal core: its warning says which public call to use,
    # never a private path a user should not import.
    from iocirc import validation

    with pytest.warns(DeprecationWarning, match=f"validation.{name} is deprecated") as caught:
        getattr(validation, name)
    advice = str(caught[0].message).split("; use ", 1)[1]
    assert "._" not in advice
    assert advice.startswith("iocirc.")
