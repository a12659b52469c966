"""``guidebook build``: read the sources once, write every guide, publish atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from guidebook.cli._paths import default_out, default_source
from guidebook.driver.options import BuildOptions
from guidebook.driver.run import run_build


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "build",
        help="build every guide, the portal and the manifest",
        description="Read every source file once and write a complete site per guide.",
    )
    parser.add_argument("--source", type=Path, default=None,
                        help="source directory with conf.py (default: doc/source)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output directory (default: doc/build/html)")
    parser.add_argument("--strict", action="store_true",
                        help="turn warnings into errors (exit 1, nothing published)")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="parallel Sphinx processes")
    parser.add_argument("--fresh", action="store_true",
                        help="ignore the saved environment and rebuild everything")
    parser.add_argument("--only", action="append", default=[], metavar="PART",
                        help="write only this guide or part (repeatable), e.g. api-ref")
    parser.add_argument("--language", action="append", default=[], metavar="LANG",
                        help="build only this language (repeatable): a code of "
                        "guidebook_languages, or the original's (conf.py's language)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF of every guide and part (needs TeX)")
    parser.add_argument("--quiet", "-q", action="store_true", help="only print warnings")
    parser.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VALUE",
                        type=_definition,
                        help="override a conf.py setting, as sphinx-build -D does "
                        "(repeatable), e.g. -D release=2026.1")
    parser.add_argument("--versions", action="store_true",
                        help="build every version in guidebook_versions from its own git "
                        "tree into OUT/<version>/, with OUT/latest/ and OUT/versions.json")
    parser.set_defaults(run=run)


def _definition(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` of ``-D``; Sphinx converts VALUE to the setting's type."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE (e.g. -D release=2026.1)")
    return name.strip(), value


def run(args: argparse.Namespace) -> int:
    options = BuildOptions(
        source=args.source or default_source(),
        out=args.out or default_out(),
        strict=args.strict,
        jobs=max(1, args.jobs),
        fresh=args.fresh,
        quiet=args.quiet,
        only=tuple(args.only),
        languages=tuple(args.language),
        overrides={**dict(args.define), **({"guidebook_pdf": True} if args.pdf else {})},
    )
    if args.versions:
        from guidebook.versions.run import build_versions

        return build_versions(options)
    return run_build(options)
