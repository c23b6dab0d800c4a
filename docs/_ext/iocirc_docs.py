"""Sphinx extension of iocirc's documentation: pages generated from the schema registry.

The notation page and the variables page show tables that are written here, at
build time, from :mod:`iocirc.schema` (``VARIABLES``, ``DIMS``, ``FLOWS``,
``VA_COMPONENTS``), so the documentation cannot drift from the code. The
generated reStructuredText goes to ``docs/generated/*.inc`` (git-ignored) and
is pulled into the hand-written pages with ``.. include::``. A file is only
rewritten when its content changes, so incremental builds stay incremental.

The module also stages ``examples/*.py`` for sphinx-gallery (see
:func:`stage_examples`). Everything but :func:`setup` works without Sphinx, so
``tests/test_docs.py`` can import it.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from iocirc import schema

DOCS = Path(__file__).resolve().parent.parent
GENERATED = DOCS / "generated"

#: Totals printed in the official tables. iocirc does not store them (it
#: recomputes them from the blocks); they are listed so that every code a
#: reader of the workbooks meets has an entry on the notation page.
#: (code, Chinese label, formula in iocirc's symbols, English meaning)
TABLE_TOTALS: tuple[tuple[str, str, str, str], ...] = (
    ("TIU", "中间使用合计", r"\sum_j Z_{ij}", "total intermediate use of product i (row sum)"),
    ("TII", "中间投入合计", r"\sum_i Z_{ij}", "total intermediate input of sector j (column sum)"),
    ("TC", "最终消费（合计）", r"c^h + c^g", "final consumption (household and government)"),
    (
        "TFU",
        "最终使用合计",
        r"\sum_{f:\,\sigma_f=+1} F_{if}",
        "total final use (including exports and outflow)",
    ),
    ("GO", "总产出", r"x_i", "gross output of product i (last column)"),
    ("TI", "总投入", r"x_j", "total input of sector j (last row); equals GO"),
)

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+(?:[、，, .…]*[\u3400-\u9fff]+)*")


# --------------------------------------------------------------------------- helpers


def _text(value: str) -> str:
    """Registry prose as reStructuredText: `name` becomes ``name``, markup escaped."""
    value = value.replace("\\", "\\\\").replace("*", r"\*").replace("|", r"\|")
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", value)


def _math(symbol: str) -> str:
    return f":math:`{symbol}`" if symbol else ""


def _literal(value: str) -> str:
    return f"``{value}``" if value else ""


def _list_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    widths: Sequence[int] | None = None,
    caption: str = "",
) -> str:
    lines = [f".. list-table:: {caption}".rstrip(), "   :header-rows: 1"]
    if widths:
        lines.append("   :widths: " + " ".join(str(w) for w in widths))
    lines.append("   :class: iocirc-registry")
    lines.append("")
    for row in [header, *rows]:
        for i, cell in enumerate(row):
            bullet = "   * - " if i == 0 else "     - "
            lines.append((bullet + cell).rstrip())
    return "\n".join(lines) + "\n"


def variable_zh(spec: schema.VariableSpec) -> str:
    """The Chinese label of a variable: ``spec.zh`` when the registry has it, else
    the Chinese text of its description (``"中间使用"``)."""
    zh = getattr(spec, "zh", "")
    if zh:
        return str(zh)
    found = _CJK.findall(spec.description)
    return found[0] if found else ""


def _parts(member: schema.Member) -> str:
    if not member.parts:
        return ""
    registry = schema.members("flow") | schema.members("va_component")
    terms = []
    for i, part in enumerate(member.parts):
        # value = sign * sum(part.sign * part): the effective sign of each part
        sign = member.sign * (registry[part].sign if part in registry else 1)
        op = ("− " if i else "−") if sign < 0 else ("+ " if i else "")
        terms.append(f"{op}``{part}``")
    return " ".join(terms)


def _sign(member: schema.Member) -> str:
    return "−1" if member.sign < 0 else "+1"


# --------------------------------------------------------------------------- content


def notation_blocks() -> str:
    """The blocks of a table (the variables) with their Chinese labels and symbols."""
    rows = []
    for spec in schema.VARIABLES.values():
        dims = ", ".join(_literal(d) for d in spec.dims)
        rows.append(
            [
                variable_zh(spec),
                _literal(spec.name),
                _math(spec.symbol),
                dims,
                _text(spec.long_name),
            ]
        )
    return _list_table(
        ["Chinese label", "iocirc variable", "symbol", "dimensions", "meaning"],
        rows,
        widths=[18, 20, 8, 30, 24],
    )


def notation_members(dim: str) -> str:
    """The labels of ``flow`` or ``va_component``: code, Chinese, name, symbol, sign."""
    rows = []
    for member in schema.members(dim).values():
        row = [
            _literal(member.code),
            member.zh,
            _literal(member.name),
            _math(member.symbol),
        ]
        if dim == "flow":
            row.append(_sign(member))
        row += [_parts(member), _text(member.en)]
        rows.append(row)
    header = ["code", "Chinese label", f"``{dim}`` label", "symbol"]
    widths = [9, 14, 22, 9]
    if dim == "flow":
        header.append("sign")
        widths.append(6)
    header += ["sum of", "meaning"]
    widths += [22, 28] if dim == "flow" else [28, 28]
    return _list_table(header, rows, widths=widths)


def notation_dims() -> str:
    """Dimensions and their label coordinates."""
    rows = []
    for dim in schema.DIMS.values():
        coords = ", ".join(_literal(c) for c in dim.coords)
        rows.append([_literal(dim.name), coords, _text(dim.description)])
    return _list_table(["dimension", "coordinates", "labels"], rows, widths=[18, 32, 50])


def notation_totals() -> str:
    """Totals printed in the tables (not stored by iocirc)."""
    rows = [[_literal(code), zh, _math(formula), en] for code, zh, formula, en in TABLE_TOTALS]
    return _list_table(
        ["code", "Chinese label", "in iocirc's symbols", "meaning"],
        rows,
        widths=[10, 20, 30, 40],
    )


def row_identity() -> str:
    """The row identity over the finest flows, in the registry's symbols and signs."""
    terms = []
    for member in schema.FLOWS:
        if member.parts:
            continue
        symbol = member.symbol if len(member.symbol) == 1 else f"{{{member.symbol}}}"
        op = "-" if member.sign < 0 else "+"
        terms.append(f"{op} {symbol}_i")
    body = " ".join(terms)
    return f".. math::\n\n   x_i = \\sum_j Z_{{ij}} {body}\n"


