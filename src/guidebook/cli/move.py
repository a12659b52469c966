"""``guidebook move SRC DEST``: move a page, rewrite what points to it, add a redirect."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guidebook.cli._paths import default_source
from guidebook.reorg.move import MoveError, apply_move, describe, plan_move, redirects_setting


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "move",
        help="move a page with git, rewrite its references, record a redirect",
        description="Move a page with git mv, rewrite every toctree entry, :doc: reference "
        "and include that points to it, and add the old URL to the redirect map. SRC and "
        "DEST are source files (doc/source/user/a.rst, relative to the current directory) "
        "or docnames (user/a, relative to the source directory).",
    )
    parser.add_argument("src", metavar="SRC", help="the page to move")
    parser.add_argument("dest", metavar="DEST", help="where it goes (must not exist)")
    parser.add_argument("--source", type=Path, default=None,
                        help="source directory with conf.py (default: doc/source)")
    parser.add_argument("--dry-run", "-n", action="store_true",
                        help="print the plan and change nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    source = args.source or default_source()
    try:
        plan = plan_move(source, args.src, args.dest, redirects_file=redirects_setting(source))
        for line in describe(plan):
            print(line)
        if args.dry_run:
            print("dry run: nothing changed")
            return 0
        apply_move(plan)
    except MoveError as exc:
        print(f"guidebook move: error: {exc}", file=sys.stderr)
        return 1
    print(f"moved {plan.old_docname} to {plan.new_docname}; review with git diff, then commit")
    return 0
