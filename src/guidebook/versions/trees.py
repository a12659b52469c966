"""The tree each version is built from, kept beside the output, and whether it changed.

Versions are built one after another in one *work slot* under ``.<OUT>.versions/_work/``:
a git worktree (detached, so any branch may be named, even the one checked out; never
the reviewer's checkout) and the site Sphinx builds there, with its saved environment.
Moving the worktree to the next version's commit with ``git checkout`` rewrites only the
files that differ, so Sphinx reads and writes again only the pages that differ from the
version built before: versions that share most pages cost little more than one. reno
scans the version's own history in the worktree. Each version's finished site is then
mirrored into ``.<OUT>.versions/<name>/site``, from which the versioned site is assembled.

A version is not built again when its *key* is the one its last successful build
recorded: the git trees of its sources and release notes, the tags its history holds
(reno names releases by them), the options, and the guidebook code itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import guidebook
from guidebook.git import git
from guidebook.reorg import ReorgError
from guidebook.reorg.snapshot import Repository
from guidebook.versions.spec import VersionSpec

STATE_NAME = "state.json"


def cache_dir(out: Path) -> Path:
    """Where the versions' trees and sites live between builds: beside OUT, hidden."""
    return out.parent / f".{out.name}.versions"


#: The work slot's folder: not a version name (those start with a letter or digit).
WORK = "_work"


@dataclasses.dataclass(frozen=True)
class VersionPlace:
    """A folder of the cache: the work slot (tree and site) or one version (its site)."""

    root: Path

    @property
    def tree(self) -> Path:
        return self.root / "tree"

    @property
    def site(self) -> Path:
        return self.root / "site"


def place_of(out: Path, name: str) -> VersionPlace:
    return VersionPlace(cache_dir(out) / name)


def work_slot(out: Path) -> VersionPlace:
    return VersionPlace(cache_dir(out) / WORK)


@dataclasses.dataclass
class BuildState:
    """What the last build of each version recorded: its key and the commit it built."""

    path: Path
    versions: dict[str, dict[str, str]]

    @classmethod
    def load(cls, out: Path) -> BuildState:
        path = cache_dir(out) / STATE_NAME
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        versions = data.get("versions", {}) if isinstance(data, dict) else {}
        return cls(path, versions if isinstance(versions, dict) else {})

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"versions": self.versions}, indent=2, sort_keys=True) + "\n",
                       encoding="utf-8")
        os.replace(tmp, self.path)


def version_key(repo: Repository, version: VersionSpec, relnotes_dir: str,
                options: dict[str, object]) -> str:
    """The fingerprint of everything a version's build reads."""
    source_tree = _tree_id(repo, version.commit, str(repo.source))
    notes_tree = _tree_id(repo, version.commit, relnotes_dir)
    tags = repo.git("tag", "--merged", version.commit, "--format=%(refname) %(objectname)",
                    check=False)
    parts = {
        "sources": source_tree,
        "releasenotes": notes_tree,
        "tags": hashlib.sha256(tags.encode()).hexdigest(),
        "options": options,
        "guidebook": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _tree_id(repo: Repository, commit: str, path: str) -> str:
    spec = f"{commit}:{path}" if path not in ("", ".") else f"{commit}^{{tree}}"
    return repo.git("rev-parse", "--verify", "--quiet", spec, check=False).strip()


_CODE_FINGERPRINT: list[str] = []


def code_fingerprint() -> str:
    """A hash of guidebook's own files: a new guidebook builds every version again."""
    if not _CODE_FINGERPRINT:
        package = Path(guidebook.__file__).parent
        digest = hashlib.sha256(guidebook.__version__.encode())
        for path in sorted(package.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".css", ".js", ".conf"):
                digest.update(path.relative_to(package).as_posix().encode())
                digest.update(path.read_bytes())
        _CODE_FINGERPRINT.append(digest.hexdigest())
    return _CODE_FINGERPRINT[0]


def check_out(repo: Repository, place: VersionPlace, commit: str) -> Path:
    """Put the version's worktree at *commit*; return the tree's source directory."""
    tree = place.tree
    if _is_worktree(tree):
        _git_in(tree, "checkout", "--detach", "--force", "--quiet", commit)
    else:
        if tree.exists():
            shutil.rmtree(tree)
        repo.git("worktree", "prune", check=False)
        tree.parent.mkdir(parents=True, exist_ok=True)
        repo.git("worktree", "add", "--detach", "--force", "--quiet", str(tree), commit)
    return tree / repo.source


def discard_changes(place: VersionPlace) -> None:
    """Put the worktree's files back as its commit has them (undo an applied plan)."""
    _git_in(place.tree, "checkout", "--force", "--quiet", "--", ".")


def _is_worktree(tree: Path) -> bool:
    if not (tree / ".git").is_file():
        return False
    try:
        top = _git_in(tree, "rev-parse", "--show-toplevel").strip()
    except ReorgError:
        return False
    return Path(top).resolve() == tree.resolve()


def _git_in(tree: Path, *args: str) -> str:
    return git(tree, *args)