def variables_summary() -> str:
    """One row per variable of the registry."""
    return _list_table(
        ["variable", "symbol", "dimensions", "long name", "NaN allowed", "non-negative"],
        [
            [
                f":ref:`{spec.name} <variable-{spec.name}>`",
                _math(spec.symbol),
                ", ".join(_literal(d) for d in spec.dims),
                _text(spec.long_name),
                "yes" if spec.nan_allowed else "no",
                "yes" if spec.nonnegative else "no",
            ]
            for spec in schema.VARIABLES.values()
        ],
        widths=[20, 8, 30, 20, 11, 11],
    )


def variables_detail() -> str:
    """A section per variable of the registry (underlined with ``-``)."""
    out = []
    for spec in schema.VARIABLES.values():
        title = f"``{spec.name}``"
        out += [f".. _variable-{spec.name}:", "", title, "-" * len(title), ""]
        out += [_text(spec.description), ""]
        fields = [
            ("Dimensions", ", ".join(_literal(d) for d in spec.dims) + " (plus any extra ones)"),
            ("Long name", _text(spec.long_name)),
            ("Chinese label", variable_zh(spec)),
            ("Symbol", _math(spec.symbol)),
            (
                "Units",
                f"the table's ``currency_unit`` (official tables: ``{schema.CURRENCY_UNIT}``)",
            ),
            ("NaN", "allowed: a flow a region does not report" if spec.nan_allowed else "never"),
            ("Sign", "never negative" if spec.nonnegative else "any"),
        ]
        fields += [(f"``{k}`` attribute", _text(str(v))) for k, v in spec.attrs.items()]
        out += [f":{name}: {value}" for name, value in fields if value]
        for dim in (d for d in spec.dims if d in ("flow", "va_component")):
            anchor = "notation-" + dim.replace("_", "-")
            out.append(
                f":Labels of ``{dim}``: "
                + ", ".join(_literal(m) for m in schema.members(dim))
                + f" (see :ref:`{anchor}`)"
            )
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- MRIO tables


