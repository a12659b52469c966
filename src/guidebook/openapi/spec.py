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
import urllib.parse
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
    """A spec that cannot be read at all: bad YAML, not a mapping, an alias bomb, a duplicate
    key."""

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
    #: ``path:line`` when found before the spec was converted (a Swagger 2.0 file).
    where: str = ""


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
    """``get  /v2/images`` -> ``GET /v2/images`` (method upper case, one space); a spec's
    name before it stays (``compute:GET /servers``)."""
    spec, colon, rest = text.strip().partition(":")
    prefix = ""
    if colon and spec and " " not in spec.strip():
        prefix, text = f"{spec.strip()}:", rest
    method, _, path = text.strip().partition(" ")
    return f"{prefix}{method.upper()} {path.strip()}"


#: Markdown marks a one-line title does not show: links keep their text, emphasis and code
#: marks go.
_TITLE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TITLE_MARKS = re.compile(r"(\*\*|__|\*|`)")


def summary_title(summary: Any) -> str:
    """An operation's title from its ``summary``: the first paragraph, as plain text (some
    publishers write several Markdown paragraphs there)."""
    text = str(summary or "").strip()
    first = re.split(r"\n\s*\n", text, maxsplit=1)[0]
    first = _TITLE_MARKS.sub("", _TITLE_LINK.sub(r"\1", first))
    return " ".join(first.split())


def spec_name(path: Path | str) -> str:
    """How ``:api:`` links name a spec: its file name without the extension."""
    return Path(path).stem


def split_key(key: str) -> tuple[str, str]:
    """``compute:GET /servers`` -> (``compute``, ``GET /servers``); no spec: ("", key)."""
    spec, colon, rest = key.partition(":")
    if colon and " " not in spec:
        return spec, rest
    return "", key


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape_token(str(token)) for token in tokens)


def ref_pointer(ref: str) -> str:
    """The JSON pointer of a local ``$ref``: its fragment, percent-decoded as a URI fragment
    is (``#/paths/~1keys~1%7Bid%7D`` -> ``/paths/~1keys~1{id}``, as APIs.guru writes it)."""
    return urllib.parse.unquote(ref[1:])


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


#: YAML aliases may add at most this many values to a spec: a few nested aliases (an
#: "alias bomb") would otherwise expand into billions of values for every consumer.
MAX_ALIAS_VALUES = 1_000_000


