"""A light, line-based reader of reStructuredText sources for the linter.

It does not build a doctree: one pass over the lines finds what the rules need (file-wide
fields, directives with their options and content, roles, labels, toctree entries,
includes, section headings and prose paragraphs) and which ``.. audience::`` blocks
enclose each of them. Literal blocks, comments and the content of directives that hold
code are skipped, so a reST example inside a ``code-block`` is never mistaken for markup.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from guidebook.audiences.model import AudienceSyntaxError, parse_audiences

#: Audience restriction of a line: the guides of the enclosing audience blocks
#: (intersected), or ``None`` outside every audience block.
Audiences = frozenset[str] | None

_DIRECTIVE = re.compile(
    r"(?P<indent>[ ]*)\.\.[ ]+(?:\|(?P<sub>[^|]+)\|[ ]+)?"
    r"(?P<name>[A-Za-z0-9][\w:+.-]*?)::(?:[ ]+(?P<args>.*))?$"
)
_TARGET = re.compile(r"[ ]*\.\.[ ]+_(?P<name>`[^`]+`|[^:`][^:]*):(?:[ ]+(?P<uri>\S.*))?$")
_EXPLICIT = re.compile(r"[ ]*\.\.(?:[ ]|$)")
_FIELD = re.compile(r":(?P<name>[A-Za-z][\w-]*):(?:[ ]+(?P<value>.*))?$")
_OPTION = re.compile(r"[ ]*:(?P<name>[\w-]+):(?:[ ]+(?P<value>.*))?$")
_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1+[ ]*$")
_LIST_MARKER = re.compile(r"[ ]*(?:[-*+\u2022]|\d+[.)]|#[.)]|\(\w+\)|[a-zA-Z][.)])[ ]+")
_INLINE_LITERAL = re.compile(r"``.+?``", re.DOTALL)
_ROLE = re.compile(
    r"(?<![\w`\\]):(?P<name>[A-Za-z][\w.+-]*(?::[A-Za-z][\w.+-]*)*):`(?P<content>[^`]*)`"
)
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
_ROLE_MARKUP = re.compile(r":[A-Za-z][\w.+:-]*:`([^`<]*)(?:<[^`>]*>)?`")


@dataclasses.dataclass
class Directive:
    """One ``.. name:: arguments`` with its options and content lines."""

    line: int
    name: str
    arguments: str
    options: dict[str, str]
    content: list[tuple[int, str]]
    audiences: Audiences
    indent: int


@dataclasses.dataclass(frozen=True)
class Role:
    """One use of an interpreted text role, ``:name:`content```."""

    line: int
    name: str
    content: str
    audiences: Audiences


@dataclasses.dataclass(frozen=True)
class Label:
    """A ``.. _name:`` target (a label ``:ref:`` can point to)."""

    line: int
    name: str
    audiences: Audiences


@dataclasses.dataclass
class Paragraph:
    """A run of prose lines, reduced to lower-case words for the similarity check."""

    line: int
    words: tuple[str, ...]
    section: int  # index into SourceFile.sections, -1 before the first heading


@dataclasses.dataclass(frozen=True)
class Section:
    line: int
    title: str


@dataclasses.dataclass
class SourceFile:
    """What the linter knows about one reST file."""

    path: Path
    fields: dict[str, tuple[str, int]] = dataclasses.field(default_factory=dict)
    directives: list[Directive] = dataclasses.field(default_factory=list)
    roles: list[Role] = dataclasses.field(default_factory=list)
    labels: list[Label] = dataclasses.field(default_factory=list)
    paragraphs: list[Paragraph] = dataclasses.field(default_factory=list)
    sections: list[Section] = dataclasses.field(default_factory=list)

    def directives_named(self, *names: str) -> list[Directive]:
        return [d for d in self.directives if d.name in names]


@dataclasses.dataclass
class _Block:
    indent: int
    prose: bool
    directive: Directive | None = None
    audiences: Audiences = None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _text_column(line: str) -> int:
    marker = _LIST_MARKER.match(line)
    return marker.end() if marker else _indent(line)


def words_of(text: str) -> tuple[str, ...]:
    """The lower-case words of a piece of prose, with role markup reduced to its text."""
    text = _ROLE_MARKUP.sub(r"\1", text)
    return tuple(_WORD.findall(text.lower()))


def _audience_names(arguments: str) -> frozenset[str]:
    try:
        return frozenset(parse_audiences(arguments))
    except AudienceSyntaxError:
        return frozenset()


class _Reader:
    def __init__(self, path: Path, lines: list[str], prose: Callable[[str], bool]) -> None:
        self.file = SourceFile(path)
        self.lines = lines
        self.prose_directive = prose
        self.stack: list[_Block] = []
        self.paragraph: list[tuple[int, str]] = []
        self.section = -1
        self.paragraph_column = 0

    # -- helpers ---------------------------------------------------------------------

    def audiences(self) -> Audiences:
        result: Audiences = None
        for block in self.stack:
            if block.audiences is not None:
                result = block.audiences if result is None else result & block.audiences
        return result

    def flush(self) -> None:
        """End the current paragraph: record its roles and words."""
        if not self.paragraph:
            return
        first = self.paragraph[0][0]
        text = "\n".join(line for _, line in self.paragraph)
        self.scan_roles(first, text)
        self.file.paragraphs.append(Paragraph(first, words_of(text), self.section))
        self.paragraph = []

    def scan_roles(self, first: int, text: str) -> None:
        audiences = self.audiences()
        text = _INLINE_LITERAL.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
        for match in _ROLE.finditer(text):
            line = first + text.count("\n", 0, match.start())
            self.file.roles.append(
                Role(line, match["name"], " ".join(match["content"].split()), audiences)
            )

    # -- the pass --------------------------------------------------------------------

    def read(self) -> SourceFile:
        lines = self.lines
        index = self.read_fields()
        pending_literal: int | None = None
        count = len(lines)
        while index < count:
            line = lines[index]
            number = index + 1
            if not line.strip():
                self.flush()
                index += 1
                continue
            indent = _indent(line)
            while self.stack and indent <= self.stack[-1].indent:
                self.stack.pop()
            if pending_literal is not None:
                if indent > pending_literal:
                    self.stack.append(_Block(pending_literal, prose=False))
                pending_literal = None
            top = self.stack[-1] if self.stack else None
            if top is not None and not top.prose:
                if top.directive is not None:
                    top.directive.content.append((number, line))
                index += 1
                continue
            if top is not None and top.directive is not None:
                top.directive.content.append((number, line))
            if _EXPLICIT.match(line):
                self.flush()
                index = self.explicit_markup(index, indent)
                continue
            heading = self.heading(index)
            if heading:
                self.flush()
                index += heading
                continue
            if _ADORNMENT.match(line.strip()) and len(line.strip()) >= 4:
                self.flush()  # a transition
                index += 1
                continue
            if not self.paragraph:
                self.paragraph_column = _text_column(line)
            self.paragraph.append((number, line.strip()))
            if line.rstrip().endswith("::"):
                self.flush()
                pending_literal = self.paragraph_column
            index += 1
        self.flush()
        return self.file

    def read_fields(self) -> int:
        """Read the file-wide field list at the top; return the index after it."""
        index = 0
        lines = self.lines
        while index < len(lines) and (
            not lines[index].strip() or (lines[index].startswith(".. ") and
            not _DIRECTIVE.match(lines[index]) and not _TARGET.match(lines[index]))
        ):
            index += 1
        while index < len(lines):
            match = _FIELD.match(lines[index])
            if not match:
                break
            value = (match["value"] or "").strip()
            number = index + 1
            index += 1
            while index < len(lines) and lines[index].startswith(" ") and lines[index].strip():
                value += " " + lines[index].strip()
                index += 1
            self.file.fields[match["name"].lower()] = (value.strip(), number)
        return index

    def heading(self, index: int) -> int:
        """The number of lines of a section heading starting at *index* (0 if none)."""
        lines = self.lines
        line = lines[index]
        stripped = line.strip()
        following = lines[index + 1].rstrip() if index + 1 < len(lines) else ""
        if self.paragraph:
            return 0
        if _ADORNMENT.match(stripped) and index + 2 < len(lines):
            title = lines[index + 1].strip()
            under = lines[index + 2].strip()
            if title and under == stripped and not _ADORNMENT.match(title):
                self.add_section(index + 2, title)
                return 3
            return 0
        if following and _ADORNMENT.match(following.strip()) and (
            _indent(following) == _indent(line)
        ) and (len(following.strip()) >= len(stripped) or len(following.strip()) >= 4):
            self.add_section(index + 1, stripped)
            return 2
        return 0

    def add_section(self, number: int, title: str) -> None:
        self.file.sections.append(Section(number, title))
        self.section = len(self.file.sections) - 1
        self.scan_roles(number, title)

    def explicit_markup(self, index: int, indent: int) -> int:
        """Handle a line starting with ``..``; return the index of the next line to read."""
        line = self.lines[index]
        number = index + 1
        target = _TARGET.match(line)
        if target and not target["uri"]:
            name = target["name"].strip("`")
            if name != "_":
                self.file.labels.append(Label(number, " ".join(name.lower().split()),
                                              self.audiences()))
            return index + 1
        directive = _DIRECTIVE.match(line)
        if not directive:
            # A comment, footnote, citation or external target: skip its indented body.
            prose = line.lstrip().startswith(".. [")
            self.stack.append(_Block(indent, prose=prose))
            return index + 1
        name = directive["name"]
        arguments = (directive["args"] or "").strip()
        index += 1
        # An audience list may continue on the following indented lines.
        while (name == "audience" and index < len(self.lines) and self.lines[index].strip()
               and _indent(self.lines[index]) > indent
               and not _OPTION.match(self.lines[index])):
            arguments += " " + self.lines[index].strip()
            index += 1
        options: dict[str, str] = {}
        while index < len(self.lines) and _indent(self.lines[index]) > indent:
            option = _OPTION.match(self.lines[index])
            if not option:
                break
            options[option["name"]] = (option["value"] or "").strip()
            index += 1
        record = Directive(number, name, arguments, options, [], self.audiences(), indent)
        self.file.directives.append(record)
        audiences = _audience_names(arguments) if name == "audience" else None
        prose = self.prose_directive(name)
        if prose and arguments and not directive["sub"]:
            self.scan_roles(number, arguments)
        self.stack.append(_Block(indent, prose=prose, directive=record, audiences=audiences))
        return index


def read_source(
    path: Path, prose_directive: Callable[[str], bool], text: str | None = None
) -> SourceFile:
    """Read *path* (or *text*) into a :class:`SourceFile`.

    *prose_directive* tells whether a directive's content is reST prose (``note``,
    ``audience``) rather than code or data (``code-block``, ``toctree``).
    """
    if text is None:
        text = path.read_text(encoding="utf-8", errors="replace")
    lines = [line.expandtabs(8).rstrip("\r") for line in text.split("\n")]
    return _Reader(path, lines, prose_directive).read()
