"""The site manifest (``guidebook.json``): its schema as typed, read-only values.

Every guide and part the build published, with its pages, their URLs and the navigation
order; the redirects the site answers; the PDFs it holds. The builder writes it
(:meth:`Manifest.to_json`, :func:`write_manifest`) and reads the previous build's back to
know where each page went; the redirects add theirs; the review tools (``guidebook
report``, ``diff``), the versions and the translations read it through
:func:`load_manifest` (:meth:`Manifest.from_json`), which checks its shape so that a
foreign or damaged file gives a clear message rather than a ``KeyError`` deep inside a
comparison. Nothing else reads or writes the JSON.

A pure model: it imports nothing of Sphinx.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from guidebook.reorg import ReorgError

__all__ = [
    "MANIFEST_NAME",
    "Language",
    "Manifest",
    "ManifestError",
    "NavEntry",
    "Page",
    "PartCoverage",
    "PdfEntry",
    "PublishedPart",
    "Redirect",
    "load_manifest",
    "write_manifest",
]

#: The site manifest's file name, at the top of the published site.
MANIFEST_NAME = "guidebook.json"


class ManifestError(ReorgError):
    """A file that is not a guidebook manifest (a review command's bad input: exit status
    2, no traceback)."""


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of one guide or part."""

    docname: str
    source: str  # relative to the source directory, with "/" separators
    title: str
    url: str  # relative to the site root
    audiences: tuple[str, ...]
    page_type: str | None

    def to_json(self) -> dict[str, Any]:
        return {"docname": self.docname, "source": self.source, "title": self.title,
                "url": self.url, "audiences": list(self.audiences),
                "page_type": self.page_type}


@dataclasses.dataclass(frozen=True)
class NavEntry:
    """A page in a guide's navigation, depth 0 for the top level."""

    docname: str
    depth: int

    def to_json(self) -> dict[str, Any]:
        return {"docname": self.docname, "depth": self.depth}


@dataclasses.dataclass(frozen=True)
class PublishedPart:
    """A guide (``kind == "guide"``) or another part of the site, with its pages."""

    name: str
    title: str
    kind: str
    root: str
    url: str
    pages: tuple[Page, ...]
    #: The navigation in reading order; empty when the manifest does not record it.
    nav: tuple[NavEntry, ...] = ()

    def page(self, docname: str) -> Page | None:
        for page in self.pages:
            if page.docname == docname:
                return page
        return None

    @property
    def docnames(self) -> set[str]:
        return {page.docname for page in self.pages}

    def titles(self) -> dict[str, str]:
        """docname -> title of every page."""
        return {page.docname: page.title for page in self.pages}

    def urls(self) -> dict[str, str]:
        """docname -> URL (from the site root) of every page."""
        return {page.docname: page.url for page in self.pages}

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "kind": self.kind, "root": self.root,
                "url": self.url, "nav": [entry.to_json() for entry in self.nav],
                "pages": [page.to_json() for page in self.pages]}


@dataclasses.dataclass(frozen=True)
class Redirect:
    """An old URL the site still answers, by sending the reader to *target*."""

    source: str
    target: str
    guide: str | None

    def to_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "guide": self.guide}


@dataclasses.dataclass(frozen=True)
class PdfEntry:
    """One part's PDF (``guidebook build --pdf``)."""

    part: str
    title: str
    #: The PDF's URL from the site root (``operator/image-service-operator.pdf``).
    url: str
    pages: int
    size: int

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class PartCoverage:
    """How much of one guide or part a language translates, and whether it is published."""

    name: str
    translated: int
    total: int
    share: float
    published: bool


@dataclasses.dataclass(frozen=True)
class Language:
    """A language the site is published in; the original has no coverage of its own."""

    code: str
    name: str
    url: str
    original: bool
    parts: tuple[PartCoverage, ...] = ()
    #: In a translation's own manifest: the language of the sources.
    source: str = ""
    #: In the original's manifest: the translation's PDFs (``--pdf``), URLs from its root.
    pdfs: tuple[PdfEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "url": self.url,
                "original": self.original,
                **({"source": self.source} if self.source else {}),
                "parts": {part.name: {"translated": part.translated, "total": part.total,
                                      "share": part.share, "published": part.published}
                          for part in self.parts},
                **({"pdfs": [pdf.to_json() for pdf in self.pdfs]} if self.pdfs else {})}


