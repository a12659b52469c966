"""Pages Sphinx reads again although nothing in them changed are not written again.

Sphinx reads some pages on every build: a toctree naming a page that does not exist
marks its page to be read always (keystone's ``code_documentation`` lists ``api/modules``,
which sphinxcontrib-apidoc writes), and a page including a file that is generated on
every build (the sample files of oslo.config and oslo.policy) has a newer dependency
each time. Each such page was then written again in every guide that shows it, and with
it each of those guides' general index, search page, search index and inventory: on
keystone, 30 files and about a tenth of a second of CPU on every build, a build with
nothing changed included.

A page read again is written only if its doctree or its place changed. It is left as
published, like a page Sphinx did not read, when all of these hold:

- Sphinx read it for one of its own reasons other than an edit: read always, or a
  dependency newer or missing (not a new page, not an edited source, not after a
  configuration change, not only because an extension's ``env-get-outdated`` asked);
- its new doctree file is byte for byte the one it had before this build read it;
- its section and figure numbers are what they were;
- the builder does not find it out of date (an output older than its source), and it
  lists no page whose table of contents changed (:meth:`GuidebookBuilder.write_documents`);
- every page written from it in the guides this build writes exists and is newer than
  that previous doctree file: a build that read a changed doctree and then failed or was
  killed (the published site left as it was) has the page written by the next build.

Its warnings of writing are repeated as for any page not written (:mod:`.replay`). The
doctree file gets back the time of the file it repeats, which the last check relies on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.environment import CONFIG_OK

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


@dataclasses.dataclass(frozen=True)
class _Before:
    """A page as it was before this build read it again."""

    digest: str
    #: The doctree file's modification time, in nanoseconds.
    mtime_ns: int
    #: Its section and figure numbers.
    numbers: tuple[Any, Any]


class RereadPages:
    """What a build knew of the pages it reads again, before it read them."""

    def __init__(self) -> None:
        self._changed_by_sphinx: frozenset[str] = frozenset()
        self._before: dict[str, _Before] = {}

    def note_outdated(self, changed: Set[str]) -> None:
        """``env-get-outdated``: the pages Sphinx itself found changed (not yet those
        the event's handlers add)."""
        self._changed_by_sphinx = frozenset(changed)

    def note_before_reading(self, env: BuildEnvironment, docnames: Iterable[str]) -> None:
        """``env-before-read-docs``: keep each candidate's doctree digest, time, numbers."""
        self._before = {}
        if env.config_status != CONFIG_OK:
            return
        for docname in docnames:
            read_at = env.all_docs.get(docname)
            if docname not in self._changed_by_sphinx or read_at is None:
                continue
            try:
                if _microseconds(os.stat(env.doc2path(docname)).st_mtime_ns) > read_at:
                    continue  # its source was edited
                path = doctree_path(env, docname)
                mtime_ns = path.stat().st_mtime_ns
                digest = _digest(path)
            except OSError:
                continue
            self._before[docname] = _Before(digest, mtime_ns, _numbers(env, docname))

    def unchanged(self, env: BuildEnvironment, outputs: Callable[[str], Iterable[Path]],
                  excluded: Set[str]) -> set[str]:
        """The pages read again that need no writing (their doctree file gets its
        earlier time back); each page is considered by one build only."""
        found: set[str] = set()
        before, self._before = self._before, {}
        for docname, earlier in before.items():
            if docname in excluded or _numbers(env, docname) != earlier.numbers:
                continue
            path = doctree_path(env, docname)
            try:
                if _digest(path) != earlier.digest:
                    continue
                if not all(output.stat().st_mtime_ns >= earlier.mtime_ns
                           for output in outputs(docname)):
                    continue
                os.utime(path, ns=(path.stat().st_atime_ns, earlier.mtime_ns))
            except OSError:
                continue
            found.add(docname)
        return found


def doctree_path(env: BuildEnvironment, docname: str) -> Path:
    """Where Sphinx keeps the page's doctree (``Builder.write_doctree``)."""
    return Path(env.doctreedir, f"{docname}.doctree")


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def _numbers(env: BuildEnvironment, docname: str) -> tuple[Any, Any]:
    return env.toc_secnumbers.get(docname), env.toc_fignumbers.get(docname)


def _microseconds(mtime_ns: int) -> int:
    """A file time as Sphinx compares it with ``env.all_docs``: microseconds, rounded up."""
    return -(mtime_ns // -1_000)
