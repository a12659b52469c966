"""A schema flattened into the rows of a field table: dotted names, types, required, notes.

``allOf`` parts are merged into one object; each ``oneOf``/``anyOf`` alternative adds its
fields, marked with the alternative's name; a schema that refers back to one being
expanded is named, not expanded again (recursive schemas are finite); ``nullable`` (3.0)
and ``type: [..., "null"]`` (3.1) both read "nullable".
"""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

from guidebook.openapi.openstack import version_label, version_notes
from guidebook.openapi.spec import Spec, join_pointer

#: Nested objects deeper than this are named but not expanded.
MAX_DEPTH = 5
#: A table stops after this many rows (with a closing note).
MAX_ROWS = 300


@dataclasses.dataclass(frozen=True)
class Field:
    """One row of a field table."""

    name: str
    type: str
    required: bool
    #: The description (Markdown or reStructuredText) and its JSON pointer in the spec.
    description: str
    description_pointer: str
    #: Facts shown after the description: ``One of: ...``, ``Default: ...``, ``Deprecated``.
    notes: tuple[str, ...] = ()
    #: The dotted name of the object holding the field (``""`` at the top; ``tags[]`` for
    #: the items of ``tags``).
    parent: str = ""


def _ref_name(ref: str) -> str:
    """``#/components/schemas/Image`` -> ``Image``; a whole referred file -> its stem."""
    name = urllib.parse.unquote(ref).rpartition("/")[2].replace("~1", "/").replace("~0", "~")
    name = name.rpartition("/")[2]
    for suffix in (".yaml", ".yml", ".json"):
        name = name.removesuffix(suffix)
    return name


def nullable_branch(spec: Spec, schema: Mapping[str, Any], pointer: str
                    ) -> tuple[dict[str, Any], str, str] | None:
    """``anyOf: [X, {type: 'null'}]`` (or ``oneOf``): X with ``nullable``, its pointer, its
    ``$ref``; None for any other schema.

    The schema's own keywords (a description beside the ``anyOf``) win over X's; X keeps its
    description, bounds and default.
    """
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if not isinstance(branches, list) or len(branches) < 2:
            continue
        others = [(index, branch) for index, branch in enumerate(branches)
                  if not (isinstance(branch, Mapping) and branch.get("type") == "null"
                          and len(branch) <= 2)]
        if len(others) != 1 or not isinstance(others[0][1], Mapping):
            continue
        index, branch = others[0]
        ref = branch.get("$ref", "") if isinstance(branch.get("$ref"), str) else ""
        target, target_pointer = spec.resolve(branch, join_pointer(pointer, keyword, index))
        if not isinstance(target, Mapping):
            continue
        own = {key: value for key, value in schema.items() if key not in ("anyOf", "oneOf")}
        return {**target, **own, "nullable": True}, target_pointer, ref
    return None


def single_ref(schema: Mapping[str, Any]) -> str:
    """The ``$ref`` of ``allOf: [{$ref: X}]`` (a common way to add a description), or ""."""
    parts = schema.get("allOf")
    if isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], Mapping):
        ref = parts[0].get("$ref")
        return ref if isinstance(ref, str) else ""
    return ""


def type_label(spec: Spec, schema: Mapping[str, Any], ref: str = "") -> str:
    """``string (date-time)``, ``array of Image``, ``object (Image), nullable``..."""
    collapsed = nullable_branch(spec, schema, "")
    if collapsed is not None:
        schema, ref = collapsed[0], collapsed[2] or ref
    if "type" not in schema and single_ref(schema):
        ref = single_ref(schema)
        target, _ = spec.resolve(schema["allOf"][0], "")
        if isinstance(target, Mapping) and target is not schema:
            label = type_label(spec, {**target, **{key: value for key, value in schema.items()
                                                   if key != "allOf"}}, ref)
            return label
    raw = schema.get("type")
    types = [str(item) for item in raw] if isinstance(raw, list) else (
        [str(raw)] if raw is not None else [])
    nullable = bool(schema.get("nullable")) or "null" in types
    types = [item for item in types if item != "null"]
    if not types:
        if "properties" in schema or "additionalProperties" in schema:
            types = ["object"]
        elif "items" in schema:
            types = ["array"]
        elif any(isinstance(schema.get(key), list) for key in ("oneOf", "anyOf")):
            alternatives = _list(schema.get("oneOf")) or _list(schema.get("anyOf"))
            labels = []
            for alternative in alternatives:
                target, _ = spec.resolve(alternative, "")
                branch_ref = alternative.get("$ref", "") if isinstance(
                    alternative, Mapping) else ""
                if isinstance(target, Mapping):
                    labels.append(type_label(spec, target, branch_ref)
                                  if branch_ref or "type" in target else "object")
            types = [" or ".join(dict.fromkeys(labels)) or "any"]
            # Each branch is already named ("object (Versions)"): the schema's own name
            # (directus' ``data: {anyOf: [{$ref: Versions}]}``) is not added again.
            ref = ""
        elif "enum" in schema:
            types = ["enum"]
        else:
            types = ["any"]
    label = " or ".join(types)
    if label == "array":
        items, _ = spec.resolve(schema.get("items", {}), "")
        item_ref = schema.get("items", {}).get("$ref", "") if isinstance(
            schema.get("items"), Mapping) else ""
        if isinstance(items, Mapping) and items:
            label = f"array of {type_label(spec, items, item_ref)}"
    fmt = schema.get("format")
    if fmt:
        label += f" ({fmt})"
    elif ref and label.startswith("object"):
        label += f" ({_ref_name(ref)})"
    if nullable:
        label += ", nullable"
    return label


