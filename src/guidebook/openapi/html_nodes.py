"""The API reference's own HTML: a table's scroll region and the collapsed nested fields.

``api_scroll``: the box a field table scrolls in when it is wider than the screen; a box
that scrolls must take the keyboard focus (WCAG 2.1.1), so it is a named region with
``tabindex="0"``. ``api_fields_more`` / ``api_fields_summary``: a ``<details>`` holding the
fields of one nested object of a large body, closed until the reader opens it.

Other builders (LaTeX, text, man...) fall back to a container and a paragraph (Sphinx
translators visit a node by its first known base class): everything is printed, open.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator


class api_scroll(nodes.container):  # type: ignore[misc]  # docutils is untyped
    """A field table's scroll box; ``label`` names it for screen readers."""


class api_fields_more(nodes.container):  # type: ignore[misc]
    """The ``<details>`` of a nested object's fields."""


class api_fields_summary(nodes.paragraph):  # type: ignore[misc]
    """The ``<summary>`` of :class:`api_fields_more`."""


class api_field_name(nodes.literal):  # type: ignore[misc]
    """A dotted field name: in HTML it may break after each ``.`` and ``_`` (``<wbr>``), so
    an 80-letter name wraps at its parts, not in the middle of one, and copies unchanged."""


def scroll_box(table: nodes.Element, label: str) -> api_scroll:
    """*table* in its scroll box, named *label*."""
    return api_scroll("", table, label=label, classes=["guidebook-api-scroll"])


def visit_scroll(self: HTML5Translator, node: api_scroll) -> None:
    self.body.append(self.starttag(node, "div", tabindex="0", role="region",
                                   **{"aria-label": node["label"]}))


def depart_div(self: HTML5Translator, _node: nodes.Element) -> None:
    self.body.append("</div>\n")


def visit_more(self: HTML5Translator, node: api_fields_more) -> None:
    self.body.append(self.starttag(node, "details"))


def depart_more(self: HTML5Translator, _node: api_fields_more) -> None:
    self.body.append("</details>\n")


def visit_summary(self: HTML5Translator, node: api_fields_summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def depart_summary(self: HTML5Translator, _node: api_fields_summary) -> None:
    self.body.append("</summary>\n")


def visit_field_name(self: HTML5Translator, node: api_field_name) -> None:
    parts = re.split(r"(?<=[._])", node.astext())
    self.body.append(self.starttag(node, "code", "", CLASS="docutils literal notranslate"))
    self.body.append('<span class="pre">' + "<wbr>".join(self.encode(part) for part in parts)
                     + "</span></code>")
    raise nodes.SkipNode


def register(app: Sphinx) -> None:
    """Add the nodes and their HTML (the other formats use their base class)."""
    app.add_node(api_scroll, html=(visit_scroll, depart_div))
    app.add_node(api_fields_more, html=(visit_more, depart_more))
    app.add_node(api_fields_summary, html=(visit_summary, depart_summary))
    app.add_node(api_field_name, html=(visit_field_name, None))


__all__ = ["api_field_name", "api_fields_more", "api_fields_summary", "api_scroll", "register",
           "scroll_box"]
