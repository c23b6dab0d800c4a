"""sphinx-gallery helpers: figures an example saves to files become its images.

The worked example writes its figures as PNG files (and closes them), so
matplotlib's scraper sees none and the gallery would show no thumbnail. The
scraper here picks up every ``*.png`` an example wrote below its folder while it
ran; the first one is the thumbnail. It is named in ``conf.py`` by module name
(``"iocirc_gallery"``), which keeps the configuration picklable.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

_STARTED: dict[str, float] = {}
_REPORTED: dict[str, set[Path]] = {}


def example_started(gallery_conf: dict[str, Any], fname: str, when: str) -> None:
    """A ``reset_modules`` hook: remember when each example starts."""
    if when == "before":
        _STARTED[str(fname)] = time.time() - 1.0  # file systems round mtimes
        _REPORTED[str(fname)] = set()


def written_images(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """The PNG files the running example wrote since it started, as gallery images."""
    import sys

    from sphinx_gallery.scrapers import figure_rst

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.get_fignums():
        return ""  # open figures: matplotlib's scraper shows them (no duplicates from files)
    source = Path(block_vars["src_file"])
    started = _STARTED.get(source.name, _STARTED.get(str(source)))
    if started is None:
        return ""
    reported = _REPORTED.setdefault(source.name, set())
    found = sorted(
        p
        for p in source.parent.rglob("*.png")
        if p.stat().st_mtime >= started and p not in reported and "images" not in p.parts
    )
    images = []
    for path in found:
        target = next(block_vars["image_path_iterator"])
        shutil.copyfile(path, target)
        images.append(target)
        reported.add(path)
    return figure_rst(images, gallery_conf["src_dir"]) if images else ""


def _get_sg_image_scraper() -> Any:  # the hook sphinx-gallery looks for by module name
    return written_images
