"""The audience model: which parts of the site a page and a block of content serve.

Pure functions of the configuration and one document, so the Sphinx extension, the
linter and the reviewer tools share one definition.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from sphinx.util.matching import patmatch

from guidebook.config import PAGE_TYPES, Part
from guidebook.spelling import did_you_mean

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_SEPARATORS = re.compile(r"[\s,]+")

#: The file-wide field that sets a page's audiences.
AUDIENCE_FIELD = "audience"
#: The file-wide field that sets a page's type.
PAGE_TYPE_FIELD = "page-type"


class AudienceSyntaxError(ValueError):
    """An audience list that cannot be parsed."""


@dataclasses.dataclass(frozen=True)
class FolderRule:
    """One entry of ``guidebook_folder_audiences``: a pattern and the audiences it gives."""

    pattern: str
    audiences: tuple[str, ...]

    def matches(self, docname: str) -> bool:
        if self.pattern.endswith("/"):
            return docname.startswith(self.pattern)
        return patmatch(docname, self.pattern) is not None


def parse_audiences(text: str) -> tuple[str, ...]:
    """Split ``"user, operator"`` or ``"operator admin"`` into names, in order, once each.

    Raise :class:`AudienceSyntaxError` for an empty list or a malformed name.
    """
    names: list[str] = []
    for raw in _SEPARATORS.split(text.strip()):
        if not raw:
            continue
        if not _NAME.match(raw):
            raise AudienceSyntaxError(
                f"invalid audience name {raw!r}: use letters, digits, '-' and '_'"
            )
        if raw not in names:
            names.append(raw)
    if not names:
        raise AudienceSyntaxError("no audience given")
    return tuple(names)


def audience_tag(name: str) -> str:
    """The Sphinx tag set while the guide or part *name* is written."""
    return "guidebook_" + name.replace("-", "_")


def audience_expression(names: Iterable[str]) -> str:
    """The ``only`` expression that is true in the guides *names*."""
    return " or ".join(audience_tag(name) for name in names)


def top_folder(docname: str) -> str:
    """The first path segment of *docname* ("" for a page at the top of the tree)."""
    return docname.split("/", 1)[0] if "/" in docname else ""


def default_parts(
    docname: str, specs: Sequence[Part], rules: Sequence[FolderRule] = ()
) -> tuple[str, ...]:
    """The parts of a page that declares no audience.

    The first of *rules* (``guidebook_folder_audiences``, longest pattern first) that
    matches *docname* gives its audiences. Otherwise the page belongs to every guide or
    part whose root page sits in the same top folder; a page at the top of the tree
    belongs to the parts rooted at the top (a guide rooted at ``index`` holds the pages
    beside it). Anything else has to declare its audience.
    """
    for rule in rules:
        if rule.matches(docname):
            return rule.audiences
    folder = top_folder(docname)
    return tuple(part.name for part in specs if part.folder == folder)


def page_parts(
    docname: str,
    declared: Sequence[str] | None,
    specs: Sequence[Part],
    rules: Sequence[FolderRule] = (),
) -> tuple[str, ...]:
    """The parts that include *docname*: its declared audiences, or its folder's default.

    A part's root page always belongs to that part. Unknown declared names are dropped
    (they are reported where they are read).
    """
    known = {part.name for part in specs}
    if declared is not None:
        names = [name for name in dict.fromkeys(declared) if name in known]
    else:
        names = list(default_parts(docname, specs, rules))
    for spec in specs:
        if spec.root == docname and spec.name not in names:
            names.append(spec.name)
    order = {spec.name: index for index, spec in enumerate(specs)}
    return tuple(sorted(names, key=order.__getitem__))


# -- the audience checks, for the build and for lint ---------------------------------------

#: What an :class:`AudienceFinding` is about (the build's warning code and lint's rule
#: follow from it).
FindingKind = Literal["audience-syntax", "audience-unknown", "page-no-audience",
                      "audience-block-dead", "page-type-unknown"]


@dataclasses.dataclass(frozen=True)
class AudienceFinding:
    """One problem with a page's audiences or type, worded once for the build and lint."""

    kind: FindingKind
    message: str


def audience_list_findings(value: str, where: str,
                           known: Sequence[str]) -> Iterator[AudienceFinding]:
    """A malformed list, or each name in it that is no guide or part in *known*.

    *where* says which list: ``":audience: field"`` or ``"audience directive"``.
    """
    try:
        names = parse_audiences(value)
    except AudienceSyntaxError as exc:
        yield AudienceFinding("audience-syntax", f"{where}: {exc}")
        return
    for name in names:
        if name not in known:
            yield AudienceFinding(
                "audience-unknown",
                f"unknown audience {name!r}{did_you_mean(name, known)} "
                f"(known: {', '.join(known)})",
            )


def page_audience_findings(declared: Sequence[str] | None,
                           parts: Sequence[str]) -> Iterator[AudienceFinding]:
    """A page that declares no audience and that no guide's folder holds: nobody sees it."""
    if declared is None and not parts:
        yield AudienceFinding(
            "page-no-audience",
            "page is outside every guide's folder and has no ':audience:' field "
            "(add one at the top of the file, e.g. ':audience: user, operator', "
            "or map its folder in guidebook_folder_audiences)",
        )


def block_findings(names: Sequence[str], visible: Iterable[str],
                   parts: Sequence[str]) -> Iterator[AudienceFinding]:
    """An ``.. audience::`` block for *names* that no guide of the page shows (*visible*:
    the guides that may show it, the enclosing blocks' limits applied)."""
    if parts and not set(visible) & set(parts):
        yield AudienceFinding(
            "audience-block-dead",
            f"audience block for {', '.join(names)} can never be shown: "
            f"the page is only in {', '.join(parts)}",
        )


def page_type_findings(value: str) -> Iterator[AudienceFinding]:
    """A ``:page-type:`` that is none of :data:`~guidebook.config.PAGE_TYPES`."""
    if value not in PAGE_TYPES:
        yield AudienceFinding(
            "page-type-unknown",
            f"unknown page type {value!r}{did_you_mean(value, PAGE_TYPES)} "
            f"(use one of {', '.join(PAGE_TYPES)})",
        )
