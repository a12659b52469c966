"""``guidebook lint``: doc8 and guidebook's information-architecture checks in one pass.

:func:`lint` is the typed core the command calls: it reads the configuration the way
Sphinx does (without building), reads every page with a light line reader, runs doc8
with the project's ``[doc8]`` settings and every selected rule, and returns the
problems sorted by path and line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from guidebook.generated import GENERATED_PREFIX, is_generated
from guidebook.lint import external
from guidebook.lint.project import (
    LintError,
    Page,
    Project,
    display_path,
    is_prose_directive,
    load_settings,
)
from guidebook.lint.rules import RULES, Rule
from guidebook.lint.source import read_source

__all__ = ["RULES", "STYLE_CODES", "LintError", "LintOptions", "Problem", "Rule", "hold_back_style",
           "lint", "select_rules"]

_ = external  # registers the tree rules (release notes, OpenAPI)


@dataclasses.dataclass(frozen=True, order=True)
class Problem:
    """One problem: ``path:line: CODE message``."""

    path: str
    line: int
    code: str
    message: str
    severity: str = "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "code": self.code,
                "severity": self.severity, "message": self.message}


@dataclasses.dataclass
class LintOptions:
    """Where the project lives and which rules run."""

    source: Path
    #: The repository root: doc8 reads ``[doc8]`` from its tox.ini/setup.cfg, reno
    #: scans its history.
    root: Path
    releasenotes: Path | None = None
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    #: Paths are reported relative to this directory when inside it.
    display_base: Path = dataclasses.field(default_factory=Path.cwd)


#: doc8's style checks: line length, whitespace, tabs, line ends.
STYLE_CODES = frozenset({"D001", "D002", "D003", "D004", "D005"})


def hold_back_style(problems: Sequence[Problem], root: Path) -> tuple[list[Problem], str | None]:
    """The problems to list and, for a project that configures no doc8, one line in
    place of doc8's style findings (a project that never runs doc8 would otherwise see
    hundreds of them above the audience checks). With a doc8 configuration, all of them."""
    style = [problem for problem in problems if problem.code in STYLE_CODES]
    if not style or external.doc8_configured(root):
        return list(problems), None
    counts: dict[str, int] = {}
    for problem in style:
        counts[problem.code] = counts.get(problem.code, 0) + 1
    detail = ", ".join(f"{code} {RULES[code].name}: {count}"
                       for code, count in sorted(counts.items()))
    summary = (
        f"{len(style)} doc8 style finding{'s' if len(style) != 1 else ''} not listed "
        f"({detail}): the project has no doc8 configuration ([doc8] in doc8.ini, tox.ini "
        "or setup.cfg, [tool.doc8] in pyproject.toml); --style lists them"
    )
    return [problem for problem in problems if problem.code not in STYLE_CODES], summary


def select_rules(select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """The rules whose code starts with a selected prefix and with no ignored one.

    Raise :class:`ValueError` for a prefix that matches no rule.
    """
    for prefix in (*select, *ignore):
        if not any(code.startswith(prefix) for code in RULES):
            raise ValueError(f"unknown rule code {prefix!r} (see --list-rules)")
    return [
        rule for code, rule in sorted(RULES.items())
        if (not select or any(code.startswith(p) for p in select))
        and not any(code.startswith(p) for p in ignore)
    ]


@dataclasses.dataclass
class _Context:
    root: Path
    releasenotes: Path | None
    openapi_spec: Path | None
    display_base: Path

    def display(self, path: Path) -> str:
        return display_path(path, self.display_base)


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p.resolve() for p in sorted(path.rglob("*")) if p.is_file())
        else:
            found.append(path.resolve())
    return found


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and path.is_relative_to(folder.resolve())


def lint(paths: Sequence[Path], options: LintOptions) -> list[Problem]:
    """Lint *paths* (default: the source tree, the release notes and the OpenAPI spec).

    Whole-tree rules (navigation, labels, near-duplicates) always look at the whole
    source tree but report only in the files linted. Raise :class:`LintError` when the
    linter cannot run (missing paths, no conf.py, invalid configuration).
    """
    rules = select_rules(options.select, options.ignore)
    source = options.source.resolve()
    notes_dir = options.releasenotes or options.root / "releasenotes"
    releasenotes = notes_dir if notes_dir.is_dir() else None
    settings = load_settings(source)
    spec = source / settings.guidebook.openapi_spec
    if not paths:
        paths = [p for p in (source, releasenotes, spec) if p is not None and p.exists()]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise LintError(f"no such file or directory: {', '.join(missing)}")
    # Pages guidebook generates into the tree (release series, API tag pages) are its
    # own, not the author's: they are read for the tree's analyses, never reported on.
    generated = {path for path in _files(paths)
                 if path.suffix == ".rst" and is_generated(path, GENERATED_PREFIX)}
    files = [path for path in _files(paths) if path not in generated]
    project = Project(source, settings)
    project.display_base = options.display_base
    project.root = options.root
    project.selected = set(files)
    context = _Context(options.root, releasenotes, spec, options.display_base)

    problems: list[Problem] = []

    def report(path: Path, line: int, rule: Rule, message: str) -> None:
        problems.append(Problem(context.display(path), line, rule.code, message, rule.severity))

    doc8_codes = {rule.code for rule in rules if rule.code.startswith("D")}
    if doc8_codes:
        for path, line, code, message in external.run_doc8(
                paths, options.root, settings.vocabulary.lexers):
            if code in doc8_codes and path.resolve() not in generated:
                report(path, line, RULES[code], message)
    page_rules = [rule for rule in rules if rule.page_check is not None]
    for path in files:
        if path.suffix not in (".rst", ".txt") and path not in project.by_path:
            continue
        page = project.by_path.get(path)
        if page is None and path.suffix == ".rst" and not _inside(path, source):
            page = Page("", read_source(path, is_prose_directive), None, (), fragment=True)
        if page is None:
            continue
        for rule in page_rules:
            assert rule.page_check is not None
            if rule.needs_tree and path not in project.by_path:
                continue
            for line, message in rule.page_check(page, project):
                report(path, line, rule, message)
    tree_inputs = {
        "GB401": any(_inside(path, releasenotes) for path in files),
        "GB501": spec.resolve() in files,
    }
    for rule in rules:
        if rule.tree_check is not None and tree_inputs.get(rule.code, True):
            for path, line, message in rule.tree_check(project, context):
                report(path, line, rule, message)
    return sorted(set(problems))
