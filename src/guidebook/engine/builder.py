"""The guidebook builder: read the sources once, write every guide of the site.

It is Sphinx's standalone HTML builder, run once per guide or part over the one
environment. This module routes pages to their URL in their part's folder (the layout is
:mod:`guidebook.urls`; the output folder stays the site root, whose one ``_static/``,
``_images/`` and ``_downloads/`` serve every part), decides what an incremental build
rewrites, and drives the per-part writing; each concern it delegates has a module of
its own: :mod:`.part_writer` (every swap of shared state while a part is written: tags,
env views, search index, general index, and the LaTeX builder of its PDF),
:mod:`.search` (the part's search index), :mod:`.inventory` (``objects.inv`` and the general
index), :mod:`.part_navigation` (the sidebar), :mod:`.page_bar` (guide bar and switcher)
and :mod:`.site_outputs` (portal and manifest).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment.adapters.toctree import document_toc
from sphinx.errors import SphinxError
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.display import status_iterator

from guidebook.audiences import get_domain
from guidebook.config import Part, conf_location
from guidebook.engine import not_found
from guidebook.engine.captions import with_caption_levels
from guidebook.engine.closest import ClosestPages
from guidebook.engine.emptied_sections import REMOVED_SECTIONS, prune_local_toc, prune_toctrees
from guidebook.engine.inventory import dump_part_inventory
from guidebook.engine.navcache import toc_fingerprint
from guidebook.engine.once_per_site import SiteHighlighter
from guidebook.engine.page_bar import part_context, render_guide_bar
from guidebook.engine.part_navigation import PartNavigation, navigation_order
from guidebook.engine.part_processes import processes_for, write_in_processes
from guidebook.engine.part_writer import builder_tags, part_index_entries, writing
from guidebook.engine.search import load_part_indexer
from guidebook.engine.site_outputs import (
    load_previous_manifest,
    portal_parts,
    site_description,
    site_manifest,
)
from guidebook.engine.unchanged_rereads import RereadPages
from guidebook.manifest import MANIFEST_NAME, Language, Manifest, NavEntry, write_manifest
from guidebook.pdf import PdfWriter
from guidebook.redirects import redirect_targets
from guidebook.sites import Site, get_site
from guidebook.sphinx_internals import (
    HTML_OUTPUT_FOLDERS,
    PrivateBuilderHooks,
    builder_application,
    forget_page_assets,
    html_sources_dir,
)
from guidebook.urls import GENERATED_PAGES, collisions
from guidebook.versions.marker import page_marker, portal_marker
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


class GuidebookBuilder(PrivateBuilderHooks, StandaloneHTMLBuilder):
    """Writes one complete HTML site per guide and part, plus the portal and manifest."""

    name = "guidebook"
    epilog = ""

    def init(self) -> None:
        super().init()
        self.site_root = Path(self.outdir)
        self.current: Part | None = None
        #: The parts to write (``guidebook build --only``); empty: every part.
        self.only_parts: frozenset[str] = frozenset()
        #: The parts a language's build leaves out (translated below the threshold).
        self.withheld_parts: frozenset[str] = frozenset()
        #: In a language's build, its entry in the manifest (set by guidebook.i18n).
        self.manifest_language: Language | None = None
        self._site: Site | None = None
        self._closest: ClosestPages | None = None
        self._previous_manifest = load_previous_manifest(self.site_root / MANIFEST_NAME)
        #: docname -> where the previous build wrote it (in the first part that had it).
        self._previous_urls = self._previous_manifest.first_urls()
        self.pdfs = PdfWriter(self, {pdf.part: pdf for pdf in self._previous_manifest.pdfs},
                              html_tags=builder_tags(self))
        self.navigation = PartNavigation(self)
        self._nav_orders: dict[str, tuple[NavEntry, ...]] = {}
        self.stem_cache: dict[str, str] = {}
        self.reread: set[str] = set()
        #: The pages read again, as they were before (:mod:`.unchanged_rereads`).
        self.rereads = RereadPages()
        #: The pages this builder found out of date (:meth:`get_outdated_docs`).
        self._outdated: set[str] = set()
        self._cache_compiled_templates()

    def _cache_compiled_templates(self) -> None:
        """Keep the theme's compiled Jinja templates beside the doctrees.

        Compiling the layout templates again costs every build a tenth of a second or
        more, a noticeable share of a one-page rebuild. Jinja checks each cached entry
        against its template's source, so an edited template is compiled afresh.
        """
        environment = getattr(self.templates, "environment", None)
        if isinstance(environment, jinja2.Environment) and environment.bytecode_cache is None:
            directory = Path(self.doctreedir) / "templates"
            directory.mkdir(parents=True, exist_ok=True)
            environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(directory))

    def init_highlighter(self) -> None:
        """Sphinx's highlighter, keeping every block it highlights for the next guide."""
        super().init_highlighter()
        self.highlighter = SiteHighlighter.replacing(self.highlighter)

    @property
    def application(self) -> Sphinx:
        """The application this builder writes for."""
        return builder_application(self)

    @property
    def site(self) -> Site:
        if self._site is None:
            self._site = get_site(self.env)
        return self._site

    @property
    def closest_pages(self) -> ClosestPages:
        """Each page's closest page in the guides that lack it (the switcher's links)."""
        if self._closest is None:
            titles = {doc: self.title_of(doc) for doc in self.env.found_docs}
            self._closest = ClosestPages(titles, redirect_targets(self.env), self.link_suffix)
        return self._closest

    # -- reading ------------------------------------------------------------------------

    def read_serially(self, docnames: list[str]) -> None:
        """Sphinx's serial read, with every page's entries cleared before reading any.

        Sphinx clears each page's inventory entries just before reading it, and clearing
        scans the entries of every page read so far: quadratic in the page count on a
        fresh build (0.9 s of 17 s reading at 1,200 pages). Clearing all of them first, as
        Sphinx's parallel read does, leaves the same environment.
        """
        for docname in docnames:
            self.events.emit("env-purge-doc", self.env, docname)
            self.env.clear_doc(docname)
        for docname in status_iterator(docnames, __("reading sources... "), "purple",
                                       len(docnames), self._verbosity()):
            self.read_doc(docname)

    def _verbosity(self) -> int:
        """Sphinx's verbosity: ``config.verbosity`` since Sphinx 9, ``app.verbosity`` in 8.2."""
        try:
            return int(self.config.verbosity)
        except AttributeError:  # Sphinx 8.2: "No such config value: 'verbosity'"
            return int(self.app.verbosity)

    def get_outdated_docs(self) -> Iterator[str]:
        for docname in self._outdated_docs():
            self._outdated.add(docname)
            yield docname

    def _outdated_docs(self) -> Iterator[str]:
        if not self._previous_manifest.published_parts:
            yield from self.env.found_docs
            return
        yield from super().get_outdated_docs()
        yield from self.pdfs.outdated_roots()

    # -- where pages go -------------------------------------------------------------------

    def get_output_path(self, page_name: str, /) -> Path:
        if self.current is not None:
            return Path(self.site_root, self.current.path(page_name) + self.out_suffix)
        previous = self._previous_urls.get(page_name)
        if previous:
            return Path(self.site_root, previous)
        # The portal, or a page no previous build wrote (so it is out of date anyway).
        return Path(self.site_root, page_name + self.out_suffix)

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """The page's URL from the site root, in the part being written if it has the
        page, else in the first part that does (never a broken link)."""
        part = self.current
        if part is None:
            published = self._published_parts()
            if docname not in GENERATED_PAGES or not published:
                return super().get_target_uri(docname, typ)
            # The site root has no index or search of its own: the first guide's serve.
            part = published[0]
        if docname not in part.docnames and docname not in GENERATED_PAGES:
            others = self.site.parts_of(docname)
            shown = [name for name in others if name not in self.withheld_parts]
            if others:
                part = self.site.parts[(shown or others)[0]]
        if part.name in self.withheld_parts:
            # Not published in this language: the page in the original (one folder up).
            return "../" + quote(part.path(docname)) + self.link_suffix
        return quote(part.path(docname)) + self.link_suffix

    # -- writing, one part at a time ------------------------------------------------------

    def write_documents(self, docnames: Set[str]) -> None:
        self._site = get_site(self.env)
        self._closest = None
        self.navigation.fingerprints = self._toc_fingerprints()
        affected = self._toc_changed_ancestors()
        docnames = (set(docnames) - self._unchanged_parents(docnames, affected)
                    - self._unchanged_rereads(affected))
        published = {part.name for part in self._published_parts()}
        for part in self._published_parts():  # before any part is written
            self._check_urls(part)
        jobs: list[tuple[Part, set[str], bool]] = []
        for part in self.site.parts.values():
            if part.root not in self.env.found_docs:
                warn(
                    WarningCode.GUIDE_ROOT_MISSING,
                    f"{part.kind} {part.name!r}: its root page {part.root!r} does not exist "
                    "(check 'root' in conf.py)",
                    location=conf_location(Path(self.confdir, "conf.py"), part.root, part.name),
                )
                continue
            if part.name not in published:
                continue
            to_write = set(docnames) & part.docnames
            if self._navigation_changed(part) or not self._part_exists(part):
                # A page joined, left or was renamed: every page's navigation changes.
                to_write = set(part.docnames)
            pdf_due = self.pdfs.due(part, to_write)
            if to_write or pdf_due:
                jobs.append((part, to_write, pdf_due))
        processes = processes_for(self, len(jobs))
        if processes == 1:
            for part, to_write, pdf_due in jobs:
                self._write_part(part, to_write, pdf_due)
            return
        # The PDFs here first (LaTeX runs its own processes), then the pages in parallel.
        parallel_jobs = []
        for part, to_write, pdf_due in jobs:
            if pdf_due:
                with writing(self, part):
                    if self.pdfs.write(part):
                        to_write = set(part.docnames)
            parallel_jobs.append((part, to_write))
        _ = self.closest_pages  # computed once here, not once in every process
        write_in_processes(self, parallel_jobs, processes,
                           lambda part, to_write: self._write_part(part, to_write, False))

    def _write_part(self, part: Part, to_write: set[str], pdf_due: bool) -> None:
        with writing(self, part):
            # The PDF first: the pages link to it only if it was made.
            if pdf_due and self.pdfs.write(part):
                to_write = set(part.docnames)
            logger.info("guidebook: writing %s (%d of %d pages)", part.name,
                        len(to_write), len(part.docnames))
            forget_page_assets(self)  # not the previous part's search script
            self.prepare_writing(to_write)
            super().write_documents(to_write)
            self._finish_part(part)

    def nav_order(self, part: Part) -> tuple[NavEntry, ...] | None:
        """The page order of *part* as this build wrote it (None: not written)."""
        return self._nav_orders.get(part.name)

    def keep_nav_order(self, part: Part, order: tuple[NavEntry, ...]) -> None:
        """The page order of *part*, written by another process (for the manifest)."""
        self._nav_orders[part.name] = order

    def _check_urls(self, part: Part) -> None:
        """Refuse a part in which two pages would be published at one URL."""
        found = collisions(part.name, part.root, part.docnames,
                           lambda doc: str(self.env.doc2path(doc)), self.out_suffix)
        if found:
            raise UrlCollisionError("\n".join(f"{c.second}:1: {c.message}" for c in found))

    def _toc_fingerprints(self) -> dict[str, str]:
        """Every page's table-of-contents fingerprint (recomputed for pages read again)."""
        previous = self.navigation.store.fingerprints
        return {
            doc: previous[doc] if doc in previous and doc not in self.reread
            else toc_fingerprint(self.env, doc)
            for doc in self.env.found_docs
        }

    def _unchanged_parents(self, docnames: Set[str], affected: Set[str]) -> set[str]:
        """Toctree parents Sphinx would rewrite although their children's entries stand.

        Sphinx rewrites a page whose toctree lists a page that was read again, because the
        child's title or sections may show in it; when the child's table of contents is
        unchanged, the parent's output is too. *affected*: the parents that do show a
        changed table of contents (:meth:`_toc_changed_ancestors`).
        """
        # Sphinx adds every page whose toctrees reach a re-read page, at any depth.
        ancestors = self.env.files_to_rebuild
        reached = {parent for doc in self.reread for parent in ancestors.get(doc, ())}
        skip: set[str] = set()
        for docname in set(docnames) - self.reread:
            if docname not in reached or docname in affected:
                continue
            outputs = [
                self.site_root / (self.site.parts[part].path(docname) + self.out_suffix)
                for part in self.site.parts_of(docname)
            ]
            if outputs and all(path.is_file() for path in outputs):
                skip.add(docname)
        return skip

    def _toc_changed_ancestors(self) -> set[str]:
        """The pages whose toctrees reach a page read again with another table of
        contents (they show its title or sections)."""
        previous = self.navigation.store.fingerprints
        fingerprints = self.navigation.fingerprints
        changed = {doc for doc in self.reread if previous.get(doc) != fingerprints[doc]}
        ancestors = self.env.files_to_rebuild
        return {parent for doc in changed for parent in ancestors.get(doc, ())}

    def _unchanged_rereads(self, affected: Set[str]) -> set[str]:
        """Pages read again whose doctree and place did not change: not written again."""
        parts = self._published_parts()

        def outputs(docname: str) -> list[Path]:
            return [self.site_root / (part.path(docname) + self.out_suffix)
                    for part in parts if docname in part.docnames]

        return self.rereads.unchanged(self.env, outputs,
                                      self._outdated | affected)

    def _part_exists(self, part: Part) -> bool:
        return (self.site_root / part.name / "searchindex.js").exists()

    def _navigation_changed(self, part: Part) -> bool:
        """A page joined, left, was renamed or got another URL since the last build."""
        previous = self._previous_manifest.published_part(part.name)
        if previous is None:
            return True
        return bool(previous.titles() != {doc: self.title_of(doc) for doc in part.docnames}
                    or previous.urls() != self._page_urls(part))

    def page_urls(self) -> dict[str, str]:
        """Every published page's URL from the site root, in the first part that has it
        (as the manifest lists them: guides, then the other parts)."""
        urls: dict[str, str] = {}
        for part in self._published_parts():
            for docname, url in self._page_urls(part).items():
                urls.setdefault(docname, url)
        return urls

    def _page_urls(self, part: Part) -> dict[str, str]:
        return {doc: part.path(doc) + self.link_suffix for doc in sorted(part.docnames)}

    def title_of(self, docname: str) -> str:
        """The page's title as text (its docname when it has none)."""
        title = self.env.titles.get(docname)
        return title.astext() if title is not None else docname

    def load_indexer(self, docnames: Set[str]) -> None:
        if self.current is None:
            return  # the site root has no search index of its own
        self.indexer = load_part_indexer(self.env, self.current, docnames, self.stem_cache,
                                         self.site_root / self.searchindex_filename,
                                         self.indexer_format)

    def copy_assets(self) -> None:
        """Sphinx's assets, once for the whole site, into the site root (Sphinx calls this
        before any part is written)."""
        if self.current is None:
            super().copy_assets()

    def _finish_part(self, part: Part) -> None:
        self._nav_orders[part.name] = navigation_order(part, self.env.toctree_includes)
        self._remove_departed_pages(part)
        with part_index_entries(self.env, part):
            self.gen_indices()
        self.gen_pages_from_extensions()
        self.gen_additional_pages()
        self.copy_image_files()
        self.dump_search_index()
        self.dump_inventory()
        _remove_if_empty(html_sources_dir(self))

    def _remove_departed_pages(self, part: Part) -> None:
        """Remove the pages the previous build wrote at URLs the part no longer has, and the
        asset folders of builds that gave each part its own."""
        previous = self._previous_manifest.published_part(part.name)
        before = previous.urls() if previous is not None else {}
        now = set(self._page_urls(part).values())
        for url in set(before.values()) - now:
            path = self.site_root / url
            if path.is_file():
                path.unlink()
        for folder in HTML_OUTPUT_FOLDERS.values():
            shutil.rmtree(self.site_root / part.name / folder, ignore_errors=True)
        (self.site_root / part.name / ".buildinfo").unlink(missing_ok=True)

    def dump_inventory(self) -> None:
        assert self.current is not None
        dump_part_inventory(self.env, self.current, self.site_root / self.current.name,
                            self.link_suffix)

    def local_navigation(self, docname: str, collapse: bool, **kwargs: Any) -> str:
        """The sidebar navigation of *docname* (Sphinx's ``toctree()`` in templates)."""
        if self.current is None:
            return ""
        return self.navigation.render(self.current, docname, collapse, kwargs)

    # -- the page context: guide bar, audience switcher, home link --------------------------

    def handle_page(self, pagename: str, addctx: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        if self.current is not None:
            addctx = {**addctx, **part_context(self.site, self.current, pagename,
                                               self.link_suffix, self.closest_pages),
                      "guidebook_pdf_url": self.pdfs.page_link(
                          self.current, self.get_target_uri(pagename))}
            bar = (render_guide_bar(self, self.current, pagename, addctx)
                   if self.config.guidebook_switcher else "")
            if "body" in addctx:
                addctx["body"] = (page_marker(self.config) + bar
                                  + with_caption_levels(addctx["body"]))
                addctx.update(self._pruned_local_toc(pagename, kwargs.get("event_arg")))
            else:  # search, genindex: the package's templates place it
                addctx["guidebook_bar"] = bar
        super().handle_page(pagename, addctx, *args, **kwargs)

    def _pruned_local_toc(self, pagename: str, doctree: Any) -> dict[str, Any]:
        """The page's "on this page" list without the sections its pruning removed."""
        removed = doctree.get(REMOVED_SECTIONS) if isinstance(doctree, nodes.Element) else None
        if not removed:
            return {}
        toc = document_toc(self.env, pagename, self.tags)
        left = prune_local_toc(toc, set(removed))
        return {"toc": self.render_partial(toc)["fragment"], "display_toc": left > 1}

    def update_page_context(self, pagename: str, templatename: str, ctx: dict[str, Any],
                            event_arg: Any) -> None:
        """Point a part's page at the part's own search index and folder.

        ``content_root`` is where Sphinx's search page resolves the results against: the
        part's folder, as the index names pages by their path in the part.
        """
        super().update_page_context(pagename, templatename, ctx, event_arg)
        part = self.current
        if part is None:
            return
        ctx["content_root"] = "../" * part.path_in_part(pagename).count("/") or "./"
        pathto = ctx["pathto"]
        index = self.searchindex_filename

        def part_pathto(otheruri: str, resource: bool = False, **kwargs: Any) -> str:
            if resource and otheruri == StandaloneHTMLBuilder.searchindex_filename:
                otheruri = index
            return str(pathto(otheruri, resource, **kwargs))

        ctx["pathto"] = part_pathto

    # -- the site: portal and manifest ----------------------------------------------------

    def finish(self) -> None:
        self.finish_tasks.add_task(self._write_portal)
        self.finish_tasks.add_task(self._write_not_found)
        self.finish_tasks.add_task(self._write_manifest)
        self.finish_tasks.add_task(self.navigation.save)

    def _published_parts(self) -> list[Part]:
        """The parts this build writes: their root page exists (and --only allows them)."""
        only = self.only_parts
        return [
            part
            for part in self.site.parts.values()
            if part.root in self.env.found_docs and (not only or part.name in only)
            and part.name not in self.withheld_parts
        ]

    def gen_pages_from_extensions(self) -> None:
        """The pages extensions add to the part, but the not-found page: it is the site's
        (:meth:`_write_not_found`)."""
        name = not_found.page_name(self.config)
        for pages in self.events.emit("html-collect-pages"):
            for pagename, context, template in pages:
                if pagename != name:
                    self.handle_page(pagename, context, template)

    def _write_not_found(self) -> None:
        """``OUT/404.html``: sphinx-notfound-page's page, leading to every part."""
        name = not_found.page_name(self.config)
        for pages in self.events.emit("html-collect-pages"):
            for pagename, context, template in pages:
                if pagename == name:
                    body = not_found.body(self.config, self._published_parts(),
                                          self.link_suffix)
                    self.handle_page(pagename, {**context, "body": body,
                                                "guidebook_description": self._description()},
                                     template, outfilename=self._site_page_path(pagename))

    def _write_portal(self) -> None:
        self.write_buildinfo()
        _remove_if_empty(html_sources_dir(self))
        ctx = {
            "title": self.config.project,
            "guidebook_parts": portal_parts(self._published_parts(), self.link_suffix,
                                            self.pdfs.url_of),
            "body": "",
            "display_toc": False,
            "guidebook_versions_marker": portal_marker(self.config),
            "guidebook_description": self._description(),
        }
        self.handle_page("index", ctx, "guidebook/portal.html",
                         outfilename=self._site_page_path("index"))

    def _site_page_path(self, page_name: str) -> Path:
        """Where a page of the site itself goes: the site root, never the path a previous
        build gave the guide page of the same name (a guide rooted at the top-level
        ``index`` has its landing page at ``<guide>/index.html``)."""
        return self.site_root / (page_name + self.out_suffix)

    def _description(self) -> str:
        return site_description(self.config.project, self._published_parts())

    def manifest(self) -> Manifest:
        """The site manifest: every guide and part with its pages and their URLs."""

        def nav(part: Part) -> tuple[NavEntry, ...]:
            order = self._nav_orders.get(part.name)
            if order is not None:
                return order
            previous = self._previous_manifest.published_part(part.name)
            return previous.nav if previous is not None else ()

        manifest = site_manifest(self.env, self.site, self._published_parts(), nav,
                                 self.title_of, get_domain(self.env).page_types,
                                 self.link_suffix)
        self.pdfs.finish()
        return dataclasses.replace(manifest, pdfs=self.pdfs.manifest_entries())

    def _write_manifest(self) -> None:
        manifest = self.manifest()
        # Handlers return what they add to the manifest: the redirects return theirs.
        redirects = [
            redirect
            for added in self.events.emit("guidebook-site-finished", self.site_root, manifest)
            if added
            for redirect in added
        ]
        manifest = dataclasses.replace(manifest, redirects=tuple(redirects),
                                       language=self.manifest_language)
        write_manifest(self.site_root / MANIFEST_NAME, manifest)


def note_reread(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Remember which pages this build reads again (the rest are unchanged), and what
    their doctrees were."""
    if isinstance(app.builder, GuidebookBuilder):
        app.builder.reread = set(docnames)
        app.builder.rereads.note_before_reading(env, docnames)


def note_outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                  removed: set[str]) -> list[str]:
    """Remember the pages Sphinx itself found changed (``env-get-outdated``)."""
    if isinstance(app.builder, GuidebookBuilder):
        app.builder.rereads.note_outdated(changed)
    return []


def filter_foreign_toctree_entries(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Drop toctree entries that lead to pages outside the guide being written, and the
    headings that leaves with nothing under them.

    Connected to ``doctree-resolved``, which Sphinx emits before it resolves the toctrees.
    """
    builder = app.builder
    if isinstance(builder, GuidebookBuilder) and builder.current is not None:
        prune_toctrees(doctree, builder.current.docnames)


class UrlCollisionError(SphinxError):
    """Two pages of one part would be published at the same URL."""

    category = "URL collision"


def _remove_if_empty(directory: Path) -> None:
    """Sphinx creates ``_sources`` even when sources are not copied (guidebook never does)."""
    try:
        directory.rmdir()
    except OSError:
        pass
