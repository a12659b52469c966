"""No internal error on any input: random and mutated specs fed to the reader, the checks,
the field tables and a real build (issue 23).

Each example starts from a small spec (OpenAPI 3.0, 3.1 or Swagger 2.0) and replaces a few
of its values, anywhere, by random JSON, random text full of Markdown and reStructuredText
specials, ``$ref`` strings or YAML constructs. Whatever comes out must be read, checked
and rendered, or refused with a located message, never a traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidebook.openapi.authoring import schemas
from guidebook.openapi.bundle import load_spec
from guidebook.openapi.examples import check_examples, check_schema_values
from guidebook.openapi.fields import schema_fields, type_label
from guidebook.openapi.paging import group_operations
from guidebook.openapi.spec import SpecError, walk
from guidebook.openapi.validate import validate_spec
from tests.conftest import build_source

BASES: list[dict[str, Any]] = [
    {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
     "tags": [{"name": "a", "description": "A *tag*."}],
     "paths": {"/a/{id}": {
         "parameters": [{"name": "id", "in": "path", "required": True,
                         "schema": {"type": "string"}}],
         "get": {"tags": ["a"], "summary": "Get", "description": "Text.",
                 "responses": {"200": {"description": "ok", "content": {"application/json": {
                     "schema": {"$ref": "#/components/schemas/A"},
                     "example": {"name": "x", "kids": []}}}}}}}},
     "components": {"schemas": {"A": {
         "type": "object", "required": ["name"],
         "properties": {"name": {"type": "string", "nullable": True, "default": "n"},
                        "kids": {"type": "array",
                                 "items": {"$ref": "#/components/schemas/A"}},
                        "n": {"anyOf": [{"type": "number", "minimum": 0},
                                        {"type": "null"}]}}}}}},
    {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
     "paths": {"/b": {"post": {
         "summary": "Post", "x-openstack": {"min-ver": "2.1"},
         "requestBody": {"content": {"application/json": {"schema": {
             "oneOf": [{"type": "object", "title": "one",
                        "properties": {"a": {"type": ["string", "null"]}}},
                       {"allOf": [{"$ref": "#/components/schemas/B"}]}]},
             "examples": {"e": {"value": {"a": "b"}}}}}},
         "responses": {"default": {"description": "any"}}}}},
     "components": {"schemas": {"B": {"type": "object",
                                      "properties": {"b": {"type": "integer"}}}}}},
    {"swagger": "2.0", "info": {"title": "t", "version": "1"},
     "paths": {"/c": {"post": {
         "consumes": ["multipart/form-data"],
         "parameters": [{"name": "f", "in": "formData", "type": "file"},
                        {"name": "q", "in": "query", "type": "integer", "maximum": 3}],
         "responses": {"200": {"description": "ok",
                               "schema": {"$ref": "#/definitions/C"}}}}}},
     "definitions": {"C": {"type": "object", "properties": {"c": {"type": "string"}}}}},
]

#: Text a publisher may write: Markdown, reStructuredText specials, HTML, tokens.
SPECIALS = ["<|endoftext|>", "|x|", "[1]_", "`a`_", "**", "*", "``", ":ref:`x`", "<b>",
            "</div>", "<script>", "\\", "_", "#", "| a | b |\n|---|---|", "\n\n", "..", "::",
            "{", "$ref", "#/components/schemas/A", "javascript:x", "&amp;", "\t", "é"]

texts = st.lists(st.one_of(st.sampled_from(SPECIALS), st.text(max_size=8)),
                 max_size=6).map("".join)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.one_of(texts, st.sampled_from(
                                   ["$ref", "type", "properties", "items", "allOf", "oneOf",
                                    "anyOf", "required", "schema", "example", "default",
                                    "nullable", "description", "enum"])),
                                   children, max_size=3)),
    max_leaves=8)
refs = st.sampled_from(["#/components/schemas/A", "#/nowhere", "#/", "#", "other.yaml#/x",
                        "https://example.org/x", "#/components/schemas/B/properties/b",
                        "#/definitions/C", "#/paths"]).map(lambda ref: {"$ref": ref})


@st.composite
def mutated_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A base spec with a few of its values replaced."""
    spec = json.loads(json.dumps(draw(st.sampled_from(BASES))))
    for _ in range(draw(st.integers(1, 4))):
        pointers = [pointer for pointer, _value in walk(spec) if pointer]
        pointer = draw(st.sampled_from(pointers))
        tokens = [token.replace("~1", "/").replace("~0", "~")
                  for token in pointer[1:].split("/")]
        holder: Any = spec
        for token in tokens[:-1]:
            holder = holder[int(token)] if isinstance(holder, list) else holder[token]
        last: Any = int(tokens[-1]) if isinstance(holder, list) else tokens[-1]
        holder[last] = draw(st.one_of(json_values, refs, texts))
    return spec


def _write(spec: dict[str, Any], path: Path, as_json: bool) -> None:
    path.write_text(json.dumps(spec) if as_json else yaml.safe_dump(spec, sort_keys=False),
                    encoding="utf-8")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=mutated_specs(), as_json=st.booleans())
def test_mutated_specs_are_read_checked_and_tabulated(
    tmp_path: Path, spec: dict[str, Any], as_json: bool,
) -> None:
    path = tmp_path / ("spec.json" if as_json else "spec.yaml")
    _write(spec, path, as_json)
    try:
        loaded = load_spec(path)
    except SpecError as exc:
        assert str(exc).startswith(f"{path}:")
        return
    for problem in [*validate_spec(loaded), *check_schema_values(loaded),
                    *check_examples(loaded)[0]]:
        file, _, line = loaded.where(problem).rpartition(":")
        assert Path(file).is_file() and int(line) >= 1
        assert problem.message
    for pointer, schema in schemas(loaded.data):
        if isinstance(schema, dict):
            type_label(loaded, schema)
            schema_fields(loaded, schema, pointer)
    for grouping in ("tag", "path"):
        group_operations(loaded, grouping)


ROOT = Path(__file__).parent / "roots" / "test-openapi30"


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=mutated_specs())
def test_mutated_specs_build_without_internal_error(
    tmp_path_factory: Any, spec: dict[str, Any],
) -> None:
    source = tmp_path_factory.mktemp("fuzz") / "src"
    shutil.copytree(ROOT, source)
    _write(spec, source / "api-ref" / "openapi.yaml", as_json=False)
    result = build_source(source, source.parent / "out")
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output.lower(), result.output
    assert "Exception occurred" not in result.output, result.output
    assert result.status in (0, 1, 2), result.output
    if result.status:
        assert "the API reference cannot be built" in result.output, result.output
