"""The specs the site's pages name with ``.. openapi::``, found before Sphinx reads them.

A spec's pages must exist before Sphinx looks for documents, so at ``builder-inited`` the
reStructuredText sources are scanned for the directive (its spec and its ``:pages:``
option); the generated group pages themselves (``:group:``) are not counts of their own.
The scan reads text only: a directive the scan misses still renders, on one page.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from sphinx.util.matching import Matcher

#: ``.. openapi:: <spec>`` and the option lines that follow it.
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+openapi::[ \t]+(?P<spec>\S.*?)[ \t]*$")
_OPTION = re.compile(r"^[ \t]+:(?P<name>[\w-]+):[ \t]*(?P<value>.*?)[ \t]*$")


@dataclasses.dataclass(frozen=True)
class NamedSpec:
    """One ``.. openapi::`` directive that renders a whole spec."""

    #: The page holding the directive.
    docname: str
    #: The spec, source-relative and posix.
    spec_docpath: str
    #: Its ``:pages:`` option ("" when not given).
    pages: str
    #: ``path:line`` of the directive.
    location: str


def spec_docpath(docname: str, argument: str) -> str:
    """The source-relative path of the spec a directive on *docname* names."""
    if argument.startswith("/"):
        return posixpath.normpath(argument.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(docname), argument))


def named_specs(srcdir: Path, exclude: Iterable[str]) -> list[NamedSpec]:
    """Every directive of the ``.rst`` sources under *srcdir* that renders a whole spec."""
    matcher = Matcher([*exclude, "**/_build", "_build", ".*"])
    found: list[NamedSpec] = []
    for folder, subfolders, files in os.walk(srcdir):
        subfolders[:] = sorted(
            name for name in subfolders
            if not matcher(Path(folder, name).relative_to(srcdir).as_posix()))
        for name in sorted(files):
            relpath = Path(folder, name).relative_to(srcdir).as_posix()
            if not name.endswith(".rst") or matcher(relpath):
                continue
            found.extend(_directives(Path(folder, name), relpath.removesuffix(".rst")))
    return found


def _directives(path: Path, docname: str) -> list[NamedSpec]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for number, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if match is None:
            continue
        options: dict[str, str] = {}
        for following in lines[number + 1:]:
            option = _OPTION.match(following)
            if option is None:
                break
            options[option.group("name")] = option.group("value")
        if "group" in options:
            continue
        found.append(NamedSpec(docname, spec_docpath(docname, match.group("spec")),
                               options.get("pages", ""), f"{path}:{number + 1}"))
    return found


__all__ = ["NamedSpec", "named_specs", "spec_docpath"]
