"""Folder audiences: the audiences of pages that declare none, by folder or glob pattern.

``guidebook_folder_audiences`` maps a pattern to audiences, so adopting guidebook in a
plain Sphinx tree needs no per-page ``:audience:`` fields::

    guidebook_folder_audiences = {
        "*": "*",                        # top-level pages: every guide
        "configuration/": "operator",    # a folder and everything under it
        "cli/": "admin, operator",
        "reference/api-*": "user",       # a glob on docnames
    }

A key ending in ``/`` is a folder (every page under it); any other key is a glob on
docnames in Sphinx's own syntax (:func:`sphinx.util.matching.patmatch`: ``*`` stays
within one folder, ``**`` crosses folders), so ``*`` alone is the top-level pages. The
value ``*`` is every guide (not the other parts). When several patterns match a page
the longest one wins (``reference/api-*`` over ``reference/``); a page's own
``:audience:`` field wins over all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from sphinx.errors import ConfigError

from guidebook.audiences.model import AudienceSyntaxError, FolderRule, parse_audiences
from guidebook.config import ALL_GUIDES, Part, conf_line

SETTING = "guidebook_folder_audiences"


def folder_rules(value: object, specs: Sequence[Part], conf: Path | None = None
                 ) -> tuple[FolderRule, ...]:
    """The validated rules of *value*, longest pattern first.

    Raise :class:`~sphinx.errors.ConfigError` as ``conf.py:LINE: message`` (the line of
    the offending key in *conf* when given) for a malformed entry or an unknown audience.
    """
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"conf.py:{setting_line(conf)}: {SETTING} must be a dict of pattern -> "
            f"audiences, not {type(value).__name__}"
        )
    known = [part.name for part in specs]
    guides = tuple(part.name for part in specs if part.kind == "guide")
    rules: list[FolderRule] = []
    for pattern, audiences in value.items():
        where = f"conf.py:{pattern_line(conf, pattern)}: {SETTING}[{pattern!r}]"
        if not isinstance(pattern, str) or not pattern.strip("/ "):
            raise ConfigError(f"{where}: the pattern must be a folder ('cli/') or a glob")
        if pattern.startswith("/") or ".." in pattern.split("/"):
            raise ConfigError(f"{where}: patterns are relative to the source directory")
        names = _audience_names(audiences, where)
        expanded: list[str] = []
        for name in names:
            if name == ALL_GUIDES:
                expanded.extend(guides)
            elif name not in known:
                raise ConfigError(
                    f"{where}: unknown audience {name!r} (known: {', '.join(known)}, "
                    f"or {ALL_GUIDES!r} for every guide)"
                )
            else:
                expanded.append(name)
        rules.append(FolderRule(pattern, tuple(dict.fromkeys(expanded))))
    # sorted() is stable: equally long patterns keep their conf.py order.
    return tuple(sorted(rules, key=lambda rule: -len(rule.pattern)))


def _audience_names(audiences: object, where: str) -> tuple[str, ...]:
    if isinstance(audiences, str):
        if audiences.strip() == ALL_GUIDES:
            return (ALL_GUIDES,)
        text = audiences
    elif isinstance(audiences, (list, tuple)) and all(isinstance(a, str) for a in audiences):
        if ALL_GUIDES in audiences:
            return (ALL_GUIDES,)
        text = ", ".join(audiences)
    else:
        raise ConfigError(f"{where}: the audiences must be a string such as 'admin, "
                          f"operator' or a list of names, not {type(audiences).__name__}")
    try:
        return parse_audiences(text)
    except AudienceSyntaxError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def unmatched(rules: Iterable[FolderRule], docnames: Iterable[str]) -> list[FolderRule]:
    """The rules whose pattern matches none of *docnames*, in conf.py order."""
    pending = list(rules)
    for docname in docnames:
        pending = [rule for rule in pending if not rule.matches(docname)]
        if not pending:
            break
    return pending


# -- where in conf.py -------------------------------------------------------------------


def _conf_lines(conf: Path | None) -> list[str]:
    if conf is None:
        return []
    try:
        return conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def setting_line(conf: Path | None) -> int:
    """The line where conf.py assigns ``guidebook_folder_audiences`` (1 if not found)."""
    if conf is None:
        return 1
    return conf_line(conf, SETTING)


def pattern_line(conf: Path | None, pattern: object) -> int:
    """The line of *pattern*'s key after the assignment (the assignment's line if not found)."""
    start = setting_line(conf)
    lines = _conf_lines(conf)
    if isinstance(pattern, str):
        quoted = (f'"{pattern}"', f"'{pattern}'")
        for number in range(start, len(lines) + 1):
            if any(text in lines[number - 1] for text in quoted):
                return number
    return start
