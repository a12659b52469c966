"""Does a translation break the reStructuredText markup its original has?

Sphinx parses each translated message as reStructuredText in place of the original: an
unclosed ``**`` or a lost backquote turns into a "problematic" node and a warning at the
page's line, where nobody can see which catalog entry caused it. This check runs on the
catalog instead, so the problem is reported at the catalog's line and the original is kept.
"""

from __future__ import annotations

import collections
import io
import re

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

#: Characters without which a message holds no inline markup worth parsing.
_MARKUP = re.compile(r"[`*|_\[]")
#: ``:role:`` prefixes: Sphinx's roles are unknown to plain docutils; the role's name
#: is compared between original and translation instead.
_ROLE = re.compile(r":([\w.+-]+(?::[\w.+-]+)?):(?=`)")
#: A role with its text: ``:ref:`text <target>``` or ``:doc:`target```.
_ROLE_TEXT = re.compile(r":([\w.+-]+(?::[\w.+-]+)?):`([^`]*)`")
#: The explicit target at the end of a role's or a hyperlink's text.
_EXPLICIT = re.compile(r"<([^<>]+)>\s*$")
#: An external hyperlink: ```text <https://...>`_``.
_HYPERLINK = re.compile(r"(?<!:)`([^`]*<[^<>`]+>)`__?")
#: Roles whose text names what they link to: a translation must keep the target.
_REFERENCE_ROLES = {"ref", "doc", "term", "numref", "any", "download", "api", "option",
                    "envvar", "keyword", "token"}
#: Problems that are not the translation's doing: targets and substitutions defined
#: elsewhere on the page.
_NOT_LOCAL = ("Unknown target name", "Undefined substitution", "Unknown interpreted text role",
              "Duplicate", "anonymous hyperlink mismatch", "Anonymous hyperlink mismatch")

_parser = Parser()
_settings = get_default_settings(Parser)
_settings.report_level = 2
_settings.halt_level = 5
_settings.warning_stream = io.StringIO()


def markup_problem(original: str, translation: str) -> str | None:
    """What is wrong with *translation*'s markup that is right in *original*, or None."""
    if translation == original or not _MARKUP.search(translation + original):
        return None
    roles = collections.Counter(_ROLE.findall(original))
    translated_roles = collections.Counter(_ROLE.findall(translation))
    if roles != translated_roles:
        lost = sorted((roles - translated_roles) | (translated_roles - roles))
        return f"the roles differ from the original's: {', '.join(lost)}"
    if _targets(original) != _targets(translation):
        return "a link target differs from the original's"
    problem = _parse_problem(translation)
    if problem and not _parse_problem(original):
        return problem
    return None


def _targets(text: str) -> collections.Counter[tuple[str, str]]:
    """What the references of *text* lead to: (role, target), in any order."""
    found: collections.Counter[tuple[str, str]] = collections.Counter()
    for role, inner in _ROLE_TEXT.findall(text):
        if role in _REFERENCE_ROLES or ":" in role:
            explicit = _EXPLICIT.search(inner)
            target = (explicit.group(1) if explicit else inner).strip().lstrip("~!")
            found[role, target.lower() if role == "term" else target] += 1
    for inner in _HYPERLINK.findall(text):
        explicit = _EXPLICIT.search(inner)
        if explicit:
            found["link", explicit.group(1).strip()] += 1
    return found


def _parse_problem(text: str) -> str | None:
    """The first inline-markup error docutils reports for *text*, or None."""
    document = new_document("<translation>", _settings)
    _settings.warning_stream.seek(0)
    _settings.warning_stream.truncate()
    _parser.parse(_ROLE.sub("", text), document)
    for message in document.findall(nodes.system_message):
        if message["level"] < 2:
            continue
        words = message.children[0].astext() if message.children else message.astext()
        if not any(word in words for word in _NOT_LOCAL):
            return str(words).rstrip(".")
    return None
