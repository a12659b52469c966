"""Assemble the built versions into one site, in the staging directory of OUT.

* ``OUT/<version>/``: each version's site, its markers replaced by the switcher (and, in
  every version but the latest, the banner), its ``.htaccess`` and 404 page pointed at
  its folder;
  files without a marker are hard links to the version's built site (no copying);
* ``OUT/latest/``: a copy of the latest version (hard links: no extra disk), its
  ``.htaccess`` rewritten for its own path;
* ``OUT/index.html``: the latest version's portal, listing every version;
* ``OUT/versions.json``: the versions (shape in :func:`versions_document`).

The latest is a copy rather than redirects so that ``/latest/`` URLs work on every static
host (no ``.htaccess`` needed), keep their fragment, and stay ``/latest/`` in the address
bar when a reader shares them; every link is relative and ``latest/`` sits at the same
depth as each version, so the copied pages are the very bytes of the latest version's.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from guidebook.engine.not_found import NOT_FOUND_PAGE
from guidebook.engine.not_found import rebase as rebase_not_found
from guidebook.redirects.output import rebase as rebase_htaccess
from guidebook.versions.languages import LanguageVersions, language_targets, split_language
from guidebook.versions.links import PublishedVersion, Target, VersionLinks, portal_url
from guidebook.versions.marker import PAGE_MARKER, PORTAL_MARKER, VERSION_NAME
from guidebook.versions.render import Choice, banner, portal_list, switcher

LATEST = "latest"
VERSIONS_NAME = "versions.json"
_HTACCESS = ".htaccess"


def assemble(staging: Path, versions: list[PublishedVersion], links: VersionLinks,
             redirect_base: str, languages: dict[str, LanguageVersions] | None = None) -> None:
    """Write the whole versioned site into the empty directory *staging*.

    *languages*: the translations (:func:`~guidebook.versions.languages.language_versions`);
    each version's ``<lang>/`` folder gets switchers that stay in its language.
    """
    languages = languages or {}
    latest = next(version for version in versions if version.latest)
    for version in versions:
        _write_version(staging, version, versions, links, latest, languages)
        for folder in ["", *(f"{code}/" for code, language in sorted(languages.items())
                             if version.name in language.sites)]:
            _rebase_htaccess(staging / version.name / folder / _HTACCESS, redirect_base,
                             f"{redirect_base}{version.name}/")
    shutil.copytree(staging / latest.name, staging / LATEST, symlinks=True,
                    copy_function=os.link)
    for folder in ["", *(f"{code}/" for code, language in sorted(languages.items())
                         if latest.name in language.sites)]:
        _rebase_htaccess(staging / LATEST / folder / _HTACCESS,
                         f"{redirect_base}{latest.name}/", f"{redirect_base}{LATEST}/")
    _write_root_portal(staging, latest)
    (staging / VERSIONS_NAME).write_text(
        json.dumps(versions_document(versions), indent=2) + "\n", encoding="utf-8")


def versions_document(versions: list[PublishedVersion]) -> list[dict[str, Any]]:
    """``versions.json``: one object per version, oldest first.

    ``name`` the display name and folder, ``ref`` the git ref from conf.py, ``commit``
    the commit built, ``url`` the version's folder relative to ``versions.json``,
    ``latest`` true for the one published again under ``latest/``; ``languages`` (a
    translated version only) the codes of its translations, each in ``<url><code>/``.
    """
    return [
        {"name": version.name, "ref": version.ref, "commit": version.commit,
         "url": f"{version.name}/", "latest": version.latest,
         **({"languages": [language.code for language in version.manifest.languages
                           if not language.original]}
            if version.manifest.languages else {})}
        for version in versions
    ]


def _write_version(staging: Path, version: PublishedVersion, versions: list[PublishedVersion],
                   links: VersionLinks, latest: PublishedVersion,
                   languages: dict[str, LanguageVersions]) -> None:
    target_root = staging / version.name
    for directory, dirnames, filenames in os.walk(version.site):
        relative_dir = Path(directory).relative_to(version.site)
        (target_root / relative_dir).mkdir(parents=True, exist_ok=True)
        for name in [*filenames, *(d for d in dirnames if (Path(directory) / d).is_symlink())]:
            origin = Path(directory) / name
            relative = (relative_dir / name).as_posix()
            destination = target_root / relative
            if origin.is_symlink():
                os.symlink(os.readlink(origin), destination)
            elif name.endswith(".html"):
                text = origin.read_text(encoding="utf-8", errors="surrogateescape")
                filled = _fill_markers(text, relative, version, versions, links, latest,
                                       languages)
                if filled == text:
                    _link(origin, destination)
                    continue
                destination.write_text(filled, encoding="utf-8", errors="surrogateescape")
                shutil.copystat(origin, destination)
            else:
                _link(origin, destination)


def _link(origin: Path, destination: Path) -> None:
    """A hard link to the version's built file, else a copy.

    Safe because no one writes these files in place: the version's site is only ever
    updated by replacing files (:func:`guidebook.driver.publish.mirror`), and the next
    assembly writes a new staging directory.
    """
    try:
        os.link(origin, destination)
    except OSError:
        shutil.copy2(origin, destination)


def _fill_markers(text: str, relative: str, version: PublishedVersion,
                  versions: list[PublishedVersion], links: VersionLinks,
                  latest: PublishedVersion, languages: dict[str, LanguageVersions]) -> str:
    page_path = f"{version.name}/{relative}"
    text = text.replace(VERSION_NAME, escape(version.name))
    language, inner = split_language(relative, languages, version)
    if PAGE_MARKER in text:
        targets = (_targets(relative, version, versions, links) if language is None
                   else language_targets(inner, version, versions, language, links))
        choices = [Choice(other, targets.get(other.name)) for other in versions]
        html = switcher(page_path, version, choices)
        if not version.latest:
            html = banner(page_path, version, latest, targets[latest.name]) + html
        text = text.replace(PAGE_MARKER, html, 1)
    if PORTAL_MARKER in text:
        portal = portal_url if language is None else language.portal
        text = text.replace(PORTAL_MARKER, portal_list(page_path, versions, version, portal), 1)
    return text


def _targets(relative: str, version: PublishedVersion, versions: list[PublishedVersion],
             links: VersionLinks) -> dict[str, Target]:
    """Where this file of *version* leads in each other version."""
    found = links.page_at(version, relative)
    targets: dict[str, Target] = {}
    for other in versions:
        if other is version:
            continue
        if found is not None:
            targets[other.name] = links.target(version, found[0], found[1], other)
        elif (other.site / relative).is_file():
            # A page the manifest does not list (a guide's search or general index).
            targets[other.name] = Target(relative, "", "same")
        else:
            targets[other.name] = Target(portal_url(other), "", "missing")
    return targets


def _rebase_htaccess(path: Path, old_base: str, new_base: str) -> None:
    """Point the redirects and the not-found page at the folder they are published in
    (replacing the files, which may be hard links)."""
    _rewrite(path, lambda text: rebase_htaccess(text, old_base, new_base))
    _rewrite(path.with_name(f"{NOT_FOUND_PAGE}.html"),
             lambda text: rebase_not_found(text, old_base, new_base))


def _rewrite(path: Path, change: Callable[[str], str]) -> None:
    if not path.is_file():
        return
    text = change(path.read_text(encoding="utf-8"))
    path.unlink()
    path.write_text(text, encoding="utf-8")


def _write_root_portal(staging: Path, latest: PublishedVersion) -> None:
    """``OUT/index.html``: the latest's portal, its relative links based in ``latest/``."""
    portal = portal_url(latest)
    if not portal:
        return
    text = (staging / LATEST / portal).read_text(encoding="utf-8")
    base = f'<base href="{LATEST}/{os.path.dirname(portal)}">'.replace("//", "/")
    head = text.find("<head>")
    if head >= 0:
        text = text[: head + len("<head>")] + f"\n  {base}" + text[head + len("<head>"):]
    (staging / "index.html").write_text(text, encoding="utf-8")
