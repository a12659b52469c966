"""Swagger 2.0 read as OpenAPI 3.0, every value keeping the line it was written at.

Many published API descriptions are still Swagger 2.0 (``swagger: "2.0"``). The spec is
checked as written, with openapi-spec-validator's Swagger 2.0 validator, at load time (its
problems carry the lines of the file), then converted the way the OpenAPI 3.0 specification
maps the one onto the other, so the renderer, the example checks and the paging see one
shape:

- ``definitions``, global ``parameters`` and ``responses`` move under ``components``, and
  every ``$ref`` to them follows;
- a ``body`` parameter becomes the ``requestBody``, and ``formData`` parameters one object
  schema of ``application/x-www-form-urlencoded`` (``multipart/form-data`` with a file), for
  each media type of ``consumes``;
- a response's ``schema`` and ``examples`` go under ``content``, one entry per media type
  of ``produces``; a parameter's or header's ``type``, ``format``, ``items``, bounds and
  ``enum`` go into its ``schema``; ``type: file`` is a binary string and ``x-nullable`` is
  ``nullable``.

Each moved value takes the line of the value it came from, so a problem found later (an
example that does not match its schema) is still reported at the line of the Swagger file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidebook.openapi.authoring import schemas
from guidebook.openapi.spec import (
    HTTP_METHODS,
    Spec,
    SpecProblem,
    check_refs,
    join_pointer,
    locate,
    ref_pointer,
    short_message,
    walk,
    walk_references,
)
from guidebook.openapi.validate import deepest_error, error_problem

#: The version the converted spec declares.
CONVERTED_VERSION = "3.0.3"
#: What a converted spec's messages call the file.
SOURCE_NAME = "Swagger 2.0"
#: A parameter's (or header's) keywords that describe its value: they move into ``schema``.
_SCHEMA_KEYWORDS = ("type", "format", "items", "default", "maximum", "exclusiveMaximum",
                    "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
                    "maxItems", "minItems", "uniqueItems", "enum", "multipleOf")
_DEFAULT_MEDIA = "application/json"


def is_swagger2(data: Mapping[str, Any]) -> bool:
    return str(data.get("swagger", "")).startswith("2.")


def swagger2_problems(spec: Spec) -> list[SpecProblem]:
    """The problems of the Swagger 2.0 file as written, each with its file and line."""
    from openapi_spec_validator import OpenAPIV2SpecValidator

    problems = check_refs(spec)
    if problems:
        return problems
    try:
        errors = list(OpenAPIV2SpecValidator(
            spec.data, base_uri=spec.path.resolve().as_uri()).iter_errors())
    except Exception as exc:  # the validator gives up on some broken documents
        return [SpecProblem("", f"the spec cannot be validated: {type(exc).__name__}: "
                            f"{short_message(exc)}", limitation=True)]
    found = []
    for error in map(deepest_error, errors):
        path = list(getattr(error, "absolute_path", ()))
        if not path:
            continue  # a default or example checked on its own: checked again after reading
        pointer = locate(spec, join_pointer("", *path), getattr(error, "instance", None))
        found.append(error_problem(spec, error, pointer, SOURCE_NAME))
    return found


class _Converter:
    """Builds the OpenAPI 3.0 data and its lines from a Swagger 2.0 spec."""

    def __init__(self, spec: Spec) -> None:
        self.old = spec
        self.lines: dict[str, int] = {"": 1}
        data = spec.data
        self.produces = _media(data.get("produces"))
        self.consumes = _media(data.get("consumes"))
        params = data.get("parameters")
        #: Global parameters that are bodies or form fields: referred to, they are inlined.
        self.body_params = {
            name for name, param in (params.items() if isinstance(params, Mapping) else ())
            if isinstance(param, Mapping) and param.get("in") in ("body", "formData")}

    def keep(self, value: Any, old: str, new: str) -> Any:
        """*value* (from *old*) placed at *new*: the lines of it and all it holds follow."""
        lines = self.old.lines
        if old in lines:
            self.lines[new] = lines[old]
        for relative, _item in walk(value):
            if relative and old + relative in lines:
                self.lines[new + relative] = lines[old + relative]
        return value

    def line(self, new: str, old: str) -> None:
        if old in self.old.lines:
            self.lines[new] = self.old.lines[old]

    def convert(self) -> dict[str, Any]:
        data = self.old.data
        result: dict[str, Any] = {"openapi": CONVERTED_VERSION}
        self.line("/openapi", "/swagger")
        for key, value in data.items():
            if key in ("swagger", "host", "basePath", "schemes", "consumes", "produces",
                       "definitions", "parameters", "responses", "securityDefinitions",
                       "paths"):
                continue
            result[key] = self.keep(value, join_pointer("", key), join_pointer("", key))
        servers = self._servers(data)
        if servers:
            result["servers"] = servers
        components: dict[str, Any] = {}
        definitions = data.get("definitions")
        if isinstance(definitions, Mapping):
            components["schemas"] = self.keep(definitions, "/definitions", "/components/schemas")
        params = data.get("parameters")
        if isinstance(params, Mapping):
            components["parameters"] = {
                name: self._parameter(param, join_pointer("/parameters", name),
                                      join_pointer("/components/parameters", name))
                for name, param in params.items() if name not in self.body_params}
        responses = data.get("responses")
        if isinstance(responses, Mapping):
            components["responses"] = {
                name: self._response(response, join_pointer("/responses", name),
                                     join_pointer("/components/responses", name),
                                     self.produces)
                for name, response in responses.items()}
        schemes = data.get("securityDefinitions")
        if isinstance(schemes, Mapping):
            components["securitySchemes"] = {
                name: self._security(scheme, join_pointer("/securityDefinitions", name),
                                     join_pointer("/components/securitySchemes", name))
                for name, scheme in schemes.items()}
        if components:
            result["components"] = components
            self.line("/components", "/definitions")
        result["paths"] = self._paths(data.get("paths"))
        self._rewrite_refs(result)
        _schema_fixes(result)
        return result

    def _servers(self, data: Mapping[str, Any]) -> list[dict[str, str]]:
        host = data.get("host")
        if not isinstance(host, str):
            return []
        base = data.get("basePath") if isinstance(data.get("basePath"), str) else ""
        schemes = _media(data.get("schemes")) or ["https"]
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]

    def _paths(self, paths: Any) -> dict[str, Any]:
        if not isinstance(paths, Mapping):
            return {}
        result: dict[str, Any] = {}
        self.line("/paths", "/paths")
        for path, item in paths.items():
            pointer = join_pointer("/paths", path)
            self.line(pointer, pointer)
            if not isinstance(item, Mapping):
                result[path] = self.keep(item, pointer, pointer)
                continue
            converted: dict[str, Any] = {}
            shared = _list(item.get("parameters"))
            for key, value in item.items():
                at = join_pointer(pointer, key)
                if key in HTTP_METHODS and isinstance(value, Mapping):
                    converted[key] = self._operation(value, at, shared,
                                                     join_pointer(pointer, "parameters"))
                elif key == "parameters":
                    kept = [(index, param) for index, param in enumerate(shared)
                            if not self._is_body(param)]
                    converted[key] = [
                        self._parameter(param, join_pointer(at, index),
                                        join_pointer(at, position))
                        for position, (index, param) in enumerate(kept)]
                    self.line(at, at)
                else:
                    converted[key] = self.keep(value, at, at)
            result[path] = converted
        return result

    def _is_body(self, param: Any) -> bool:
        if not isinstance(param, Mapping):
            return False
        ref = param.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/parameters/"):
            return ref.rpartition("/")[2].replace("~1", "/").replace("~0", "~") in \
                self.body_params
        return param.get("in") in ("body", "formData")

    def _global_param(self, param: Any) -> tuple[Any, str] | None:
        """A body or form parameter referred to from ``#/parameters/``: its value, pointer."""
        ref = param.get("$ref") if isinstance(param, Mapping) else None
        if not isinstance(ref, str):
            return None
        try:
            return self.old.get(ref_pointer(ref)), ref_pointer(ref)
        except (KeyError, IndexError, ValueError):
            return None

    def _operation(self, operation: Mapping[str, Any], pointer: str, shared: list[Any],
                   shared_pointer: str) -> dict[str, Any]:
        consumes = _media(operation.get("consumes")) or self.consumes or [_DEFAULT_MEDIA]
        produces = _media(operation.get("produces")) or self.produces or [_DEFAULT_MEDIA]
        result: dict[str, Any] = {}
        self.line(pointer, pointer)
        own = _list(operation.get("parameters"))
        body: tuple[Mapping[str, Any], str] | None = None
        form: list[tuple[Mapping[str, Any], str]] = []
        for base, params in ((shared_pointer, shared),
                             (join_pointer(pointer, "parameters"), own)):
            for index, raw in enumerate(params):
                if not self._is_body(raw):
                    continue
                found = self._global_param(raw) or (raw, join_pointer(base, index))
                param, param_pointer = found
                if not isinstance(param, Mapping):
                    continue
                if param.get("in") == "body":
                    body = (param, param_pointer)
                else:
                    form.append((param, param_pointer))
        for key, value in operation.items():
            at = join_pointer(pointer, key)
            if key in ("consumes", "produces"):
                continue
            if key == "parameters":
                kept = [(index, param) for index, param in enumerate(own)
                        if not self._is_body(param)]
                if kept:
                    result[key] = [self._parameter(param, join_pointer(at, index),
                                                   join_pointer(at, position))
                                   for position, (index, param) in enumerate(kept)]
                    self.line(at, at)
            elif key == "responses" and isinstance(value, Mapping):
                self.line(at, at)
                result[key] = {status: self._response(response, join_pointer(at, status),
                                                      join_pointer(at, status), produces)
                               for status, response in value.items()}
            else:
                result[key] = self.keep(value, at, at)
        request_pointer = join_pointer(pointer, "requestBody")
        if body is not None:
            result["requestBody"] = self._body(body[0], body[1], request_pointer, consumes)
        elif form:
            result["requestBody"] = self._form(form, request_pointer, consumes)
        return result

    def _body(self, param: Mapping[str, Any], old: str, new: str,
              consumes: list[str]) -> dict[str, Any]:
        self.line(new, old)
        body: dict[str, Any] = {}
        if isinstance(param.get("description"), str):
            body["description"] = param["description"]
            self.line(join_pointer(new, "description"), join_pointer(old, "description"))
        if param.get("required"):
            body["required"] = True
        content: dict[str, Any] = {}
        for media in consumes:
            media_pointer = join_pointer(new, "content", media)
            self.line(media_pointer, old)
            entry: dict[str, Any] = {}
            if "schema" in param:
                entry["schema"] = self.keep(param["schema"], join_pointer(old, "schema"),
                                            join_pointer(media_pointer, "schema"))
            if "x-examples" in param and isinstance(param["x-examples"], Mapping) and \
                    media in param["x-examples"]:
                entry["example"] = self.keep(param["x-examples"][media],
                                             join_pointer(old, "x-examples", media),
                                             join_pointer(media_pointer, "example"))
            content[media] = entry
        body["content"] = content
        return body

    def _form(self, fields: list[tuple[Mapping[str, Any], str]], new: str,
              consumes: list[str]) -> dict[str, Any]:
        has_file = any(field.get("type") == "file" for field, _ in fields)
        wanted = [media for media in consumes if media in (
            "application/x-www-form-urlencoded", "multipart/form-data")] or [
            "multipart/form-data" if has_file else "application/x-www-form-urlencoded"]
        self.line(new, fields[0][1])
        content: dict[str, Any] = {}
        required = [str(field.get("name")) for field, _ in fields if field.get("required")]
        for media in wanted:
            schema_pointer = join_pointer(new, "content", media, "schema")
            self.line(join_pointer(new, "content", media), fields[0][1])
            self.line(schema_pointer, fields[0][1])
            properties: dict[str, Any] = {}
            for field, old in fields:
                name = str(field.get("name", ""))
                at = join_pointer(schema_pointer, "properties", name)
                properties[name] = self._value_schema(field, old, at)
                if isinstance(field.get("description"), str):
                    properties[name]["description"] = field["description"]
                    self.line(join_pointer(at, "description"), join_pointer(old, "description"))
            schema: dict[str, Any] = {"type": "object", "properties": properties}
            if required:
                schema["required"] = required
            content[media] = {"schema": schema}
        return {"content": content, **({"required": True} if required else {})}

    def _value_schema(self, holder: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
        """A parameter's or header's schema keywords as a schema at *new*."""
        self.line(new, old)
        schema: dict[str, Any] = {}
        for keyword in _SCHEMA_KEYWORDS:
            if keyword in holder:
                schema[keyword] = self.keep(holder[keyword], join_pointer(old, keyword),
                                            join_pointer(new, keyword))
        if holder.get("x-nullable"):
            schema["nullable"] = True
        return schema

    def _parameter(self, param: Any, old: str, new: str) -> Any:
        self.line(new, old)
        if not isinstance(param, Mapping) or "$ref" in param:
            return self.keep(param, old, new)
        result: dict[str, Any] = {}
        for key, value in param.items():
            if key in _SCHEMA_KEYWORDS or key in ("collectionFormat", "allowEmptyValue",
                                                   "x-nullable"):
                continue
            result[key] = self.keep(value, join_pointer(old, key), join_pointer(new, key))
        result["schema"] = self._value_schema(param, old, join_pointer(new, "schema"))
        return result

    def _response(self, response: Any, old: str, new: str,
                  produces: list[str]) -> Any:
        self.line(new, old)
        if not isinstance(response, Mapping) or "$ref" in response:
            return self.keep(response, old, new)
        result: dict[str, Any] = {}
        raw_examples = response.get("examples")
        examples: Mapping[str, Any] = raw_examples if isinstance(raw_examples, Mapping) else {}
        for key, value in response.items():
            at_old, at_new = join_pointer(old, key), join_pointer(new, key)
            if key in ("schema", "examples"):
                continue
            if key == "headers" and isinstance(value, Mapping):
                self.line(at_new, at_old)
                result[key] = {name: self._header(header, join_pointer(at_old, name),
                                                  join_pointer(at_new, name))
                               for name, header in value.items()}
            else:
                result[key] = self.keep(value, at_old, at_new)
        result.setdefault("description", "")
        media_types = list(dict.fromkeys([*produces, *examples])) if (
            "schema" in response or examples) else []
        if media_types:
            content: dict[str, Any] = {}
            for media in media_types:
                media_pointer = join_pointer(new, "content", media)
                self.line(media_pointer, join_pointer(old, "schema"))
                entry: dict[str, Any] = {}
                if "schema" in response:
                    entry["schema"] = self.keep(response["schema"], join_pointer(old, "schema"),
                                                join_pointer(media_pointer, "schema"))
                if media in examples:
                    entry["example"] = self.keep(examples[media],
                                                 join_pointer(old, "examples", media),
                                                 join_pointer(media_pointer, "example"))
                content[media] = entry
            result["content"] = content
        return result

    def _header(self, header: Any, old: str, new: str) -> Any:
        self.line(new, old)
        if not isinstance(header, Mapping):
            return self.keep(header, old, new)
        result: dict[str, Any] = {}
        if isinstance(header.get("description"), str):
            result["description"] = header["description"]
            self.line(join_pointer(new, "description"), join_pointer(old, "description"))
        result["schema"] = self._value_schema(header, old, join_pointer(new, "schema"))
        return result

    def _security(self, scheme: Any, old: str, new: str) -> Any:
        self.line(new, old)
        if not isinstance(scheme, Mapping):
            return scheme
        kind = scheme.get("type")
        description = {"description": scheme["description"]} if isinstance(
            scheme.get("description"), str) else {}
        if kind == "basic":
            return {"type": "http", "scheme": "basic", **description}
        if kind == "oauth2":
            flow_name = {"implicit": "implicit", "password": "password",
                         "application": "clientCredentials",
                         "accessCode": "authorizationCode"}.get(str(scheme.get("flow")),
                                                                "implicit")
            flow: dict[str, Any] = {"scopes": dict(scheme.get("scopes") or {})}
            for key in ("authorizationUrl", "tokenUrl"):
                if isinstance(scheme.get(key), str):
                    flow[key] = scheme[key]
            if flow_name in ("implicit", "authorizationCode"):
                flow.setdefault("authorizationUrl", "")
            if flow_name != "implicit":
                flow.setdefault("tokenUrl", "")
            return {"type": "oauth2", "flows": {flow_name: flow}, **description}
        return dict(scheme)

    def _rewrite_refs(self, data: dict[str, Any]) -> None:
        moved = {"#/definitions/": "#/components/schemas/",
                 "#/parameters/": "#/components/parameters/",
                 "#/responses/": "#/components/responses/"}
        for _pointer, holder in walk_references(data):
            ref = holder["$ref"]
            for old, new in moved.items():
                if ref.startswith(old) and isinstance(holder, dict):
                    holder["$ref"] = new + ref[len(old):]
                    break


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _media(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _schema_fixes(data: dict[str, Any]) -> None:
    """Swagger's schema dialect as OpenAPI 3.0's: ``type: file``, ``x-nullable``, the
    ``discriminator`` property name."""
    for _pointer, schema in schemas(data):
        if not isinstance(schema, dict):
            continue
        if schema.get("type") == "file":
            schema["type"], schema["format"] = "string", "binary"
        if schema.pop("x-nullable", False) is True:
            schema["nullable"] = True
        if isinstance(schema.get("discriminator"), str):
            schema["discriminator"] = {"propertyName": schema["discriminator"]}


def convert(spec: Spec) -> Spec:
    """The OpenAPI 3.0 form of the Swagger 2.0 *spec*, with the lines of the file."""
    converter = _Converter(spec)
    data = converter.convert()
    return Spec(spec.path, data, converter.lines, dict(spec.files), source=SOURCE_NAME)


__all__ = ["CONVERTED_VERSION", "SOURCE_NAME", "convert", "is_swagger2", "swagger2_problems"]
