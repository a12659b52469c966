"""Writing the plan into conf.py: one block appended at the end, nothing else touched.

The block is plain Python a person can read and edit: the extension, the guides and the
folder map. Appending (never rewriting) keeps every line the project already has, its
comments included, and makes the change one hunk in ``git diff``.
"""

from __future__ import annotations

import re
from pathlib import Path

from guidebook.init.plan import Plan

_ASSIGNS_EXTENSIONS = re.compile(r"^extensions\s*(=|\+=|:)", re.MULTILINE)
BLOCK_HEADER = "# -- guidebook: one guide per audience (added by `guidebook init`) "


def render_block(plan: Plan, conf_text: str) -> str:
    """The lines to append to conf.py (starting with a blank line)."""
    lines = ["", "", (BLOCK_HEADER + "-" * 79)[:79]]
    if not re.search(r"""["']guidebook["']""", _extensions_part(conf_text)):
        if _ASSIGNS_EXTENSIONS.search(conf_text):
            lines.append('extensions = [*extensions, "guidebook"]')
        else:
            lines.append('extensions = ["guidebook"]')
    lines.append("guidebook_guides = {")
    for name, spec in plan.guides.items():
        lines.append(f'    "{name}": {{')
        for key in ("title", "root", "description"):
            if spec.get(key):
                lines.append(f'        "{key}": {_quote(spec[key])},')
        lines.append("    },")
    lines.append("}")
    lines.append("# Pages that declare no ':audience:' get their guides from their folder;")
    lines.append("# '*' as a pattern: the top-level pages; '*' as audiences: every guide.")
    lines.append("guidebook_folder_audiences = {")
    for pattern, audiences in plan.folders.items():
        lines.append(f"    {_quote(pattern)}: {_quote(audiences)},")
    lines.append("}")
    if plan.releasenotes:
        lines.append("# The reno notes of releasenotes/notes/, release by release.")
        lines.append("guidebook_parts = {")
        lines.append('    "releasenotes": {')
        lines.append('        "title": "Release notes",')
        lines.append('        "root": "releasenotes/index",')
        lines.append('        "description": "Every change, release by release, from reno.",')
        lines.append("    },")
        lines.append("}")
    if plan.tree.whereto:
        lines.append("# The redirects are tested with whereto, which reads no ErrorDocument "
                     "line.")
        lines.append("guidebook_htaccess_not_found = False")
    return "\n".join(lines) + "\n"


def _extensions_part(conf_text: str) -> str:
    """The text from the first ``extensions`` assignment to the next blank line."""
    match = _ASSIGNS_EXTENSIONS.search(conf_text)
    if match is None:
        return ""
    end = conf_text.find("\n\n", match.start())
    return conf_text[match.start(): end if end != -1 else len(conf_text)]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def apply(plan: Plan) -> tuple[Path, int]:
    """Append the block to conf.py; return the file and the number of lines it has."""
    conf = plan.tree.conf
    text = conf.read_text(encoding="utf-8")
    block = render_block(plan, text)
    if not text.endswith("\n"):
        block = "\n" + block
    for docname, text in plan.new_pages.items():
        page = plan.tree.source / f"{docname}.rst"
        page.parent.mkdir(parents=True, exist_ok=True)
        with page.open("x", encoding="utf-8") as stream:  # never overwrite
            stream.write(text)
    with conf.open("a", encoding="utf-8") as stream:
        stream.write(block)
    return conf, len(block.strip("\n").splitlines())
