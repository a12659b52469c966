"""The HTML page of ``guidebook diff``: each guide's navigation before and after, side by
side, with moves paired by a numbered badge (and an arrow, drawn by a small script) and
broken URLs in red."""

from __future__ import annotations

from guidebook.manifest import NavEntry, PublishedPart
from guidebook.reorg._html import esc, page
from guidebook.reorg.diff import PartDiff, SiteDiff

#: Draws an arrow between the two rows of each move within a guide (the badges and labels
#: already say it; the arrows only help the eye).
_ARROWS = """
function drawArrows() {
  document.querySelectorAll('.columns').forEach(function (box) {
    var svg = box.querySelector('svg.arrows');
    svg.innerHTML = '';
    var origin = box.getBoundingClientRect();
    box.querySelectorAll('.before [data-move]').forEach(function (from) {
      var to = box.querySelector('.after [data-move="' + from.dataset.move + '"]');
      if (!to) { return; }
      var a = from.getBoundingClientRect(), b = to.getBoundingClientRect();
      var x1 = a.right - origin.left, y1 = a.top + a.height / 2 - origin.top;
      var x2 = b.left - origin.left, y2 = b.top + b.height / 2 - origin.top;
      var path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      path.setAttribute('d', 'M' + x1 + ',' + y1 + ' C' + (x1 + 40) + ',' + y1 + ' ' +
                        (x2 - 40) + ',' + y2 + ' ' + x2 + ',' + y2);
      path.setAttribute('fill', 'none');
      path.setAttribute('stroke', '#8a5a00');
      path.setAttribute('stroke-width', '2');
      path.setAttribute('marker-end', 'url(#arrowhead)');
      svg.appendChild(path);
    });
  });
}
window.addEventListener('load', drawArrows);
window.addEventListener('resize', drawArrows);
"""

_MARKER = ('<svg width="0" height="0" aria-hidden="true"><defs><marker id="arrowhead" '
           'markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
           '<path d="M0,0 L8,4 L0,8 z" fill="#8a5a00"/></marker></defs></svg>')


def render(diff: SiteDiff) -> str:
    base, head = _side(diff.base.label, diff.base.commit), _side(diff.head.label,
                                                                diff.head.commit)
    badges = {move.source: f"M{index}" for index, move in enumerate(diff.moves, 1)}
    body = [
        f"<h1>Reorganisation review: {esc(base)} &rarr; {esc(head)}</h1>",
        _summary(diff),
        '<p class="legend">'
        '<span class="added">added</span><span class="removed">removed</span>'
        '<span class="moved">moved (same badge on both sides)</span>'
        '<span class="broken">old URL breaks</span></p>',
        _MARKER,
    ]
    for part in diff.parts:
        body.append(_published_part(diff, part, badges, base, head))
    return page(f"guidebook diff {base} -> {head}", "\n".join(body), _ARROWS)


def _side(label: str, commit: str | None) -> str:
    return f"{label} ({commit[:10]})" if commit else label


def _summary(diff: SiteDiff) -> str:
    counts = diff.summary()
    parts = [f"{counts[key]} {key.replace('_', ' ')}" for key in
             ("added", "removed", "moved", "audiences_changed", "titles_changed")]
    text = f'<p class="meta">{esc(", ".join(parts))}.</p>'
    if not diff.broken:
        return text + '<p class="ok">No URL breaks: every old URL is served or redirected.</p>'
    items = "".join(
        f"<li><code>{esc(b.url)}</code>"
        + (f" &mdash; now at <code>{esc(b.now_at)}</code>" if b.now_at else "")
        + "</li>"
        for b in diff.broken
    )
    return (text + f'<p class="broken"><strong>{len(diff.broken)} old URL(s) break</strong>'
            f' (neither served nor redirected):</p><ul class="broken-list">{items}</ul>')


def _nav(part: PublishedPart | None) -> tuple[list[NavEntry], bool]:
    """The rows of a column and whether they follow the real navigation."""
    if part is None:
        return [], True
    if part.nav:
        return list(part.nav), True
    return [NavEntry(page.docname, 0) for page in part.pages], False


