"""The API domain: the operations the reference renders and the ``:api:`` links to them.

Everything per document lives in ``self.data`` so it is pickled with the environment,
cleared when a document is re-read and merged after a parallel read. The parsed specs are a
cache for one build only and live on the domain instance, never in the pickle.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from guidebook.openapi.markup import MarkupMemory
from guidebook.openapi.spec import Spec, normalize_key

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: (docname, anchor, x-audience names, summary, "path:line" of the operation in the spec)
OperationEntry = tuple[str, str, tuple[str, ...], str, str]
#: (operation key, line, the guides of the enclosing audience blocks or None)
LinkEntry = tuple[str, int, tuple[str, ...] | None]


class ApiRole(XRefRole):
    """``:api:`GET /v2/images``` or ``:api:`list images <GET /v2/images>```."""

    def process_link(
        self, env: BuildEnvironment, refnode: nodes.Element, has_explicit_title: bool,
        title: str, target: str,
    ) -> tuple[str, str]:
        return title, normalize_key(target)

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        # Registered as the plain role ``api``: the domain is fixed, not taken from the name.
        self.refdomain, self.reftype = ApiDomain.name, "operation"
        self.classes = ["xref", ApiDomain.name, f"{ApiDomain.name}-operation"]
        if self.disabled:
            return self.create_non_xref_node()
        return self.create_xref_node()


class ApiDomain(Domain):
    """Operations (from ``.. openapi::``) and the ``:api:`` links of every page."""

    name = "guidebook-api"
    label = "API operations"
    object_types = {"operation": ObjType("API operation", "operation")}  # noqa: RUF012
    roles = {"operation": ApiRole(innernodeclass=nodes.literal)}  # noqa: RUF012
    initial_data = {  # noqa: RUF012
        "operations": {},
        "links": {},
    }
    data_version = 1

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        #: Specs parsed during this build, by absolute path (never pickled).
        self.specs: dict[str, Spec] = {}
        #: Specs whose problems were reported during this build.
        self.checked: set[str] = set()
        #: Field tables built during this build, by (spec, Markdown or not) then schema pointer.
        self.tables: dict[tuple[str, bool], dict[str, bytes]] = {}
        #: Converted and reported descriptions, by (spec, Markdown or not).
        self.markup: dict[tuple[str, bool], MarkupMemory] = {}
        #: Pages read in this build that render operations (large: their doctrees are not
        #: kept in memory until writing, see :func:`guidebook.openapi.forget_api_doctrees`).
        self.api_pages: set[str] = set()
        #: The page written last, when it rendered operations (else "").
        self.written_api_page = ""
        #: Pickled bytes of the API doctrees dropped since the last garbage collection.
        self.garbage = 0

    @property
    def operations(self) -> dict[str, OperationEntry]:
        return self.data.setdefault("operations", {})  # type: ignore[no-any-return]

    @property
    def links(self) -> dict[str, list[LinkEntry]]:
        return self.data.setdefault("links", {})  # type: ignore[no-any-return]

    def clear_doc(self, docname: str) -> None:
        for key, entry in list(self.operations.items()):
            if entry[0] == docname:
                del self.operations[key]
        self.links.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key, entry in otherdata.get("operations", {}).items():
            if entry[0] in docnames:
                self.operations[key] = entry
        for docname, links in otherdata.get("links", {}).items():
            if docname in docnames:
                self.links[docname] = links

    def resolve_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, typ: str,
        target: str, node: pending_xref, contnode: nodes.Element,
    ) -> nodes.reference | None:
        entry = self.operations.get(normalize_key(target))
        if entry is None:
            return None  # reported once, with its line, by check_links
        docname, anchor, _audiences, summary, _where = entry
        return make_refnode(builder, fromdocname, docname, anchor, contnode,
                            summary or normalize_key(target))

    def resolve_any_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, target: str,
        node: pending_xref, contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        ref = self.resolve_xref(env, fromdocname, builder, "operation", target, node, contnode)
        return [("guidebook-api:operation", ref)] if ref is not None else []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for key, (docname, anchor, _audiences, _summary, _where) in self.operations.items():
            yield key, key, "operation", docname, anchor, 1

    def known(self) -> Iterable[str]:
        return self.operations.keys()


def get_api_domain(env: BuildEnvironment) -> ApiDomain:
    return cast("ApiDomain", env.domains[ApiDomain.name])
