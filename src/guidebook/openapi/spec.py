"""Load an OpenAPI spec with the line of every value, and validate it.

Nothing here knows about Sphinx: the functions return :class:`SpecProblem` records that carry a
JSON pointer into the spec, and :meth:`Spec.line_of` turns a pointer into the line of the
YAML (or JSON) file it came from.

(Over 400 lines: reading with lines, the pointers, references and validation all work on
the one :class:`Spec`; examples and multi-file references are in their own modules.)
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

#: The HTTP methods an OpenAPI path item may hold, in the order they are listed.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: The extension field that names the guides whose pages may link to an operation.
AUDIENCE_KEY = "x-audience"
#: The extension field under which the files a spec refers to are held once read.
BUNDLE_KEY = "x-guidebook-files"


class SpecError(Exception):
    """A spec that cannot be read at all: bad YAML, not a mapping, an alias, a duplicate key."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclasses.dataclass(frozen=True)
class SpecProblem:
    """One thing wrong with a spec, at a JSON pointer into it."""

    pointer: str
    message: str
    #: A limit of the checks rather than a fault of the spec (a warning, never a refusal).
    limitation: bool = False
    #: A schema's ``default`` or ``example`` that does not match it (a warning).
    example: bool = False


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
#: Scalars kept as the text the author wrote: a timestamp (JSON has no date type, and a
#: reader expects ``2024-01-31`` back, not a Python date).
_AS_WRITTEN_TAGS = frozenset({_STR_TAG, "tag:yaml.org,2002:timestamp"})
#: Microversions are kept as written (``min-ver: 3.10`` is "3.10", not the float 3.1).
_AS_WRITTEN_ENDINGS = ("/x-openstack/min-ver", "/x-openstack/max-ver")


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
            if node.tag in _AS_WRITTEN_TAGS or pointer.endswith(_AS_WRITTEN_ENDINGS):
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
    #: The other files of a multi-file spec, by the pointer their content sits at.
    files: dict[str, Path] = dataclasses.field(default_factory=dict)
    _operations: list[Operation] | None = dataclasses.field(default=None, repr=False)

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

    def file_of(self, pointer: str) -> Path:
        """The file that spells out *pointer* (the spec itself, or one it refers to)."""
        if self.files and pointer.startswith(f"/{BUNDLE_KEY}/"):
            prefix = "/".join(pointer.split("/", 3)[:3])
            return self.files.get(prefix, self.path)
        return self.path

    def location(self, pointer: str) -> str:
        return f"{self.file_of(pointer)}:{self.line_of(pointer)}"

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
        """Every operation, in the order of the spec (computed once)."""
        if self._operations is None:
            self._operations = self._find_operations()
        return self._operations

    def _find_operations(self) -> list[Operation]:
        result: list[Operation] = []
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
                audiences = operation.get(AUDIENCE_KEY, ())
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


def parse_file(
    path: Path, encoding: str, prefix: str = ""
) -> tuple[dict[str, Any], dict[str, int]]:
    """The mapping in the YAML or JSON file at *path*, and the line of every pointer.

    Pointers start with *prefix* (where a referred file's content sits in the spec).
    """
    try:
        text = path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(path, 1, f"cannot read the OpenAPI spec: {exc}") from None
    loader = _SafeLoader(text)
    builder = _Builder(loader)
    builder.lines = {prefix: 1}
    try:
        node = loader.get_single_node()
        data = builder.build(node, prefix) if node is not None else None
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
        raise SpecError(path, 1, "an OpenAPI spec must be a mapping (openapi, info, paths, ...)"
                        if not prefix else "a file a spec refers to must hold a mapping")
    return data, builder.lines


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


def in_example(pointer: str) -> bool:
    """Whether *pointer* is inside an example value, where a ``$ref`` key is data.

    (An OpenStack sample of a JSON-schema document, such as Glance's ``GET
    /v2/schemas/image``, holds ``{"$ref": "#/definitions/..."}`` of its own.)
    """
    tokens = split_pointer(pointer)
    return any(token in ("example", "examples") and (index == 0 or tokens[index - 1]
                                                     != "properties")
               for index, token in enumerate(tokens))


