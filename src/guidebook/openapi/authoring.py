"""The schema problems real specs have, said in the spec author's terms.

openapi-spec-validator reports a ``type: 'null'`` branch of a 3.0 spec as "not valid under
any of the given schemas" about an ancestor, with the ancestor's whole value, and a
``required`` name without a property at no place at all. Each ``check_*`` function here
finds one such construct itself, at the line of the construct, and says how to write it;
:func:`~guidebook.openapi.spec.validate_spec` then drops the validator's errors about the
same place. Every check is a warning: the reference renders what can be rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from guidebook.openapi.spec import Spec, SpecProblem, join_pointer, split_pointer, walk

#: Keywords whose value is one schema, and those whose value is a list or map of schemas.
_ONE_SCHEMA = frozenset({"schema", "items", "additionalProperties", "not", "contains",
                         "propertyNames", "if", "then", "else", "unevaluatedProperties",
                         "unevaluatedItems", "additionalItems"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions",
                          "dependentSchemas"})
#: Keys under which values are data, never schemas or references.
DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const", "value"})


def is_schema_pointer(pointer: str) -> bool:
    """Whether the value at *pointer* sits where OpenAPI puts a schema."""
    tokens = split_pointer(pointer)
    if not tokens:
        return False
    if any(token in DATA_KEYS for token in tokens[:-1]) and "schema" not in tokens:
        return False
    last, parent = tokens[-1], tokens[-2] if len(tokens) > 1 else ""
    if last in _ONE_SCHEMA or parent in _SCHEMA_MAPS or parent in _SCHEMA_LISTS:
        return parent not in DATA_KEYS
    return (len(tokens) == 3 and tokens[:2] == ["components", "schemas"]) or (
        len(tokens) == 2 and tokens[0] == "definitions")


def schemas(data: Any) -> Iterator[tuple[str, Any]]:
    """(pointer, value) of every schema in a spec's *data*, in document order."""
    for pointer, value in walk(data):
        if is_schema_pointer(pointer):
            yield pointer, value


Check = Callable[[Spec, str, Any], Iterator[SpecProblem]]


def check_null_schema(spec: Spec, pointer: str, schema: Any) -> Iterator[SpecProblem]:
    if schema is None and split_pointer(pointer)[-1] == "schema":
        yield SpecProblem(pointer, "schema: null is not a schema: write the schema, or leave "
                               "schema out if the body has none")


def check_null_type(spec: Spec, pointer: str, schema: Any) -> Iterator[SpecProblem]:
    if not isinstance(schema, Mapping) or not spec.version.startswith("3.0."):
        return
    kind = schema.get("type")
    if kind == "null":
        yield SpecProblem(join_pointer(pointer, "type"), (
            "type: 'null' is OpenAPI 3.1; in 3.0 write nullable: true on the schema that "
            "may be null (shown as null here)"))
    elif isinstance(kind, list):
        yield SpecProblem(join_pointer(pointer, "type"), (
            f"type: {kind} (a list of types) is OpenAPI 3.1; in 3.0 a type is one name "
            "(use anyOf, and nullable: true for 'null')"))


def check_boolean_exclusive(spec: Spec, pointer: str, schema: Any) -> Iterator[SpecProblem]:
    if not isinstance(schema, Mapping) or not spec.version.startswith("3.1."):
        return
    for keyword, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(keyword), bool):
            yield SpecProblem(join_pointer(pointer, keyword), (
                f"{keyword}: {str(schema[keyword]).lower()} is OpenAPI 3.0; in 3.1 "
                f"{keyword} is the number itself (write {keyword}: <the {bound}> in place "
                f"of {bound})"))


def check_required_properties(spec: Spec, pointer: str, schema: Any) -> Iterator[SpecProblem]:
    if not isinstance(schema, Mapping):
        return
    required, properties = schema.get("required"), schema.get("properties")
    if not isinstance(required, list) or not isinstance(properties, Mapping):
        return
    if any(key in schema for key in ("allOf", "anyOf", "oneOf", "additionalProperties",
                                     "patternProperties", "$ref")):
        return  # the property may come from elsewhere
    for index, name in enumerate(required):
        if isinstance(name, str) and name not in properties:
            yield SpecProblem(join_pointer(pointer, "required", index), (
                f"required names {name!r}, which this object's properties do not define "
                "(add the property, or remove the name)"))


#: Every check, run on every schema.
SCHEMA_CHECKS: tuple[Check, ...] = (
    check_null_schema, check_null_type, check_boolean_exclusive, check_required_properties,
)


def check_info(spec: Spec) -> Iterator[SpecProblem]:
    info = spec.data.get("info")
    if not isinstance(info, Mapping):
        yield SpecProblem("", "the spec has no info: write info with the API's title and "
                          "version")
        return
    for key, what in (("title", "the API's name"), ("version", 'the API\'s version, '
                                                                'such as "1.0"')):
        if not isinstance(info.get(key), str) or not info[key].strip():
            yield SpecProblem(join_pointer("", "info"), f"info has no {key}: write {key}: "
                                                    f"<{what}>")


def authoring_problems(spec: Spec) -> list[SpecProblem]:
    """Every problem the checks here find, in document order."""
    problems = list(check_info(spec))
    for pointer, schema in schemas(spec.data):
        for check in SCHEMA_CHECKS:
            problems.extend(check(spec, pointer, schema))
    return problems


def covered(pointer: str, problems: list[SpecProblem]) -> bool:
    """Whether a validator error at *pointer* is about a place one of *problems* names."""
    for problem in problems:
        mine = problem.pointer
        if mine == pointer or mine.startswith(pointer + "/") or (
                pointer.startswith(mine + "/")):
            return True
        if mine.rpartition("/")[0] == pointer.rpartition("/")[0] and mine.endswith(
                ("/type", "/exclusiveMinimum", "/exclusiveMaximum")):
            return True
    return False


__all__ = ["DATA_KEYS", "SCHEMA_CHECKS", "authoring_problems", "covered",
           "is_schema_pointer", "schemas"]
