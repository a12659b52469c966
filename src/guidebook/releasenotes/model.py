"""Release notes as guidebook sees them: releases, series, notes and their audiences.

Pure data and functions (no Sphinx, no git): :mod:`guidebook.releasenotes.loading` fills
these from reno, the directives render them.

A note's audiences come from its section (``guidebook_releasenotes_routing``) and may be
changed by a YAML comment in the note itself, which reno never sees (so ``reno lint`` stays
clean)::

    # audience: operator, admin        every section of this note goes to exactly these
    # audience: +contributor -user     add to or remove from each section's routing
    # audience[upgrade]: +user         the same, for one section only
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence

from guidebook.config import ALL_GUIDES
from guidebook.located import SourceProblem

#: The slug of the series page that holds the notes of no release yet.
UNRELEASED_SLUG = "unreleased"

_OVERRIDE = re.compile(
    r"^#\s*audience(?:\[(?P<section>[^\]]*)\])?\s*:(?P<value>.*)$", re.IGNORECASE
)
_NAME = re.compile(r"[A-Za-z0-9*][A-Za-z0-9_-]*\Z")
_SEPARATORS = re.compile(r"[\s,]+")
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclasses.dataclass(frozen=True)
class SectionSpec:
    """A reno section: its key in note files and its heading."""

    name: str
    title: str
    prelude: bool = False


@dataclasses.dataclass(frozen=True)
class NoteItem:
    """One entry of one section of a note (reStructuredText) and the guides it is for."""

    section: str
    text: str
    audiences: tuple[str, ...]
    label: str
    line: int


@dataclasses.dataclass(frozen=True)
class Note:
    """One note file as reno returned it for one release."""

    path: str
    name: str
    items: tuple[NoteItem, ...]


@dataclasses.dataclass(frozen=True)
class Release:
    """A released version (a git tag), or the notes that no release holds yet."""

    version: str
    title: str
    date: str | None
    released: bool
    notes: tuple[Note, ...]

    def items(self, section: str) -> list[NoteItem]:
        return [item for note in self.notes for item in note.items if item.section == section]


@dataclasses.dataclass(frozen=True)
class Series:
    """The releases that share a series page (e.g. 2.0.0 and 2.0.1 in the 2.0 series)."""

    slug: str
    title: str
    releases: tuple[Release, ...]


@dataclasses.dataclass(frozen=True)
class ReleaseNotes:
    """Everything the release notes pages and the What's new pages show."""

    series: tuple[Series, ...] = ()
    sections: tuple[SectionSpec, ...] = ()
    problems: tuple[SourceProblem, ...] = ()

    @property
    def releases(self) -> list[Release]:
        """Every release, newest first."""
        return [release for series in self.series for release in series.releases]

    def fingerprint(self) -> str:
        """A digest of everything shown, to tell whether pages must be read again."""
        return hashlib.sha256(repr((self.series, self.sections)).encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class AudienceOverride:
    """One ``# audience:`` comment of a note."""

    line: int
    section: str | None
    replace: tuple[str, ...] | None
    add: tuple[str, ...]
    remove: tuple[str, ...]


def routed_audiences(
    section: str, routing: Mapping[str, Sequence[str]], guides: Sequence[str]
) -> tuple[str, ...]:
    """The guides that see *section* by default.

    A section missing from the routing uses the routing of its reno parent section
    (``features_api`` falls back to ``features``), else it reaches every guide.
    """
    key = section
    while key not in routing and "_" in key:
        key = key.rsplit("_", 1)[0]
    names = routing.get(key, [ALL_GUIDES])
    return _in_guide_order(_expand(names, guides), guides)


def parse_overrides(text: str) -> tuple[list[AudienceOverride], list[tuple[int, str]]]:
    """The ``# audience:`` comments of a note's source, and (line, message) for bad ones."""
    overrides: list[AudienceOverride] = []
    errors: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _OVERRIDE.match(raw.strip())
        if not match:
            continue
        section = match.group("section")
        if section is not None:
            section = section.strip()
            if not section:
                errors.append((number, "audience comment: empty section name in '[]'"))
                continue
        replace: list[str] = []
        add: list[str] = []
        remove: list[str] = []
        bad = False
        for token in _SEPARATORS.split(match.group("value").strip()):
            if not token:
                continue
            target = replace
            if token[0] in "+-":
                target = add if token[0] == "+" else remove
                token = token[1:]
            if not _NAME.match(token):
                errors.append((number, f"audience comment: invalid audience name {token!r}"))
                bad = True
                break
            target.append(token)
        if bad:
            continue
        if not (replace or add or remove):
            errors.append((number, "audience comment: no audience given"))
            continue
        overrides.append(AudienceOverride(
            line=number,
            section=section,
            replace=tuple(replace) if replace else None,
            add=tuple(add),
            remove=tuple(remove),
        ))
    return overrides, errors


def override_names(override: AudienceOverride) -> list[str]:
    """Every audience name an override mentions."""
    return [*(override.replace or ()), *override.add, *override.remove]


def apply_overrides(
    section: str,
    base: Sequence[str],
    overrides: Iterable[AudienceOverride],
    guides: Sequence[str],
) -> tuple[str, ...]:
    """*base* changed by the note's overrides: note-wide ones first, then the section's."""
    ordered = sorted(overrides, key=lambda override: (override.section is not None, override.line))
    names = set(base)
    for override in ordered:
        if override.section is not None and override.section != section:
            continue
        if override.replace is not None:
            names = set(_expand(override.replace, guides))
        names |= set(_expand(override.add, guides))
        names -= set(_expand(override.remove, guides))
    return _in_guide_order(names, guides)


def series_key(version: str, parts: int) -> str:
    """The series of a released version: its first *parts* dot-separated parts."""
    return ".".join(version.split(".")[: max(parts, 1)])


def series_slug(key: str) -> str:
    return _SLUG.sub("-", key).strip("-") or "series"


def item_label(note_name: str, section: str, index: int) -> str:
    """The cross-reference label of a note's *index*-th entry (0-based) in *section*."""
    label = f"relnote-{note_name}-{section}"
    return (label if index == 0 else f"{label}-{index + 1}").lower()


def _expand(names: Iterable[str], guides: Sequence[str]) -> list[str]:
    result: list[str] = []
    for name in names:
        result.extend(guides if name == ALL_GUIDES else [name])
    return result


def _in_guide_order(names: Iterable[str], guides: Sequence[str]) -> tuple[str, ...]:
    wanted = set(names)
    return tuple(guide for guide in guides if guide in wanted)
