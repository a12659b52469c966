"""Warnings of unchanged pages, said again on every build (``--strict`` fails on them).

Sphinx warns about a page while it reads it; an incremental build reads only the pages
that changed, so the warnings of every other page are forgotten: ``--strict`` after a
normal build passed with a tree full of warnings, and a fresh build failed. guidebook
keeps each page's reading warnings in the environment and, after reading, emits those of
the pages it did not read again, with their own location, type and level, as sphinx-build
would on a fresh build.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging as sphinx_logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = sphinx_logging.getLogger(__name__)

#: The environment attribute holding each page's warnings (saved with the environment).
_STORE = "guidebook_page_warnings"


@dataclasses.dataclass(frozen=True)
class PageWarning:
    """One warning as it was given: level, text, location, type and subtype."""

    level: int
    message: str
    #: A docname, ``(docname, line)`` or ``"path:line"``, as Sphinx's logger takes it.
    location: str | tuple[str, int | None] | None
    type: str | None
    subtype: str | None


def _store(env: BuildEnvironment) -> dict[str, list[PageWarning]]:
    store: dict[str, list[PageWarning]] | None = getattr(env, _STORE, None)
    if store is None:
        store = {}
        setattr(env, _STORE, store)
    return store


class _Recorder(logging.Handler):
    """Keeps each warning given while pages are read, under the page it belongs to."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app = app
        #: The pages this build reads (``env.temp_data`` is cleared after each page).
        self.reread: Set[str] = frozenset()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "skip_warningiserror", False):
            return
        env = self.app.env
        location = _portable(getattr(record, "location", None))
        docname = _docname_of(env, location)
        if docname is None:
            return
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        if kind and sphinx_logging.is_suppressed_warning(
                kind, subtype or "", self.app.config.suppress_warnings):
            return
        message = record.msg % record.args if record.args else str(record.msg)
        _store(env).setdefault(docname, []).append(
            PageWarning(record.levelno, message, location, kind, subtype))


def _portable(location: Any) -> str | tuple[str, int | None] | None:
    """The location in a form that pickles and that Sphinx's logger reads back."""
    if isinstance(location, nodes.Node):
        return sphinx_logging.get_node_location(location)
    if isinstance(location, tuple) and len(location) == 2:
        line = location[1] if isinstance(location[1], int) else None
        return (str(location[0]), line)
    return str(location) if location else None


def _docname_of(env: BuildEnvironment, location: str | tuple[str, int | None] | None,
                ) -> str | None:
    """The page a warning is about: its location's page, else the page being read."""
    if isinstance(location, tuple):
        return location[0] or None
    if location and ":" not in location:
        return location
    if location:
        path = location.rsplit(":", 1)[0] if location.rsplit(":", 1)[-1].isdigit() else location
        found = env.path2doc(str(Path(path)))
        if found is not None:
            return found
    current = env.temp_data.get("docname")
    return str(current) if current else None


def start_recording(recorder: _Recorder, app: Sphinx, env: BuildEnvironment,
                    docnames: list[str]) -> None:
    """Before reading: listen, and note the pages read now (their old warnings are gone)."""
    recorder.reread = frozenset(docnames)
    logging.getLogger(sphinx_logging.NAMESPACE).addHandler(recorder)


def replay_unchanged(recorder: _Recorder, app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading: stop listening; warn again about every page not read this time."""
    logging.getLogger(sphinx_logging.NAMESPACE).removeHandler(recorder)
    reread = recorder.reread
    store = _store(env)
    replayed = 0
    for docname in sorted(store):
        if docname in reread or docname not in env.found_docs:
            continue
        for warning in store[docname]:
            logger.log(warning.level, warning.message, location=warning.location,
                       type=warning.type, subtype=warning.subtype)
            replayed += 1
    if replayed:
        logger.info(f"guidebook: {replayed} warning(s) of pages not read again, repeated")
    return []


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _store(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str],
          other: BuildEnvironment) -> None:
    """Parallel reading: take the warnings the worker kept for its pages."""
    theirs = _store(other)
    for docname in docnames:
        if docname in theirs:
            _store(env)[docname] = theirs[docname]


def setup(app: Sphinx) -> ExtensionMetadata:
    # Listening only while pages are read: the handler holds the application.
    recorder = _Recorder(app)
    app.connect("env-before-read-docs", functools.partial(start_recording, recorder))
    app.connect("env-updated", functools.partial(replay_unchanged, recorder))
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
