"""What a redirect becomes on disk: ``.htaccess`` lines and an HTML page at the old URL.

``.htaccess`` holds only ``Redirect 301`` lines (whereto, which tests redirects, cannot
read ``RewriteRule``). Apache matches ``Redirect`` against the whole URL path, so every
path starts with ``guidebook_redirect_base``: ``/`` when the site is published at the
root of its host, ``/glance/latest/`` when it is published there.

The HTML stub serves static hosts without ``.htaccess``: an immediate meta refresh, a
canonical link for search engines and a plain link for everyone else; no JavaScript.
"""

from __future__ import annotations

import html
import posixpath
import re

from guidebook.redirects.mapfile import RedirectSyntaxError
from guidebook.redirects.resolve import Redirect

HTACCESS_NAME = ".htaccess"
HTACCESS_HEADER = (
    "# Written by guidebook from the redirect map; changes here are lost at the next "
    "build.\n"
)
#: Marks the pages guidebook writes at old URLs, so a later build may remove them.
STUB_MARKER = '<meta name="generator" content="guidebook redirect">'
_BASE = re.compile(r"/(?:[A-Za-z0-9._-]+/)*\Z")


def check_base(base: str) -> str:
    """Validate ``guidebook_redirect_base``: a URL path that starts and ends with ``/``."""
    if not _BASE.match(base) or "/../" in base or "/./" in base:
        raise RedirectSyntaxError(
            f"guidebook_redirect_base {base!r} must be a URL path such as '/' or "
            "'/glance/latest/' (starting and ending with '/', letters, digits, '.', '_', '-')"
        )
    return base


def htaccess(redirects: list[Redirect], base: str) -> str:
    """The ``.htaccess`` text: one ``Redirect 301 OLD NEW`` per redirect."""
    lines = [HTACCESS_HEADER]
    for redirect in redirects:
        lines.append(f"Redirect 301 {base}{redirect.source} {base}{redirect.target}\n")
    return "".join(lines)


def relative_url(source: str, target: str) -> str:
    """The link from the page at *source* to *target* (both relative to the site root)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def stub_page(redirect: Redirect, title: str, *, language: str, canonical: str | None) -> str:
    """The HTML page written at the old URL of *redirect*."""
    href = html.escape(relative_url(redirect.source, redirect.target))
    canonical_href = html.escape(canonical) if canonical else href
    name = html.escape(title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"{STUB_MARKER}\n"
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'<link rel="canonical" href="{canonical_href}">\n'
        f"<title>Moved: {name}</title>\n"
        "</head>\n"
        "<body>\n"
        f'<p>This page has moved to <a href="{href}">{name}</a>.</p>\n'
        "</body>\n"
        "</html>\n"
    )
