"""``guidebook gettext``: catalog templates per guide, ``doc-<guide>.pot``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guidebook.cli._paths import default_source


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "gettext",
        help="write a catalog template per guide (doc-<guide>.pot) for translators",
        description=(
            "Write doc-<guide>.pot for every guide and part: the messages of its pages, "
            "without the audience blocks other guides show. Translations go to "
            "<locale dir>/<lang>/LC_MESSAGES/doc-<guide>.po (OpenStack's layout)."
        ),
    )
    parser.add_argument("--source", type=Path, default=None,
                        help="source directory with conf.py (default: doc/source)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where the templates go (default: <source>/locale)")
    parser.add_argument("--quiet", "-q", action="store_true", help="only print warnings")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from guidebook.i18n.templates import write_templates

    source = (args.source or default_source()).resolve()
    if not (source / "conf.py").is_file():
        print(f"guidebook gettext: error: {source}: no conf.py here (is --source right?)",
              file=sys.stderr)
        return 2
    out = (args.out or source / "locale").resolve()
    return write_templates(source, out, sys.stderr, quiet=args.quiet)
