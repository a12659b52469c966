"""The API reference: an OpenAPI spec rendered by sphinxcontrib-openapi, checked by guidebook.

``.. openapi:: openapi.yaml`` (guidebook replaces sphinxcontrib-openapi's directive of that
name, keeping its options and renderer) reads the spec with the line of every value,
validates it with openapi-spec-validator, checks every example against its schema with
jsonschema, then renders each operation with the configured renderer (``httpdomain`` by
default), grouped in one section per tag (an operation sits under its first tag). Each
operation gets a stable anchor derived from its method and path (``api-get-v2-images``),
and its ``x-audience`` is shown under its heading. Text from the spec is made inert.

``:api:`GET /v2/images``` links a guide page to an operation. The link is checked after
reading: an unknown operation warns at the link's line, and so does a link to an operation
whose ``x-audience`` names none of the guides the link is shown in (the page's guides,
narrowed by any enclosing ``.. audience::`` blocks). An operation without ``x-audience`` is
for every guide.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from guidebook.audiences import AUDIENCES_ATTR, part_specs
from guidebook.openapi.domain import ApiDomain, ApiRole, LinkEntry
from guidebook.openapi.sanitize import sanitize
from guidebook.openapi.spec import (
    AUDIENCE_FIELD,
    Operation,
    Spec,
    SpecError,
    check_examples,
    escape_html,
    html_in_descriptions,
    inline_refs,
    iter_examples,
    join_pointer,
    load_spec,
    validate_spec,
)
from guidebook.sites import get_site
from guidebook.sphinx_internals import user_config_values
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata, OptionSpec

logger = logging.getLogger(__name__)

#: The renderer guidebook uses unless conf.py sets ``openapi_default_renderer``: it shows
#: OpenAPI 3.1 types better than sphinxcontrib-openapi's own default (``httpdomain:old``).
DEFAULT_RENDERER = "httpdomain"
#: The section of operations that have no tag.
UNTAGGED_TITLE = "Other operations"


class OpenAPISpecError(SphinxError):
    """The spec cannot be used: the build stops with this message (no traceback)."""

    category = "OpenAPI spec error"


def get_api_domain(env: BuildEnvironment) -> ApiDomain:
    return cast("ApiDomain", env.domains[ApiDomain.name])


# -- the directive ---------------------------------------------------------------------------


class OpenAPIDirective(SphinxDirective):
    """``.. openapi:: path/to/spec.yaml``: check the spec and render it, grouped by tag."""

    required_arguments = 1
    final_argument_whitespace = True
    #: Set by :func:`directive_for` to the renderer chosen in conf.py.
    renderer_class: ClassVar[Any] = None
    option_spec: ClassVar[OptionSpec] = {"encoding": directives.encoding}

    def run(self) -> list[nodes.Node]:
        relpath, abspath = self.env.relfn2path(directives.path(self.arguments[0]))
        self.env.note_dependency(relpath)
        self.options.setdefault("uri", Path(abspath).as_uri())
        spec = self._checked_spec(Path(abspath))
        operations = spec.operations()
        self._register(spec, operations)
        result: list[nodes.Node] = []
        for title, description, members in self._groups(spec, operations):
            rendered: list[nodes.Node] = []
            if description:
                rendered += self._parse(self._markup(description).splitlines(), spec,
                                        join_pointer("", "tags"), None)
            for operation in members:
                rendered += self._render_operation(spec, operation)
            if title is None:
                result += rendered
                continue
            section = nodes.section()
            section_id = nodes.make_id(f"api-tag-{title}")
            section["ids"].append(section_id)
            self.state.document.ids.setdefault(section_id, section)
            section += nodes.title(title, title)
            section += rendered
            result.append(section)
        return result

    # -- reading and checking the spec --

    def _checked_spec(self, path: Path) -> Spec:
        """The parsed spec; its problems are reported the first time a build meets it."""
        domain = get_api_domain(self.env)
        key = str(path)
        spec = domain.specs.get(key)
        if spec is None:
            try:
                spec = load_spec(path, self.options.get("encoding", self.config.source_encoding))
            except SpecError as exc:
                raise OpenAPISpecError(f"{exc}; the API reference cannot be built") from None
            domain.specs[key] = spec
        if key in domain.checked:
            return spec
        domain.checked.add(key)
        problems = validate_spec(spec)
        for problem in problems:
            warn(WarningCode.OPENAPI_INVALID, problem.message,
                 location=spec.location(problem.pointer))
        if problems:
            count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
            raise OpenAPISpecError(
                f"{spec.location(problems[0].pointer)}: the OpenAPI spec is not valid "
                f"({count}, listed above); the API reference cannot be built")
        example_problems, checked = check_examples(spec)
        for problem in example_problems:
            warn(WarningCode.OPENAPI_EXAMPLE, problem.message,
                 location=spec.location(problem.pointer))
        if self._markdown:
            for problem in html_in_descriptions(spec):
                warn(WarningCode.OPENAPI_UNSAFE, problem.message,
                     location=spec.location(problem.pointer))
        self._check_audiences(spec)
        logger.info("guidebook: %s: %d operations, %d examples checked", path.name,
                    len(spec.operations()), checked)
        return spec

    def _check_audiences(self, spec: Spec) -> None:
        guides = {part.name for part in part_specs(self.env) if part.kind == "guide"}
        for operation in spec.operations():
            pointer = join_pointer(operation.pointer, AUDIENCE_FIELD)
            raw = spec.get(operation.pointer).get(AUDIENCE_FIELD)
            if raw is None:
                continue
            if not isinstance(raw, list) or not raw:
                warn(WarningCode.OPENAPI_AUDIENCE,
                     f"{operation.key}: {AUDIENCE_FIELD} must be a non-empty list of guide "
                     f"names (known: {', '.join(sorted(guides))})",
                     location=spec.location(pointer))
                continue
            for name in operation.audiences:
                if name not in guides:
                    warn(WarningCode.OPENAPI_AUDIENCE,
                         f"{operation.key}: unknown audience {name!r} in {AUDIENCE_FIELD} "
                         f"(known: {', '.join(sorted(guides))})",
                         location=spec.location(pointer))

    def _register(self, spec: Spec, operations: list[Operation]) -> None:
        domain = get_api_domain(self.env)
        for operation in operations:
            where = spec.location(operation.pointer)
            other = domain.operations.get(operation.key)
            if other is not None and other[0] != self.env.docname:
                warn(WarningCode.OPENAPI_INVALID,
                     f"{operation.key} is also rendered in {other[0]!r}; "
                     "links go to the first one",
                     location=self.get_location())
                continue
            domain.operations[operation.key] = (
                self.env.docname, operation.anchor, operation.audiences,
                operation.summary, where)

    # -- rendering --

    def _groups(
        self, spec: Spec, operations: list[Operation]
    ) -> list[tuple[str | None, str, list[Operation]]]:
        """(tag, its description, its operations), in the order the spec lists its tags."""
        if not any(operation.tags for operation in operations):
            return [(None, "", operations)]
        descriptions: dict[str, str] = {}
        for tag in spec.data.get("tags", ()) or ():
            if isinstance(tag, Mapping) and "name" in tag:
                descriptions[str(tag["name"])] = str(tag.get("description", ""))
        order = list(descriptions)
        members: dict[str | None, list[Operation]] = {}
        for operation in operations:
            first = operation.tags[0] if operation.tags else None
            if first is not None and first not in order:
                order.append(first)
            members.setdefault(first, []).append(operation)
        groups: list[tuple[str | None, str, list[Operation]]] = [
            (tag, descriptions.get(tag, ""), members[tag]) for tag in order if tag in members
        ]
        if None in members:
            groups.append((UNTAGGED_TITLE, "", members[None]))
        return groups

    @property
    def _markdown(self) -> bool:
        return bool(self.options.get("markup", "commonmark") == "commonmark")

    def _escaped(self, value: Any) -> Any:
        """In Markdown, HTML tags in descriptions would become raw HTML: make them text."""
        return escape_html(value) if self._markdown else value

    def _markup(self, text: str) -> str:
        if self._markdown:
            import sphinx_mdinclude  # type: ignore[import-untyped]

            return cast("str", sphinx_mdinclude.convert(escape_html(text, "description")))
        return text

    def _render_operation(self, spec: Spec, operation: Operation) -> list[nodes.Node]:
        item = spec.data["paths"][operation.path]
        path_item: dict[str, Any] = {operation.method: item[operation.method]}
        if "parameters" in item:
            path_item["parameters"] = item["parameters"]
        # The renderer gets a copy with the references inlined: its own resolver loops on a
        # recursive schema, and it changes the tree it is given.
        single = {
            "openapi": spec.data.get("openapi"),
            "info": copy.deepcopy(spec.data.get("info", {})),
            "paths": {operation.path: self._escaped(inline_refs(spec, path_item))},
        }
        renderer = self.renderer_class(self.state, self.options)
        lines: list[str] = []
        for line in renderer.render_restructuredtext_markup(single):
            # The renderer omits the blank line before a request example when the media
            # type is not JSON (the JSON Patch one, for example): docutils needs it.
            if line.lstrip().startswith(".. ") and lines and lines[-1].strip():
                lines.append("")
            lines.append(line)
        rendered = self._parse(lines, spec, operation.pointer, operation)
        for desc in _descs(rendered):
            signature = next(iter(desc.findall(addnodes.desc_signature)), None)
            if signature is None or (str(signature.get("method", "")).lower(),
                                     signature.get("path")) != (operation.method,
                                                                operation.path):
                continue
            if operation.anchor not in signature["ids"]:
                signature["ids"].insert(0, operation.anchor)
            desc["classes"].append("guidebook-api-operation")
            content = next(iter(desc.findall(addnodes.desc_content)), None)
            if content is not None:
                if operation.audiences:
                    content.insert(0, self._audience_note(operation))
                content += self._more_examples(spec, operation)
        return rendered

    def _more_examples(self, spec: Spec, operation: Operation) -> list[nodes.Node]:
        """The named request examples the renderer leaves out (it shows the first only)."""
        extra = [example for example in iter_examples(spec)
                 if example.operation == operation.key
                 and example.place.startswith("request body")]
        if len(extra) < 2:
            return []
        result: list[nodes.Node] = [nodes.rubric("", "Request examples")]
        for example in extra:
            summary = spec.get(example.value_pointer.rpartition("/")[0]).get("summary", "")
            line = nodes.paragraph("", "", nodes.strong(example.name, example.name))
            if summary:
                line += nodes.Text(f": {' '.join(str(summary).split())}")
            text = json.dumps(example.value, indent=2, ensure_ascii=False)
            block = nodes.literal_block(text, text, language="json")
            block["classes"].append("guidebook-api-example")
            result += [line, block]
        return result

    def _audience_note(self, operation: Operation) -> nodes.paragraph:
        titles = {part.name: part.title for part in part_specs(self.env)}
        names = ", ".join(
            f"{titles[name]} ({name})" if name in titles else name
            for name in operation.audiences
        )
        return nodes.paragraph(
            "", "", nodes.strong("Audience:", "Audience:"), nodes.Text(f" {names}"),
            classes=["guidebook-api-audience"],
        )

    def _parse(
        self, lines: list[str], spec: Spec, pointer: str, operation: Operation | None
    ) -> list[nodes.Node]:
        """Parse rendered markup, blamed on the spec's line, with no file insertion."""
        line = spec.line_of(pointer)
        content = StringList()
        for text in lines:
            content.append(text, str(spec.path), line - 1)
        holder = nodes.section()
        holder.document = self.state.document
        settings = self.state.document.settings
        saved = getattr(settings, "file_insertion_enabled", True)
        settings.file_insertion_enabled = False  # spec text must not read local files
        try:
            nested_parse_with_titles(self.state, content, holder)
        finally:
            settings.file_insertion_enabled = saved
        label = f"{operation.key}: " if operation is not None else ""
        location = f"{spec.path}:{line}"

        def report(_node: nodes.Node, message: str) -> None:
            warn(WarningCode.OPENAPI_UNSAFE, f"{label}{message}", location=location)

        sanitize([holder], report)
        children = list(holder.children)
        holder.children = []
        for child in children:
            child.parent = None
        return children