def _notes(schema: Mapping[str, Any]) -> tuple[str, ...]:
    notes: list[str] = list(version_notes(schema))
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        shown = ", ".join(f"``{_literal(value)}``" for value in enum[:20])
        more = f" (and {len(enum) - 20} more)" if len(enum) > 20 else ""
        notes.append(f"One of: {shown}{more}.")
    if "const" in schema:
        notes.append(f"Always ``{_literal(schema['const'])}``.")
    if "default" in schema:
        notes.append(f"Default: ``{_literal(schema['default'])}``.")
    bounds = [f"{word} {schema[key]}" for key, word in (
        ("minimum", "minimum"), ("maximum", "maximum"), ("minLength", "min length"),
        ("maxLength", "max length"), ("minItems", "min items"), ("maxItems", "max items"),
    ) if key in schema and not isinstance(schema[key], (dict, list))]
    if bounds:
        notes.append(f"{', '.join(bounds).capitalize()}.")
    if schema.get("deprecated"):
        notes.append("Deprecated.")
    if schema.get("readOnly"):
        notes.append("Read only.")
    if schema.get("writeOnly"):
        notes.append("Write only.")
    return tuple(notes)


def _mapping(value: Any) -> Mapping[str, Any]:
    """*value* if it is a mapping (a broken spec may hold anything anywhere), else {}."""
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(value: Any) -> set[str]:
    """The names of a ``required`` list (anything else in it is reported by the checks)."""
    return {item for item in value if isinstance(item, str)} if isinstance(value, list) \
        else set()


def _literal(value: Any) -> str:
    # An empty or blank string is shown quoted (okta's ``default: ""`` read "Default: .").
    text = value if isinstance(value, str) and value.strip() else json.dumps(
        value, ensure_ascii=False)
    text = " ".join(text.split()).replace("`", "'")
    text = text if len(text) <= 60 else text[:57] + "..."
    return text or " "


def _merge_all_of(spec: Spec, schema: Mapping[str, Any], pointer: str,
                  stack: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str], bool]:
    """One object from ``allOf`` parts: properties (with their pointers), required, recursion."""
    merged: dict[str, Any] = {key: value for key, value in schema.items() if key != "allOf"}
    properties: dict[str, Any] = dict(_mapping(merged.get("properties")))
    pointers = {name: join_pointer(pointer, "properties", name) for name in properties}
    required = _names(merged.get("required"))
    recursive = False
    for index, part in enumerate(_list(schema.get("allOf"))):
        ref = part.get("$ref", "") if isinstance(part, Mapping) else ""
        if ref and ref in stack:
            recursive = True
            continue
        target, target_pointer = spec.resolve(part, join_pointer(pointer, "allOf", index))
        if not isinstance(target, Mapping):
            continue
        if "allOf" in target:
            sub, sub_pointers, sub_recursive = _merge_all_of(
                spec, target, target_pointer, (*stack, ref) if ref else stack)
            recursive = recursive or sub_recursive
            target = sub
            part_pointers = sub_pointers
        else:
            part_pointers = {name: join_pointer(target_pointer, "properties", name)
                             for name in _mapping(target.get("properties"))}
        for name, value in _mapping(target.get("properties")).items():
            properties[name] = value
            pointers[name] = part_pointers.get(name, pointers.get(name, target_pointer))
        required |= _names(target.get("required"))
        for key, value in target.items():
            if key not in {"properties", "required", "allOf"}:
                merged.setdefault(key, value)
    merged["properties"] = properties
    merged["required"] = sorted(required)
    if properties and "type" not in merged:
        merged["type"] = "object"
    return merged, pointers, recursive


