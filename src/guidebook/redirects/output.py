"""What a redirect becomes on disk: ``.htaccess`` lines and an HTML page at the old URL.

``.htaccess`` holds ``Redirect 301`` lines, one per old URL, then one ``RedirectMatch 301``
per folder rule (whereto, which tests redirects, reads both but not ``RewriteRule``).
Apache tries them in order and the first that matches answers, so a page's own line wins
over its folder's rule, and a deeper folder's rule over a shallower one. Apache matches
against the whole URL path, so every path starts with ``guidebook_redirect_base``: ``/``
when the site is published at the root of its host, ``/glance/latest/`` when it is
published there.

The HTML stub serves static hosts without ``.htaccess``: an immediate meta refresh, a
canonical link for search engines and a plain link for everyone else; no JavaScript.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Sequence
from pathlib import Path

from guidebook.redirects.resolve import FolderRedirect, Redirect

HTACCESS_NAME = ".htaccess"
HTACCESS_HEADER = (
    "# Written by guidebook from the redirect map; changes here are lost at the next "
    "build.\n"
)
#: The directive that names the not-found page (whereto, which tests redirects, reads no
#: other kind of line: ``guidebook_htaccess_not_found = False`` leaves it out).
ERROR_DOCUMENT = "ErrorDocument 404"
#: Marks the pages guidebook writes at old URLs, so a later build may remove them.
STUB_MARKER = '<meta name="generator" content="guidebook redirect">'
def htaccess(redirects: list[Redirect], base: str,
             folders: Sequence[FolderRedirect] = (), not_found: str | None = None) -> str:
    """The ``.htaccess`` text: ``ErrorDocument 404`` naming the *not_found* page (a site
    path) if there is one, ``Redirect 301 OLD NEW`` for each redirect that no folder rule
    answers, then ``RedirectMatch 301 ^OLD(.*)$ NEW$1`` for each folder rule."""
    lines = [HTACCESS_HEADER]
    if not_found is not None:
        lines.append(f"{ERROR_DOCUMENT} {base}{not_found}\n")
    for redirect in redirects:
        if redirect.folder is None:
            lines.append(f"Redirect 301 {base}{redirect.source} {base}{redirect.target}\n")
    for rule in folders:
        lines.append(f"RedirectMatch 301 ^{_literal(base + rule.source)}(.*)$ "
                     f"{base}{rule.target}$1\n")
    return "".join(lines)


def rebase(text: str, old_base: str, new_base: str) -> str:
    """The ``.htaccess`` text *text* with every path moved from *old_base* to *new_base*
    (for a site published one folder deeper, as each version of a versioned site is)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith(("Redirect ", ERROR_DOCUMENT)):
            line = line.replace(f" {old_base}", f" {new_base}")
        elif line.startswith("RedirectMatch "):
            line = line.replace(f" ^{_literal(old_base)}", f" ^{_literal(new_base)}").replace(
                f" {old_base}", f" {new_base}")
        lines.append(line)
    return "".join(lines)


def _literal(path: str) -> str:
    """*path* as a regular expression matching only itself (its only special character is ".")."""
    return path.replace(".", "\\.")


def relative_url(source: str, target: str) -> str:
    """The link from the page at *source* to *target* (both relative to the site root)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def is_stub(path: Path) -> bool:
    """Whether *path* is a redirect stub a guidebook build wrote (never a real page)."""
    try:
        with path.open(encoding="utf-8") as stream:
            return STUB_MARKER in stream.read(600)
    except (OSError, UnicodeDecodeError):
        return False


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
