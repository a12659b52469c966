"""reno's reading of the notes is kept between builds while nothing it reads changed
(issue 28): a one-page edit does not walk the git history again.

Real builds of ``tests/roots/test-releasenotes`` in the throw-away repository of
``test_releasenotes.py``; the readings are counted. The reading runs in a small process
of its own, where dulwich is set for reno's walk of the history (each commit parsed
once, few delta bases kept); the notes are the same as read in the build's process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebook.git import HISTORY_DELTA_CACHE_BYTES
from guidebook.releasenotes import loading, scan_cache
from tests.test_releasenotes import build, commit_notes, git, repo

__all__ = ["repo"]  # the fixture


def test_the_notes_are_read_again_only_when_git_or_the_notes_change(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    readings: list[loading.LoadOptions] = []
    read_apart = scan_cache.read_apart

    def counting(options: loading.LoadOptions) -> loading.ReleaseNotes:
        readings.append(options)
        return read_apart(options)

    monkeypatch.setattr(scan_cache, "read_apart", counting)

    def built(**kwargs: object) -> str:
        result = build(repo, tmp_path, strict=True, **kwargs)
        assert result.status == 0, result.output
        return result.html("releasenotes", "releasenotes/series/unreleased")

    first = built()
    assert len(readings) == 1
    page = repo / "doc" / "user" / "index.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert built() == first
    assert len(readings) == 1, "a page edit read reno's notes again"

    # A note added, not committed yet (reno shows it among the unreleased ones).
    notes = repo / "releasenotes" / "notes"
    (notes / "eta-7777777777777777.yaml").write_text("---\nfixes:\n  - The etafix.\n",
                                                     encoding="utf-8")
    assert "etafix" not in built()  # reno reads no note git was not told of
    assert len(readings) == 2
    git(repo, "add", "releasenotes")  # the same files, staged
    assert "etafix" in built()
    assert len(readings) == 3
    commit_notes(repo, {}, "the eta fix")  # the same files, another HEAD
    assert "etafix" in built()
    assert len(readings) == 4
    assert "etafix" in built(fresh=True)
    assert len(readings) == 5, "a fresh build used the kept notes"


_SMALL_READER = """
import logging, re, sys
from pathlib import Path
from guidebook.releasenotes import scan_cache
from guidebook.releasenotes.loading import LoadOptions, load_release_notes

options = LoadOptions(reporoot=Path(sys.argv[1]), relnotesdir="releasenotes",
                      guides=("user", "operator", "admin", "contributor"), routing={})
here = load_release_notes(options)
def refused(options):
    raise AssertionError("read in the build's process")
scan_cache.load_release_notes = refused
said = []
class Collect(logging.Handler):
    def emit(self, record):
        said.append(record.getMessage())
logging.getLogger("sphinx").addHandler(Collect())
logging.getLogger("sphinx").setLevel(logging.DEBUG)
ballast = b"x" * (200 * 2**20)  # resident: what Sphinx and the extensions hold in a build
apart = scan_cache.read_apart(options)
reader_mb = re.search(r"process of its own, (\\d+) MB at its peak", " ".join(said)).group(1)
print(reader_mb, len(ballast) // 2**20, here.fingerprint() == apart.fingerprint())
"""


def test_the_notes_are_read_in_a_small_process_of_their_own(repo: Path) -> None:
    """Not a fork of the build: forked at builder-inited, the reader started as large as
    the build was and became its largest process (keystone's, ironic's). In a subprocess,
    a build's memory stood for by 200 MB; the reader says its own peak (-v)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _SMALL_READER, str(repo)], check=True,
                          capture_output=True, text=True)
    reader_mb, ballast_mb, same = done.stdout.split()
    assert same == "True", done.stdout
    assert 0 < int(reader_mb) < int(ballast_mb), done.stdout


_READER_STATE = """
import sys
from guidebook.releasenotes.scan_cache import serve_reading
serve_reading()
import gc
from dulwich import pack
from dulwich.object_store import BaseObjectStore
from dulwich.repo import BaseRepo
print(pack.DEFAULT_DELTA_BASE_CACHE_LIMIT,
      getattr(BaseObjectStore.__getitem__, "guidebook_keeps", False),
      getattr(BaseRepo.parents_provider, "guidebook_keeps", False),
      gc.get_threshold()[0], gc.get_freeze_count() > 0, file=sys.stderr)
"""


def test_the_reader_process_is_set_for_the_history_walk(repo: Path) -> None:
    """The reader process as read_apart runs it: options in, notes out, and dulwich and
    Python's cycle collector set for the history walk there (in the build's process they
    are left alone)."""
    import gc
    import pickle
    import subprocess
    import sys

    from dulwich import pack

    options = loading.LoadOptions(reporoot=repo, relnotesdir="releasenotes",
                                  guides=("user", "operator"), routing={})
    done = subprocess.run([sys.executable, "-c", _READER_STATE],
                          input=pickle.dumps(options), capture_output=True, check=True)
    notes, peak_kb = pickle.loads(done.stdout)
    assert peak_kb > 0
    assert notes.fingerprint() == loading.load_release_notes(options).fingerprint()
    limit, commits, parents, gc_threshold, frozen = done.stderr.decode().split()[-5:]
    assert (int(limit), commits, parents, int(gc_threshold), frozen) == (
        HISTORY_DELTA_CACHE_BYTES, "True", "True", scan_cache.READER_GC_THRESHOLD, "True"
    ), done.stderr
    # In the build's process, all is left as it was.
    assert pack.DEFAULT_DELTA_BASE_CACHE_LIMIT > HISTORY_DELTA_CACHE_BYTES
    assert gc.get_threshold()[0] < scan_cache.READER_GC_THRESHOLD


