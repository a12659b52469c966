"""What a build that crashed says: whose code failed, and on which page.

An exception no one handled ends a build. When it was raised in guidebook, Sphinx or
docutils, it is guidebook's to fix: an internal error, to report. When it was raised in an
extension the project loads (``oslo_config.sphinxext`` asked for an option the installed
code no longer has) or in conf.py, the message names that code and the page Sphinx was
reading or writing, so the reader knows where to look and whom to tell.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The packages whose exceptions are guidebook's to fix (internal errors).
OWN_PACKAGES = frozenset({"guidebook", "sphinx", "docutils"})


def _frames(tb: TracebackType | None) -> list[tuple[FrameType, int]]:
    found: list[tuple[FrameType, int]] = []
    while tb is not None:
        found.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    return found


def _package(frame: FrameType) -> str:
    name = frame.f_globals.get("__name__")
    return str(name).split(".", 1)[0] if name else ""


def _culprit(frames: list[tuple[FrameType, int]]) -> tuple[FrameType, int] | None:
    """The innermost frame of code that is neither guidebook's, Sphinx's, docutils' nor
    the standard library's: an extension's or conf.py's (None: the crash is ours)."""
    for frame, line in reversed(frames):
        package = _package(frame)
        if package in OWN_PACKAGES:
            return None
        if package and package in sys.stdlib_module_names:
            continue
        return frame, line
    return None


def _page(frames: list[tuple[FrameType, int]], app: Sphinx | None) -> tuple[str, str] | None:
    """The source file of the page Sphinx was reading or writing, and which it was."""
    if app is None:
        return None
    for frame, _line in reversed(frames):
        docname = frame.f_locals.get("docname")
        if isinstance(docname, str) and docname in app.env.found_docs:
            doing = ("read" if any(f.f_code.co_name == "read_doc" for f, _ in frames)
                     else "written")
            return str(app.env.doc2path(docname)), doing
    return None


def crash_message(exc: BaseException, app: Sphinx | None, log: str) -> str:
    """The one line a crashed build prints (the traceback is in *log*)."""
    error = f"{type(exc).__name__}: {exc}"
    frames = _frames(exc.__traceback__)
    culprit = _culprit(frames)
    if culprit is None:
        return f"guidebook: internal error: {error} (details in {log}; please report it)"
    frame, line = culprit
    name = str(frame.f_globals.get("__name__") or "")
    filename = Path(frame.f_code.co_filename)
    code = "conf.py" if filename.name == "conf.py" else f"the extension {name}"
    page = _page(frames, app)
    where = f"{page[0]}: " if page else ""
    during = f" while this page was {page[1]}" if page else ""
    return (f"guidebook: error: {where}{code} failed{during}: {error} (at {filename}:{line}; "
            f"details in {log}; not guidebook's code: fix or report it there)")
