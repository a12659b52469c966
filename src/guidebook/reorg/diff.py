"""``guidebook diff``: what a reorganisation changes for readers, guide by guide.

Two builds of the site (two git revisions, a revision and the working tree, or a
published manifest and a build) are compared page by page:

* pages **added** to and **removed** from each guide or part;
* pages **moved**: found by git's rename detection, else by the similarity of their
  source text (or, when one side is a manifest without sources, an identical title);
* pages whose **audiences** or **titles** changed;
* every URL of the old site that the new one neither serves nor redirects: a
  **broken URL**. Each makes ``guidebook diff`` exit with status 1.

A BASE built with plain Sphinx (no guidebook settings), or a plain site's
``objects.inv``, is one part, ``site``, holding every page of the old site
(:mod:`guidebook.reorg._plain`).

The reports (text, JSON, HTML) are in :mod:`guidebook.reorg.diff_report` and
:mod:`guidebook.reorg.diff_html`.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Any

from guidebook.manifest import Manifest, Page, PublishedPart
from guidebook.reorg import ReorgError
from guidebook.reorg.broken_links import BrokenLink, broken_links
from guidebook.reorg.snapshot import (
    Repository,
    Snapshot,
    find_repository,
    git_renames,
    resolve_revision,
    snapshot_of_manifest,
    snapshot_of_revision,
    snapshot_of_tree,
)

FORMAT_VERSION = 1
#: Two source files at least this similar (0..1) are the same page, moved.
SIMILARITY_THRESHOLD = 0.6


@dataclasses.dataclass(frozen=True)
class Move:
    """A page that left one name for another between the two sides."""

    source: str  # docname in BASE
    target: str  # docname in HEAD
    method: str  # "git", "similarity" or "title"
    similarity: float


@dataclasses.dataclass(frozen=True)
class Added:
    page: Page
    moved_from: str | None


@dataclasses.dataclass(frozen=True)
class Removed:
    page: Page
    moved_to: str | None
    now_in: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Moved:
    before: Page
    after: Page
    move: Move


@dataclasses.dataclass(frozen=True)
class Changed:
    """A value of a page that differs: its audiences or its title."""

    docname: str
    before: Any
    after: Any


@dataclasses.dataclass
class PartDiff:
    """The changes of one guide or part."""

    name: str
    kind: str
    title: str
    before: PublishedPart | None
    after: PublishedPart | None
    added: list[Added] = dataclasses.field(default_factory=list)
    removed: list[Removed] = dataclasses.field(default_factory=list)
    moved: list[Moved] = dataclasses.field(default_factory=list)
    audiences_changed: list[Changed] = dataclasses.field(default_factory=list)
    titles_changed: list[Changed] = dataclasses.field(default_factory=list)

    @property
    def status(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        if (self.added or self.removed or self.moved or self.audiences_changed
                or self.titles_changed):
            return "changed"
        return "unchanged"


@dataclasses.dataclass(frozen=True)
class BrokenUrl:
    """A URL the old site answered that the new one neither serves nor redirects."""

    url: str
    guide: str | None
    docname: str | None  # None for an old redirect that was dropped
    title: str | None
    now_at: str | None


@dataclasses.dataclass
class SiteDiff:
    """The whole comparison."""

    base: Snapshot
    head: Snapshot
    moves: list[Move]
    parts: list[PartDiff]
    broken: list[BrokenUrl]
    #: Hand-written links of HEAD that name no page and worked in BASE.
    broken_links: list[BrokenLink] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken and not self.broken_links

    def move_of(self, base_docname: str) -> Move | None:
        for move in self.moves:
            if move.source == base_docname:
                return move
        return None

    def summary(self) -> dict[str, int]:
        def total(attribute: str) -> int:
            return sum(len(getattr(part, attribute)) for part in self.parts)

        return {
            "moves": len(self.moves),
            "added": total("added"),
            "removed": total("removed"),
            "moved": total("moved"),
            "audiences_changed": total("audiences_changed"),
            "titles_changed": total("titles_changed"),
            "broken_urls": len(self.broken),
            "broken_links": len(self.broken_links),
        }


class MissingRevision(ReorgError):
    """A revision does not exist (e.g. ``HEAD~1`` in a repository with one commit)."""

    def __init__(self, message: str, side: str) -> None:
        super().__init__(message)
        self.side = side  # "BASE" or "HEAD"


#: One side of a comparison: a git revision (str), a manifest file (Path) or, for HEAD
#: only, None for the working tree.
Side = str | Path | None


def review(source: Path, base: str | Path, head: Side = None) -> SiteDiff:
    """Build (or read) both sides of a reorganisation and compare them.

    *source* is the documentation source directory in the reviewer's checkout (with its
    ``conf.py``); revisions are looked up in the git repository that contains it.
    """
    repo: Repository | None = None
    if isinstance(base, str) or isinstance(head, str):
        repo = find_repository(source)
        for revision, side in ((base, "BASE"), (head, "HEAD")):
            if isinstance(revision, str) and resolve_revision(repo, revision) is None:
                raise MissingRevision(
                    f"unknown revision {revision!r} ({side}): no such commit, branch or tag "
                    f"in {repo.root}", side)
    before = _snapshot(source, repo, base)
    after = _snapshot(source, repo, head)
    renames: list[tuple[str, str, float]] = []
    if repo is not None and isinstance(base, str) and not isinstance(head, Path):
        renames = git_renames(repo, before.commit or base, after.commit)
    return compare(before, after, renames)


def _snapshot(source: Path, repo: Repository | None, side: Side) -> Snapshot:
    if isinstance(side, Path):
        return snapshot_of_manifest(side)
    if side is None:
        return snapshot_of_tree(source)
    assert repo is not None
    return snapshot_of_revision(repo, side)


# -- matching pages across the two sides -------------------------------------------------


def find_moves(
    base: Snapshot, head: Snapshot, renames: list[tuple[str, str, float]]
) -> list[Move]:
    """Pairs of (gone, new) pages that are the same page under a new name.

    *renames* are git's ``(old source, new source, similarity)``; pages git does not pair
    are paired by source similarity, or by a unique identical title when a side has no
    source text (a manifest file).
    """
    base_pages = _pages_by_docname(base.manifest)
    head_pages = _pages_by_docname(head.manifest)
    gone = set(base_pages) - set(head_pages)
    new = set(head_pages) - set(base_pages)
    base_by_source = {page.source: doc for doc, page in base_pages.items()}
    head_by_source = {page.source: doc for doc, page in head_pages.items()}
    moves: list[Move] = []

    def pair(source: str, target: str, method: str, similarity: float) -> None:
        moves.append(Move(source, target, method, round(similarity, 2)))
        gone.discard(source)
        new.discard(target)

    for old_path, new_path, score in renames:
        source, target = base_by_source.get(old_path), head_by_source.get(new_path)
        if source in gone and target in new and source is not None and target is not None:
            pair(source, target, "git", score)

    if base.texts and head.texts:
        scored = []
        for source in sorted(gone):
            before = base.texts.get(base_pages[source].source)
            if before is None:
                continue
            for target in sorted(new):
                after = head.texts.get(head_pages[target].source)
                if after is None:
                    continue
                score = text_similarity(before, after)
                if score >= SIMILARITY_THRESHOLD:
                    scored.append((-score, source, target))
        for negative, source, target in sorted(scored):
            if source in gone and target in new:
                pair(source, target, "similarity", -negative)
    else:
        base_titles = _unique_titles({doc: base_pages[doc] for doc in gone})
        head_titles = _unique_titles({doc: head_pages[doc] for doc in new})
        for title, source in sorted(base_titles.items()):
            if title in head_titles:
                pair(source, head_titles[title], "title", 1.0)
    return sorted(moves, key=lambda move: move.source)


def text_similarity(before: str, after: str) -> float:
    """How alike two source files are, 0..1, line by line (whitespace at ends ignored)."""
    a = [line.strip() for line in before.splitlines() if line.strip()]
    b = [line.strip() for line in after.splitlines() if line.strip()]
    if not a and not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY_THRESHOLD:
        return matcher.real_quick_ratio()
    return matcher.ratio()


def _pages_by_docname(manifest: Manifest) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    for _section, page in manifest.pages():
        pages.setdefault(page.docname, page)
    return pages


def _unique_titles(pages: dict[str, Page]) -> dict[str, str]:
    counts: dict[str, list[str]] = {}
    for docname, page in pages.items():
        counts.setdefault(page.title, []).append(docname)
    return {title: docs[0] for title, docs in counts.items() if len(docs) == 1}


# -- the comparison ----------------------------------------------------------------------


def compare(
    base: Snapshot, head: Snapshot, renames: list[tuple[str, str, float]] | None = None
) -> SiteDiff:
    """Compare two sides; *renames* come from :func:`guidebook.reorg.snapshot.git_renames`."""
    moves = find_moves(base, head, renames or [])
    forward = {move.source: move for move in moves}
    backward = {move.target: move for move in moves}
    names = [part.name for part in head.manifest.published_parts]
    names += [s.name for s in base.manifest.published_parts if s.name not in names]
    parts = [
        _compare_section(name, base.manifest, head.manifest, forward, backward)
        for name in names
    ]
    return SiteDiff(base=base, head=head, moves=moves, parts=parts,
                    broken=broken_urls(base.manifest, head.manifest, forward),
                    broken_links=broken_links(base, head,
                                              {move.target: move.source for move in moves}))


def _compare_section(
    name: str, base: Manifest, head: Manifest,
    forward: dict[str, Move], backward: dict[str, Move],
) -> PartDiff:
    before, after = base.published_part(name), head.published_part(name)
    shown = after or before
    assert shown is not None
    diff = PartDiff(name=name, kind=shown.kind, title=shown.title, before=before,
                       after=after)
    old = {page.docname: page for page in before.pages} if before else {}
    new = {page.docname: page for page in after.pages} if after else {}
    for docname, page in sorted(old.items()):
        move = forward.get(docname)
        target = move.target if move else docname
        if target in new:
            if move:
                diff.moved.append(Moved(page, new[target], move))
            _note_changes(diff, page, new[target])
            continue
        still = head.parts_of(target)
        diff.removed.append(Removed(page, move.target if move else None, tuple(still)))
        if still:
            later = head.first_page(target)
            if later is not None and later.audiences != page.audiences:
                diff.audiences_changed.append(
                    Changed(target, list(page.audiences), list(later.audiences)))
    for docname, page in sorted(new.items()):
        move = backward.get(docname)
        source = move.source if move else docname
        if source in old:
            continue
        diff.added.append(Added(page, move.source if move else None))
        earlier = base.first_page(source)
        if earlier is not None and earlier.audiences != page.audiences:
            diff.audiences_changed.append(
                Changed(docname, list(earlier.audiences), list(page.audiences)))
    diff.audiences_changed.sort(key=lambda change: change.docname)
    return diff


def _note_changes(diff: PartDiff, before: Page, after: Page) -> None:
    if before.audiences != after.audiences:
        diff.audiences_changed.append(
            Changed(after.docname, list(before.audiences), list(after.audiences)))
    if before.title != after.title:
        diff.titles_changed.append(Changed(after.docname, before.title, after.title))


#: The portal every guidebook site serves at its root (a plain site's root page too).
PORTAL_URL = "index.html"


def broken_urls(base: Manifest, head: Manifest, moves: dict[str, Move]) -> list[BrokenUrl]:
    """Every URL of *base* (pages of every part, and its redirects) that *head*
    neither serves as a page nor redirects."""
    served = head.page_urls() | head.redirected_urls() | {PORTAL_URL}
    broken: dict[str, BrokenUrl] = {}
    for part, page in base.pages():
        if page.url in served or page.url in broken:
            continue
        move = moves.get(page.docname)
        target = move.target if move else page.docname
        landing = head.published_part(part.name)
        later = landing.page(target) if landing else None
        later = later or head.first_page(target)
        broken[page.url] = BrokenUrl(page.url, part.name, page.docname, page.title,
                                     later.url if later else None)
    head_urls = head.page_urls()
    for redirect in base.redirects:
        if redirect.source in served or redirect.source in broken:
            continue
        now_at = redirect.target if redirect.target in head_urls else None
        broken[redirect.source] = BrokenUrl(redirect.source, redirect.guide, None, None, now_at)
    return [broken[url] for url in sorted(broken)]
