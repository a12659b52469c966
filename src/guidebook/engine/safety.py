"""Guards on what a build reads: files inside the repository, text that decodes.

Sphinx follows ``.. include::``, ``.. literalinclude::`` and ``.. image::`` wherever a path
leads, walks directory symlinks even when they loop, and stops with a bare
``UnicodeDecodeError`` on a page that is not UTF-8. guidebook refuses the first when the
path (or a symlink on it) leaves the repository and the folders of
``guidebook_include_roots``, skips the second and names the file and line of the third, so
a contributor's typo never publishes a file from outside the project, never multiplies
pages and never ends in a traceback. Files of the repository outside the source directory
(``CONTRIBUTING.rst``, ``etc/*.sample``, API samples) are published: real trees include
them.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import docutils
from docutils import nodes
from docutils.utils import get_source_line
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.errors import ConfigError, SphinxError

from guidebook.config import conf_location
from guidebook.git import work_tree_root
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata


class SourceEncodingError(SphinxError):
    """A source page that cannot be decoded; the message names each file and line."""

    category = "Source encoding error"


def _inside(path: Path, tree: Path) -> bool:
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return resolved == tree or tree in resolved.parents


@functools.lru_cache(maxsize=32)
def _repository_of(srcdir: str) -> Path:
    """The git work tree holding *srcdir*, or *srcdir* itself outside git (one git call)."""
    return (work_tree_root(Path(srcdir)) or Path(srcdir)).resolve()


def resolve_include_roots(app: Sphinx, config: Config) -> None:
    """Check ``guidebook_include_roots`` and make each entry an absolute folder path.

    Relative entries are relative to conf.py's folder, which the directives cannot see.
    """
    conf_py = Path(app.confdir, "conf.py")
    resolved = []
    for entry in config.guidebook_include_roots:
        where = conf_location(conf_py, "guidebook_include_roots")
        if not isinstance(entry, str) or not entry:
            raise ConfigError(
                f"{where}: guidebook_include_roots must list folder names, not {entry!r}")
        root = Path(app.confdir, entry).resolve()
        if not root.is_dir():
            raise ConfigError(
                f"{where}: guidebook_include_roots entry {entry!r} is not a folder ({root})")
        resolved.append(str(root))
    config.guidebook_include_roots = resolved


def allowed_roots(env: BuildEnvironment) -> tuple[Path, ...]:
    """The repository (else the source directory) and the ``guidebook_include_roots``."""
    repository = _repository_of(str(Path(env.srcdir).resolve()))
    return (repository, *(Path(root) for root in env.config.guidebook_include_roots))


def _outside_message(env: BuildEnvironment, what: str, target: str) -> str:
    """``<what> refused: it leads to <target>, outside the repository <root> (...)``."""
    srcdir = Path(env.srcdir).resolve()
    root = _repository_of(str(srcdir))
    where = f"the source directory {srcdir}" if root == srcdir else f"the repository {root}"
    return (
        f"{what} refused: it leads to {target}, outside {where} (copy the file into it, "
        "or add its folder to guidebook_include_roots in conf.py)"
    )


def _refused(directive: Include | LiteralInclude, argument: str, name: str) -> bool:
    """Warn and return True when *argument* leads outside the allowed roots."""
    env = directive.env
    _rel, filename = env.relfn2path(argument)
    if any(_inside(Path(filename), root) for root in allowed_roots(env)):
        return False
    warn(
        WarningCode.INCLUDE_OUTSIDE,
        _outside_message(env, f"{name} of {argument!r}", filename),
        location=directive.get_location(),
    )
    return True


class SourceTreeInclude(Include):
    """Sphinx's ``.. include::`` limited to files inside the source tree."""

    def run(self) -> Sequence[nodes.Node]:
        argument = self.arguments[0]
        standard = argument.startswith("<") and argument.endswith(">")
        if not standard and _refused(self, argument, "include"):
            return []
        return super().run()


class SourceTreeLiteralInclude(LiteralInclude):
    """Sphinx's ``.. literalinclude::`` limited to files inside the source tree."""

    def run(self) -> list[nodes.Node]:
        for argument in (self.arguments[0], self.options.get("diff")):
            if argument and _refused(self, str(argument), "literalinclude"):
                return []
        return super().run()


