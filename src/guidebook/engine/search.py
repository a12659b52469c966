"""The part's search index: Sphinx's indexer with state of its own, the part's pages only.

Sphinx keeps the indexer's state on the environment, shared by every build of it: each
part needs its own, or one guide's words would land in another's ``searchindex.js``.

The index names each page by where it is published in the part (``sharing`` for
``user/sharing``, see :mod:`guidebook.urls`): Sphinx's search page links a result as that
name plus the suffix, relative to the search page at the top of the part's folder.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Set
from typing import TYPE_CHECKING, Any

from sphinx.search import IndexBuilder
from sphinx.util import logging

from guidebook.engine.inventory import PartDomains
from guidebook.sphinx_internals import (
    drop_unused_search_words,
    get_search_index_entries,
    reset_search_index_state,
    set_search_domains,
    set_search_index_entries,
)
from guidebook.urls import GENERATED_PAGES

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.environment import BuildEnvironment

    from guidebook.config import Part

logger = logging.getLogger(__name__)


class PartIndexBuilder(IndexBuilder):
    """Sphinx's search indexer with state of its own, listing only the part's objects."""

    def __init__(self, env: BuildEnvironment, part: Part, stem_cache: dict[str, str]) -> None:
        config = env.config
        super().__init__(
            env,
            config.html_search_language or config.language,
            config.html_search_options,
            config.html_search_scorer,
        )
        reset_search_index_state(self)
        set_search_domains(self, PartDomains(env, part))
        self._part = part
        # A shared page is indexed once per guide; Sphinx memoises stems per page only.
        stem = self.lang.stem

        def cached_stem(word: str) -> str:
            stemmed = stem_cache.get(word)
            if stemmed is None:
                stemmed = stem_cache[word] = stem(word)
            return stemmed

        self.lang.stem = cached_stem  # type: ignore[method-assign]

    def load(self, stream: Any, format: Any) -> None:
        """Load the part's previous index, index entries included.

        Sphinx's loader skips the index entries (it keeps them on the environment, which
        is shared by every part): rebuild them from the file, or an incremental build
        would drop the entries of every page it does not rewrite.
        """
        if isinstance(format, str):
            format = self.formats[format]
        frozen = format.loads(stream.read())
        if not isinstance(frozen, dict) or not isinstance(frozen.get("docnames"), list):
            raise ValueError("not a search index")
        docname_at = {self._part.path_in_part(doc): doc
                      for doc in [*self._part.docnames, *GENERATED_PAGES]}
        frozen["docnames"] = docnames = [docname_at.get(name, name)
                                         for name in frozen["docnames"]]
        super().load(io.StringIO(format.dumps(frozen)), format)
        entries: dict[str, list[tuple[str, str, str]]] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc_index, target_id, main in places:
                entries.setdefault(docnames[doc_index], []).append(
                    (entry, target_id, "main" if main else "")
                )
        set_search_index_entries(self, {doc: sorted(found) for doc, found in entries.items()})

    def freeze(self) -> dict[str, Any]:
        """Sphinx's frozen index, each page named by its path in the part."""
        frozen = super().freeze()
        frozen["docnames"] = tuple(self._part.path_in_part(doc) for doc in frozen["docnames"])
        return frozen

    def prune(self, docnames: Iterable[str]) -> None:
        """Sphinx's prune, and the index entries and emptied words too (Sphinx keeps
        them; a fresh build has none)."""
        keep = set(docnames)
        super().prune(keep)
        drop_unused_search_words(self)
        set_search_index_entries(self, {
            doc: found for doc, found in get_search_index_entries(self).items() if doc in keep
        })


def load_part_indexer(env: BuildEnvironment, part: Part, docnames: Set[str],
                      stem_cache: dict[str, str], index_file: Path,
                      index_format: Any) -> PartIndexBuilder:
    """The part's indexer, holding its previous index (*index_file*, in Sphinx's
    *index_format*) minus the pages about to be written."""
    indexer = PartIndexBuilder(env, part, stem_cache)
    keep: set[str] = set(part.docnames - set(docnames))
    try:
        with open(index_file, encoding="utf-8") as stream:
            indexer.load(stream, index_format)
    except (OSError, ValueError):
        if keep:
            logger.info("guidebook: no search index in %s yet; rewriting all its pages",
                        part.name)
            keep = set()
    indexer.prune(keep)
    return indexer
