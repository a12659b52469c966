"""One side of a comparison: the site built from a git revision, the working tree, a
previously published manifest, or a plain Sphinx site's ``objects.inv``.

A tree without guidebook settings (a plain Sphinx project, before it adopted guidebook)
is built with Sphinx's own ``html`` builder, and read back from the ``objects.inv`` that
build writes: every page's URL and title, as the published plain site had them. The
navigation of a guidebook build comes from its own manifest.

A revision is checked out into a temporary ``git worktree`` (removed afterwards), so the
reviewer's checkout is never touched; the working tree is built as it is. Each build goes
into a temporary directory with the engine of this installation, so both sides are built
by the same guidebook and differ only in their sources.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from guidebook.driver.options import BuildOptions
from guidebook.driver.run import run_build
from guidebook.engine.part_navigation import toctree_order
from guidebook.git import git
from guidebook.manifest import MANIFEST_NAME, Manifest, NavEntry, PublishedPart, load_manifest
from guidebook.reorg import ReorgError
from guidebook.reorg._plain import build_plain, is_plain_project, manifest_of_inventory


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The site as one side of a comparison saw it."""

    label: str  # what the user asked for: a revision, "working tree" or a file name
    commit: str | None  # the full commit id, when the side is a git revision
    manifest: Manifest
    #: Source text of every page, by manifest ``source`` path (empty for a manifest file).
    texts: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Repository:
    """The git work tree holding the documentation sources."""

    root: Path
    source: PurePosixPath  # the source directory, relative to *root*

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.root, *args, check=check)


def find_repository(source: Path) -> Repository:
    """The repository containing the source directory *source*."""
    source = source.resolve()
    if not (source / "conf.py").is_file():
        raise ReorgError(f"{source}: no conf.py here (is --source right?)")
    top = git(source, "rev-parse", "--show-toplevel", check=False).strip()
    if not top:
        raise ReorgError(f"{source}: not inside a git repository")
    root = Path(top).resolve()
    return Repository(root=root, source=PurePosixPath(source.relative_to(root).as_posix()))


def resolve_revision(repo: Repository, revision: str) -> str | None:
    """The commit id *revision* names, or None when it names none."""
    if revision.startswith("-"):
        return None
    out = repo.git("rev-parse", "--verify", "--quiet", "--end-of-options",
                   f"{revision}^{{commit}}", check=False)
    return out.strip() or None


def snapshot_of_manifest(path: Path) -> Snapshot:
    """A published site: its ``guidebook.json``, or a plain site's ``objects.inv``."""
    if path.suffix == ".inv":
        return Snapshot(label=str(path), commit=None, manifest=manifest_of_inventory(path))
    return Snapshot(label=str(path), commit=None, manifest=load_manifest(path))


def snapshot_of_tree(source: Path, label: str = "working tree", *,
                     translations: bool = False) -> Snapshot:
    """Build the sources in *source* as they are (with every language of
    ``guidebook_languages`` when *translations* is true)."""
    if not (source / "conf.py").is_file():
        raise ReorgError(f"{source}: no conf.py here (is --source right?)")
    with tempfile.TemporaryDirectory(prefix="guidebook-review-") as tmp:
        manifest = build_manifest(source, Path(tmp) / "site", label, translations=translations)
    return Snapshot(label=label, commit=None, manifest=manifest,
                    texts=_page_texts(source, manifest))


def snapshot_of_revision(repo: Repository, revision: str) -> Snapshot:
    """Check *revision* out into a temporary worktree and build it there."""
    commit = resolve_revision(repo, revision)
    if commit is None:
        raise ReorgError(f"unknown revision {revision!r} in {repo.root}")
    with tempfile.TemporaryDirectory(prefix="guidebook-review-") as tmp:
        tree = Path(tmp) / "tree"
        with _worktree(repo, tree, commit):
            source = tree / repo.source
            if not (source / "conf.py").is_file():
                raise ReorgError(f"{revision}: no {repo.source}/conf.py in that revision")
            manifest = build_manifest(source, Path(tmp) / "site", revision)
            texts = _page_texts(source, manifest)
    return Snapshot(label=revision, commit=commit, manifest=manifest, texts=texts)


@contextlib.contextmanager
def _worktree(repo: Repository, path: Path, commit: str) -> Iterator[None]:
    repo.git("worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        yield
    finally:
        repo.git("worktree", "remove", "--force", str(path), check=False)
        repo.git("worktree", "prune", check=False)


def build_manifest(source: Path, out: Path, label: str, *,
                   translations: bool = False) -> Manifest:
    """Build the site in *source* into *out* and read its manifest and navigation.

    A plain Sphinx project is built with Sphinx's ``html`` builder instead.
    """
    if is_plain_project(source):
        manifest, includes = build_plain(source, out, label)
        return manifest.with_nav(
            {part.name: part_nav(part, includes) for part in manifest.published_parts})
    stream = io.StringIO()
    status = run_build(BuildOptions(source=source, out=out, quiet=True,
                                    translations=translations), stderr=stream)
    if status != 0:
        tail = "\n".join(stream.getvalue().strip().splitlines()[-8:])
        raise ReorgError(f"{label}: the site does not build (exit status {status}):\n{tail}")
    return load_manifest(out / MANIFEST_NAME)


def part_nav(part: PublishedPart, includes: dict[str, list[str]]) -> tuple[NavEntry, ...]:
    """The part's pages in toctree order; those no toctree reaches follow at depth 0.

    A plain Sphinx site publishes every page, reached or not, so each gets an entry here,
    where a guidebook manifest's ``nav`` lists only the reached ones.
    """
    members = part.docnames
    reached = toctree_order(part.root, members, includes)
    entries = [NavEntry(docname, depth) for docname, depth in reached]
    unreached = members - {docname for docname, _depth in reached}
    entries.extend(NavEntry(docname, 0) for docname in sorted(unreached))
    return tuple(entries)


def _page_texts(source: Path, manifest: Manifest) -> dict[str, str]:
    texts: dict[str, str] = {}
    for _section, page in manifest.pages():
        if page.source in texts:
            continue
        try:
            texts[page.source] = (source / page.source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return texts


def git_renames(repo: Repository, base: str, head: str | None) -> list[tuple[str, str, float]]:
    """Files git sees renamed in the source directory between *base* and *head*.

    *head* None means the working tree (renames staged with ``git mv`` or committed).
    Each entry is ``(old, new, similarity)`` with paths relative to the source directory.
    """
    args = ["diff", "-M", "-z", "--name-status", base]
    if head is not None:
        args.append(head)
    args += ["--", str(repo.source) if str(repo.source) != "." else "."]
    fields = repo.git(*args).split("\0")
    renames: list[tuple[str, str, float]] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status[:1] in ("R", "C"):
            old, new = fields[index + 1], fields[index + 2]
            if status[0] == "R":
                score = int(status[1:] or 100) / 100
                renames.append((_relative(repo, old), _relative(repo, new), score))
            index += 3
        else:
            index += 2
    return renames


def _relative(repo: Repository, path: str) -> str:
    if str(repo.source) == ".":
        return path
    prefix = f"{repo.source}/"
    return path[len(prefix):] if path.startswith(prefix) else path
