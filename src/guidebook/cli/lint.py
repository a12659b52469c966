"""``guidebook lint``: doc8 plus guidebook's checks of audiences, navigation and prose."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from guidebook.cli._paths import default_source, find_source_dir, repository_root
from guidebook.lint import (
    RULES,
    STYLE_CODES,
    LintError,
    LintOptions,
    hold_back_style,
    lint,
    select_rules,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="check the sources: doc8, audiences, navigation, links, duplicated prose",
        description="Lint the documentation sources, the release notes and the OpenAPI "
        "spec. Exit 0 when clean, 1 when problems were found, 2 on a usage error.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders to lint (default: the source directory, "
                        "releasenotes/ and the OpenAPI spec)")
    parser.add_argument("--source", type=Path, default=None,
                        help="source directory with conf.py (default: doc/source)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--select", default="", metavar="CODES",
                        help="comma-separated rule codes or prefixes to run (e.g. GB2,D001)")
    parser.add_argument("--ignore", default="", metavar="CODES",
                        help="comma-separated rule codes or prefixes to skip")
    parser.add_argument("--style", action="store_true",
                        help="list doc8's style findings (line length, whitespace) even "
                        "when the project has no doc8 configuration (without one, they are "
                        "counted in one line)")
    parser.add_argument("--list-rules", action="store_true",
                        help="print every rule with its examples and exit")
    parser.set_defaults(run=run)


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.split(",") if code.strip()]


def list_rules() -> str:
    out: list[str] = []
    for code, rule in sorted(RULES.items()):
        out.append(f"{code} {rule.name} [{rule.severity}]")
        body = textwrap.dedent("\n".join(rule.doc.strip().splitlines()[1:])).strip("\n")
        first = rule.doc.strip().splitlines()[0] if rule.doc.strip() else ""
        out.append(textwrap.indent(f"{first}\n{body}".rstrip(), "    "))
        out.append("")
    return "\n".join(out)


def _project(source: Path | None, paths: list[Path]) -> tuple[Path, list[Path]]:
    """The source directory and the paths to lint, found from the PATHs when --source is
    not given.

    A PATH that is the source directory (``src`` with ``src/conf.py``) or inside it is
    linted as given, with that source directory. A PATH that holds the source directory
    (a repository root with ``doc/source/conf.py``) stands for the whole project: the
    source tree, its release notes and its OpenAPI spec. Without PATHs, the default
    ``doc/source`` of the repository, or the source directory found from here.
    """
    if source is not None:
        return source, paths
    if not paths:
        default = default_source()
        if (default / "conf.py").is_file():
            return default, []
        return find_source_dir(Path.cwd()) or default, []
    found = find_source_dir(paths[0]) if paths[0].exists() else None
    if found is None:
        return default_source(), paths
    first = paths[0].resolve()
    if len(paths) == 1 and first.is_dir() and found != first and first in found.parents:
        return found, []
    return found, paths


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        print(list_rules())
        return 0
    select, ignore = _codes(args.select), _codes(args.ignore)
    try:
        select_rules(select, ignore)
    except ValueError as exc:
        print(f"guidebook lint: {exc}", file=sys.stderr)
        return 2
    source, paths = _project(args.source, args.paths)
    options = LintOptions(source=source, root=repository_root(source),
                          select=select, ignore=ignore)
    try:
        problems = lint(paths, options)
    except LintError as exc:
        print(f"guidebook lint: {exc}", file=sys.stderr)
        return 2
    summary = None
    asked = any(code.startswith(prefix) for prefix in select for code in STYLE_CODES)
    if not args.style and not asked:
        problems, summary = hold_back_style(problems, options.root)
    if args.format == "json":
        print(json.dumps([problem.as_dict() for problem in problems], indent=2))
    else:
        for problem in problems:
            print(problem)
    if summary is not None:
        print(f"guidebook lint: {summary}",
              file=sys.stderr if args.format == "json" else sys.stdout)
    return 1 if problems else 0
