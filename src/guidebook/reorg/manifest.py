"""The site manifest (``guidebook.json``) as typed, read-only values.

The builder writes the manifest as plain JSON; the review tools read it back through
:func:`parse_manifest`, which checks its shape so that a foreign or damaged file gives a
clear message rather than a ``KeyError`` deep inside a comparison.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from guidebook.reorg import ReorgError

__all__ = ["Language", "Manifest", "NavEntry", "Page", "PartCoverage", "Redirect",
           "ReorgError", "Section",
           "load_manifest", "parse_manifest"]


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of one guide or part."""

    docname: str
    source: str  # relative to the source directory, with "/" separators
    title: str
    url: str  # relative to the site root
    audiences: tuple[str, ...]
    page_type: str | None


@dataclasses.dataclass(frozen=True)
class NavEntry:
    """A page in a guide's navigation, depth 0 for the top level."""

    docname: str
    depth: int


@dataclasses.dataclass(frozen=True)
class Section:
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


@dataclasses.dataclass(frozen=True)
class Redirect:
    """An old URL the site still answers, by sending the reader to *target*."""

    source: str
    target: str
    guide: str | None


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


@dataclasses.dataclass(frozen=True)
class Manifest:
    """Everything a review needs to know about one build of the site."""

    sections: tuple[Section, ...]
    redirects: tuple[Redirect, ...] = ()
    #: The original first, then each translation (``guidebook_languages``).
    languages: tuple[Language, ...] = ()

    def section(self, name: str) -> Section | None:
        for section in self.sections:
            if section.name == name:
                return section
        return None

    @property
    def guides(self) -> tuple[Section, ...]:
        return tuple(section for section in self.sections if section.kind == "guide")

    def pages(self) -> Iterator[tuple[Section, Page]]:
        for section in self.sections:
            for page in section.pages:
                yield section, page

    def page_urls(self) -> set[str]:
        return {page.url for _section, page in self.pages()}

    def redirected_urls(self) -> set[str]:
        return {redirect.source for redirect in self.redirects}

    def first_page(self, docname: str) -> Page | None:
        """The page *docname* in the first section that has it."""
        for _section, page in self.pages():
            if page.docname == docname:
                return page
        return None

    def sections_of(self, docname: str) -> list[str]:
        return [section.name for section in self.sections if section.page(docname)]

    def with_nav(self, nav: dict[str, tuple[NavEntry, ...]]) -> Manifest:
        """A copy whose sections without a navigation take theirs from *nav*."""
        sections = tuple(
            section if section.nav or section.name not in nav
            else dataclasses.replace(section, nav=nav[section.name])
            for section in self.sections
        )
        return dataclasses.replace(self, sections=sections)


def normalise_url(url: str) -> str:
    """Site-relative form of a URL: no leading slash, no fragment."""
    return url.split("#", 1)[0].lstrip("/")


def load_manifest(path: Path) -> Manifest:
    """Read a ``guidebook.json`` file; :class:`ReorgError` when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReorgError(f"{path}: cannot read the manifest: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReorgError(f"{path}: not a JSON file: {exc}") from None
    return parse_manifest(data, str(path))


def parse_manifest(data: Any, origin: str) -> Manifest:
    """Check and convert the JSON value of a manifest; *origin* names it in messages."""
    if not isinstance(data, dict) or not isinstance(data.get("guides"), list):
        raise ReorgError(f"{origin}: not a guidebook manifest (no \"guides\" list)")
    sections = []
    for key in ("guides", "parts"):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise ReorgError(f"{origin}: \"{key}\" must be a list")
        for index, entry in enumerate(entries):
            sections.append(_section(entry, f"{origin}: {key}[{index}]", key))
    redirects = []
    entries = data.get("redirects", [])
    if not isinstance(entries, list):
        raise ReorgError(f"{origin}: \"redirects\" must be a list")
    for index, entry in enumerate(entries):
        where = f"{origin}: redirects[{index}]"
        redirects.append(Redirect(
            source=normalise_url(_text(entry, "from", where)),
            target=normalise_url(_text(entry, "to", where)),
            guide=_optional_text(entry, "guide", where),
        ))
    return Manifest(sections=tuple(sections), redirects=tuple(redirects),
                    languages=_languages(data.get("languages", []), origin))


def _languages(entries: Any, origin: str) -> tuple[Language, ...]:
    if not isinstance(entries, list):
        raise ReorgError(f"{origin}: \"languages\" must be a list")
    languages = []
    for index, entry in enumerate(entries):
        where = f"{origin}: languages[{index}]"
        parts = entry.get("parts", {}) if isinstance(entry, dict) else None
        if not isinstance(parts, dict):
            raise ReorgError(f"{where}: \"parts\" must be an object")
        coverage = []
        for name, counts in parts.items():
            numbers: list[Any] = [counts.get(key) if isinstance(counts, dict) else None
                                   for key in ("translated", "total", "share")]
            if not all(isinstance(number, (int, float)) for number in numbers):
                raise ReorgError(f"{where}.parts[{name!r}]: \"translated\", \"total\" and "
                                 "\"share\" must be numbers")
            coverage.append(PartCoverage(str(name), int(numbers[0]), int(numbers[1]),
                                         float(numbers[2]), bool(counts.get("published"))))
        languages.append(Language(
            code=_text(entry, "code", where),
            name=_optional_text(entry, "name", where) or _text(entry, "code", where),
            url=_optional_text(entry, "url", where) or "",
            original=bool(entry.get("original")),
            parts=tuple(coverage),
        ))
    return tuple(languages)


def _section(entry: Any, where: str, key: str) -> Section:
    name = _text(entry, "name", where)
    pages = entry.get("pages")
    if not isinstance(pages, list):
        raise ReorgError(f"{where}: \"pages\" must be a list")
    parsed = []
    for index, page in enumerate(pages):
        at = f"{where}.pages[{index}]"
        audiences = page.get("audiences", [name]) if isinstance(page, dict) else None
        if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
            raise ReorgError(f"{at}: \"audiences\" must be a list of names")
        docname = _text(page, "docname", at)
        parsed.append(Page(
            docname=docname,
            source=_optional_text(page, "source", at) or docname,
            title=_optional_text(page, "title", at) or docname,
            url=normalise_url(_text(page, "url", at)),
            audiences=tuple(audiences),
            page_type=_optional_text(page, "page_type", at),
        ))
    nav_data = entry.get("nav", [])
    if not isinstance(nav_data, list):
        raise ReorgError(f"{where}: \"nav\" must be a list")
    nav = []
    for index, item in enumerate(nav_data):
        at = f"{where}.nav[{index}]"
        depth = item.get("depth", 0) if isinstance(item, dict) else None
        if not isinstance(depth, int):
            raise ReorgError(f"{at}: \"depth\" must be a number")
        nav.append(NavEntry(_text(item, "docname", at), depth))
    return Section(
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
        raise ReorgError(f"{where}: \"{key}\" must be a non-empty string")
    return value


def _optional_text(entry: Any, key: str, where: str) -> str | None:
    value = entry.get(key) if isinstance(entry, dict) else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReorgError(f"{where}: \"{key}\" must be a string")
    return value
