"""reno's reading of the notes is kept between builds while nothing it reads changed
(issue 28): a one-page edit does not walk the git history again.

Real builds of ``tests/roots/test-releasenotes`` in the throw-away repository of
``test_releasenotes.py``; the calls into reno are counted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guidebook.git import HISTORY_DELTA_CACHE_BYTES
from guidebook.releasenotes import loading
from tests.test_releasenotes import build, commit_notes, git, repo

__all__ = ["repo"]  # the fixture


def test_the_notes_are_read_again_only_when_git_or_the_notes_change(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # reno reads in a process of its own: each reading leaves a line in a file.
    log = tmp_path / "reads.log"
    load = loading.load_release_notes

    def counting(options: loading.LoadOptions) -> loading.ReleaseNotes:
        from dulwich import pack

        with open(log, "a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()} {pack.DEFAULT_DELTA_BASE_CACHE_LIMIT}\n")
        return load(options)

    class Reads:
        def __len__(self) -> int:
            return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0

    reads = Reads()

    monkeypatch.setattr(loading, "load_release_notes", counting)

    def built(**kwargs: object) -> str:
        result = build(repo, tmp_path, strict=True, **kwargs)
        assert result.status == 0, result.output
        return result.html("releasenotes", "releasenotes/series/unreleased")

    first = built()
    assert len(reads) == 1
    page = repo / "doc" / "user" / "index.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert built() == first
    assert len(reads) == 1, "a page edit read reno's notes again"

    # A note added, not committed yet (reno shows it among the unreleased ones).
    notes = repo / "releasenotes" / "notes"
    (notes / "eta-7777777777777777.yaml").write_text("---\nfixes:\n  - The etafix.\n",
                                                     encoding="utf-8")
    assert "etafix" not in built()  # reno reads no note git was not told of
    assert len(reads) == 2
    git(repo, "add", "releasenotes")  # the same files, staged
    assert "etafix" in built()
    assert len(reads) == 3
    commit_notes(repo, {}, "the eta fix")  # the same files, another HEAD
    assert "etafix" in built()
    assert len(reads) == 4
    assert "etafix" in built(fresh=True)
    assert len(reads) == 5, "a fresh build used the kept notes"
    # Read in another process than the build's: its memory is given back.
    readers = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert str(os.getpid()) not in {pid for pid, _limit in readers}
    # There, and only there, dulwich keeps few delta bases.
    assert {int(limit) for _pid, limit in readers} == {HISTORY_DELTA_CACHE_BYTES}
    from dulwich import pack

    assert pack.DEFAULT_DELTA_BASE_CACHE_LIMIT > HISTORY_DELTA_CACHE_BYTES


_PARSED_ONCE = """
import sys
from pathlib import Path
from dulwich.object_store import BaseObjectStore
from dulwich.objects import Commit
from guidebook.git import keep_parsed_objects
from guidebook.releasenotes.loading import LoadOptions, load_release_notes

reads = []
read = BaseObjectStore.__getitem__
def counting(store, sha):
    found = read(store, sha)
    if isinstance(found, Commit):
        reads.append(sha)
    return found
BaseObjectStore.__getitem__ = counting
options = LoadOptions(reporoot=Path(sys.argv[1]), relnotesdir="releasenotes",
                      guides=("user", "operator", "admin", "contributor"), routing={})
first = load_release_notes(options)
every_time = len(reads)
keep_parsed_objects()
reads.clear()
kept = load_release_notes(options)
print(every_time, len(reads), len(set(reads)), first.fingerprint() == kept.fingerprint())
"""


def test_dulwich_parses_each_commit_once_and_reno_reads_the_same_notes(repo: Path) -> None:
    """In its own process (it changes dulwich for the rest of the process, as the forked
    reader does): reno's answer is the same, each commit read from git once per object
    store."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PARSED_ONCE, str(repo)], check=True,
                          capture_output=True, text=True)
    every_time, once, distinct, same = done.stdout.split()
    assert same == "True", done.stdout
    # Once per object store (reno opens the repository more than once).
    assert int(distinct) <= int(once) < int(every_time) / 2, done.stdout


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
