"""``guidebook diff --suggest-redirects``: redirect-map lines for the URLs that break.

Each broken URL whose page lives on (under the same docname, or moved: found by git's
rename detection, then by the similarity of the source text, see
:func:`guidebook.reorg.diff.find_moves`, then by a unique identical title) gets one line
``OLD-URL NEW-DOCNAME`` (the build sends it to the first guide that has the page). The
lines are appended to the project's redirect map under a comment naming the base, so
accepting them is committing that hunk. URLs with no page to go to are listed for a
person to decide; nothing is guessed for them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from guidebook.redirects.mapfile import format_line, parse_map
from guidebook.reorg import ReorgError
from guidebook.reorg.diff import BrokenUrl, SiteDiff
from guidebook.reorg.move import MoveError, redirects_setting


@dataclasses.dataclass(frozen=True)
class Suggestion:
    old_url: str
    new_docname: str
    #: How the new page was found: "same page", "git", "similarity" or "title".
    method: str


@dataclasses.dataclass(frozen=True)
class Suggestions:
    lines: tuple[Suggestion, ...]
    #: Broken URLs with no page to send them to: for a person to decide.
    unmatched: tuple[BrokenUrl, ...]


def suggest(diff: SiteDiff) -> Suggestions:
    """A redirect for every broken URL of *diff* whose page can be found in HEAD."""
    head = diff.head.manifest
    by_url = {page.url: page.docname for _section, page in head.pages()}
    base_docs = {page.docname for _section, page in diff.base.manifest.pages()}
    titles: dict[str, list[str]] = {}
    for _section, page in head.pages():
        if page.docname not in base_docs and page.docname not in titles.get(page.title, []):
            titles.setdefault(page.title, []).append(page.docname)
    lines: list[Suggestion] = []
    unmatched: list[BrokenUrl] = []
    for broken in diff.broken:
        move = diff.move_of(broken.docname) if broken.docname else None
        if broken.now_at is not None and broken.now_at in by_url:
            target = by_url[broken.now_at]
            method = move.method if move else "same page"
            lines.append(Suggestion(broken.url, target, method))
            continue
        candidates = titles.get(broken.title or "", []) if broken.docname else []
        if len(candidates) == 1:
            lines.append(Suggestion(broken.url, candidates[0], "title"))
        else:
            unmatched.append(broken)
    return Suggestions(tuple(lines), tuple(unmatched))


def append_to_map(source: Path, suggestions: Suggestions, base_label: str) -> tuple[Path, int]:
    """Append the suggested lines to the project's redirect map (created if missing).

    Old URLs the map already has are left out. Return the map and the lines written.
    """
    try:
        name = redirects_setting(source)
    except MoveError as exc:
        raise ReorgError(str(exc)) from None
    path = source / name
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise ReorgError(f"{path}: cannot read the redirect map: {exc.strerror or exc}") from None
    present = {line.old.path for line in parse_map(text).lines}
    new = [s for s in suggestions.lines if s.old_url not in present]
    if not new:
        return path, 0
    block = [f"# Suggested by guidebook diff --suggest-redirects against {base_label}:",
             "# review each line, then commit (see the contributor guide's adoption page)."]
    block += [format_line(s.old_url, s.new_docname) + f"  # {s.method}" for s in new]
    prefix = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n")
                                                            else "\n\n")
    try:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(prefix + "\n".join(block) + "\n")
    except OSError as exc:
        raise ReorgError(f"{path}: cannot write the redirect map: {exc.strerror or exc}"
                         ) from None
    return path, len(new)


def render(suggestions: Suggestions, path: Path | None, written: int) -> str:
    """What ``--suggest-redirects`` tells the person running it."""
    lines = []
    if path is not None:
        lines.append(f"guidebook diff: {written} redirect(s) appended to {path} "
                     f"({len(suggestions.lines) - written} already there)")
    for s in suggestions.lines:
        lines.append(f"  {format_line(s.old_url, s.new_docname)}  ({s.method})")
    if suggestions.unmatched:
        lines.append(f"{len(suggestions.unmatched)} old URL(s) with no page to go to "
                     "(decide each: a redirect line by hand, or let it go):")
        for broken in suggestions.unmatched:
            what = f"{broken.docname} \"{broken.title}\"" if broken.docname else "old redirect"
            lines.append(f"  {broken.url}  ({what})")
    return "\n".join(lines) + "\n"
