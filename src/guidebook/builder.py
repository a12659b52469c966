"""The guidebook builder: read the sources once, write every guide of the site.

It is Sphinx's standalone HTML builder, run once per guide or part over the one
environment: while a guide is written, its tag is set (so ``.. audience::`` blocks for other
guides drop out through Sphinx's own ``only`` machinery), the output directory is the
guide's folder, and the search index, ``objects.inv``, general index and navigation hold only
the guide's pages and the content its readers see.
"""

from __future__ import annotations

import html
import io
import json
import os
import posixpath
from collections.abc import Iterable, Iterator, Set
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import jinja2
from sphinx import addnodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment.adapters.toctree import TocTree
from sphinx.locale import _, __
from sphinx.search import IndexBuilder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util._pathlib import _StrPath
from sphinx.util.display import progress_message, status_iterator
from sphinx.util.inventory import InventoryFile

from guidebook.audiences import get_domain
from guidebook.audiences.model import audience_tag
from guidebook.build.navcache import NavigationStore, part_fingerprint, toc_fingerprint
from guidebook.build.navigation import (
    Navigation,
    filter_toctree_entries,
    filtered_tocs,
    nav_from_toctree,
)
from guidebook.pdf import PdfWriter
from guidebook.sites import Part, Site, compute_site
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.domains import Domain
    from sphinx.environment import BuildEnvironment
    from sphinx.util.tags import Tags

logger = logging.getLogger(__name__)

MANIFEST_NAME = "guidebook.json"
#: Pages that every part gets from Sphinx rather than from the sources.
GENERATED_PAGES = ("genindex", "search")
_NAV_DOCNAME = "__guidebook_nav__"


class _PartDomain:
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


class _PartDomains:
    """The environment's domains as one part sees them."""

    def __init__(self, builder: GuidebookBuilder, part: Part) -> None:
        self._builder = builder
        self._docnames = part.docnames
        self._hidden = get_domain(builder.env).hidden_ids(part.name, part.docnames)

    def sorted(self) -> Iterator[_PartDomain]:
        for domain in self._builder.env.domains.sorted():
            yield _PartDomain(domain, self._docnames, self._hidden)


class PartIndexBuilder(IndexBuilder):
    """Sphinx's search indexer with state of its own, listing only the part's objects."""

    def __init__(self, builder: GuidebookBuilder, part: Part) -> None:
        config = builder.config
        super().__init__(
            builder.env,
            config.html_search_language or config.language,
            config.html_search_options,
            config.html_search_scorer,
        )
        # Sphinx keeps this state on the environment, shared by every build of it: each
        # part needs its own, or one guide's words would land in another's index.
        self._titles = {}
        self._filenames = {}
        self._mapping = {}
        self._title_mapping = {}
        self._all_titles = {}
        self._index_entries = {}
        self._domains = cast("Any", _PartDomains(builder, part))
        # A shared page is indexed once per guide; Sphinx memoises stems per page only.
        stem = self.lang.stem
        cache = builder.stem_cache

        def cached_stem(word: str) -> str:
            stemmed = cache.get(word)
            if stemmed is None:
                stemmed = cache[word] = stem(word)
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
        self._index_entries = {doc: sorted(found) for doc, found in entries.items()}

    def prune(self, docnames: Iterable[str]) -> None:
        """Sphinx's prune, and the index entries too (Sphinx's own keeps them)."""
        keep = set(docnames)
        super().prune(keep)
        self._index_entries = {
            doc: found for doc, found in self._index_entries.items() if doc in keep
        }


class FilterForeignToctreeEntries(SphinxPostTransform):
    """Drop toctree entries that lead to pages outside the guide being written."""

    default_priority = 5
    builders = ("guidebook",)

    def run(self, **kwargs: Any) -> None:
        builder = cast("GuidebookBuilder", self.env._app.builder)
        part = builder.current
        if part is None:
            return
        for node in self.document.findall(addnodes.toctree):
            filter_toctree_entries(node, part.docnames)


