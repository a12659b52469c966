"""The site model: which pages each guide and part of the site includes.

It is derived from the configuration and the audience data of the environment; nothing
here is stored, so it is always consistent with what was read.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from guidebook.audiences import get_domain, page_rules
from guidebook.audiences.model import page_parts
from guidebook.config import GuidebookConfig, Part

if TYPE_CHECKING:
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

@dataclasses.dataclass
class Site:
    """Every part of the site, in configuration order, and each page's parts.

    :func:`configured_site` gives the site as conf.py describes it, before any page is
    read (no pages in any part); :func:`get_site` the site with every page in its parts.
    """

    config: GuidebookConfig
    parts: dict[str, Part]
    page_parts: dict[str, tuple[str, ...]]

    def parts_of(self, docname: str) -> list[str]:
        """The names of the parts that include *docname*, guides first, in conf.py order."""
        return list(self.page_parts.get(docname, ()))

    @property
    def all_parts(self) -> list[Part]:
        """Every guide and part as configured, guides first."""
        return list(self.parts.values())

    @property
    def guides(self) -> list[Part]:
        return [part for part in self.parts.values() if part.kind == "guide"]

    @property
    def guide_names(self) -> tuple[str, ...]:
        return tuple(part.name for part in self.guides)

    @property
    def notes_part(self) -> Part | None:
        """The part that holds every release note, if the site has one."""
        part = self.parts.get(self.config.releasenotes_part)
        return part


def configured_site(config: Config) -> Site:
    """The site as conf.py describes it (no pages yet); ConfigError on bad settings."""
    settings = GuidebookConfig.from_sphinx(config)
    parts = {part.name: part for part in settings.configured_parts()}
    return Site(config=settings, parts=parts, page_parts={})


def get_site(env: BuildEnvironment) -> Site:
    """The site model, from the environment's configuration and audience data.

    Computed afresh on every call: cheap, linear in the number of pages, and never stale.
    """
    site = configured_site(env.config)
    specs = site.all_parts
    declared = get_domain(env).declared
    rules = page_rules(env)
    pages: dict[str, set[str]] = {name: set() for name in site.parts}
    membership = site.page_parts
    for docname in sorted(env.found_docs):
        entry = declared.get(docname)
        names = page_parts(docname, entry[0] if entry else None, specs, rules)
        membership[docname] = names
        for name in names:
            pages[name].add(docname)
    site.parts = {name: dataclasses.replace(part, docnames=frozenset(pages[name]))
                  for name, part in site.parts.items()}
    return site
