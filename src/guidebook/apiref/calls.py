"""The calls of an os-api-ref tree: each ``rest_method`` with what its section says.

A section that holds a ``rest_method`` is a call's section: its prose is the call's
description, its ``rest_parameters`` and samples belong to the request until a heading (a
subsection title, or a paragraph in bold alone) speaks of the response. A sample whose file
name says ``request`` or ``response`` goes there whatever the heading. The nearest enclosing
section without a call is the call's tag; its other prose is the tag's description.
Sections with no call anywhere below become the spec's description.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml
from docutils import nodes

from guidebook.apiref import rst
from guidebook.apiref.findings import Findings, Kind

_CODES_PROSE = re.compile(
    r"^\s*(normal|success|error)\s+(?:http\s+)?response\s+codes?\s*[:.]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL)
_CODE = re.compile(r"(?:([A-Za-z][\w ]*?)\s*\(\s*)?\b([1-5]\d\d)\b")
#: ``- name: key`` (a name may hold a colon, ``OS-DCF:diskConfig``, as in YAML).
_PARAMETER_LINE = re.compile(r"^-\s*(.+?):\s+(\S.*)$")
_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "COPY")


@dataclasses.dataclass
class ParameterLine:
    """``- name: key`` in a ``rest_parameters`` block."""

    name: str
    key: str
    file: Path
    source: Path
    line: int


@dataclasses.dataclass
class SampleRef:
    file: Path
    source: Path
    line: int
    caption: str = ""


@dataclasses.dataclass
class Status:
    code: str
    kind: str
    description: str
    source: Path
    line: int


@dataclasses.dataclass
class Phase:
    """The request or the response side of a call."""

    parameters: list[ParameterLine] = dataclasses.field(default_factory=list)
    samples: list[SampleRef] = dataclasses.field(default_factory=list)
    notes: list[nodes.Node] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Tag:
    name: str
    description: list[nodes.Node] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Call:
    method: str
    path: str
    source: Path
    line: int
    title: str
    tag: Tag | None
    description: list[nodes.Node] = dataclasses.field(default_factory=list)
    request: Phase = dataclasses.field(default_factory=Phase)
    response: Phase = dataclasses.field(default_factory=Phase)
    statuses: list[Status] = dataclasses.field(default_factory=list)
    min_version: str | None = None
    max_version: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.method.lower(), self.path


@dataclasses.dataclass
class Tree:
    calls: list[Call] = dataclasses.field(default_factory=list)
    tags: list[Tag] = dataclasses.field(default_factory=list)
    title: str = ""
    prose: list[nodes.Node] = dataclasses.field(default_factory=list)


def _where(node: nodes.Element) -> tuple[Path, int]:
    return Path(node["source"] or "."), int(node["line"] or 0)


def _has_call(node: nodes.Node, *, direct: bool) -> bool:
    if direct:
        return any(isinstance(child, rst.rest_method) for child in node.children)
    return any(True for _ in node.findall(rst.rest_method))


def _resolve(node: nodes.Element, name: str, root: Path) -> Path:
    """A file named in a directive, as Sphinx finds it: ``/x`` from the source folder,
    anything else from the folder of the page (not of an included file)."""
    if name.startswith("/"):
        return (root / name.lstrip("/")).resolve()
    return (Path(node["document_dir"]) / name).resolve()


def _heading_phase(text: str) -> str | None:
    lower = text.lower()
    if "response" in lower:
        return "response"
    if "request" in lower:
        return "request"
    return None


def _bold_heading(node: nodes.Node) -> str | None:
    if (isinstance(node, nodes.paragraph) and len(node.children) == 1
            and isinstance(node[0], nodes.strong)):
        return str(node.astext())
    return None


class CallCollector:
    """Walks parsed documents into a :class:`Tree`."""

    def __init__(self, findings: Findings, root: Path) -> None:
        self.findings = findings
        self.root = root
        self.tree = Tree()
        self._seen: set[tuple[Path, int]] = set()
        self._status_files: dict[Path, dict[str, dict[str, str]] | None] = {}

    def add_document(self, document: nodes.document) -> None:
        for child in document.children:
            if isinstance(child, nodes.section):
                self._section(child, None)
            elif not isinstance(child, nodes.field_list):  # file-wide metadata (:tocdepth:)
                self._loose(child, None)

    def _loose(self, node: nodes.Node, tag: Tag | None) -> None:
        if isinstance(node, rst.dropped):
            source, line = _where(node)
            self.findings.add(source, line, Kind.UNPLACED,
                              f"'{node['directive']}' is not carried over")
            return
        if isinstance(node, rst.marker):
            source, line = _where(node)
            self.findings.add(source, line, Kind.UNPLACED,
                              f"{node.tagname} outside a call's section is not carried over")
            return
        if isinstance(node, (nodes.comment, nodes.target, nodes.substitution_definition,
                             nodes.system_message)):
            return
        (tag.description if tag else self.tree.prose).append(node)

    def _section(self, section: nodes.section, tag: Tag | None) -> None:
        title = section[0].astext() if section.children else ""
        if not self.tree.title:
            self.tree.title = title
        if _has_call(section, direct=True):
            self._call_section(section, tag)
            return
        if not _has_call(section, direct=False):
            if tag is None and title == self.tree.title:
                # The page title of the reference: the spec's title; its text, the spec's.
                for child in section.children[1:]:
                    self._loose(child, None)
            else:
                self._loose(section, tag)
            return
        own = Tag(title)
        self.tree.tags.append(own)
        for child in section.children[1:]:
            if isinstance(child, nodes.section):
                self._section(child, own)
            else:
                self._loose(child, own)

    def _call_section(self, section: nodes.section, tag: Tag | None) -> None:
        title = section[0].astext()
        calls: list[Call] = []
        for child in section.children:
            if isinstance(child, rst.rest_method):
                call = self._call(child, title, tag)
                if call is not None:
                    calls.append(call)
        if not calls:
            return
        state = {"phase": "request", "started": False}
        self.tree.calls.extend(calls)
        self._contents(section.children[1:], calls, state, top=True, tag=tag)

    def _call(self, node: rst.rest_method, title: str, tag: Tag | None) -> Call | None:
        source, line = _where(node)
        if (source, line) in self._seen:
            return None
        self._seen.add((source, line))
        lines = [*" ".join(node["arguments"]).split("\n"), *(t for t, _ in node["content"])]
        lines = [text.strip() for text in lines if text.strip()]
        words = lines[0].split() if lines else []
        options = dict(node["options"])
        for text in lines[1:]:
            key, sep, value = text.partition(":")
            if sep and key.strip() in ("min_version", "max_version"):
                options[key.strip()] = value
            else:
                self.findings.add(source, line, Kind.UNPLACED,
                                  f"rest_method line {text!r} is not carried over")
        if len(words) != 2 or words[0].upper() not in _METHODS:
            self.findings.add(source, line, Kind.UNPLACED,
                              f"rest_method {' '.join(words)!r} is not 'METHOD /path'")
            return None
        path = words[1]
        if "?" in path:
            self.findings.add(source, line, Kind.UNPLACED,
                              f"the query string of {path!r} is not carried over in the "
                              "path (document it as query parameters)")
            path = path.split("?", 1)[0]
        if not path.startswith("/"):
            path = "/" + path
        call = Call(words[0].upper(), path, source, line, title, tag)
        call.min_version = (options.get("min_version") or "").strip() or None
        call.max_version = (options.get("max_version") or "").strip() or None
        return call

    def _contents(self, children: list[nodes.Node], calls: list[Call], state: dict[str, object],
                  *, top: bool, tag: Tag | None) -> None:
        for child in children:
            phase = str(state["phase"])
            if isinstance(child, rst.rest_method):
                continue
            if isinstance(child, nodes.section) and _has_call(child, direct=True):
                # A call whose title is underlined like the subsections of the call before
                # it (cinder's "List snapshots" after "Request"): a call of its own.
                self._call_section(child, tag)
                continue
            if isinstance(child, nodes.section):
                heading = _heading_phase(child[0].astext()) if child.children else None
                if heading:
                    state["phase"] = heading
                state["started"] = True
                self._contents(child.children[1:], calls, state, top=False, tag=tag)
                continue
            bold = _bold_heading(child)
            if bold is not None and (_heading_phase(bold) or bold.lower().startswith("example")):
                # "**Example Create Server: JSON response**": a sample's caption.
                state["phase"] = _heading_phase(bold) or phase
                state["started"] = True
                state["caption"] = bold
                continue
            if isinstance(child, nodes.paragraph) and self._codes(child, calls):
                continue
            if isinstance(child, rst.rest_parameters):
                state["started"] = True
                lines = self._parameter_lines(child)
                for call in calls:
                    getattr(call, phase).parameters.extend(lines)
            elif isinstance(child, rst.sample):
                state["started"] = True
                self._sample(child, calls, phase, str(state.pop("caption", "")))
            elif isinstance(child, rst.rest_status_code):
                self._status_block(child, calls)
            elif isinstance(child, rst.version_mark) and child["directive"] == "versionadded":
                for call in calls:
                    call.min_version = " ".join(child["arguments"]).strip() or None
            elif isinstance(child, rst.dropped):
                self._loose(child, None)
            elif top and not state["started"]:
                for call in calls:
                    call.description.append(child)
            elif isinstance(child, (nodes.comment, nodes.target, nodes.system_message)):
                continue
            else:
                for call in calls:
                    getattr(call, phase).notes.append(child)

    def _codes(self, paragraph: nodes.paragraph, calls: list[Call]) -> bool:
        match = _CODES_PROSE.match(paragraph.astext())
        if not match:
            return False
        kind = "success" if match.group(1).lower() in ("normal", "success") else "error"
        source, line = Path(paragraph.source or "."), paragraph.line or 0
        found = _CODE.findall(match.group(2))
        if not found:
            self.findings.add(source, line, Kind.STATUS,
                              f"no response code in {paragraph.astext()!r}")
        for name, code in found:
            for call in calls:
                call.statuses.append(Status(code, kind, name.strip(), source, line))
        return True

    def _parameter_lines(self, node: rst.rest_parameters) -> list[ParameterLine]:
        source, line = _where(node)
        if not node["arguments"]:
            self.findings.add(source, line, Kind.PARAMETER_INVALID,
                              "rest_parameters without a parameters file")
            return []
        file = _resolve(node, node["arguments"][0], self.root)
        lines: list[ParameterLine] = []
        for text, number in node["content"]:
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            match = _PARAMETER_LINE.match(stripped)
            if match is None:
                self.findings.add(source, number, Kind.PARAMETER_INVALID,
                                  f"not a '- name: key' line: {stripped!r}")
                continue
            lines.append(ParameterLine(match.group(1).strip(), match.group(2).strip(), file,
                                       source, number))
        return lines

    def _sample(self, node: rst.sample, calls: list[Call], phase: str, caption: str) -> None:
        source, line = _where(node)
        name = node["arguments"][0] if node["arguments"] else ""
        file = _resolve(node, name, self.root)
        stem = file.name.lower()
        if re.search(r"(^|[-_.])(resp|response)s?([-_.]|$)", stem):
            phase = "response"
        elif re.search(r"(^|[-_.])(req|request)s?([-_.]|$)", stem):
            phase = "request"
        for call in calls:
            getattr(call, phase).samples.append(SampleRef(file, source, line, caption))

    def _status_block(self, node: rst.rest_status_code, calls: list[Call]) -> None:
        source, line = _where(node)
        arguments = " ".join(node["arguments"]).split()
        if len(arguments) != 2:
            self.findings.add(source, line, Kind.STATUS,
                              "rest_status_code needs 'success|error file.yaml'")
            return
        kind, file = arguments[0], _resolve(node, arguments[1], self.root)
        table = self._status_file(file)
        if table is None:
            self.findings.add(source, line, Kind.STATUS, f"cannot read {file}")
            table = {}
        for text, number in node["content"]:
            stripped = text.strip().lstrip("-").strip()
            if not stripped:
                continue
            code, _, which = stripped.partition(":")
            code = code.strip()
            if not re.fullmatch(r"[1-5]\d\d", code):
                self.findings.add(source, number, Kind.STATUS, f"not a status code: {code!r}")
                continue
            entry = table.get(code, {})
            description = (entry.get(which.strip() or "default")
                           or entry.get("default") or "").strip()
            if which.strip() and which.strip() not in entry:
                self.findings.add(source, number, Kind.STATUS,
                                  f"{file.name} has no {which.strip()!r} for {code}: "
                                  "its default is used")
            for call in calls:
                call.statuses.append(Status(code, "success" if kind == "success" else "error",
                                            description, source, number))

    def _status_file(self, path: Path) -> dict[str, dict[str, str]] | None:
        """A status file (``200: {default: ...}``), read once."""
        if path not in self._status_files:
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                self._status_files[path] = None
            else:
                self._status_files[path] = {
                    str(code): {str(k): str(v) for k, v in entry.items()}
                    for code, entry in (data or {}).items() if isinstance(entry, dict)}
        return self._status_files[path]