def _descs(tree: list[nodes.Node]) -> list[addnodes.desc]:
    found: list[addnodes.desc] = []
    for top in tree:
        if isinstance(top, nodes.Element):
            found += [desc for desc in top.findall(addnodes.desc) if desc.get("domain") == "http"]
    return found


def directive_for(renderer_class: Any) -> type[OpenAPIDirective]:
    """guidebook's ``openapi`` directive around one sphinxcontrib-openapi renderer."""
    options: dict[str, Any] = {**OpenAPIDirective.option_spec, **renderer_class.option_spec}
    return type("OpenAPIDirective", (OpenAPIDirective,), {
        "renderer_class": renderer_class,
        "option_spec": options,
    })


# -- event handlers --------------------------------------------------------------------------


def default_renderer(app: Sphinx, config: Config) -> None:
    """Use the newer renderer unless conf.py (or -D) chose one."""
    chosen = user_config_values(config)
    if "openapi_default_renderer" not in chosen:
        config.openapi_default_renderer = DEFAULT_RENDERER


def register_directive(app: Sphinx, config: Config) -> None:
    """Replace sphinxcontrib-openapi's ``openapi`` directive with the checking one."""
    from sphinxcontrib import openapi as sphinx_openapi

    renderers = {**sphinx_openapi._BUILTIN_RENDERERS, **config.openapi_renderers}
    renderer_class = renderers[config.openapi_default_renderer]
    if not hasattr(renderer_class, "render_restructuredtext_markup"):
        raise OpenAPISpecError(
            f"openapi_default_renderer {config.openapi_default_renderer!r}: guidebook "
            "needs a reStructuredText renderer (httpdomain or httpdomain:old)")
    app.add_directive("openapi", directive_for(renderer_class), override=True)


