"""``guidebook move``: move a page without breaking a link or a published URL.

SRC and DEST name a page either by its **source file**, a path ending in ``.rst``
relative to the current directory (``doc/source/user/listing.rst``), or by its
**docname**, relative to the source directory (``user/listing``; a leading ``/`` is
allowed). The plan:

* ``git mv`` the source file (DEST's folders are created);
* rewrite every toctree entry, ``:doc:`` reference and ``.. include::`` /
  ``.. literalinclude::`` in the source tree that points to the page, keeping each in
  its form (a relative entry stays relative when the new page is in or below the
  referring page's folder, otherwise it becomes absolute, ``/admin/page``);
* in the moved page itself, rewrite the relative references, includes and images that
  would otherwise point somewhere else from its new folder;
* append ``OLD NEW`` (docnames) to the redirect map, and drop a line that redirected
  away from DEST (the page is back at that URL).

Nothing is changed when the plan cannot be carried out: a missing SRC, an existing
DEST, a path outside the source tree, a file git does not track. Each is a
:class:`MoveError` whose message is ``path: reason``.

One module, past 400 lines, because a move is one transaction: the whole plan (git move,
every rewrite, the map line) is computed and checked before anything is changed, and
splitting the rewrites from the plan would spread the refusal rules over several files.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from sphinx.config import eval_config_file
from sphinx.errors import ConfigError
from sphinx.util.tags import Tags

from guidebook.git import GitError, git
from guidebook.git import run as run_git
from guidebook.redirects.mapfile import RedirectSyntaxError, format_line, parse_map

DEFAULT_MAP = "redirects.txt"

SOURCE_SUFFIX = ".rst"
#: Files scanned for references: pages and the fragments they include.
SCANNED_SUFFIXES = (".rst", ".inc", ".txt")

_TOCTREE = re.compile(r"^(?P<indent>[ \t]*)\.\. toctree::")
_OPTION = re.compile(r"[ \t]*:[A-Za-z_-]+:")
_ENTRY = re.compile(r"^(?P<indent>[ \t]+)(?P<entry>\S.*?)[ \t]*$")
_TITLED = re.compile(r"(?s)(?P<title>.*?\s)<(?P<target>[^<>]+)>\s*\Z")
_DOC_ROLE = re.compile(r":(?:std:)?doc:`(?P<body>[^`]+)`")
_PATH_DIRECTIVE = re.compile(
    r"^(?P<lead>[ \t]*\.\. (?P<name>include|literalinclude|image|figure)::[ \t]+)"
    r"(?P<path>\S+)[ \t]*$",
    re.MULTILINE,
)
#: Directives whose argument may point to a page's source file.
_PAGE_INCLUDES = ("include", "literalinclude")


class MoveError(Exception):
    """A move that cannot be done; the message reads ``path: reason``."""


@dataclasses.dataclass(frozen=True)
class Edit:
    """One reference rewritten: where, what kind, before and after."""

    path: Path  # the file as it is now (for the moved page: its old path)
    lineno: int
    kind: str
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class MovePlan:
    """Everything ``guidebook move`` will do, computed before anything is touched."""

    source_dir: Path
    src: Path
    dest: Path
    old_docname: str
    new_docname: str
    edits: tuple[Edit, ...]
    #: New text of each changed file, by the path it will have after the move.
    contents: dict[Path, str]
    redirects_file: Path
    redirect_line: str
    #: Lines of the redirect map removed because they redirected away from DEST.
    dropped_lines: tuple[tuple[int, str], ...]
    #: Things the author should check after the move.
    notes: tuple[str, ...] = ()


def plan_move(
    source_dir: Path,
    src: str,
    dest: str,
    *,
    cwd: Path | None = None,
    redirects_file: str = DEFAULT_MAP,
) -> MovePlan:
    """Work out the move of page *src* to *dest*; raise :class:`MoveError` if refused."""
    here = cwd or Path.cwd()
    root = Path(os.path.abspath(source_dir))
    if not (root / "conf.py").is_file():
        raise MoveError(f"{_show(root, here)}: no conf.py here (is --source right?)")
    old_doc, src_path = _locate(src, root, here)
    new_doc, dest_path = _locate(dest, root, here)
    if not src_path.is_file():
        raise MoveError(f"{_show(src_path, here)}: no such page")
    if old_doc == new_doc:
        raise MoveError(f"{dest}: the page is already there")
    if dest_path.exists() or any(dest_path.with_suffix(s).exists() for s in (".md", ".txt")):
        raise MoveError(f"{_show(dest_path, here)}: already exists; guidebook move never "
                        "overwrites a page")
    try:
        redirect_line = format_line(old_doc, new_doc)
    except RedirectSyntaxError as exc:
        raise MoveError(f"{dest}: cannot be redirected to: {exc}") from exc
    _require_tracked(src_path, here)

    old_file = _rel(src_path, root)
    new_file = _rel(dest_path, root)
    docs = {old_doc: new_doc}
    files = {old_file: new_file}
    edits: list[Edit] = []
    contents: dict[Path, str] = {}
    map_path = root / redirects_file
    for path in _scanned_files(root):
        if path == map_path:
            continue
        rel = _rel(path, root)
        moving = path == src_path
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MoveError(f"{_show(path, here)}: cannot be read: {exc}") from exc
        new_text, file_edits = _rewrite(
            text, path,
            old_dir=posixpath.dirname(rel),
            new_dir=posixpath.dirname(new_file if moving else rel),
            docs=docs, files=files, moving=moving,
        )
        edits.extend(file_edits)
        if moving:
            contents[dest_path] = new_text
        elif new_text != text:
            contents[path] = new_text

    try:
        map_text = map_path.read_text(encoding="utf-8") if map_path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise MoveError(f"{_show(map_path, here)}: cannot be read: {exc}") from exc
    dropped = tuple(
        (line.lineno, f"{line.old.path} {line.new.path}")
        for line in parse_map(map_text).lines
        if not line.old.is_url and line.old.path == new_doc
    )
    contents[map_path] = _updated_map(map_text, redirect_line, {n for n, _ in dropped})
    notes = []
    if _top_folder(old_doc) != _top_folder(new_doc) and not _declares_audience(
        contents[dest_path]
    ):
        notes.append(f"{_show(dest_path, here)} has no :audience: field: its guides now "
                     f"follow the folder {_top_folder(new_doc) or '(top)'}/ (check with "
                     "guidebook diff)")
    return MovePlan(root, src_path, dest_path, old_doc, new_doc, tuple(edits), contents,
                    map_path, redirect_line, dropped, tuple(notes))


def apply_move(plan: MovePlan) -> None:
    """Carry out *plan*: ``git mv``, then write the rewritten files and the map."""
    created = [parent for parent in reversed(plan.dest.parents) if not parent.exists()]
    for folder in created:
        folder.mkdir()
    try:
        git(plan.src.parent, "mv", "--", str(plan.src), str(plan.dest))
    except GitError as exc:
        for folder in reversed(created):
            folder.rmdir()
        raise MoveError(f"{plan.src}: {exc}") from None
    for path, text in plan.contents.items():
        path.write_text(text, encoding="utf-8")


def describe(plan: MovePlan, *, cwd: Path | None = None) -> list[str]:
    """The plan, one line per change, paths relative to *cwd*."""
    here = cwd or Path.cwd()
    lines = [f"git mv {_show(plan.src, here)} {_show(plan.dest, here)}"]
    for edit in plan.edits:
        lines.append(f"{_show(edit.path, here)}:{edit.lineno}: {edit.kind} "
                     f"{edit.before!r} -> {edit.after!r}")
    map_name = _show(plan.redirects_file, here)
    for lineno, text in plan.dropped_lines:
        lines.append(f"{map_name}:{lineno}: remove redirect {text!r} (the page is back there)")
    lines.append(f"{map_name}: add redirect {plan.redirect_line!r}")
    lines.extend(f"note: {note}" for note in plan.notes)
    return lines


def _top_folder(docname: str) -> str:
    return docname.split("/", 1)[0] if "/" in docname else ""


def _declares_audience(text: str) -> bool:
    """Whether the page starts with an ``:audience:`` field (its file-wide fields)."""
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(":"):
            return False
        if line.startswith(":audience:"):
            return True
    return False


def redirects_setting(source_dir: Path) -> str:
    """``guidebook_redirects_file`` from the project's conf.py (its default if unset)."""
    conf = Path(os.path.abspath(source_dir), "conf.py")  # Sphinx chdirs while reading it
    if not conf.is_file():
        raise MoveError(f"{source_dir}: no conf.py here (is --source right?)")
    try:
        namespace = eval_config_file(conf, Tags())
    except ConfigError as exc:
        raise MoveError(f"{conf}: {exc}") from exc
    value = namespace.get("guidebook_redirects_file", DEFAULT_MAP)
    if not isinstance(value, str) or not value:
        raise MoveError(f"{conf}: guidebook_redirects_file must be a file name, not {value!r}")
    return value


