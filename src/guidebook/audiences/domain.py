"""Per-document audience data, kept in a Sphinx domain so parallel reads merge it."""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import Any

from sphinx.domains import Domain


class AudienceDomain(Domain):
    """Holds what each document declares about its audiences.

    ``declared``: docname -> (audience names, line) for pages with an ``:audience:`` field.
    ``page_types``: docname -> page type from the ``:page-type:`` field.
    ``blocks``: docname -> [(line, audience names)] for every ``.. audience::`` block.
    ``hidden``: docname -> [(audience names, ids)]: the ids inside audience blocks, with the
    guides that may see them (nested blocks intersect), so inventories, indices and search
    objects of other guides can leave them out.
    """

    name = "guidebook"
    label = "guidebook"
    initial_data = {  # noqa: RUF012 (Sphinx's declared class attribute)
        "declared": {},
        "page_types": {},
        "blocks": {},
        "hidden": {},
    }
    data_version = 1

    @property
    def declared(self) -> dict[str, tuple[tuple[str, ...], int]]:
        return self.data.setdefault("declared", {})  # type: ignore[no-any-return]

    @property
    def page_types(self) -> dict[str, str]:
        return self.data.setdefault("page_types", {})  # type: ignore[no-any-return]

    @property
    def blocks(self) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
        return self.data.setdefault("blocks", {})  # type: ignore[no-any-return]

    @property
    def hidden(self) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
        return self.data.setdefault("hidden", {})  # type: ignore[no-any-return]

    def clear_doc(self, docname: str) -> None:
        for key in ("declared", "page_types", "blocks", "hidden"):
            self.data.setdefault(key, {}).pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in ("declared", "page_types", "blocks", "hidden"):
            mine = self.data.setdefault(key, {})
            for docname, value in otherdata.get(key, {}).items():
                if docname in docnames:
                    mine[docname] = value

    def hidden_ids(self, part: str, docnames: Iterable[str]) -> set[tuple[str, str]]:
        """(docname, id) pairs inside audience blocks that *part* does not see."""
        result: set[tuple[str, str]] = set()
        for docname in docnames:
            for audiences, ids in self.hidden.get(docname, ()):
                if part not in audiences:
                    result.update((docname, node_id) for node_id in ids)
        return result

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []
