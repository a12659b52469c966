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
costs in CI; the reading runs in a process of its own (:func:`read_apart`), whose memory
is given back when it is done, and where dulwich parses each commit once
(:func:`guidebook.git.keep_parsed_objects`) and keeps few resolved delta bases
(:func:`guidebook.git.bound_delta_cache`).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from multiprocessing.connection import Connection
from pathlib import Path

from guidebook.git import bound_delta_cache, keep_parsed_objects, references_and_index
from guidebook.releasenotes.loading import LoadOptions
from guidebook.releasenotes.model import ReleaseNotes

CACHE_NAME = "guidebook-releasenotes.pickle"
_CACHE_VERSION = 1


def cached_notes(doctreedir: Path, options: LoadOptions, *, fresh: bool,
                 load: Callable[[], ReleaseNotes]) -> ReleaseNotes:
    """The notes *load* reads, or the previous build's while what they depend on stands."""
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
    notes = read_apart(load)
    if state is not None:
        try:
            doctreedir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps((state, notes), pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except OSError:
            pass  # the next build reads the notes again, nothing worse
    return notes


def read_apart(load: Callable[[], ReleaseNotes]) -> ReleaseNotes:
    """What *load* returns, read in a forked process where the system forks.

    reno's walk of the history takes 40 MB more at its peak on placement's tree, and
    leaves a third of it behind in this process for the rest of the build; in a process
    of its own, all of it is given back when it ends. Whatever goes wrong there, the
    notes are read here instead.
    """
    if os.name != "posix":
        return load()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_send_notes, args=(sending, load), daemon=True)
    process.start()
    sending.close()
    try:
        notes = receiving.recv()
    except (EOFError, OSError, pickle.UnpicklingError):
        notes = None
    finally:
        receiving.close()
        process.join()
    return notes if isinstance(notes, ReleaseNotes) else load()


def _send_notes(pipe: Connection, load: Callable[[], ReleaseNotes]) -> None:
    try:
        # This process ends with the reading (git.py).
        keep_parsed_objects()
        bound_delta_cache()
        pipe.send(load())
    except BaseException:  # the parent reads the notes itself
        pipe.send(None)
    finally:
        pipe.close()


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
