"""The part's search index: Sphinx's indexer with state of its own, the part's pages only.

Sphinx keeps the indexer's state on the environment, shared by every build of it: each
part needs its own, or one guide's words would land in another's ``searchindex.js``.
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

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder

    from guidebook.sites import Part

logger = logging.getLogger(__name__)


class PartIndexBuilder(IndexBuilder):
    """Sphinx's search indexer with state of its own, listing only the part's objects."""

    def __init__(self, builder: StandaloneHTMLBuilder, part: Part,
                 stem_cache: dict[str, str]) -> None:
        config = builder.config
        super().__init__(
            builder.env,
            config.html_search_language or config.language,
            config.html_search_options,
            config.html_search_scorer,
        )
        reset_search_index_state(self)
        set_search_domains(self, PartDomains(builder.env, part))
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
        text = stream.read()
        super().load(io.StringIO(text), format)
        if isinstance(format, str):
            format = self.formats[format]
        frozen = format.loads(text)
        docnames = frozen["docnames"]
        entries: dict[str, list[tuple[str, str, str]]] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc_index, target_id, main in places:
                entries.setdefault(docnames[doc_index], []).append(
                    (entry, target_id, "main" if main else "")
                )
        set_search_index_entries(self, {doc: sorted(found) for doc, found in entries.items()})

    def prune(self, docnames: Iterable[str]) -> None:
        """Sphinx's prune, and the index entries and emptied words too (Sphinx keeps
        them; a fresh build has none)."""
        keep = set(docnames)
        super().prune(keep)
        drop_unused_search_words(self)
        set_search_index_entries(self, {
            doc: found for doc, found in get_search_index_entries(self).items() if doc in keep
        })


def load_part_indexer(builder: StandaloneHTMLBuilder, part: Part, docnames: Set[str],
                      stem_cache: dict[str, str]) -> PartIndexBuilder:
    """The part's indexer, holding its previous index minus the pages about to be written."""
    indexer = PartIndexBuilder(builder, part, stem_cache)
    keep = part.docnames - set(docnames)
    try:
        with open(builder.outdir / builder.searchindex_filename, encoding="utf-8") as stream:
            indexer.load(stream, builder.indexer_format)
    except (OSError, ValueError):
        if keep:
            logger.info("guidebook: no search index in %s yet; rewriting all its pages",
                        part.name)
            keep = set()
    indexer.prune(keep)
    return indexer
