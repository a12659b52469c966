"""Read the reStructuredText sources to find words that only one audience's blocks contain.

The end-to-end search test needs, for the real flagship, a word that appears inside
``.. audience:: operator`` blocks and nowhere else in the sources; a search of another guide
must not find it. The words are chosen here from the sources, independently of the engine.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.search.en import SearchEnglish

_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+audience::\s*(.*)$")
_INLINE_MARKUP = re.compile(r"``.*?``|:[\w:+-]+:`[^`]*`|`[^`]*`_{0,2}|\|[^|]+\|")
_WORD = re.compile(r"[A-Za-z]+")
_MIN_LENGTH = 6


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _plain(line: str) -> bool:
    """A line of running text or a title (not markup, not an underline)."""
    text = line.strip()
    return bool(text) and not text.startswith(("..", ":", "*", "#.", "|")) and not re.fullmatch(
        r"([=\-~^\"'`#*+<>_])\1*", text
    )


def scan(source: Path) -> tuple[dict[str, set[str]], set[str]]:
    """Words by audience set, from every ``.rst`` file under *source*.

    Returns ``(exclusive, everywhere_else)``: *exclusive* maps each word found in running
    text at the top level of an audience block to the docnames where it was found (keyed
    by ``word`` and the block's audiences joined by ``+``); *everywhere_else* holds every
    other word of the sources (any line outside that exact position), in lower case.
    """
    exclusive: dict[str, set[str]] = {}
    elsewhere: set[str] = set()
    for path in sorted(source.rglob("*.rst")):
        docname = path.relative_to(source).with_suffix("").as_posix()
        stack: list[tuple[int, frozenset[str], int | None]] = []  # (indent, names, body)
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                while stack and _indent(line) <= stack[-1][0]:
                    stack.pop()
            match = _DIRECTIVE.match(line)
            if match:
                names = frozenset(match.group(2).replace(",", " ").split())
                if stack:
                    names &= stack[-1][1]
                stack.append((len(match.group(1)), names, None))
                continue
            words = [w.lower() for w in _WORD.findall(_INLINE_MARKUP.sub(" ", line))]
            if stack and line.strip():
                indent, names, body = stack[-1]
                if body is None:
                    body = _indent(line)
                    stack[-1] = (indent, names, body)
                if _indent(line) == body and _plain(line):
                    key = "+".join(sorted(names))
                    for word in words:
                        exclusive.setdefault(f"{word}@{key}", set()).add(docname)
                    continue
            elsewhere.update(w.lower() for w in _WORD.findall(line))
    return exclusive, elsewhere


def audience_only_words(source: Path, audience: str) -> dict[str, str]:
    """Words found only in ``.. audience:: <audience>`` blocks, each with one docname.

    A word qualifies when its search stem is not part of the stem of any other word in the
    sources (Sphinx's search also matches a query inside longer indexed words).
    """
    exclusive, elsewhere = scan(source)
    stemmer = SearchEnglish({})
    other_stems = {stemmer.stem(word) for word in elsewhere}
    for key in exclusive:
        word, names = key.split("@", 1)
        if names != audience:
            other_stems.add(stemmer.stem(word))
    words: dict[str, str] = {}
    for key, docnames in sorted(exclusive.items()):
        word, names = key.split("@", 1)
        if names != audience or len(word) < _MIN_LENGTH:
            continue
        stem = stemmer.stem(word)
        if any(stem in other for other in other_stems):
            continue
        words[word] = sorted(docnames)[0]
    return words
