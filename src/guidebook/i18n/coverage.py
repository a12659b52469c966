"""How much of each page and guide a language's catalogs translate.

Sphinx marks every translatable node it meets while reading a page with ``translated``
(:class:`sphinx.transforms.i18n.Locale`) and totals them in the doctree's
``translation_progress``; the totals are kept per page in the environment and summed per
guide here. A guide's share decides whether it is published in the language
(``guidebook_languages_threshold``) and is listed in the manifest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from guidebook.audiences import AUDIENCES_ATTR

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

#: The environment attribute with each page's (translated, total) messages.
ENV_ATTRIBUTE = "guidebook_translation_progress"


@dataclasses.dataclass(frozen=True)
class Progress:
    """Translated messages out of the translatable ones."""

    translated: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0

    @property
    def untranslated(self) -> bool:
        """Nothing on the page is translated (and there is something to translate)."""
        return self.total > 0 and self.translated == 0

    @property
    def partial(self) -> bool:
        return 0 < self.translated < self.total

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.translated + other.translated, self.total + other.total)


#: One page's messages: (translated, total, audiences) per group; audiences is None for
#: the messages every guide of the page shows, else the guides an audience block is for.
PageRecord = list[tuple[int, int, "tuple[str, ...] | None"]]


def page_progress(env: BuildEnvironment) -> dict[str, PageRecord]:
    """The environment's record of every page's progress (created when missing)."""
    record: dict[str, PageRecord] | None = getattr(env, ENV_ATTRIBUTE, None)
    if record is None:
        record = {}
        setattr(env, ENV_ATTRIBUTE, record)
    return record


def count_messages(doctree: nodes.document) -> PageRecord:
    """The page's translated and total messages, grouped by the audience blocks around
    them (as Sphinx's ``Locale`` transform marked them)."""
    groups: dict[tuple[str, ...] | None, list[int]] = {}
    for node in doctree.findall(nodes.Element):
        if "translated" not in node:
            continue
        counts = groups.setdefault(_audiences(node), [0, 0])
        counts[0] += 1 if node["translated"] else 0
        counts[1] += 1
    return [(translated, total, names) for names, (translated, total) in groups.items()]


def _audiences(node: nodes.Element) -> tuple[str, ...] | None:
    """The guides that show *node*: those of the innermost audience blocks around it."""
    shown: set[str] | None = None
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.only) and AUDIENCES_ATTR in parent:
            names = set(parent[AUDIENCES_ATTR])
            shown = names if shown is None else shown & names
        parent = parent.parent
    return None if shown is None else tuple(sorted(shown))


def of_pages(env: BuildEnvironment, docnames: Iterable[str], guide: str | None) -> Progress:
    """The messages of *docnames* that *guide* shows (all of them when *guide* is None)."""
    record = page_progress(env)
    translated = total = 0
    for docname in docnames:
        for done, count, names in record.get(docname, ()):
            if guide is None or names is None or guide in names:
                translated += done
                total += count
    return Progress(translated, total)


def withheld(shares: Mapping[str, Progress], threshold: float) -> frozenset[str]:
    """The guides and parts translated below *threshold*: published in the original only."""
    return frozenset(name for name, progress in shares.items() if progress.share < threshold)
