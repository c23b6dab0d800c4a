"""The README's Python example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# Imported before a test changes directory: a relative IOCIRC_DATA is resolved against the
# directory it is set in, as for a user who runs the README's commands.
import iocirc  # noqa: F401

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.data
def test_readme_python_example_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    monkeypatch.chdir(tmp_path)  # it writes table.nc
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    assert (tmp_path / "table.nc").stat().st_size > 0
    assert namespace["tables"].sizes["region"] == 31  # type: ignore[attr-defined]


def test_readme_quick_start_has_two_commands():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick, re.S)
    assert len(commands) == 2
    assert all(len(c.strip().splitlines()) == 1 for c in commands)
    assert "examples/northeast_china.py" in commands[0]
    assert "pytest" in commands[1]
    # the first command works on a fresh machine: it downloads, it needs no local copy ...
    assert "IOCIRC_DATA" not in commands[0]
    assert "../shared" not in quick
    # ... and the text says how to point at one
    assert "IOCIRC_DATA" in quick
    assert "data-raw/" in quick


def test_relative_data_folder_survives_a_change_of_directory(tmp_path, monkeypatch) -> None:
    """IOCIRC_DATA=../data is resolved once, where it was set, not after an os.chdir."""
    from iocirc import download

    work = tmp_path / "project"
    (tmp_path / "data" / "data-raw").mkdir(parents=True)
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("IOCIRC_DATA", "../data")
    first = download.cache_root()
    assert first.is_absolute()
    assert (first / "data-raw").is_dir()
    monkeypatch.chdir(tmp_path / "data")
    assert download.cache_root() == first
