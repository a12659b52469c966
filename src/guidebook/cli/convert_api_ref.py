"""``guidebook convert-api-ref``: write an OpenAPI 3.1 spec from an os-api-ref source folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NAME = "convert-api-ref"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="convert an os-api-ref reference (api-ref/source) to an OpenAPI 3.1 spec",
        description=(
            "Read the os-api-ref pages of SRC (rest_method, rest_parameters with their "
            "parameters files, rest_status_code, literalinclude samples) and write an "
            "OpenAPI 3.1 spec to SPEC (YAML, or JSON when SPEC ends in .json). Whatever "
            "is not carried over is printed as 'file:line: kind: message'. Exit status: "
            "0 written, 1 written with findings under --strict, 2 nothing written."
        ),
    )
    parser.add_argument("src", type=Path, metavar="SRC",
                        help="the os-api-ref source folder, such as api-ref/source")
    parser.add_argument("--out", "-o", type=Path, required=True, metavar="SPEC",
                        help="the spec file to write (refused if it exists, unless --force)")
    parser.add_argument("--title", help="info.title (default: the first page title)")
    parser.add_argument("--api-version", metavar="VERSION",
                        help="info.version (default: the highest microversion named)")
    parser.add_argument("--force", action="store_true", help="overwrite SPEC")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when anything was not carried over")
    parser.set_defaults(run=run)


def _no_alias_dumper() -> type:
    import yaml

    class NoAliasDumper(yaml.SafeDumper):
        """A spec may not hold YAML aliases: a value used twice is written twice."""

        def ignore_aliases(self, data: object) -> bool:
            return True

    return NoAliasDumper


def run(args: argparse.Namespace) -> int:
    import yaml

    _NoAliasDumper = _no_alias_dumper()
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    from guidebook.apiref import convert

    src: Path = args.src
    out: Path = args.out
    if not src.is_dir():
        print(f"guidebook {NAME}: {src}: not a folder", file=sys.stderr)
        return 2
    if out.exists() and not args.force:
        print(f"guidebook {NAME}: {out} exists (use --force to overwrite)", file=sys.stderr)
        return 2
    conversion = convert(src, title=args.title, version=args.api_version)
    for finding in conversion.findings:
        print(finding, file=sys.stderr)
    try:
        validate(conversion.spec)
    except OpenAPIValidationError as error:
        print(f"guidebook {NAME}: the spec does not validate: {error.message}",
              file=sys.stderr)
        return 2
    if out.suffix == ".json":
        text = json.dumps(conversion.spec, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.dump(conversion.spec, Dumper=_NoAliasDumper, sort_keys=False,
                         allow_unicode=True, width=100)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    stats = conversion.stats
    print(f"{out}: {conversion.operations} operations from {conversion.calls} calls, "
          f"{stats['parameters_carried']}/{stats['parameters']} parameters, "
          f"{stats['samples_carried']}/{stats['samples']} samples, "
          f"{stats['versioned_marked']}/{stats['versioned']} versioned parameters marked, "
          f"{len(conversion.findings)} findings")
    return 1 if args.strict and conversion.findings else 0
