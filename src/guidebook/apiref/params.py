"""os-api-ref parameters files: ``key: {in, type, required, description, min_version}``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from guidebook.apiref.findings import Findings, Kind

#: os-api-ref ``type`` -> JSON Schema type (``None``: no type, the value may be anything).
TYPES: dict[str, str | None] = {
    "string": "string", "integer": "integer", "int": "integer", "float": "number",
    "number": "number", "boolean": "boolean", "bool": "boolean", "object": "object",
    "dict": "object", "array": "array", "list": "array", "none": None, "null": "null",
}
LOCATIONS = ("header", "path", "query", "body")


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One entry of a parameters file, with the line it starts at."""

    key: str
    location: str
    type: str | None
    required: bool
    description: str
    description_line: int
    min_version: str | None
    max_version: str | None
    path: Path
    line: int


class _TextNumbersLoader(yaml.SafeLoader):
    """Safe YAML with floats kept as written: microversion ``2.10`` is not ``2.1``."""


_TextNumbersLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _version(value: Any) -> str | None:
    """A microversion as written (YAML reads ``2.10`` as the float 2.1: keep the text)."""
    if value is None or value == "":
        return None
    return str(value).strip()


class ParameterFiles:
    """The parameters files of one tree, each read once, with every key's line."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings
        self._files: dict[Path, dict[str, Parameter] | None] = {}

    def load(self, path: Path) -> dict[str, Parameter] | None:
        path = path.resolve()
        if path not in self._files:
            self._files[path] = self._read(path)
        return self._files[path]

    def _read(self, path: Path) -> dict[str, Parameter] | None:
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.load(text, Loader=_TextNumbersLoader)
            root = yaml.compose(text)
        except (OSError, UnicodeDecodeError) as error:
            self.findings.add(path, 0, Kind.PARAMETER_INVALID, f"cannot read: {error}")
            return None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            self.findings.add(path, mark.line + 1 if mark else 0, Kind.PARAMETER_INVALID,
                              f"not YAML: {getattr(error, 'problem', error)}")
            return None
        entries: dict[str, Parameter] = {}
        if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
            return entries
        for key_node, value_node in root.value:
            key = str(key_node.value)
            entry = self._entry(path, key, key_node.start_mark.line + 1, value_node,
                                data.get(key))
            if entry is not None:
                entries[entry.key] = entry
        return entries

    def _entry(self, path: Path, key: str, line: int, node: yaml.Node,
               value: Any) -> Parameter | None:
        if not isinstance(value, dict):
            self.findings.add(path, line, Kind.PARAMETER_INVALID,
                              f"parameter {key!r} is not a mapping")
            return None
        location = str(value.get("in") or "").strip()
        if location not in LOCATIONS:
            self.findings.add(path, line, Kind.PARAMETER_INVALID,
                              f"parameter {key!r} has 'in: {location}' (not one of "
                              f"{', '.join(LOCATIONS)})")
            return None
        raw_type = str(value.get("type") or "none").strip()
        if raw_type.lower() not in TYPES:
            self.findings.add(path, line, Kind.PARAMETER_INVALID,
                              f"parameter {key!r} has the unknown type {raw_type!r}: no type")
        fields: dict[str, yaml.Node] = ({str(k.value): v for k, v in node.value}
                                        if isinstance(node, yaml.MappingNode) else {})
        description_node = fields.get("description")
        description_line = line
        if description_node is not None:
            description_line = description_node.start_mark.line + 1
            if getattr(description_node, "style", None) in ("|", ">"):
                description_line += 1
        required = value.get("required", False)
        if isinstance(required, str):
            required = required.strip().lower() in ("true", "yes", "1")
        return Parameter(
            key=key, location=location, type=TYPES.get(raw_type.lower()),
            required=bool(required), description=str(value.get("description") or ""),
            description_line=description_line,
            min_version=_version(value.get("min_version")),
            max_version=_version(value.get("max_version")),
            path=path, line=line,
        )


def versions(parameter: Parameter) -> dict[str, Any]:
    """The ``x-openstack`` bounds of *parameter*, as codegenerator writes them."""
    bounds: dict[str, Any] = {}
    if parameter.min_version:
        bounds["min-ver"] = parameter.min_version
    if parameter.max_version:
        bounds["max-ver"] = parameter.max_version
    return bounds
