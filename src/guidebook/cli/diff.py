"""``guidebook diff``: review a reorganisation; exit 1 when an old URL or a link breaks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guidebook.cli._paths import default_source
from guidebook.reorg import ReorgError
from guidebook.reorg.diff import MissingRevision, Side, SiteDiff, review
from guidebook.reorg.diff_html import render as render_html
from guidebook.reorg.diff_report import render_json, render_text
from guidebook.reorg.suggest import append_to_map, suggest
from guidebook.reorg.suggest import render as render_suggestions

_RENDERERS = {"text": render_text, "json": render_json, "html": render_html}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="compare the site of two revisions: moves, audiences, broken URLs",
        description=(
            "Build the site of BASE and of HEAD (default: the working tree) and report, "
            "guide by guide, the pages added, removed and moved, the audiences and titles "
            "changed, and every old URL that the new site neither serves nor redirects. "
            "BASE may be a revision built with plain Sphinx (no guidebook settings), a "
            "published guidebook.json, or a published plain site's objects.inv. "
            "Exit status: 0 no URL breaks, 1 some URL breaks, 2 the comparison could not "
            "be made."
        ),
    )
    parser.add_argument("base", nargs="?", metavar="BASE",
                        help="git revision (or guidebook.json / objects.inv file) to "
                        "compare against")
    parser.add_argument("head", nargs="?", metavar="HEAD",
                        help="git revision (or guidebook.json file); default: working tree")
    parser.add_argument("--base-manifest", type=Path, metavar="FILE",
                        help="compare against this published guidebook.json (or a plain "
                        "site's objects.inv) instead of BASE")
    parser.add_argument("--format", choices=sorted(_RENDERERS), default="text",
                        help="report format (default: text)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="write the report here instead of standard output")
    parser.add_argument("--source", type=Path, default=None,
                        help="source directory with conf.py (default: doc/source)")
    parser.add_argument("--suggest-redirects", action="store_true",
                        help="append a redirect-map line for every broken URL whose page "
                        "can be found (git renames, then similarity, then title); list "
                        "the others")
    parser.add_argument("--missing-base-ok", action="store_true",
                        help="when BASE does not exist (a first commit), say so and exit 0")
    parser.add_argument("--versions", action="store_true",
                        help="BASE and HEAD are version names from guidebook_versions: "
                        "compare those versions' sites")
    parser.add_argument("--site", type=Path, metavar="OUT",
                        help="with --versions: read the versions published in OUT by "
                        "'guidebook build --versions' instead of building them")
    parser.add_argument("--guide", metavar="NAME",
                        help="report only this guide or part (e.g. operator)")
    parser.set_defaults(run=run)


def _side(value: str) -> str | Path:
    """A revision, or a manifest file when the argument names a .json or .inv file."""
    path = Path(value)
    if value.endswith((".json", ".inv")) and path.is_file():
        return path
    return value


def _review_versions(args: argparse.Namespace, source: Path) -> SiteDiff:
    from guidebook.versions.review import review_versions

    return review_versions(source, args.base, args.head, args.site)


def run(args: argparse.Namespace) -> int:
    source: Path = args.source or default_source()
    base: str | Path = ""
    head: Side = None
    if args.versions or args.site is not None:
        if not args.versions or args.base is None or args.head is None or \
                args.base_manifest is not None:
            print("guidebook diff: error: --versions needs two version names, OLD and NEW "
                  "(--site only with --versions, no --base-manifest)", file=sys.stderr)
            return 2
    elif args.base_manifest is not None:
        if args.head is not None:
            print("guidebook diff: error: with --base-manifest, give at most HEAD",
                  file=sys.stderr)
            return 2
        base, head = args.base_manifest, _side(args.base) if args.base else None
    elif args.base is None:
        print("guidebook diff: error: give BASE (a revision or guidebook.json) or "
              "--base-manifest FILE", file=sys.stderr)
        return 2
    else:
        base, head = _side(args.base), _side(args.head) if args.head else None
    try:
        if args.versions or args.site is not None:
            diff = _review_versions(args, source)
        else:
            diff = review(source, base, head)
        if args.guide:
            from guidebook.versions.review import only_guide

            diff = only_guide(diff, args.guide)
    except MissingRevision as exc:
        if args.missing_base_ok and exc.side == "BASE":
            print(f"guidebook diff: note: {exc}; nothing to compare against, no URL can "
                  "break", file=sys.stderr)
            return 0
        print(f"guidebook diff: error: {exc}", file=sys.stderr)
        return 2
    except ReorgError as exc:
        print(f"guidebook diff: error: {exc}", file=sys.stderr)
        return 2
    if args.suggest_redirects:
        try:
            suggestions = suggest(diff)
            written_to, written = append_to_map(source.resolve(), suggestions, diff.base.label)
        except ReorgError as exc:
            print(f"guidebook diff: error: {exc}", file=sys.stderr)
            return 2
        sys.stderr.write(render_suggestions(suggestions, written_to, written))
    report = _RENDERERS[args.format](diff)
    if args.output is not None:
        try:
            args.output.write_text(report, encoding="utf-8")
        except OSError as exc:
            print(f"guidebook diff: error: {args.output}: {exc.strerror or exc}",
                  file=sys.stderr)
            return 2
        counts = diff.summary()
        print(f"guidebook diff: {counts['moved']} moved, {counts['added']} added, "
              f"{counts['removed']} removed, {counts['broken_urls']} broken URL(s), "
              f"{counts['broken_links']} broken link(s); "
              f"report in {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(report)
    return 0 if diff.ok else 1