class FieldWalker:
    """Builds the rows for one schema."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.rows: list[Field] = []
        self.truncated = False

    def walk(self, schema: Any, pointer: str) -> list[Field]:
        """The rows of the schema at *pointer* (its top level is not a row)."""
        self._children(schema, pointer, "", (), 0, "")
        return self.rows

    def _add(self, row: Field) -> bool:
        if len(self.rows) >= MAX_ROWS:
            self.truncated = True
            return False
        self.rows.append(row)
        return True

    def _children(self, schema: Any, pointer: str, prefix: str, stack: tuple[str, ...],
                  depth: int, option: str) -> None:
        ref = schema.get("$ref", "") if isinstance(schema, Mapping) else ""
        if isinstance(ref, str) and ref:
            if ref in stack:
                return
            stack = (*stack, ref)
        schema, pointer = self.spec.resolve(schema, pointer)
        if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
            return
        if "allOf" in schema:
            merged, pointers, _recursive = _merge_all_of(self.spec, schema, pointer, stack)
            self._properties(merged, pointers, prefix, stack, depth, option)
        elif "properties" in schema:
            pointers = {name: join_pointer(pointer, "properties", name)
                        for name in _mapping(schema["properties"])}
            self._properties(schema, pointers, prefix, stack, depth, option)
        elif schema.get("type") == "array" or "items" in schema:
            items = schema.get("items")
            if isinstance(items, Mapping):
                self._children(items, join_pointer(pointer, "items"), f"{prefix}[]"
                               if prefix else "[]", stack, depth, option)
        for keyword in ("oneOf", "anyOf"):
            alternatives = schema.get(keyword)
            if not isinstance(alternatives, list):
                continue
            for index, alternative in enumerate(alternatives):
                alt_pointer = join_pointer(pointer, keyword, index)
                target, _ = self.spec.resolve(alternative, alt_pointer)
                name = _alternative_name(alternative, target, index)
                self._children(alternative, alt_pointer, prefix, stack, depth,
                               f"{option} / {name}" if option else name)

    def _properties(self, schema: Mapping[str, Any], pointers: dict[str, str], prefix: str,
                    stack: tuple[str, ...], depth: int, option: str) -> None:
        required = _names(schema.get("required"))
        for name, raw in _mapping(schema.get("properties")).items():
            pointer = pointers.get(name, "")
            dotted = f"{prefix}.{name}" if prefix else str(name)
            ref = raw.get("$ref", "") if isinstance(raw, Mapping) else ""
            target, target_pointer = self.spec.resolve(raw, pointer)
            if not isinstance(target, Mapping):
                target = {}
            walked, walked_pointer = raw, pointer
            collapsed = nullable_branch(self.spec, target, target_pointer)
            if collapsed is not None:
                if not target.get("description"):
                    target_pointer = collapsed[1]
                target, walked, walked_pointer = collapsed[0], collapsed[0], collapsed[1]
                ref = ref or collapsed[2]
            ref = ref or single_ref(target)
            if "allOf" in target:
                target, _pointers, _recursive = _merge_all_of(
                    self.spec, target, target_pointer, stack)
            items = target.get("items")
            inner_ref = ref or (items.get("$ref", "") if isinstance(items, Mapping) else "")
            recursive = bool(inner_ref) and inner_ref in stack
            notes = _notes(target)
            if isinstance(raw, Mapping) and raw is not target:
                notes = (*version_notes(raw), *(note for note in notes
                                               if note not in version_notes(raw)))
            if option:
                notes = (f"In {option}.", *notes)
            if recursive:
                notes = (*notes, f"The same fields as {_ref_name(inner_ref)} (recursive).")
            description = target.get("description") or (
                raw.get("description") if isinstance(raw, Mapping) else "") or ""
            description_pointer = join_pointer(
                target_pointer if target.get("description") else pointer, "description")
            if not self._add(Field(dotted, type_label(self.spec, target, ref),
                                   name in required, str(description), description_pointer,
                                   notes, prefix)):
                return
            if not recursive:
                self._children(walked, walked_pointer, dotted, stack, depth + 1, "")


def _alternative_name(raw: Any, target: Any, index: int) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("$ref"), str):
        name = _ref_name(raw["$ref"])
    elif isinstance(target, Mapping) and target.get("title"):
        name = str(target["title"])
    else:
        name = f"option {index + 1}"
    versions = version_label(target) or version_label(raw)
    return f"{name} ({versions})" if versions else name


def schema_fields(spec: Spec, schema: Any, pointer: str) -> tuple[list[Field], bool]:
    """The rows of *schema* and whether the table was cut at :data:`MAX_ROWS`."""
    walker = FieldWalker(spec)
    rows = walker.walk(schema, pointer)
    return rows, walker.truncated