_PARSED_ONCE = """
import sys
from pathlib import Path
from dulwich.object_store import BaseObjectStore
from dulwich.objects import Commit, Tree
from dulwich.repo import ParentsProvider
from guidebook.git import keep_parsed_objects, provide_parents_once
from guidebook.releasenotes.loading import LoadOptions, load_release_notes

commits, trees, providers = [], [], []
read = BaseObjectStore.__getitem__
def counting(store, sha):
    found = read(store, sha)
    (commits if isinstance(found, Commit) else trees if isinstance(found, Tree) else [])\
        .append(sha)
    return found
BaseObjectStore.__getitem__ = counting
make = ParentsProvider.__init__
def making(provider, *args, **kwargs):
    providers.append(provider)
    make(provider, *args, **kwargs)
ParentsProvider.__init__ = making
options = LoadOptions(reporoot=Path(sys.argv[1]), relnotesdir="releasenotes",
                      guides=("user", "operator", "admin", "contributor"), routing={})
first = load_release_notes(options)
print(len(commits), len(trees), len(providers))
keep_parsed_objects()
provide_parents_once()
commits.clear(); trees.clear(); providers.clear()
kept = load_release_notes(options)
print(len(commits), len(set(commits)), len(trees), len(providers))
print(first.fingerprint() == kept.fingerprint())
"""


def test_dulwich_parses_each_commit_once_and_reno_reads_the_same_notes(repo: Path) -> None:
    """In its own process (it changes dulwich for the rest of the process, as the reader
    does): reno's answer is the same, each commit read from git once (reno's scanner and
    guidebook's note reader open the repository each), each tree read again seldom, one
    parents provider per repository object."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PARSED_ONCE, str(repo)], check=True,
                          capture_output=True, text=True)
    every_time, kept, same = done.stdout.splitlines()
    commits, trees, providers = map(int, every_time.split())
    kept_commits, distinct_commits, kept_trees, kept_providers = map(int, kept.split())
    assert same == "True", done.stdout
    assert distinct_commits == kept_commits < commits / 2, done.stdout
    assert kept_trees < trees / 2, done.stdout
    assert kept_providers <= 4 < providers, done.stdout


_LAST_TREES = """
import sys
from dulwich.object_store import BaseObjectStore
from dulwich.repo import Repo
from guidebook.git import keep_parsed_objects

reads = []
read = BaseObjectStore.__getitem__
def counting(store, sha):
    reads.append(sha)
    return read(store, sha)
BaseObjectStore.__getitem__ = counting
keep_parsed_objects(trees=2)
with Repo(sys.argv[1]) as repo:
    walked = [entry.commit for entry in repo.get_walker()]
    a, b, c = (commit.tree for commit in walked[:3])
    reads.clear()
    for tree in (a, b, a, c, a, b):
        repo.object_store[tree]
    print(" ".join("abc"[(a, b, c).index(sha)] for sha in reads))
"""


def test_dulwich_keeps_the_last_trees_read_within_its_bound(repo: Path) -> None:
    """The trees kept are the last ones read, never more than the bound: with two kept,
    reading a b a c a b reads a, b, c from git, then b again (pushed out by c)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _LAST_TREES, str(repo)], check=True,
                          capture_output=True, text=True)
    assert done.stdout.split() == ["a", "b", "c", "b"], done.stdout


_DELTA_CACHE_BOUND = """
import sys
from pathlib import Path
from dulwich.pack import PackData
from guidebook.git import bound_delta_cache
from guidebook.releasenotes.loading import LoadOptions, load_release_notes

held = []  # the bytes each pack's delta base cache holds, after each addition
cache_at = PackData._cache_object_at
def counting(data, offset, type_num, chunks):
    cache_at(data, offset, type_num, chunks)
    held.append(data._offset_cache._value_size)
PackData._cache_object_at = counting
options = LoadOptions(reporoot=Path(sys.argv[1]), relnotesdir="releasenotes",
                      guides=("user", "operator", "admin", "contributor"), routing={})
first = load_release_notes(options)
unbounded = max(held, default=0)
held.clear()
bound_delta_cache(int(sys.argv[2]))
bounded = load_release_notes(options)  # reno opens the repository (and its packs) anew
print(unbounded, max(held, default=0), first.fingerprint() == bounded.fingerprint())
"""


def test_the_reading_process_keeps_few_delta_bases_and_reads_the_same_notes(
    repo: Path,
) -> None:
    """dulwich keeps up to 96 MiB of resolved delta bases per pack; the reader bounds it
    (ironic's reading process: 116 -> 70 MB more than it started with). In a subprocess:
    the bound lasts for the rest of the process, as in the forked reader."""
    import subprocess
    import sys

    git(repo, "gc", "-q")  # a pack, with the notes' trees stored as deltas of each other
    bound = 100  # bytes: less than this small history's reading keeps unbounded
    done = subprocess.run([sys.executable, "-c", _DELTA_CACHE_BOUND, str(repo), str(bound)],
                          check=True, capture_output=True, text=True)
    unbounded, bounded, same = done.stdout.split()
    assert same == "True", done.stdout
    assert int(bounded) <= bound < int(unbounded), done.stdout
