"""Toctree captions as headings with a level, in the sidebar and in the page body.

Sphinx writes a toctree's caption as ``<p class="caption" role="heading">`` with no
``aria-level``, which axe-core reports as a critical failure (WAI-ARIA's heading role
requires a level). Plain Sphinx has it on the one page with a captioned toctree;
guidebook makes each guide's root toctree the sidebar of every page, so it mends the
markup it spreads: every caption gets level 2, under the page's one ``h1``. (Level 2,
not lower: heading levels may rise again, but must not skip on the way down.)
"""

from __future__ import annotations

#: The opening tag Sphinx's HTML writer gives a toctree caption.
SPHINX_CAPTION = '<p class="caption" role="heading">'
#: The same with a heading level.
CAPTION_HEADING = '<p class="caption" role="heading" aria-level="2">'


def with_caption_levels(body: str) -> str:
    """*body* with every toctree caption Sphinx wrote given a heading level."""
    return body.replace(SPHINX_CAPTION, CAPTION_HEADING)
