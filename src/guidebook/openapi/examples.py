"""The examples of a spec, each checked against its schema with jsonschema.

One validator is compiled per schema (a shared component is compiled once, whatever the
number of examples that use it). A schema ``pattern`` Python's ``re`` cannot compile is
skipped while checking (reported once by :func:`~guidebook.openapi.spec.validate_spec`).
The problems are grouped per operation: one :class:`~guidebook.openapi.spec.SpecProblem` per
operation, with the count and the first few, at the line of the first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from typing import Any

import referencing.exceptions
from jsonschema import validators
from jsonschema.exceptions import UndefinedTypeCheck, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from guidebook.openapi.authoring import schemas
from guidebook.openapi.spec import (
    Spec,
    SpecProblem,
    compile_error,
    join_pointer,
    operation_label,
    short_message,
)

#: The base URI the spec is registered under while examples are checked.
_SPEC_URI = "urn:guidebook:openapi-spec"
#: The problems of one operation named in its warning; the rest are counted.
SHOWN_PER_OPERATION = 3


@dataclasses.dataclass(frozen=True)
class Example:
    """One example in the spec and the schema it must satisfy."""

    operation: str
    #: Where the example sits, e.g. ``response 200 (application/json)``.
    place: str
    #: ``example`` for a single ``example``, else its key in ``examples``.
    name: str
    value: Any
    value_pointer: str
    schema_pointer: str


def iter_examples(spec: Spec) -> Iterator[Example]:
    """Every example of a parameter, request body, response body or response header."""
    for operation in spec.operations():
        item = spec.get(operation.pointer.rpartition("/")[0])
        data = spec.get(operation.pointer)
        key = operation.key
        params = [*_list(item.get("parameters")), *_list(data.get("parameters"))]
        path_params = join_pointer(operation.pointer.rpartition("/")[0], "parameters")
        op_params = join_pointer(operation.pointer, "parameters")
        own = len(_list(item.get("parameters")))
        for index, raw in enumerate(params):
            base = join_pointer(path_params, index) if index < own else join_pointer(
                op_params, index - own)
            param, pointer = spec.resolve(raw, base)
            if isinstance(param, Mapping):
                place = f"{param.get('in', '?')} parameter {param.get('name', '?')!r}"
                yield from _holder_examples(spec, key, place, param, pointer)
        body, pointer = spec.resolve(data.get("requestBody"), join_pointer(
            operation.pointer, "requestBody"))
        if isinstance(body, Mapping):
            yield from _content_examples(spec, key, "request body", body, pointer)
        responses = data.get("responses")
        if isinstance(responses, Mapping):
            for status, raw in responses.items():
                response, pointer = spec.resolve(raw, join_pointer(
                    operation.pointer, "responses", status))
                if not isinstance(response, Mapping):
                    continue
                yield from _content_examples(spec, key, f"response {status}", response, pointer)
                headers = response.get("headers")
                if isinstance(headers, Mapping):
                    for name, raw_header in headers.items():
                        header, header_pointer = spec.resolve(
                            raw_header, join_pointer(pointer, "headers", name))
                        if isinstance(header, Mapping):
                            yield from _holder_examples(
                                spec, key, f"response {status} header {name!r}", header,
                                header_pointer)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _content_examples(
    spec: Spec, key: str, place: str, holder: Mapping[str, Any], pointer: str
) -> Iterator[Example]:
    content = holder.get("content")
    if not isinstance(content, Mapping):
        return
    for media_type, media in content.items():
        media_pointer = join_pointer(pointer, "content", media_type)
        if isinstance(media, Mapping):
            yield from _named_examples(spec, key, f"{place} ({media_type})", media,
                                       media_pointer, join_pointer(media_pointer, "schema"))


def _holder_examples(
    spec: Spec, key: str, place: str, holder: Mapping[str, Any], pointer: str
) -> Iterator[Example]:
    """A parameter or header: examples beside its ``schema``, or inside its ``content``."""
    if "schema" in holder:
        yield from _named_examples(spec, key, place, holder, pointer,
                                   join_pointer(pointer, "schema"))
    yield from _content_examples(spec, key, place, holder, pointer)


def _named_examples(
    spec: Spec, key: str, place: str, holder: Mapping[str, Any], pointer: str,
    schema_pointer: str,
) -> Iterator[Example]:
    if "schema" not in holder:
        return
    if "example" in holder:
        yield Example(key, place, "example", holder["example"],
                      join_pointer(pointer, "example"), schema_pointer)
    examples = holder.get("examples")
    if isinstance(examples, Mapping):
        for name, raw in examples.items():
            example, example_pointer = spec.resolve(raw, join_pointer(pointer, "examples", name))
            if isinstance(example, Mapping) and "value" in example:
                yield Example(key, place, str(name), example["value"],
                              join_pointer(example_pointer, "value"), schema_pointer)


def check_examples(spec: Spec) -> tuple[list[SpecProblem], int]:
    """Validate every example against its schema: one problem per operation, and the count.

    ``$ref`` is resolved by jsonschema through a registry holding the whole spec, lazily, so a
    recursive schema is fine.
    """
    validator_class, format_checker, specification = _validator_for(spec.version)
    resource = Resource.from_contents(spec.data, default_specification=specification)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    compiled: dict[str, Any] = {}
    #: operation -> (pointer, what, why) of each problem
    found: dict[str, list[tuple[str, str, str]]] = {}
    count = 0
    for example in iter_examples(spec):
        count += 1
        validator = compiled.get(example.schema_pointer)
        if validator is None:
            schema = {"$ref": f"{_SPEC_URI}#{example.schema_pointer}"}
            validator = validator_class(schema, registry=registry, format_checker=format_checker)
            compiled[example.schema_pointer] = validator
        problems = found.setdefault(example.operation, [])
        try:
            errors = sorted(validator.iter_errors(example.value),
                            key=lambda error: list(error.absolute_path))
        except (RecursionError, referencing.exceptions.Unresolvable):
            continue  # a $ref to nothing or a loop: reported, at its line, by check_refs
        except Exception as exc:  # a broken schema
            problems.append((example.value_pointer,
                             f"example {example.name!r} of the {example.place}",
                             f"cannot be checked: {type(exc).__name__}: {short_message(exc)}"))
            continue
        for error in errors:
            problems.append((join_pointer(example.value_pointer, *error.absolute_path),
                             f"example {example.name!r} of the {example.place}",
                             f"{short_message(error)}{_instance_path(error)}"))
    return [_grouped(operation, problems) for operation, problems in found.items()
            if problems], count


def check_schema_values(spec: Spec) -> list[SpecProblem]:
    """A schema's own ``default`` and ``example`` checked against it, each at its own line.

    (openapi-spec-validator checks them as documents of their own, so its errors carry no
    place: a search by value would point at the first equal value anywhere in the file.)
    """
    validator_class, format_checker, specification = _validator_for(spec.version)
    resource = Resource.from_contents(spec.data, default_specification=specification)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    problems: list[SpecProblem] = []
    for pointer, schema in schemas(spec.data):
        if not isinstance(schema, Mapping) or "$ref" in schema:
            continue
        for keyword in ("default", "example"):
            if keyword not in schema:
                continue
            value_pointer = join_pointer(pointer, keyword)
            try:
                validator = validator_class({"$ref": f"{_SPEC_URI}#{pointer}"},
                                            registry=registry, format_checker=format_checker)
                error = next(iter(sorted(validator.iter_errors(schema[keyword]),
                                         key=lambda found: list(found.absolute_path))), None)
            except Exception:
                continue
            if error is not None:
                problems.append(SpecProblem(
                    join_pointer(value_pointer, *error.absolute_path),
                    f"{operation_label(pointer)}the schema's {keyword} "
                    f"{short_message(error)}{_instance_path(error)}", example=True))
    return problems


def _grouped(operation: str, problems: list[tuple[str, str, str]]) -> SpecProblem:
    pointer, what, why = problems[0]
    if len(problems) == 1:
        verb = "" if why.startswith("cannot") else "does not match its schema: "
        return SpecProblem(pointer, f"{operation}: {what} {verb}{why}")
    shown = "; ".join(f"{what}: {why}" for _, what, why in problems[:SHOWN_PER_OPERATION])
    more = len(problems) - SHOWN_PER_OPERATION
    rest = f"; and {more} more" if more > 0 else ""
    return SpecProblem(pointer, f"{operation}: {len(problems)} example problems "
                            f"(do not match their schemas): {shown}{rest}")


def _instance_path(error: ValidationError) -> str:
    if not error.absolute_path:
        return ""
    text = "".join(f"[{token}]" if isinstance(token, int) else f".{token}"
                   for token in error.absolute_path)
    return f" (at {text.lstrip('.')})"


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """jsonschema's ``pattern``, skipping a pattern Python's ``re`` cannot compile."""
    if not validator.is_type(instance, "string") or compile_error(pattern) is not None:
        return
    if not re.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _validator_for(version: str) -> tuple[Any, Any, Any]:
    import openapi_schema_validator as oas

    if version.startswith("3.0."):
        base, checker, specification = oas.OAS30Validator, oas.oas30_format_checker, DRAFT4
    else:
        base, checker, specification = oas.OAS31Validator, oas.oas31_format_checker, DRAFT202012
    # A 3.0 spec's ``type: 'null'`` (3.1's way, reported by validate_spec) still checks.
    type_checker = base.TYPE_CHECKER
    try:
        type_checker.is_type(None, "null")
    except UndefinedTypeCheck:
        type_checker = type_checker.redefine("null", lambda _checker, value: value is None)
    return (validators.extend(base, {"pattern": _pattern}, type_checker=type_checker),
            checker, specification)