def refuse_outside_images(app: Sphinx, doctree: nodes.document) -> None:
    """Drop, with a located warning, each image whose file is outside the allowed roots.

    Runs before Sphinx's image collector (priority 500), which would copy the file into
    ``_images/`` wherever it is.
    """
    env = app.env
    roots: tuple[Path, ...] | None = None
    for node in list(doctree.findall(nodes.image)):
        uri = str(node.get("uri", ""))
        if not uri or uri.startswith("data:") or "://" in uri:
            continue
        if _IMAGE_LINES_LATE:
            _locate_image_directive(node, uri)
        _rel, filename = env.relfn2path(uri, env.docname)
        roots = roots or allowed_roots(env)
        if any(_inside(Path(filename), root) for root in roots):
            continue
        warn(WarningCode.INCLUDE_OUTSIDE,
             _outside_message(env, f"image {uri!r}", filename), location=node)
        node.parent.remove(node)


#: docutils before 0.21 gives a figure's image no line (a warning about it then lands on
#: the caption) and a plain image the line after its directive. Every warning about an
#: image (refused here, left out of a PDF later) should name the directive's own line.
_IMAGE_LINES_LATE = docutils.__version_info__[:2] < (0, 21)


@functools.lru_cache(maxsize=64)
def _source_rows(source: str, mtime_ns: int) -> tuple[str, ...]:
    # mtime_ns is part of the key: a file edited under `guidebook serve` is read again.
    return tuple(Path(source).read_text(encoding="utf-8", errors="replace").splitlines())


def _locate_image_directive(node: nodes.image, uri: str) -> None:
    """Give *node* the line of the ``image`` or ``figure`` directive that names *uri*.

    docutils 0.20 gives a figure's image no line (the warning then lands on the caption)
    and a plain image the line after its directive; the directive's own line is found in
    the source, nearest the line docutils gave.
    """
    source, line = get_source_line(node)
    if not source or not os.path.isfile(source):
        return
    directive = re.compile(r"\.\.\s+(?:image|figure)::\s*" + re.escape(uri) + r"\s*$")
    rows = _source_rows(source, os.stat(source).st_mtime_ns)
    hits = [number for number, row in enumerate(rows, 1) if directive.search(row)]
    if hits:
        node.source = source
        node.line = min(hits, key=lambda number: abs(number - (line or 0)))


def skip_symlink_loops(app: Sphinx, config: Config) -> None:
    """Exclude directory symlinks that lead back to one of their own ancestors."""
    srcdir = Path(app.srcdir).resolve()
    for root, dirs, _files in os.walk(srcdir):
        for name in dirs:
            link = Path(root, name)
            if not link.is_symlink():
                continue
            try:
                target = link.resolve(strict=True)
            except (OSError, RuntimeError):
                target = None
            if target is not None and not (target == link.parent or target in link.parents):
                continue
            relative = link.relative_to(srcdir).as_posix()
            warn(
                WarningCode.SYMLINK_LOOP,
                f"{link}: symbolic link to {os.readlink(link)!r} loops back into its own "
                "folder; skipped (remove it, or list it in exclude_patterns)",
            )
            # A new list: Sphinx's default list is shared by every app in the process.
            config.exclude_patterns = [*config.exclude_patterns, relative]


def check_source_encoding(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Stop with ``path:line: message`` for every page that cannot be decoded."""
    encoding = app.config.source_encoding
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise SourceEncodingError(
            f"conf.py: source_encoding {encoding!r} is not an encoding Python knows"
        ) from None
    label = "UTF-8" if codec in ("utf-8", "utf-8-sig") else encoding
    problems = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        try:
            data = path.read_bytes()
        except OSError:
            continue  # Sphinx reports unreadable files itself
        try:
            data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            problems.append(
                f"{path}:{line}: this file is not valid {label} text (byte "
                f"0x{data[exc.start]:02x} at column {column}); save it as UTF-8"
            )
    if problems:
        raise SourceEncodingError("\n".join(problems))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("include", SourceTreeInclude, override=True)
    app.add_directive("literalinclude", SourceTreeLiteralInclude, override=True)
    app.connect("config-inited", skip_symlink_loops)
    app.connect("config-inited", resolve_include_roots)
    app.connect("doctree-read", refuse_outside_images, priority=400)
    app.connect("env-before-read-docs", check_source_encoding)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
