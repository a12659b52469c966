"""The reports of ``guidebook diff``: text for a terminal or a CI log, and JSON.

JSON output (``--format json``), format 1; keys are sorted, lists are in a fixed order::

    {
      "format": 1,
      "base": {"label": "HEAD~1", "commit": "<sha>" | null},
      "head": {"label": "working tree", "commit": null},
      "moves": [{"from": "user/a", "to": "user/b", "method": "git" | "similarity" | "title",
                 "similarity": 0.93}],
      "guides": [{
        "name": "user", "kind": "guide" | "part", "title": "End user guide",
        "status": "added" | "removed" | "changed" | "unchanged",
        "added": [{"docname", "title", "url", "moved_from": docname | null}],
        "removed": [{"docname", "title", "url", "moved_to": docname | null,
                     "now_in": [guide names that still have the page]}],
        "moved": [{"from", "to", "from_url", "to_url", "title", "method", "similarity"}],
        "audiences_changed": [{"docname", "before": [names], "after": [names]}],
        "titles_changed": [{"docname", "before", "after"}]
      }],
      "broken_urls": [{"url", "guide", "docname", "title", "now_at": url | null}],
      "broken_links": [{"source", "line", "uri", "docname"}],
      "old_urls": [{"url", "docname", "status": "served" | "redirected" | "broken",
                    "now_at": url | null}],
      "summary": {"moves", "added", "removed", "moved", "audiences_changed",
                  "titles_changed", "broken_urls", "broken_links"}
    }

``moves`` counts pages renamed anywhere in the site; ``moved`` counts, over the guides,
pages that moved within a guide (a page that moved from one guide to another is
``removed`` from the first, with ``moved_to``, and ``added`` to the second, with
``moved_from``).

Sections (guides then parts) follow HEAD's order, then those only BASE has. ``now_at``
is where the page lives in HEAD, the natural target of the redirect to add.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from guidebook.manifest import Page
from guidebook.reorg._plain import PLAIN_PART
from guidebook.reorg.diff import FORMAT_VERSION, PORTAL_URL, SiteDiff
from guidebook.reorg.snapshot import Snapshot


@dataclasses.dataclass(frozen=True)
class OldUrl:
    """Where one URL of the old site leads in the new one."""

    url: str
    docname: str | None
    #: "served" (the same URL, the same page), "replaced" (the same URL now shows
    #: another page: *docname* lives at *now_at*), "redirected" or "broken".
    status: str
    #: The page it reaches, or the page a redirect should send it to (None: no page).
    now_at: str | None


def old_urls(diff: SiteDiff) -> list[OldUrl]:
    """Every URL of BASE, each with what HEAD does with it, in URL order."""
    head = diff.head.manifest
    pages = head.page_urls() | {PORTAL_URL}
    shown = {page.url: page.docname for _section, page in head.pages()}
    redirects = {redirect.source: redirect.target for redirect in head.redirects}
    broken = {entry.url: entry for entry in diff.broken}
    result: dict[str, OldUrl] = {}
    for _section, page in diff.base.manifest.pages():
        url = page.url
        if url in result:
            continue
        if url in broken:
            result[url] = OldUrl(url, page.docname, "broken", broken[url].now_at)
        elif url in shown and shown[url] != _moved(diff, page.docname):
            later = head.first_page(_moved(diff, page.docname))
            result[url] = OldUrl(url, page.docname, "replaced", later.url if later else None)
        elif url in pages:
            result[url] = OldUrl(url, page.docname, "served", url)
        else:
            result[url] = OldUrl(url, page.docname, "redirected", redirects.get(url))
    for url, entry in broken.items():
        result.setdefault(url, OldUrl(url, None, "broken", entry.now_at))
    return [result[url] for url in sorted(result)]


def _moved(diff: SiteDiff, docname: str) -> str:
    move = diff.move_of(docname)
    return move.target if move else docname


# -- output ----------------------------------------------------------------------------


def to_json(diff: SiteDiff) -> dict[str, Any]:
    """The documented JSON form (see the module docstring)."""

    def page_ref(page: Page) -> dict[str, Any]:
        return {"docname": page.docname, "title": page.title, "url": page.url}

    def side(snapshot: Snapshot) -> dict[str, Any]:
        return {"label": snapshot.label, "commit": snapshot.commit}

    return {
        "format": FORMAT_VERSION,
        "base": side(diff.base),
        "head": side(diff.head),
        "moves": [
            {"from": m.source, "to": m.target, "method": m.method, "similarity": m.similarity}
            for m in diff.moves
        ],
        "guides": [
            {
                "name": part.name,
                "kind": part.kind,
                "title": part.title,
                "status": part.status,
                "added": [{**page_ref(a.page), "moved_from": a.moved_from}
                          for a in part.added],
                "removed": [{**page_ref(r.page), "moved_to": r.moved_to,
                             "now_in": list(r.now_in)} for r in part.removed],
                "moved": [
                    {"from": m.before.docname, "to": m.after.docname,
                     "from_url": m.before.url, "to_url": m.after.url,
                     "title": m.after.title, "method": m.move.method,
                     "similarity": m.move.similarity}
                    for m in part.moved
                ],
                "audiences_changed": [
                    {"docname": c.docname, "before": c.before, "after": c.after}
                    for c in part.audiences_changed
                ],
                "titles_changed": [
                    {"docname": c.docname, "before": c.before, "after": c.after}
                    for c in part.titles_changed
                ],
            }
            for part in diff.parts
        ],
        "broken_urls": [dataclasses.asdict(broken) for broken in diff.broken],
        "broken_links": [dataclasses.asdict(link) for link in diff.broken_links],
        "old_urls": [dataclasses.asdict(entry) for entry in old_urls(diff)],
        "summary": diff.summary(),
    }


def render_json(diff: SiteDiff) -> str:
    return json.dumps(to_json(diff), indent=2, sort_keys=True) + "\n"


def _describe(snapshot: Snapshot) -> str:
    if snapshot.commit:
        return f"{snapshot.label} ({snapshot.commit[:10]})"
    return snapshot.label


def render_text(diff: SiteDiff) -> str:
    """A report for a reviewer reading a terminal or a CI log."""
    lines = [f"guidebook diff: {_describe(diff.base)} -> {_describe(diff.head)}", ""]
    for part in diff.parts:
        heading = f"{part.name} ({part.kind}: {part.title})"
        if part.status == "unchanged":
            lines.append(f"{heading}: no changes")
            continue
        if part.status in ("added", "removed"):
            heading += f" [{part.kind} {part.status}]"
        lines.append(heading)
        for m in part.moved:
            how = ("git rename" if m.move.method == "git"
                   else f"{m.move.method} {m.move.similarity:.0%}")
            lines.append(f"  moved     {m.before.docname} -> {m.after.docname}  ({how})")
        for a in part.added:
            note = f"  (moved from {a.moved_from})" if a.moved_from else ""
            lines.append(f"  added     {a.page.docname}  \"{a.page.title}\"{note}")
        for r in part.removed:
            notes = []
            if r.moved_to:
                notes.append(f"moved to {r.moved_to}")
            if r.now_in:
                notes.append(f"still in {', '.join(r.now_in)}")
            note = f"  ({'; '.join(notes)})" if notes else ""
            lines.append(f"  removed   {r.page.docname}  \"{r.page.title}\"{note}")
        for c in part.audiences_changed:
            lines.append(f"  audiences {c.docname}: {', '.join(c.before) or '-'} -> "
                         f"{', '.join(c.after) or '-'}")
        for c in part.titles_changed:
            lines.append(f"  title     {c.docname}: \"{c.before}\" -> \"{c.after}\"")
    lines.append("")
    if any(part.name == PLAIN_PART for part in diff.base.manifest.published_parts):
        listing = old_urls(diff)
        lines.append(f"Every URL of the plain site ({len(listing)}), and where it goes now:")
        for entry in listing:
            target = entry.now_at or "no page"
            lines.append(f"  {entry.url:<40} {entry.status:<10} -> {target}")
        replaced = [entry for entry in listing if entry.status == "replaced"]
        if replaced:
            lines.append(f"{len(replaced)} old URL(s) now show another page (a guide's "
                         "folder has the old page's path); no redirect can be added for a "
                         "URL the site serves, so link to the new place:")
            lines += [f"  {entry.url}: {entry.docname} is now at {entry.now_at}"
                      for entry in replaced]
        lines.append("")
    if diff.broken_links:
        lines.append(f"{len(diff.broken_links)} link(s) break: they name no page of "
                     f"{_describe(diff.head)} (link the page with :doc:, or fix the path):")
        lines += [f"  {link.source}:{link.line}: {link.uri}" for link in diff.broken_links]
        lines.append("")
    if not diff.broken:
        lines.append("No URL breaks: every old URL is still served or redirected.")
        return "\n".join(lines) + "\n"
    lines.append(f"{len(diff.broken)} URL(s) break: {_describe(diff.base)} served them, "
                 f"{_describe(diff.head)} neither serves nor redirects them:")
    for broken in diff.broken:
        what = f"page {broken.docname}" if broken.docname else "old redirect"
        where = f"; now at {broken.now_at}" if broken.now_at else "; no page to send it to"
        lines.append(f"  {broken.url}  ({what}{where})")
    lines.append("Add a redirect for each (see \"Reviewing a reorganisation patch\" in the "
                 "contributor guide).")
    return "\n".join(lines) + "\n"
