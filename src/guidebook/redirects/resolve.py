"""From the lines of the redirect map to the site's redirects, one per old URL.

A line whose old side is a **docname** (a page that moved) stands for that page's URL in
every guide, and in every other part whose folder held it or that holds the new page:
``user/old`` gives ``user/old.html``, ``operator/user/old.html`` and so on (URLs as
:mod:`guidebook.urls` lays them out). A line whose old side is a **site path** stands for
that one URL and wins over the expansion of a docname line. A **folder** line
(``user/user/ user/``) moves a whole folder: it is one rule for the web server
(:class:`FolderRedirect`), and it stands for the old URL of every page the site now serves
below the new folder, or that a docname line moved away from there, so that the stubs and
the manifest list each of them (a page that moves on keeps its oldest URL too); a page or
site-path line wins over it. A folder line is refused while the site still serves a page
below its old folder (the web server would hide that page) or serves none below its new one.

The new side is resolved per old URL: a docname goes to the page in the same guide when
that guide has it, else in the first guide or part (in conf.py order) that has it; a site
path is taken as written. Chains are collapsed to one hop, cycles refused, and so is a
redirect from a URL the site still serves or to one it does not.

Pure functions of the map and the site's membership: no Sphinx here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from guidebook.config import Part
from guidebook.redirects.mapfile import URL_SUFFIX, MapError, RedirectLine, RedirectMap
from guidebook.urls import GENERATED_PAGES

PORTAL = "index" + URL_SUFFIX


@dataclasses.dataclass(frozen=True)
class Redirect:
    """One old URL and where it now sends readers (both relative to the site root)."""

    source: str
    target: str
    guide: str | None  # the guide or part the old URL belongs to, None for other URLs
    lineno: int
    #: The folder rule the web server answers this URL with (None: a line of its own).
    folder: FolderRedirect | None = None


@dataclasses.dataclass(frozen=True)
class FolderRedirect:
    """Every URL below *source* goes to the same path below *target* (both end in ``/``)."""

    source: str
    target: str
    lineno: int


@dataclasses.dataclass(frozen=True)
class Resolution:
    redirects: tuple[Redirect, ...]
    errors: tuple[MapError, ...]
    folders: tuple[FolderRedirect, ...] = ()


def served_urls(parts: Sequence[Part]) -> set[str]:
    """Every URL the site answers with a page."""
    urls = {PORTAL}
    for part in parts:
        urls.update(part.url(doc) for doc in part.docnames)
        urls.update(part.url(doc) for doc in GENERATED_PAGES)
    return urls


def _top_folder(docname: str) -> str:
    return docname.split("/", 1)[0] if "/" in docname else ""


def _expansion(line: RedirectLine, parts: Sequence[Part]) -> list[Part]:
    """The parts in which the old page of a docname line had a URL."""
    old, new = line.old.path, line.new.path
    return [
        part for part in parts
        if part.kind == "guide"
        or (part.folder and part.folder == _top_folder(old))
        or (not line.new.is_url and new in part.docnames)
    ]


def resolve(redirect_map: RedirectMap, parts: Sequence[Part]) -> Resolution:
    """Every redirect of the site, one hop each, sorted by old URL; and the refusals."""
    errors: list[MapError] = list(redirect_map.errors)
    served = served_urls(parts)
    pages = set().union(*(part.docnames for part in parts)) if parts else set()
    names = {part.name for part in parts}

    # 1. The old URLs, each with its line and the guide it belongs to.
    sources: dict[str, tuple[RedirectLine, str | None]] = {}
    for line in redirect_map.lines:
        if not line.old.is_url or line.old.is_folder:
            continue
        if line.old.path in served:
            errors.append(MapError(line.lineno, f"redirect from {line.old.path!r}, a page "
                                   "the site still serves (remove the line or the page)"))
            continue
        first = line.old.path.split("/", 1)[0]
        sources[line.old.path] = (line, first if first in names else None)
    for line in redirect_map.lines:
        if line.old.is_url or line.old.is_folder:
            continue
        if line.old.path in pages:
            errors.append(MapError(line.lineno, f"redirect from {line.old.path!r}, a page "
                                   "that still exists (remove the line or the page)"))
            continue
        for part in _expansion(line, parts):
            sources.setdefault(part.url(line.old.path), (line, part.name))
    moved_pages = {url for url, (line, _guide) in sources.items() if not line.old.is_url}
    folders, folder_of, folder_errors = _folders(redirect_map, served, moved_pages, names)
    errors.extend(folder_errors)
    for source, (line, guide) in folder_of.items():
        sources.setdefault(source, (line, guide))

    # 2. Where each old URL points, before chains are followed.
    edges: dict[str, tuple[str, RedirectLine, str | None]] = {}
    reported: set[int] = set()
    for source, (line, guide) in sources.items():
        rule = folders.get(line.lineno)
        target = (_moved(source, rule) if rule is not None
                  else _target(line, guide, parts, served, sources))
        if target is None:
            if line.lineno not in reported:
                reported.add(line.lineno)
                kind = "site path" if line.new.is_url else "page"
                errors.append(MapError(line.lineno, f"redirect target {line.new.path!r} is "
                                       f"not a {kind} of the site, nor redirected"))
            continue
        edges[source] = (target, line, guide)

    # 3. Chains collapsed to one hop; cycles refused.
    redirects: list[Redirect] = []
    cycles: set[frozenset[int]] = set()
    for source, (target, line, guide) in edges.items():
        path = [source]
        final: str | None = target
        while final in edges:
            if final in path:
                cycle = path[path.index(final):]
                lines = sorted({edges[url][1].lineno for url in cycle})
                if frozenset(lines) not in cycles:  # once, not once per guide
                    cycles.add(frozenset(lines))
                    errors.append(MapError(lines[0], "redirect cycle: "
                                           + " -> ".join([*cycle, cycle[0]])
                                           + f" (lines {', '.join(map(str, lines))})"))
                if source not in cycle and line.lineno not in reported:
                    reported.add(line.lineno)
                    errors.append(MapError(line.lineno, f"redirect from {source!r} leads "
                                           f"into the redirect cycle of line {lines[0]}"))
                final = None
                break
            path.append(final)
            final = edges[final][0]
        if final is None:
            continue
        if final not in served:
            # The chain ends at an old URL whose own line was refused (reported there).
            if line.lineno not in reported:
                reported.add(line.lineno)
                errors.append(MapError(line.lineno, f"redirect from {source!r} leads to "
                                       f"{final!r}, whose own redirect was refused"))
            continue
        rule = folders.get(line.lineno)
        if rule is not None and final != _moved(source, rule):
            rule = None  # a chain ends elsewhere than the folder rule would send it
        redirects.append(Redirect(source, final, guide, line.lineno, rule))
    redirects.sort(key=lambda redirect: redirect.source)
    errors.sort(key=lambda error: error.lineno)
    ordered = tuple(sorted(folders.values(), key=lambda rule: (-len(rule.source), rule.source)))
    return Resolution(tuple(redirects), tuple(errors), ordered)


def _moved(url: str, rule: FolderRedirect) -> str:
    return rule.target + url.removeprefix(rule.source)


def _folders(
    redirect_map: RedirectMap, served: set[str], redirected: set[str], names: set[str],
) -> tuple[dict[int, FolderRedirect], dict[str, tuple[RedirectLine, str | None]],
           list[MapError]]:
    """The folder lines that can be used, by line; the old URLs they stand for (one for each
    URL below the new folder that is served, or *redirected* as a page that moved); refusals."""
    rules: dict[int, FolderRedirect] = {}
    sources: dict[str, tuple[RedirectLine, str | None]] = {}
    errors: list[MapError] = []
    for line in redirect_map.lines:
        if not line.old.is_folder:
            continue
        old, new = line.old.path, line.new.path
        hidden = sorted(url for url in served if url.startswith(old))
        below = sorted(url for url in served | redirected
                       if url.startswith(new) and not url.startswith(old))
        if new.startswith(old):
            errors.append(MapError(line.lineno, f"folder redirect {old!r} -> {new!r}: the "
                                   "new folder is inside the old one, so the rule would "
                                   "apply again to its own result"))
        elif hidden:
            errors.append(MapError(line.lineno, f"folder redirect from {old!r}, below which "
                                   f"the site still serves {hidden[0]!r} (the redirect would "
                                   "hide it)"))
        elif not below:
            errors.append(MapError(line.lineno, f"folder redirect target {new!r}: the site "
                                   "serves no page below it"))
        else:
            rule = rules[line.lineno] = FolderRedirect(old, new, line.lineno)
            for url in below:
                first = old.split("/", 1)[0]
                sources.setdefault(_moved_back(url, rule), (line, first if first in names
                                                            else None))
    return rules, sources, errors


def _moved_back(url: str, rule: FolderRedirect) -> str:
    return rule.source + url.removeprefix(rule.target)


def _target(
    line: RedirectLine,
    guide: str | None,
    parts: Sequence[Part],
    served: set[str],
    sources: dict[str, tuple[RedirectLine, str | None]],
) -> str | None:
    """The URL *line* sends the old URL of *guide* to (maybe another old URL), or None."""
    new = line.new.path
    if line.new.is_url:
        return new if new in served or new in sources else None
    holders = [part for part in parts if new in part.docnames]
    chained = [part for part in parts if part.url(new) in sources]
    for candidates in (holders, chained):
        for part in candidates:
            if part.name == guide:
                return part.url(new)
        if candidates:
            return candidates[0].url(new)
    return None
