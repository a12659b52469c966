"""The part's page context: the guide bar, the audience switcher and the guide's home.

The markup comes from the package templates ``guidebook/guidebar.html`` and
``guidebook/switcher.html``, rendered through the builder's template bridge, so a project
can override them from its own ``templates_path`` as it can Sphinx's. Pages without a
body of their own (the search page, the general and domain indexes) get the bar through
the package's ``search.html``, ``genindex.html`` and ``domainindex.html``, which extend
the theme's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx.builders.html import StandaloneHTMLBuilder

from guidebook.engine.part_writer import part_search_index

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from guidebook.config import Part
    from guidebook.engine.closest import ClosestPages
    from guidebook.sites import Site

GUIDE_BAR_TEMPLATE = "guidebook/guidebar.html"
#: The page that gets the other parts' search indexes ("Also found in").
SEARCH_PAGE = "search"


def part_context(site: Site, part: Part, pagename: str, link_suffix: str,
                 closest: ClosestPages) -> dict[str, Any]:
    """The template context guidebook adds to a page of *part*."""
    up = "../" * part.path(pagename).count("/")
    return {
        "guidebook_part": part.name,
        "guidebook_part_title": part.title,
        "guidebook_portal_url": f"{up}index{link_suffix}",
        "guidebook_switcher": _switcher(site, part, pagename, up, closest),
        "guidebook_other_indexes": (_other_indexes(site, part, up, link_suffix)
                                    if pagename == SEARCH_PAGE else []),
        "root_doc": part.root,
        "master_doc": part.root,
    }


def _switcher(site: Site, part: Part, pagename: str, up: str,
              closest: ClosestPages) -> list[dict[str, Any]]:
    """Every part that has the page, and on a guide's page every other guide too, each
    with its closest page (:class:`~guidebook.engine.closest.ClosestPages`)."""
    names = site.parts_of(pagename)
    if part.kind == "guide" and part.name in names:
        names += [guide.name for guide in site.guides if guide.name not in names]
    entries = []
    for name in names:
        other = site.parts[name]
        target, match = closest.in_part(pagename, other)
        entries.append({
            "name": name,
            "title": other.title,
            "url": "#" if name == part.name else f"{up}{target}",
            "current": name == part.name,
            "match": match,
        })
    return entries


def _other_indexes(site: Site, part: Part, up: str, link_suffix: str) -> list[dict[str, str]]:
    """The other parts' search pages and indexes, from the part's search page: each is
    loaded and searched on its own, so the indexes never mix."""
    return [
        {"title": other.title,
         "search": f"{up}{other.path(SEARCH_PAGE)}{link_suffix}",
         "index": f"{up}{part_search_index(other)}"}
        for other in site.parts.values() if other.name != part.name
    ]


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


def add_search_script(app: Sphinx, pagename: str, templatename: str,
                      context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: a part's search page gets ``guidebook-search.js`` (summaries
    without the guide bar; "Also found in"), after the theme's search scripts."""
    # The builder's add_js_file, not the application's: the application's also registers
    # the script for every page the next part's prepare_writing sets up.
    if (pagename == SEARCH_PAGE and "guidebook_part" in context
            and isinstance(app.builder, StandaloneHTMLBuilder)):
        app.builder.add_js_file("guidebook-search.js", priority=500, defer="defer")
