"""Hand-written links to pages (``<../install/index.html>``) follow their page.

Real trees link pages with relative ``.html`` URLs written by hand, which assume Sphinx's
plain layout: a page at ``<docname>.html``. In a guidebook site pages live in their
guide's folder, so such a link breaks when either page moves. guidebook reads each link
the way it was written (relative to the linking page's docname), and when it names a page
of the site, rewrites it to that page's URL as it rewrites ``:doc:`` links: in the
linking page's guide, else in the first guide that has the page. A relative ``.html``
link that names no page is a warning at its source line while the page is read (so an
incremental ``--strict`` build repeats it, :mod:`.replay`).

:func:`link_target` is shared with ``guidebook diff``, which lists the links a change
breaks (:func:`broken_links_in_source`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from docutils import nodes

from guidebook.urls import GENERATED_PAGES
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def link_target(docname: str, uri: str) -> tuple[str, str] | None:
    """``(docname, fragment)`` a relative ``.html`` link of page *docname* names, by
    Sphinx's plain layout (``<docname>.html``); None for any other link."""
    if not uri or uri.startswith(("/", "#")) or _SCHEME.match(uri):
        return None
    path, _hash, fragment = uri.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path.endswith(".html"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(docname), path))
    if joined.startswith("../") or joined == "..":
        return ("", fragment)  # above the site: names no page
    return (joined[: -len(".html")], fragment)


def _generated(target: str) -> bool:
    """A page every guide generates in its own folder (its index, its search page)."""
    return posixpath.basename(target) in GENERATED_PAGES


def _is_page(app: Sphinx, target: str) -> bool:
    if target in app.env.found_docs or _generated(target):
        return True
    # A file html_extra_path publishes at the site root.
    return bool(target) and any(
        Path(app.confdir, extra, f"{target}.html").is_file()
        for extra in app.config.html_extra_path
    )


def _hand_written(doctree: nodes.Node) -> Iterator[nodes.reference]:
    for reference in doctree.findall(nodes.reference):
        if reference.get("refuri") and not reference.get("internal"):
            yield reference


def check_page_links(app: Sphinx, doctree: nodes.document) -> None:
    """While a page is read: warn about each relative ``.html`` link that names no page."""
    docname = app.env.docname
    for reference in _hand_written(doctree):
        uri = str(reference["refuri"])
        found = link_target(docname, uri)
        if found is None or _is_page(app, found[0]):
            continue
        names = f"{found[0]}.html" if found[0] else "a file above the site's folder"
        warn(WarningCode.LINK_BROKEN,
             f"link to {uri!r} leads to no page of the site (it names {names}); link the "
             "page with :doc: or fix the path",
             location=reference)


def follow_pages(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """While a page is written: point each relative ``.html`` link at its page's URL."""
    from guidebook.engine.builder import GuidebookBuilder

    builder = app.builder
    if not isinstance(builder, GuidebookBuilder):
        return
    for reference in _hand_written(doctree):
        found = link_target(docname, str(reference["refuri"]))
        if found is None or found[0] not in app.env.found_docs:
            continue
        target, fragment = found
        reference["refuri"] = builder.get_relative_uri(docname, target) + (
            f"#{fragment}" if fragment else "")


#: ```text <target>`_`` and ``<target>`__``, and ``.. _name: target``.
_EMBEDDED = re.compile(r"`[^`]*?<([^<>`\s]+)>`__?")
_TARGET = re.compile(r"^\s*\.\.\s+_[^:]+:\s+(\S+)\s*$", re.MULTILINE)


def broken_links_in_source(docname: str, text: str,
                           pages: Iterable[str]) -> list[tuple[int, str]]:
    """``(line, uri)`` of each relative ``.html`` link in reStructuredText *text* of page
    *docname* that names none of *pages*."""
    known = set(pages)
    found = []
    for pattern in (_EMBEDDED, _TARGET):
        for match in pattern.finditer(text):
            uri = match.group(1)
            target = link_target(docname, uri)
            if target is not None and target[0] not in known and not _generated(target[0]):
                found.append((text.count("\n", 0, match.start(1)) + 1, uri))
    return sorted(found)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-read", check_page_links)
    app.connect("doctree-resolved", follow_pages)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
