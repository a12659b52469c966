"""The API reference: an OpenAPI spec checked by guidebook and rendered as field tables.

``.. openapi:: openapi.yaml`` (guidebook's own directive, named as sphinxcontrib-openapi's
is) reads the spec and the files it refers to with the line of every value
(:mod:`~guidebook.openapi.spec`, :mod:`~guidebook.openapi.bundle`), validates it with
openapi-spec-validator, checks every example against its schema with jsonschema
(:mod:`~guidebook.openapi.examples`), once per build, then renders operations
(:mod:`~guidebook.openapi.render`). Every spec is paged: one generated page per tag
(:mod:`~guidebook.openapi.paging`, the specs found by :mod:`~guidebook.openapi.named`),
each ``.. openapi:: ... :group: <slug>``, and the page without ``:group:`` shows their
toctree. Problems are located warnings, never a refusal
(:mod:`~guidebook.openapi.authoring`); Swagger 2.0 is read as OpenAPI 3.0
(:mod:`~guidebook.openapi.swagger2`). Each operation is
a section titled by its summary, with a stable anchor derived from its method and path
(``api-get-v2-images``) and its ``x-audience`` under its heading. Text from the spec is
made inert (:mod:`~guidebook.openapi.sanitize`).

``:api:`GET /v2/images``` links a guide page to an operation; the links are checked after
reading (:mod:`~guidebook.openapi.links`).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from guidebook.audiences import configured_parts
from guidebook.config import OPENAPI_MARKUPS, GuidebookConfig
from guidebook.generated import toctree_of
from guidebook.openapi import html_nodes, links
from guidebook.openapi.bundle import load_spec
from guidebook.openapi.domain import ApiDomain, ApiRole, get_api_domain
from guidebook.openapi.markup import Markup, MarkupMemory
from guidebook.openapi.named import named_specs
from guidebook.openapi.paging import (
    GROUPINGS,
    Group,
    group_docname,
    group_operations,
    pages_folder,
    remove_pages,
    write_pages,
)
from guidebook.openapi.render import OperationRenderer
from guidebook.openapi.spec import (
    AUDIENCE_KEY,
    Operation,
    Spec,
    SpecError,
    join_pointer,
    spec_name,
)
from guidebook.openapi.validate import validate_spec
from guidebook.sphinx_internals import forget_read_doctree
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata, OptionSpec

logger = logging.getLogger(__name__)



class OpenAPISpecError(SphinxError):
    """The spec cannot be used: the build stops with this message (no traceback)."""

    category = "OpenAPI spec error"


# -- the directive ---------------------------------------------------------------------------


class OpenAPIDirective(SphinxDirective):
    """``.. openapi:: path/to/spec.yaml``: check the spec and render it, paged by group.

    With ``:group: <slug>`` (the generated pages) it renders one group's operations;
    without it, the groups' toctree, the spec being paged by ``:pages:`` (``tag`` by
    default; ``guidebook_openapi_pages`` for ``guidebook_openapi_spec``); with ``:pages:
    single``, every operation, grouped in one section per tag.
    """

    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[OptionSpec] = {
        "encoding": directives.encoding,
        "group": directives.unchanged_required,
        "pages": lambda value: directives.choice(value, GROUPINGS),
        "markup": lambda value: directives.choice(value, OPENAPI_MARKUPS),
        "response-examples-for": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        relpath, abspath = self.env.relfn2path(directives.path(self.arguments[0]))
        self.env.note_dependency(relpath)
        spec = self._checked_spec(Path(abspath))
        spec_docpath = relpath.strip("/")
        grouping = _grouping(self.env, spec_docpath, self.options.get("pages"))
        slug = self.options.get("group")
        if slug is None and grouping == "single":
            return self._single_page(spec, group_operations(spec, "tag"))
        groups = group_operations(spec, grouping)
        if slug is None:
            for option in ("markup", "response-examples-for"):
                if option in self.options:
                    setting = "guidebook_openapi_" + (
                        "markup" if option == "markup" else "response_examples")
                    warn(WarningCode.OPENAPI_INVALID,
                         f":{option}: does not reach the generated pages of a paged API "
                         f"reference: set {setting} in conf.py",
                         location=self.get_location())
            return [self._toctree(_folder(self.env, spec_docpath), groups)]
        group = next((group for group in groups if group.slug == slug), None)
        if group is None:
            warn(WarningCode.OPENAPI_INVALID,
                 f"no operation group {slug!r} in {spec.path.name} (groups: "
                 f"{', '.join(group.slug for group in groups) or 'none'})",
                 location=self.get_location())
            return []
        self._register(spec, group.operations)
        renderer = self._renderer(spec)
        result: list[nodes.Node] = []
        if group.description:
            result += renderer.markup.parse(group.description, group.description_pointer)
        result += [renderer.render(operation, self._audience_note(operation))
                   for operation in group.operations]
        return result

    def _single_page(self, spec: Spec, groups: list[Group]) -> list[nodes.Node]:
        self._register(spec, spec.operations())
        renderer = self._renderer(spec)
        result: list[nodes.Node] = []
        for group in groups:
            section = nodes.section()
            section_id = nodes.make_id(f"api-tag-{group.title}")
            section["ids"].append(section_id)
            self.state.document.ids.setdefault(section_id, section)
            section += nodes.title(group.title, group.title)
            if group.description:
                section += renderer.markup.parse(group.description, group.description_pointer)
            section += [renderer.render(operation, self._audience_note(operation))
                        for operation in group.operations]
            result.append(section)
        return result

    def _toctree(self, folder: str, groups: list[Group]) -> nodes.Node:
        docnames = [group_docname(folder, group.slug) for group in groups]
        return toctree_of(self, docnames, titlesonly=True, classes=("guidebook-api-groups",))

    def _renderer(self, spec: Spec) -> OperationRenderer:
        domain = get_api_domain(self.env)
        config = GuidebookConfig.from_sphinx(self.config)
        markdown = self.options.get("markup", config.openapi_markup) != "restructuredtext"

        def report(broken: bool, message: str, pointer: str) -> None:
            warn(WarningCode.OPENAPI_MARKUP if broken else WarningCode.OPENAPI_UNSAFE, message,
                 location=spec.location(pointer))

        memory = domain.markup.setdefault((str(spec.path), markdown), MarkupMemory())
        markup = Markup(self.state, markdown, str(spec.path), spec.line_of, report, memory)
        statuses = self.options.get("response-examples-for")
        wanted = frozenset(statuses.split() if statuses else
                           (str(status) for status in config.openapi_response_examples))
        cache = domain.tables.setdefault((str(spec.path), markdown), {})
        return OperationRenderer(self.state, spec, markup, wanted, cache)

    # -- reading and checking the spec --

    def _checked_spec(self, path: Path) -> Spec:
        """The parsed spec; its problems are reported the first time a build meets it."""
        domain = get_api_domain(self.env)
        key = str(path)
        if key in domain.checked:
            return domain.specs[key]
        spec = read_spec(domain, path, self.options.get("encoding", self.config.source_encoding))
        domain.checked.add(key)
        # Every problem is a located warning (--strict fails on it): the reference renders
        # whatever can be rendered, as Redoc does, rather than refusing the spec.
        # Here, not at the top: jsonschema and referencing cost every build, also one
        # without an API reference, a tenth of a second of start-up (issue 28).
        from guidebook.openapi.examples import check_examples, check_schema_values

        for problem in [*validate_spec(spec), *check_schema_values(spec)]:
            code = (WarningCode.OPENAPI_CHECK_LIMIT if problem.limitation
                    else WarningCode.OPENAPI_EXAMPLE if problem.example
                    else WarningCode.OPENAPI_INVALID)
            warn(code, problem.message, location=spec.where(problem))
        example_problems, checked = check_examples(spec)
        for problem in example_problems:
            warn(WarningCode.OPENAPI_EXAMPLE, problem.message,
                 location=spec.location(problem.pointer))
        self._check_audiences(spec)
        logger.info("guidebook: %s: %d operations, %d examples checked", path.name,
                    len(spec.operations()), checked)
        return spec

    def _check_audiences(self, spec: Spec) -> None:
        guides = {part.name for part in configured_parts(self.env) if part.kind == "guide"}
        for operation in spec.operations():
            pointer = join_pointer(operation.pointer, AUDIENCE_KEY)
            raw = spec.get(operation.pointer).get(AUDIENCE_KEY)
            if raw is None:
                continue
            if not isinstance(raw, list) or not raw:
                warn(WarningCode.OPENAPI_AUDIENCE,
                     f"{operation.key}: {AUDIENCE_KEY} must be a non-empty list of guide "
                     f"names (known: {', '.join(sorted(guides))})",
                     location=spec.location(pointer))
                continue
            for name in operation.audiences:
                if name not in guides:
                    warn(WarningCode.OPENAPI_AUDIENCE,
                         f"{operation.key}: unknown audience {name!r} in {AUDIENCE_KEY} "
                         f"(known: {', '.join(sorted(guides))})",
                         location=spec.location(pointer))

    def _register(self, spec: Spec, operations: list[Operation]) -> None:
        domain = get_api_domain(self.env)
        domain.api_pages.add(self.env.docname)
        name = spec_name(spec.path)
        for operation in operations:
            where = spec.location(operation.pointer)
            entry = (self.env.docname, operation.anchor, operation.audiences,
                     operation.summary, where)
            qualified = f"{name}:{operation.key}"
            other = domain.operations.get(qualified)
            if other is not None and other[0] != self.env.docname and \
                    other[4].rpartition(":")[0] == str(spec.file_of(operation.pointer)):
                warn(WarningCode.OPENAPI_INVALID,
                     f"{operation.key} is also rendered in {other[0]!r}; "
                     "links go to the first one",
                     location=self.get_location())
                continue
            domain.operations[qualified] = entry
            # Unqualified too: a link naming no spec works while one spec has the operation
            # (links.check_links reports one that several specs have).
            domain.operations.setdefault(operation.key, entry)

    def _audience_note(self, operation: Operation) -> nodes.paragraph | None:
        if not operation.audiences:
            return None
        titles = {part.name: part.title for part in configured_parts(self.env)}
        names = ", ".join(
            f"{titles[name]} ({name})" if name in titles else name
            for name in operation.audiences
        )
        return nodes.paragraph(
            "", "", nodes.strong("Audience:", "Audience:"), nodes.Text(f" {names}"),
            classes=["guidebook-api-audience"],
        )


def read_spec(domain: ApiDomain, path: Path, encoding: str) -> Spec:
    """The spec at *path*, parsed once per build (the page generator reads it first)."""
    key = str(path)
    spec = domain.specs.get(key)
    if spec is None:
        try:
            spec = load_spec(path, encoding)
        except SpecError as exc:
            raise OpenAPISpecError(f"{exc}; the API reference cannot be built") from None
        if not spec.operations():
            raise OpenAPISpecError(
                f"{spec.location('/paths' if 'paths' in spec.data else '')}: the OpenAPI spec "
                "has no operations (paths with get, post, ...); the API reference cannot be "
                "built")
        domain.specs[key] = spec
    return spec


def _configured(env: BuildEnvironment) -> tuple[str, str]:
    """The configured spec (source-relative, posix) and grouping."""
    config = GuidebookConfig.from_sphinx(env.config)
    return config.openapi_spec.strip().strip("/"), config.openapi_pages


def _grouping(env: BuildEnvironment, spec_docpath: str, option: str | None) -> str:
    """How the spec at *spec_docpath* is paged: the directive's ``:pages:``, else the
    configured grouping for the configured spec, else by tag."""
    if option:
        return option
    configured, grouping = _configured(env)
    if spec_docpath == configured:
        return grouping
    return "tag"


def _folder(env: BuildEnvironment, spec_docpath: str) -> str:
    return pages_folder(spec_docpath, spec_docpath == _configured(env)[0])


# -- event handlers --------------------------------------------------------------------------


def generate_pages(app: Sphinx) -> None:
    """Write one page per group of every paged spec, before Sphinx looks for documents."""
    configured = _configured(app.env)[0]
    srcdir = Path(app.srcdir)
    conf_py = str(Path(app.confdir, "conf.py"))
    #: spec -> (grouping, where it was named); the configured spec is paged unless single.
    paged: dict[str, tuple[str, str]] = {}
    if (srcdir / configured).is_file():
        paged[configured] = (_grouping(app.env, configured, None), conf_py)
    for named in named_specs(srcdir, app.config.exclude_patterns):
        if (srcdir / named.spec_docpath).is_file() and (
                named.pages or named.spec_docpath not in paged):
            paged[named.spec_docpath] = (
                _grouping(app.env, named.spec_docpath, named.pages or None), named.location)
    if paged.get(configured, ("single",))[0] == "single":
        remove_pages(srcdir, pages_folder(configured, True))
    for spec_docpath, (spec_grouping, where) in paged.items():
        if spec_grouping == "single":
            continue
        try:
            spec = read_spec(get_api_domain(app.env), srcdir / spec_docpath,
                             app.config.source_encoding)
        except OpenAPISpecError:
            continue  # reported, with its line, by the directive that renders the spec
        folder = pages_folder(spec_docpath, spec_docpath == configured)
        top = spec_docpath.split("/", 1)[0] if "/" in spec_docpath else ""
        part = next((spec_.name for spec_ in configured_parts(app.env)
                     if spec_.kind == "part" and spec_.folder == top and top), None)
        for kept in write_pages(srcdir, folder, spec_docpath,
                                group_operations(spec, spec_grouping), part):
            warn(WarningCode.OPENAPI_INVALID,
                 f"{kept} was not written by guidebook: the page of that group of "
                 f"{spec_docpath} is not generated (rename the file, or page the spec "
                 "with :pages: single)", location=where)


def forget_api_doctrees(app: Sphinx, *_args: object) -> None:
    """Let the doctrees of the API pages read so far go from memory (they are pickled).

    Sphinx keeps every doctree read until it writes the page; an API reference's pages are
    the largest of a site (GitHub's 1,223 operations: over 1 GB of doctrees at once).
    Called when the next page has been read, and when all have.
    """
    domain = get_api_domain(app.env)
    reading = bool(app.env.temp_data.get("docname"))
    current = app.env.docname if reading else ""
    for docname in [name for name in domain.api_pages if name != current]:
        forget_read_doctree(app.env, docname)
        domain.api_pages.discard(docname)
        _garbage(app, docname)
    if not reading:
        _collect(app, 0)


def collect_written_api_page(app: Sphinx, _doctree: nodes.document, docname: str) -> None:
    """Count the doctree of the API page written before this one as garbage (see
    :func:`forget_api_doctrees`): pages are written one after the other."""
    domain = get_api_domain(app.env)
    if domain.written_api_page:
        _garbage(app, domain.written_api_page)
    is_api = docname in {entry[0] for entry in domain.operations.values()}
    domain.written_api_page = docname if is_api else ""


#: Doctrees left for the garbage collector, in pickled bytes, before a collection is asked
#: for: pickled, a doctree is about a twelfth of its size in memory.
GARBAGE_PICKLED_BYTES = 8 * 1024 * 1024


def _garbage(app: Sphinx, docname: str) -> None:
    """Count *docname*'s doctree, just dropped, and collect when enough has been."""
    try:
        size = (Path(app.doctreedir) / f"{docname}.doctree").stat().st_size
    except OSError:
        size = 0
    _collect(app, size)


def _collect(app: Sphinx, size: int) -> None:
    # A doctree is a web of cycles (each node knows its parent): only a full collection
    # frees it, which Python runs rarely while a build allocates; each costs a scan of
    # every object, so it runs once some megabytes of doctrees are waiting.
    domain = get_api_domain(app.env)
    domain.garbage += size
    if domain.garbage >= (GARBAGE_PICKLED_BYTES if size else 1):
        gc.collect()
        domain.garbage = 0


def setup(app: Sphinx) -> ExtensionMetadata:
    # httpdomain directly: guidebook's own ``openapi`` directive renders the spec, so
    # sphinxcontrib-openapi (whose import warns about jsonschema's RefResolver) is not needed.
    app.setup_extension("sphinxcontrib.httpdomain")
    app.add_domain(ApiDomain)
    html_nodes.register(app)
    app.add_role("api", ApiRole(innernodeclass=nodes.literal))
    app.add_directive("openapi", OpenAPIDirective)
    app.connect("builder-inited", generate_pages)
    app.connect("doctree-read", links.record_links)
    app.connect("doctree-read", forget_api_doctrees)
    app.connect("env-updated", forget_api_doctrees)
    app.connect("doctree-resolved", collect_written_api_page)
    app.connect("env-check-consistency", links.check_links)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
