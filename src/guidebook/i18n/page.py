"""What a page shows of the languages: links to itself in each, ``hreflang``, notices.

Every language publishes every page at the same path under its own folder
(``OUT/<lang>/<guide>/<page>.html``; the original at ``OUT/<guide>/<page>.html``), so the
same page in another language is a relative link that needs no lookup. A guide withheld in
a language (below ``guidebook_languages_threshold``) leaves a page at each of its URLs that
leads to the original, so these links never break.
"""

from __future__ import annotations

import dataclasses
import html

from guidebook.i18n.coverage import Progress
from guidebook.i18n.languages import _, hreflang, name_in, own_name
from guidebook.urls import part_url


@dataclasses.dataclass(frozen=True)
class LanguageSite:
    """The languages of the site, and the one this build writes."""

    source: str
    translations: tuple[str, ...]
    current: str

    @property
    def all(self) -> tuple[str, ...]:
        return (self.source, *self.translations)

    @property
    def translating(self) -> bool:
        return self.current != self.source

    def site_root(self, page_path: str) -> str:
        """From the page at *page_path* (from this build's root) up to the whole site's root."""
        up = "../" * page_path.count("/")
        return up + "../" if self.translating else up

    def url(self, language: str, page_path: str) -> str:
        """The page at *page_path* in *language*, relative to the page itself."""
        root = self.site_root(page_path)
        return root + (page_path if language == self.source else f"{language}/{page_path}")


def language_links(site: LanguageSite, page_path: str) -> str:
    """The list of the page's languages, each linking to the page in it."""
    items = []
    for language in site.all:
        name = html.escape(own_name(language))
        tag = html.escape(hreflang(language))
        if language == site.current:
            items.append(f'<li class="guidebook-language-current" lang="{tag}">'
                         f'<span aria-current="page">{name}</span></li>')
        else:
            href = html.escape(site.url(language, page_path))
            items.append(f'<li lang="{tag}"><a href="{href}" hreflang="{tag}" '
                         f'rel="alternate">{name}</a></li>')
    label = html.escape(_("Languages"))
    return (f'<nav class="guidebook-languages" aria-label="{label}">'
            f'<ul>{"".join(items)}</ul></nav>')


def alternate_links(site: LanguageSite, page_path: str, base_url: str = "") -> str:
    """``<link rel="alternate" hreflang>`` for the page in every language (the current
    included, as search engines ask); absolute when ``html_baseurl`` is set."""
    links = []
    for language in site.all:
        if base_url:
            relative = page_path if language == site.source else f"{language}/{page_path}"
            href = base_url.rstrip("/") + "/" + relative
        else:
            href = site.url(language, page_path)
        links.append(f'<link rel="alternate" hreflang="{html.escape(hreflang(language))}" '
                     f'href="{html.escape(href)}">')
    return "\n".join(links)


def untranslated_notice(site: LanguageSite, progress: Progress, page_path: str) -> str:
    """The notice on a page shown wholly or partly in the original, in the reader's
    language; empty on a translated page."""
    original = name_in(site.source, site.current)
    if progress.untranslated:
        text = _("This page has not been translated yet; it is shown in the original "
                 "language (%(language)s).") % {"language": original}
        kind = "untranslated"
    elif progress.partial:
        text = _("This page is partly translated (%(percent)d%%); the rest is shown in "
                 "the original language (%(language)s).") % {
                     "percent": int(100 * progress.share), "language": original}
        kind = "partial"
    else:
        return ""
    link = html.escape(site.url(site.source, page_path))
    read = html.escape(_("Read the original"))
    return (f'<div class="admonition note guidebook-translation-notice" '
            f'data-translation="{kind}"><p>{html.escape(text)} '
            f'<a href="{link}" hreflang="{html.escape(hreflang(site.source))}">{read}</a></p>'
            f"</div>")


def withheld_list(site: LanguageSite, parts: list[tuple[str, str, Progress]],
                  link_suffix: str) -> str:
    """The portal's note on the guides not published in this language: (name, title,
    progress) each, with a link from the portal to the guide in the original."""
    if not parts:
        return ""
    original = name_in(site.source, site.current)
    items = []
    for name, title, progress in parts:
        href = html.escape(site.site_root("index" + link_suffix) + part_url(name, link_suffix))
        text = _("%(percent)d%% translated; read it in %(language)s") % {
            "percent": int(100 * progress.share), "language": original}
        items.append(f'<li data-part="{html.escape(name)}"><a href="{href}" '
                     f'hreflang="{html.escape(hreflang(site.source))}">{html.escape(title)}</a>'
                     f" ({html.escape(text)})</li>")
    heading = html.escape(_("Not yet translated"))
    return (f'<section class="guidebook-portal-untranslated"><h2>{heading}</h2>'
            f'<ul>{"".join(items)}</ul></section>')


def redirect_page(site: LanguageSite, title: str, page_path: str) -> str:
    """The page left at a URL of a guide withheld in this language: it leads to the page
    in the original."""
    target = html.escape(site.url(site.source, page_path))
    lang = html.escape(hreflang(site.current))
    text = html.escape(_("This guide has not been translated yet; it is published in the "
                         "original language (%(language)s).")
                       % {"language": name_in(site.source, site.current)})
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>"
            f'<meta http-equiv="refresh" content="0; url={target}">'
            f'<link rel="canonical" href="{target}"></head>'
            f'<body><p>{text} <a href="{target}">{html.escape(title)}</a></p></body></html>\n')

