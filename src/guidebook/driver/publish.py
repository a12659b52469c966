"""Publishing a built site: a lock per output directory and an atomic swap.

A build writes into a staging directory beside OUT; only a build that succeeded swaps it
in, so a failed, killed or concurrent build never leaves a half-written site behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def staging_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.staging"


def doctree_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.doctrees"


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock of *out*; a second build into the same directory waits for the first."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with open(lock_path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            print(
                f"guidebook: {out} is being built by {holder}; waiting for it to finish",
                file=sys.stderr,
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def spare_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.spare"


def prepare_staging(out: Path, *, incremental: bool) -> Path:
    """A staging directory: empty, or holding the published site to build upon.

    The site swapped out by the previous publish is kept as a spare; bringing it up to
    date copies only the files that differ from the published site, so a one-page edit
    does not copy (or delete) the whole site.
    """
    staging = staging_dir(out)
    spare = spare_dir(out)
    if staging.exists():
        # Left over from a killed build: as good a starting point as any spare.
        if spare.exists():
            shutil.rmtree(staging)
        else:
            os.rename(staging, spare)
    if not incremental or not out.is_dir():
        if spare.exists():
            shutil.rmtree(spare)
        staging.mkdir(parents=True)
        return staging
    if spare.is_dir():
        mirror(out, spare)
        os.rename(spare, staging)
    else:
        shutil.copytree(out, staging, symlinks=True)
    return staging


def refresh_spare(out: Path) -> None:
    """Make the spare a copy of the published site *out*.

    After a fresh build the spare (the site before it, if any) differs from *out* in
    every file, so the next one-page rebuild would copy the whole site before writing a
    page. Copying it here, while the fresh build still holds the lock, keeps that cost
    with the build that caused it.
    """
    spare = spare_dir(out)
    if spare.is_dir():
        mirror(out, spare)
    else:
        shutil.copytree(out, spare, symlinks=True)


def mirror(source: Path, target: Path) -> None:
    """Make *target* a copy of *source*, copying only files whose size or mtime differ."""
    wanted = _listing(source)
    present = _listing(target)
    for relative in sorted(set(present) - set(wanted), reverse=True):
        path = target / relative
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    for relative, entry in sorted(wanted.items()):
        if present.get(relative) == entry:
            continue
        origin, path = source / relative, target / relative
        kind = entry[0]
        if kind == "dir":
            if path.is_symlink() or (path.exists() and not path.is_dir()):
                path.unlink()
            path.mkdir(parents=True, exist_ok=True)
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        if kind == "link":
            os.symlink(os.readlink(origin), path)
        else:
            shutil.copy2(origin, path)


def _listing(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every entry below *root*: relative path -> (kind, size, mtime in ns)."""
    result: dict[str, tuple[str, int, int]] = {}
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_symlink():
                    result[relative] = ("link", 0, 0)
                elif entry.is_dir():
                    result[relative] = ("dir", 0, 0)
                    pending.append((Path(entry.path), relative + "/"))
                else:
                    info = entry.stat()
                    result[relative] = ("file", info.st_size, info.st_mtime_ns)
    return result


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out: Path) -> None:
    """Put *staging* in the place of *out* in one step; the old site becomes the spare."""
    if not out.exists():
        os.rename(staging, out)
        return
    spare = spare_dir(out)
    if spare.exists():
        shutil.rmtree(spare)
    if _exchange(staging, out):
        os.rename(staging, spare)  # now holds the previous site
        return
    # No atomic exchange on this system: two renames, the gap is a few microseconds.
    os.rename(out, spare)
    os.rename(staging, out)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name or not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(second))
