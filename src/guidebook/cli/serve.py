"""``guidebook serve``: build, serve on HTTP, rebuild incrementally when a source changes."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from types import FrameType

from guidebook.cli._paths import default_out, default_source
from guidebook.serve import ServeOptions, serve


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="preview the site: build, serve over HTTP, rebuild on every change",
        description="Build the site, serve it over HTTP and rebuild it incrementally whenever "
        "a source file changes; open pages reload themselves after each rebuild.",
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", "-p", type=int, default=8000,
                        help="port to listen on; 0 picks a free one (default: 8000)")
    parser.add_argument("--source", type=Path, default=None,
                        help="source directory with conf.py (default: doc/source)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output directory (default: doc/build/html)")
    parser.add_argument("--watch", type=Path, action="append", default=[], metavar="PATH",
                        help="also rebuild when files under PATH change (repeatable)")
    parser.add_argument("--interval", type=float, default=0.5,
                        help="seconds between two looks at the sources (default: 0.5)")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="parallel Sphinx processes")
    parser.add_argument("--no-reload", action="store_true",
                        help="do not reload open pages in the browser after a rebuild")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="print Sphinx's progress, not only warnings and errors")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.port < 0 or args.port > 65535:
        raise SystemExit(f"guidebook serve: error: --port {args.port}: not a port number")
    signal.signal(signal.SIGTERM, _interrupt)
    options = ServeOptions(
        source=args.source or default_source(),
        out=args.out or default_out(),
        host=args.host,
        port=args.port,
        interval=max(0.1, args.interval),
        watch=list(args.watch),
        jobs=max(1, args.jobs),
        live_reload=not args.no_reload,
        verbose=args.verbose,
    )
    return serve(options)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Stop on SIGTERM the way Ctrl+C does: cleanly, leaving the published site intact."""
    raise KeyboardInterrupt