def check_refs(spec: Spec) -> list[SpecProblem]:
    """Every ``$ref`` must point inside the spec, at something, and not only at itself.

    References to other files or URLs are refused: spec text is untrusted, and following
    them would read local files or fetch URLs during the build.
    """
    problems: list[SpecProblem] = []
    loops: set[frozenset[str]] = set()
    for pointer, value in walk(spec.data):
        if not isinstance(value, Mapping) or not isinstance(value.get("$ref"), str):
            continue
        if in_example(pointer):
            continue
        ref: str = value["$ref"]
        at = join_pointer(pointer, "$ref")
        if not ref.startswith("#"):
            problems.append(SpecProblem(at, _unfollowed(spec, pointer, ref)))
            continue
        chain = [ref]
        while True:
            try:
                target = spec.get(chain[-1][1:])
            except (KeyError, IndexError, ValueError):
                if len(chain) == 1:
                    problems.append(SpecProblem(at, f"$ref {ref!r} points to nothing in the spec"))
                break
            following = target.get("$ref") if isinstance(target, Mapping) else None
            if not isinstance(following, str) or not following.startswith("#"):
                break
            if following in chain:
                cycle = frozenset(chain[chain.index(following):])
                if cycle not in loops:
                    loops.add(cycle)
                    problems.append(SpecProblem(at, f"$ref {ref!r} never reaches a schema: "
                                                f"{' -> '.join([*chain, following])}"))
                break
            chain.append(following)
    return problems


def is_url(ref: str) -> bool:
    """Whether a ``$ref`` names a URL (``https://...``) rather than a file."""
    scheme, colon, _rest = ref.partition(":")
    return bool(colon) and scheme.isalpha() and len(scheme) > 1


def _unfollowed(spec: Spec, pointer: str, ref: str) -> str:
    """Why a reference to another document was not followed (see guidebook.openapi.bundle)."""
    if is_url(ref):
        return f"$ref {ref!r}: URLs are not followed (the build never fetches what a spec " \
               "points to); copy the document into the spec's folder"
    name = ref.partition("#")[0]
    target = (spec.file_of(pointer).parent / name).resolve()
    if not target.is_relative_to(spec.path.parent.resolve()):
        return f"$ref {ref!r}: only files inside the spec's folder " \
               f"({spec.path.parent}) are read"
    return f"$ref {ref!r}: no file {name!r} in the spec's folder"


def validate_spec(spec: Spec) -> list[SpecProblem]:
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
        return [SpecProblem(join_pointer("", "openapi") if "openapi" in spec.data else "",
                        f"unsupported OpenAPI version ({found}); use 3.0.x or 3.1.x")]
    problems = python_regex_limits(spec)
    try:
        validator = validator_class(spec.data, base_uri=spec.path.resolve().as_uri())
        errors = list(validator.iter_errors())
    except Exception as exc:  # the validator gives up on some broken documents
        return [SpecProblem("", f"the spec cannot be validated: {type(exc).__name__}: {exc}")]
    for error in errors:
        if getattr(error, "validator", None) == "format" and \
                getattr(error, "validator_value", None) == "regex":
            continue  # a pattern Python's re cannot compile: python_regex_limits says so
        path = list(getattr(error, "absolute_path", ()))
        dialect = _UNKNOWN_DIALECT.search(str(getattr(error, "message", "")))
        if dialect:
            at = _value_pointer(spec, dialect.group(1), ("/$schema",)) or ""
            problems.append(SpecProblem(at, (
                f"$schema {dialect.group(1)!r}: openapi-spec-validator does not know this "
                "JSON Schema dialect; the schemas that declare it are not validated"),
                limitation=True))
            continue
        if not path:
            # openapi-spec-validator checks a schema's default and example values as
            # documents of their own: the error has no path, only the value.
            value_pointer = _value_pointer(spec, getattr(error, "instance", None))
            if value_pointer is not None:
                problems.append(SpecProblem(value_pointer, (
                    f"{_operation_label(value_pointer)}the schema's "
                    f"{split_pointer(value_pointer)[-1]} {short_message(error)}"),
                    example=True))
                continue
        pointer = locate(spec, join_pointer("", *path), getattr(error, "instance", None))
        declared = _declared_dialect(spec, pointer)
        if declared is not None:
            problems.append(SpecProblem(pointer, (
                f"not validated: the schema declares the dialect {declared!r}, which "
                f"openapi-spec-validator checks as OpenAPI {version}'s own "
                f"({short_message(error)})"), limitation=True))
            continue
        # "... ('40x' was unexpected)": point at the unexpected key rather than its parent.
        unexpected = _UNEXPECTED.search(str(getattr(error, "message", "")))
        if unexpected and join_pointer(pointer, unexpected.group(1)) in spec.lines:
            pointer = join_pointer(pointer, unexpected.group(1))
        problems.append(SpecProblem(pointer, f"invalid OpenAPI {version}: {short_message(error)}"))
    return sorted(set(problems), key=lambda problem: spec.line_of(problem.pointer))


