"""The site's "page not found" page: ``OUT/404.html``, in the site's theme, once per site.

sphinx-notfound-page renders it: the theme's ``page.html`` with every link and asset URL
made absolute under ``notfound_urls_prefix``, since the web server answers a missing URL
at any depth with it (``ErrorDocument 404`` in ``.htaccess``, see
:mod:`guidebook.redirects.output`). guidebook writes it once, at the site root, rather
than once per guide as the extension would, defaults the prefix to
``guidebook_redirect_base``, and gives it a body that leads to the portal and to every
guide and part. The sidebar navigation belongs to a guide, so the page has none.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from guidebook.config import GuidebookConfig
from guidebook.urls import part_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from guidebook.config import Part

#: The page's name, unless conf.py sets ``notfound_pagename``.
NOT_FOUND_PAGE = "404"


def default_settings(app: Sphinx, config: Config) -> None:
    """``config-inited``: the not-found page's URL prefix is the site's redirect base,
    unless conf.py sets one (the extension's own default is Read the Docs' ``/en/latest/``).
    """
    if config.notfound_urls_prefix == config.values["notfound_urls_prefix"].default:
        config.notfound_urls_prefix = GuidebookConfig.from_sphinx(config).redirect_base


def page_name(config: Config) -> str:
    return str(getattr(config, "notfound_pagename", NOT_FOUND_PAGE))


def body(config: Config, parts: Iterable[Part], link_suffix: str) -> str:
    """The page's body: what happened, and absolute links to the portal and every part."""
    prefix = str(config.notfound_urls_prefix or "/")
    links = "".join(
        f'<li><a href="{html.escape(prefix + part_url(part.name, link_suffix))}">'
        f"{html.escape(part.title)}</a></li>"
        for part in parts
    )
    return (
        '<section class="guidebook-not-found">'
        "<h1>Page not found</h1>"
        "<p>There is no page at this address. It may have moved, or the link that led "
        "here may be mistyped.</p>"
        f'<p><a class="guidebook-not-found-portal" href="{html.escape(prefix)}index'
        f'{link_suffix}">All guides</a>, or go straight to one:</p>'
        f'<ul class="guidebook-not-found-parts">{links}</ul>'
        "</section>"
    )


def rebase(text: str, old_prefix: str, new_prefix: str) -> str:
    """The not-found page *text* with its absolute links and assets moved from
    *old_prefix* to *new_prefix* (for a site published one folder deeper)."""
    for attribute in ("href", "src", "action"):
        text = text.replace(f'{attribute}="{old_prefix}', f'{attribute}="{new_prefix}')
    return text


def without_navigation(app: Sphinx, pagename: str, templatename: str,
                       context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``, after sphinx-notfound-page's own handler: no sidebar
    navigation on the not-found page (the extension's would list one guide, wrongly),
    and the tags of :func:`head_tags`."""
    if pagename == page_name(app.config):
        context["toctree"] = lambda **kwargs: ""
        context["display_toc"] = False
        context["metatags"] = context.get("metatags", "") + head_tags(context)


def head_tags(context: dict[str, Any]) -> str:
    """The not-found page's description (the guides') and, when the project has no
    favicon, an empty one: a browser would ask for ``/favicon.ico`` and get a 404."""
    tags = ""
    description = context.get("guidebook_description")
    if description:
        tags += f'<meta name="description" content="{html.escape(description)}" />\n'
    if not context.get("favicon_url"):
        tags += '<link rel="icon" href="data:," />\n'
    return tags
