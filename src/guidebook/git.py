"""The one seam between guidebook and git: every git command goes through here.

:func:`run` runs a git command and hands back its result, whatever its exit status (the
caller decides what a failure means); :func:`git` returns the output of one that must
succeed, or raises :class:`GitError` with git's own message. :func:`work_tree_root` finds
the work tree holding a folder with the git command; :func:`repository_holding` finds the
repository with dulwich, as reno reads it, so a build needs no git binary to find its
release notes. :func:`last_commit_dates` answers ``git log -n1 -- <file>`` for many files
from one walk of the history.
"""

from __future__ import annotations

import heapq
import os
import posixpath
import subprocess
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guidebook.reorg import ReorgError


class GitError(ReorgError):
    """git could not be run, or a command that had to succeed failed."""


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``git *args`` in *cwd*, its output captured; :class:`GitError` if git cannot run."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """The output of ``git *args`` in *cwd*; :class:`GitError` with git's own message when
    *check* and it fails (with *check* false, a failure's output, usually empty)."""
    result = run(cwd, *args)
    if check and result.returncode != 0:
        message = result.stderr.strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else result.returncode}")
    return result.stdout


def work_tree_root(folder: Path) -> Path | None:
    """The top of the git work tree holding *folder* (None: none does, or no git)."""
    try:
        result = run(folder, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    top = result.stdout.strip()
    return Path(top) if result.returncode == 0 and top else None


def repository_holding(folder: Path) -> Path | None:
    """The repository holding *folder* as dulwich (and so reno) finds it (None: none)."""
    from dulwich.errors import NotGitRepository
    from dulwich.repo import Repo

    try:
        repo = Repo.discover(str(folder))
    except NotGitRepository:
        return None
    try:
        return Path(repo.path).resolve()
    finally:
        repo.close()


def references_and_index(root: Path) -> tuple[dict[bytes, bytes], Path] | None:
    """Every reference of the repository at *root* (``HEAD``, branches, tags) with its
    commit, and the path of its index, read with dulwich (None: no repository there)."""
    from dulwich.errors import NotGitRepository
    from dulwich.repo import Repo

    try:
        with Repo(str(root)) as repo:
            refs = {bytes(name): bytes(sha) for name, sha in repo.get_refs().items()}
            return refs, Path(repo.index_path())
    except (NotGitRepository, OSError, KeyError, ValueError):
        return None


#: How many of the trees read last dulwich keeps parsed in the process reading the notes.
HISTORY_KEPT_TREES = 32


def keep_parsed_objects(trees: int = HISTORY_KEPT_TREES) -> None:
    """From now on in this process, dulwich parses each commit once per repository, and
    keeps the last *trees* trees it read parsed.

    reno walks the history of the branch several times (its tags, the base of each earlier
    branch, the notes), and dulwich reads and parses every commit from the pack again on
    each walk: on placement's tree 55,000 object reads of a few thousand commits. Git
    objects are named by their content, so the commit parsed first is the commit read
    again; kept per repository, they cut reno's reading from 3.2 to 1.4 s of CPU time on
    placement's tree, 4.2 to 1.9 s on keystone's, 11.4 to 9.3 s on ironic's.

    For each commit that may change the notes, reno reads its tree and its parents' three
    or four times (the top tree, the path down to the notes folder, the two notes folders
    to compare), and the parent's trees are the next commit's own. Keeping every tree
    saved ironic another 4 s but doubled the reading process's memory (162 to 313 MB);
    the last 32 read make ironic's 6,140 tree reads 1,889 for 11 MB more. With
    :func:`provide_parents_once`, the reader's CPU time went from 6.3 to 4.3 s on ironic,
    1.9 to 1.35 on keystone, 1.45 to 1.05 on placement. Only in the process that reads
    the notes (``releasenotes/scan_cache.py``), which ends with it.
    """
    from dulwich.object_store import BaseObjectStore
    from dulwich.objects import Commit, Tree

    read = BaseObjectStore.__getitem__
    if getattr(read, "guidebook_keeps", False):
        return
    # Per objects folder: reno opens the repository twice (its scanner, guidebook's note
    # reader), and both read the commits and trees of every note.
    kept: dict[Any, tuple[dict[bytes, Any], OrderedDict[bytes, Any]]] = {}

    def read_once(store: BaseObjectStore, sha: Any) -> Any:
        commits, last_trees = kept.setdefault(getattr(store, "path", None) or store,
                                              ({}, OrderedDict()))
        found = commits.get(sha)
        if found is not None:
            return found
        found = last_trees.get(sha)
        if found is not None:
            last_trees.move_to_end(sha)
            return found
        found = read(store, sha)
        if isinstance(found, Commit):
            commits[sha] = found
        elif isinstance(found, Tree) and trees > 0:
            last_trees[sha] = found
            if len(last_trees) > trees:
                last_trees.popitem(last=False)
        return found

    read_once.guidebook_keeps = True  # type: ignore[attr-defined]
    BaseObjectStore.__getitem__ = read_once  # type: ignore[method-assign]


def provide_parents_once() -> None:
    """From now on in this process, each dulwich repository makes one parents provider.

    dulwich makes a new one for every commit it walks past, reading the repository's
    ``shallow`` file and looking for a commit graph each time: on ironic's tree, 46,000
    times in reno's walks (0.3 to 0.6 s of CPU time). Neither changes while the notes are
    read. Only in the process that reads the notes (``releasenotes/scan_cache.py``).
    """
    from dulwich.repo import BaseRepo

    provide = BaseRepo.parents_provider
    if getattr(provide, "guidebook_keeps", False):
        return
    provided: weakref.WeakKeyDictionary[BaseRepo, Any] = weakref.WeakKeyDictionary()

    def provide_once(repo: BaseRepo) -> Any:
        found = provided.get(repo)
        if found is None:
            found = provided[repo] = provide(repo)
        return found

    provide_once.guidebook_keeps = True  # type: ignore[attr-defined]
    BaseRepo.parents_provider = provide_once  # type: ignore[method-assign,assignment]


#: The delta base cache of each pack dulwich opens in the process reading the notes.
HISTORY_DELTA_CACHE_BYTES = 2 * 1024 * 1024


def bound_delta_cache(limit: int = HISTORY_DELTA_CACHE_BYTES) -> None:
    """From now on in this process, each pack dulwich opens keeps at most *limit* bytes
    of resolved delta bases (where the repository's ``core.deltaBaseCacheLimit`` does not
    say otherwise).

    dulwich keeps up to 96 MiB per pack (git's default for a checkout's working set); reno
    resolves each tree once or twice, walking the history, so the cache mostly grows: on
    ironic's tree it made the reading process 116 MB larger at its peak, the largest
    process of the whole build (issue 28). With 2 MiB, 70 MB larger, in the same CPU time.
    Only in the process that reads the notes (``releasenotes/scan_cache.py``).
    """
    from dulwich import pack

    pack.DEFAULT_DELTA_BASE_CACHE_LIMIT = limit


#: A file's entry in a commit: ``(mode, blob)``, or :data:`_ABSENT` when not there.
_ABSENT = ("000000", "0" * 40)


@dataclass(frozen=True)
class _Commit:
    """One commit of the walk: what ``git log -- <file>`` needs to replay itself."""

    parents: tuple[str, ...]
    committed: int  # committer timestamp: the order git walks in
    date: str  # the author date in the caller's format (``%ad``)
    changed: dict[str, tuple[str, str]]  # path -> entry, against the first parent


def last_commit_dates(cwd: Path, paths: Iterable[str], date_format: str,
                      ) -> dict[str, str | None]:
    """For each of *paths* (relative to *cwd*), what ``git log -n1 --format=%ad
    --date=format:<date_format> -- <path>`` prints in *cwd* (None: nothing), from ONE
    walk of the history of the folders holding them instead of one per path.

    ``git log -- <path>`` simplifies the history for that one path: at a merge whose
    file is the same as in one parent it follows the first such parent only, and it
    shows a merge whose file differs from every parent. A walk of a whole folder
    simplifies for the folder, and may reach commits the per-file walk never sees (a
    change reverted on a merged branch), so the walk here keeps every commit with its
    parents, commit time and first-parent changes (``--full-history --sparse``), and
    replays git's per-file walk for every path at once (:class:`_Replay`). A path this
    cannot answer (outside the work tree, at its top) is left out, and so is every path
    when git cannot run, there is no commit, a parent is missing from the walk, or the
    repository's settings change what ``git log`` prints (:func:`_log_follows_or_signs`).
    """
    try:
        prefix = run(cwd, "rev-parse", "--show-prefix")
    except GitError:
        return {}
    if prefix.returncode != 0 or _log_follows_or_signs(cwd):
        return {}
    in_repository: dict[str, str] = {}
    for path in paths:
        inside = posixpath.normpath(posixpath.join(prefix.stdout.strip(), path))
        if not Path(path).is_absolute() and not inside.startswith("../") \
                and "/" in inside:
            in_repository[path] = inside
    folders = sorted({posixpath.dirname(inside) for inside in in_repository.values()})
    walked = [posixpath.relpath(folder, prefix.stdout.strip() or ".") for folder in folders
              if not any(folder.startswith(other + "/") for other in folders)]
    if not walked:
        return {}
    log = _output(cwd, "--literal-pathspecs", "log", "-z", "--full-history", "--sparse",
                  "--diff-merges=first-parent", "--raw", "--no-abbrev", "--root",
                  "--no-renames", "--no-relative", "--format=/%H%x1f%P%x1f%ct%x1f%ad",
                  f"--date=format:{date_format}", "--", *walked)
    if log is None:
        return {}
    commits = _commits(log, set(in_repository.values()))
    if not all(parent in commits for commit in commits.values() for parent in commit.parents):
        return {}
    answers = _Replay(commits).answers(set(in_repository.values()))
    return {path: answers[inside] for path, inside in in_repository.items()
            if inside in answers}


def _log_follows_or_signs(cwd: Path) -> bool:
    """Whether git's settings make ``git log -- <file>`` follow renames (``log.follow``:
    no history simplification, no merges shown) or show signatures (lines before the
    date): the walk would not answer as that command does."""
    settings = run(cwd, "config", "--type=bool", "--get-regexp",
                   r"^log\.(follow|showsignature)$")
    return "true" in settings.stdout.split()


def _output(cwd: Path, *args: str) -> str | None:
    """The output of ``git *args`` in *cwd*, file names as Python names files (None: git
    cannot run, or failed). One pipe: a long output is read in one go."""
    try:
        result = subprocess.run(["git", *args], cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, check=False)
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return os.fsdecode(result.stdout)


def _commits(log: str, wanted: set[str]) -> dict[str, _Commit]:
    """The commits of a ``log -z --raw`` walk in :func:`last_commit_dates`' format, each
    with its changes to the *wanted* paths; the first is HEAD (insertion order)."""
    commits: dict[str, _Commit] = {}
    changed: dict[str, tuple[str, str]] = {}
    entry: tuple[str, str] | None = None
    for token in log.split("\0"):
        if entry is not None:  # the path of a raw line
            if token in wanted:
                changed[token] = entry
            entry = None
            continue
        token = token.removeprefix("\n")
        if token.startswith("/"):
            sha, parents, committed, date = token[1:].split("\x1f", 3)
            changed = {}
            commits[sha] = _Commit(tuple(parents.split()), int(committed), date, changed)
        elif token.startswith(":"):  # :old_mode new_mode old_blob new_blob status
            fields = token[1:].split()
            entry = _ABSENT if fields[4] == "D" else (fields[1], fields[3])
    return commits


class _Replay:
    """git's own walk of ``git log -n1 -- <path>`` (``revision.c``), for many paths
    at once over one walk's commits.

    From HEAD, git takes the newest commit (by commit time, first queued first among
    equals) of its queue, puts its parents in, and shows it if it changed the path: a
    commit against its parent, a root commit when it has the path; a merge whose entry
    for the path equals a parent's follows the first such parent only and is not shown,
    one differing from every parent is. Paths walk together until a merge sends some of
    them down another parent, where a copy of the walk goes on with those.
    """

    def __init__(self, commits: dict[str, _Commit]) -> None:
        self._commits = commits
        self._entries: dict[tuple[str, str], tuple[str, str]] = {}
        self._order = 0

    def answers(self, paths: set[str]) -> dict[str, str | None]:
        """Each path's last commit date (None: none), without the paths it cannot tell."""
        found: dict[str, str | None] = {}
        head = next(iter(self._commits), None)
        if head is None:
            return found
        walks = [(set(paths), [self._queued(head)], {head})]
        while walks:
            pending, queue, seen = walks.pop()
            while pending and queue:
                commit = self._commits[heapq.heappop(queue)[2]]
                shown = pending.intersection(commit.changed)
                for parent, down in self._sides(commit, shown).items():
                    pending -= down
                    walks.append((down, list(queue), set(seen)))
                    self._follow(parent, walks[-1][1], walks[-1][2])
                    shown -= down
                for path in shown:
                    found[path] = commit.date
                pending -= shown
                if commit.parents:
                    self._follow(commit.parents[0], queue, seen)
            for path in pending if not queue else ():
                found[path] = None  # the whole history, never changed: git prints nothing
        return found

    def _sides(self, commit: _Commit, changed: set[str]) -> dict[str, set[str]]:
        """The paths a merge *changed* against its first parent that are the same as in
        a later parent, by the first such parent."""
        sides: dict[str, set[str]] = {}
        for path in changed:
            for parent in commit.parents[1:]:
                if self._entry(path, parent) == commit.changed[path]:
                    sides.setdefault(parent, set()).add(path)
                    break
        return sides

    def _entry(self, path: str, sha: str) -> tuple[str, str]:
        """*path*'s entry in commit *sha*: the last change on its first-parent line."""
        line = []
        entry = _ABSENT
        while True:
            known = self._entries.get((path, sha))
            if known is not None:
                entry = known
                break
            line.append(sha)
            commit = self._commits[sha]
            if path in commit.changed:
                entry = commit.changed[path]
                break
            if not commit.parents:
                break
            sha = commit.parents[0]
        for walked in line:
            self._entries[(path, walked)] = entry
        return entry

    def _queued(self, sha: str) -> tuple[int, int, str]:
        self._order += 1
        return (-self._commits[sha].committed, self._order, sha)

    def _follow(self, sha: str, queue: list[tuple[int, int, str]], seen: set[str]) -> None:
        if sha not in seen:
            seen.add(sha)
            heapq.heappush(queue, self._queued(sha))
