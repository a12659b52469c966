"""Descriptions from a spec turned into nodes: Markdown (or reStructuredText), never broken.

A description is parsed on its own, at its own line of the spec, with the document's
reporter swapped for a private one: if docutils finds a problem (Markdown that
sphinx-mdinclude turned into reStructuredText docutils rejects, such as
``**unclosed``), the description is shown as the text it is, and one warning names the
spec's file and line. Inline HTML that Markdown writers use (``<a href>``, ``<code>``,
``<b>``, ``<br>``...) is translated to Markdown first; any other tag is shown as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from docutils.utils import Reporter

from guidebook.openapi.gfm import normalize_tables
from guidebook.openapi.sanitize import sanitize, show

#: Called with (broken, message, JSON pointer of the description) for each description shown
#: as text (broken: True) or made inert (broken: False).
Report = Callable[[bool, str, str], None]

#: An HTML tag, comment or processing instruction (not an autolink like ``<https://...>``).
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|<!|<\?")
#: Named hyperlink references (```text <url>`_``) made anonymous: Markdown repeats link
#: texts freely, reStructuredText refuses two targets of one name on a page.
_NAMED_LINK = re.compile(r"(`[^`]*<[^<>`]+>)`_(?!_)")
#: ``[`code`](url)``: reStructuredText cannot nest code in a link, so sphinx-mdinclude
#: would emit raw HTML; the link keeps its text without the code marks.
_CODE_LINK = re.compile(r"\[`([^`\]]+)`\]\(")
#: A Markdown hard line break (two spaces or a backslash at the end of a line), which
#: sphinx-mdinclude turns into raw HTML; reStructuredText has none, it becomes a soft one.
_HARD_BREAK = re.compile(r"(?: {2,}|\\)\n")
#: A Markdown heading: a description sits inside an operation, where reStructuredText
#: allows no section; it becomes a bold line.
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
#: An inline literal; one glued to a word (```login``s``) needs an escaped space.
_LITERAL = re.compile(r"``[^`\n]+``")
#: ``[text](#fragment)``: a link into the page the description was written for, which the
#: reference does not have (Sphinx would report an undefined label): the text stays.
_FRAGMENT_LINK = re.compile(r"\[([^\]]+)\]\(#[^)\s]*\)")

#: Inline HTML tag -> (Markdown before, Markdown after).
_INLINE = {
    "b": ("**", "**"), "strong": ("**", "**"), "i": ("*", "*"), "em": ("*", "*"),
    "code": ("`", "`"), "tt": ("`", "`"), "kbd": ("`", "`"),
}
_BLOCK = {"p", "div", "br", "ul", "ol", "li", "pre", "blockquote", "h1", "h2", "h3", "h4",
          "h5", "h6", "hr", "details", "summary", "span", "sup", "sub", "u", "a", "table",
          "thead", "tbody", "tr", "td", "th", "dl", "dt", "dd", "img"}


#: Other HTML elements: shown as text and reported. A name that is not HTML (``<branch
#: name>``, ``<NUM>``) is a placeholder of the text: shown as it is, silently.
_HTML = frozenset("""
    abbr address area article aside audio base bdi bdo body button canvas caption cite col
    colgroup data datalist del dfn dialog em embed fieldset figcaption figure font footer
    form frame frameset head header hgroup html iframe input ins label legend link main map
    mark math menu meta meter nav noscript object optgroup option output param picture
    progress q rp rt ruby s samp script search section select slot small source strike
    style svg template textarea tfoot time title track var video wbr center marquee
