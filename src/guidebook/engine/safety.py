"""Guards on what a build reads: files inside the source tree, text that decodes.

Sphinx follows ``.. include::`` and ``.. literalinclude::`` wherever a path leads, walks
directory symlinks even when they loop, and stops with a bare ``UnicodeDecodeError`` on a
page that is not UTF-8. guidebook refuses the first, skips the second and names the file
and line of the third, so a contributor's typo never publishes a file from outside the
tree, never multiplies pages and never ends in a traceback.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.errors import SphinxError

from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from docutils import nodes
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


def _refused(directive: Include | LiteralInclude, argument: str, name: str) -> bool:
    """Warn and return True when *argument* leads outside the source tree."""
    env = directive.env
    _rel, filename = env.relfn2path(argument)
    srcdir = Path(env.srcdir).resolve()
    if _inside(Path(filename), srcdir):
        return False
    warn(
        WarningCode.INCLUDE_OUTSIDE,
        f"{name} of {argument!r} refused: it leads to {filename}, outside the source "
        f"directory {srcdir} (copy the file into the source tree)",
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
    app.connect("env-before-read-docs", check_source_encoding)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
