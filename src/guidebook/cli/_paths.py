"""Default paths of the CLI, relative to the repository root."""

from __future__ import annotations

from pathlib import Path

from guidebook.git import work_tree_root

DEFAULT_SOURCE = Path("doc/source")
DEFAULT_OUT = Path("doc/build/html")


def repository_root(start: Path | None = None) -> Path:
    """The git work tree containing *start* (the current directory), or *start* itself."""
    here = (start or Path.cwd()).resolve()
    return work_tree_root(here) or here


def default_source() -> Path:
    return repository_root() / DEFAULT_SOURCE


def default_out() -> Path:
    return repository_root() / DEFAULT_OUT


#: Where a project keeps its Sphinx source directory, relative to the repository root.
SOURCE_CANDIDATES = (Path("."), Path("doc/source"), Path("docs/source"), Path("doc"),
                     Path("docs"), Path("source"))


def find_source_dir(path: Path, *, ancestors: bool = True) -> Path | None:
    """The Sphinx source directory (the folder with conf.py) that *path* belongs to.

    *path* may be the source directory itself (``src`` with ``src/conf.py``), a
    repository root holding one of :data:`SOURCE_CANDIDATES`, or a file or folder inside
    a source directory (the nearest ancestor with a conf.py, unless *ancestors* is
    false).
    """
    path = path.resolve()
    start = path if path.is_dir() else path.parent
    for candidate in SOURCE_CANDIDATES:
        if (start / candidate / "conf.py").is_file():
            return (start / candidate).resolve()
    for ancestor in start.parents if ancestors else ():
        if (ancestor / "conf.py").is_file():
            return ancestor
    return None
