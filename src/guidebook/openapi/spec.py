"""Load an OpenAPI spec with the line of every value, validate it and check its examples.

Nothing here knows about Sphinx: the functions return :class:`Problem` records that carry a
JSON pointer into the spec, and :meth:`Spec.line_of` turns a pointer into the line of the
YAML (or JSON) file it came from.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

#: The HTTP methods an OpenAPI path item may hold, in the order they are listed.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: The extension field that names the guides whose pages may link to an operation.
AUDIENCE_FIELD = "x-audience"
#: The base URI the spec is registered under while examples are checked.
_SPEC_URI = "urn:guidebook:openapi-spec"


class SpecError(Exception):
    """A spec that cannot be read at all: bad YAML, not a mapping, an alias, a duplicate key."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec, at a JSON pointer into it."""

    pointer: str
    message: str


@dataclasses.dataclass(frozen=True)
class Operation:
    """One operation of the spec: a method on a path."""

    method: str
    path: str
    pointer: str
    summary: str
    tags: tuple[str, ...]
    audiences: tuple[str, ...]

    @property
    def key(self) -> str:
        """How guide pages name it: ``GET /v2/images/{image_id}``."""
        return f"{self.method.upper()} {self.path}"

    @property
    def anchor(self) -> str:
        """The operation's HTML id in the reference, derived from the key only (stable)."""
        return operation_anchor(self.method, self.path)


def operation_anchor(method: str, path: str) -> str:
    slug = "".join(char if char.isalnum() else "-" for char in f"{method} {path}".lower())
    return "api-" + "-".join(part for part in slug.split("-") if part)


def normalize_key(text: str) -> str:
    """``get  /v2/images`` -> ``GET /v2/images`` (method upper case, one space)."""
    method, _, path = text.strip().partition(" ")
    return f"{method.upper()} {path.strip()}"


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape_token(str(token)) for token in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


# -- loading -------------------------------------------------------------------------------


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


class _Builder:
    """Builds the data of a composed YAML (or JSON) tree with JSON's rules, and every line.

    The tree is composed by libyaml when it is there (ten times faster than PyYAML's own
    composer on a 13 MB spec). Keys must be plain strings and unique. Aliases are refused:
    spec text is untrusted, and a few nested aliases expand into billions of nodes for every
    consumer that walks the tree; the composer hands an alias back as the node it names,
    so a node met twice is one.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.lines: dict[str, int] = {"": 1}
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, pointer: str) -> Any:
        if id(node) in self.seen:
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in an OpenAPI spec",
                node.start_mark)
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG:
                return node.value
            return self.loader.construct_object(node, deep=True)
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be a plain string", key_node.start_mark)
                key = str(key_node.value)
                if key in mapping:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark)
                child = join_pointer(pointer, key)
                self.lines[child] = key_node.start_mark.line + 1
                mapping[key] = self.build(value_node, child)
            return mapping
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = join_pointer(pointer, index)
                self.lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child))
            return items
        return None


@dataclasses.dataclass
class Spec:
    """A loaded spec: its data and the line of every pointer."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]

    @property
    def version(self) -> str:
        return str(self.data.get("openapi", ""))

    def line_of(self, pointer: str) -> int:
        """The line of *pointer*, or of its nearest ancestor the file spells out."""
        while pointer:
            if pointer in self.lines:
                return self.lines[pointer]
            pointer = pointer.rpartition("/")[0]
        return 1

    def location(self, pointer: str) -> str:
        return f"{self.path}:{self.line_of(pointer)}"

    def get(self, pointer: str) -> Any:
        value: Any = self.data
        for token in split_pointer(pointer):
            if isinstance(value, Mapping):
                value = value[token]
            elif isinstance(value, list):
                value = value[int(token)]
            else:
                raise KeyError(pointer)
        return value

    def resolve(self, value: Any, pointer: str) -> tuple[Any, str]:
        """Follow local ``$ref`` chains from *value*; return the target and its pointer.

        A chain that loops or leaves the file stops where it is.
        """
        seen: set[str] = set()
        while isinstance(value, Mapping) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            if not ref.startswith("#") or ref in seen:
                break
            seen.add(ref)
            try:
                value, pointer = self.get(ref[1:]), ref[1:]
            except (KeyError, IndexError, ValueError):
                break
        return value, pointer

    def operations(self) -> list[Operation]:
        result = []
        paths = self.data.get("paths")
        if not isinstance(paths, Mapping):
            return []
        for path, item in paths.items():
            if not isinstance(item, Mapping):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not isinstance(operation, Mapping):
                    continue
                audiences = operation.get(AUDIENCE_FIELD, ())
                result.append(Operation(
                    method=method,
                    path=str(path),
                    pointer=join_pointer("", "paths", path, method),
                    summary=" ".join(str(operation.get("summary", "")).split()),
                    tags=tuple(str(tag) for tag in operation.get("tags", ()) or ()),
                    audiences=tuple(str(name) for name in audiences)
                    if isinstance(audiences, list) else (),
                ))
        return result


