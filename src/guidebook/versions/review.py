"""``guidebook diff --versions OLD NEW``: what changed for readers between two versions.

The two versions are named as in ``guidebook_versions``. With ``--site OUT`` the
comparison reads the manifests a ``guidebook build --versions`` published in
``OUT/<name>/guidebook.json`` (no build; moves come from git's renames between the
commits recorded in ``OUT/versions.json``, else from identical titles); without it, both
versions' commits are built afresh, as ``guidebook diff`` builds two revisions.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from guidebook.manifest import MANIFEST_NAME
from guidebook.reorg import ReorgError
from guidebook.reorg.diff import SiteDiff, compare, review
from guidebook.reorg.snapshot import find_repository, git_renames, snapshot_of_manifest
from guidebook.versions.assemble import VERSIONS_NAME
from guidebook.versions.spec import VersionsError, VersionSpec, read_versions


def review_versions(source: Path, old: str, new: str, site: Path | None) -> SiteDiff:
    """Compare version *old* with version *new* of the site whose sources are *source*."""
    repo = find_repository(source)
    try:
        spec = read_versions(source, repo)
    except VersionsError as exc:
        raise ReorgError(str(exc)) from None
    names = ", ".join(version.name for version in spec.versions)
    for name in (old, new):
        if spec.get(name) is None:
            raise ReorgError(f"{spec.conf}: no version {name!r} in guidebook_versions "
                             f"(the versions: {names})")
    if site is None:
        diff = review(source, spec.versions_by_name[old].commit,
                      spec.versions_by_name[new].commit)
        return _labelled(diff, spec.versions_by_name[old], spec.versions_by_name[new])
    commits = _published_commits(site)
    sides = []
    for name in (old, new):
        manifest = site / name / MANIFEST_NAME
        if not manifest.is_file():
            raise ReorgError(f"{manifest}: version {name!r} is not published in {site} "
                             "(build it with 'guidebook build --versions')")
        sides.append(snapshot_of_manifest(manifest))
    renames: list[tuple[str, str, float]] = []
    if old in commits and new in commits:
        renames = git_renames(repo, commits[old], commits[new])
    return _labelled(compare(sides[0], sides[1], renames), spec.versions_by_name[old],
                     spec.versions_by_name[new])


def _labelled(diff: SiteDiff, old: VersionSpec, new: VersionSpec) -> SiteDiff:
    """Name each side by its version (and ref) rather than by commit or file."""
    return dataclasses.replace(
        diff,
        base=dataclasses.replace(diff.base, label=f"{old.name} ({old.ref})"),
        head=dataclasses.replace(diff.head, label=f"{new.name} ({new.ref})"),
    )


def only_guide(diff: SiteDiff, name: str) -> SiteDiff:
    """The comparison of one guide or part: what changed for its readers."""
    known = [part.name for part in diff.parts]
    if name not in known:
        raise ReorgError(f"no guide or part {name!r} on either side (they have: "
                         f"{', '.join(known)})")
    return dataclasses.replace(
        diff,
        parts=[part for part in diff.parts if part.name == name],
        broken=[broken for broken in diff.broken if broken.guide == name],
    )


def _published_commits(site: Path) -> dict[str, str]:
    """Version name -> the commit published, from ``OUT/versions.json`` ({} without it)."""
    try:
        data = json.loads((site / VERSIONS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, list):
        return {}
    return {
        entry["name"]: entry["commit"] for entry in data
        if isinstance(entry, dict) and isinstance(entry.get("name"), str)
        and isinstance(entry.get("commit"), str)
    }
