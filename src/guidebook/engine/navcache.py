"""Each guide's navigation kept between builds while the pages' tables of contents stand.

A one-page edit that changes no title or section heading leaves every guide's navigation as
it was: resolving it again would copy every page's table of contents for nothing. A
fingerprint of each page's table of contents (title, sections, toctrees, ``tocdepth``)
says when a stored navigation is still right, and which toctree parents Sphinx would
rewrite although nothing they show has changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from guidebook.engine.navigation import Navigation

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

STORE_NAME = "guidebook-navigation.pickle"
_STORE_VERSION = 1

#: (part name, includehidden, titles_only)
NavKey = tuple[str, bool, bool]


def toc_fingerprint(env: BuildEnvironment, docname: str) -> str:
    """A digest of everything about *docname* that any navigation shows."""
    digest = hashlib.blake2b(digest_size=16)
    toc = env.tocs.get(docname)
    title = env.titles.get(docname)
    digest.update(toc.pformat().encode() if toc is not None else b"-")
    digest.update(b"\0" + (title.astext().encode() if title is not None else b"-"))
    digest.update(b"\0" + str(env.metadata.get(docname, {}).get("tocdepth", "")).encode())
    return digest.hexdigest()


def part_fingerprint(name: str, root: str, link_suffix: str,
                     fingerprints: Iterable[tuple[str, str]]) -> str:
    """A digest of one guide's pages and their tables of contents."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{name}\0{root}\0{link_suffix}".encode())
    for docname, fingerprint in sorted(fingerprints):
        digest.update(f"\0{docname}\0{fingerprint}".encode())
    return digest.hexdigest()


@dataclasses.dataclass
class NavigationStore:
    """What the previous build knew: page fingerprints and each guide's navigation."""

    fingerprints: dict[str, str] = dataclasses.field(default_factory=dict)
    navigations: dict[NavKey, tuple[str, Navigation]] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path) -> NavigationStore:
        """The stored state, or an empty one when there is none or it cannot be read.

        The file is removed once read (:meth:`save` writes it again when the build
        finishes). Sphinx saves the environment before it writes a page: a build killed
        while writing leaves a newer environment beside an older store, whose
        fingerprints would pass stale navigation off as current.
        """
        path = directory / STORE_NAME
        try:
            with open(path, "rb") as stream:
                version, store = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                AttributeError, ImportError):
            return cls()
        finally:
            path.unlink(missing_ok=True)
        if version != _STORE_VERSION or not isinstance(store, cls):
            return cls()
        return store

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / STORE_NAME
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as stream:
            pickle.dump((_STORE_VERSION, self), stream, pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