# -- locating pages ----------------------------------------------------------------------


def _locate(arg: str, root: Path, cwd: Path) -> tuple[str, Path]:
    """The docname and source file named by *arg* (a .rst path or a docname)."""
    if arg.endswith(SOURCE_SUFFIX):
        path = Path(os.path.normpath(cwd / arg))
        if root not in path.parents:
            raise MoveError(f"{arg}: outside the source tree {_show(root, cwd)}")
        return _rel(path, root).removesuffix(SOURCE_SUFFIX), path
    docname = posixpath.normpath(arg.strip().lstrip("/")) if arg.strip() else ""
    if not docname or docname in (".", "..") or docname.startswith("../"):
        raise MoveError(f"{arg}: outside the source tree {_show(root, cwd)}")
    if Path(docname).suffix in (".md", ".txt", ".html"):
        raise MoveError(f"{arg}: name the page by its {SOURCE_SUFFIX} file or its docname")
    return docname, root / (docname + SOURCE_SUFFIX)


def _require_tracked(path: Path, cwd: Path) -> None:
    try:
        tracked = run_git(path.parent, "ls-files", "--error-unmatch", "--",
                          path.name).returncode == 0
    except GitError:
        tracked = False
    if not tracked:
        raise MoveError(f"{_show(path, cwd)}: not tracked by git (guidebook move uses "
                        "git mv; add and commit the page first)")


