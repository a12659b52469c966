"""The plain Sphinx site a project had before guidebook: built, or read from objects.inv.

A plain site has no guides: it becomes one part, ``site``, whose pages are the
``std:doc`` entries of its inventory (docname, URL, title). That is exactly what a
reader's bookmarks point at, so comparing it with the guidebook site lists every old URL.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sphinx.util.inventory import InventoryFile

from guidebook.manifest import Manifest, Page, PublishedPart
from guidebook.reorg import ReorgError

#: The name of the one part of a plain site.
PLAIN_PART = "site"
_GUIDES_SET = re.compile(r"^guidebook_guides\s*[=:]", re.MULTILINE)


def is_plain_project(source: Path) -> bool:
    """Whether conf.py in *source* sets no ``guidebook_guides`` (a plain Sphinx project)."""
    try:
        text = (source / "conf.py").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _GUIDES_SET.search(text) is None


def manifest_of_inventory(path: Path, *, root: str = "index",
                          sources: dict[str, str] | None = None) -> Manifest:
    """The pages of a plain site, from its ``objects.inv``; ReorgError if it is not one."""
    try:
        with path.open("rb") as stream:
            inventory: Any = InventoryFile.load(stream, "", posixpath.join)
    except OSError as exc:
        raise ReorgError(f"{path}: cannot read the inventory: {exc.strerror or exc}") from None
    except Exception as exc:  # Sphinx raises ValueError and zlib errors on a damaged file
        raise ReorgError(f"{path}: not a Sphinx objects.inv file ({exc})") from None
    documents = inventory.get("std:doc", {})
    if not documents:
        raise ReorgError(f"{path}: the inventory lists no pages (no std:doc entries)")
    pages = []
    for docname, item in sorted(documents.items()):
        # Sphinx 8.2 and 9 give an item with .uri and .display_name; older ones a tuple.
        uri = getattr(item, "uri", None) or item[2]
        title = getattr(item, "display_name", None) or item[3]
        pages.append(Page(
            docname=docname,
            source=(sources or {}).get(docname, docname),
            title=title if title and title != "-" else docname,
            url=uri.split("#", 1)[0].lstrip("/"),
            audiences=(),
            page_type=None,
        ))
    part = PublishedPart(name=PLAIN_PART, title="the plain Sphinx site", kind="part",
                      root=root, url=f"{root}.html", pages=tuple(pages))
    return Manifest(published_parts=(part,))


def build_plain(source: Path, out: Path, label: str, *,
                overrides: Mapping[str, object] | None = None,
                ) -> tuple[Manifest, dict[str, list[str]]]:
    """Build the plain project in *source* with Sphinx's html builder into *out*.

    *overrides* are conf.py values, as ``sphinx-build -D`` gives them.

    Return its pages and its toctrees (docname -> the docnames it lists). Warnings of the
    old site are not this review's business; a build that fails is.
    """
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    warnings = io.StringIO()
    try:
        with patch_docutils(source), docutils_namespace():
            app = Sphinx(source, source, out / "html", out / "doctrees", "html",
                         status=None, warning=warnings, freshenv=True,
                         confoverrides=dict(overrides or {}))
            app.build()
            env = app.env
            sources = {
                docname: Path(env.doc2path(docname)).relative_to(source).as_posix()
                for docname in env.found_docs
            }
            includes = {doc: list(children) for doc, children in env.toctree_includes.items()}
            root = app.config.root_doc
    except SphinxError as exc:  # conf.py's errors as path:line: message
        from guidebook.driver.run import describe_error

        raise ReorgError(f"{label}: the plain Sphinx site does not build: "
                         f"{describe_error(exc, source / 'conf.py')}") from None
    except Exception as exc:
        raise ReorgError(f"{label}: the plain Sphinx site does not build: "
                         f"{type(exc).__name__}: {exc}") from None
    manifest = manifest_of_inventory(out / "html" / "objects.inv", root=root, sources=sources)
    return manifest, includes
