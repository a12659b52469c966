"""Notice changed sources by polling their modification times (no extra dependency)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: A file's identity for change detection: (modification time in ns, size).
Stamp = tuple[int, int]
Snapshot = dict[Path, Stamp]

_SKIPPED_DIRS = {"__pycache__", "node_modules"}


def snapshot(roots: Iterable[Path], *, ignore: Iterable[Path] = ()) -> Snapshot:
    """The stamp of every file under *roots*, leaving out hidden entries and *ignore*."""
    ignored = {path.resolve() for path in ignore}
    stamps: Snapshot = {}
    for root in roots:
        root = root.resolve()
        if root.is_file():
            _add(stamps, root)
            continue
        for directory, dirnames, filenames in os.walk(root):
            here = Path(directory)
            dirnames[:] = sorted(
                name for name in dirnames
                if not name.startswith(".") and name not in _SKIPPED_DIRS
                and (here / name) not in ignored
            )
            for name in filenames:
                if not name.startswith(".") and not name.endswith((".pyc", "~", ".swp")):
                    _add(stamps, here / name)
    return stamps


def _add(stamps: Snapshot, path: Path) -> None:
    try:
        info = path.stat()
    except OSError:
        return  # removed while we looked
    stamps[path] = (info.st_mtime_ns, info.st_size)


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots, sorted."""
    paths = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    return sorted(paths)