def mrio_blocks() -> str:
    """The blocks of a multi-regional table (:data:`iocirc.schema.MRIO_VARIABLES`)."""
    rows = []
    for spec in schema.MRIO_VARIABLES.values():
        rows.append(
            [
                variable_zh(spec),
                f":ref:`{spec.name} <variable-mrio-{spec.name}>`",
                _math(spec.symbol),
                ", ".join(_literal(d) for d in spec.dims),
                "yes" if spec.required else "optional",
                _text(spec.long_name),
            ]
        )
    return _list_table(
        ["Chinese label", "iocirc variable", "symbol", "dimensions", "required", "meaning"],
        rows,
        widths=[16, 20, 7, 30, 9, 18],
    )


def mrio_coords() -> str:
    """The coordinates a multi-regional table must carry, and its final-demand labels."""
    rows = [
        [_literal(name), ", ".join(_literal(d) for d in dims), _text(description)]
        for name, (dims, description) in schema.MRIO_COORDS.items()
    ]
    registry = schema.members("flow")
    rows.append(
        [
            _literal("flow"),
            _literal("flow"),
            "final-demand categories only: "
            + ", ".join(f"{_literal(f)} ({registry[f].code})" for f in schema.MRIO_FLOWS),
        ]
    )
    return _list_table(["coordinate", "dimensions", "values"], rows, widths=[18, 20, 62])


def mrio_identities() -> str:
    """The row and column identities of a multi-regional table, in the registry's symbols."""
    sym = {name: spec.symbol for name, spec in schema.MRIO_VARIABLES.items()}
    return (
        ".. math::\n\n"
        f"   {sym['total_output']}_{{ri}} = \\sum_{{s,j}} {sym['intermediate_use']}_{{ri,sj}}"
        f" + \\sum_{{s,f}} {sym['final_use']}_{{ri,sf}} + {sym['export']}_{{ri}}"
        f" - {sym['import']}_{{ri}} + {sym['discrepancy']}_{{ri}}\n\n"
        f"   {sym['total_output']}_{{sj}} = \\sum_{{r,i}} {sym['intermediate_use']}_{{ri,sj}}"
        f" + {sym['imported_inputs']}_{{sj}} + \\sum_k {sym['value_added']}_{{s,kj}}\n"
    )


def mrio_variables_summary() -> str:
    """One row per variable of the MRIO registry."""
    return _list_table(
        ["variable", "symbol", "dimensions", "long name", "required", "non-negative"],
        [
            [
                f":ref:`{spec.name} <variable-mrio-{spec.name}>`",
                _math(spec.symbol),
                ", ".join(_literal(d) for d in spec.dims),
                _text(spec.long_name),
                "yes" if spec.required else "no",
                "yes" if spec.nonnegative else "no",
            ]
            for spec in schema.MRIO_VARIABLES.values()
        ],
        widths=[20, 8, 32, 20, 10, 10],
    )


def mrio_variables_detail() -> str:
    """A section per variable of the MRIO registry (underlined with ``-``)."""
    out = []
    for spec in schema.MRIO_VARIABLES.values():
        title = f"``{spec.name}`` (MRIO)"
        out += [f".. _variable-mrio-{spec.name}:", "", title, "-" * len(title), ""]
        out += [_text(spec.description), ""]
        fields = [
            ("Dimensions", ", ".join(_literal(d) for d in spec.dims) + " (plus any extra ones)"),
            ("Long name", _text(spec.long_name)),
            ("Chinese label", variable_zh(spec)),
            ("Symbol", _math(spec.symbol)),
            ("Units", "the table's ``currency_unit`` (WIOD: ``million USD``)"),
            ("Required", "yes" if spec.required else "no: absent when the table has none"),
            ("NaN", "never"),
            ("Sign", "never negative" if spec.nonnegative else "any"),
        ]
        out += [f":{name}: {value}" for name, value in fields if value]
        if "flow" in spec.dims:
            out.append(
                ":Labels of ``flow``: "
                + ", ".join(_literal(f) for f in schema.MRIO_FLOWS)
                + " (see :ref:`notation-flow`)"
            )
        out.append("")
    return "\n".join(out)


def generated_files() -> dict[str, str]:
    """File name (under ``docs/generated``) -> content."""
    header = ".. This file is generated from iocirc.schema by docs/_ext/iocirc_docs.py.\n\n"
    pages = {
        "notation_blocks.inc": notation_blocks(),
        "notation_flows.inc": notation_members("flow"),
        "notation_va.inc": notation_members("va_component"),
        "notation_dims.inc": notation_dims(),
        "notation_totals.inc": notation_totals(),
        "row_identity.inc": row_identity(),
        "variables_summary.inc": variables_summary(),
        "variables_detail.inc": variables_detail(),
        "mrio_blocks.inc": mrio_blocks(),
        "mrio_coords.inc": mrio_coords(),
        "mrio_identities.inc": mrio_identities(),
        "mrio_variables_summary.inc": mrio_variables_summary(),
        "mrio_variables_detail.inc": mrio_variables_detail(),
        "currency_unit.inc": f".. |currency_unit| replace:: ``{schema.CURRENCY_UNIT}``\n",
    }
    return {name: header + text for name, text in pages.items()}


