"""Sphinx configuration of iocirc's documentation.

Build (CI runs exactly this, warnings are errors)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

Environment:

``IOCIRC_DATA``
    A folder with the official tables. When set, gallery examples that read them
    are executed; otherwise they are rendered without output.
``IOCIRC_DOCS_EXECUTE``
    ``0`` executes no example, ``1`` every example (default: as above).
``IOCIRC_DOCS_MATHJAX_CDN``
    ``1`` loads MathJax from its CDN instead of shipping it (default: shipped,
    with the package sphinx-mathjax-offline, so formulas render offline).
``IOCIRC_DOCS_INTERSPHINX``
    ``1`` links to the numpy, xarray, pandas ... documentation (needs network
    access at build time, so it is off by default and in CI).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import iocirc

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

import iocirc_docs  # noqa: E402  (docs/_ext, on the path just above)

os.environ.setdefault("MPLBACKEND", "Agg")

# -- Project -----------------------------------------------------------------------------

project = "iocirc"
author = "iocirc developers"
copyright = f"{date.today().year}, {author}"
release = iocirc.__version__
version = ".".join(release.split(".")[:2])
language = "en"

# -- General -----------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "iocirc_docs",
    "iocirc_api_nav",
]
# MathJax shipped with the build (no CDN): formulas render offline. The package
# sphinx-mathjax-offline (docs extra) copies MathJax 3 into _static/mathjax and points
# mathjax_path there. Without it (IOCIRC_DOCS_MATHJAX_CDN=1, e.g. a quick local build)
# the pages load MathJax from its CDN and need a network to show formulas.
if os.environ.get("IOCIRC_DOCS_MATHJAX_CDN") != "1":
    if importlib.util.find_spec("sphinx-mathjax-offline") is None:
        raise RuntimeError(
            "the docs ship MathJax for offline reading: pip install -e '.[docs]' (which has "
            "sphinx-mathjax-offline), or set IOCIRC_DOCS_MATHJAX_CDN=1 to use the CDN"
        )
    extensions.append("sphinx-mathjax-offline")
if os.environ.get("IOCIRC_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
        "xarray": ("https://docs.xarray.dev/en/stable", None),
        "dask": ("https://docs.dask.org/en/stable", None),
        "hypothesis": ("https://hypothesis.readthedocs.io/en/latest", None),
    }

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_gallery",  # the gallery header, staged into generated/examples
    "generated/examples",  # staged copies of ../examples (sphinx-gallery's input)
    "**.ipynb_checkpoints",
    "Thumbs.db",
    ".DS_Store",
]
default_role = "py:obj"
pygments_style = "sphinx"
# Quotes and ellipses only: "--customs" must not become an en dash ("–customs").
smartquotes_action = "qe"

# -- autodoc, autosummary, numpydoc ------------------------------------------------------

autosummary_generate = True  # pages go to api/generated/, which git ignores
# Pages of names no longer in api.rst would be orphans (a warning, so an error): start afresh.
shutil.rmtree(DOCS / "api" / "generated", ignore_errors=True)
autosummary_imported_members = False
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# Run `IOCIRC_DOCS_VALIDATE=1 sphinx-build ...` (without -W) to list docstrings that lack
# the sections the project asks for; CI does not, since other modules are still landing.
if os.environ.get("IOCIRC_DOCS_VALIDATE") == "1":
    numpydoc_validation_checks = {"PR01", "PR02", "RT01", "EX01", "SA04", "GL08"}

# -- MyST (the changelog is Markdown) ----------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- sphinx-gallery ----------------------------------------------------------------------

_executed = iocirc_docs.stage_examples(
    ROOT / "examples", DOCS / "_gallery" / "GALLERY_HEADER.rst", DOCS / "generated" / "examples"
)
sphinx_gallery_conf = {
    "examples_dirs": ["generated/examples"],
    "gallery_dirs": ["generated/gallery"],
    "filename_pattern": iocirc_docs.execute_pattern(_executed),
    "ignore_pattern": r"(__init__|conftest|_helpers?)\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,  # a failing example fails the build
    "backreferences_dir": None,
    # iocirc_gallery: the PNG files an example saves (the worked example closes its
    # figures), so that it gets images and a thumbnail
    "image_scrapers": ("iocirc_gallery", "matplotlib"),
    # sys.exit(0) at the end of an example must not stop Sphinx (see iocirc_docs)
    "reset_modules": (
        "matplotlib",
        "iocirc_docs.gallery_exit_guard",
        "iocirc_gallery.example_started",
    ),
    "reset_modules_order": "both",
    "matplotlib_animations": False,
    "show_memory": False,
    "min_reported_time": 1,
}

# -- HTML --------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"iocirc {release}"
html_static_path = ["_static"]
html_css_files = ["iocirc.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "header_links_before_dropdown": 8,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {
    # the API pages: names grouped by task, as on the API page (docs/_ext/iocirc_api_nav.py)
    "api": ["api-sidebar.html"],
    "api/generated/*": ["api-sidebar.html"],
    "index": [],
    "getting_started": [],
    "notation": [],
    "variables": [],
    "changelog": [],
    "northeast_study": [],
}
html_context = {"default_mode": "auto"}