class _Builder:
    """Builds the data of a composed YAML (or JSON) tree with JSON's rules, and every line.

    The tree is composed by libyaml when it is there (ten times faster than PyYAML's own
    composer on a 13 MB spec). Keys must be plain strings and unique. An alias (``*name``)
    is expanded into a copy of what it names, as every YAML reader does; its values take
    the line of the alias (the composer hands an alias back as the node it names, so a node
    met twice is an alias, and its own marks are the anchor's). The values aliases add are
    counted against :data:`MAX_ALIAS_VALUES`.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.lines: dict[str, int] = {"": 1}
        self.seen: set[int] = set()
        #: Inside an alias's copy: no lines are recorded (they are the alias's).
        self.copying = 0
        self.copied = 0

    def build(self, node: yaml.Node, pointer: str, line: int = 1) -> Any:
        if id(node) in self.seen and not self.copying:
            self.copying += 1
            try:
                return self.build(node, pointer, line)
            finally:
                self.copying -= 1
        self.seen.add(id(node))
        if self.copying:
            self.copied += 1
            if self.copied > MAX_ALIAS_VALUES:
                raise yaml.composer.ComposerError(
                    None, None, f"YAML aliases expand to more than {MAX_ALIAS_VALUES:,} "
                    "values (nested aliases that multiply: an alias bomb?)",
                    yaml.Mark("", 0, line - 1, 0, "", 0))
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _AS_WRITTEN_TAGS or pointer.endswith(_AS_WRITTEN_ENDINGS):
                return node.value
            return self.loader.construct_object(node, deep=True)
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Any] = {}
            merged_keys: set[str] = set()
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise yaml.constructor.ConstructorError(
                        None, None, "a mapping key must be a plain string", key_node.start_mark)
                key = str(key_node.value)
                if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                    for merged_key, merged in self._merged(value_node, pointer, line):
                        if merged_key not in mapping:
                            mapping[merged_key] = merged
                            merged_keys.add(merged_key)
                    continue
                if key in mapping and key not in merged_keys and not self.copying:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark)
                merged_keys.discard(key)  # the mapping's own key wins over a merged one
                child = join_pointer(pointer, key)
                key_line = line if self.copying else key_node.start_mark.line + 1
                if not self.copying:
                    self.lines[child] = key_line
                mapping[key] = self.build(value_node, child, key_line)
            return mapping
        if isinstance(node, yaml.SequenceNode):
            items = []
            item_line = node.start_mark.line + 1
            for index, item in enumerate(node.value):
                child = join_pointer(pointer, index)
                if self.copying:
                    item_line = line
                elif id(item) in self.seen:
                    item_line = self._alias_line(node, index, item_line)
                else:
                    item_line = item.start_mark.line + 1
                if not self.copying:
                    self.lines[child] = item_line
                items.append(self.build(item, child, item_line))
            return items
        return None

    def _alias_line(self, node: yaml.SequenceNode, index: int, previous_line: int) -> int:
        """The line of an alias that is item *index* of *node*, from where the item before it
        ends (the composer keeps no mark of the alias itself)."""
        if index == 0:
            return node.start_mark.line + 1
        before = node.value[index - 1]
        if before.start_mark.line + 1 != previous_line:
            return previous_line + 1  # the item before is an alias too: its marks are elsewhere
        end = before.end_mark
        # A block collection ends at the start of the next item's line; a scalar or a flow
        # collection on the line before it.
        block = isinstance(before, yaml.CollectionNode) and not before.flow_style
        return int(end.line) + (1 if end.column == 0 or block else 2)

    def _merged(self, node: yaml.Node, pointer: str, line: int) -> list[tuple[str, Any]]:
        """The keys of a YAML merge (``<<: *base``), in the order YAML gives them priority."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: list[tuple[str, Any]] = []
        for source in sources:
            self.copying += 1
            try:
                value = self.build(source, pointer, line)
            finally:
                self.copying -= 1
            if isinstance(value, dict):
                merged.extend(value.items())
        return merged


@dataclasses.dataclass
class Spec:
    """A loaded spec: its data and the line of every pointer."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]
    #: The other files of a multi-file spec, by the pointer their content sits at.
    files: dict[str, Path] = dataclasses.field(default_factory=dict)
    #: What the file was written in, when it was converted on reading ("Swagger 2.0").
    source: str = ""
    #: Problems found before the conversion, located in the file as written.
    read_problems: list[SpecProblem] = dataclasses.field(default_factory=list)
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

    def where(self, problem: SpecProblem) -> str:
        """The ``path:line`` of *problem*."""
        return problem.where or self.location(problem.pointer)

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
                pointer = ref_pointer(ref)
                value = self.get(pointer)
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
        for path, raw in paths.items():
            # A path item may be a $ref (to a file of its own): its operations are there.
            item, item_pointer = self.resolve(raw, join_pointer("", "paths", path))
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
                    pointer=join_pointer(item_pointer, method),
                    summary=summary_title(operation.get("summary")),
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


#: Keywords whose value is data (an example, a default...): a ``$ref`` in it is data too.
_DATA_KEYWORDS = frozenset({"example", "default", "enum", "const"})
#: Maps whose keys are names the author chose (a property called ``example``).
_NAME_MAPS = frozenset({
    "properties", "patternProperties", "$defs", "definitions", "schemas", "parameters",
    "responses", "headers", "examples", "requestBodies", "securitySchemes", "links",
    "callbacks", "pathItems", "paths", "content", "encoding", "variables", "webhooks",
    "securityDefinitions", "mapping",
})


def _is_data(key: str, child: Any, here: str, above: str) -> bool:
    """Whether *child*, at *key* of a mapping held at *here* (itself in *above*), is data."""
    if here in _NAME_MAPS:
        return False
    if key in _DATA_KEYWORDS:
        return True
    if key == "value" and above == "examples":
        return True  # an Example Object's value
    return key == "examples" and isinstance(child, list)  # JSON Schema's examples


def walk_references(value: Any, pointer: str = "", skipped: list[tuple[str, Any]] | None = None
                    ) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(pointer, mapping) of every ``$ref`` holder, skipping data (example values, defaults).

    A ``$ref`` inside an example value is part of the example, not a reference to follow.
    The data skipped is added to *skipped*, as (pointer, value).
    """
    stack: list[tuple[Any, str, str, str]] = [(value, pointer, "", "")]
    while stack:
        item, at, here, above = stack.pop()
        if isinstance(item, Mapping):
            if isinstance(item.get("$ref"), str):
                yield at, item
            for key, child in reversed(list(item.items())):
                if not isinstance(child, (Mapping, list)):
                    continue
                if not _is_data(str(key), child, here, above):
                    stack.append((child, join_pointer(at, key), str(key), here))
                elif skipped is not None:
                    skipped.append((join_pointer(at, key), child))
        elif isinstance(item, list):
            for index in range(len(item) - 1, -1, -1):
                if isinstance(item[index], (Mapping, list)):
                    stack.append((item[index], join_pointer(at, index), here, above))


