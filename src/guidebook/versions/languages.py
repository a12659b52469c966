"""The version switcher of a translated page: the same page, in the same language, elsewhere.

A translated site publishes each language in ``<version>/<lang>/`` of each version, with the
language's own manifest (``<version>/<lang>/guidebook.json``). A page read in language L
leads, in each other version:

1. when that version has L: to the page's counterpart in L (found as for the original,
   :class:`~guidebook.versions.links.VersionLinks` over L's manifests), else to the root of
   its guide in L, else to L's portal;
2. when that version has no L (an old version, translated later) or its L leaves the
   guide out (below the threshold): to the page's counterpart in the original language,
   and the switcher says so (:data:`ORIGINAL`).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Sequence

from guidebook.manifest import MANIFEST_NAME, Manifest, ManifestError, load_manifest
from guidebook.versions.links import MISSING, PublishedVersion, Renames, Target, VersionLinks

#: How a target was found: the version lacks the reader's language, the link goes to the
#: page in the original language.
ORIGINAL = "original"


@dataclasses.dataclass(frozen=True)
class LanguageVersions:
    """One language across the versions: each version's site in that language."""

    code: str
    #: version name -> that version's site in this language (only versions that have it)
    sites: dict[str, PublishedVersion]
    links: VersionLinks

    def portal(self, version: PublishedVersion) -> str:
        """The URL (from the version's root) of the version's portal in this language, or of
        its original portal when it lacks the language."""
        if version.name in self.sites:
            return f"{self.code}/index.html"
        return "index.html"


def language_versions(versions: Sequence[PublishedVersion],
                      renames: Renames) -> dict[str, LanguageVersions]:
    """Every translation any version has: code -> its versions."""
    found: dict[str, dict[str, PublishedVersion]] = {}
    for version in versions:
        for language in version.manifest.languages:
            if language.original:
                continue
            manifest = _language_manifest(version, language.code)
            if manifest is None:
                continue
            found.setdefault(language.code, {})[version.name] = dataclasses.replace(
                version, manifest=manifest, site=version.site / language.code)
    return {
        code: LanguageVersions(code, sites, VersionLinks(list(sites.values()), renames))
        for code, sites in found.items()
    }


def _language_manifest(version: PublishedVersion, code: str) -> Manifest | None:
    path = version.site / code / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        manifest = load_manifest(path)
    except ManifestError:
        return None
    return manifest if manifest.language is not None else None


def split_language(relative: str, languages: dict[str, LanguageVersions],
                   version: PublishedVersion) -> tuple[LanguageVersions | None, str]:
    """The language of the file at *relative* (from the version's root) and its path from
    that language's root; (None, *relative*) for a file of the original."""
    code, _, rest = relative.partition("/")
    language = languages.get(code)
    if rest and language is not None and version.name in language.sites:
        return language, rest
    return None, relative


def language_targets(inner: str, version: PublishedVersion,
                     versions: Sequence[PublishedVersion], language: LanguageVersions,
                     links: VersionLinks) -> dict[str, Target]:
    """Where the page at *inner* (from the language's root) of *version* in *language*
    leads in each other version, as URLs from that version's root."""
    here = language.sites[version.name]
    found = language.links.page_at(here, inner)
    original_found = links.page_at(version, inner)
    targets: dict[str, Target] = {}
    for other in versions:
        if other is version:
            continue
        there = language.sites.get(other.name)
        target: Target | None = None
        if there is not None:
            if found is not None:
                target = language.links.target(here, found[0], found[1], there)
            elif (there.site / inner).is_file():
                target = Target(inner, "", "same")
            if target is not None and target.how != MISSING:
                targets[other.name] = dataclasses.replace(
                    target, url=posixpath.join(language.code, target.url))
                continue
        # The version lacks the language (or this page's guide in it): the original's page.
        if original_found is not None:
            original = links.target(version, original_found[0], original_found[1], other)
        elif (other.site / inner).is_file():
            original = Target(inner, "", "same")
        else:
            original = links.fallback("", other)
        if original.how == MISSING and target is not None:
            # Neither has the page: the guide's root in the reader's language.
            targets[other.name] = dataclasses.replace(
                target, url=posixpath.join(language.code, target.url))
        elif original.how == MISSING:
            targets[other.name] = original  # not in that version at all: its guide's root
        else:
            targets[other.name] = dataclasses.replace(original, how=ORIGINAL)
    return targets
