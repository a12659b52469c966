"""The site's own outputs: the portal's context, the manifest, and the previous manifest.

The manifest (:mod:`guidebook.manifest`) lists every guide and part with its
pages, their URLs and the navigation order; the ``guidebook-site-finished`` event hands it
to the redirects before it is written. The next build reads it back
(:func:`load_previous_manifest`) to know where each page went last time.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidebook.manifest import (
    Manifest,
    ManifestError,
    NavEntry,
    Page,
    PublishedPart,
    load_manifest,
)
from guidebook.urls import part_url

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from guidebook.config import Part
    from guidebook.sites import Site


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
    nav: Callable[[Part], tuple[NavEntry, ...]],
    title: Callable[[str], str],
    page_types: Mapping[str, str],
    link_suffix: str,
) -> Manifest:
    """The site manifest: every published guide and part with its pages and their URLs."""
    published_parts = [
        PublishedPart(
            name=part.name,
            title=part.title,
            kind=part.kind,
            root=part.root,
            url=part_url(part.name, link_suffix),
            nav=nav(part),
            pages=tuple(
                Page(
                    docname=doc,
                    source=posixpath.join(*Path(env.doc2path(doc, False)).parts),
                    title=title(doc),
                    url=part.path(doc) + link_suffix,
                    audiences=tuple(site.parts_of(doc)),
                    page_type=page_types.get(doc),
                )
                for doc in sorted(part.docnames)
            ),
        )
        for part in parts
    ]
    # Guides first, as the manifest lists them.
    published_parts.sort(key=lambda published: published.kind != "guide")
    return Manifest(published_parts=tuple(published_parts))


def load_previous_manifest(path: Path) -> Manifest:
    """The previous build's manifest (empty when there is none, or it is not one)."""
    try:
        return load_manifest(path)
    except ManifestError:
        return Manifest()
