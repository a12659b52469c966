"""Audiences: the ``:audience:`` page field, the ``.. audience::`` directive and their data.

An ``.. audience::`` block becomes a Sphinx ``only`` node whose expression is true in the
named guides; the builder sets the guide's tag while it writes that guide, so Sphinx's own
machinery drops foreign blocks from the HTML, the search index and the navigation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.directives.other import Only

from guidebook.audiences.domain import AudienceDomain
from guidebook.audiences.folders import SETTING, folder_rules, pattern_line, unmatched
from guidebook.audiences.model import (
    AUDIENCE_FIELD,
    PAGE_TYPE_FIELD,
    AudienceFinding,
    FindingKind,
    FolderRule,
    audience_expression,
    audience_list_findings,
    block_findings,
    page_audience_findings,
    page_parts,
    page_type_findings,
    parse_audiences,
)
from guidebook.config import PAGE_TYPES, GuidebookConfig, Part
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

#: Node attribute holding the audience names of an ``.. audience::`` block.
AUDIENCES_ATTR = "guidebook_audiences"


def audience_node(names: Sequence[str]) -> addnodes.only:
    """An empty ``only`` node shown only in the guides *names* (for other extensions)."""
    node = addnodes.only()
    node["expr"] = audience_expression(names)
    node[AUDIENCES_ATTR] = list(names)
    return node


def configured_parts(env: BuildEnvironment) -> list[Part]:
    """The validated guides and parts of this build."""
    return GuidebookConfig.from_sphinx(env.config).configured_parts()


def page_rules(env: BuildEnvironment) -> tuple[FolderRule, ...]:
    """The ``guidebook_folder_audiences`` rules (validated with their lines at config-inited)."""
    return folder_rules(env.config.guidebook_folder_audiences, configured_parts(env))


def check_folder_audiences(app: Sphinx, config: Config) -> None:
    """Stop with ``conf.py:LINE: message`` on a malformed entry or an unknown audience."""
    specs = GuidebookConfig.from_sphinx(config).configured_parts()
    folder_rules(config.guidebook_folder_audiences, specs, Path(app.confdir, "conf.py"))


def warn_unmatched_patterns(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Warn at its conf.py line about every folder-audience pattern that matches no page."""
    conf = Path(app.confdir, "conf.py")
    for rule in unmatched(page_rules(env), env.found_docs):
        warn(
            WarningCode.FOLDER_AUDIENCES_UNMATCHED,
            f"{SETTING}[{rule.pattern!r}] matches no page (a folder ends in '/', "
            "a glob is matched against docnames such as 'cli/index')",
            location=f"{conf}:{pattern_line(conf, rule.pattern)}",
        )


def get_domain(env: BuildEnvironment) -> AudienceDomain:
    return cast("AudienceDomain", env.domains["guidebook"])


class AudienceDirective(Only):
    """``.. audience:: operator admin``: content shown only in those guides.

    It nests, works inside lists, tables and admonitions, and may contain sections (it
    inherits the section handling of Sphinx's ``only``).
    """

    # Optional so that a missing list gets guidebook's own message, not docutils'.
    required_arguments = 0
    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        location = self.get_location()
        arguments: list[str] = getattr(self, "arguments", [])
        value = arguments[0] if arguments else ""
        known = [part.name for part in configured_parts(self.env)]
        findings = list(audience_list_findings(value, "audience directive", known))
        _warn_all(findings, location)
        if any(finding.kind == "audience-syntax" for finding in findings):
            return []
        names = tuple(name for name in parse_audiences(value) if name in known)
        if not names:
            return []
        self.arguments = [audience_expression(names)]
        result = super().run()
        for node in self._only_nodes(result):
            node[AUDIENCES_ATTR] = list(names)
        get_domain(self.env).blocks.setdefault(self.env.docname, []).append(
            (self.lineno, names)
        )
        return result

    def _only_nodes(self, result: list[nodes.Node]) -> Iterable[addnodes.only]:
        if result:
            yield from (node for node in result if isinstance(node, addnodes.only))
            return
        # Sphinx's ``only`` moved a block that holds sections up the tree: find it there.
        parent = self.state.parent
        while parent is not None and parent.parent is not None:
            parent = parent.parent
        if parent is not None:
            for node in parent.findall(addnodes.only):
                if AUDIENCES_ATTR not in node and node.line == self.lineno:
                    yield node


