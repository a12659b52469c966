"""Warnings of unchanged pages, said again on every build (``--strict`` fails on them).

Sphinx warns about a page while it reads it (an unknown directive) and while it writes it
(a reference to nothing); an incremental build reads and writes only the pages that
changed, so the warnings of every other page are forgotten: ``--strict`` after a normal
build passed with a tree full of warnings, and a fresh build failed. guidebook keeps each
page's warnings, those of reading in the environment and those of writing in a file
beside it (the environment is saved before the pages are written), and emits again,
with their own location, type and level, those of the pages it did not read or write
this time, as sphinx-build would on a fresh build.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import pickle
import weakref
from collections.abc import Iterable, Set
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
#: The file, in the doctree folder, holding each page's warnings of writing.
WRITE_STORE = "guidebook-write-warnings.pickle"

PageWarnings = dict[str, list["PageWarning"]]


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
    """Keeps each warning given while pages are read or written, under its page."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app = app
        #: The pages this build reads (``env.temp_data`` is cleared after each page).
        self.reread: Set[str] = frozenset()
        #: Where warnings go now (None: not recording, as while repeating old ones).
        self.target: PageWarnings | None = None
        #: The warnings of writing, and the pages written, in this build.
        self.writing: PageWarnings = {}
        self.written: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if self.target is None or getattr(record, "skip_warningiserror", False):
            return
        # Sphinx holds the warnings of reading and writing back and hands each record to
        # the handlers again afterwards: this one has seen it already.
        if getattr(record, "guidebook_kept", False):
            return
        record.guidebook_kept = True
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
        warning = PageWarning(record.levelno, message, location, kind, subtype)
        kept = self.target.setdefault(docname, [])
        if warning not in kept:  # a page written in two guides warns twice
            kept.append(warning)


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
    recorder.target = _store(env)
    logging.getLogger(sphinx_logging.NAMESPACE).addHandler(recorder)


def replay_unchanged(recorder: _Recorder, app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading: warn again about every page not read this time."""
    recorder.target = None
    reread = recorder.reread
    store = _store(env)
    _repeat({doc: warnings for doc, warnings in store.items()
             if doc not in reread and doc in env.found_docs}, "read")
    recorder.writing, recorder.written = {}, set()
    return []


def start_writing(recorder: _Recorder, app: Sphinx, builder: object) -> None:
    """Listen to the warnings of writing (not to the consistency checks before it, which
    Sphinx gives on every build)."""
    recorder.target = recorder.writing


def note_written(recorder: _Recorder, app: Sphinx, doctree: nodes.document,
                 docname: str) -> None:
    recorder.written.add(docname)


def replay_unwritten(recorder: _Recorder, app: Sphinx, error: Exception | None) -> None:
    """After writing: keep the warnings of the pages written; repeat those of the rest."""
    recorder.target = None
    logging.getLogger(sphinx_logging.NAMESPACE).removeHandler(recorder)
    if error is not None or recorder.app.env is None:
        return
    path = Path(app.doctreedir, WRITE_STORE)
    store = _load(path)
    found = app.env.found_docs
    for docname in recorder.written:
        store[docname] = recorder.writing.get(docname, [])
    store = {doc: warnings for doc, warnings in store.items() if doc in found and warnings}
    _repeat({doc: warnings for doc, warnings in store.items()
             if doc not in recorder.written}, "written")
    try:
        path.write_bytes(pickle.dumps(store))
    except OSError:
        pass  # the next build repeats fewer warnings, nothing worse


def _load(path: Path) -> PageWarnings:
    try:
        data = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _repeat(warnings: PageWarnings, done: str) -> None:
    count = 0
    for docname in sorted(warnings):
        for warning in warnings[docname]:
            logger.log(warning.level, warning.message, location=warning.location,
                       type=warning.type, subtype=warning.subtype)
            count += 1
    if count:
        logger.info(f"guidebook: {count} warning(s) of pages not {done} again, repeated")


#: id(application) -> its recorder, as long as the application keeps it (the recorder
#: holds the application: a weak-keyed table would keep both alive).
_recorders: weakref.WeakValueDictionary[int, _Recorder] = weakref.WeakValueDictionary()


def _recorder_of(app: Sphinx) -> _Recorder | None:
    recorder = _recorders.get(id(app))
    return recorder if recorder is not None and recorder.app is app else None


def pages_written(app: Sphinx) -> Set[str]:
    """The pages this build has written so far (in this process)."""
    recorder = _recorder_of(app)
    return recorder.written if recorder is not None else frozenset()


def note_pages_written(app: Sphinx, docnames: Iterable[str]) -> None:
    """Pages another process wrote for this build (their warnings came back as records,
    and the recorder kept them as they were given here)."""
    recorder = _recorder_of(app)
    if recorder is not None:
        recorder.written.update(docnames)


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
    recorder = _recorders[id(app)] = _Recorder(app)
    app.connect("env-before-read-docs", functools.partial(start_recording, recorder))
    app.connect("env-updated", functools.partial(replay_unchanged, recorder))
    app.connect("write-started", functools.partial(start_writing, recorder))
    app.connect("doctree-resolved", functools.partial(note_written, recorder))
    app.connect("build-finished", functools.partial(replay_unwritten, recorder))
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