def write_generated(folder: Path = GENERATED) -> list[Path]:
    """Write the generated files, touching only those whose content changed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_files().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            _write_if_changed(path, text)
            written.append(path)
    return written


# --------------------------------------------------------------------------- gallery

#: Calls that read the official tables (``china_mrio`` estimates from them): an example
#: that makes one of them is executed during the build only when the data are at hand
#: (``IOCIRC_DATA``).
DATA_MARKERS = re.compile(
    r"read_nbs_table|china_provincial|china_mrio|iocirc\.download|IOCIRC_DATA|"
    r"#\s*iocirc-docs:\s*needs-data"
)


def needs_data(source: str) -> bool:
    """Whether an example reads the official tables (see :data:`DATA_MARKERS`)."""
    return bool(DATA_MARKERS.search(source))


#: Calls that read the WIOD world tables: executed only when ``IOCIRC_WIOD_DATA`` is set.
WIOD_MARKERS = re.compile(r"wiod2013|fetch_wiod|IOCIRC_WIOD_DATA|#\s*iocirc-docs:\s*needs-wiod")


def needs_wiod(source: str) -> bool:
    """Whether an example reads the WIOD tables (see :data:`WIOD_MARKERS`)."""
    return bool(WIOD_MARKERS.search(source))


def stage_examples(examples: Path, header: Path, target: Path) -> list[str]:
    """Copy ``examples/*.py`` and the gallery header into ``target`` for sphinx-gallery.

    sphinx-gallery wants a ``GALLERY_HEADER.rst`` beside the examples; staging
    keeps it (and whatever the examples write to their working directory) out
    of ``examples/``. Returns the file names of the examples to *execute*:
    those that need no data, and those that do when ``IOCIRC_DATA`` is set (the
    WIOD tables: ``IOCIRC_WIOD_DATA``). ``IOCIRC_DOCS_EXECUTE=0`` runs none, ``=1`` runs all.
    """
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(header, target / "GALLERY_HEADER.rst")
    sources = sorted(examples.glob("*.py")) if examples.is_dir() else []
    keep = {p.name for p in sources} | {"GALLERY_HEADER.rst"}
    for stale in target.glob("*.py"):
        if stale.name not in keep:
            stale.unlink()
    for source in sources:
        dest = target / source.name
        if not dest.exists() or dest.read_bytes() != source.read_bytes():
            shutil.copy2(source, dest)
    mode = os.environ.get("IOCIRC_DOCS_EXECUTE", "auto").strip().lower()
    if mode in ("0", "false", "no", "never"):
        return []
    have_data = bool(os.environ.get("IOCIRC_DATA"))
    if mode in ("1", "true", "yes", "always"):
        return [p.name for p in sources]
    have_wiod = bool(os.environ.get("IOCIRC_WIOD_DATA"))
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in sources}
    return [
        name
        for name, text in texts.items()
        if (have_data or not needs_data(text)) and (have_wiod or not needs_wiod(text))
    ]


def execute_pattern(names: Sequence[str]) -> str:
    """A sphinx-gallery ``filename_pattern`` matching exactly ``names``."""
    if not names:
        return r"^(?!)"  # matches nothing
    return r"[\\/](" + "|".join(re.escape(n) for n in names) + r")$"


_REAL_EXIT = sys.exit


def _gallery_exit(code: object = None) -> None:
    """``sys.exit`` while an example runs: 0 is a no-op, anything else fails the example."""
    if code in (None, 0):
        return
    raise RuntimeError(f"the example called sys.exit({code!r})")


def gallery_exit_guard(gallery_conf: dict[str, Any], fname: object, when: str) -> None:
    """A sphinx-gallery ``reset_modules`` hook around each example.

    sphinx-gallery runs examples as ``__main__`` and catches ``Exception``
    only: an example ending in ``sys.exit(main())`` would raise
    :class:`SystemExit` through Sphinx, which then stops, silently, with
    status 0. While an example runs, ``sys.exit(0)`` does nothing and another
    status fails the example (and so the build).
    """
    sys.exit = _gallery_exit if when == "before" else _REAL_EXIT


# --------------------------------------------------------------------------- Northeast study

#: Tables of the Northeast study page: slot -> (file written by
#: examples/northeast_china.py into its output folder, caption). The page
#: includes ``generated/northeast_<slot>.inc``: the CSV as a table when the
#: example's output is at hand, else a note saying how to generate it.
NORTHEAST_TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "table1": (
        ("table1_paper.csv", "table1.md", "table1.csv"),
        "Table 1: circulation ratios (plain numbers) and contributions to GDP (% of GDP) "
        "by province and year",
    ),
    "table2": (
        ("table2_paper.csv", "table2.md", "table2.csv"),
        "Table 2: value-added shares and contributions by GB/T 4754 section "
        "(% of the province's GDP)",
    ),
    "comparison": (
        ("comparison.md", "comparison.csv"),
        "Reproduced against published values (the reference subset of the paper)",
    ),
    "value_added": (
        (
            "value_added_comparison_paper.csv",
            "value_added_comparison.md",
            "value_added_comparison.csv",
        ),
        "Beyond the paper: net outflow and induced value added, % of GDP",
    ),
}
#: The slots written by the second script, examples/northeast_china_beyond.py (the others:
#: examples/northeast_china.py).
NORTHEAST_BEYOND = frozenset({"value_added"})
#: Captions of the figures the example writes (others are captioned by file name).
NORTHEAST_FIGURE_CAPTIONS: dict[str, str] = {
    "circulation_ratios": "Circulation ratios of the Northeast provinces and the national "
    "mean, 2007-2017",
    "sector_contributions": "Net outflow by GB/T 4754-2017 section, % of provincial GDP, "
    "2012 and 2017",
    "value_added_comparison": "Beyond the paper: each circulation's net outflow beside the "
    "value added its outflow induces, % of GDP",
    "value_added_absorption": "Beyond the paper: where the GDP of each province is absorbed, "
    "on the interprovincial MRIO estimated from the provincial tables",
}
#: Figures: every ``*.png`` / ``*.svg`` of the output folder, in name order.
NORTHEAST_FIGURE_SUFFIXES = (".png", ".svg")


def markdown_to_rst(text: str) -> str:
    """The small Markdown the example writes (pipe tables, ``###`` headings,
    ``- `` lists, paragraphs) as reStructuredText, tables as list-tables."""
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if not table:
            return
        header, *rows = table
        out.extend(["", _list_table(header, rows).rstrip("\n"), ""])
        table.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # the separator row
            table.append([_text(c) for c in cells])
            continue
        flush()
        if line.startswith("#"):
            out.extend(["", f".. rubric:: {_text(line.lstrip('#').strip())}", ""])
        elif line.lstrip().startswith("- ") and out and out[-1] and not out[-1].startswith("- "):
            if not out[-1].startswith("  "):
                out.append("")
            out.append(_text(line))
        else:
            out.append(_text(line))
    flush()
    return "\n".join(out).strip("\n") + "\n"


def northeast_output(root: Path, srcdir: Path) -> Path | None:
    """The folder holding the output of ``examples/northeast_china.py``, if any.

    In order: ``IOCIRC_NORTHEAST_OUTPUT``; the folder the gallery's run of the
    example writes (``generated/examples/northeast_output``, the example's
    default ``--out`` relative to its working directory); ``northeast_output``
    at the repository root (the README's command).
    """
    candidates = []
    if os.environ.get("IOCIRC_NORTHEAST_OUTPUT"):
        candidates.append(Path(os.environ["IOCIRC_NORTHEAST_OUTPUT"]))
    candidates += [
        srcdir / "generated" / "examples" / "northeast_output",
        root / "northeast_output",
    ]
    for folder in candidates:
        if folder.is_dir() and any(folder.iterdir()):
            return folder
    return None


def _missing(what: str, output: Path | None = None) -> str:
    if output is not None:
        why = (
            f"   {what} is generated from the output of ``examples/northeast_china.py``,\n"
            f"   which wrote no such file to ``{output.name}/`` in this build.\n"
        )
    else:
        why = (
            f"   {what} is generated from the output of ``examples/northeast_china.py``. This\n"
            "   build had none: run the example (it reads the official tables; set\n"
            "   ``IOCIRC_DATA`` to a local copy) and build again, or point\n"
            "   ``IOCIRC_NORTHEAST_OUTPUT`` at its output folder.\n"
        )
    return ".. admonition:: Generated at build time\n   :class: iocirc-generated\n\n" + why


def northeast_files(output: Path | None, target: Path) -> dict[str, str]:
    """The includes of the Northeast page; copies the example's files to ``target``."""
    pages: dict[str, str] = {}
    for slot, (file_names, caption) in NORTHEAST_TABLES.items():
        found = [output / n for n in file_names if output and (output / n).is_file()]
        if not found:
            pages[f"northeast_{slot}.inc"] = _missing(
                f"{caption} ({' or '.join(file_names)})", output
            )
            continue
        source = found[0]
        script = "northeast_china_beyond.py" if slot in NORTHEAST_BEYOND else "northeast_china.py"
        note = f"Generated from ``{source.name}`` written by ``examples/{script}``.\n"
        if source.suffix == ".md":
            pages[f"northeast_{slot}.inc"] = (
                markdown_to_rst(source.read_text(encoding="utf-8")) + "\n" + note
            )
            continue
        target.mkdir(parents=True, exist_ok=True)
        dest = target / source.name
        if not dest.exists() or dest.read_bytes() != source.read_bytes():
            shutil.copy2(source, dest)
        # A paper table (iocirc.report.to_csv) has a row of column groups above the
        # column heads; its leading empty cells count the row labels (left-aligned).
        first = source.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        paper = source.name.endswith("_paper.csv")
        labels = next((i for i, c in enumerate(first) if c), 0) if paper else 0
        grouped = paper and labels > 0
        klass = f"iocirc-paper iocirc-labels-{min(labels, 3) or 1}" if paper else "iocirc-registry"
        pages[f"northeast_{slot}.inc"] = (
            f".. csv-table:: {caption}\n"
            f"   :file: northeast/{source.name}\n"
            f"   :header-rows: {2 if grouped else 1}\n"
            "   :encoding: utf-8-sig\n"
            f"   :class: {klass}\n\n" + note
        )
    figures = (
        sorted(p for p in output.iterdir() if p.suffix in NORTHEAST_FIGURE_SUFFIXES)
        if output
        else []
    )
    if figures:
        target.mkdir(parents=True, exist_ok=True)
        blocks = []
        for figure in figures:
            dest = target / figure.name
            if not dest.exists() or dest.read_bytes() != figure.read_bytes():
                shutil.copy2(figure, dest)
            caption = NORTHEAST_FIGURE_CAPTIONS.get(figure.stem, figure.stem.replace("_", " "))
            blocks.append(
                f".. figure:: /generated/northeast/{figure.name}\n"
                f"   :width: 90%\n   :alt: {caption}\n\n   {caption}\n"
            )
        pages["northeast_figures.inc"] = "\n".join(blocks)
    else:
        pages["northeast_figures.inc"] = _missing(
            "The figures (``*.png`` of the output folder)", output
        )
    where = f"``{output.name}/``" if output else "none"
    pages["northeast_status.inc"] = f".. |northeast_output| replace:: {where}\n"
    return pages


# --------------------------------------------------------------------------- sphinx


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _builder_inited(app: Any) -> None:
    write_generated(Path(app.srcdir) / "generated")


def _northeast(app: Any) -> None:
    # After sphinx-gallery (priority 500), which may just have run the example.
    srcdir = Path(app.srcdir)
    generated = srcdir / "generated"
    output = northeast_output(srcdir.parent, srcdir)
    for name, text in northeast_files(output, generated / "northeast").items():
        _write_if_changed(generated / name, text)


_BUILD_STATE = {"started": False, "finished": False}


def _started(app: Any) -> None:
    _BUILD_STATE["started"] = True


def _finished(app: Any, exception: BaseException | None) -> None:
    _BUILD_STATE["finished"] = True
    sys.exit = _REAL_EXIT


def _exit_check() -> None:
    """Fail a build that stopped half-way without an error (e.g. a stray SystemExit)."""
    if _BUILD_STATE["started"] and not _BUILD_STATE["finished"]:
        sys.stderr.write(
            "iocirc docs: the build did not finish. If Sphinx reported no error above, "
            "something raised SystemExit (an example?); failing the build.\n"
        )
        sys.stderr.flush()
        os._exit(1)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _started, priority=100)
    app.connect("builder-inited", _builder_inited, priority=400)
    app.connect("builder-inited", _northeast, priority=900)
    app.connect("build-finished", _finished)
    atexit.register(_exit_check)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