@dataclasses.dataclass(frozen=True)
class Manifest:
    """Everything the next build and a review need to know about one build of the site."""

    published_parts: tuple[PublishedPart, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    pdfs: tuple[PdfEntry, ...] = ()
    #: The original first, then each translation (``guidebook_languages``).
    languages: tuple[Language, ...] = ()
    #: In a translation's own manifest (``OUT/<lang>/guidebook.json``): that language.
    language: Language | None = None

    def to_json(self) -> dict[str, Any]:
        """The manifest's JSON value (what ``guidebook.json`` holds)."""
        return {
            "guides": [part.to_json() for part in self.published_parts if part.kind == "guide"],
            "parts": [part.to_json() for part in self.published_parts if part.kind != "guide"],
            "redirects": [redirect.to_json() for redirect in self.redirects],
            "pdfs": [pdf.to_json() for pdf in self.pdfs],
            **({"languages": [language.to_json() for language in self.languages]}
               if self.languages else {}),
            **({"language": self.language.to_json()} if self.language else {}),
        }

    @classmethod
    def from_json(cls, data: Any, origin: str) -> Manifest:
        """Check and convert a manifest's JSON value; *origin* names it in messages."""
        return _parse_manifest(data, origin)

    def published_part(self, name: str) -> PublishedPart | None:
        for published in self.published_parts:
            if published.name == name:
                return published
        return None

    @property
    def guides(self) -> tuple[PublishedPart, ...]:
        return tuple(published for published in self.published_parts if published.kind == "guide")

    def pages(self) -> Iterator[tuple[PublishedPart, Page]]:
        for published in self.published_parts:
            for page in published.pages:
                yield published, page

    def page_urls(self) -> set[str]:
        return {page.url for _section, page in self.pages()}

    def redirected_urls(self) -> set[str]:
        return {redirect.source for redirect in self.redirects}

    def first_page(self, docname: str) -> Page | None:
        """The page *docname* in the first part that has it."""
        for _section, page in self.pages():
            if page.docname == docname:
                return page
        return None

    def parts_of(self, docname: str) -> list[str]:
        return [published.name for published in self.published_parts if published.page(docname)]

    def first_urls(self) -> dict[str, str]:
        """docname -> its URL in the first part that has it."""
        urls: dict[str, str] = {}
        for _section, page in self.pages():
            urls.setdefault(page.docname, page.url)
        return urls

    def with_nav(self, nav: dict[str, tuple[NavEntry, ...]]) -> Manifest:
        """A copy whose parts without a navigation take theirs from *nav*."""
        published_parts = tuple(
            published if published.nav or published.name not in nav
            else dataclasses.replace(published, nav=nav[published.name])
            for published in self.published_parts
        )
        return dataclasses.replace(self, published_parts=published_parts)


def normalise_url(url: str) -> str:
    """Site-relative form of a URL: no leading slash, no fragment."""
    return url.split("#", 1)[0].lstrip("/")


def load_manifest(path: Path) -> Manifest:
    """Read a ``guidebook.json`` file; :class:`ManifestError` when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"{path}: not a JSON file: {exc}") from None
    return Manifest.from_json(data, str(path))


def write_manifest(path: Path, manifest: Manifest) -> None:
    """Write *manifest* to *path* atomically."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest.to_json(), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _parse_manifest(data: Any, origin: str) -> Manifest:
    """Check and convert the JSON value of a manifest; *origin* names it in messages."""
    if not isinstance(data, dict) or not isinstance(data.get("guides"), list):
        raise ManifestError(f"{origin}: not a guidebook manifest (no \"guides\" list)")
    published_parts = []
    for key in ("guides", "parts"):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise ManifestError(f"{origin}: \"{key}\" must be a list")
        for index, entry in enumerate(entries):
            published_parts.append(_published_part(entry, f"{origin}: {key}[{index}]", key))
    redirects = []
    entries = data.get("redirects", [])
    if not isinstance(entries, list):
        raise ManifestError(f"{origin}: \"redirects\" must be a list")
    for index, entry in enumerate(entries):
        where = f"{origin}: redirects[{index}]"
        redirects.append(Redirect(
            source=normalise_url(_text(entry, "from", where)),
            target=normalise_url(_text(entry, "to", where)),
            guide=_optional_text(entry, "guide", where),
        ))
    language = data.get("language")
    return Manifest(published_parts=tuple(published_parts), redirects=tuple(redirects),
                    pdfs=_pdfs(data.get("pdfs", []), origin),
                    languages=_languages(data.get("languages", []), origin),
                    language=(_language(language, f"{origin}: language")
                              if language is not None else None))


def _pdfs(entries: Any, origin: str) -> tuple[PdfEntry, ...]:
    if not isinstance(entries, list):
        raise ManifestError(f"{origin}: \"pdfs\" must be a list")
    pdfs = []
    for index, entry in enumerate(entries):
        where = f"{origin}: pdfs[{index}]"
        pdfs.append(PdfEntry(
            part=_text(entry, "part", where),
            title=_optional_text(entry, "title", where) or _text(entry, "part", where),
            url=_text(entry, "url", where),
            pages=_number(entry, "pages", where),
            size=_number(entry, "size", where),
        ))
    return tuple(pdfs)


def _languages(entries: Any, origin: str) -> tuple[Language, ...]:
    if not isinstance(entries, list):
        raise ManifestError(f"{origin}: \"languages\" must be a list")
    return tuple(_language(entry, f"{origin}: languages[{index}]")
                 for index, entry in enumerate(entries))


def _language(entry: Any, where: str) -> Language:
    parts = entry.get("parts", {}) if isinstance(entry, dict) else None
    if not isinstance(parts, dict):
        raise ManifestError(f"{where}: \"parts\" must be an object")
    coverage = []
    for name, counts in parts.items():
        numbers: list[Any] = [counts.get(key) if isinstance(counts, dict) else None
                               for key in ("translated", "total", "share")]
        if not all(isinstance(number, (int, float)) for number in numbers):
            raise ManifestError(f"{where}.parts[{name!r}]: \"translated\", \"total\" and "
                                "\"share\" must be numbers")
        coverage.append(PartCoverage(str(name), int(numbers[0]), int(numbers[1]),
                                     float(numbers[2]), bool(counts.get("published"))))
    return Language(
        code=_text(entry, "code", where),
        name=_optional_text(entry, "name", where) or _text(entry, "code", where),
        url=_optional_text(entry, "url", where) or "",
        original=bool(entry.get("original")),
        parts=tuple(coverage),
        source=_optional_text(entry, "source", where) or "",
        pdfs=_pdfs(entry.get("pdfs", []), where),
    )



def _published_part(entry: Any, where: str, key: str) -> PublishedPart:
    name = _text(entry, "name", where)
    pages = entry.get("pages")
    if not isinstance(pages, list):
        raise ManifestError(f"{where}: \"pages\" must be a list")
    parsed = []
    for index, page in enumerate(pages):
        at = f"{where}.pages[{index}]"
        audiences = page.get("audiences", [name]) if isinstance(page, dict) else None
        if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
            raise ManifestError(f"{at}: \"audiences\" must be a list of names")
        docname = _text(page, "docname", at)
        parsed.append(Page(
            docname=docname,
            source=_optional_text(page, "source", at) or docname,
            title=_title_or(_optional_text(page, "title", at), docname),
            url=normalise_url(_text(page, "url", at)),
            audiences=tuple(audiences),
            page_type=_optional_text(page, "page_type", at),
        ))
    nav_data = entry.get("nav", [])
    if not isinstance(nav_data, list):
        raise ManifestError(f"{where}: \"nav\" must be a list")
    nav = []
    for index, item in enumerate(nav_data):
        at = f"{where}.nav[{index}]"
        depth = item.get("depth", 0) if isinstance(item, dict) else None
        if not isinstance(depth, int):
            raise ManifestError(f"{at}: \"depth\" must be a number")
        nav.append(NavEntry(_text(item, "docname", at), depth))
    return PublishedPart(
        name=name,
        title=_optional_text(entry, "title", where) or name,
        kind=_optional_text(entry, "kind", where) or ("guide" if key == "guides" else "part"),
        root=_optional_text(entry, "root", where) or "",
        url=normalise_url(_optional_text(entry, "url", where) or ""),
        pages=tuple(parsed),
        nav=tuple(nav),
    )


def _text(entry: Any, key: str, where: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{where}: \"{key}\" must be a non-empty string")
    return value


def _optional_text(entry: Any, key: str, where: str) -> str | None:
    value = entry.get(key) if isinstance(entry, dict) else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise ManifestError(f"{where}: \"{key}\" must be a string")
    return value


def _title_or(title: str | None, docname: str) -> str:
    """A page's title; its docname when the manifest has none (an empty title stands)."""
    return title if title is not None else docname


def _number(entry: Any, key: str, where: str) -> int:
    value = entry.get(key, 0) if isinstance(entry, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ManifestError(f"{where}: \"{key}\" must be a whole number")
    return value
