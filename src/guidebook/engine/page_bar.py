"""The part's page context: the guide bar, the audience switcher and the guide's home.

The markup comes from the package templates ``guidebook/guidebar.html`` and
``guidebook/switcher.html``, rendered through the builder's template bridge, so a project
can override them from its own ``templates_path`` as it can Sphinx's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder

    from guidebook.config import Part
    from guidebook.sites import Site

GUIDE_BAR_TEMPLATE = "guidebook/guidebar.html"


def part_context(site: Site, part: Part, pagename: str, link_suffix: str) -> dict[str, Any]:
    """The template context guidebook adds to a page of *part*."""
    up = "../" * part.path(pagename).count("/")
    switcher = []
    for name in site.parts_of(pagename):
        other = site.parts[name]
        switcher.append({
            "name": name,
            "title": other.title,
            "url": "#" if name == part.name else f"{up}{other.path(pagename)}{link_suffix}",
            "current": name == part.name,
        })
    return {
        "guidebook_part": part.name,
        "guidebook_part_title": part.title,
        "guidebook_portal_url": f"{up}index{link_suffix}",
        "guidebook_switcher": switcher,
        "root_doc": part.root,
        "master_doc": part.root,
    }


def render_guide_bar(builder: StandaloneHTMLBuilder, part: Part, pagename: str,
                     ctx: dict[str, Any]) -> str:
    """The guide bar and the switcher for *pagename*, from its :func:`part_context`."""
    return str(builder.templates.render(GUIDE_BAR_TEMPLATE, {
        "guide_title": ctx["guidebook_part_title"],
        "search_url": "../" * part.path_in_part(pagename).count("/") + "search.html",
        "portal_url": ctx["guidebook_portal_url"],
        "switcher": ctx["guidebook_switcher"],
        "pdf_url": ctx.get("guidebook_pdf_url"),
    }))
