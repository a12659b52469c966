"""``guidebook report``: the map of guides and pages, and the page-type coverage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from guidebook.cli._paths import default_source
from guidebook.reorg import ReorgError
from guidebook.reorg.report import render_html, render_json, site_map

_RENDERERS = {"html": render_html, "json": render_json}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="map the site: guides as columns, pages as rows, page-type coverage",
        description=(
            "Build the site (or read --manifest) and show its information architecture: "
            "which guide includes which page, which pages are shared, and a matrix of "
            "audience by page type (pages without :page-type: counted apart)."
        ),
    )
    parser.add_argument("--format", choices=sorted(_RENDERERS), default="html",
                        help="report format (default: html)")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="write the report here instead of standard output")
    parser.add_argument("--source", type=Path, default=None,
                        help="source directory with conf.py (default: doc/source)")
    parser.add_argument("--manifest", type=Path, metavar="FILE",
                        help="read this guidebook.json instead of building")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.manifest is not None:
            site = site_map(manifest=args.manifest)
        else:
            site = site_map(source=(args.source or default_source()).resolve())
    except ReorgError as exc:
        print(f"guidebook report: error: {exc}", file=sys.stderr)
        return 2
    text = _RENDERERS[args.format](site)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"guidebook report: error: {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"guidebook report: written to {args.output}", file=sys.stderr)
    return 0
