"""The project's version, as the theme asks pbr for it, kept between builds while git stands.

openstackdocstheme sets ``version`` and ``release`` from pbr on every build (unless conf.py
turns ``openstackdocs_auto_version`` off), and pbr, in a git checkout without package
metadata, runs git five times and walks the history: 0.19 s of CPU time of the 1.0 s a
rebuild of keystone's tree with nothing changed costs, plain Sphinx's as much as
guidebook's. pbr's answer from git depends on the commits and tags git sees from the
working folder, on the target version it is given and on pbr: it is kept beside the
doctrees under a digest of those (every reference of the repository with its commit,
``HEAD`` included, the shallow boundary, the folder, the target, pbr's version), and pbr
is asked again when one of them changed, without a repository, with ``GIT_DIR`` set, and
after ``--fresh`` (:func:`forget`).
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from guidebook import git
from guidebook.sphinx_internals import replace_pbr_git_version

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

STORE_NAME = "guidebook-theme-version.json"

#: application -> the undo of its replacement (while the theme's handler runs).
_undo: weakref.WeakKeyDictionary[Sphinx, Callable[[], None]] = weakref.WeakKeyDictionary()


def keep_version(app: Sphinx, config: Config) -> None:
    """``config-inited``, before the theme's handler: pbr's git reading answers from the
    store when its inputs stand."""
    store = Path(app.doctreedir) / STORE_NAME
    undo = replace_pbr_git_version(lambda ask_git: _kept(ask_git, store))
    if undo is not None:
        _undo[app] = undo


def stop_keeping(app: Sphinx, config: Config) -> None:
    """``config-inited``, after the theme's handler: pbr as it was."""
    undo = _undo.pop(app, None)
    if undo is not None:
        undo()


def forget(folders: Iterable[Path]) -> None:
    """A fresh build asks pbr again (the store in each of the site's doctree *folders*)."""
    for folder in folders:
        (folder / STORE_NAME).unlink(missing_ok=True)


def _kept(ask_git: Callable[..., str], store: Path) -> Callable[..., str]:
    def version_from_git(pre_version: str | None = None) -> str:
        key = git_state(pre_version)
        if key is None:
            return ask_git(pre_version)
        try:
            kept = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = None
        if isinstance(kept, dict) and kept.get("key") == key \
                and isinstance(kept.get("version"), str):
            return str(kept["version"])
        version = ask_git(pre_version)
        try:
            store.parent.mkdir(parents=True, exist_ok=True)
            store.write_text(json.dumps({"key": key, "version": version}), encoding="utf-8")
        except OSError:
            pass  # the next build asks pbr again
        return version

    return version_from_git


def git_state(pre_version: str | None) -> str | None:
    """A digest of everything pbr's version from git depends on (None: no repository here,
    or one git finds another way than dulwich)."""
    if "GIT_DIR" in os.environ:
        return None
    folder = Path.cwd()
    root = git.repository_holding(folder)
    found = git.references_and_index(root) if root is not None else None
    if found is None:
        return None
    references, index = found
    digest = hashlib.blake2b(digest_size=16)
    for name, commit in sorted(references.items()):
        digest.update(name + b"\0" + commit + b"\n")
    shallow = index.parent / "shallow"
    digest.update(shallow.read_bytes() if shallow.is_file() else b"-")
    try:
        pbr = metadata.version("pbr")
    except metadata.PackageNotFoundError:
        pbr = "?"
    digest.update(f"\0{folder}\0{pre_version}\0{pbr}".encode())
    return digest.hexdigest()
