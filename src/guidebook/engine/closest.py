"""The closest page of another guide, for a page that guide does not include.

The switcher offers every other guide from every page of a guide (:mod:`.page_bar`). A
guide that has the page itself gets a link to it; one that does not gets its closest
page: where the redirect map sends the page's old URL in that guide (the page left the
guide, and the map says where its readers go), else the guide's page with the same
title, else the guide's home.
"""

from __future__ import annotations

from collections.abc import Mapping

from guidebook.config import Part


class ClosestPages:
    """Which page of a part stands in for a page it does not include."""

    def __init__(self, titles: Mapping[str, str], redirects: Mapping[str, str],
                 link_suffix: str) -> None:
        """*titles*: every page's title; *redirects*: the redirect map's old URLs and
        their targets, both from the site root."""
        self._titles = titles
        self._redirects = redirects
        self._suffix = link_suffix
        self._by_title: dict[str, list[str]] = {}
        for docname, title in sorted(titles.items()):
            self._by_title.setdefault(_title_key(title), []).append(docname)

    def in_part(self, docname: str, part: Part) -> tuple[str, str]:
        """The URL (from the site root) of the page of *part* closest to *docname*, and
        why: ``"page"`` (the part has it), ``"redirect"``, ``"title"`` or ``"home"``."""
        if docname in part.docnames:
            return self._url(part, docname), "page"
        moved_to = self._redirects.get(self._url(part, docname))
        if moved_to is not None and moved_to.startswith(f"{part.name}/"):
            return moved_to, "redirect"
        title = self._titles.get(docname)
        if title:
            for namesake in self._by_title.get(_title_key(title), ()):
                if namesake in part.docnames:
                    return self._url(part, namesake), "title"
        return self._url(part, part.root), "home"

    def _url(self, part: Part, docname: str) -> str:
        return part.path(docname) + self._suffix


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())
