"""The ``guidebook`` command: one thin module per subcommand, each calling a typed core."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import NoReturn

from guidebook import __version__


def command_names() -> list[str]:
    """The subcommands: one module each in this package."""
    package = sys.modules[__name__]
    return sorted(
        info.name for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with *only*, just that subcommand's module is imported.

    Every command module imports its own libraries (Sphinx, doc8, reno, the OpenAPI
    validators): importing all of them would slow every command down.
    """
    parser = argparse.ArgumentParser(
        prog="guidebook",
        description="Build audience-based documentation sites with Sphinx.",
    )
    parser.add_argument("--version", action="version", version=f"guidebook {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_names():
        if only is None or name == only:
            importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    first = next((arg for arg in arguments if not arg.startswith("-")), None)
    if first is not None:
        first = first.replace("-", "_")  # convert-api-ref lives in convert_api_ref.py
    parser = build_parser(first if first in command_names() else None)
    args = parser.parse_args(arguments)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("guidebook: interrupted", file=sys.stderr)
        return 130


def console_main() -> NoReturn:
    """The ``guidebook`` console script: :func:`main`, then exit without a heap teardown.

    A build leaves millions of doctree objects in reference cycles. At exit Python would
    collect and free them one by one (about half a second at 1,200 pages, longer than
    the rest of a one-page rebuild's writing) just before the operating system reclaims
    the whole process anyway. Every file guidebook writes is closed by the time
    :func:`main` returns; the standard streams are flushed here.
    """
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    console_main()