def _published_part(diff: SiteDiff, part: PartDiff, badges: dict[str, str], base: str,
             head: str) -> str:
    broken = {b.url for b in diff.broken}
    moved_to = {m.before.docname: m for m in part.moved}
    moved_from = {m.after.docname: m for m in part.moved}
    removed = {r.page.docname: r for r in part.removed}
    added = {a.page.docname: a for a in part.added}
    retitled = {c.docname: c for c in part.titles_changed}
    audiences = {c.docname: c for c in part.audiences_changed}

    before_rows = []
    before_nav, before_real = _nav(part.before)
    for entry in before_nav:
        assert part.before is not None
        page_ = part.before.page(entry.docname)
        if page_ is None:
            continue
        classes, notes, badge = [], [], ""
        if entry.docname in moved_to:
            classes.append("moved")
            badge = badges.get(entry.docname, "")
            notes.append(f"moved to {moved_to[entry.docname].after.docname}")
        elif entry.docname in removed:
            gone = removed[entry.docname]
            classes.append("removed")
            if gone.moved_to:
                badge = badges.get(entry.docname, "")
                notes.append(f"moved to {gone.moved_to}")
            notes.append(f"now in {', '.join(gone.now_in)}" if gone.now_in
                         else "removed from the site")
        if page_.url in broken:
            classes.append("broken")
            notes.append(f"URL breaks: {page_.url}")
        before_rows.append(_row(entry, page_.title, classes, notes, badge))

    after_rows = []
    after_nav, after_real = _nav(part.after)
    for entry in after_nav:
        assert part.after is not None
        page_ = part.after.page(entry.docname)
        if page_ is None:
            continue
        classes, notes, badge = [], [], ""
        if entry.docname in moved_from:
            move = moved_from[entry.docname]
            classes.append("moved")
            badge = badges.get(move.before.docname, "")
            notes.append(f"moved from {move.before.docname}")
        elif entry.docname in added:
            new = added[entry.docname]
            classes.append("added")
            if new.moved_from:
                badge = badges.get(new.moved_from, "")
                notes.append(f"moved from {new.moved_from}")
        if entry.docname in retitled:
            notes.append(f"title was \u201c{retitled[entry.docname].before}\u201d")
        if entry.docname in audiences:
            change = audiences[entry.docname]
            notes.append(f"audiences: {', '.join(change.before) or '-'} \u2192 "
                         f"{', '.join(change.after) or '-'}")
        after_rows.append(_row(entry, page_.title, classes, notes, badge))

    status = "" if part.status in ("changed", "unchanged") else f" ({part.status})"
    caveat = ""
    if not (before_real and after_real):
        caveat = ('<p class="meta">The manifest records no navigation order: pages are '
                  'listed by name.</p>')
    return (
        f'<section class="guide" id="guide-{esc(part.name)}">'
        f"<h2>{esc(part.title)} <code>{esc(part.name)}</code>{esc(status)}</h2>{caveat}"
        '<div class="columns">'
        f'<div class="before"><h3>Before: {esc(base)}</h3><ol class="nav">'
        f'{"".join(before_rows)}</ol></div>'
        '<svg class="arrows" aria-hidden="true"></svg><div></div>'
        f'<div class="after"><h3>After: {esc(head)}</h3><ol class="nav">'
        f'{"".join(after_rows)}</ol></div>'
        "</div></section>"
    )


def _row(entry: NavEntry, title: str, classes: list[str], notes: list[str],
         badge: str) -> str:
    attributes = f' class="{esc(" ".join(classes))}"' if classes else ""
    if badge:
        attributes += f' data-move="{esc(badge)}"'
    badge_html = f'<span class="badge">{esc(badge)}</span>' if badge else ""
    note_html = "".join(f'<span class="note">{esc(note)}</span>' for note in notes)
    return (f'<li{attributes} style="--depth: {int(entry.depth)}">{badge_html}'
            f"{esc(title)} <code>{esc(entry.docname)}</code>{note_html}</li>")
