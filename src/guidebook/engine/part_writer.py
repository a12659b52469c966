"""Writing one guide or part: every piece of shared state it swaps, in one place.

Sphinx has one environment, one application and one HTML builder for the whole site;
guidebook writes the site one guide or part at a time (the builder's ``write_documents``:
its PDF first, then its pages, then its indices). Whatever has to look different while
one part is written is swapped here, and put back when the part is done, also when
writing it failed:

- :func:`writing`, around the whole part: the builder's tags hold the part's audience tag
  (so ``.. audience::`` blocks for other guides drop out through Sphinx's own ``only``
  machinery), the environment's tables of contents and toctree includes list only the
  part's pages, the search index goes to the part's folder, and the builder's ``current``
  part is set. The output folder stays the site root, so every page finds the one
  ``_static/``, ``_images/`` and ``_downloads/`` there.
- :func:`part_index_entries`, around the general index (``genindex.html``): the index
  domain's entries are the part's, minus those its readers never see.
- around the part's PDF (:mod:`guidebook.pdf`): :func:`conf_latex_settings` gives the
  LaTeX builder conf.py's LaTeX settings, not an HTML theme's; :func:`writing_as` makes
  the LaTeX builder the application's builder (and the class Sphinx 9's post-transforms
  check) with the LaTeX tags in place of the HTML ones; :func:`part_indices` limits each
  domain's indices to the PDF's pages.

The writers themselves take narrow views, not the builder: the inventory
(:mod:`.inventory`) the environment and the part's folder, the search index
(:mod:`.search`) the environment and its file, the PDF writer a
:class:`~guidebook.pdf.PdfSite`.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterable, Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.domains import Index, IndexEntry

from guidebook.audiences import get_domain
from guidebook.audiences.model import audience_tag
from guidebook.engine.navigation import filtered_tocs
from guidebook.sphinx_internals import (
    forget_evaluated_conditions,
    post_transform_builder_class,
    set_post_transform_builder_class,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.tags import Tags

    from guidebook.config import Part
    from guidebook.engine.part_navigation import PartNavigation


class ScopedBuilder(Protocol):
    """The builder state a part's writing scopes (the guidebook builder has it)."""

    env: BuildEnvironment
    tags: Tags
    site_root: Path
    current: Part | None
    searchindex_filename: str
    images: dict[str, str]
    navigation: PartNavigation


@contextlib.contextmanager
def writing(builder: ScopedBuilder, part: Part) -> Iterator[None]:
    """Scope *builder* to *part* for the ``with`` block: tags, env views, search index."""
    env = builder.env
    saved_tocs, saved_includes = env.tocs, env.toctree_includes
    tag = audience_tag(part.name)
    tag_was_set = tag in builder.tags
    try:
        builder.current = part
        (builder.site_root / part.name).mkdir(parents=True, exist_ok=True)
        builder.searchindex_filename = part_search_index(part)
        builder.tags.add(tag)
        forget_evaluated_conditions(builder.tags)
        builder.images = {}
        builder.navigation.forget_rendered()
        env.tocs = filtered_tocs(env, part.docnames)
        env.toctree_includes = {
            doc: [child for child in children if child in part.docnames]
            for doc, children in saved_includes.items()
            if doc in part.docnames
        }
        yield
    finally:
        if not tag_was_set:
            builder.tags.remove(tag)
        forget_evaluated_conditions(builder.tags)
        env.tocs, env.toctree_includes = saved_tocs, saved_includes
        builder.current = None
        builder.navigation.forget_rendered()
        builder.searchindex_filename = StandaloneHTMLBuilder.searchindex_filename


def part_search_index(part: Part) -> str:
    """The part's search index, from the site root: ``user/searchindex.js``."""
    return f"{part.name}/{StandaloneHTMLBuilder.searchindex_filename}"


@contextlib.contextmanager
def part_index_entries(env: BuildEnvironment, part: Part) -> Iterator[None]:
    """While the general index is written, show it only the part's visible entries."""
    domain = env.domains.index_domain
    hidden = get_domain(env).hidden_ids(part.name, part.docnames)
    entries = domain.data.setdefault("entries", {})
    domain.data["entries"] = {
        doc: [entry for entry in doc_entries if (doc, entry[2]) not in hidden]
        for doc, doc_entries in entries.items()
        if doc in part.docnames
    }
    try:
        yield
    finally:
        domain.data["entries"] = entries


# -- the part's PDF ----------------------------------------------------------------------


#: The LaTeX settings conf.py made, per application (see :func:`keep_conf_latex_settings`).
_CONF_LATEX: weakref.WeakKeyDictionary[Sphinx, dict[str, Any]] = weakref.WeakKeyDictionary()
_LATEX_SETTINGS = ("latex_engine", "latex_elements")


