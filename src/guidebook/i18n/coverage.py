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
from typing import TYPE_CHECKING, Any

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

    def as_json(self) -> dict[str, Any]:
        return {"translated": self.translated, "total": self.total,
                "share": round(self.share, 4)}


def page_progress(env: BuildEnvironment) -> dict[str, tuple[int, int]]:
    """The environment's record of every page's progress (created when missing)."""
    record: dict[str, tuple[int, int]] | None = getattr(env, ENV_ATTRIBUTE, None)
    if record is None:
        record = {}
        setattr(env, ENV_ATTRIBUTE, record)
    return record


def of_page(env: BuildEnvironment, docname: str) -> Progress:
    translated, total = page_progress(env).get(docname, (0, 0))
    return Progress(translated, total)


def of_pages(env: BuildEnvironment, docnames: Iterable[str]) -> Progress:
    record = page_progress(env)
    result = Progress()
    for docname in docnames:
        translated, total = record.get(docname, (0, 0))
        result = result + Progress(translated, total)
    return result


def withheld(shares: Mapping[str, Progress], threshold: float) -> frozenset[str]:
    """The guides and parts translated below *threshold*: published in the original only."""
    return frozenset(name for name, progress in shares.items() if progress.share < threshold)
