"""Headings a guide's pruning leaves with nothing under them, dropped.

A guide rooted at the top-level ``index`` shows that page pruned to the guide's pages:
the toctree entries that lead to other guides go. A section whose only content was such a
toctree (ironic's "Ironic User Guide" heading in the administrator guide) would be left as
a bare heading, on the web and in the PDF. :func:`prune_toctrees` filters the toctrees and
removes those sections; a section that was empty or held only a hidden toctree before the
pruning is the author's and stays.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from docutils import nodes
from sphinx import addnodes

from guidebook.engine.navigation import filter_toctree_entries

#: Set on a toctree node whose every entry the pruning removed.
EMPTIED = "guidebook_emptied"


def prune_toctrees(doctree: nodes.Element, keep: AbstractSet[str]) -> None:
    """Drop every toctree entry of *doctree* that leads outside *keep*, then every section
    that holds nothing but the toctrees this emptied (and sections emptied that way)."""
    for node in list(doctree.findall(addnodes.toctree)):
        had_entries = bool(node["entries"])
        filter_toctree_entries(node, keep)
        if had_entries and not node["entries"]:
            node[EMPTIED] = True
    for section in reversed(list(doctree.findall(nodes.section))):
        if section.parent is not None and _emptied(section):
            section.parent.remove(section)


def _emptied(section: nodes.section) -> bool:
    """Whether *section* has nothing but its title and toctrees the pruning emptied."""
    body = [child for child in section.children if not isinstance(child, nodes.title)]
    return bool(body) and all(_nothing_left(child) for child in body) and any(
        node.get(EMPTIED) for node in section.findall(addnodes.toctree))


def _nothing_left(node: nodes.Node) -> bool:
    if isinstance(node, addnodes.toctree):
        return bool(node.get(EMPTIED))
    if isinstance(node, nodes.compound) and "toctree-wrapper" in node.get("classes", []):
        return all(_nothing_left(child) for child in node.children)
    return False