def keep_conf_latex_settings(app: Sphinx, config: Config) -> None:
    """Remember the LaTeX engine and elements as conf.py set them.

    An HTML theme may change them when its builder starts (openstackdocstheme switches to
    xelatex and adds a preamble of its own that stops LaTeX with ``-halt-on-error``);
    guidebook's PDFs are written with the settings of conf.py, Sphinx's defaults if none.
    """
    _CONF_LATEX[app] = {name: getattr(config, name) for name in _LATEX_SETTINGS}


def conf_latex_setting(app: Sphinx, name: str) -> Any:
    """The LaTeX setting *name* as conf.py made it (``latex_engine``, ``latex_elements``)."""
    return _CONF_LATEX.get(app, {}).get(name, getattr(app.config, name))


@contextlib.contextmanager
def conf_latex_settings(app: Sphinx) -> Iterator[None]:
    """While the PDF is written, the LaTeX settings are conf.py's."""
    wanted = _CONF_LATEX.get(app, {})
    saved = {name: getattr(app.config, name) for name in wanted}
    for name, value in wanted.items():
        setattr(app.config, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(app.config, name, value)


def builder_tags(builder: Builder) -> frozenset[str]:
    """The tags Sphinx sets for *builder* when it is made (format and name, both alone and
    prefixed), which :func:`writing_as` takes away while another builder writes."""
    return frozenset({builder.format, builder.name, f"format_{builder.format}",
                      f"builder_{builder.name}"})


@contextlib.contextmanager
def writing_as(app: Sphinx, builder: Builder, own_tags: Set[str],
               others: Set[str]) -> Iterator[None]:
    """While *builder* writes, Sphinx sees it as the builder of the application.

    Sphinx's post-transforms resolve references with the application's builder and
    choose by its class which ones apply; ``only`` conditions see the application's
    tags, which must say ``latex`` (*own_tags*), not ``html`` (*others*: the HTML builder's
    own tags).
    """
    env = builder.env
    saved_builder, saved_class = app.builder, post_transform_builder_class(env)
    removed = {tag for tag in others if tag in app.tags}
    for tag in removed:
        app.tags.remove(tag)
    for tag in own_tags:
        app.tags.add(tag)
    forget_evaluated_conditions(app.tags)
    app.builder = builder
    if saved_class is not None:
        set_post_transform_builder_class(env, type(builder))
    try:
        yield
    finally:
        app.builder = saved_builder
        set_post_transform_builder_class(env, saved_class)
        for tag in own_tags:
            app.tags.remove(tag)
        for tag in removed:
            app.tags.add(tag)
        forget_evaluated_conditions(app.tags)


@contextlib.contextmanager
def part_indices(env: BuildEnvironment) -> Iterator[None]:
    """Domain indices (the API's HTTP routing table, Python's module index) of the PDF's
    pages only.

    Sphinx asks each index for the entries of the document's pages, but an index may
    ignore the request (sphinxcontrib-httpdomain's routing table lists every route of the
    site): it would put other parts' entries, and links to pages the PDF lacks, into it.
    """
    # Each domain keeps a list of its own (Domain.__init__ copies the class's): replace it
    # through the instance's attributes (mypy sees only the class variable), then put it back.
    saved = []
    for domain in env.domains.sorted():
        own = vars(domain)
        indices = own.get("indices", type(domain).indices)
        saved.append((own, "indices" in own, indices))
        own["indices"] = [_page_limited(index) for index in indices]
    try:
        yield
    finally:
        for own, had, indices in saved:
            if had:
                own["indices"] = indices
            else:
                own.pop("indices", None)


def _page_limited(index_cls: type[Index]) -> type[Index]:
    class PageLimitedIndex(index_cls):  # type: ignore[valid-type,misc]
        def generate(self, docnames: Iterable[str] | None = None
                     ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
            content, collapse = super().generate(docnames)
            if docnames is None:
                return content, collapse
            wanted = set(docnames)
            kept = []
            for letter, entries in content:
                # By position: some indexes give lists, not IndexEntry tuples.
                # (name, subtype, docname, ...); a group heading (subtype 1) without a page
                # stands or falls with the rows under it (subtype 2).
                rows = [entry for entry in entries if entry[2] in wanted
                        or (not entry[2] and entry[1] == 1)]
                rows = [row for number, row in enumerate(rows) if row[2] or (
                    number + 1 < len(rows) and rows[number + 1][1] == 2)]
                if rows:
                    kept.append((letter, rows))
            return kept, collapse

    PageLimitedIndex.__name__ = PageLimitedIndex.__qualname__ = index_cls.__name__
    return PageLimitedIndex
