"""Generate a synthetic OpenAPI 3.0 spec of N operations, deterministically, and two sites.

The spec looks like a real service's: operations in tags of about 20 (``--tag-size``),
shared component schemas (``allOf`` compositions, ``oneOf`` alternatives, enums, defaults,
nullable fields), shared parameters and error responses, named request examples and
response examples, and Markdown descriptions with links, lists and a table. Every example
matches its schema, and nothing in it breaks sphinxcontrib-openapi's own renderer (no
recursive schema, no example object without ``value``), so both sites build it.

``DEST/guidebook/``
    A guidebook site: one user guide page linking a few operations with ``:api:`` and an
    ``api-ref`` part whose root renders ``api-ref/openapi.yaml`` (paged by tag).
``DEST/sphinx/``
    A plain Sphinx site with sphinxcontrib-openapi's own ``openapi`` directive
    (``httpdomain`` renderer) on one page: the baseline.

Usage: ``python benchmarks/openapi_spec.py --operations 1200 --dest /tmp/spec``
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import yaml

WORDS = ("image", "volume", "server", "network", "member", "task", "store", "policy",
         "quota", "region", "project", "token", "record", "schema", "event", "report")
METHODS = ("get", "post", "put", "patch", "delete")


def _describe(rng: random.Random, what: str, rich: bool) -> str:
    text = f"The {what} of the {rng.choice(WORDS)}, as the service stores it."
    if rich:
        text += (f"\n\nSee [the {rng.choice(WORDS)} guide](https://example.org/"
                 f"{rng.choice(WORDS)}) and `{rng.choice(WORDS)}_id`.\n\n"
                 "- **one**: the first case\n- *two*: the second case\n\n"
                 "| state | meaning |\n|---|---|\n| active | in use |\n| gone | deleted |\n")
    return text


def _schema(rng: random.Random, index: int, names: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {"type": "string", "format": "uuid", "description": "The ID."},
        "name": {"type": "string", "maxLength": 255, "description": "The name."},
        "status": {"type": "string", "enum": ["active", "queued", "deleted"],
                   "default": "queued", "description": _describe(rng, "status", index % 5 == 0)},
        "size": {"type": "integer", "nullable": True, "minimum": 0,
                 "description": "The size in bytes, or null while it is unknown."},
        "tags": {"type": "array", "items": {"type": "string"}, "description": "Free tags."},
        "metadata": {"type": "object", "description": "Where it lives.", "properties": {
            "region": {"type": "string", "description": "The region."},
            "zone": {"type": "string", "description": "The availability zone."},
        }},
    }
    for extra in range(index % 4):
        properties[f"field_{extra}"] = {"type": "boolean", "description": "A flag."}
    schema: dict[str, Any] = {"type": "object", "required": ["id", "name"],
                              "properties": properties}
    if names and index % 3 == 0:
        schema = {"allOf": [{"$ref": f"#/components/schemas/{rng.choice(names)}"}, schema]}
    if names and index % 7 == 0:
        # Added to the object's own properties (its required names stay defined).
        schema.setdefault("properties", {})["link"] = {"oneOf": [
            {"$ref": f"#/components/schemas/{rng.choice(names)}"},
            {"type": "object", "title": "Reference",
             "properties": {"href": {"type": "string", "format": "uri"}}}]}
    return schema


def _value(index: int, sequence: int) -> dict[str, Any]:
    return {"id": f"00000000-0000-4000-8000-{sequence:012d}", "name": f"item-{index}",
            "status": "active", "size": None if sequence % 2 else 1024 * sequence,
            "tags": ["a", "b"], "metadata": {"region": "r1", "zone": "z1"}}


def generate_spec(operations: int, seed: int = 7, tag_size: int = 20) -> dict[str, Any]:
    """A valid OpenAPI 3.0.3 spec of *operations* operations."""
    rng = random.Random(seed)
    schema_count = max(4, operations // 4)
    schema_names: list[str] = []
    schemas: dict[str, Any] = {}
    for index in range(schema_count):
        name = f"{WORDS[index % len(WORDS)].capitalize()}{index}"
        schemas[name] = _schema(rng, index, schema_names[:])
        schema_names.append(name)
    # Only plain object schemas (no allOf) are used as bodies: their examples are easy to
    # keep valid, and allOf ones are reached through them.
    plain = [name for name in schema_names if "allOf" not in schemas[name]
             and "link" not in schemas[name].get("properties", {})]
    tags = max(1, -(-operations // tag_size))
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": f"Synthetic API ({operations} operations)", "version": "1.0"},
        "tags": [{"name": f"{WORDS[t % len(WORDS)]} {t}",
                  "description": _describe(rng, f"operations of group {t}", t % 2 == 0)}
                 for t in range(tags)],
        "paths": {},
        "components": {
            "schemas": schemas,
            "parameters": {
                "Limit": {"name": "limit", "in": "query", "description": "Page size.",
                          "schema": {"type": "integer", "minimum": 1, "default": 20}},
                "Marker": {"name": "marker", "in": "query", "description": "Last ID seen.",
                           "schema": {"type": "string", "format": "uuid"}},
            },
            "responses": {
                "NotFound": {"description": "No such item.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"},
                    "example": {"code": 404, "message": "not found"}}}},
            },
        },
    }
    schemas["Error"] = {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "integer", "description": "The HTTP status."},
        "message": {"type": "string", "description": "What went wrong."}}}
    made = 0
    path_index = 0
    while made < operations:
        body = plain[path_index % len(plain)]
        collection = f"/v2/{WORDS[path_index % len(WORDS)]}s-{path_index}"
        for path, methods in ((collection, ("get", "post")),
                              (f"{collection}/{{item_id}}", ("get", "put", "patch", "delete"))):
            item: dict[str, Any] = {}
            if "{item_id}" in path:
                item["parameters"] = [{"name": "item_id", "in": "path", "required": True,
                                       "description": "The item's ID.",
                                       "schema": {"type": "string", "format": "uuid"}}]
            for method in methods:
                if made >= operations:
                    break
                tag = spec["tags"][made // tag_size]["name"]
                item[method] = _operation(rng, method, path, body, tag, made)
                made += 1
            if len(item) > ("parameters" in item):
                spec["paths"][path] = item
        path_index += 1
    return spec


def _operation(rng: random.Random, method: str, path: str, body: str, tag: str,
               index: int) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{body}"}
    operation: dict[str, Any] = {
        "tags": [tag],
        "summary": f"{method.capitalize()} {path.rsplit('/', 1)[-1].strip('{}')} ({index})",
        "description": _describe(rng, f"{method} call", index % 3 == 0),
        "operationId": f"op{index}",
        "responses": {"404": {"$ref": "#/components/responses/NotFound"}},
    }
    if method == "get" and "{item_id}" not in path:
        operation["parameters"] = [{"$ref": "#/components/parameters/Limit"},
                                   {"$ref": "#/components/parameters/Marker"}]
        operation["responses"]["200"] = {"description": "A page of items.", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "items": {"type": "array", "items": ref}}},
                "example": {"items": [_value(index, 1), _value(index, 2)]}}}}
    elif method in ("post", "put", "patch"):
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": ref, "examples": {
                "minimal": {"summary": "The required fields only",
                            "value": {"id": "00000000-0000-4000-8000-000000000001",
                                      "name": f"item-{index}"}},
                "full": {"summary": "Every field", "value": _value(index, 3)}}}}}
        operation["responses"]["201" if method == "post" else "200"] = {
            "description": "The item.", "content": {"application/json": {
                "schema": ref, "example": _value(index, 4)}}}
    elif method == "delete":
        operation["responses"]["204"] = {"description": "Deleted."}
    else:
        operation["responses"]["200"] = {"description": "The item.", "content": {
            "application/json": {"schema": ref, "example": _value(index, 5)}}}
    return operation


class _Dumper(yaml.SafeDumper):
    """Writes shared objects out in full: guidebook refuses YAML aliases in a spec."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


