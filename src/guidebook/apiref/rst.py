"""An os-api-ref source folder read with docutils: its directives become marker nodes.

Each ``.rst`` file is parsed with plain docutils (includes followed), with the os-api-ref
directives (``rest_method``, ``rest_parameters``, ``rest_status_code``,
``rest_expand_all``), ``literalinclude`` and the Sphinx directives and roles these trees
use registered for the time of the parse only (:func:`sphinx.util.docutils.
docutils_namespace`), so a Sphinx build in the same process keeps its own. Every docutils
message of warning level or above becomes a :class:`~guidebook.apiref.findings.Finding`
at its file and line.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, Parser, directives, roles, states
from docutils.parsers.rst.directives.body import CodeBlock
from docutils.readers.standalone import Reader
from docutils.statemachine import StringList, string2lines
from sphinx.util.docutils import docutils_namespace

from guidebook.apiref.findings import Findings, Kind


class marker(nodes.Element):  # type: ignore[misc]  # docutils is untyped
    """A directive of the source, kept with its file and line for the converter."""


class rest_method(marker):
    """``.. rest_method:: METHOD /path``."""


class rest_parameters(marker):
    """``.. rest_parameters:: file.yaml`` with its ``- name: key`` lines."""


class rest_status_code(marker):
    """``.. rest_status_code:: success|error status.yaml`` with its ``- code`` lines."""


class sample(marker):
    """``.. literalinclude:: samples/x.json``."""


class version_mark(marker):
    """``.. versionadded:: 2.17`` (and versionchanged, deprecated)."""


class dropped(marker):
    """A directive whose content is not carried over (``toctree``)."""


class label_ref(nodes.Inline, nodes.TextElement):  # type: ignore[misc]
    """``:ref:`label``` without a title: the title of the section the label names."""


class _Marker(Directive):  # type: ignore[misc]
    has_content = True
    optional_arguments = 2
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {}
    node_class: ClassVar[type[marker]] = marker

    def run(self) -> list[nodes.Node]:
        source, line = self.state_machine.get_source_and_line(self.lineno)
        node = self.node_class(self.block_text, arguments=list(self.arguments),
                               options=dict(self.options), source=source, line=line)
        node.source, node.line = source, line
        node["content"] = [
            (text, self.content.info(index)[1] + 1) for index, text in enumerate(self.content)
        ]
        node["document_dir"] = str(Path(self.state.document["source"]).parent)
        return [node]


class RestMethod(_Marker):
    option_spec: ClassVar[dict[str, Any]] = {
        "min_version": directives.unchanged, "max_version": directives.unchanged}
    node_class = rest_method


class RestParameters(_Marker):
    node_class = rest_parameters


class RestStatusCode(_Marker):
    node_class = rest_status_code


class LiteralInclude(_Marker):
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        name: directives.unchanged for name in (
            "language", "linenos", "lines", "emphasize-lines", "caption", "name",
            "dedent", "start-after", "end-before", "prepend", "append", "encoding",
            "pyobject", "diff", "class", "force", "lineno-start", "start-at", "end-at")
    }
    node_class = sample


class VersionMark(_Marker):
    node_class = version_mark

    def run(self) -> list[nodes.Node]:
        result = super().run()
        result[0]["directive"] = self.name
        if self.content:
            body = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, body)
            result.extend(body.children)
        return result


class Dropped(_Marker):
    node_class = dropped
    option_spec: ClassVar[dict[str, Any]] = {
        name: directives.unchanged for name in (
            "maxdepth", "glob", "hidden", "titlesonly", "caption", "name", "numbered",
            "includehidden", "reversed", "class")
    }

    def run(self) -> list[nodes.Node]:
        result = super().run()
        result[0]["directive"] = self.name
        return result


class Nothing(Directive):  # type: ignore[misc]
    """``rest_expand_all``: a page control of os-api-ref, with nothing to carry over."""

    optional_arguments = 10
    has_content = True

    def run(self) -> list[nodes.Node]:
        return []


class Contents(Directive):  # type: ignore[misc]
    """``.. only::`` and similar: the content is kept as it is."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        body = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, body)
        return list(body.children)


class SeeAlso(Directive):  # type: ignore[misc]
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        node = nodes.note()
        text = "\n".join(self.arguments)
        if text:
            node += nodes.paragraph(text, text)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
_CODE_ROLES = ("command", "program", "option", "envvar", "file", "samp", "kbd", "mailheader",
               "class", "func", "meth", "mod", "obj", "attr", "data", "exc", "makevar",
               "regexp", "py:class", "py:func", "py:meth", "py:mod", "py:obj", "py:attr")
_TEXT_ROLES = ("doc", "term", "guilabel", "menuselection", "abbr", "dfn", "download",
               "manpage", "rfc", "pep", "numref", "keyword")


def _split_title(text: str) -> tuple[str, str]:
    match = _TITLED.match(text)
    if match:
        return match.group(1), match.group(2)
    return "", text


