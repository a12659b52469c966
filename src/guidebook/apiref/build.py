"""An os-api-ref :class:`~guidebook.apiref.calls.Tree` assembled into an OpenAPI 3.1 spec.

Calls that share ``POST .../action`` become one operation whose request body is a
``oneOf`` of one schema per action, as openstack/codegenerator writes it: the body schema
has ``x-openstack: {discriminator: action}`` and each action's schema (under
``components/schemas``) ``x-openstack: {action-name: <name>}``, with ``min-ver`` and
``max-ver`` where the action has them. Microversion bounds of parameters and fields become
``x-openstack: {min-ver, max-ver}``; when a tree has any, every operation lists the
``OpenStack-API-Version`` header (one component parameter).
"""

from __future__ import annotations

import dataclasses
import http
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes

from guidebook.apiref.bodies import BodyBuilder
from guidebook.apiref.calls import Call, ParameterLine, Phase, SampleRef, Tree
from guidebook.apiref.findings import Findings, Kind
from guidebook.apiref.params import Parameter, ParameterFiles, versions

MICROVERSION_HEADER = "OpenStack-API-Version"
_VERSION_FOLDER = re.compile(r"^v?(\d+\.\d+)$")
_PLACEHOLDER = re.compile(r"{([^{}]+)}")
_ACTION_TITLE = re.compile(r"\(([\w:-]+)\s+action\)", re.IGNORECASE)

Describe = Callable[[str, Path, int], str]
Prose = Callable[[list[nodes.Node]], str]


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text)
                   if part)


@dataclasses.dataclass(frozen=True)
class TextSample:
    """A sample that is not JSON (an XML document, an HTTP transcript, a PEM file)."""

    text: str
    media_type: str


#: The media type of a sample that is not JSON, by its file's suffix.
_TEXT_TYPES = {".xml": "application/xml", ".yaml": "application/yaml", ".html": "text/html"}


def _is_action(call: Call) -> bool:
    return call.method == "POST" and call.path.rstrip("/").endswith("/action")


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


