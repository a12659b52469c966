"""Redirects: old URLs keep working after a page moves or leaves a guide.

The redirect map (``guidebook_redirects_file``, ``redirects.txt`` in the source
directory; format in :mod:`guidebook.redirects.mapfile`) is read when the site is
finished. Each old URL gets a ``Redirect 301`` line in ``OUT/.htaccess``, an HTML page
that forwards readers on static hosts, and an entry in ``guidebook.json``'s
``"redirects"``: ``{"from": "user/old.html", "to": "user/new.html", "guide": "user"}``.
A folder rule (``user/user/ user/``) is one ``RedirectMatch`` line in ``.htaccess``, and
a stub and a manifest entry for each page it sends readers to.
``.htaccess`` also names the site's not-found page (:mod:`guidebook.engine.not_found`)
with ``ErrorDocument 404``. Every refused line is a warning
``redirects.txt:LINE: message [guidebook.redirects]`` (an error under ``--strict``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.osutil import FileAvoidWrite

from guidebook import manifest as manifest_schema
from guidebook.config import GuidebookConfig, Part
from guidebook.engine import not_found
from guidebook.manifest import Manifest
from guidebook.redirects.mapfile import URL_SUFFIX, RedirectMap, parse_map
from guidebook.redirects.output import (
    HTACCESS_HEADER,
    HTACCESS_NAME,
    STUB_MARKER,
    htaccess,
    stub_page,
)
from guidebook.redirects.resolve import FolderRedirect, Redirect, resolve
from guidebook.sites import get_site
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

DEFAULT_MAP = "redirects.txt"


def read_map(app: Sphinx) -> tuple[Path, RedirectMap]:
    """The redirect map of the project (empty when the file does not exist)."""
    name = GuidebookConfig.from_sphinx(app.config).redirects_file
    path = Path(app.srcdir, name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if name != DEFAULT_MAP:
            warn(WarningCode.REDIRECTS, f"{path}: the redirect map named by "
                 "guidebook_redirects_file does not exist", location=str(Path(app.confdir,
                                                                               "conf.py")))
        return path, RedirectMap((), ())
    except (OSError, UnicodeDecodeError) as exc:
        warn(WarningCode.REDIRECTS, f"cannot read the redirect map: {exc}",
             location=f"{path}:1")
        return path, RedirectMap((), ())
    return path, parse_map(text)


def site_parts(app: Sphinx) -> list[Part]:
    """The guides and parts of the site that are published (their root page exists)."""
    return _published_parts(app.env)


def _published_parts(env: BuildEnvironment) -> list[Part]:
    return [
        part
        for part in get_site(env).parts.values()
        if part.root in env.found_docs
    ]


def redirect_targets(env: BuildEnvironment) -> dict[str, str]:
    """Every old URL the redirect map sends on, and where, both from the site root (the
    switcher's closest page in a guide the page left; the map's errors are reported
    once, by :func:`write_redirects`)."""
    path = Path(env.srcdir, GuidebookConfig.from_sphinx(env.config).redirects_file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    resolution = resolve(parse_map(text), _published_parts(env))
    return {redirect.source: redirect.target for redirect in resolution.redirects}


def write_redirects(app: Sphinx, staging_dir: Path,
                    manifest: Manifest) -> tuple[manifest_schema.Redirect, ...]:
    """``guidebook-site-finished``: write ``.htaccess`` and the stubs; return the redirects
    for the manifest."""
    path, redirect_map = read_map(app)
    parts = site_parts(app)
    resolution = resolve(redirect_map, parts)
    for error in resolution.errors:
        warn(WarningCode.REDIRECTS, error.message, location=f"{path}:{error.lineno}")
    settings = GuidebookConfig.from_sphinx(app.config)
    base = settings.redirect_base
    redirects = list(resolution.redirects)
    _remove_stale_stubs(staging_dir, {redirect.source for redirect in redirects})
    docname_at = {part.url(doc): doc for part in parts for doc in part.docnames}
    for redirect in redirects:
        _write_stub(app, staging_dir, redirect, docname_at)
    page = f"{not_found.page_name(app.config)}{URL_SUFFIX}"
    named = settings.htaccess_not_found and (staging_dir / page).is_file()
    _write_htaccess(staging_dir, redirects, resolution.folders, base, page if named else None)
    return tuple(manifest_schema.Redirect(redirect.source, redirect.target, redirect.guide)
                 for redirect in redirects)


def _write_stub(app: Sphinx, staging_dir: Path, redirect: Redirect,
                docname_at: dict[str, str]) -> None:
    target = staging_dir / redirect.source
    root = staging_dir.resolve()
    if not target.resolve().is_relative_to(root):  # a symlink in the output tree
        warn(WarningCode.REDIRECTS, f"{redirect.source}: not written, it leads outside "
             "the output directory", location=str(root))
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    baseurl = str(app.config.html_baseurl or "")
    canonical = f"{baseurl.rstrip('/')}/{redirect.target}" if baseurl else None
    _write_if_changed(target, stub_page(redirect, _title(app, docname_at.get(redirect.target)),
                                        language=str(app.config.language or "en"),
                                        canonical=canonical))


def _write_if_changed(path: Path, text: str) -> None:
    """Write *text* unless *path* holds it already: a stub or ``.htaccess`` that did not
    change keeps its modification time, so a deployment that compares times uploads only
    what a build changed (Sphinx's pages are kept the same way)."""
    with FileAvoidWrite(path) as stream:
        stream.write(text)


def _title(app: Sphinx, docname: str | None) -> str:
    """The title of the page *docname* (the project's name for the portal or a generated
    page)."""
    title = app.env.titles.get(docname) if docname is not None else None
    return title.astext() if title is not None else str(app.config.project)


def _write_htaccess(staging_dir: Path, redirects: list[Redirect],
                    folders: Sequence[FolderRedirect], base: str, not_found: str | None) -> None:
    path = staging_dir / HTACCESS_NAME
    if redirects or folders or not_found:
        _write_if_changed(path, htaccess(redirects, base, folders, not_found))
    elif _written_by_us(path, HTACCESS_HEADER):
        path.unlink()


def _remove_stale_stubs(staging_dir: Path, keep: set[str]) -> None:
    """Remove the stubs of a previous build whose redirect is gone (never a real page)."""
    try:
        previous = json.loads((staging_dir / "guidebook.json").read_text(encoding="utf-8"))
        entries = list(previous.get("redirects", []))
    except (OSError, ValueError, AttributeError, TypeError):
        return
    for entry in entries:
        source = entry.get("from") if isinstance(entry, dict) else None
        if not isinstance(source, str) or source in keep:
            continue
        path = staging_dir / source
        if path.resolve().is_relative_to(staging_dir.resolve()) and _written_by_us(
            path, STUB_MARKER
        ):
            path.unlink()


def _written_by_us(path: Path, marker: str) -> bool:
    try:
        return marker in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("guidebook-site-finished", write_redirects)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
