"""Reference directives generated from the code: the settings and the warning codes.

``.. guidebook-config-reference::`` documents every field of :class:`GuidebookConfig` and
``.. guidebook-warning-codes::`` every :class:`WarningCode`, so the contributor guide can never
drift from what the code accepts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from guidebook.config import GuidebookConfig
from guidebook.warnings_ import WarningCode

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]],
           widths: tuple[int, ...]) -> nodes.table:
    """A table of *rows* under *header*, with relative column *widths*.

    The widths are given (not left to LaTeX's tabulary, which squeezes the names in the
    first column until they are clipped) and the table may break across pages (a
    ``longtable``: the settings outgrow a page) in the PDFs of ``guidebook build --pdf``.
    """
    table = nodes.table(classes=["guidebook-reference", "colwidths-given", "longtable"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(header)
    body = nodes.tbody()
    group += body
    for row in rows:
        body += _row(row, literal_first=True)
    return table


def _row(cells: tuple[str, ...], *, literal_first: bool = False) -> nodes.row:
    row = nodes.row()
    for index, text in enumerate(cells):
        entry = nodes.entry()
        paragraph = nodes.paragraph()
        if literal_first and index == 0:
            paragraph += nodes.literal(text, text)
        else:
            paragraph += nodes.Text(text)
        entry += paragraph
        row += entry
    return row


class ConfigReference(SphinxDirective):
    """Render every guidebook setting: name, default and meaning."""

    def run(self) -> list[nodes.Node]:
        rows = []
        for field in dataclasses.fields(GuidebookConfig):
            if field.default_factory is not dataclasses.MISSING:
                default = repr(field.default_factory())
            else:
                default = repr(field.default)
            rows.append((f"guidebook_{field.name}", default, str(field.metadata.get("doc", "")),
                         _REBUILDS[field.metadata["rebuild"]]))
        return [_table(("conf.py value", "default", "meaning", "a change"), rows,
                       (27, 20, 39, 14))]


_REBUILDS = {
    "env": "re-reads every source",
    "html": "rewrites every page",
    "": "rewrites no page (guidebook writes it on every build)",
}


class WarningCodes(SphinxDirective):
    """Render every warning code with the name to put in ``suppress_warnings``."""

    def run(self) -> list[nodes.Node]:
        rows = [(code.qualified, code.name.lower().replace("_", " "), str(code.__doc__))
                for code in WarningCode]
        return [_table(("suppress_warnings entry", "warning", "meaning"), rows, (34, 22, 44))]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("guidebook-config-reference", ConfigReference)
    app.add_directive("guidebook-warning-codes", WarningCodes)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
