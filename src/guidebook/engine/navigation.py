"""Each guide's navigation, resolved once per guide and rendered per page in linear time.

Plain Sphinx resolves and renders the whole toctree for the sidebar of every page, which
makes a build quadratic in the number of pages. Here Sphinx's own toctree resolution runs
once per guide (with the guide's tags, so audience blocks and foreign pages are already
gone); each page then renders only the entries on its path afresh and reuses the cached
HTML of every other entry.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Set
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util import url_re

from guidebook.engine.captions import CAPTION_HEADING

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

#: Stands for the path from the page being written to the root of its guide.
ROOT_PLACEHOLDER = "\x1aguidebook-root\x1a"


@dataclasses.dataclass(eq=False)
class NavItem:
    """One entry of the navigation: a page, a section of a page, or an external link."""

    title: str
    url: str  # relative to the guide's root, or absolute for external links
    docname: str | None  # None for external links
    anchor: str
    children: list[NavItem] = dataclasses.field(default_factory=list)

    @property
    def external(self) -> bool:
        return self.docname is None


@dataclasses.dataclass
class NavSection:
    """The entries of one top-level toctree of the guide's landing page."""

    caption: str | None
    maxdepth: int
    items: list[NavItem]


def nav_from_toctree(
    resolved: nodes.Element, maxdepth: int, uri_to_doc: Callable[[str], str | None]
) -> NavSection:
    """Turn a toctree resolved by Sphinx into a :class:`NavSection`."""
    caption: str | None = None
    items: list[NavItem] = []
    for child in resolved.children:
        if isinstance(child, nodes.title):
            caption = child.astext()
        elif isinstance(child, nodes.bullet_list):
            items.extend(_items(child, uri_to_doc))
    return NavSection(caption=caption, maxdepth=maxdepth, items=items)


def _items(bullets: nodes.bullet_list, uri_to_doc: Callable[[str], str | None]) -> list[NavItem]:
    items: list[NavItem] = []
    for list_item in bullets.children:
        if not isinstance(list_item, nodes.list_item):
            continue
        reference = next(iter(list_item.findall(nodes.reference)), None)
        if reference is None:
            continue
        refuri = str(reference.get("refuri", ""))
        internal = bool(reference.get("internal"))
        anchor = str(reference.get("anchorname", "")).lstrip("#")
        docname = uri_to_doc(refuri.split("#", 1)[0]) if internal else None
        item = NavItem(
            title=reference.astext(),
            url=refuri,
            docname=docname,
            anchor=anchor,
        )
        for sub in list_item.children:
            if isinstance(sub, nodes.bullet_list):
                item.children.extend(_items(sub, uri_to_doc))
        items.append(item)
    return items


class Navigation:
    """A guide's navigation, rendered for any page of the guide."""

    def __init__(self, sections: list[NavSection]) -> None:
        self.sections = sections
        self._cache: dict[tuple[int, int, bool, int], str] = {}
        self._paths: dict[str, list[list[NavItem]]] = {}
        for section in sections:
            self._index(section.items, [])

    def __getstate__(self) -> dict[str, object]:
        # The render cache and path index are keyed by id(): rebuilt after unpickling.
        return {"sections": self.sections}

    def __setstate__(self, state: dict[str, list[NavSection]]) -> None:
        self.__init__(state["sections"])  # type: ignore[misc]

    def _index(self, items: list[NavItem], path: list[NavItem]) -> None:
        for item in items:
            here = [*path, item]
            if item.docname is not None and not item.anchor:
                self._paths.setdefault(item.docname, []).append(here)
            self._index(item.children, here)

    def render(self, docname: str, *, collapse: bool, maxdepth: int, prefix: str) -> str:
        """The navigation HTML for *docname*; *prefix* leads from the page to the guide root."""
        on_path = {id(item) for path in self._paths.get(docname, ()) for item in path}
        out: list[str] = []
        for section in self.sections:
            depth_limit = maxdepth if maxdepth > 0 else section.maxdepth
            if section.caption:
                out.append(
                    f'{CAPTION_HEADING}<span class="caption-text">'
                    f"{html.escape(section.caption)}</span></p>\n"
                )
            out.append(
                self._list(section.items, 1, docname, on_path, collapse, depth_limit)
            )
        return "".join(out).replace(ROOT_PLACEHOLDER, prefix)

    def _list(
        self,
        items: list[NavItem],
        depth: int,
        docname: str,
        on_path: set[int],
        collapse: bool,
        maxdepth: int,
    ) -> str:
        current = any(id(item) in on_path for item in items)
        parts = ['<ul class="current">\n' if current else "<ul>\n"]
        for item in items:
            if id(item) in on_path:
                parts.append(self._item(item, depth, docname, on_path, collapse, maxdepth))
            else:
                key = (id(item), depth, collapse, maxdepth)
                cached = self._cache.get(key)
                if cached is None:
                    cached = self._item(item, depth, None, on_path, collapse, maxdepth)
                    self._cache[key] = cached
                parts.append(cached)
        parts.append("</ul>\n")
        return "".join(parts)

    def _item(
        self,
        item: NavItem,
        depth: int,
        docname: str | None,
        on_path: set[int],
        collapse: bool,
        maxdepth: int,
    ) -> str:
        is_current = docname is not None and id(item) in on_path
        li_class = f"toctree-l{depth}" + (" current" if is_current else "")
        if item.external:
            link = f'<a class="reference external" href="{html.escape(item.url)}">'
        elif is_current and item.docname == docname and not item.anchor:
            link = '<a class="current reference internal" href="#">'
        else:
            link = (
                f'<a class="reference internal" href="{ROOT_PLACEHOLDER}'
                f'{html.escape(item.url)}">'
            )
        out = [f'<li class="{li_class}">{link}{html.escape(item.title)}</a>']
        show_children = (maxdepth <= 0 or depth < maxdepth) and (not collapse or is_current)
        if item.children and show_children:
            out.append(
                self._list(item.children, depth + 1, docname or "", on_path, collapse, maxdepth)
            )
        out.append("</li>\n")
        return "".join(out)


def filtered_tocs(env: BuildEnvironment, keep: Set[str]) -> dict[str, nodes.bullet_list]:
    """``env.tocs`` with every toctree entry that leads outside *keep* removed.

    Only the tables of contents that hold such an entry are copied.
    """
    result = dict(env.tocs)
    for docname, toc in env.tocs.items():
        toctrees = list(toc.findall(addnodes.toctree))
        if not any(_leaves(node, keep) for node in toctrees):
            continue
        copy = toc.deepcopy()
        for node in copy.findall(addnodes.toctree):
            filter_toctree_entries(node, keep)
        result[docname] = copy
    return result


def _leaves(node: addnodes.toctree, keep: Set[str]) -> bool:
    return any(not _kept(ref, keep) for _title, ref in node["entries"])


def _kept(ref: str, keep: Set[str]) -> bool:
    return (
        ref == "self"
        or url_re.match(ref) is not None
        or ref in keep
        or ref in ("genindex", "modindex", "search")
    )


def filter_toctree_entries(node: addnodes.toctree, keep: Set[str]) -> None:
    """Drop the entries of one toctree node that lead outside *keep*."""
    node["entries"] = [(title, ref) for title, ref in node["entries"] if _kept(ref, keep)]
    node["includefiles"] = [ref for ref in node.get("includefiles", []) if ref in keep]