def record_links(app: Sphinx, doctree: nodes.document) -> None:
    """Note each ``:api:`` link of the page with its line and its audience blocks."""
    links: list[LinkEntry] = []
    source = _SourceLines(app.env.doc2path(app.env.docname))
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") != ApiDomain.name:
            continue
        shown: set[str] | None = None
        ancestor = node.parent
        while ancestor is not None:
            if isinstance(ancestor, addnodes.only) and AUDIENCES_ATTR in ancestor:
                names = set(ancestor[AUDIENCES_ATTR])
                shown = names if shown is None else shown & names
            ancestor = ancestor.parent
        links.append((str(node["reftarget"]), source.find(node.rawsource, _line(node)),
                      tuple(sorted(shown)) if shown is not None else None))
    if links:
        get_api_domain(app.env).links[app.env.docname] = links


class _SourceLines:
    """Finds a role's own line: docutils gives inline nodes the line of their paragraph."""

    def __init__(self, path: str | Path) -> None:
        try:
            self.lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []
        self.used: set[tuple[int, int]] = set()

    def find(self, rawsource: str, start: int) -> int:
        first = rawsource.strip().splitlines()[0] if rawsource.strip() else ""
        if not first:
            return start
        for number in range(start, min(start + 500, len(self.lines)) + 1):
            column = self.lines[number - 1].find(first)
            while column >= 0 and (number, column) in self.used:
                column = self.lines[number - 1].find(first, column + 1)
            if column >= 0:
                self.used.add((number, column))
                return number
        return start


