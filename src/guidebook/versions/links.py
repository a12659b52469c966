"""Where a page of one version lives in another: the same page, its new home, or none.

Everything comes from each version's manifest (``guidebook.json``: parts, pages with
docname, source and URL, redirects) and from git's rename detection between the two
versions' commits; nothing assumes how URLs are laid out. For a page of version V and
another version W, in this order:

1. W has the same page (docname) in the same guide;
2. the page moved: W's redirect map sends the page's URL on (a move after V), V's
   redirect map names the page's URL as the new home of a URL W serves (a move before
   V), or git saw the page's source file renamed between the two commits;
3. W has the page in another guide;
4. otherwise the page is not in W: the link goes to the guide's root in W (or W's
   portal when W lacks the guide), and says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from guidebook.manifest import Manifest, Page, PublishedPart

#: How the target was found.
SAME = "same"
MOVED = "moved"
MISSING = "missing"
_MAX_HOPS = 20


@dataclasses.dataclass(frozen=True)
class PublishedVersion:
    """One built version: its name, commit, manifest and built site."""

    name: str
    ref: str
    commit: str
    latest: bool
    manifest: Manifest
    site: Path


@dataclasses.dataclass(frozen=True)
class Target:
    """The page of another version a link goes to, relative to that version's root."""

    url: str
    title: str
    how: str  # SAME, MOVED or MISSING
    guide_title: str = ""


Renames = Callable[[str, str], dict[str, str]]


class VersionLinks:
    """Finds the counterpart of each page of each version in every other version."""

    def __init__(self, versions: list[PublishedVersion], renames: Renames) -> None:
        self.versions = versions
        self._renames = renames
        self._rename_maps: dict[tuple[str, str], dict[str, str]] = {}
        self._by_url = {v.name: {p.url: (s, p) for s, p in v.manifest.pages()} for v in versions}
        self._by_source = {
            v.name: _pages_by_source(v.manifest) for v in versions
        }
        self._redirects = {
            v.name: {r.source: r.target for r in v.manifest.redirects} for v in versions
        }
        self._redirected_from = {
            v.name: _reverse(self._redirects[v.name]) for v in versions
        }

    def page_at(self, version: PublishedVersion, url: str) -> tuple[PublishedPart, Page] | None:
        """The manifest page of *version* served at *url* (relative to its root)."""
        return self._by_url[version.name].get(url)

    def target(self, here: PublishedVersion, part: PublishedPart, page: Page,
               there: PublishedVersion) -> Target:
        """Where the reader of *page* (in *part* of *here*) goes in *there*."""
        other = there.manifest.published_part(part.name)
        if other is not None and (same := other.page(page.docname)) is not None:
            return Target(same.url, same.title, SAME)
        moved = self._moved(here, page, there, part.name)
        if moved is not None:
            return Target(moved[1].url, moved[1].title, MOVED)
        for _section, candidate in there.manifest.pages():
            if candidate.docname == page.docname:
                return Target(candidate.url, candidate.title, MOVED)
        return self.fallback(part.name, there)

    def fallback(self, section_name: str, there: PublishedVersion) -> Target:
        """The root of the guide in *there*, or its portal when it lacks the guide."""
        other = there.manifest.published_part(section_name)
        if other is not None:
            return Target(other.url, other.title, MISSING, guide_title=other.title)
        return Target(portal_url(there), "", MISSING)

    def _moved(self, here: PublishedVersion, page: Page, there: PublishedVersion,
               section_name: str) -> tuple[PublishedPart, Page] | None:
        pages = self._by_url[there.name]
        # A move after *here*: *there* redirects the old URL to its new home.
        url = page.url
        for _hop in range(_MAX_HOPS):
            url_next = self._redirects[there.name].get(url)
            if url_next is None:
                break
            url = url_next
            if url in pages:
                return pages[url]
        # A move before *here*: *here* redirects URLs (that *there* serves) to this page.
        pending, seen = [page.url], {page.url}
        while pending:
            for old in self._redirected_from[here.name].get(pending.pop(), ()):
                if old in pages:
                    return pages[old]
                if old not in seen:
                    seen.add(old)
                    pending.append(old)
        # git saw the source file renamed between the two commits.
        renamed = self._rename_map(here, there).get(page.source)
        if renamed is not None:
            candidates = self._by_source[there.name].get(renamed, [])
            for part, candidate in candidates:
                if part.name == section_name:
                    return part, candidate
            if candidates:
                return candidates[0]
        return None

    def _rename_map(self, here: PublishedVersion, there: PublishedVersion) -> dict[str, str]:
        key = (here.name, there.name)
        if key not in self._rename_maps:
            self._rename_maps[key] = self._renames(here.commit, there.commit)
        return self._rename_maps[key]


def _pages_by_source(manifest: Manifest) -> dict[str, list[tuple[PublishedPart, Page]]]:
    found: dict[str, list[tuple[PublishedPart, Page]]] = {}
    for part, page in manifest.pages():
        found.setdefault(page.source, []).append((part, page))
    return found


def _reverse(redirects: dict[str, str]) -> dict[str, list[str]]:
    reverse: dict[str, list[str]] = {}
    for source, target in sorted(redirects.items()):
        reverse.setdefault(target, []).append(source)
    return reverse


def portal_url(version: PublishedVersion) -> str:
    """The portal: the page every part's URL is relative to (the site root's index)."""
    return "index.html" if (version.site / "index.html").is_file() else ""