_UNEXPECTED = re.compile(r"\('([^']*)' was unexpected\)")


def _operation_label(pointer: str) -> str:
    tokens = split_pointer(pointer)
    if len(tokens) >= 3 and tokens[0] == "paths" and tokens[2] in HTTP_METHODS:
        return f"{tokens[2].upper()} {tokens[1]}: "
    return ""


_UNKNOWN_DIALECT = re.compile(r"Unknown JSON Schema dialect: '([^']*)'")
#: The dialect of OpenAPI 3.1 schemas (and a schema may say so).
_OAS31_DIALECTS = ("https://spec.openapis.org/oas/3.1/dialect/base",
                   "https://json-schema.org/draft/2020-12/schema")


def _declared_dialect(spec: Spec, pointer: str) -> str | None:
    """Another JSON Schema dialect a schema around *pointer* declares with ``$schema``."""
    while pointer:
        pointer = pointer.rpartition("/")[0]
        try:
            value = spec.get(pointer)
        except (KeyError, IndexError, ValueError):
            continue
        declared = value.get("$schema") if isinstance(value, Mapping) else None
        if isinstance(declared, str):
            return None if declared.rstrip("#") in _OAS31_DIALECTS else declared
    return None


def _value_pointer(spec: Spec, instance: Any,
                   endings: tuple[str, ...] = ("/default", "/example")) -> str | None:
    """The first pointer with one of *endings* whose value is *instance* (a default...)."""
    for candidate in spec.lines:
        if candidate.endswith(endings):
            try:
                value = spec.get(candidate)
            except (KeyError, IndexError, ValueError):
                continue
            if value == instance and type(value) is type(instance):
                return candidate
    return None


def locate(spec: Spec, pointer: str, instance: Any) -> str:
    """*pointer*, or the spec's pointer it is relative to.

    openapi-spec-validator reports problems inside a schema relative to that schema
    (``/properties/name``); the first spec pointer ending so that holds *instance* is meant.
    """
    if pointer in spec.lines or not pointer:
        return pointer
    for candidate in spec.lines:
        if candidate.endswith(pointer):
            try:
                if spec.get(candidate) == instance:
                    return candidate
            except (KeyError, IndexError, ValueError):
                continue
    return pointer


def python_regex_limits(spec: Spec) -> list[SpecProblem]:
    """Patterns Python's ``re`` cannot compile, such as ECMA-262's ``\\p{L}``.

    JSON Schema patterns are ECMA-262 regular expressions; a valid one that Python's dialect
    lacks is a limit of the checks: examples are checked without it.
    """
    problems = []
    for pointer, value in walk(spec.data):
        if not pointer.endswith("/pattern") or not isinstance(value, str):
            continue
        error = compile_error(value)
        if error is not None:
            problems.append(SpecProblem(pointer, (
                f"pattern {value!r} uses a regular expression feature Python's re lacks "
                f"({error}); examples are checked without it"), limitation=True))
    return problems


def compile_error(pattern: str) -> str | None:
    """Why Python's ``re`` cannot compile *pattern*, or None (cached: specs repeat them)."""
    return _compile_error(pattern)


@functools.lru_cache(maxsize=4096)
def _compile_error(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def short_message(error: Exception) -> str:
    message = getattr(error, "message", str(error))
    text = " ".join(str(message).split())
    return text if len(text) <= 300 else text[:297] + "..."


