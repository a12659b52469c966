"""The hand-written links a change breaks: relative ``.html`` links that name no page.

Each side's pages are read as written (:func:`guidebook.engine.page_links.link_target`):
a link of HEAD that names no page of HEAD, and that the same page (or the page it was
moved from) did not already have broken in BASE, is broken by the change. The build
rewrites every link that names a page to its URL, so what breaks is a link to a page that
is gone or renamed, or a linking page moved away from its relative targets.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from guidebook.engine.page_links import broken_links_in_source

if TYPE_CHECKING:
    from guidebook.reorg.snapshot import Snapshot


@dataclasses.dataclass(frozen=True)
class BrokenLink:
    """A link of a HEAD page, by its source file and line, that names no page."""

    source: str  # the page's source file, relative to the source directory
    line: int
    uri: str
    docname: str


def broken_links(base: Snapshot, head: Snapshot, moved_from: dict[str, str]) -> list[BrokenLink]:
    """The links of HEAD's pages that name no page of HEAD and were not broken in BASE.

    *moved_from* maps a HEAD docname to the BASE docname it was moved from. Without page
    sources (a side read from a manifest), nothing is reported.
    """
    if not head.texts:
        return []
    head_pages = {page.docname: page for _section, page in head.manifest.pages()}
    base_pages = {page.docname: page for _section, page in base.manifest.pages()}
    found: list[BrokenLink] = []
    for docname, page in sorted(head_pages.items()):
        text = head.texts.get(page.source)
        if text is None:
            continue
        now = broken_links_in_source(docname, text, head_pages)
        if not now:
            continue
        before_name = moved_from.get(docname, docname)
        before_page = base_pages.get(before_name)
        before_text = base.texts.get(before_page.source) if before_page is not None else None
        already = {uri for _line, uri in broken_links_in_source(
            before_name, before_text or "", base_pages)}
        found += [BrokenLink(page.source, line, uri, docname)
                  for line, uri in now if uri not in already]
    return found
