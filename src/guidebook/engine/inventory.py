"""The part's ``objects.inv`` and general index: only the objects and entries it shows.

The environment's domains and index entries cover the whole tree; a guide's inventory and
``genindex.html`` list only the guide's pages, minus what its readers never see (objects
and index entries inside another guide's ``.. audience::`` blocks).
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from sphinx.util.inventory import InventoryFile

from guidebook.audiences import get_domain

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.domains import Domain
    from sphinx.environment import BuildEnvironment

    from guidebook.config import Part


class PartDomain:
    """A view of a domain that lists only the objects one part shows."""

    def __init__(self, domain: Domain, docnames: Set[str], hidden: Set[tuple[str, str]]) -> None:
        self._domain = domain
        self._docnames = docnames
        self._hidden = hidden

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for entry in self._domain.get_objects():
            docname, anchor = entry[3], entry[4]
            if docname in self._docnames and (docname, anchor) not in self._hidden:
                yield entry

    def __getattr__(self, name: str) -> Any:
        return getattr(self._domain, name)


class PartDomains:
    """The environment's domains as one part sees them."""

    def __init__(self, env: BuildEnvironment, part: Part) -> None:
        self._env = env
        self._docnames = part.docnames
        self._hidden = get_domain(env).hidden_ids(part.name, part.docnames)

    def sorted(self) -> Iterator[PartDomain]:
        for domain in self._env.domains.sorted():
            yield PartDomain(domain, self._docnames, self._hidden)


def dump_part_inventory(env: BuildEnvironment, part: Part, folder: Path,
                        link_suffix: str) -> None:
    """Write the part's ``objects.inv`` into *folder* (the part's), its URIs relative to it."""
    view = SimpleNamespace(config=env.config, domains=PartDomains(env, part))
    uris = SimpleNamespace(
        get_target_uri=lambda docname, typ=None: quote(part.path_in_part(docname)) + link_suffix)
    InventoryFile.dump(folder / "objects.inv", cast("Any", view), cast("Any", uris))


