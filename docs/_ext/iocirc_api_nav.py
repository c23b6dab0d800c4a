"""Sphinx extension: the API pages' sidebar groups the names by task, as the API page does.

Autosummary makes every name a child page of ``api``, so the theme's sidebar
would list about a hundred names in one flat list. This reads the sections and
``autosummary`` blocks of ``docs/api.rst`` and gives the template
``_templates/api-sidebar.html`` one collapsible group per section, the group of
the page shown open.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_RULE = re.compile(r"^(=+|-+|#+)\s*$")


def api_groups(api_rst: Path) -> list[dict[str, Any]]:
    """``[{"title", "anchor", "names": [(short name, docname)]}]`` of the API page.

    Subsections (``---``) are merged into their section (``===``).
    """
    lines = api_rst.read_text(encoding="utf-8").splitlines()
    groups: list[dict[str, Any]] = []
    module = "iocirc"
    in_block = False
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        heading = line.strip() and line[0] != "=" and _RULE.match(following)
        if heading and following[0] == "=" and len(following.strip()) >= len(line.strip()):
            anchor = re.sub(r"[^a-z0-9]+", "-", line.strip().lower()).strip("-")
            groups.append({"title": line.strip(), "anchor": anchor, "names": []})
        if line.startswith(".. currentmodule::"):
            module = line.split("::", 1)[1].strip()
        if line.startswith(".. autosummary::"):
            in_block = True
            continue
        if in_block:
            stripped = line.strip()
            if not stripped or stripped.startswith(":"):
                continue
            if not line.startswith("   "):
                in_block = False
                continue
            if groups:
                full = stripped if stripped.startswith("iocirc") else f"{module}.{stripped}"
                groups[-1]["names"].append((stripped, f"api/generated/{full}"))
    return [g for g in groups if g["names"]]


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename != "api" and not pagename.startswith("api/generated/"):
        return
    groups = api_groups(Path(app.srcdir) / "api.rst")
    for group in groups:
        group["current"] = any(doc == pagename for _, doc in group["names"])
    context["iocirc_api_groups"] = groups


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _page_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