def _ref_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
              options: dict[str, Any] | None = None,
              content: list[str] | None = None) -> tuple[list[nodes.Node], list[Any]]:
    title, target = _split_title(utils.unescape(text))
    if title:
        return [nodes.Text(title)], []
    return [label_ref(target, target, label=target.lstrip("~").lower())], []


def _text_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: dict[str, Any] | None = None,
               content: list[str] | None = None) -> tuple[list[nodes.Node], list[Any]]:
    title, target = _split_title(utils.unescape(text))
    shown = title or target.lstrip("~!")
    if name == "download":
        return [nodes.literal(shown, shown)], []
    return [nodes.Text(shown)], []


def _code_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: dict[str, Any] | None = None,
               content: list[str] | None = None) -> tuple[list[nodes.Node], list[Any]]:
    title, target = _split_title(utils.unescape(text))
    shown = title or target.lstrip("~!")
    return [nodes.literal(shown, shown)], []


def _register() -> None:
    for name, cls in (("rest_method", RestMethod), ("rest_parameters", RestParameters),
                      ("rest_status_code", RestStatusCode), ("literalinclude", LiteralInclude),
                      ("versionadded", VersionMark), ("versionchanged", VersionMark),
                      ("deprecated", VersionMark), ("toctree", Dropped),
                      ("openapi", Dropped), ("rest_expand_all", Nothing),
                      ("only", Contents), ("seealso", SeeAlso), ("code-block", CodeBlock),
                      ("sourcecode", CodeBlock), ("highlight", Nothing),
                      ("index", Nothing)):
        directives.register_directive(name, cls)
    roles.register_local_role("ref", _ref_role)
    for name in _TEXT_ROLES:
        roles.register_local_role(name, _text_role)
    for name in _CODE_ROLES:
        roles.register_local_role(name, _code_role)


def _settings() -> Any:
    """Docutils settings for the parse (built once: building them takes milliseconds)."""
    global _SETTINGS
    if _SETTINGS is None:
        _SETTINGS = _new_settings()
    return copy.copy(_SETTINGS)


_SETTINGS: Any = None


def _new_settings() -> Any:
    settings = get_default_settings(Parser)
    settings.report_level = 5
    settings.halt_level = 5
    settings.syntax_highlight = "none"
    settings.file_insertion_enabled = True
    settings.warning_stream = False
    settings.tab_width = 8
    settings.doctitle_xform = False
    settings.sectsubtitle_xform = False
    settings.docinfo_xform = False
    return settings


def parse_text(text: str, path: Path, findings: Findings, first_line: int = 1,
               document_dir: Path | None = None,
               substitutions: dict[str, nodes.substitution_definition] | None = None,
               ) -> nodes.document:
    """*text* (from *path*, starting at *first_line*) parsed with the os-api-ref directives;
    every docutils complaint of warning level or above is a finding at its line."""
    document = utils.new_document(str(path), _settings())
    document["source"] = str(document_dir / "_" if document_dir else path)

    def observe(message: nodes.system_message) -> None:
        if message["level"] >= 2:
            source = message.get("source") or str(path)
            line = message.get("line")
            message_text = message[0].astext() if message.children else message.astext()
            findings.add(source, line, Kind.MARKUP, message_text)

    document.reporter.attach_observer(observe)
    parser = Parser()
    lines = StringList(string2lines(text, tab_width=8, convert_whitespace=True), source=str(path))
    lines.items = [(str(path), first_line - 1 + index) for index in range(len(lines))]
    with docutils_namespace():
        _register()
        parser.setup_parse(text, document)
        machine = states.RSTStateMachine(state_classes=states.state_classes,
                                         initial_state="Body")
        machine.run(lines, document, inliner=states.Inliner())
        parser.finish_parse()
        for name, definition in (substitutions or {}).items():
            if name not in document.substitution_defs:
                document.substitution_defs[name] = definition
                document.substitution_names[nodes.fully_normalize_name(name)] = name
        document.transformer.populate_from_components((parser, Reader(parser=parser)))
        document.transformer.apply_transforms()
    return document


def parse_document(path: Path, findings: Findings) -> nodes.document:
    """The file *path* parsed (see :func:`parse_text`)."""
    document = parse_text(path.read_text(encoding="utf-8"), path, findings)
    document["source"] = str(path)
    return document


def documents(src: Path, findings: Findings) -> Iterator[nodes.document]:
    """Every ``.rst`` file under *src*, parsed (included ``.inc`` files with them)."""
    for path in sorted(src.rglob("*.rst")):
        yield parse_document(path, findings)


def labels(document: nodes.document) -> dict[str, str]:
    """Each label of *document* (``.. _name:`` or a section title) -> its section's title."""
    found: dict[str, str] = {}
    for name, node_id in document.nameids.items():
        node = document.ids.get(node_id) if node_id else None
        if isinstance(node, nodes.section) and node.children:
            found[name.lower()] = node[0].astext()
    return found