GUIDEBOOK_CONF = """\
extensions = ["guidebook"]
project = "Synthetic API"
html_theme = {theme!r}
guidebook_guides = {{
    "user": {{"title": "User guide", "root": "user/index", "description": "Users."}},
}}
guidebook_parts = {{
    "api-ref": {{"title": "API reference", "root": "api-ref/index", "description": "API."}},
}}
"""
SPHINX_CONF = """\
extensions = ["sphinxcontrib.openapi"]
project = "Synthetic API"
html_theme = {theme!r}
openapi_default_renderer = "httpdomain"
"""


def generate(operations: int, dest: Path, theme: str = "alabaster", seed: int = 7,
             tag_size: int = 20) -> dict[str, Any]:
    """Write the spec and both sites under *dest*; return facts about them."""
    spec = generate_spec(operations, seed, tag_size)
    text = yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    site = dest / "guidebook"
    (site / "api-ref").mkdir(parents=True, exist_ok=True)
    (site / "user").mkdir(parents=True, exist_ok=True)
    (site / "conf.py").write_text(GUIDEBOOK_CONF.format(theme=theme), encoding="utf-8")
    (site / "api-ref" / "openapi.yaml").write_text(text, encoding="utf-8")
    (site / "api-ref" / "index.rst").write_text(
        "API reference\n=============\n\n.. openapi:: openapi.yaml\n", encoding="utf-8")
    (site / "user" / "index.rst").write_text(
        "User guide\n==========\n\nList the items with :api:`GET /v2/images-0`.\n",
        encoding="utf-8")
    plain = dest / "sphinx"
    plain.mkdir(parents=True, exist_ok=True)
    (plain / "conf.py").write_text(SPHINX_CONF.format(theme=theme), encoding="utf-8")
    (plain / "openapi.yaml").write_text(text, encoding="utf-8")
    (plain / "index.rst").write_text(
        "API reference\n=============\n\n.. openapi:: openapi.yaml\n", encoding="utf-8")
    return {"operations": operations, "tags": len(spec["tags"]),
            "paths": len(spec["paths"]), "schemas": len(spec["components"]["schemas"]),
            "bytes": len(text.encode("utf-8"))}


