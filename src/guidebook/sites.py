"""The site model: which pages each guide and part of the site includes.

It is derived from the configuration and the audience data of the environment; nothing
here is stored, so it is always consistent with what was read.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from guidebook.audiences import get_domain, page_rules, part_specs
from guidebook.audiences.model import page_parts
from guidebook.config import PartSpec

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


@dataclasses.dataclass
class Part:
    """A guide (an audience) or another part of the site, with the pages it includes."""

    spec: PartSpec
    docnames: set[str] = dataclasses.field(default_factory=set)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def root(self) -> str:
        return self.spec.root

    @property
    def description(self) -> str:
        return self.spec.description

    @property
    def kind(self) -> str:
        return self.spec.kind


@dataclasses.dataclass
class Site:
    """Every part of the site, in configuration order, and each page's parts."""

    parts: dict[str, Part]
    page_parts: dict[str, tuple[str, ...]]

    def parts_of(self, docname: str) -> list[str]:
        """The names of the parts that include *docname*, guides first, in conf.py order."""
        return list(self.page_parts.get(docname, ()))

    @property
    def guides(self) -> list[Part]:
        return [part for part in self.parts.values() if part.kind == "guide"]


def compute_site(env: BuildEnvironment) -> Site:
    """Build the site model from the environment's configuration and audience data."""
    specs = part_specs(env)
    declared = get_domain(env).declared
    rules = page_rules(env)
    parts = {spec.name: Part(spec) for spec in specs}
    membership: dict[str, tuple[str, ...]] = {}
    for docname in sorted(env.found_docs):
        entry = declared.get(docname)
        names = page_parts(docname, entry[0] if entry else None, specs, rules)
        membership[docname] = names
        for name in names:
            parts[name].docnames.add(docname)
    return Site(parts=parts, page_parts=membership)


def get_site(env: BuildEnvironment) -> Site:
    """The site model (computed afresh: cheap, linear in the number of pages)."""
    return compute_site(env)
