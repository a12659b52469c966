"""Headings a guide's pruning leaves with nothing under them, dropped.

A guide rooted at the top-level ``index`` shows that page pruned to the guide's pages:
the toctree entries that lead to other guides go. A section whose only content was such a
toctree (ironic's "Ironic User Guide" heading in the administrator guide) would be left as
a bare heading, on the web and in the PDF. :func:`prune_toctrees` filters the toctrees and
removes those sections, the entries of the page's ``.. contents::`` and of its local table
of contents ("on this page") that lead to them; a section that was empty or held only a
hidden toctree before the pruning is the author's and stays.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from docutils import nodes
from sphinx import addnodes

from guidebook.engine.navigation import filter_toctree_entries

#: Set on a toctree node whose every entry the pruning removed.
EMPTIED = "guidebook_emptied"
#: Set on a pruned document: the ids of the sections the pruning removed, which its local
#: table of contents ("on this page", from the environment) still lists.
REMOVED_SECTIONS = "guidebook_removed_sections"


def prune_toctrees(doctree: nodes.Element, keep: AbstractSet[str]) -> None:
    """Drop every toctree entry of *doctree* that leads outside *keep*, then every section
    the pruning left with nothing under it: one that held nothing but the toctrees this
    emptied, or whose every subsection went that way.

    The ``.. contents::`` lists of the page lose the removed sections too, and the ids of
    the removed sections are noted on *doctree* (:data:`REMOVED_SECTIONS`) for the page's
    local table of contents (:func:`prune_local_toc`).
    """
    for node in list(doctree.findall(addnodes.toctree)):
        had_entries = bool(node["entries"])
        filter_toctree_entries(node, keep)
        if had_entries and not node["entries"]:
            node[EMPTIED] = True
    removed: list[str] = []
    lost_children: set[int] = set()  # id() of the sections a removed section was in
    for section in reversed(list(doctree.findall(nodes.section))):
        parent = section.parent
        if parent is None or isinstance(parent, nodes.document):
            continue  # the page's title stays, whatever is left under it
        if _emptied(section, id(section) in lost_children):
            removed += [ident for inner in section.findall(nodes.section)
                        for ident in inner["ids"]]
            parent.remove(section)
            lost_children.add(id(parent))
    if removed:
        doctree[REMOVED_SECTIONS] = removed
        for topic in list(doctree.findall(nodes.topic)):
            if "contents" in topic["classes"]:
                prune_local_toc(topic, set(removed))


def prune_local_toc(toc: nodes.Element, removed: set[str]) -> int:
    """Drop the entries of a table of contents (a ``contents`` topic, or Sphinx's local
    toc of the page) that lead to *removed* sections; return how many entries are left."""
    for reference in list(toc.findall(nodes.reference)):
        target = reference.get("refid") or reference.get("anchorname", "").lstrip("#")
        item = reference.parent
        while item is not None and not isinstance(item, nodes.list_item):
            item = item.parent
        if target in removed and item is not None and item.parent is not None:
            item.parent.remove(item)
    for bullets in reversed(list(toc.findall(nodes.bullet_list))):
        if not bullets.children and bullets.parent is not None:
            bullets.parent.remove(bullets)
    return len(list(toc.findall(nodes.reference)))


def _emptied(section: nodes.section, lost_children: bool) -> bool:
    """Whether the pruning left *section* with nothing but its title: what remains is
    toctrees it emptied, and it did empty one or took a subsection away."""
    body = [child for child in section.children if not isinstance(child, nodes.title)]
    if not all(_nothing_left(child) for child in body):
        return False
    return lost_children or (bool(body) and any(
        node.get(EMPTIED) for node in section.findall(addnodes.toctree)))


def _nothing_left(node: nodes.Node) -> bool:
    if isinstance(node, addnodes.toctree):
        return bool(node.get(EMPTIED))
    if isinstance(node, nodes.compound) and "toctree-wrapper" in node.get("classes", []):
        return all(_nothing_left(child) for child in node.children)
    return False
