"""Prose of an os-api-ref tree (docutils nodes) written as CommonMark for the spec.

Roles and substitutions are already resolved by the parse (:mod:`guidebook.apiref.rst`);
``:ref:`label``` without a title becomes the title of the section the label names. A
construct Markdown lacks (an image, raw HTML, a footnote, a table with spanning cells) is
kept as its text and reported at its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from docutils import nodes

from guidebook.apiref import rst
from guidebook.apiref.findings import Findings, Kind

#: Raw HTML that only lays text out (``<p>``, ``</p>``, ``<br />``).
_LAYOUT_HTML = re.compile(r"\s*</?(p|br)\s*/?>\s*", re.IGNORECASE)
_ESCAPE = re.compile(r"([\\`*\[\]<>|])")
_ADMONITIONS = {"note": "Note", "warning": "Warning", "important": "Important", "tip": "Tip",
                "caution": "Caution", "attention": "Attention", "hint": "Hint",
                "danger": "Danger", "error": "Error"}
_VERSION_WORDS = {"versionadded": "New in version", "versionchanged": "Changed in version",
                  "deprecated": "Deprecated since version"}


def escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _location(node: nodes.Node) -> tuple[str, int]:
    current: nodes.Node | None = node
    while current is not None:
        if current.source and current.line:
            return current.source, current.line
        current = current.parent
    return "", 0


class MarkdownWriter:
    """Turns a list of block nodes into CommonMark; *labels* maps ``:ref:`` labels to titles."""

    def __init__(self, findings: Findings, labels: dict[str, str]) -> None:
        self.findings = findings
        self.labels = labels

    def blocks(self, children: list[nodes.Node]) -> str:
        parts = [self.block(child) for child in children]
        return "\n\n".join(part for part in parts if part.strip())

    def _report(self, node: nodes.Node, message: str) -> None:
        source, line = _location(node)
        self.findings.add(Path(source) if source else Path("."), line, Kind.MARKUP, message)

    def block(self, node: nodes.Node) -> str:
        if isinstance(node, (nodes.comment, nodes.target, nodes.system_message,
                             nodes.substitution_definition, rst.marker)):
            if isinstance(node, rst.version_mark):
                word = _VERSION_WORDS.get(node["directive"], node["directive"])
                return f"*{word} {' '.join(node['arguments'])}.*"
            if isinstance(node, rst.marker):
                source, line = _location(node)
                what = (f"'{node['directive']}'" if isinstance(node, rst.dropped)
                        else f"{node.tagname} outside a call's section")
                self.findings.add(Path(source), line, Kind.UNPLACED,
                                  f"{what} is not carried over")
            return ""
        if isinstance(node, nodes.paragraph):
            return self.inline(node)
        if isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
            return self._list(node)
        if isinstance(node, nodes.literal_block):
            return "```\n" + str(node.astext()) + "\n```"
        if isinstance(node, nodes.Admonition):
            return self._admonition(node)
        if isinstance(node, nodes.block_quote):
            return self._quote(self.blocks(list(node.children)))
        if isinstance(node, nodes.definition_list):
            return "\n\n".join(self._definition(item) for item in node.children)
        if isinstance(node, nodes.field_list):
            return "\n\n".join(
                f"**{self.inline(field[0])}**: {self.blocks(list(field[1].children))}"
                for field in node.children)
        if isinstance(node, nodes.line_block):
            return "\n\n".join(self.inline(line) for line in node.findall(nodes.line))
        if isinstance(node, nodes.table):
            return self._table(node)
        if isinstance(node, nodes.section):
            title = self.inline(node[0]) if node.children else ""
            heading = nodes.paragraph("", "", nodes.strong(title, title))
            return self.blocks([heading, *node.children[1:]] if title else list(node.children))
        if isinstance(node, (nodes.container, nodes.compound)):
            return self.blocks(list(node.children))
        if isinstance(node, nodes.transition):
            return "---"
        self._report(node, f"{node.tagname} is not carried over as Markdown: kept as text")
        return escape(node.astext())

    def inline(self, node: nodes.Node) -> str:
        out: list[str] = []
        for child in node.children:
            out.append(self._inline_one(child))
        return "".join(out).replace("\n", " ").strip()

    def _inline_one(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return escape(node.astext())  # astext: without docutils' escape marks
        if isinstance(node, nodes.raw) and _LAYOUT_HTML.fullmatch(node.astext()):
            return " "  # Glance's |p-start| and |html-br|: paragraphs run on as text
        if isinstance(node, nodes.literal):
            text = node.astext().replace("\n", " ")
            fence = "``" if "`" in text else "`"
            return f"{fence}{text}{fence}"
        if isinstance(node, nodes.strong):
            return f"**{self.inline(node)}**"
        if isinstance(node, nodes.emphasis):
            return f"*{self.inline(node)}*"
        if isinstance(node, nodes.reference):
            text = self.inline(node)
            uri = node.get("refuri")
            if uri:
                return f"[{text}]({uri})" if text and text != escape(uri) else f"<{uri}>"
            return text
        if isinstance(node, rst.label_ref):
            title = self.labels.get(node["label"])
            if title is None:
                self._report(node, f"the :ref: label {node['label']!r} names no section "
                                   "of this tree: its name is shown")
                return escape(node.astext())
            return escape(title)
        if isinstance(node, (nodes.target, nodes.system_message, nodes.footnote_reference)):
            if isinstance(node, nodes.footnote_reference):
                self._report(node, "footnote references are not carried over")
            return ""
        if isinstance(node, nodes.problematic):
            return escape(node.astext())
        if isinstance(node, (nodes.inline, nodes.title, nodes.subscript, nodes.superscript,
                             nodes.title_reference, nodes.abbreviation)):
            return self.inline(node)
        if isinstance(node, nodes.image):
            self._report(node, f"image {node.get('uri')} is not carried over")
            return ""
        self._report(node, f"{node.tagname} is not carried over as Markdown: kept as text")
        return escape(node.astext())

    def _list(self, node: nodes.Element) -> str:
        items: list[str] = []
        numbered = isinstance(node, nodes.enumerated_list)
        for index, item in enumerate(node.children, start=1):
            mark = f"{index}. " if numbered else "- "
            body = self.blocks(list(item.children))
            pad = " " * len(mark)
            lines = body.split("\n")
            items.append(mark + lines[0] + "".join(
                "\n" + (pad + line if line else "") for line in lines[1:]))
        return "\n".join(items)

    def _admonition(self, node: nodes.Element) -> str:
        name = _ADMONITIONS.get(node.tagname)
        children = list(node.children)
        if name is None and children and isinstance(children[0], nodes.title):
            name = self.inline(children[0])
            children = children[1:]
        body = self.blocks(children)
        return self._quote(f"**{name or 'Note'}:** {body}")

    @staticmethod
    def _quote(text: str) -> str:
        return "\n".join("> " + line if line else ">" for line in text.split("\n"))

    def _definition(self, item: nodes.Node) -> str:
        term = next((self.inline(child) for child in item.children
                     if isinstance(child, nodes.term)), "")
        definition = next((self.blocks(list(child.children)) for child in item.children
                           if isinstance(child, nodes.definition)), "")
        return f"**{term}**\n\n{definition}" if term else definition

    def _table(self, node: nodes.table) -> str:
        rows: list[list[str]] = []
        header_rows = 0
        for group in node.findall(nodes.tgroup):
            for part in group.children:
                if not isinstance(part, (nodes.thead, nodes.tbody)):
                    continue
                for row in part.children:
                    cells = []
                    for entry in row.children:
                        if entry.get("morecols") or entry.get("morerows"):
                            self._report(node, "a table with spanning cells is not carried "
                                               "over as Markdown: kept as text")
                            return "```\n" + str(node.astext()) + "\n```"
                        text = " ".join(self.blocks(list(entry.children)).split("\n\n"))
                        cells.append(text.replace("\n", " "))
                    rows.append(cells)
                    if isinstance(part, nodes.thead):
                        header_rows += 1
            break
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        head = rows[0] if header_rows else [""] * width
        body = rows[1:] if header_rows else rows
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
        lines.extend("| " + " | ".join(row) + " |" for row in body)
        return "\n".join(lines)


Writer = Callable[[list[nodes.Node]], str]
