"""guidebook's lint rules: a registry of small checks, each with a code and an example.

A page rule is a function ``check_*(page, project)`` yielding ``(line, message)`` for one
source file; a tree rule is a function ``check_*(project, context)`` yielding
``(path, line, message)`` for files that are not reST pages (release notes, the OpenAPI
spec). The docstring of each rule is its documentation: a summary line, then a Bad and
a Good example (``guidebook lint --list-rules`` prints them).

Longer than 400 lines because it is the registry itself: every rule with its Bad and Good
example, read top to bottom as the rules' reference, as sphinx-lint keeps its checkers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from guidebook.audiences.model import (
    AUDIENCE_FIELD,
    PAGE_TYPE_FIELD,
    AudienceSyntaxError,
    audience_list_findings,
    block_findings,
    page_audience_findings,
    page_type_findings,
    parse_audiences,
)
from guidebook.lint import similarity
from guidebook.lint.project import LINK_ROLES, Page, Project
from guidebook.lint.source import Role
from guidebook.spelling import did_you_mean

PageCheck = Callable[[Page, Project], Iterator[tuple[int, str]]]


class TreeContext(Protocol):
    """What a tree rule needs besides the project: where the other inputs live."""

    root: Path
    releasenotes: Path | None
    openapi_spec: Path | None

    def display(self, path: Path) -> str: ...


TreeCheck = Callable[[Project, TreeContext], Iterator[tuple[Path, int, str]]]


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule: its code, a short name, severity and the check (None for doc8's)."""

    code: str
    name: str
    severity: str
    doc: str
    page_check: PageCheck | None = None
    tree_check: TreeCheck | None = None
    #: Page rules that need the page's place in the tree (docname, guides).
    needs_tree: bool = True

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


RULES: dict[str, Rule] = {}


def page_rule(
    code: str, name: str, *, severity: str = "warning", needs_tree: bool = True
) -> Callable[[PageCheck], PageCheck]:
    def register(check: PageCheck) -> PageCheck:
        RULES[code] = Rule(code, name, severity, check.__doc__ or "", page_check=check,
                           needs_tree=needs_tree)
        return check

    return register


def tree_rule(code: str, name: str, *, severity: str = "error") -> Callable[[TreeCheck], TreeCheck]:
    def register(check: TreeCheck) -> TreeCheck:
        RULES[code] = Rule(code, name, severity, check.__doc__ or "", tree_check=check)
        return check

    return register


for _code, _name, _severity, _doc in (
    ("D000", "invalid-rst", "error", "doc8: the file is not valid reStructuredText."),
    ("D001", "line-too-long", "warning",
     "doc8: a line is longer than max-line-length ([doc8] in tox.ini or setup.cfg)."),
    ("D002", "trailing-whitespace", "warning", "doc8: a line ends with whitespace."),
    ("D003", "tab-indent", "warning", "doc8: a line is indented with a tab."),
    ("D004", "carriage-return", "warning", "doc8: a line ends with a carriage return."),
    ("D005", "no-final-newline", "warning", "doc8: the file does not end with a newline."),
):
    RULES[_code] = Rule(_code, _name, _severity, _doc)


def _default_domain(page: Page) -> str | None:
    found = page.source.directives_named("default-domain")
    return found[0].arguments.strip() or None if found else None


# -- markup --------------------------------------------------------------------------


