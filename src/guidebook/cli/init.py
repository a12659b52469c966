"""``guidebook init``: adopt guidebook in a Sphinx project, or start a new site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guidebook.cli._paths import find_source_dir


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init",
        help="add guidebook to an existing Sphinx project, or scaffold a new site",
        description=(
            "In a Sphinx project (PATH, or PATH/doc/source, holds conf.py): read its "
            "folders, toctrees and top-level index, propose guides and a folder map, and "
            "append them to conf.py. In an empty or missing folder: write a new site that "
            "builds with --strict at once. Existing files are never overwritten. "
            "Exit status: 0 done, 2 nothing could be done."
        ),
    )
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH",
                        help="the project or the new site's folder (default: .)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the plan and change nothing")
    parser.add_argument("--guide", action="append", default=[], metavar="NAME=ROOT",
                        help="a guide and its root page, replacing the proposal's "
                        "(repeatable), e.g. operator=deploy/index")
    parser.add_argument("--folder", action="append", default=[], metavar="PATTERN=AUDIENCES",
                        help="a folder-map entry, replacing the proposal's (repeatable), "
                        "e.g. 'cli/=admin, operator'")
    parser.add_argument("--folder-roots", action="store_true",
                        help="root each guide at its folder's index (user/index), not at "
                        "the top-level index")
    parser.set_defaults(run=run)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise ValueError(f"{option} {value!r}: write it as KEY=VALUE")
        pairs[key.strip()] = rest.strip()
    return pairs


def run(args: argparse.Namespace) -> int:
    from guidebook.init import InitError, adopt, scaffold

    path: Path = args.path
    try:
        guides, folders = _pairs(args.guide, "--guide"), _pairs(args.folder, "--folder")
    except ValueError as exc:
        print(f"guidebook init: error: {exc}", file=sys.stderr)
        return 2
    try:
        source = find_source_dir(path, ancestors=False) if path.exists() else None
        if source is not None:
            print(adopt(source, guides=guides, folders=folders, dry_run=args.dry_run,
                        folder_roots=args.folder_roots))
        else:
            print(scaffold(path, dry_run=args.dry_run))
    except InitError as exc:
        print(f"guidebook init: error: {exc}", file=sys.stderr)
        return 2
    return 0
