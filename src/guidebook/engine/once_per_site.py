"""Work whose result is the same in every guide, done once per build instead of per guide.

A page shared by several guides is written once for each of them, and some of the work of
writing it does not depend on the guide at all. Two such costs were measured on real
OpenStack trees (issue 28; ``benchmarks/phases.py``):

- **the theme's "last updated" date.** openstackdocstheme runs ``git log`` for every page
  it renders (``html-page-context``), a process start each time: a tenth to a third of
  the writing time on a 41- to 172-page tree, repeated for every guide showing the page.
  :func:`git_dates_once` keeps each source file's answer for the rest of the build.
- **syntax highlighting.** Pygments lexes and formats every code block again in every
  guide. :class:`SiteHighlighter` keeps each highlighted block, keyed by everything the
  output depends on and by the block's own source location, so a warning about a block
  is still given (once) at its line, and two blocks with the same text stay two entries.

Both live for one build only: an edited page or a new commit is seen by the next build.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.highlighting import PygmentsBridge
from sphinx.util.logging import get_node_location

from guidebook.sphinx_internals import memoize_theme_git_dates

if TYPE_CHECKING:
    from sphinx.application import Sphinx


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


#: Per application: puts the theme's own git function back.
_restore: weakref.WeakKeyDictionary[Sphinx, Callable[[], None]] = weakref.WeakKeyDictionary()


def git_dates_once(app: Sphinx) -> None:
    """``builder-inited``: the theme asks git about each source file once in this build.

    Only for the guidebook builder (by name: the builder module imports this one), the
    one that writes pages several times; plain Sphinx builders keep the theme as it is.
    """
    if app.builder.name == "guidebook":
        _restore[app] = memoize_theme_git_dates()


def git_dates_as_before(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the theme's own function again (a later build asks git anew)."""
    restore = _restore.pop(app, None)
    if restore is not None:
        restore()


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", git_dates_once)
    app.connect("build-finished", git_dates_as_before)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