def place(spec_path: Path, dest: Path, theme: str = "alabaster") -> dict[str, Any]:
    """Write both sites under *dest* around a real spec (a copy of *spec_path*)."""
    text = spec_path.read_text(encoding="utf-8-sig")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    name = "openapi" + spec_path.suffix
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    operations = sum(1 for item in (data.get("paths") or {}).values()
                     if isinstance(item, dict) for key in item if key in methods)
    site, plain = dest / "guidebook", dest / "sphinx"
    for folder in (site / "api-ref", site / "user", plain):
        folder.mkdir(parents=True, exist_ok=True)
    (site / "conf.py").write_text(GUIDEBOOK_CONF.format(theme=theme) +
                                  f"guidebook_openapi_spec = 'api-ref/{name}'\n",
                                  encoding="utf-8")
    (site / "api-ref" / name).write_text(text, encoding="utf-8")
    (plain / name).write_text(text, encoding="utf-8")
    for index in (site / "api-ref" / "index.rst", plain / "index.rst"):
        index.write_text(f"API reference\n=============\n\n.. openapi:: {name}\n",
                         encoding="utf-8")
    (site / "user" / "index.rst").write_text("User guide\n==========\n\nHello.\n",
                                             encoding="utf-8")
    (plain / "conf.py").write_text(SPHINX_CONF.format(theme=theme), encoding="utf-8")
    tags = {tag for item in (data.get("paths") or {}).values() if isinstance(item, dict)
            for key, operation in item.items() if key in methods
            and isinstance(operation, dict) for tag in operation.get("tags") or []}
    return {"operations": operations, "tags": len(tags), "name": spec_path.name,
            "bytes": len(text.encode("utf-8"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, required=True)
    parser.add_argument("--dest", type=Path, required=True)
    parser.add_argument("--theme", default="alabaster")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tag-size", type=int, default=20)
    args = parser.parse_args(argv)
    facts = generate(args.operations, args.dest, args.theme, args.seed, args.tag_size)
    print(json.dumps(facts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
