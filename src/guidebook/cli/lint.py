"""``guidebook lint``: doc8 plus guidebook's checks of audiences, navigation and prose."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from guidebook.cli._paths import default_source, repository_root
from guidebook.lint import RULES, LintError, LintOptions, lint, select_rules


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
    root = repository_root()
    options = LintOptions(source=args.source or default_source(), root=root,
                          select=select, ignore=ignore)
    try:
        problems = lint(args.paths, options)
    except LintError as exc:
        print(f"guidebook lint: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([problem.as_dict() for problem in problems], indent=2))
    else:
        for problem in problems:
            print(problem)
    return 1 if problems else 0
