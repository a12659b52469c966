"""The versions of the site: ``guidebook_versions`` and friends, read from conf.py and checked.

Every problem is a :class:`VersionsError` whose message starts with ``conf.py:<line>``,
the line that names the offending version (or the setting itself).
"""

from __future__ import annotations

import ast
import dataclasses
import fnmatch
import re
from collections.abc import Mapping
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util.tags import Tags

from guidebook.config import conf_line
from guidebook.reorg.snapshot import Repository
from guidebook.versions.adopt import adoption_plan

#: A version name is one URL path segment: it becomes the folder ``OUT/<name>/``.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
#: Names the versioned site uses for itself at the top of OUT.
RESERVED_NAMES = frozenset({"latest", "index.html", "versions.json", "guidebook.json",
                            "_static", ".htaccess"})


class VersionsError(Exception):
    """Bad versions configuration or a ref that does not exist (exit status 2)."""


@dataclasses.dataclass(frozen=True)
class VersionSpec:
    """One version: its display name, the ref it is built from and that ref's commit."""

    name: str
    ref: str
    commit: str
    latest: bool = False


@dataclasses.dataclass(frozen=True)
class VersionSet:
    """The versions in order (oldest first) and where they were configured."""

    versions: tuple[VersionSpec, ...]
    conf: Path
    #: ``guidebook_redirect_base`` of the checkout's conf.py: where OUT is published.
    redirect_base: str = "/"
    #: ``guidebook_releasenotes_dir`` of the checkout's conf.py.
    releasenotes_dir: str = "releasenotes"
    #: The guidebook settings of the checkout's conf.py: the adoption plan a version
    #: from before the adoption is built with (:mod:`guidebook.versions.adopt`).
    adoption: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def latest(self) -> VersionSpec:
        return next(version for version in self.versions if version.latest)

    def get(self, name: str) -> VersionSpec | None:
        return self.versions_by_name.get(name)

    @property
    def versions_by_name(self) -> dict[str, VersionSpec]:
        return {version.name: version for version in self.versions}


class _Locator:
    """Points a message at the conf.py line that caused it (:func:`conf_line`)."""

    def __init__(self, conf: Path) -> None:
        self.conf = conf
        try:
            self.lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            self.lines = []

    def line_of(self, *words: str) -> int:
        """The last line quoting the first of *words* found, else the setting's line."""
        return conf_line(self.conf, *words, "guidebook_versions")

    def setting_line(self, setting: str) -> int:
        return conf_line(self.conf, setting)

    def error(self, line: int, message: str) -> VersionsError:
        return VersionsError(f"{self.conf}:{line}: {message}")


def read_versions(source: Path, repo: Repository) -> VersionSet:
    """Read the versions of the site whose sources (and conf.py) are in *source*."""
    conf = source.resolve() / "conf.py"  # Sphinx runs conf.py from its own folder
    where = _Locator(conf)
    namespace = _conf_namespace(conf)
    mapping = namespace.get("guidebook_versions", {})
    patterns = namespace.get("guidebook_versions_match", [])
    latest_name = namespace.get("guidebook_versions_latest", "")
    if not isinstance(mapping, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()
    ):
        raise where.error(where.setting_line("guidebook_versions"),
                          "guidebook_versions must be a dict of version name -> git ref "
                          "(both strings), such as {'2026.1': 'stable/2026.1'}")
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise where.error(where.setting_line("guidebook_versions_match"),
                          "guidebook_versions_match must be a list of ref patterns such as "
                          "['stable/*']")
    if not isinstance(latest_name, str):
        raise where.error(where.setting_line("guidebook_versions_latest"),
                          "guidebook_versions_latest must be a version name (a string)")
    _check_duplicate_keys(where)
    entries = [*_matching_refs(repo, patterns, where), *mapping.items()]
    if not entries:
        raise where.error(where.setting_line("guidebook_versions"),
                          "--versions needs guidebook_versions (name -> git ref) or "
                          "guidebook_versions_match in conf.py")
    seen: dict[str, str] = {}
    resolved: list[tuple[str, str, str]] = []
    for name, ref in entries:
        line = where.line_of(name)
        _check_name(name, line, where)
        folded = name.casefold()
        if folded in seen:
            raise where.error(line, f"version {name!r} is named twice "
                              f"(as {seen[folded]!r} too); each version needs its own name")
        seen[folded] = name
        commit = _commit_of(repo, ref)
        if commit is None:
            raise where.error(where.line_of(ref, name),
                              f"version {name!r}: git ref {ref!r} does not exist in "
                              f"{repo.root} (no such branch, tag or commit)")
        resolved.append((name, ref, commit))
    names = [name for name, _ref, _commit in resolved]
    latest = latest_name or names[-1]
    if latest not in names:
        raise where.error(where.setting_line("guidebook_versions_latest"),
                          f"guidebook_versions_latest {latest!r} is not one of the versions "
                          f"({', '.join(names)})")
    return VersionSet(
        versions=tuple(VersionSpec(name, ref, commit, name == latest)
                       for name, ref, commit in resolved),
        conf=conf,
        redirect_base=str(namespace.get("guidebook_redirect_base", "/")),
        releasenotes_dir=str(namespace.get("guidebook_releasenotes_dir", "releasenotes")),
        adoption=adoption_plan(namespace),
    )


