"""Writing one part: the builder's shared state scoped to the part, and restored after.

While a guide or part is written, the builder's tags hold the part's audience tag (so
``.. audience::`` blocks for other guides drop out through Sphinx's own ``only``
machinery), the environment's tables of contents and toctree includes list only the part's
pages, and the output folder is the part's own. :func:`part_scope` sets all of it and puts
everything back when the part is done, also when writing it failed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from guidebook.audiences.model import audience_tag
from guidebook.engine.navigation import filtered_tocs
from guidebook.sphinx_internals import forget_evaluated_conditions, set_html_outdir

if TYPE_CHECKING:
    from guidebook.engine.builder import GuidebookBuilder
    from guidebook.sites import Part


@contextlib.contextmanager
def part_scope(builder: GuidebookBuilder, part: Part) -> Iterator[None]:
    """Scope *builder* to *part* for the ``with`` block: tags, env views, output folder."""
    env = builder.env
    saved_tocs, saved_includes = env.tocs, env.toctree_includes
    tag = audience_tag(part.name)
    tag_was_set = tag in builder.tags
    try:
        builder.current = part
        outdir = builder.site_root / part.name
        outdir.mkdir(parents=True, exist_ok=True)
        set_html_outdir(builder, outdir)
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
        set_html_outdir(builder, builder.site_root)
