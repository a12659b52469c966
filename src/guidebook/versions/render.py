"""The HTML the assembly puts at each marker: the version switcher, the banner, the list.

Plain links, no JavaScript: the switcher works from ``file://``, in every theme, and for
readers and crawlers without scripts. Every ``href`` is relative, from the page being
written to the target, so the site works wherever it is published.
"""

from __future__ import annotations

import dataclasses
import html
import posixpath
from collections.abc import Callable

from guidebook.versions.languages import ORIGINAL
from guidebook.versions.links import MISSING, PublishedVersion, Target, portal_url


@dataclasses.dataclass(frozen=True)
class Choice:
    """One entry of a page's switcher: a version and where its link goes."""

    version: PublishedVersion
    target: Target | None  # None: the version being read


def relative(from_path: str, to_path: str) -> str:
    """The relative link from the file *from_path* to *to_path* (both from OUT)."""
    start = posixpath.dirname(from_path) or "."
    link = posixpath.relpath(to_path or ".", start)
    return link + "/" if to_path.endswith("/") or not to_path else link


def switcher(page_path: str, here: PublishedVersion, choices: list[Choice]) -> str:
    """The switcher of the page at *page_path* (from OUT) in version *here*."""
    items = []
    for choice in choices:
        version = choice.version
        label = html.escape(version.name) + (" (latest)" if version.latest else "")
        if choice.target is None:
            items.append(f'<li class="guidebook-versions-current" aria-current="page">'
                         f"{label}</li>")
            continue
        target = choice.target
        href = html.escape(relative(page_path, posixpath.join(version.name, target.url)))
        attrs = f'href="{href}" data-version="{html.escape(version.name)}"'
        if target.how == MISSING:
            where = (f"{html.escape(target.guide_title)} home" if target.guide_title
                     else "its portal")
            items.append(f'<li class="guidebook-versions-missing"><a {attrs} '
                         f'title="This page is not in {html.escape(version.name)}">{label}'
                         f' <span class="guidebook-versions-note">(not in this version: '
                         f"{where})</span></a></li>")
        elif target.how == ORIGINAL:
            items.append(f'<li class="guidebook-versions-original"><a {attrs} '
                         f'data-how="{ORIGINAL}" title="Not translated in '
                         f'{html.escape(version.name)}">{label} <span '
                         f'class="guidebook-versions-note">(not translated in this version: '
                         f"the original)</span></a></li>")
        else:
            items.append(f'<li><a {attrs} data-how="{target.how}">{label}</a></li>')
    return ('<nav class="guidebook-versions" aria-label="This page in other versions">'
            '<span class="guidebook-versions-label">Version: </span><ul>'
            + "".join(items) + "</ul></nav>\n")


def banner(page_path: str, here: PublishedVersion, latest: PublishedVersion,
           target: Target) -> str:
    """The notice on every page of a version other than the latest."""
    href = html.escape(relative(page_path, posixpath.join(latest.name, target.url)))
    name = html.escape(here.name)
    if target.how == MISSING:
        where = (f"the {html.escape(target.guide_title)} home" if target.guide_title
                 else "its home page")
        tail = (f'this page is not in the latest version ({html.escape(latest.name)}): '
                f'see <a href="{href}">{where}</a>')
    elif target.how == ORIGINAL:
        tail = (f"the latest version ({html.escape(latest.name)}) has this page in the "
                f'original language only: <a href="{href}">{html.escape(target.title)}</a>')
    else:
        tail = (f'this page in the latest version: <a href="{href}">'
                f"{html.escape(target.title)}</a>")
    return (f'<div class="guidebook-version-banner" role="note" '
            f'data-version="{name}">You are reading {name}; {tail}</div>\n')


def portal_list(page_path: str, versions: list[PublishedVersion],
                current: PublishedVersion,
                portal: Callable[[PublishedVersion], str] = portal_url) -> str:
    """The portal's list of every version, linking each version's portal (*portal*: its
    URL from the version's root; a language's portal lists that language's)."""
    items = []
    for version in versions:
        label = html.escape(version.name) + (" (latest)" if version.latest else "")
        if version is current:
            items.append(f'<li class="guidebook-portal-version-current" '
                         f'aria-current="page">{label}</li>')
            continue
        href = html.escape(relative(page_path, posixpath.join(version.name, portal(version))))
        items.append(f'<li><a href="{href}" data-version="{html.escape(version.name)}">'
                     f"{label}</a></li>")
    return ('<section class="guidebook-portal-versions"><h2>Versions</h2><ul>'
            + "".join(items) + "</ul></section>\n")