def _conf_namespace(conf: Path) -> dict[str, object]:
    from sphinx.config import eval_config_file

    from guidebook.driver.run import describe_error

    try:
        return eval_config_file(conf, Tags())
    except ConfigError as exc:
        raise VersionsError(describe_error(exc, conf)) from None


def _check_name(name: str, line: int, where: _Locator) -> None:
    if not _SAFE_NAME.match(name) or name in (".", ".."):
        raise where.error(line, f"version name {name!r} is not a safe path segment: it "
                          "becomes the folder OUT/<name>/, so use letters, digits, '.', '_' "
                          "and '-', starting with a letter or digit")
    if name in RESERVED_NAMES:
        raise where.error(line, f"version name {name!r} is reserved: the versioned site "
                          f"uses OUT/{name} itself")


def _check_duplicate_keys(where: _Locator) -> None:
    """A dict literal keeps the last of two equal keys silently: find them in the source."""
    try:
        tree = ast.parse("\n".join(where.lines))
    except SyntaxError:
        return  # conf.py ran, so this cannot happen; Sphinx reports it otherwise
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Dict):
            continue
        if not any(isinstance(t, ast.Name) and t.id == "guidebook_versions"
                   for t in node.targets):
            continue
        keys: set[str] = set()
        for key in node.value.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if key.value in keys:
                    raise where.error(key.lineno, f"version {key.value!r} is named twice in "
                                      "guidebook_versions; each version needs its own name")
                keys.add(key.value)


def _matching_refs(
    repo: Repository, patterns: list[str], where: _Locator
) -> list[tuple[str, str]]:
    """``(name, ref)`` for every branch or tag matching a pattern, oldest version first."""
    if not patterns:
        return []
    listing = repo.git("for-each-ref", "--format=%(refname)",
                       "refs/heads", "refs/tags", "refs/remotes")
    found: dict[str, str] = {}
    for full in listing.split():
        short = _short_ref(full)
        if any(fnmatch.fnmatchcase(short, pattern) for pattern in patterns):
            name = short.rsplit("/", 1)[-1]
            found.setdefault(name, short)
    if not found:
        raise where.error(where.setting_line("guidebook_versions_match"),
                          f"guidebook_versions_match {patterns!r} matches no branch or tag "
                          f"in {repo.root}")
    return sorted(found.items(), key=lambda item: _version_key(item[0]))


def _short_ref(full: str) -> str:
    for prefix in ("refs/heads/", "refs/tags/", "refs/remotes/origin/", "refs/remotes/"):
        if full.startswith(prefix):
            return full[len(prefix):]
    return full


def _version_key(name: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r"[.\-_]", name))


def _commit_of(repo: Repository, ref: str) -> str | None:
    if not ref or ref.startswith("-"):
        return None
    out = repo.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
                   check=False).strip()
    if out:
        return out
    # A branch that exists only as origin/<ref> (a fresh clone has no local stable/*).
    out = repo.git("rev-parse", "--verify", "--quiet", "--end-of-options",
                   f"refs/remotes/origin/{ref}^{{commit}}", check=False).strip()
    return out or None


def branch_of(repo: Repository, ref: str) -> str:
    """*ref* when it names a branch (reno scans it as such), else "" (a tag or a commit).

    ``HEAD`` stands for the checkout's branch: in a clone ``refs/remotes/origin/HEAD``
    exists too, and reno given ``HEAD`` as a branch finds no notes at all.
    """
    if ref == "HEAD":
        ref = repo.git("symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
        if not ref:
            return ""  # a detached checkout: no branch to scan
    for full in (f"refs/heads/{ref}", f"refs/remotes/origin/{ref}"):
        if repo.git("rev-parse", "--verify", "--quiet", full, check=False).strip():
            return ref
    return ""
