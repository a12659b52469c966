"""reno's reading of the notes, kept from one build to the next while nothing it reads changed.

reno finds which release each note belongs to by walking the git history with dulwich:
4.7 s of CPU time on placement's tree (41 pages, about 150 notes), more than reading and
writing every page of its guides, and paid by every build, a one-page edit too (issue 28,
``benchmarks/phases.py``). What reno returns depends only on:

- the repository's references (``HEAD``, branches, tags: which releases there are and
  which commits they hold),
- the files under the release notes folder in the work tree, and git's index (reno reads
  the notes staged but not committed as unreleased ones, and its ``config.yaml``),
- the options guidebook reads them with, and reno's and guidebook's versions.

:func:`cached_notes` keeps the notes beside the doctrees under a digest of all of these
and gives them back while the digest stands. A fresh environment (a first build,
``guidebook build --fresh``) always reads the notes anew, so a fresh build costs what it
costs in CI; the reading runs in a new Python process of its own (:func:`read_apart`,
:func:`serve_reading`), whose memory is given back when it is done, and where dulwich
parses each commit once (:func:`guidebook.git.keep_parsed_objects`) and keeps few
resolved delta bases (:func:`guidebook.git.bound_delta_cache`).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sphinx.util import logging

from guidebook.git import (
    bound_delta_cache,
    keep_parsed_objects,
    provide_parents_once,
    references_and_index,
)
from guidebook.releasenotes.loading import LoadOptions, load_release_notes
from guidebook.releasenotes.model import ReleaseNotes

CACHE_NAME = "guidebook-releasenotes.pickle"
_CACHE_VERSION = 1

logger = logging.getLogger(__name__)


def cached_notes(doctreedir: Path, options: LoadOptions, *, fresh: bool) -> ReleaseNotes:
    """The notes of *options* as reno reads them (:func:`read_apart`), or the previous
    build's while what they depend on stands."""
    path = doctreedir / CACHE_NAME
    state = notes_state(options)
    if state is not None and not fresh:
        try:
            with open(path, "rb") as stream:
                kept_state, notes = pickle.load(stream)
            if kept_state == state and isinstance(notes, ReleaseNotes):
                return notes
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                AttributeError, ImportError):
            pass
    notes = read_apart(options)
    if state is not None:
        try:
            doctreedir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps((state, notes), pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except OSError:
            pass  # the next build reads the notes again, nothing worse
    return notes


def read_apart(options: LoadOptions) -> ReleaseNotes:
    """The notes of *options*, read by reno in a new Python process of its own.

    reno's walk of the history grows its process by 55 MB on keystone's tree, 70 MB on
    ironic's (15,000 commits each), and leaves part of it behind for the rest of the
    build; in a process of its own, all of it is given back when it ends. A new
    interpreter rather than a fork of this one: forked at ``builder-inited``, the reader
    started as a copy of the build (70 MB: Sphinx, the theme, the extensions) and so was
    the largest process of keystone's and ironic's builds; a new one starts at 43 MB. Its
    imports cost about 0.2 s of CPU time, half of it reno's and dulwich's, which the forked
    reader imported too. Whatever goes wrong there, the notes are read here instead.
    """
    if not sys.executable:
        return load_release_notes(options)
    try:
        reader = subprocess.run(
            [sys.executable, "-c", _READER, *sys.path],
            input=pickle.dumps(options, pickle.HIGHEST_PROTOCOL),
            capture_output=True, check=False,
        )
        notes, peak = pickle.loads(reader.stdout) if reader.returncode == 0 else (None, None)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, ImportError):
        notes = peak = None
    if not isinstance(notes, ReleaseNotes):
        return load_release_notes(options)
    logger.verbose("guidebook: release notes read by reno in a process of its own, "
                   "%s MB at its peak", peak // 1024 if isinstance(peak, int) else "?")
    return notes


#: Allocations between two collections of the youngest generation in the reader (700 by
#: default).
READER_GC_THRESHOLD = 10_000

#: The reader process: this build's module path, then :func:`serve_reading`.
_READER = ("import sys; sys.path[:] = sys.argv[1:]; "
           "from guidebook.releasenotes.scan_cache import serve_reading; serve_reading()")


def serve_reading() -> None:
    """In the reader process: the pickled :class:`LoadOptions` on stdin; on stdout, the
    pickled :class:`ReleaseNotes` and the process's peak resident memory in KB (None where
    the system does not say); whatever reno or dulwich print goes to stderr."""
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    options = pickle.load(sys.stdin.buffer)
    # reno's walk makes millions of small objects (dulwich's tree entries) and keeps
    # thousands (the commits): Python's cycle collector, scanning the survivors again and
    # again, took a quarter of ironic's reading (4.1 -> 3.0 s of CPU time; 2 MB more at
    # the peak). What the imports made is never garbage here: frozen, it is not scanned.
    gc.freeze()
    gc.set_threshold(READER_GC_THRESHOLD, 10, 10)
    # This process ends with the reading (git.py).
    keep_parsed_objects()
    provide_parents_once()
    bound_delta_cache()
    notes = load_release_notes(options)
    with answer:
        pickle.dump((notes, _peak_kb()), answer, pickle.HIGHEST_PROTOCOL)


def _peak_kb() -> int | None:
    """This process's own peak resident memory (``VmHWM``; ``getrusage`` would count the
    build's peak too: a process started with vfork takes its parent's on exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def notes_state(options: LoadOptions) -> str | None:
    """A digest of everything reno's answer depends on (None: the repository cannot be
    read, so nothing is kept)."""
    digest = hashlib.sha256()
    digest.update(f"{_CACHE_VERSION}\0{_version('reno')}\0{_version('guidebook')}\0"
                  f"{options!r}\0".encode())
    found = references_and_index(options.reporoot)
    if found is None:
        return None
    refs, index = found
    for ref, sha in sorted(refs.items()):
        digest.update(ref + b"\0" + sha + b"\0")
    # reno reads the notes staged but not committed: the index says which (git rewrites it
    # for other reasons too, which only costs a reading).
    digest.update(_stat_line(index, "index"))
    folder = options.reporoot / options.relnotesdir
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for file_name in sorted(files):
            file_path = os.path.join(root, file_name)
            digest.update(_stat_line(Path(file_path), os.path.relpath(file_path, folder)))
    return digest.hexdigest()


def _stat_line(path: Path, name: str) -> bytes:
    try:
        stat = path.stat()
    except OSError:
        return f"{name}\0-\0".encode()
    return f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode()


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"
