"""The site's own outputs: the portal's context, the manifest, and the previous manifest.

The manifest (:data:`guidebook.sites.MANIFEST_NAME`) lists every guide and part with its
pages, their URLs and the navigation order; the ``guidebook-site-finished`` event hands it
to the redirects before it is written. The next build reads it back
(:func:`load_previous_manifest`) to know where each page went last time.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidebook.urls import part_url

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from guidebook.sites import Part, Site


def site_description(project: str, parts: Iterable[Part]) -> str:
    """The portal's and the not-found page's meta description: the project's
    documentation and what each guide and part is for, from their descriptions."""
    described = [f"{part.title}: {part.description.rstrip('.')}." if part.description
                 else f"{part.title}." for part in parts]
    return " ".join([f"{project} documentation.", *described])


def portal_parts(parts: Iterable[Part], link_suffix: str,
                 pdf_url: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """What the portal template (``guidebook/portal.html``) lists of each published part.

    *pdf_url* gives a part's PDF (``guidebook build --pdf``), or None.
    """
    return [
        {
            "name": part.name,
            "title": part.title,
            "description": part.description,
            "kind": part.kind,
            "url": part_url(part.name, link_suffix),
            "pages": len(part.docnames),
            "pdf": pdf_url(part.name),
        }
        for part in parts
    ]


def site_manifest(
    env: BuildEnvironment,
    site: Site,
    parts: Iterable[Part],
    nav: Callable[[Part], list[dict[str, Any]]],
    title: Callable[[str], str],
    page_types: Mapping[str, str],
    link_suffix: str,
) -> dict[str, Any]:
    """The site manifest: every published guide and part with its pages and their URLs."""
    guides: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    for part in parts:
        entry = {
            "name": part.name,
            "title": part.title,
            "kind": part.kind,
            "root": part.root,
            "url": part_url(part.name, link_suffix),
            "nav": nav(part),
            "pages": [
                {
                    "docname": doc,
                    "source": posixpath.join(*Path(env.doc2path(doc, False)).parts),
                    "title": title(doc),
                    "url": part.path(doc) + link_suffix,
                    "audiences": site.parts_of(doc),
                    "page_type": page_types.get(doc),
                }
                for doc in sorted(part.docnames)
            ],
        }
        (guides if part.kind == "guide" else extra).append(entry)
    return {"guides": guides, "parts": extra, "redirects": []}


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write *manifest* to *path* atomically."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def load_previous_manifest(path: Path) -> dict[str, Any]:
    """The previous build's manifest, indexed for incremental builds ({} when there is none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    urls_by_doc: dict[str, str] = {}
    titles: dict[str, dict[str, str]] = {}
    urls: dict[str, dict[str, str]] = {}
    nav: dict[str, list[dict[str, Any]]] = {}
    for part in [*data.get("guides", []), *data.get("parts", [])]:
        titles[part["name"]] = {page["docname"]: page["title"] for page in part["pages"]}
        urls[part["name"]] = {page["docname"]: page["url"] for page in part["pages"]
                              if "url" in page}
        nav[part["name"]] = part.get("nav", [])
        for docname, url in urls[part["name"]].items():
            urls_by_doc.setdefault(docname, url)
    pdfs = {entry["part"]: entry for entry in data.get("pdfs", [])}
    return {"parts": titles.keys(), "urls_by_doc": urls_by_doc, "titles": titles, "urls": urls,
            "nav": nav, "pdfs": pdfs}
