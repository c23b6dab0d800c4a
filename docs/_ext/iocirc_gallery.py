"""sphinx-gallery helpers: figures an example saves to files become its images.

The worked example writes its figures as PNG files (and closes them), so
matplotlib's scraper sees none and the gallery would show no thumbnail. The
scraper here picks up every ``*.png`` an example wrote below its folder while it
ran; the first one is the thumbnail. It is named in ``conf.py`` by module name
(``"iocirc_gallery"``), which keeps the configuration picklable.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

#: Each example's folder as it was when the example started: PNG path -> mtime (ns).
_BEFORE: dict[str, dict[Path, int]] = {}
_REPORTED: dict[str, set[Path]] = {}


def _pngs(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*.png") if "images" not in p.parts}


def example_started(gallery_conf: dict[str, Any], fname: str, when: str) -> None:
    """A ``reset_modules`` hook: note the PNG files there are when each example starts.

    Files written or rewritten after that are the example's (comparing modification
    times with a clock instead would also catch the files an example just before wrote).
    """
    if when == "before":
        folders = gallery_conf["examples_dirs"]
        folders = [folders] if isinstance(folders, str) else folders
        root = Path(gallery_conf["src_dir"])
        _BEFORE[str(fname)] = {p: t for f in folders for p, t in _pngs(root / f).items()}
        _REPORTED[str(fname)] = set()


def written_images(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """The PNG files the running example wrote since it started, as gallery images."""
    import sys

    from sphinx_gallery.scrapers import figure_rst

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.get_fignums():
        return ""  # open figures: matplotlib's scraper shows them (no duplicates from files)
    found = written_since_start(Path(block_vars["src_file"]))
    images = []
    for path in found:
        target = next(block_vars["image_path_iterator"])
        shutil.copyfile(path, target)
        images.append(target)
    return figure_rst(images, gallery_conf["src_dir"]) if images else ""


def written_since_start(source: Path) -> list[Path]:
    """The PNG files below ``source``'s folder written since the example started, not yet
    reported (each is reported once)."""
    before = _BEFORE.get(source.name, _BEFORE.get(str(source)))
    if before is None:
        return []
    reported = _REPORTED.setdefault(source.name, set())
    found = sorted(
        p
        for p, mtime in _pngs(source.parent).items()
        if before.get(p) != mtime and p not in reported
    )
    reported.update(found)
    return found


def _get_sg_image_scraper() -> Any:  # the hook sphinx-gallery looks for by module name
    return written_images
