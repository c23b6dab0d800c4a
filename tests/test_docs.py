"""The documentation: generated pages, API coverage, and the examples in the guide.

None of this needs Sphinx: the generator in ``docs/_ext/iocirc_docs.py`` is plain
Python, ``docs/api.rst`` is read as text, and the ``>>>`` examples of the pages run
with :mod:`doctest`. The build itself (``sphinx-build -W``) runs in CI separately.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import iocirc
from iocirc import schema

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _docs_ext() -> ModuleType:
    name = "iocirc_docs"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DOCS / "_ext" / "iocirc_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# -- pages generated from the schema registry ----------------------------------------------


def test_notation_lists_every_registered_label() -> None:
    pages = _docs_ext().generated_files()
    for dim, page in (("flow", "notation_flows.inc"), ("va_component", "notation_va.inc")):
        text = pages[page]
        for member in schema.members(dim).values():
            for value in (member.code, member.zh, member.name, member.symbol, member.en):
                assert value in text, f"{page} lacks {value!r} of {dim} {member.name!r}"
    blocks = pages["notation_blocks.inc"]
    for spec in schema.VARIABLES.values():
        assert f"``{spec.name}``" in blocks
        assert f":math:`{spec.symbol}`" in blocks
    for dim in schema.DIMS.values():
        assert f"``{dim.name}``" in pages["notation_dims.inc"]
        for coord in dim.coords:
            assert f"``{coord}``" in pages["notation_dims.inc"]


def test_variables_page_has_a_section_per_variable() -> None:
    text = _docs_ext().generated_files()["variables_detail.inc"]
    for spec in schema.VARIABLES.values():
        assert f".. _variable-{spec.name}:" in text
        assert _docs_ext().variable_zh(spec), f"no Chinese label for {spec.name}"


def test_aggregate_parts_are_shown_with_their_effective_signs() -> None:
    flows = _docs_ext().generated_files()["notation_flows.inc"]
    # gross inflow = imports + domestic inflow, although both have sign -1
    assert "``import`` + ``domestic_inflow``" in flows
    assert "``domestic_outflow`` − ``import`` − ``domestic_inflow``" in flows


def test_generated_files_are_written_only_when_changed(tmp_path: Path) -> None:
    ext = _docs_ext()
    first = ext.write_generated(tmp_path)
    assert {p.name for p in first} == set(ext.generated_files())
    assert ext.write_generated(tmp_path) == []


def test_gallery_runs_data_examples_only_with_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ext = _docs_ext()
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "plot_synthetic.py").write_text("import iocirc\n", encoding="utf-8")
    (examples / "northeast_china.py").write_text(
        "ds = iocirc.datasets.china_provincial(2017)\n", encoding="utf-8"
    )
    header = tmp_path / "GALLERY_HEADER.rst"
    header.write_text("Examples\n========\n", encoding="utf-8")
    target = tmp_path / "staged"
    monkeypatch.delenv("IOCIRC_DOCS_EXECUTE", raising=False)
    monkeypatch.delenv("IOCIRC_DATA", raising=False)
    assert ext.stage_examples(examples, header, target) == ["plot_synthetic.py"]
    assert (target / "northeast_china.py").is_file()
    monkeypatch.setenv("IOCIRC_DATA", str(tmp_path))
    assert ext.stage_examples(examples, header, target) == [
        "northeast_china.py",
        "plot_synthetic.py",
    ]
    pattern = re.compile(ext.execute_pattern(["plot_synthetic.py"]))
    assert pattern.search(str(target / "plot_synthetic.py"))
    assert not pattern.search(str(target / "northeast_china.py"))
    assert not re.search(ext.execute_pattern([]), str(target / "plot_synthetic.py"))


def test_gallery_examples_may_end_with_sys_exit() -> None:
    ext = _docs_ext()
    real = sys.exit
    try:
        ext.gallery_exit_guard({}, "northeast_china.py", when="before")
        sys.exit(0)  # a no-op while an example runs
        with pytest.raises(RuntimeError, match=r"sys.exit\(2\)"):
            sys.exit(2)
    finally:
        ext.gallery_exit_guard({}, "northeast_china.py", when="after")
    assert sys.exit is real


def test_northeast_page_says_how_to_generate_missing_output(tmp_path: Path) -> None:
    ext = _docs_ext()
    pages = ext.northeast_files(None, tmp_path / "northeast")
    assert "Generated at build time" in pages["northeast_table1.inc"]
    output = tmp_path / "out"
    output.mkdir()
    (output / "table1.csv").write_text("region,year,dual_ratio\nLiaoning,2017,1.0\n")
    (output / "figure_1.png").write_bytes(b"\x89PNG")
    pages = ext.northeast_files(output, tmp_path / "northeast")
    assert ".. csv-table::" in pages["northeast_table1.inc"]
    assert (tmp_path / "northeast" / "table1.csv").is_file()
    assert "figure_1.png" in pages["northeast_figures.inc"]
    assert "Generated at build time" in pages["northeast_table2.inc"]


# -- the API reference -----------------------------------------------------------------------


def _api_entries() -> list[str]:
    """Every name listed in an autosummary block of docs/api.rst, fully qualified."""
    entries = []
    module = "iocirc"
    lines = (DOCS / "api.rst").read_text(encoding="utf-8").splitlines()
    in_block = False
    for line in lines:
        if line.startswith(".. currentmodule::"):
            module = line.split("::", 1)[1].strip()
        if line.startswith(".. autosummary::"):
            in_block = True
            continue
        if in_block:
            stripped = line.strip()
            if not line.strip() or stripped.startswith(":"):
                continue
            if not line.startswith("   "):
                in_block = False
                continue
            entries.append(stripped if stripped.startswith("iocirc") else f"{module}.{stripped}")
    return entries


def _resolve(name: str) -> Any:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(name)


def _public_modules() -> list[ModuleType]:
    found = [iocirc]
    for info in pkgutil.walk_packages(iocirc.__path__, "iocirc."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        if info.name.removeprefix("iocirc.") in iocirc._DEPRECATED_MODULES:
            continue  # deprecated aliases: tests/test_architecture.py checks them
        try:
            found.append(importlib.import_module(info.name))
        except ImportError:  # an optional dependency is missing
            continue
    return found


def test_api_reference_entries_exist() -> None:
    missing = []
    for name in _api_entries():
        try:
            _resolve(name)
        except (ImportError, AttributeError):
            missing.append(name)
    assert not missing, f"docs/api.rst lists names that do not exist: {missing}"


def test_api_reference_lists_every_public_name() -> None:
    entries = _api_entries()
    documented_ids = set()
    for name in entries:
        obj = _resolve(name)
        if callable(obj) or isinstance(obj, type):
            documented_ids.add(id(obj))
    documented = {name.rsplit(".", 1)[-1] for name in entries}
    undocumented = []
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if isinstance(obj, ModuleType) or name.startswith("__"):
                continue
            if id(obj) in documented_ids:
                continue
            if not (callable(obj) or isinstance(obj, type)) and name in documented:
                continue
            undocumented.append(f"{module.__name__}.{name}")
    assert not undocumented, (
        "public names missing from docs/api.rst (add them to the autosummary block of "
        f"their task): {sorted(set(undocumented))}"
    )


# -- the >>> examples of the guide -----------------------------------------------------------

_PAGES = sorted(
    p
    for p in [*DOCS.glob("*.rst"), *DOCS.glob("user_guide/*.rst")]
    if ">>>" in p.read_text("utf-8")
)
_CALLS = re.compile(r"\biocirc\.([a-z_]\w*)\b")


def _exists(name: str) -> bool:
    """Whether ``iocirc.<name>`` is an attribute or a submodule."""
    return hasattr(iocirc, name) or importlib.util.find_spec(f"iocirc.{name}") is not None


@pytest.mark.parametrize("page", _PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if line.lstrip().startswith((">>>", "...")))
    pending = sorted({n for n in _CALLS.findall(code) if not _exists(n)})
    if pending:
        pytest.skip(f"uses iocirc.{', iocirc.'.join(pending)}, not yet exported")
    if ".chunk(" in code:
        pytest.importorskip("dask")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    output: list[str] = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, "".join(output)


def test_api_sidebar_groups_every_entry_by_task() -> None:
    """The API pages' sidebar (docs/_ext/iocirc_api_nav.py) lists each name once, by task."""
    spec = importlib.util.spec_from_file_location(
        "iocirc_api_nav", DOCS / "_ext" / "iocirc_api_nav.py"
    )
    assert spec is not None
    assert spec.loader is not None
    nav = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(nav)
    groups = nav.api_groups(DOCS / "api.rst")
    titles = [g["title"] for g in groups]
    assert "Reading tables" in titles
    assert len(titles) == len(set(titles))
    listed = [doc.removeprefix("api/generated/") for g in groups for _, doc in g["names"]]
    assert sorted(listed) == sorted(_api_entries())
    assert all(g["anchor"] and " " not in g["anchor"] for g in groups)


def test_gallery_shows_only_the_figures_an_example_wrote_itself(tmp_path):
    # Two examples write into one folder, one right after the other: the second one's page
    # must not also show the first one's figures (it did when files were judged by a clock).
    spec = importlib.util.spec_from_file_location(
        "gallery_ext", DOCS / "_ext" / "iocirc_gallery.py"
    )
    assert spec is not None
    assert spec.loader is not None
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    examples = tmp_path / "examples"
    (examples / "out").mkdir(parents=True)
    conf = {"examples_dirs": ["examples"], "src_dir": str(tmp_path)}
    gallery.example_started(conf, "first.py", "before")
    (examples / "out" / "a.png").write_bytes(b"first")
    assert gallery.written_since_start(examples / "first.py") == [examples / "out" / "a.png"]
    assert gallery.written_since_start(examples / "first.py") == []  # reported once
    gallery.example_started(conf, "second.py", "before")
    (examples / "out" / "b.png").write_bytes(b"second")
    assert gallery.written_since_start(examples / "second.py") == [examples / "out" / "b.png"]
