"""The spec validated: openapi-spec-validator's errors, and the problems real specs have
said in their author's terms (:mod:`~guidebook.openapi.authoring`).

Every problem is a located warning: the reference renders whatever can be rendered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from guidebook.openapi.authoring import authoring_problems, covered
from guidebook.openapi.spec import (
    Spec,
    SpecProblem,
    check_refs,
    data_with_refs,
    join_pointer,
    locate,
    python_regex_limits,
    short_message,
)


def validate_spec(spec: Spec) -> list[SpecProblem]:
    """Check *spec* against the OpenAPI 3.0 or 3.1 schema with openapi-spec-validator.

    Constructs real specs get wrong are reported in their author's terms
    (:mod:`~guidebook.openapi.authoring`), and the validator's errors about the same places
    are dropped. Every problem is a warning: the reference renders what can be rendered.
    """
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    own = authoring_problems(spec)
    if spec.source:  # converted on reading, and validated then, as written
        return _in_order(spec, [*spec.read_problems, *own, *python_regex_limits(spec)])
    ref_problems = check_refs(spec)
    version = spec.version
    if version.startswith("3.0."):
        validator_class: Any = OpenAPIV30SpecValidator
    elif version.startswith("3.1."):
        validator_class = OpenAPIV31SpecValidator
    else:
        found = repr(spec.data["openapi"]) if "openapi" in spec.data else "no 'openapi' field"
        return _in_order(spec, [*ref_problems, *own, SpecProblem(
            join_pointer("", "openapi") if "openapi" in spec.data else "",
            f"unsupported OpenAPI version ({found}); use 3.0.x or 3.1.x (or Swagger 2.0); "
            "the spec is rendered as 3.0")])
    problems = [*ref_problems, *own, *python_regex_limits(spec)]
    if ref_problems:  # the validator would fail on them with a traceback-like message
        return _in_order(spec, problems)
    try:
        validator = validator_class(data_with_refs(spec),
                                    base_uri=spec.path.resolve().as_uri())
        errors = list(validator.iter_errors())
    except Exception as exc:  # the validator gives up on some broken documents
        return _in_order(spec, [*problems, SpecProblem(
            "", f"the spec cannot be validated: {type(exc).__name__}: {short_message(exc)}",
            limitation=True)])
    for error in errors:
        if getattr(error, "validator", None) == "format" and \
                getattr(error, "validator_value", None) == "regex":
            continue  # a pattern Python's re cannot compile: python_regex_limits says so
        error = deepest_error(error)
        path = list(getattr(error, "absolute_path", ()))
        dialect = _UNKNOWN_DIALECT.search(str(getattr(error, "message", "")))
        if dialect:
            at = _value_pointer(spec, dialect.group(1), ("/$schema",)) or ""
            problems.append(SpecProblem(at, (
                f"$schema {dialect.group(1)!r}: openapi-spec-validator does not know this "
                "JSON Schema dialect; the schemas that declare it are not validated"),
                limitation=True))
            continue
        if not path:
            # A schema's default and example values are checked as documents of their own
            # (the error has no path): guidebook.openapi.examples checks them at their
            # own line. Other errors without a path repeat what the checks here found.
            continue
        pointer = locate(spec, join_pointer("", *path), getattr(error, "instance", None))
        if covered(pointer, own):
            continue
        declared = _declared_dialect(spec, pointer)
        if declared is not None:
            problems.append(SpecProblem(pointer, (
                f"not validated: the schema declares the dialect {declared!r}, which "
                f"openapi-spec-validator checks as OpenAPI {version}'s own "
                f"({short_message(error)})"), limitation=True))
            continue
        problems.append(error_problem(spec, error, pointer, f"OpenAPI {version}"))
    return _in_order(spec, problems)


def error_problem(spec: Spec, error: Any, pointer: str, dialect: str) -> SpecProblem:
    """The problem of a validator's *error* at *pointer*, said as invalid *dialect*."""
    message = str(getattr(error, "message", ""))
    # "... ('40x' was unexpected)": point at the unexpected key rather than its parent.
    unexpected = _UNEXPECTED.search(message)
    if unexpected and join_pointer(pointer, unexpected.group(1)) in spec.lines:
        pointer = join_pointer(pointer, unexpected.group(1))
    extension = _NOT_EXTENSION.fullmatch(message)
    if extension:
        key = extension.group(1)
        if join_pointer(pointer, key) in spec.lines:
            pointer = join_pointer(pointer, key)
        return SpecProblem(pointer, f"invalid {dialect}: {key!r} is not a field here (a field "
                                "of your own must start with x-)")
    return SpecProblem(pointer, f"invalid {dialect}: {short_message(error)}")


def _in_order(spec: Spec, problems: list[SpecProblem]) -> list[SpecProblem]:
    def key(problem: SpecProblem) -> tuple[str, int]:
        file, _, line = spec.where(problem).rpartition(":")
        return file, int(line)

    return sorted(dict.fromkeys(problems), key=key)


def deepest_error(error: Any) -> Any:
    """For "not valid under any of the given schemas", the error of the branch meant.

    The branch meant is the one with the fewest errors, not counting branches that fail on
    a fixed value (``in: query`` against the header branch) or only for want of ``$ref``.
    """
    from jsonschema.exceptions import relevance

    while getattr(error, "validator", None) in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[Any]] = {}
        for inner in error.context:
            branch = inner.relative_schema_path[0] if inner.relative_schema_path else None
            branches.setdefault(branch, []).append(inner)

        def cost(errors: list[Any]) -> tuple[int, int]:
            fixed = any(inner.validator in ("enum", "const") or (
                inner.validator == "required" and "'$ref'" in inner.message)
                for inner in errors)
            return int(fixed), len(errors)

        meant = min(branches.values(), key=cost)
        error = max(meant, key=relevance)  # by relevance, without descending (the loop does)
    return error


_UNEXPECTED = re.compile(r"\('([^']*)' was unexpected\)")
_NOT_EXTENSION = re.compile(r"'([^']*)' does not match any of the regexes: '\^x-'")


_UNKNOWN_DIALECT = re.compile(r"Unknown JSON Schema dialect: '([^']*)'")
#: The dialect of OpenAPI 3.1 schemas (and a schema may say so).
_OAS31_DIALECTS = ("https://spec.openapis.org/oas/3.1/dialect/base",
                   "https://json-schema.org/draft/2020-12/schema")


def _declared_dialect(spec: Spec, pointer: str) -> str | None:
    """Another JSON Schema dialect a schema around *pointer* declares with ``$schema``."""
    while pointer:
        pointer = pointer.rpartition("/")[0]
        try:
            value = spec.get(pointer)
        except (KeyError, IndexError, ValueError):
            continue
        declared = value.get("$schema") if isinstance(value, Mapping) else None
        if isinstance(declared, str):
            return None if declared.rstrip("#") in _OAS31_DIALECTS else declared
    return None


def _value_pointer(spec: Spec, instance: Any,
                   endings: tuple[str, ...] = ("/default", "/example")) -> str | None:
    """The first pointer with one of *endings* whose value is *instance* (a default...)."""
    for candidate in spec.lines:
        if candidate.endswith(endings):
            try:
                value = spec.get(candidate)
            except (KeyError, IndexError, ValueError):
                continue
            if value == instance and type(value) is type(instance):
                return candidate
    return None