""".split())


class _HtmlToMarkdown(HTMLParser):
    """Rewrite the common inline HTML of API descriptions as Markdown; keep other text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.unknown: list[str] = []
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INLINE:
            self.out.append(_INLINE[tag][0])
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href)
            self.out.append("[" if href else "")
        elif tag == "br":
            self.out.append("  \n")
        elif tag in {"p", "div", "ul", "ol", "table", "details", "dl", "blockquote"}:
            self.out.append("\n\n")
        elif tag in {"li", "dt"}:
            self.out.append("\n- ")
        elif tag in {"tr", "dd", "summary"}:
            self.out.append("\n\n")
        elif tag in {"td", "th"}:
            self.out.append(" ")
        elif tag == "pre":
            self.in_pre += 1
            self.out.append("\n\n```\n")
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.out.append(alt)
        elif tag not in _BLOCK:
            raw = self.get_starttag_text() or f"<{tag}>"
            if re.match(r"<[A-Za-z][A-Za-z0-9+.-]*:", raw):
                self.out.append(raw)  # a Markdown autolink, <https://...>
                return
            if tag in _HTML:
                self.unknown.append(raw)
            self.out.append("\\" + raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE:
            self.out.append(_INLINE[tag][1])
        elif tag == "a":
            href = self.links.pop() if self.links else None
            if href:
                self.out.append(f"]({href})")
        elif tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
            self.out.append("\n```\n\n")
        elif tag in {"p", "div", "ul", "ol", "table", "details", "dl", "blockquote"}:
            self.out.append("\n\n")
        elif tag not in _BLOCK:
            if tag in _HTML:
                self.unknown.append(f"</{tag}>")
            self.out.append(f"\\</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        pass  # an HTML comment is not for the reader

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"\\<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"\\<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"\\<![{data}]>")


def html_to_markdown(text: str) -> tuple[str, list[str]]:
    """*text* with inline HTML rewritten as Markdown, and the tags left as text."""
    if not TAG.search(text):
        return text, []
    parser = _HtmlToMarkdown()
    parser.feed(text)
    parser.close()
    return "".join(parser.out), parser.unknown


def markdown_to_rst(text: str) -> tuple[str, list[str]]:
    """The reStructuredText of Markdown *text*, and the HTML tags shown as text."""
    import sphinx_mdinclude  # type: ignore[import-untyped]

    markdown, unknown = html_to_markdown(normalize_tables(text))
    markdown = _FRAGMENT_LINK.sub(r"\1", _CODE_LINK.sub(r"[\1](", markdown))
    markdown = _HARD_BREAK.sub("\n", markdown)
    markdown = _HEADING.sub(lambda found: f"**{found.group(1).strip()}**", markdown)
    converted = str(sphinx_mdinclude.convert(markdown))
    converted = _LITERAL.sub(_separate_literal, converted)
    return _NAMED_LINK.sub(r"\1`__", converted), unknown


def _message_text(message: nodes.system_message) -> str:
    first = message.children[0] if message.children else message
    return " ".join(first.astext().split())


def _separate_literal(found: re.Match[str]) -> str:
    text, start, end = found.string, found.start(), found.end()
    before = "\\ " if start > 0 and text[start - 1].isalnum() else ""
    after = "\\ " if end < len(text) and text[end].isalnum() else ""
    return before + found.group(0) + after


class _Collector:
    """A docutils observer keeping every message at WARNING level or above."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message: nodes.system_message) -> None:
        if message["level"] >= Reporter.WARNING_LEVEL:
            self.messages.append(_message_text(message))


class MarkupMemory:
    """What the descriptions of one spec need once per build, whatever the page.

    ``converted``: the reStructuredText of each distinct text (specs repeat descriptions);
    ``reported``: the descriptions already warned about (a shared component's description
    is shown by many operations and reported once).
    """

    def __init__(self) -> None:
        self.converted: dict[str, tuple[str, list[str]]] = {}
        self.reported: set[tuple[str, str]] = set()


class Markup:
    """Parses descriptions for one directive."""

    def __init__(self, state: Any, markdown: bool, source: str, line_of: Callable[[str], int],
                 report: Report, memory: MarkupMemory) -> None:
        self.state = state
        self.markdown = markdown
        self.source = source
        self.line_of = line_of
        self._report = report
        self.memory = memory
        self._converted = memory.converted

    def report(self, label: str, message: str, pointer: str, *, broken: bool = False) -> None:
        """Report *message* about the description at *pointer*, once per build."""
        if (pointer, message) not in self.memory.reported:
            self.memory.reported.add((pointer, message))
            self._report(broken, label + message, pointer)

    def convert(self, text: str) -> tuple[str, list[str]]:
        """The reStructuredText of *text* and the HTML tags it shows as text (cached)."""
        converted = self._converted.get(text)
        if converted is None:
            converted = markdown_to_rst(text) if self.markdown else (text, [])
            self._converted[text] = converted
        return converted

    def parse(self, text: str, pointer: str, label: str = "") -> list[nodes.Node]:
        """*text* (the description at *pointer*) as body nodes; as plain text if broken."""
        if not text.strip():
            return []
        rst, unknown_tags = self.convert(text)
        if unknown_tags:
            self.report(label, f"raw html markup shown as text: {show(unknown_tags[0])}",
                        pointer)
        line = self.line_of(pointer)
        content = StringList()
        for row in rst.splitlines():
            content.append(row, self.source, line - 1)
        holder = nodes.container()
        holder.document = self.state.document
        memo = self.state.memo
        saved_reporter = memo.reporter
        settings = self.state.document.settings
        collector = _Collector()
        private = Reporter(self.source, Reporter.SEVERE_LEVEL + 1, Reporter.SEVERE_LEVEL + 1,
                           stream=False)
        private.attach_observer(collector)
        memo.reporter = private
        saved_files = getattr(settings, "file_insertion_enabled", True)
        settings.file_insertion_enabled = False  # spec text must not read local files
        saved_title = memo.title_styles, memo.section_level
        memo.title_styles, memo.section_level = [], 0
        try:
            self.state.nested_parse(content, 0, holder, match_titles=False)
        finally:
            memo.reporter = saved_reporter
            settings.file_insertion_enabled = saved_files
            memo.title_styles, memo.section_level = saved_title
        problems = collector.messages + [
            _message_text(node) for node in holder.findall(nodes.system_message)
            if node["level"] >= Reporter.WARNING_LEVEL]
        if problems:
            self.report(label, "description shown as text: its Markdown does not make valid "
                        f"reStructuredText ({problems[0]})" if self.markdown else
                        f"description shown as text: not valid reStructuredText "
                        f"({problems[0]})", pointer, broken=True)
            return as_text(text)

        def report_unsafe(_node: nodes.Node, message: str) -> None:
            self.report(label, message, pointer)

        children = list(holder.children)
        sanitize(children, report_unsafe)
        children = list(holder.children)
        holder.children = []
        for child in children:
            child.parent = None
        return children


def as_text(text: str) -> list[nodes.Node]:
    """*text* as paragraphs of plain text (blank lines separate them)."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", html.unescape(text))]
    return [nodes.paragraph(part, part) for part in paragraphs if part]


__all__ = ["TAG", "Markup", "as_text", "html_to_markdown", "markdown_to_rst", "show"]