def load_spec(path: Path, encoding: str = "utf-8") -> Spec:
    """Read the YAML or JSON spec at *path*; :class:`SpecError` says where it is broken."""
    try:
        text = path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, 1, f"cannot read the OpenAPI spec: {exc}") from None
    loader = _SafeLoader(text)
    builder = _Builder(loader)
    try:
        node = loader.get_single_node()
        data = builder.build(node, "") if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise SpecError(path, line, f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SpecError(path, 1, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise SpecError(path, 1, "the spec nests too deeply to be read") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise SpecError(path, 1, "an OpenAPI spec must be a mapping (openapi, info, paths, ...)")
    lines = builder.lines
    return Spec(path, data, lines)


def inline_refs(spec: Spec, value: Any, stack: tuple[str, ...] = ()) -> Any:
    """A copy of *value* with every local ``$ref`` replaced by what it points at.

    Renderers resolve references by walking the tree and loop forever on a recursive schema;
    here the second visit of a reference on the current path becomes a named stub instead.
    Siblings of ``$ref`` (allowed in 3.1) override the target's fields.
    """
    if isinstance(value, Mapping):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            name = ref.rpartition("/")[2]
            siblings = {key: inline_refs(spec, item, stack)
                        for key, item in value.items() if key != "$ref"}
            if ref in stack:
                return {"title": name, "description": f"(recursive: another {name})",
                        **siblings}
            try:
                target = spec.get(ref[1:])
            except (KeyError, IndexError, ValueError):
                return siblings
            resolved = inline_refs(spec, target, (*stack, ref))
            if isinstance(resolved, dict):
                return {**resolved, **siblings}
            return resolved
        return {key: inline_refs(spec, item, stack) for key, item in value.items()}
    if isinstance(value, list):
        return [inline_refs(spec, item, stack) for item in value]
    return value


# -- validating the spec -------------------------------------------------------------------


def walk(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) in the tree, depth first (the tree has no aliases: finite)."""
    yield pointer, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk(item, join_pointer(pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, join_pointer(pointer, index))


def check_refs(spec: Spec) -> list[Problem]:
    """Every ``$ref`` must point inside the spec, at something, and not only at itself.

    References to other files or URLs are refused: spec text is untrusted, and following
    them would read local files or fetch URLs during the build.
    """
    problems: list[Problem] = []
    loops: set[frozenset[str]] = set()
    for pointer, value in walk(spec.data):
        if not isinstance(value, Mapping) or not isinstance(value.get("$ref"), str):
            continue
        ref: str = value["$ref"]
        at = join_pointer(pointer, "$ref")
        if not ref.startswith("#"):
            problems.append(Problem(at, f"$ref {ref!r}: only references inside the spec "
                                        "('#/...') are supported"))
            continue
        chain = [ref]
        while True:
            try:
                target = spec.get(chain[-1][1:])
            except (KeyError, IndexError, ValueError):
                if len(chain) == 1:
                    problems.append(Problem(at, f"$ref {ref!r} points to nothing in the spec"))
                break
            following = target.get("$ref") if isinstance(target, Mapping) else None
            if not isinstance(following, str) or not following.startswith("#"):
                break
            if following in chain:
                cycle = frozenset(chain[chain.index(following):])
                if cycle not in loops:
                    loops.add(cycle)
                    problems.append(Problem(at, f"$ref {ref!r} never reaches a schema: "
                                                f"{' -> '.join([*chain, following])}"))
                break
            chain.append(following)
    return problems


#: An HTML tag, comment or processing instruction (not an autolink like ``<https://...>``).
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|<!|<\?")


def _operation_label(pointer: str) -> str:
    tokens = split_pointer(pointer)
    if len(tokens) >= 3 and tokens[0] == "paths" and tokens[2] in HTTP_METHODS:
        return f"{tokens[2].upper()} {tokens[1]}: "
    return ""


def html_in_descriptions(spec: Spec) -> list[Problem]:
    """Descriptions holding HTML tags: Markdown would pass them through as raw HTML."""
    from guidebook.openapi.sanitize import show

    problems = []
    for pointer, value in walk(spec.data):
        if pointer.endswith("/description") and isinstance(value, str):
            found = _TAG.search(value)
            if found:
                # Blamed on the operation, like the other unsafe-markup warnings.
                tokens = split_pointer(pointer)
                if _operation_label(pointer):
                    pointer = join_pointer("", *tokens[:3])
                problems.append(Problem(pointer, (
                    f"{_operation_label(pointer)}raw html markup shown as text: "
                    f"{show(value[found.start():])}")))
    return problems


def escape_html(value: Any, key: str = "") -> Any:
    """A copy of *value* whose descriptions show ``<tag`` as text in Markdown (``\\<``)."""
    if isinstance(value, Mapping):
        return {name: escape_html(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [escape_html(item) for item in value]
    if key == "description" and isinstance(value, str):
        return _TAG.sub(lambda found: "\\" + found.group(0), value)
    return value


def validate_spec(spec: Spec) -> list[Problem]:
    """Check *spec* against the OpenAPI 3.0 or 3.1 schema with openapi-spec-validator."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    ref_problems = check_refs(spec)
    if ref_problems:  # the validator would fail on them with a traceback-like message
        return sorted(ref_problems, key=lambda problem: spec.line_of(problem.pointer))
    version = spec.version
    if version.startswith("3.0."):
        validator_class: Any = OpenAPIV30SpecValidator
    elif version.startswith("3.1."):
        validator_class = OpenAPIV31SpecValidator
    else:
        found = repr(spec.data["openapi"]) if "openapi" in spec.data else "no 'openapi' field"
        return [Problem(join_pointer("", "openapi") if "openapi" in spec.data else "",
                        f"unsupported OpenAPI version ({found}); use 3.0.x or 3.1.x")]
    problems = []
    try:
        validator = validator_class(spec.data, base_uri=spec.path.resolve().as_uri())
        errors = list(validator.iter_errors())
    except Exception as exc:  # the validator gives up on some broken documents
        return [Problem("", f"the spec cannot be validated: {type(exc).__name__}: {exc}")]
    for error in errors:
        pointer = join_pointer("", *getattr(error, "absolute_path", ()))
        # "... ('40x' was unexpected)": point at the unexpected key rather than its parent.
        unexpected = _UNEXPECTED.search(str(getattr(error, "message", "")))
        if unexpected and join_pointer(pointer, unexpected.group(1)) in spec.lines:
            pointer = join_pointer(pointer, unexpected.group(1))
        problems.append(Problem(pointer, f"invalid OpenAPI {version}: {_short(error)}"))
    return sorted(set(problems), key=lambda problem: spec.line_of(problem.pointer))


_UNEXPECTED = re.compile(r"\('([^']*)' was unexpected\)")


def _short(error: Exception) -> str:
    message = getattr(error, "message", str(error))
    text = " ".join(str(message).split())
    return text if len(text) <= 300 else text[:297] + "..."


# -- checking the examples -----------------------------------------------------------------


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


def check_examples(spec: Spec) -> tuple[list[Problem], int]:
    """Validate every example against its schema; return the problems and how many were checked.

    ``$ref`` is resolved by jsonschema through a registry holding the whole spec, lazily, so a
    recursive schema is fine.
    """
    validator_class, format_checker, specification = _validator_for(spec.version)
    resource = Resource.from_contents(spec.data, default_specification=specification)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    problems: list[Problem] = []
    count = 0
    for example in iter_examples(spec):
        count += 1
        schema = {"$ref": f"{_SPEC_URI}#{example.schema_pointer}"}
        validator = validator_class(schema, registry=registry, format_checker=format_checker)
        try:
            errors = sorted(validator.iter_errors(example.value),
                            key=lambda error: list(error.absolute_path))
        except Exception as exc:  # an unresolvable $ref or a broken schema
            problems.append(Problem(example.value_pointer, (
                f"{example.operation}: cannot check example {example.name!r} of the "
                f"{example.place}: {type(exc).__name__}: {_short(exc)}")))
            continue
        for error in errors[:3]:
            where = _instance_path(error)
            problems.append(Problem(
                join_pointer(example.value_pointer, *error.absolute_path),
                f"{example.operation}: example {example.name!r} of the {example.place} "
                f"does not match its schema: {_short(error)}{where}",
            ))
    return problems, count


def _instance_path(error: ValidationError) -> str:
    if not error.absolute_path:
        return ""
    text = "".join(f"[{token}]" if isinstance(token, int) else f".{token}"
                   for token in error.absolute_path)
    return f" (at {text.lstrip('.')})"


def _validator_for(version: str) -> tuple[Any, Any, Any]:
    import openapi_schema_validator as oas

    if version.startswith("3.0."):
        return oas.OAS30Validator, oas.oas30_format_checker, DRAFT4
    return oas.OAS31Validator, oas.oas31_format_checker, DRAFT202012
