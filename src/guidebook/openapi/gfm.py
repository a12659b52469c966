"""GitHub-flavoured Markdown tables rewritten in the one form sphinx-mdinclude reads right.

GFM makes a row's leading and trailing pipes optional and lets a body row have fewer or
more cells than the header (padded with empty cells, or cut). sphinx-mdinclude's parser
(mistune) reads a table written with leading pipes only (``| a | b``) as having an empty
first column, and leaves a table with one short row as raw pipes. Every table is rewritten
here with both pipes and the header's number of cells before the conversion; a ``<br>``
inside a cell becomes a space, since a row must stay on one line. Fenced code is left alone.
"""

from __future__ import annotations

import re

#: A delimiter row: ``|:---|---:|``, ``--- | ---``.
_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
#: An unescaped pipe.
_PIPE = re.compile(r"(?<!\\)\|")
#: The start of a fenced code block.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
#: A line break tag, which would split a row.
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _cells(line: str) -> list[str]:
    """The cells of a row as GFM reads it (a leading and a trailing pipe are optional)."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in _PIPE.split(text)]


def _row(cells: list[str], width: int) -> str:
    cells = (cells + [""] * width)[:width]
    return "| " + " | ".join(cells) + " |"


def normalize_tables(markdown: str) -> str:
    """*markdown* with every GFM table written with both pipes and even rows."""
    if "|" not in markdown or "-" not in markdown:
        return markdown
    lines = markdown.split("\n")
    out: list[str] = []
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and \
                    len(opening.group(1)) >= len(fence):
                fence = ""
            out.append(line)
            index += 1
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            index += 1
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if "|" in line and _DELIMITER.match(following):
            header = _cells(_BREAK.sub(" ", line))
            delimiter = _cells(following)
            if len(header) == len(delimiter):
                width = len(header)
                out.append(_row(header, width))
                out.append(_row(delimiter, width))
                index += 2
                while index < len(lines) and lines[index].strip() and \
                        "|" in lines[index] and not _FENCE.match(lines[index]):
                    out.append(_row(_cells(_BREAK.sub(" ", lines[index])), width))
                    index += 1
                continue
        out.append(line)
        index += 1
    return "\n".join(out)


__all__ = ["normalize_tables"]
