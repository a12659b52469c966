"""Work whose result is the same in every guide, done once per build instead of per guide.

A page shared by several guides is written once for each of them, and some of the work of
writing it does not depend on the guide at all. Two such costs were measured on real
OpenStack trees (issue 28; ``benchmarks/phases.py``):

- **the theme's "last updated" date.** openstackdocstheme runs ``git log -n1 -- <file>``
  for every page it renders (``html-page-context``), a process and a walk of the history
  each time: a tenth to a third of the writing time on a 41- to 172-page tree (0.2 to
  2.2 s of CPU time), repeated for every guide showing the page. :func:`git_dates_once`
  keeps each source file's answer for the rest of the build, and :func:`git_dates_early`
  finds the dates of the pages being read in a background thread, while Sphinx reads:
  all of them from ONE walk of the history (:func:`guidebook.git.last_commit_dates`,
  which replays git's per-file walk, so each date is the one the theme's own call
  gives), the theme's own call only for a file the walk cannot answer, or when a few
  files are read (a one-page edit), for which the calls cost less than a walk.
- **syntax highlighting.** Pygments lexes and formats every code block again in every
  guide. :class:`SiteHighlighter` keeps each highlighted block, keyed by everything the
  output depends on and by the block's own source location, so a warning about a block
  is still given (once) at its line, and two blocks with the same text stay two entries.

Both live for one build only: an edited page or a new commit is seen by the next build.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.highlighting import PygmentsBridge
from sphinx.util.logging import get_node_location

from guidebook.git import last_commit_dates
from guidebook.sphinx_internals import THEME_GIT_DATE_FORMAT, ThemeGitDates

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


class SiteHighlighter(PygmentsBridge):
    """Sphinx's highlighter, highlighting each code block once per build."""

    @classmethod
    def replacing(cls, bridge: PygmentsBridge) -> SiteHighlighter:
        """A caching highlighter with *bridge*'s style and settings."""
        highlighter = cls.__new__(cls)
        vars(highlighter).update(vars(bridge))
        highlighter.highlighted = {}
        return highlighter

    highlighted: dict[tuple[Any, ...], str]

    def highlight_block(self, source: str, lang: str, opts: dict[str, Any] | None = None,
                        force: bool = False, location: Any = None, **kwargs: Any) -> str:
        place = get_node_location(location) if isinstance(location, nodes.Node) \
            else repr(location)
        key = (source, lang, repr(sorted((opts or {}).items())), force, place,
               repr(sorted(kwargs.items())))
        found = self.highlighted.get(key)
        if found is None:
            found = super().highlight_block(source, lang, opts, force, location, **kwargs)
            self.highlighted[key] = found
        return found


#: Per application: the keeper of the theme's git dates during its build.
_dates: weakref.WeakKeyDictionary[Sphinx, ThemeGitDates] = weakref.WeakKeyDictionary()


def git_dates_once(app: Sphinx) -> None:
    """``builder-inited``: the theme asks git about each source file once in this build.

    Only for the guidebook builder (by name: the builder module imports this one), the
    one that writes pages several times; plain Sphinx builders keep the theme as it is.
    """
    if app.builder.name == "guidebook":
        keeper = ThemeGitDates.install()
        if keeper is not None:
            _dates[app] = keeper


def git_dates_early(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: ask git about the pages about to be read, while they are.

    These are the pages the build writes (all of them in a fresh build). The theme names
    a page's source relative to the working directory, and tries ``doc/source/<path>``
    when that is not a file; both are asked, in the theme's order, and git runs in the
    working directory, as the theme's call does.
    """
    keeper = _dates.get(app)
    if keeper is None:
        return
    src_files = []
    for docname in docnames:
        relative = os.path.relpath(env.doc2path(docname), env.srcdir)
        src_files.append(relative)
        if not os.path.exists(relative):
            src_files.append(os.path.join("doc", "source", relative))
    cwd = Path.cwd()
    keeper.prefetch(src_files, lambda files: _last_commit_dates(cwd, files))


#: The fewest files whose dates are found by one walk of the history rather than by the
#: theme's call for each. Measured on OpenStack trees (placement, octavia, keystone,
#: ironic), one walk costs what 14 to 75 calls for tracked files cost (0.12 to 0.48 s of
#: CPU time): a one-page edit, which reads a few pages, asks per file.
WALK_FROM_FILES = 16


def _last_commit_dates(cwd: Path, src_files: list[str]) -> dict[str, str | None]:
    """What the theme's ``git log`` in *cwd* prints for each of *src_files* (existing
    files), from one walk; nothing for fewer than :data:`WALK_FROM_FILES` files."""
    if len(src_files) < WALK_FROM_FILES:
        return {}
    return last_commit_dates(cwd, src_files, THEME_GIT_DATE_FORMAT)


def git_dates_ready(app: Sphinx, builder: Builder) -> None:
    """``write-started``: with ``-j N`` Sphinx forks page writers, which must find every
    date asked already (a thread does not survive the fork)."""
    keeper = _dates.get(app)
    if keeper is not None and app.parallel > 1:
        keeper.wait()


def git_dates_as_before(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the theme's own function again (a later build asks git anew)."""
    keeper = _dates.pop(app, None)
    if keeper is not None:
        keeper.restore()


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", git_dates_once)
    app.connect("env-before-read-docs", git_dates_early)
    app.connect("write-started", git_dates_ready)
    app.connect("build-finished", git_dates_as_before)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