class GuidebookBuilder(StandaloneHTMLBuilder):
    """Writes one complete HTML site per guide and part, plus the portal and manifest."""

    name = "guidebook"
    epilog = ""

    def init(self) -> None:
        super().init()
        self.site_root = Path(self.outdir)
        self.current: Part | None = None
        self._site: Site | None = None
        self._previous_manifest = _load_manifest(self.site_root / MANIFEST_NAME)
        self.pdfs = PdfWriter(self, self._previous_manifest.get("pdfs", {}))
        self._navigation: dict[tuple[bool, bool], Navigation] = {}
        self._nav_orders: dict[str, list[dict[str, Any]]] = {}
        self.stem_cache: dict[str, str] = {}
        self._nav_store = NavigationStore.load(Path(self.doctreedir))
        self._fingerprints: dict[str, str] = {}
        self.reread: set[str] = set()
        self._saved_env_state: tuple[Any, Any] | None = None
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

    # -- the site model ----------------------------------------------------------

    @property
    def site(self) -> Site:
        if self._site is None:
            self._site = compute_site(self.env)
        return self._site

    # -- where pages go -------------------------------------------------------------

    def get_output_path(self, page_name: str, /) -> Path:
        if self.current is not None:
            return Path(self.site_root, self.current.name, page_name + self.out_suffix)
        parts = self._previous_parts(page_name)
        if parts:
            return Path(self.site_root, parts[0], page_name + self.out_suffix)
        # The portal, or a page no previous build wrote (so it is out of date anyway).
        return Path(self.site_root, page_name + self.out_suffix)

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        uri = super().get_target_uri(docname, typ)
        part = self.current
        if part is None or docname in part.docnames or docname in GENERATED_PAGES:
            return uri
        # A page this guide lacks: link to it in a guide that has it, never a broken link.
        others = self.site.parts_of(docname)
        if not others:
            return uri
        return f"../{others[0]}/{uri}"

    def _previous_parts(self, docname: str) -> list[str]:
        pages = self._previous_manifest.get("pages_by_doc", {})
        return list(pages.get(docname, ()))

    def _read_serial(self, docnames: list[str]) -> None:
        # Sphinx's serial read clears each page's inventory entries just before reading
        # it, and clearing scans the entries of every page read so far: quadratic in the
        # page count on a fresh build (0.9 s of 17 s reading at 1,200 pages). Clearing all
        # of them first, as Sphinx's parallel read does, leaves the same environment.
        for docname in docnames:
            self.events.emit("env-purge-doc", self.env, docname)
            self.env.clear_doc(docname)
        for docname in status_iterator(docnames, __("reading sources... "), "purple",
                                       len(docnames), self.config.verbosity):
            self.read_doc(docname)

    def get_outdated_docs(self) -> Iterator[str]:
        previous = self._previous_manifest
        if not previous.get("parts"):
            yield from self.env.found_docs
            return
        yield from super().get_outdated_docs()
        yield from self.pdfs.outdated_roots()

    # -- writing, one part at a time ---------------------------------------------------

    def write_documents(self, docnames: Set[str]) -> None:
        self._site = compute_site(self.env)
        self._fingerprints = self._toc_fingerprints()
        docnames = set(docnames) - self._unchanged_parents(docnames)
        published = {part.name for part in self._published_parts()}
        for part in self.site.parts.values():
            if part.root not in self.env.found_docs:
                warn(
                    WarningCode.GUIDE_ROOT_MISSING,
                    f"{part.kind} {part.name!r}: its root page {part.root!r} does not exist "
                    "(check 'root' in conf.py)",
                    location=_conf_location(Path(self.confdir, "conf.py"), part.root,
                                            part.name),
                )
                continue
            if part.name not in published:
                continue
            to_write = set(docnames) & part.docnames
            if self._navigation_changed(part) or not self._part_exists(part):
                # A page joined, left or was renamed: every page's navigation changes.
                to_write = set(part.docnames)
            pdf_due = self.pdfs.due(part, to_write)
            if not to_write and not pdf_due:
                continue
            with self._writing(part):
                # The PDF first: the pages link to it only if it was made.
                if pdf_due and self.pdfs.write(part):
                    to_write = set(part.docnames)
                logger.info("guidebook: writing %s (%d of %d pages)", part.name,
                            len(to_write), len(part.docnames))
                self.prepare_writing(to_write)
                self.copy_assets()
                if to_write:
                    super().write_documents(to_write)
                self._finish_part(part)

    def _toc_fingerprints(self) -> dict[str, str]:
        """Every page's table-of-contents fingerprint (recomputed for pages read again)."""
        previous = self._nav_store.fingerprints
        return {
            doc: previous[doc] if doc in previous and doc not in self.reread
            else toc_fingerprint(self.env, doc)
            for doc in self.env.found_docs
        }

    def _unchanged_parents(self, docnames: Set[str]) -> set[str]:
        """Toctree parents Sphinx would rewrite although their children's entries stand.

        Sphinx rewrites a page whose toctree lists a page that was read again, because the
        child's title or sections may show in it; when the child's table of contents is
        unchanged, the parent's output is too.
        """
        previous = self._nav_store.fingerprints
        changed = {doc for doc in self.reread if previous.get(doc) != self._fingerprints[doc]}
        skip: set[str] = set()
        for docname in set(docnames) - self.reread:
            children = [c for c in self.env.toctree_includes.get(docname, ()) if c in self.reread]
            if not children or any(child in changed for child in children):
                continue
            outputs = [
                self.site_root / part / (docname + self.out_suffix)
                for part in self.site.parts_of(docname)
            ]
            if outputs and all(path.is_file() for path in outputs):
                skip.add(docname)
        return skip

    def _part_exists(self, part: Part) -> bool:
        return (self.site_root / part.name / "searchindex.js").exists()

    def _navigation_changed(self, part: Part) -> bool:
        before = self._previous_manifest.get("titles", {}).get(part.name)
        return bool(before != self._page_titles(part))

    def _page_titles(self, part: Part) -> dict[str, str]:
        return {doc: self._title(doc) for doc in sorted(part.docnames)}

    def _title(self, docname: str) -> str:
        title = self.env.titles.get(docname)
        return title.astext() if title is not None else docname

    def _writing(self, part: Part) -> _PartContext:
        return _PartContext(self, part)

    def _enter(self, part: Part) -> None:
        self.current = part
        outdir = self.site_root / part.name
        outdir.mkdir(parents=True, exist_ok=True)
        self._set_outdir(outdir)
        self.tags.add(audience_tag(part.name))
        _forget_evaluated_conditions(self.tags)
        self.images = {}
        self._navigation = {}
        env = self.env
        self._saved_env_state = (env.tocs, env.toctree_includes)
        env.tocs = filtered_tocs(env, part.docnames)
        env.toctree_includes = {
            doc: [child for child in children if child in part.docnames]
            for doc, children in env.toctree_includes.items()
            if doc in part.docnames
        }

    def _leave(self, part: Part) -> None:
        self.tags.remove(audience_tag(part.name))
        _forget_evaluated_conditions(self.tags)
        if self._saved_env_state is not None:
            self.env.tocs, self.env.toctree_includes = self._saved_env_state
            self._saved_env_state = None
        self.current = None
        self._navigation = {}
        self._set_outdir(self.site_root)

    def _set_outdir(self, outdir: Path) -> None:
        self.outdir = _StrPath(outdir)
        self._static_dir = Path(outdir / "_static")
        self._sources_dir = Path(outdir / "_sources")
        self._downloads_dir = Path(outdir / "_downloads")
        self._images_dir = Path(outdir / "_images")

    def load_indexer(self, docnames: Set[str]) -> None:
        part = self.current
        if part is None:
            return  # the site root has no search index of its own
        self.indexer = indexer = PartIndexBuilder(self, part)
        keep = part.docnames - set(docnames)
        try:
            with open(self.outdir / self.searchindex_filename, encoding="utf-8") as stream:
                indexer.load(stream, self.indexer_format)
        except (OSError, ValueError):
            if keep:
                logger.info("guidebook: no search index in %s yet; rewriting all its pages",
                            part.name)
                keep = set()
        indexer.prune(keep)

    def copy_assets(self) -> None:
        if self.current is not None:
            super().copy_assets()

    def _finish_part(self, part: Part) -> None:
        self._nav_orders[part.name] = self._navigation_order(part)
        self._remove_departed_pages(part)
        with self._part_index_entries(part):
            self.gen_indices()
        self.gen_pages_from_extensions()
        self.gen_additional_pages()
        self.copy_image_files()
        self.write_buildinfo()
        self.dump_search_index()
        self.dump_inventory()
        _remove_if_empty(self._sources_dir)

    def _remove_departed_pages(self, part: Part) -> None:
        before = self._previous_manifest.get("titles", {}).get(part.name, {})
        for docname in set(before) - part.docnames:
            path = self.site_root / part.name / (docname + self.out_suffix)
            if path.is_file():
                path.unlink()

    def _part_index_entries(self, part: Part) -> _IndexEntriesView:
        return _IndexEntriesView(self, part)

    @progress_message(_("dumping object inventory"))
    def dump_inventory(self) -> None:
        assert self.current is not None
        view = SimpleNamespace(config=self.env.config, domains=_PartDomains(self, self.current))
        InventoryFile.dump(self.outdir / "objects.inv", cast("Any", view), self)

    # -- navigation --------------------------------------------------------------------

    def _get_local_toctree(self, docname: str, collapse: bool = True, **kwargs: Any) -> str:
        if self.current is None:
            return ""
        includehidden = bool(kwargs.get("includehidden", False))
        titles_only = bool(kwargs.get("titles_only", False))
        maxdepth_value = kwargs.get("maxdepth", 0)
        maxdepth = int(maxdepth_value) if str(maxdepth_value).strip() not in ("", "None") else 0
        navigation = self._navigation.get((includehidden, titles_only))
        if navigation is None:
            navigation = self._stored_navigation(self.current, includehidden, titles_only)
            self._navigation[includehidden, titles_only] = navigation
        prefix = "../" * docname.count("/")
        return navigation.render(docname, collapse=collapse, maxdepth=maxdepth, prefix=prefix)

    def _stored_navigation(self, part: Part, includehidden: bool, titles_only: bool) -> Navigation:
        """The previous build's navigation of *part* if nothing it shows has changed."""
        fingerprint = part_fingerprint(
            part.name, part.root, self.link_suffix,
            ((doc, self._fingerprints.get(doc, "")) for doc in part.docnames),
        )
        key = (part.name, includehidden, titles_only)
        stored = self._nav_store.navigations.get(key)
        if stored is not None and stored[0] == fingerprint:
            return stored[1]
        navigation = self._resolve_navigation(part, includehidden, titles_only)
        self._nav_store.navigations[key] = (fingerprint, navigation)
        return navigation

    def _resolve_navigation(self, part: Part, includehidden: bool, titles_only: bool) -> Navigation:
        env = self.env
        uri_to_doc = {self.get_target_uri(doc): doc for doc in part.docnames}
        root = env.get_doctree(part.root)
        sections = []
        for toctree in root.findall(addnodes.toctree):
            filter_toctree_entries(toctree, part.docnames)
            resolved = TocTree(env).resolve(
                _NAV_DOCNAME,
                self,
                toctree,
                prune=False,
                titles_only=titles_only,
                collapse=False,
                includehidden=includehidden,
            )
            if resolved is not None:
                maxdepth = int(toctree.get("maxdepth", -1))
                sections.append(nav_from_toctree(resolved, maxdepth, uri_to_doc.get))
        return Navigation(sections)

    def _navigation_order(self, part: Part) -> list[dict[str, Any]]:
        """The guide's pages in toctree order with their depth (for the manifest).

        Walks the toctree includes (already limited to the guide while it is written)
        rather than resolving the navigation again: resolving copies every page's table
        of contents, and this order needs only the pages.
        """
        includes = self.env.toctree_includes
        order: list[dict[str, Any]] = []
        seen: set[str] = set()
        stack = [(part.root, 0)]
        while stack:
            docname, depth = stack.pop()
            if docname in seen or docname not in part.docnames:
                continue
            seen.add(docname)
            order.append({"docname": docname, "depth": depth})
            stack.extend((child, depth + 1) for child in reversed(includes.get(docname, [])))
        return order

    # -- the page context: audience switcher, home link ----------------------------------

    def handle_page(self, pagename: str, addctx: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        if self.current is not None:
            addctx = {**addctx, **self._part_context(pagename)}
            if "body" in addctx and self.config.guidebook_switcher:
                addctx["body"] = (
                    render_guide_bar(self.current.title, pagename, addctx)
                    + render_switcher(addctx["guidebook_switcher"])
                    + addctx["body"]
                )
        super().handle_page(pagename, addctx, *args, **kwargs)

    def _part_context(self, pagename: str) -> dict[str, Any]:
        part = self.current
        assert part is not None
        up = "../" * (pagename.count("/") + 1)
        switcher = []
        for name in self.site.parts_of(pagename):
            other = self.site.parts[name]
            switcher.append({
                "name": name,
                "title": other.title,
                "url": "#" if name == part.name else f"{up}{name}/{pagename}{self.link_suffix}",
                "current": name == part.name,
            })
        return {
            "guidebook_part": part.name,
            "guidebook_part_title": part.title,
            "guidebook_portal_url": f"{up}index{self.link_suffix}",
            "guidebook_switcher": switcher,
            "guidebook_pdf_url": self.pdfs.page_link(pagename),
            "root_doc": part.root,
            "master_doc": part.root,
        }

    # -- the site: portal and manifest ------------------------------------------------------

    def finish(self) -> None:
        self.finish_tasks.add_task(self._write_portal)
        self.finish_tasks.add_task(self._write_manifest)
        self.finish_tasks.add_task(self._save_navigation)

    def _save_navigation(self) -> None:
        if self._fingerprints:
            self._nav_store.fingerprints = self._fingerprints
            self._nav_store.save(Path(self.doctreedir))

    def _published_parts(self) -> list[Part]:
        """The parts this build writes: their root page exists (and --only allows them)."""
        only = set(self.config.guidebook_build_only)
        return [
            part
            for part in self.site.parts.values()
            if part.root in self.env.found_docs and (not only or part.name in only)
        ]

    def _write_portal(self) -> None:
        self._set_outdir(self.site_root)
        self.copy_static_files()
        self.write_buildinfo()
        _remove_if_empty(self._sources_dir)
        parts = []
        for part in self._published_parts():
            parts.append({
                "name": part.name,
                "title": part.title,
                "description": part.description,
                "kind": part.kind,
                "url": f"{part.name}/{part.root}{self.link_suffix}",
                "pages": len(part.docnames),
                "pdf": self.pdfs.url_of(part.name),
            })
        ctx = {
            "title": self.config.project,
            "guidebook_parts": parts,
            "body": "",
            "display_toc": False,
        }
        self.handle_page("index", ctx, "guidebook/portal.html")

    def manifest(self) -> dict[str, Any]:
        """The site manifest: every guide and part with its pages and their URLs."""
        guides: list[dict[str, Any]] = []
        extra: list[dict[str, Any]] = []
        page_types = get_domain(self.env).page_types
        for part in self._published_parts():
            nav = self._nav_orders.get(part.name)
            if nav is None:
                nav = self._previous_manifest.get("nav", {}).get(part.name, [])
            entry = {
                "name": part.name,
                "title": part.title,
                "kind": part.kind,
                "root": part.root,
                "url": f"{part.name}/{part.root}{self.link_suffix}",
                "nav": nav,
                "pages": [
                    {
                        "docname": doc,
                        "source": posixpath.join(*Path(self.env.doc2path(doc, False)).parts),
                        "title": self._title(doc),
                        "url": f"{part.name}/{doc}{self.link_suffix}",
                        "audiences": self.site.parts_of(doc),
                        "page_type": page_types.get(doc),
                    }
                    for doc in sorted(part.docnames)
                ],
            }
            (guides if part.kind == "guide" else extra).append(entry)
        return {"guides": guides, "parts": extra, "redirects": [],
                "pdfs": self.pdfs.manifest_entries()}

    def _write_manifest(self) -> None:
        manifest = self.manifest()
        self.events.emit("guidebook-site-finished", self.site_root, manifest)
        path = self.site_root / MANIFEST_NAME
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)