def data_with_refs(spec: Spec) -> Any:
    """The spec's data for a validator that follows every ``$ref``: in example values and
    defaults, ``$ref`` renamed (a copy is made along the way to each; the spec is not
    changed)."""
    skipped: list[tuple[str, Any]] = []
    for _ in walk_references(spec.data, "", skipped):
        pass
    pointers = [join_pointer(at, *split_pointer(inner))
                for at, value in skipped for inner, held in walk(value)
                if isinstance(held, Mapping) and "$ref" in held]
    if not pointers:
        return spec.data
    data: Any = dict(spec.data)
    for pointer in pointers:
        holder = data
        for token in split_pointer(pointer):
            index: Any = int(token) if isinstance(holder, list) else token
            child = holder[index]
            child = dict(child) if isinstance(child, Mapping) else list(child)
            holder[index] = child
            holder = child
        holder["x-example-$ref"] = holder.pop("$ref")
    return data


def check_refs(spec: Spec) -> list[SpecProblem]:
    """Every ``$ref`` must point inside the spec, at something, and not only at itself.

    References to other files or URLs are refused: spec text is untrusted, and following
    them would read local files or fetch URLs during the build.
    """
    problems: list[SpecProblem] = []
    loops: set[frozenset[str]] = set()
    for pointer, value in walk_references(spec.data):
        ref: str = value["$ref"]
        at = join_pointer(pointer, "$ref")
        if not ref.startswith("#"):
            problems.append(SpecProblem(at, _unfollowed(spec, pointer, ref)))
            continue
        chain = [ref]
        while True:
            try:
                target = spec.get(ref_pointer(chain[-1]))
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


def operation_label(pointer: str) -> str:
    """``GET /a: `` for a pointer inside an operation, else ""."""
    tokens = split_pointer(pointer)
    if len(tokens) >= 3 and tokens[0] == "paths" and tokens[2] in HTTP_METHODS:
        return f"{tokens[2].upper()} {tokens[1]}: "
    return ""


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
    """The error's message, without the dump of a large value it may start with."""
    message = " ".join(str(getattr(error, "message", str(error))).split())
    instance = getattr(error, "instance", None)
    if isinstance(instance, (Mapping, list)):
        shown = " ".join(repr(instance).split())
        if len(shown) > 60 and message.startswith(shown):
            kind = "this object" if isinstance(instance, Mapping) else "this list"
            message = kind + message[len(shown):]
    return message if len(message) <= 300 else message[:297] + "..."