def _field_line(env: BuildEnvironment, docname: str, field: str) -> int:
    """The line of the file-wide *field* (docutils keeps no line on docinfo fields)."""
    try:
        text = Path(env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 1
    marker = f":{field}:"
    for number, line in enumerate(text.splitlines()[:50], start=1):
        if line.strip().startswith(marker):
            return number
    return 1


def read_page_fields(app: Sphinx, doctree: nodes.document) -> None:
    """Record the page's ``:audience:`` and ``:page-type:`` fields; warn on bad values.

    Runs after Sphinx's metadata collector has moved the fields into ``env.metadata``.
    """
    env = app.env
    docname = env.docname
    domain = get_domain(env)
    metadata = env.metadata.setdefault(docname, {})
    specs = configured_parts(env)
    declared: tuple[str, ...] | None = None
    if AUDIENCE_FIELD in metadata:
        line = _field_line(env, docname, AUDIENCE_FIELD)
        value = str(metadata[AUDIENCE_FIELD])
        findings = list(audience_list_findings(value, ":audience: field",
                                               [part.name for part in specs]))
        _warn_all(findings, (docname, line))
        if not any(finding.kind == "audience-syntax" for finding in findings):
            declared = parse_audiences(value)
            domain.declared[docname] = (declared, line)
    if PAGE_TYPE_FIELD in metadata:
        page_type = str(metadata[PAGE_TYPE_FIELD]).strip()
        if page_type in PAGE_TYPES:
            domain.page_types[docname] = page_type
        _warn_all(page_type_findings(page_type),
                  (docname, _field_line(env, docname, PAGE_TYPE_FIELD)))
    parts = page_parts(docname, declared, specs, page_rules(env))
    if not parts:
        # The project's top-level root page in no guide: the portal replaces it.
        if not (docname == env.config.root_doc and "/" not in docname):
            _warn_all(page_audience_findings(declared, parts), (docname, 1))
    elif any(spec.root == docname for spec in specs):
        # A guide's landing page is the top of its navigation, not a toctree child.
        metadata["orphan"] = True
    _record_blocks(app, doctree, docname, parts)


def _record_blocks(
    app: Sphinx, doctree: nodes.document, docname: str, parts: Sequence[str]
) -> None:
    """Note the ids inside each audience block and warn about blocks nobody can see."""
    domain = get_domain(app.env)
    hidden: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for node in doctree.findall(addnodes.only):
        if AUDIENCES_ATTR not in node:
            continue
        visible = set(node[AUDIENCES_ATTR])
        ancestor = node.parent
        while ancestor is not None:
            if isinstance(ancestor, addnodes.only) and AUDIENCES_ATTR in ancestor:
                visible &= set(ancestor[AUDIENCES_ATTR])
            ancestor = ancestor.parent
        _warn_all(block_findings(node[AUDIENCES_ATTR], visible, parts), node)
        ids = tuple(
            node_id
            for element in node.findall(nodes.Element)
            for node_id in element.get("ids", ())
        )
        if ids:
            hidden.append((tuple(sorted(visible)), ids))
    if hidden:
        domain.hidden[docname] = hidden


#: The build's warning code for each kind of audience finding.
FINDING_CODES: dict[FindingKind, WarningCode] = {
    "audience-syntax": WarningCode.AUDIENCE_EMPTY,
    "audience-unknown": WarningCode.AUDIENCE_UNKNOWN,
    "page-no-audience": WarningCode.PAGE_NO_AUDIENCE,
    "audience-block-dead": WarningCode.AUDIENCE_BLOCK_DEAD,
    "page-type-unknown": WarningCode.PAGE_TYPE_UNKNOWN,
}


def _warn_all(findings: Iterable[AudienceFinding], location: Any) -> None:
    for finding in findings:
        warn(FINDING_CODES[finding.kind], finding.message, location=location)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_domain(AudienceDomain)
    # After guidebook's own check of the guides (priority 100).
    app.connect("config-inited", check_folder_audiences, priority=110)
    app.connect("env-before-read-docs", warn_unmatched_patterns)
    app.add_directive("audience", AudienceDirective)
    # After Sphinx's metadata collector (priority 500) has read the file-wide fields.
    app.connect("doctree-read", read_page_fields, priority=600)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }


__all__ = ["AUDIENCES_ATTR", "audience_node", "configured_parts", "get_domain", "page_rules",
           "setup"]
