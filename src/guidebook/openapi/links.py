"""``:api:`` links from guide pages, checked after reading.

An unknown operation warns at the link's line, and so does a link to an operation whose
``x-audience`` names none of the guides the link is shown in (the page's guides, narrowed by
any enclosing ``.. audience::`` blocks). An operation without ``x-audience`` is for every
guide.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from guidebook.audiences import AUDIENCES_ATTR
from guidebook.openapi.domain import ApiDomain, LinkEntry, get_api_domain
from guidebook.openapi.spec import AUDIENCE_KEY, split_key
from guidebook.sites import get_site
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def record_links(app: Sphinx, doctree: nodes.document) -> None:
    """Note each ``:api:`` link of the page with its line and its audience blocks."""
    links: list[LinkEntry] = []
    source: _SourceLines | None = None  # the page's source is read at its first link
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") != ApiDomain.name:
            continue
        if source is None:
            source = _SourceLines(app.env.doc2path(app.env.docname))
        shown: set[str] | None = None
        ancestor = node.parent
        while ancestor is not None:
            if isinstance(ancestor, addnodes.only) and AUDIENCES_ATTR in ancestor:
                names = set(ancestor[AUDIENCES_ATTR])
                shown = names if shown is None else shown & names
            ancestor = ancestor.parent
        links.append((str(node["reftarget"]), source.find(node.rawsource, _line(node)),
                      tuple(sorted(shown)) if shown is not None else None))
    if links:
        get_api_domain(app.env).links[app.env.docname] = links


class _SourceLines:
    """Finds a role's own line: docutils gives inline nodes the line of their paragraph."""

    def __init__(self, path: str | Path) -> None:
        try:
            self.lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []
        self.used: set[tuple[int, int]] = set()

    def find(self, rawsource: str, start: int) -> int:
        first = rawsource.strip().splitlines()[0] if rawsource.strip() else ""
        if not first:
            return start
        for number in range(start, min(start + 500, len(self.lines)) + 1):
            column = self.lines[number - 1].find(first)
            while column >= 0 and (number, column) in self.used:
                column = self.lines[number - 1].find(first, column + 1)
            if column >= 0:
                self.used.add((number, column))
                return number
        return start


def _line(node: nodes.Node) -> int:
    current: nodes.Node | None = node
    while current is not None:
        if current.line:
            return int(current.line)
        current = current.parent
    return 1


def check_links(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about ``:api:`` links to unknown operations or to another audience's."""
    domain = get_api_domain(env)
    site = get_site(env)
    known = domain.operations
    for docname in sorted(domain.links):
        guides = [name for name in site.parts_of(docname) if site.parts[name].kind == "guide"]
        for key, line, shown in domain.links[docname]:
            entry = known.get(key)
            if entry is None:
                warn(WarningCode.OPENAPI_UNKNOWN_OPERATION, _unknown(key, list(known)),
                     location=(docname, line))
                continue
            specs = sorted(split_key(other)[0] for other in known
                           if split_key(other)[0] and split_key(other)[1] == key)
            if len(specs) > 1:
                warn(WarningCode.OPENAPI_UNKNOWN_OPERATION,
                     f"{key} is in several specs ({', '.join(specs)}): name one, as in "
                     f":api:`{specs[0]}:{key}`", location=(docname, line))
                continue
            audiences = entry[2]
            visible = [name for name in guides if shown is None or name in shown]
            if audiences and visible and not set(visible) & set(audiences):
                warn(
                    WarningCode.OPENAPI_AUDIENCE,
                    f"{key} is for {', '.join(audiences)} ({AUDIENCE_KEY}), but this link "
                    f"is shown in {', '.join(visible)} (put it in an '.. audience:: "
                    f"{' '.join(audiences)}' block, or link to another operation)",
                    location=(docname, line),
                )


def _unknown(key: str, known: list[str]) -> str:
    if not known:
        return f"unknown API operation {key!r}: no page renders an OpenAPI spec"
    if split_key(key)[0]:
        names = sorted({split_key(other)[0] for other in known} - {""})
        if split_key(key)[0] not in names:
            return (f"unknown API operation {key!r}: no spec named "
                    f"{split_key(key)[0]!r} (specs: {', '.join(names)})")
    close = difflib.get_close_matches(key, [other for other in known
                                            if bool(split_key(other)[0]) ==
                                            bool(split_key(key)[0])], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown API operation {key!r}{hint}"