@page_rule("GB001", "unknown-directive", severity="error", needs_tree=False)
def check_unknown_directive(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A directive that neither docutils, Sphinx nor a loaded extension defines.

    doc8 in Sphinx mode lets unknown directives pass; Sphinx drops them with a warning
    only during a full build. The names come from the project's own Sphinx setup, so
    directives of the extensions in conf.py are known.

    Bad::

        .. code-blok:: console

    Good::

        .. code-block:: console
    """
    known = project.directive_names(_default_domain(page), project.confdir_of(page.path))
    for directive in page.source.directives:
        # docutils and Sphinx look directive names up in lower case (".. Note::" works).
        if directive.name.lower() not in known:
            yield directive.line, (
                f"unknown directive {directive.name!r}{did_you_mean(directive.name, known)}"
            )


@page_rule("GB002", "unknown-role", severity="error", needs_tree=False)
def check_unknown_role(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """An interpreted text role that neither docutils, Sphinx nor an extension defines.

    Bad::

        See :dco:`/user/sharing`.

    Good::

        See :doc:`/user/sharing`.
    """
    known = project.role_names(_default_domain(page), project.confdir_of(page.path))
    known |= {
        directive.arguments.split("(", 1)[0].strip()
        for directive in page.source.directives_named("role")
    }
    for role in page.source.roles:
        if role.name not in known:
            yield role.line, f"unknown role {role.name!r}{did_you_mean(role.name, known)}"


# -- audiences -----------------------------------------------------------------------


@page_rule("GB101", "page-no-audience")
def check_page_audience(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A page outside every guide's folder that declares no audience: no guide shows it.

    Bad (``common/glossary.rst``)::

        Glossary
        ========

    Good::

        :audience: user, operator

        Glossary
        ========
    """
    if not page.fragment:
        yield from ((1, finding.message)
                    for finding in page_audience_findings(page.declared, page.parts))


@page_rule("GB102", "unknown-audience", severity="error")
def check_unknown_audience(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """An audience, in the ``:audience:`` field or an ``.. audience::`` block, that is
    not a guide or part in ``guidebook_guides``/``guidebook_parts``.

    Bad::

        :audience: users

    Good::

        :audience: user
    """
    known = [part.name for part in project.all_parts]
    places: list[tuple[int, str, str]] = []
    if AUDIENCE_FIELD in page.source.fields:
        value, line = page.source.fields[AUDIENCE_FIELD]
        places.append((line, ":audience: field", value))
    places.extend(
        (directive.line, "audience directive", directive.arguments)
        for directive in page.source.directives_named("audience")
    )
    for line, where, value in places:
        yield from ((line, finding.message)
                    for finding in audience_list_findings(value, where, known))


@page_rule("GB103", "audience-block-dead")
def check_dead_audience_block(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """An ``.. audience::`` block for guides the page is not in: nobody ever sees it.

    Bad (in ``user/sharing.rst``, a page of the user guide only)::

        .. audience:: admin

           Admins can list the members of any image.

    Good: move the paragraph to the admin guide's page, or add the guide to the
    page's ``:audience:`` field.
    """
    if page.fragment or not page.parts:
        return
    for directive in page.source.directives_named("audience"):
        try:
            names = parse_audiences(directive.arguments)
        except AudienceSyntaxError:
            continue
        visible = project.visible(page, directive.audiences) & set(names)
        yield from ((directive.line, finding.message)
                    for finding in block_findings(names, visible, page.parts))


@page_rule("GB104", "page-type-unknown")
def check_page_type(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A ``:page-type:`` that is not tutorial, how-to, reference or explanation.

    Bad::

        :page-type: guide

    Good::

        :page-type: how-to
    """
    del project
    if PAGE_TYPE_FIELD in page.source.fields:
        value, line = page.source.fields[PAGE_TYPE_FIELD]
        yield from ((line, finding.message) for finding in page_type_findings(value))


# -- navigation and links ------------------------------------------------------------


@page_rule("GB201", "orphan-page")
def check_orphan(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A page that no toctree of its guides leads to: readers can only find it by search.

    The navigation of a guide is every page reached from the guide's root through
    toctrees visible in that guide. Mark deliberate stand-alone pages ``:orphan:``.
    Pages only in parts that are not audiences (API reference, release notes) are not
    checked: their navigation is often generated by a directive.

    Bad: ``admin/quotas.rst`` exists, but no toctree lists ``quotas``.

    Good (``admin/index.rst``)::

        .. toctree::

           quotas
    """
    if page.fragment or not page.parts or "orphan" in page.source.fields:
        return
    if all(project.kinds.get(name) == "part" for name in page.parts):
        return
    if any(page.docname == spec.root for spec in project.all_parts):
        return
    if not any(page.docname in project.navigation[part] for part in page.parts):
        yield 1, (
            f"page is in no guide's navigation: list it in a toctree of "
            f"{' or '.join(page.parts)}, or mark it ':orphan:'"
        )


def _link_target(page: Page, project: Project, role: Role) -> tuple[str, set[str]] | None:
    """The docname a ``:doc:`` or ``:ref:`` leads to and the parts that show the target."""
    content = role.content
    if content.endswith(">") and "<" in content:
        content = content[content.rindex("<") + 1 : -1]
    content = content.strip().lstrip("~!")
    if LINK_ROLES[role.name] == "doc":
        docname = project.doc_target(page.docname, content)
        target = project.pages.get(docname)
        return (docname, set(target.parts)) if target else (docname, set())
    found = project.labels.get(" ".join(content.lower().split()))
    if not found:
        return None
    target, label = found[0]
    return target.docname, project.visible(target, label.audiences)


@page_rule("GB202", "link-out-of-audience")
def check_link_audience(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A ``:doc:`` or ``:ref:`` link to a page that none of the linking page's audiences
    can see in their own guide (the reader is sent into another guide).

    Links into or out of parts that are not audiences (the API reference, the release
    notes) are fine: every reader may go there.

    Bad (in ``user/sharing.rst``)::

        Ask an operator to raise :doc:`/admin/quotas`.

    Good: write the user's side on a page the user guide shows, or share the target
    page with ``:audience: user, operator``.
    """
    if page.fragment:
        return
    for role in page.source.roles:
        if role.name not in LINK_ROLES:
            continue
        source = project.visible(page, role.audiences)
        if all(project.kinds.get(name) == "part" for name in source):
            continue
        found = _link_target(page, project, role)
        if found is None or found[0] not in project.pages:
            continue
        docname, target = found
        if target & source or any(project.kinds.get(name) == "part" for name in target):
            continue
        where = ", ".join(sorted(target, key=project.order)) if target else "no guide"
        yield role.line, (
            f"link to {docname!r}, which none of this text's audiences "
            f"({', '.join(sorted(source, key=project.order))}) can see: it is in {where}"
        )


@page_rule("GB203", "duplicate-label", severity="error")
def check_duplicate_label(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A ``.. _label:`` defined twice in the tree: ``:ref:`` can only lead to one of them.

    Bad: ``.. _image-import:`` in both ``user/import.rst`` and ``admin/image-import.rst``.

    Good: ``.. _user-image-import:`` and ``.. _admin-image-import:``.
    """
    for label in page.source.labels:
        first_page, first = project.labels[label.name][0]
        if first_page is page and first is label:
            continue
        yield label.line, (
            f"duplicate label {label.name!r}, first defined at "
            f"{project.display(first_page.path)}:{first.line}"
        )


@page_rule("GB204", "unknown-document")
def check_unknown_document(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A ``:doc:`` link to a document that does not exist.

    Bad::

        :doc:`/user/shareing`

    Good::

        :doc:`/user/sharing`
    """
    for role in page.source.roles:
        if LINK_ROLES.get(role.name) != "doc":
            continue
        found = _link_target(page, project, role)
        if found is not None and found[0] not in project.pages:
            hint = did_you_mean(found[0], set(project.pages))
            yield role.line, f"unknown document {found[0]!r}{hint}"


# -- prose ---------------------------------------------------------------------------


@page_rule("GB301", "near-duplicate")
def check_near_duplicate(page: Page, project: Project) -> Iterator[tuple[int, str]]:
    """A paragraph or section that is at least 85 % the same as one on another page.

    Text written twice drifts apart. Keep it on one page and link to it, share that
    page between guides with ``:audience:``, or put it in a file both pages
    ``.. include::``.

    Bad: the same paragraph about image checksums in ``user/download.rst`` and
    ``admin/troubleshooting.rst``.

    Good: the paragraph lives in ``common/checksums.rst`` (``:audience: user,
    operator``) and both pages link to it.
    """
    # One finding per pair of pages: two pages that overlap in many places (a copied
    # guide) are one thing to fix, not hundreds.
    by_page: dict[str, list[tuple[similarity.Unit, similarity.Unit, float]]] = {}
    others: dict[str, Page] = {}
    for match in project.matches_of(page):
        first = project.page_of_unit(match.first)
        second = project.page_of_unit(match.second)
        if first is page and project.reports_on(first.path):
            here, there, other = match.first, match.second, second
        elif second is page and not project.reports_on(first.path):
            here, there, other = match.second, match.first, first
        else:
            continue
        by_page.setdefault(other.docname, []).append((here, there, match.similarity))
        others[other.docname] = other
    fix = "write it once (a shared page with ':audience:', or a file both pages '.. include::')"
    for docname, pairs in by_page.items():
        pairs.sort(key=lambda pair: (pair[0].line, pair[1].line))
        here, there, ratio = pairs[0]
        where = project.display(others[docname].path)
        if len(pairs) == 1:
            yield here.line, (
                f"{here.kind} is {int(ratio * 100)}% the same as the {there.kind} at "
                f"{where}:{there.line}: {fix}"
            )
            continue
        low, high = (int(r * 100) for r in (min(p[2] for p in pairs), max(p[2] for p in pairs)))
        lines = sorted({p[0].line for p in pairs})
        shown = ", ".join(map(str, lines[:8])) + (", ..." if len(lines) > 8 else "")
        percent = f"{low}%" if low == high else f"{low}-{high}%"
        yield here.line, (
            f"{len(pairs)} passages (lines {shown}) are {percent} the same as passages "
            f"of {where} (first at {where}:{there.line}): {fix}"
        )