def _line(node: nodes.Node) -> int:
    current: nodes.Node | None = node
    while current is not None:
        if current.line:
            return int(current.line)
        current = current.parent
    return 1


def check_links(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about ``:api:`` links to unknown operations or to another audience's."""
    domain = get_api_domain(env)
    site = get_site(env)
    known = domain.operations
    for docname in sorted(domain.links):
        guides = [name for name in site.parts_of(docname) if site.parts[name].kind == "guide"]
        for key, line, shown in domain.links[docname]:
            entry = known.get(key)
            if entry is None:
                warn(WarningCode.OPENAPI_UNKNOWN_OPERATION, _unknown(key, list(known)),
                     location=(docname, line))
                continue
            audiences = entry[2]
            visible = [name for name in guides if shown is None or name in shown]
            if audiences and visible and not set(visible) & set(audiences):
                warn(
                    WarningCode.OPENAPI_AUDIENCE,
                    f"{key} is for {', '.join(audiences)} ({AUDIENCE_FIELD}), but this link "
                    f"is shown in {', '.join(visible)} (put it in an '.. audience:: "
                    f"{' '.join(audiences)}' block, or link to another operation)",
                    location=(docname, line),
                )


def _unknown(key: str, known: list[str]) -> str:
    if not known:
        return f"unknown API operation {key!r}: no page renders an OpenAPI spec"
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown API operation {key!r}{hint}"


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinxcontrib.openapi")
    app.add_domain(ApiDomain)
    app.add_role("api", ApiRole(innernodeclass=nodes.literal))
    app.connect("config-inited", default_renderer, priority=400)
    app.connect("config-inited", register_directive, priority=600)
    app.connect("doctree-read", record_links)
    app.connect("env-check-consistency", check_links)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