class _PartContext:
    def __init__(self, builder: GuidebookBuilder, part: Part) -> None:
        self.builder = builder
        self.part = part

    def __enter__(self) -> None:
        self.builder._enter(self.part)

    def __exit__(self, *exc: object) -> None:
        self.builder._leave(self.part)


class _IndexEntriesView:
    """While the general index is written, show it only the part's visible entries."""

    def __init__(self, builder: GuidebookBuilder, part: Part) -> None:
        self.domain = builder.env.domains.index_domain
        self.part = part
        self.hidden = get_domain(builder.env).hidden_ids(part.name, part.docnames)
        self.saved: dict[str, Any] | None = None

    def __enter__(self) -> None:
        entries = self.domain.data.setdefault("entries", {})
        self.saved = entries
        self.domain.data["entries"] = {
            doc: [entry for entry in doc_entries if (doc, entry[2]) not in self.hidden]
            for doc, doc_entries in entries.items()
            if doc in self.part.docnames
        }

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            self.domain.data["entries"] = self.saved


def note_reread(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Remember which pages this build reads again (the rest are unchanged)."""
    if isinstance(app.builder, GuidebookBuilder):
        app.builder.reread = set(docnames)


def _remove_if_empty(directory: Path) -> None:
    """Sphinx creates ``_sources`` even when sources are not copied (guidebook never does)."""
    try:
        directory.rmdir()
    except OSError:
        pass


def _forget_evaluated_conditions(tags: Tags) -> None:
    """Sphinx memoises ``only`` conditions per Tags object and never expects the tags to
    change during a build; they change here with every guide, so the memo must go."""
    cache = getattr(tags, "_condition_cache", None)
    if isinstance(cache, dict):
        cache.clear()


def render_guide_bar(title: str, pagename: str, ctx: dict[str, Any]) -> str:
    """Name the guide the reader is in, with its own search and the way to the portal.

    Themes title every page with the project, not the guide, and some (openstackdocs) only
    offer a site-wide search; each guide has a search index of its own.
    """
    here = "../" * pagename.count("/")
    return (
        '<div class="guidebook-guidebar">'
        f'<span class="guidebook-guidebar-title">{html.escape(title)}</span>'
        f'<a class="guidebook-guidebar-search" href="{here}search.html">Search this guide</a>'
        + (f'<a class="guidebook-guidebar-pdf" href="{html.escape(ctx["guidebook_pdf_url"])}" '
           f'download>Download PDF</a>' if ctx.get("guidebook_pdf_url") else "")
        + f'<a class="guidebook-guidebar-portal" href="{html.escape(ctx["guidebook_portal_url"])}">'
        "All guides</a></div>\n"
    )


def render_switcher(entries: list[dict[str, Any]]) -> str:
    """The audience switcher: the same page in every guide that includes it."""
    if len(entries) < 2:
        return ""
    links = []
    for entry in entries:
        title = html.escape(entry["title"])
        if entry["current"]:
            links.append(f'<li class="guidebook-switcher-current" aria-current="page">{title}</li>')
        else:
            links.append(f'<li><a href="{html.escape(entry["url"])}" '
                         f'data-guide="{html.escape(entry["name"])}">{title}</a></li>')
    return ('<nav class="guidebook-switcher" aria-label="This page in other guides">'
            '<span class="guidebook-switcher-label">This page in: </span><ul>'
            + "".join(links) + "</ul></nav>\n")


def _conf_location(conf: Path, *words: str) -> str:
    """``conf.py:<line>`` of the last line that quotes the first of *words* found.

    The last, because a later assignment in conf.py wins. A plain path would be taken
    for a docname by Sphinx's logger (``conf.py.rst``).
    """
    try:
        lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for word in words:
        for number in range(len(lines), 0, -1):
            line = lines[number - 1]
            if f'"{word}"' in line or f"'{word}'" in line:
                return f"{conf}:{number}"
    return f"{conf}:1"


def _load_manifest(path: Path) -> dict[str, Any]:
    """The previous build's manifest, indexed for incremental builds ({} when there is none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pages_by_doc: dict[str, list[str]] = {}
    titles: dict[str, dict[str, str]] = {}
    nav: dict[str, list[dict[str, Any]]] = {}
    for part in [*data.get("guides", []), *data.get("parts", [])]:
        titles[part["name"]] = {page["docname"]: page["title"] for page in part["pages"]}
        nav[part["name"]] = part.get("nav", [])
        for page in part["pages"]:
            pages_by_doc.setdefault(page["docname"], []).append(part["name"])
    pdfs = {entry["part"]: entry for entry in data.get("pdfs", [])}
    return {"parts": titles.keys(), "pages_by_doc": pages_by_doc, "titles": titles, "nav": nav,
            "pdfs": pdfs}