class SpecBuilder:
    """Builds the spec of one tree; every loss is a finding at its source line."""

    def __init__(self, tree: Tree, findings: Findings, describe: Describe, prose: Prose,
                 *, title: str | None = None, version: str | None = None) -> None:
        self.tree = tree
        self.findings = findings
        self.describe_text = describe
        self.prose = prose
        self.files = ParameterFiles(findings)
        self.samples: dict[Path, Any] = {}
        self.title = title
        self.version = version
        self.schemas: dict[str, Any] = {}
        self.bounds_seen: list[str] = []
        self.keys_used: set[tuple[Path, str]] = set()
        self.keys_carried: set[tuple[Path, str]] = set()
        self.stats = {"parameters": 0, "parameters_carried": 0, "samples": 0,
                      "samples_carried": 0, "versioned": 0, "versioned_marked": 0}

    # -- pieces ---------------------------------------------------------------------------

    def describe(self, parameter: Parameter) -> str:
        return self.describe_text(parameter.description, parameter.path,
                                  parameter.description_line)

    def _lookup(self, line: ParameterLine) -> Parameter | None:
        entries = self.files.load(line.file)
        self.stats["parameters"] += 1
        self.keys_used.add((line.file, line.key))
        if entries is None:
            self.findings.add(line.source, line.line, Kind.PARAMETER_MISSING,
                              f"{line.name}: parameters file {line.file} cannot be read")
            return None
        parameter = entries.get(line.key)
        if parameter is None:
            self.findings.add(line.source, line.line, Kind.PARAMETER_MISSING,
                              f"{line.name}: {line.file.name} has no key {line.key!r}")
            return None
        if parameter.min_version or parameter.max_version:
            self.stats["versioned"] += 1
            self.bounds_seen.extend(v for v in (parameter.min_version, parameter.max_version)
                                    if v)
        return parameter

    def _load_sample(self, ref: SampleRef) -> Any:
        self.stats["samples"] += 1
        if ref.file not in self.samples:
            try:
                text = ref.file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                self.samples[ref.file] = error
            else:
                try:
                    self.samples[ref.file] = json.loads(text)
                except ValueError as error:
                    self.samples[ref.file] = error
        value = self.samples[ref.file]
        if isinstance(value, OSError | UnicodeDecodeError):
            self.findings.add(ref.source, ref.line, Kind.SAMPLE,
                              f"sample {ref.file} cannot be read: not carried over")
            return None
        if isinstance(value, ValueError):
            media_type = _TEXT_TYPES.get(ref.file.suffix.lower(), "text/plain")
            self.findings.add(ref.source, ref.line, Kind.SAMPLE,
                              f"sample {ref.file.name} is not JSON ({value}): carried as a "
                              f"{media_type} example")
            return TextSample(ref.file.read_text(encoding="utf-8"), media_type)
        return value

    @staticmethod
    def _example_name(ref: SampleRef, taken: dict[str, Any], prefix: str = "") -> tuple[
            str, str | None]:
        folder = _VERSION_FOLDER.match(ref.file.parent.name)
        version = folder.group(1) if folder else None
        base = prefix or ref.file.stem
        name = f"{base} (v{version})" if version else base
        candidate, number = name, 2
        while candidate in taken:
            candidate, number = f"{name} {number}", number + 1
        return candidate, version

    def _examples(self, samples: list[SampleRef], prefix: str = "",
                  texts: dict[str, dict[str, Any]] | None = None) -> tuple[
            dict[str, Any], list[Any]]:
        """The JSON samples as named examples, and their values; samples that are not JSON
        go to *texts* (media type -> examples)."""
        examples: dict[str, Any] = {}
        values: list[Any] = []
        for ref in samples:
            value = self._load_sample(ref)
            if value is None:
                continue
            holder = examples
            if isinstance(value, TextSample):
                holder = (texts if texts is not None else {}).setdefault(value.media_type, {})
            name, version = self._example_name(ref, holder, prefix)
            example: dict[str, Any] = {
                "value": value.text if isinstance(value, TextSample) else value}
            summary = ref.caption.strip("* ")
            if version:
                example["x-openstack"] = {"min-ver": version}
                if f"{version})" not in summary:
                    summary = f"{summary} (microversion {version})" if summary else (
                        f"Microversion {version}")
            if summary:
                example["summary"] = summary
            holder[name] = example
            if not isinstance(value, TextSample):
                values.append(value)
            self.stats["samples_carried"] += 1
        return examples, values

    def _body(self, phase: Phase, entries: list[tuple[ParameterLine, Parameter]],
              values: list[Any]) -> dict[str, Any] | None:
        body = [(line, parameter) for line, parameter in entries if parameter.location == "body"]
        if not body and not values:
            return None
        builder = BodyBuilder(values, self.describe)
        for line, parameter in body:
            guess = builder.add(line.name, parameter)
            if guess:
                self.findings.add(line.source, line.line, Kind.BODY_NESTING,
                                  f"{line.name}: not in the samples, placed {guess}")
            self._carried(parameter)
        return builder.root

    def _carried(self, parameter: Parameter) -> None:
        self.stats["parameters_carried"] += 1
        self.keys_carried.add((parameter.path, parameter.key))
        if parameter.min_version or parameter.max_version:
            self.stats["versioned_marked"] += 1

    def _parameter(self, line: ParameterLine, parameter: Parameter) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": parameter.type} if parameter.type else {}
        result: dict[str, Any] = {"name": line.name, "in": parameter.location,
                                  "required": parameter.required or parameter.location == "path",
                                  "schema": schema}
        description = self.describe(parameter)
        if description:
            result["description"] = description
        bounds = versions(parameter)
        if bounds:
            result["x-openstack"] = bounds
        return result

    def _resolved(self, phase: Phase) -> list[tuple[ParameterLine, Parameter]]:
        found = []
        for line in phase.parameters:
            parameter = self._lookup(line)
            if parameter is not None:
                found.append((line, parameter))
        return found

    # -- operations -----------------------------------------------------------------------

    def _parameters(self, calls: list[Call], path: str,
                    request: list[tuple[ParameterLine, Parameter]],
                    response: list[tuple[ParameterLine, Parameter]]) -> list[dict[str, Any]]:
        placeholders = _PLACEHOLDER.findall(path)
        result: dict[tuple[str, str], dict[str, Any]] = {}
        for line, parameter in [*request, *response]:
            if parameter.location == "body" or (parameter.location == "header"
                                                and (line, parameter) in response):
                continue
            if parameter.location == "path" and line.name not in placeholders:
                self.findings.add(line.source, line.line, Kind.PATH_PARAMETER,
                                  f"{line.name}: path parameter not in {path}: dropped")
                continue
            key = (parameter.location, line.name.lower())
            if key not in result:
                result[key] = self._parameter(line, parameter)
            self._carried(parameter)
        for name in placeholders:
            if ("path", name.lower()) not in result:
                call = calls[0]
                self.findings.add(call.source, call.line, Kind.PATH_PARAMETER,
                                  f"{{{name}}} has no path parameter: added as a string")
                result[("path", name.lower())] = {"name": name, "in": "path", "required": True,
                                                  "schema": {"type": "string"}}
        parameters = list(result.values())
        if self.microversioned:
            parameters.append({"$ref": f"#/components/parameters/{MICROVERSION_HEADER}"})
        return parameters

    def _response_headers(self, response: list[tuple[ParameterLine, Parameter]]) -> dict[
            str, Any]:
        headers: dict[str, Any] = {}
        for line, parameter in response:
            if parameter.location != "header":
                continue
            header: dict[str, Any] = {"schema": {"type": parameter.type or "string"}}
            description = self.describe(parameter)
            if description:
                header["description"] = description
            bounds = versions(parameter)
            if bounds:
                header["x-openstack"] = bounds
            headers.setdefault(line.name, header)
            self._carried(parameter)
        return headers

    def _responses(self, calls: list[Call], headers: dict[str, Any],
                   body: dict[str, Any] | None, notes: str) -> dict[str, Any]:
        codes: dict[str, tuple[str, str]] = {}
        for call in calls:
            for status in call.statuses:
                codes.setdefault(status.code, (status.kind, status.description))
        if not any(kind == "success" for kind, _ in codes.values()):
            call = calls[0]
            self.findings.add(call.source, call.line, Kind.STATUS,
                              f"{call.method} {call.path}: no normal response code: 200 assumed")
            codes["200"] = ("success", "")
        responses: dict[str, Any] = {}
        body_code = next((code for code, (kind, _) in sorted(codes.items())
                          if kind == "success" and code not in ("204", "304")), None)
        for code, (kind, description) in sorted(codes.items()):
            try:
                phrase = http.HTTPStatus(int(code)).phrase
            except ValueError:
                phrase = "Response"
            text = description if description and not description.isidentifier() else (
                f"{phrase} ({description})" if description else phrase)
            response: dict[str, Any] = {"description": text}
            if kind == "success" and headers:
                response["headers"] = headers
            if code == body_code:
                if notes:
                    response["description"] = f"{text}\n\n{notes}"
                if body is not None:
                    response["content"] = body
            responses[code] = response
        return responses

    def _media(self, schema: dict[str, Any] | None, examples: dict[str, Any]) -> dict[str, Any]:
        media: dict[str, Any] = {"schema": schema or {}}
        if examples:
            media["examples"] = examples
        return media

    @staticmethod
    def _content(json_media: dict[str, Any] | None,
                 texts: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        """``content`` of a body: JSON, and a text media type per kind of non-JSON sample."""
        content: dict[str, Any] = {}
        if json_media is not None:
            content["application/json"] = json_media
        for media_type, examples in texts.items():
            content[media_type] = {"schema": {"type": "string"}, "examples": examples}
        return content or None

    def _plain(self, calls: list[Call]) -> dict[str, Any]:
        first = calls[0]
        if len(calls) > 1:
            for call in calls[1:]:
                self.findings.add(call.source, call.line, Kind.DUPLICATE,
                                  f"{call.method} {call.path} is also documented at "
                                  f"{first.source.name}:{first.line}: merged into one operation")
        request = [entry for call in calls for entry in self._resolved(call.request)]
        response = [entry for call in calls for entry in self._resolved(call.response)]
        request_texts: dict[str, dict[str, Any]] = {}
        response_texts: dict[str, dict[str, Any]] = {}
        request_examples, request_values = self._examples(
            [ref for call in calls for ref in call.request.samples], texts=request_texts)
        response_examples, response_values = self._examples(
            [ref for call in calls for ref in call.response.samples], texts=response_texts)
        operation = self._operation_head(calls, " / ".join(dict.fromkeys(c.title for c in calls)))
        operation["parameters"] = self._parameters(calls, first.path, request, response)
        request_schema = self._body(first.request, request, request_values)
        request_content = self._content(
            self._media(request_schema, request_examples) if request_schema is not None
            else None, request_texts)
        if request_content is not None:
            operation["requestBody"] = {"content": request_content}
            notes = self.prose([n for call in calls for n in call.request.notes])
            if notes:
                operation["requestBody"]["description"] = notes
        response_schema = self._body(first.response, response, response_values)
        operation["responses"] = self._responses(
            calls, self._response_headers(response),
            self._content(self._media(response_schema, response_examples)
                          if response_schema is not None else None, response_texts),
            self.prose([n for call in calls for n in call.response.notes]))
        return operation

    def _operation_head(self, calls: list[Call], summary: str) -> dict[str, Any]:
        first = calls[0]
        operation: dict[str, Any] = {
            "operationId": first.path.strip("/").replace("{", "").replace("}", "")
            + ":" + first.method.lower(),
            "summary": summary,
        }
        if first.tag is not None:
            operation["tags"] = [first.tag.name]
        description = "\n\n".join(
            text for text in (self.prose(call.description) for call in calls) if text)
        if description and len(calls) == 1:
            operation["description"] = description
        bounds: dict[str, str] = {}
        minimums = [call.min_version for call in calls]
        if all(minimums):
            bounds["min-ver"] = min((m for m in minimums if m), key=_version_key)
        maximums = [call.max_version for call in calls]
        if all(maximums):
            bounds["max-ver"] = max((m for m in maximums if m), key=_version_key)
        if bounds and not (len(calls) > 1 and _is_action(first)):
            operation["x-openstack"] = bounds
        self.bounds_seen.extend(bounds.values())
        return operation

    def _action_name(self, call: Call, values: list[Any],
                     body: list[tuple[ParameterLine, Parameter]]) -> str:
        for value in values:
            if isinstance(value, dict) and len(value) == 1:
                return str(next(iter(value)))
        for line, parameter in body:
            if parameter.location == "body":
                return line.name
        match = _ACTION_TITLE.search(call.title)
        if match:
            return match.group(1)
        return _camel(call.title)

    def _actions(self, calls: list[Call]) -> dict[str, Any]:
        first = calls[0]
        resource = _camel(" ".join(part for part in first.path.split("/")
                                   if part and not part.startswith("{") and part != "action"))
        variants: list[dict[str, Any]] = []
        request_examples: dict[str, Any] = {}
        response_variants: list[dict[str, Any]] = []
        response_examples: dict[str, Any] = {}
        all_request: list[tuple[ParameterLine, Parameter]] = []
        all_response: list[tuple[ParameterLine, Parameter]] = []
        names: list[str] = []
        notes: list[str] = []
        request_texts: dict[str, dict[str, Any]] = {}
        response_texts: dict[str, dict[str, Any]] = {}
        for call in calls:
            request = self._resolved(call.request)
            response = self._resolved(call.response)
            all_request.extend(request)
            all_response.extend(response)
            values = [value for value in (self._peek(ref) for ref in call.request.samples)
                      if value is not None]
            name = self._action_name(call, values, request)
            names.append(name)
            examples, request_values = self._examples(call.request.samples, prefix=name,
                                                      texts=request_texts)
            request_examples.update(examples)
            schema = self._body(call.request, request, request_values) or {"type": "object"}
            # The action's key is the body's only one, in every microversion the action has.
            schema["required"] = [name]
            schema["additionalProperties"] = False
            schema["title"] = call.title
            description = "\n\n".join(text for text in (
                self.prose(call.description), self.prose(call.request.notes)) if text)
            if description:
                schema["description"] = description
            response_notes = self.prose(call.response.notes)
            if response_notes:
                notes.append(f"`{name}`: {response_notes}")
            extension: dict[str, Any] = {"action-name": name}
            if call.min_version:
                extension["min-ver"] = call.min_version
            if call.max_version:
                extension["max-ver"] = call.max_version
            schema["x-openstack"] = extension
            component = f"{resource}Action{_camel(name)}Request"
            while component in self.schemas:
                component += "_"
            self.schemas[component] = schema
            variants.append({"$ref": f"#/components/schemas/{component}"})
            examples, response_values = self._examples(call.response.samples, prefix=name,
                                                       texts=response_texts)
            response_examples.update(examples)
            response_schema = self._body(call.response, response, response_values)
            if response_schema is not None:
                response_schema["x-openstack"] = {"action-name": name}
                response_schema.setdefault("title", call.title)
                response_variants.append(response_schema)
        operation = self._operation_head(calls, f"Run an action on {resource or 'a resource'}")
        listing = "\n".join(f"- `{name}`: {call.title}" for name, call in zip(names, calls,
                                                                              strict=True))
        operation["description"] = ("The request body names one action:\n\n" + listing)
        operation["parameters"] = self._parameters(calls, first.path, all_request, all_response)
        operation["requestBody"] = {"required": True, "content": self._content(self._media(
            {"oneOf": variants, "x-openstack": {"discriminator": "action"}}, request_examples),
            request_texts)}
        response_json: dict[str, Any] | None = None
        if response_variants:
            schema = (response_variants[0] if len(response_variants) == 1 else
                      {"oneOf": response_variants, "x-openstack": {"discriminator": "action"}})
            response_json = self._media(schema, response_examples)
        response_body = self._content(response_json, response_texts)
        operation["responses"] = self._responses(calls, self._response_headers(all_response),
                                                 response_body, "\n\n".join(notes))
        return operation

    def _peek(self, ref: SampleRef) -> Any:
        value = self.samples.get(ref.file)
        if value is None and ref.file not in self.samples:
            try:
                value = json.loads(ref.file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                return None
        return None if isinstance(value, Exception) else value

    # -- the spec -------------------------------------------------------------------------

    def _scan_bounds(self) -> bool:
        for call in self.tree.calls:
            if call.min_version or call.max_version:
                return True
            for phase in (call.request, call.response):
                for line in phase.parameters:
                    entries = self.files.load(line.file) or {}
                    parameter = entries.get(line.key)
                    if parameter and (parameter.min_version or parameter.max_version):
                        return True
        return False

    def build(self) -> dict[str, Any]:
        self.microversioned = self._scan_bounds()
        groups: dict[tuple[str, str], list[Call]] = {}
        for call in self.tree.calls:
            groups.setdefault(call.key, []).append(call)
        paths: dict[str, dict[str, Any]] = {}
        for (method, path), calls in groups.items():
            is_action = _is_action(calls[0])
            operation = self._actions(calls) if is_action else self._plain(calls)
            paths.setdefault(path, {})[method] = operation
        used = {tag for item in paths.values() for op in item.values()
                for tag in op.get("tags", [])}
        tags: list[dict[str, Any]] = []
        for tag in self.tree.tags:
            if tag.name in used and tag.name not in {t["name"] for t in tags}:
                entry: dict[str, Any] = {"name": tag.name}
                description = self.prose(tag.description)
                if description:
                    entry["description"] = description
                tags.append(entry)
        version = self.version or (max(self.bounds_seen, key=_version_key)
                                   if self.bounds_seen else "unversioned")
        info: dict[str, Any] = {"title": self.title or self.tree.title or "API reference",
                                "version": version}
        description = self.prose(self.tree.prose)
        if description:
            info["description"] = description
        spec: dict[str, Any] = {"openapi": "3.1.0", "info": info}
        if tags:
            spec["tags"] = tags
        spec["paths"] = paths
        components: dict[str, Any] = {}
        if self.schemas:
            components["schemas"] = self.schemas
        if self.microversioned:
            components["parameters"] = {MICROVERSION_HEADER: {
                "name": MICROVERSION_HEADER, "in": "header", "required": False,
                "description": (
                    "The microversion the call is made at: the service type and the version "
                    "(such as `compute 2.79`). Without it the server uses its minimum "
                    "version. Parameters, fields and calls marked *New in* or *Until* "
                    "exist only from or up to that microversion."),
                "schema": {"type": "string"},
                "x-openstack": {"microversion-header": True},
            }}
        if components:
            spec["components"] = components
        self.stats["keys"] = len(self.keys_used)
        self.stats["keys_carried"] = len(self.keys_carried)
        return spec