def _scanned_files(root: Path) -> Iterator[Path]:
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "_")))
        for name in sorted(names):
            if name.endswith(SCANNED_SUFFIXES):
                yield Path(folder, name)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _show(path: Path, cwd: Path) -> str:
    """*path* relative to *cwd* when it is below it, else absolute."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


# -- rewriting references ----------------------------------------------------------------


def _rewrite(
    text: str,
    path: Path,
    *,
    old_dir: str,
    new_dir: str,
    docs: dict[str, str],
    files: dict[str, str],
    moving: bool,
) -> tuple[str, list[Edit]]:
    """Rewrite the references of one file; *old_dir*/*new_dir* are its folder before and
    after the move (they differ only for the moved page)."""
    edits: list[Edit] = []
    replacements: list[tuple[int, int, str]] = []

    def doc_target(target: str) -> str | None:
        return _retarget(target, old_dir, new_dir, docs, moving, relative_dots=False)

    def file_target(target: str, name: str) -> str | None:
        mapping = files if name in _PAGE_INCLUDES else {}
        return _retarget(target, old_dir, new_dir, mapping, moving, relative_dots=True)

    def record(start: int, end: int, kind: str, before: str, after: str) -> None:
        replacements.append((start, end, after))
        edits.append(Edit(path, text.count("\n", 0, start) + 1, kind, before, after))

    for start, end, entry in _toctree_entries(text):
        titled = _TITLED.match(entry)
        target = titled.group("target") if titled else entry
        new = doc_target(target)
        if new is not None:
            record(start, end, "toctree entry", entry,
                   f"{titled.group('title')}<{new}>" if titled else new)
    for match in _DOC_ROLE.finditer(text):
        body = match.group("body")
        titled = _TITLED.match(body)
        target = titled.group("target") if titled else body
        new = doc_target(target.strip())
        if new is not None:
            after = f"{titled.group('title')}<{new}>" if titled else new
            record(match.start("body"), match.end("body"), ":doc: reference",
                   body, after)
    for match in _PATH_DIRECTIVE.finditer(text):
        name = match.group("name")
        new = file_target(match.group("path"), name)
        if new is not None:
            record(match.start("path"), match.end("path"), f"{name} path",
                   match.group("path"), new)

    replacements.sort()
    pieces: list[str] = []
    position = 0
    for start, end, after in replacements:
        pieces.append(text[position:start])
        pieces.append(after)
        position = end
    pieces.append(text[position:])
    edits.sort(key=lambda edit: edit.lineno)
    return "".join(pieces), edits


def _retarget(
    target: str,
    old_dir: str,
    new_dir: str,
    mapping: dict[str, str],
    moving: bool,
    *,
    relative_dots: bool,
) -> str | None:
    """The new text of a reference *target*, or None when it does not change.

    Absolute targets (``/user/page``) change only when they name a moved page; relative
    ones also when the referring file itself moves to another folder.
    """
    if (not target or target == "self" or "://" in target
            or target.startswith(("#", "<", "mailto:")) or any(c in target for c in "*?[")):
        return None  # a URL, a glob, a standard include such as <isonum.txt>
    absolute = target.startswith("/")
    resolved = posixpath.normpath(target.lstrip("/") if absolute else
                                  posixpath.join(old_dir, target))
    if resolved.startswith("../"):
        return None
    suffix = ""
    if resolved not in mapping and resolved.endswith(SOURCE_SUFFIX) and not relative_dots:
        suffix = SOURCE_SUFFIX  # a toctree entry written with its suffix
        resolved = resolved.removesuffix(SOURCE_SUFFIX)
    moved = mapping.get(resolved)
    if moved is None and (absolute or not moving or old_dir == new_dir):
        return None
    final = moved or resolved
    if absolute:
        return "/" + final + suffix
    relative = posixpath.relpath(final, new_dir or ".")
    if relative.startswith("../") and not relative_dots:
        return "/" + final + suffix
    new = relative + suffix
    return None if new == target else new


def _toctree_entries(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, entry) of every entry of every toctree directive in *text*."""
    lines = text.splitlines(keepends=True)
    offset = 0
    in_tree: int | None = None  # the indentation of the toctree directive
    for line in lines:
        stripped = line.rstrip("\r\n")
        start = offset
        offset += len(line)
        directive = _TOCTREE.match(stripped)
        if directive:
            in_tree = len(directive.group("indent").expandtabs())
            continue
        if in_tree is None or not stripped.strip():
            continue
        entry = _ENTRY.match(stripped)
        if entry is None or len(entry.group("indent").expandtabs()) <= in_tree:
            in_tree = None
            continue
        if _OPTION.match(stripped):
            continue
        begin = start + entry.start("entry")
        yield begin, begin + len(entry.group("entry")), entry.group("entry")


def _updated_map(text: str, line: str, dropped: set[int]) -> str:
    kept = [raw for lineno, raw in enumerate(text.split("\n"), start=1) if lineno not in dropped]
    body = "\n".join(kept)
    if body and not body.endswith("\n"):
        body += "\n"
    return body + line + "\n"
