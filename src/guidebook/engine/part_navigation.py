"""The sidebar navigation of the part being written, and its page order for the manifest.

Sphinx's toctree resolution runs once per part (or not at all when the stored navigation
still matches every page's table of contents, see :mod:`.navcache`); each page then
renders the resolved :class:`~guidebook.engine.navigation.Navigation` in linear time.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx import addnodes
from sphinx.environment.adapters.toctree import TocTree

from guidebook.engine.navcache import NavigationStore, part_fingerprint
from guidebook.engine.navigation import Navigation, filter_toctree_entries, nav_from_toctree
from guidebook.manifest import NavEntry

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder

    from guidebook.config import Part

#: The docname Sphinx is told the navigation is resolved for (no page: nothing is current).
NAV_DOCNAME = "__guidebook_nav__"


class PartNavigation:
    """Each part's navigation: resolved or taken from the store, then rendered per page."""

    def __init__(self, builder: StandaloneHTMLBuilder) -> None:
        self.builder = builder
        self.store = NavigationStore.load(Path(builder.doctreedir))
        #: Every page's table-of-contents fingerprint in this build (see navcache).
        self.fingerprints: dict[str, str] = {}
        self._rendered: dict[tuple[bool, bool], Navigation] = {}

    def forget_rendered(self) -> None:
        """Drop the navigations of the part just written (a new part is being entered)."""
        self._rendered = {}

    def render(self, part: Part, docname: str, collapse: bool, kwargs: Mapping[str, Any]) -> str:
        """The sidebar HTML of *docname*, with Sphinx's ``toctree()`` template arguments."""
        includehidden = bool(kwargs.get("includehidden", False))
        titles_only = bool(kwargs.get("titles_only", False))
        maxdepth_value = kwargs.get("maxdepth", 0)
        maxdepth = int(maxdepth_value) if str(maxdepth_value).strip() not in ("", "None") else 0
        navigation = self._rendered.get((includehidden, titles_only))
        if navigation is None:
            navigation = self._stored(part, includehidden, titles_only)
            self._rendered[includehidden, titles_only] = navigation
        prefix = "../" * part.path_in_part(docname).count("/")
        return navigation.render(docname, collapse=collapse, maxdepth=maxdepth, prefix=prefix)

    def _stored(self, part: Part, includehidden: bool, titles_only: bool) -> Navigation:
        """The previous build's navigation of *part* if nothing it shows has changed."""
        fingerprint = part_fingerprint(
            part.name, part.root, self.builder.link_suffix,
            ((doc, self.fingerprints.get(doc, "")) for doc in part.docnames),
        )
        key = (part.name, includehidden, titles_only)
        stored = self.store.navigations.get(key)
        if stored is not None and stored[0] == fingerprint:
            return stored[1]
        navigation = resolve_navigation(self.builder, part, includehidden, titles_only)
        self.store.navigations[key] = (fingerprint, navigation)
        return navigation

    def save(self) -> None:
        # A build that wrote nothing computed no fingerprints: nothing was read again, so
        # the stored ones still hold, and are saved back (loading removed the file).
        if self.fingerprints:
            self.store.fingerprints = self.fingerprints
        self.store.save(Path(self.builder.doctreedir))


def resolve_navigation(builder: StandaloneHTMLBuilder, part: Part, includehidden: bool,
                       titles_only: bool) -> Navigation:
    """Resolve the toctrees of the part's root page with Sphinx's own toctree machinery."""
    env = builder.env
    # The links of a navigation resolved for NAV_DOCNAME, a page at the top of the part.
    uri_to_doc = {builder.get_relative_uri(NAV_DOCNAME, doc): doc for doc in part.docnames}
    root = env.get_doctree(part.root)
    sections = []
    for toctree in root.findall(addnodes.toctree):
        filter_toctree_entries(toctree, part.docnames)
        resolved = TocTree(env).resolve(
            NAV_DOCNAME,
            builder,
            toctree,
            prune=False,
            titles_only=titles_only,
            collapse=False,
            includehidden=includehidden,
        )
        if resolved is not None:
            maxdepth = int(toctree.get("maxdepth", -1))
            sections.append(nav_from_toctree(resolved, maxdepth, uri_to_doc.get))
    return Navigation(sections)


def navigation_order(part: Part, includes: Mapping[str, list[str]]) -> tuple[NavEntry, ...]:
    """The part's pages in toctree order with their depth (for the manifest).

    Walks the toctree includes (limited to the part while it is written) rather than
    resolving the navigation again: resolving copies every page's table of contents, and
    this order needs only the pages. Pages no toctree reaches are not in it.
    """
    return tuple(NavEntry(docname, depth)
                 for docname, depth in toctree_order(part.root, part.docnames, includes))


def toctree_order(root: str, members: Set[str], includes: Mapping[str, list[str]]
                  ) -> list[tuple[str, int]]:
    """The pages of *members* that *root*'s toctrees reach, depth first, with their depth.

    A page reached twice stands where it is reached first. This is the one walk of the
    toctrees: the manifest's ``nav`` and the review of a plain Sphinx site both use it.
    """
    order: list[tuple[str, int]] = []
    seen: set[str] = set()
    stack = [(root, 0)]
    while stack:
        docname, depth = stack.pop()
        if docname in seen or docname not in members:
            continue
        seen.add(docname)
        order.append((docname, depth))
        stack.extend((child, depth + 1) for child in reversed(includes.get(docname, [])))
    return order
