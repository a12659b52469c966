"""Body parameters nested as the samples show them, as a JSON Schema.

os-api-ref lists body parameters flat (``- type: reboot_type``) in document order; where a
parameter sits (``reboot.type``, ``servers[].id``) only the samples tell. Each name is
placed at the path of the samples that continues the parameter placed before it most
closely (``type`` after ``reboot`` goes under ``reboot``), else at the shortest; a name
the samples lack goes beside the field before it (or to the top level), reported when
that is a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from guidebook.apiref.params import Parameter, versions

KeyPath = tuple[str, ...]
ITEMS = "[]"


def sample_paths(value: Any, prefix: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every key path of a sample value (``[]`` stands for any item of a list)."""
    if isinstance(value, dict):
        for key, child in value.items():
            path = (*prefix, str(key))
            yield path, child
            yield from sample_paths(child, path)
    elif isinstance(value, list):
        for item in value:
            yield from sample_paths(item, (*prefix, ITEMS))


def _json_type(value: Any) -> str | None:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return None


class BodyBuilder:
    """Builds one body schema from its parameters in order."""

    def __init__(self, samples: list[Any], describe: Callable[[Parameter], str]) -> None:
        self.describe = describe
        self.kinds: dict[KeyPath, str | None] = {}
        self.nulls: set[KeyPath] = set()
        for sample in samples:
            for path, value in sample_paths(sample):
                kind = _json_type(value)
                if self.kinds.get(path) is None:
                    self.kinds[path] = kind
                if value is None:
                    self.nulls.add(path)
        self.has_samples = bool(samples)
        self.root: dict[str, Any] = {"type": "object", "properties": {}}
        if samples and all(isinstance(sample, list) for sample in samples):
            # A list at the top (a JSON Patch, Glance's locations): its items hold the fields.
            self.root = {"type": "array", "items": {"type": "object", "properties": {}}}
            self.kinds = {(ITEMS, *path): kind for path, kind in self.kinds.items()}
            self.nulls = {(ITEMS, *path) for path in self.nulls}
        self._last: KeyPath = ()
        self.placed: dict[KeyPath, dict[str, Any]] = {}

    def _candidates(self, name: str) -> list[KeyPath]:
        exact = [path for path in self.kinds if path[-1] == name]
        parts = tuple(name.split("."))
        if exact or len(parts) == 1:
            return exact
        # ``flavor.links``: os-api-ref's way of naming ``links`` inside ``flavor``.
        return [path for path in self.kinds
                if tuple(key for key in path if key != ITEMS)[-len(parts):] == parts]

    def _choose(self, name: str) -> KeyPath | None:
        candidates = self._candidates(name)
        if not candidates:
            return None
        context = self._last
        while True:
            under = [path for path in candidates
                     if path[:len(context)] == context and len(path) > len(context)]
            if under:
                return min(under, key=len)
            if not context:
                break
            context = context[:-1]
        return min(candidates, key=len)

    def _container(self, path: KeyPath) -> dict[str, Any]:
        """The object schema that holds the properties of *path*'s children."""
        schema = self.root
        for depth, key in enumerate(path):
            if key == ITEMS:
                schema.setdefault("type", "array")
                schema = schema.setdefault("items", {"type": "object"})
                continue
            properties = schema.setdefault("properties", {})
            if key not in properties:
                kind = self.kinds.get(path[:depth + 1])
                properties[key] = {"type": kind} if kind else {}
            schema = properties[key]
        if schema.get("type") == "array" and "items" not in schema:
            schema["items"] = {"type": "object"}
            return schema["items"]  # type: ignore[no-any-return]
        return schema

    def add(self, name: str, parameter: Parameter) -> str:
        """Place *parameter*; "" when the samples show where, else where it was put."""
        path = self._choose(name)
        found = path is not None or len(self._last) < 2
        guess = ""
        holder = self._last[:-1]
        while holder and holder[-1] == ITEMS:
            holder = holder[:-1]
        if path is None and "." not in name and holder in self.placed:
            # os-api-ref lists fields in order: one the samples lack is most likely a sibling
            # of the documented field's child before it (``project_id`` after
            # ``bgp_peer.name``).
            path = (*self._last[:-1], name)
            guess = "beside the field before it"
        if path is None:
            path = tuple(name.split("."))
            guess = "at the top level"
        parent = self._container(path[:-1])
        if parent.get("type") == "array":
            parent = self._container((*path[:-1], ITEMS))
        properties = parent.setdefault("properties", {})
        schema = properties.setdefault(path[-1], {})
        if parameter.type:
            # A sample showing null says the field may be null, whatever the type says.
            schema["type"] = ([parameter.type, "null"] if path in self.nulls
                              and parameter.type != "null" else parameter.type)
        elif "type" in schema and not found:
            del schema["type"]
        description = self.describe(parameter)
        if description:
            schema["description"] = description
        bounds = versions(parameter)
        if bounds:
            schema["x-openstack"] = bounds
        if parameter.type == "array" and self.kinds.get((*path, ITEMS)) == "object":
            schema.setdefault("items", {"type": "object"})
        if parameter.required and not bounds and (path in self.kinds or not self.has_samples):
            # Not for a field with a microversion bound (required only in its microversions:
            # JSON Schema cannot say so, and an earlier microversion's sample rightly lacks
            # it), nor for one the samples lack (placed by a guess, or a name standing for
            # any key, as nova's ``network_label``).
            required = parent.setdefault("required", [])
            if path[-1] not in required:
                required.append(path[-1])
        self._last = path
        self.placed[path] = schema
        return "" if found or not self.has_samples else guess
