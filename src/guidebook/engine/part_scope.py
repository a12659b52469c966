"""Writing one part: the builder's shared state scoped to the part, and restored after.

While a guide or part is written, the builder's tags hold the part's audience tag (so
``.. audience::`` blocks for other guides drop out through Sphinx's own ``only``
machinery), the environment's tables of contents and toctree includes list only the part's
pages, and the search index goes to the part's folder. The output folder stays the site
root, so every page finds the one ``_static/``, ``_images/`` and ``_downloads/`` there.
:func:`part_scope` sets all of it and puts everything back when the part is done, also when
writing it failed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sphinx.builders.html import StandaloneHTMLBuilder

from guidebook.audiences.model import audience_tag
from guidebook.engine.navigation import filtered_tocs
from guidebook.sphinx_internals import forget_evaluated_conditions

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment
    from sphinx.util.tags import Tags

    from guidebook.engine.part_navigation import PartNavigation
    from guidebook.sites import Part


class ScopedBuilder(Protocol):
    """The builder state a part's writing scopes (the guidebook builder has it)."""

    env: BuildEnvironment
    tags: Tags
    site_root: Path
    current: Part | None
    searchindex_filename: str
    images: dict[str, str]
    navigation: PartNavigation


@contextlib.contextmanager
def part_scope(builder: ScopedBuilder, part: Part) -> Iterator[None]:
    """Scope *builder* to *part* for the ``with`` block: tags, env views, search index."""
    env = builder.env
    saved_tocs, saved_includes = env.tocs, env.toctree_includes
    tag = audience_tag(part.name)
    tag_was_set = tag in builder.tags
    try:
        builder.current = part
        (builder.site_root / part.name).mkdir(parents=True, exist_ok=True)
        builder.searchindex_filename = part_search_index(part)
        builder.tags.add(tag)
        forget_evaluated_conditions(builder.tags)
        builder.images = {}
        builder.navigation.forget_rendered()
        env.tocs = filtered_tocs(env, part.docnames)
        env.toctree_includes = {
            doc: [child for child in children if child in part.docnames]
            for doc, children in saved_includes.items()
            if doc in part.docnames
        }
        yield
    finally:
        if not tag_was_set:
            builder.tags.remove(tag)
        forget_evaluated_conditions(builder.tags)
        env.tocs, env.toctree_includes = saved_tocs, saved_includes
        builder.current = None
        builder.navigation.forget_rendered()
        builder.searchindex_filename = StandaloneHTMLBuilder.searchindex_filename


def part_search_index(part: Part) -> str:
    """The part's search index, from the site root: ``user/searchindex.js``."""
    return f"{part.name}/{StandaloneHTMLBuilder.searchindex_filename}"
