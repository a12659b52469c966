"""The one seam between guidebook and the private parts of Sphinx and docutils.

Every private name guidebook relies on is used here and nowhere else, each for a reason
no public API covers; ``tests/test_sphinx_internals.py`` holds a guard test per use that
fails, naming the installed Sphinx version, when the internal changes. When a guard fails,
mend the function here (or find the public way that has appeared) and every caller
follows.

The uses, and why:

- :class:`PrivateBuilderHooks`: the builder overrides ``Builder._read_serial`` (Sphinx's
  serial read clears each page's inventory entries just before reading it: quadratic) and
  ``StandaloneHTMLBuilder._get_local_toctree`` (the sidebar navigation of every page,
  resolved once per guide instead of once per page). Renamed in Sphinx, either would fall
  back to Sphinx's own code silently: correct output, quadratic time.
- :func:`html_sources_dir`, :data:`HTML_OUTPUT_FOLDERS`: the HTML builder keeps its asset
  folders in private attributes computed once from ``outdir`` (the site root, whose one
  ``_static/``, ``_images/`` and ``_downloads/`` serve every part); guidebook removes the
  empty ``_sources/`` it leaves, and the per-part folders older builds wrote.
- :func:`forget_evaluated_conditions`: ``Tags`` memoises ``only`` conditions in a private
  dict and never expects tags to change during a build; they change with every guide.
  A renamed cache would let one guide's audience blocks leak into another.
- :func:`forget_page_assets`: an ``html-page-context`` handler adds a page's own script
  to the HTML builder's private list, which Sphinx puts back before the next page from a
  private copy taken in ``prepare_writing``. guidebook prepares once per part: the copy
  taken for the next part would hold the script the last page added (the search page's
  is written last), and every page of every later part would load it.
- :func:`reset_search_index_state`, :func:`set_search_domains`,
  :func:`get_search_index_entries`, :func:`set_search_index_entries`: Sphinx's
  ``IndexBuilder`` keeps its state in private dicts shared through the environment; each
  part needs its own. :func:`drop_unused_search_words`: its ``prune`` keeps the words
  of departed pages with no page left, so an incremental index differs from a fresh one.
- :func:`docutils_directive_names`, :func:`docutils_role_names`: docutils keeps its
  registered directives and roles in module-private registries only.
- :func:`builder_application`, :func:`post_transform_builder_class`,
  :func:`set_post_transform_builder_class`: the PDF of a part is written by a second
  builder (Sphinx's LaTeX builder) over the environment the HTML builder read. Sphinx's
  post-transforms choose which of them apply by ``env._builder_cls`` (Sphinx 9; set
  once, to the HTML builder's class; Sphinx 8.2 asks ``app.builder``) and a builder's
  application is ``builder._app`` (Sphinx 9, where ``builder.app`` is deprecated); while
  the LaTeX builder writes, the environment must name its class, or the LaTeX
  post-transforms would not run and the HTML ones would.
- :func:`forget_read_doctree`: Sphinx keeps every doctree it reads in memory, in the
  environment's private ``_write_doc_doctree_cache``, until the page is written (besides
  pickling it). An API reference's pages are large (GitHub's spec: 87 MB of pickled
  doctrees, over 1 GB as objects): they are dropped once pickled, and the write phase
  unpickles them one at a time, as after an incremental read.
- :class:`ThemeGitDates` (not Sphinx's, openstackdocstheme's):
  ``page_context._get_last_updated_file`` runs ``git log`` for a page's source file each
  time the page is rendered, so once per guide showing it; no setting turns that into
  once per file, lets it run early, or answers many files at once. The theme looks the
  function up in its module at every call, so an answer kept per file there is what
  every later guide gets. :data:`THEME_GIT_DATE_FORMAT` is the date format it asks git
  for and parses back, so a date found another way is the one the theme would give.
- :func:`replace_pbr_git_version` (pbr's, which openstackdocstheme asks): the project's
  version from git, kept between builds by ``engine/theme_version.py``.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.search import IndexBuilder
    from sphinx.util.tags import Tags

#: The private builder methods guidebook overrides: (defining class, method name).
OVERRIDDEN_METHODS = (
    ("sphinx.builders.Builder", "_read_serial"),
    ("sphinx.builders.html.StandaloneHTMLBuilder", "_get_local_toctree"),
)

#: The private ``IndexBuilder`` dicts that hold one index's state.
SEARCH_INDEX_STATE = (
    "_titles", "_filenames", "_mapping", "_title_mapping", "_all_titles", "_index_entries",
)

#: The HTML builder's private asset folders, each ``outdir / <folder>``.
HTML_OUTPUT_FOLDERS = {
    "_static_dir": "_static",
    "_sources_dir": "_sources",
    "_downloads_dir": "_downloads",
    "_images_dir": "_images",
}


class PrivateBuilderHooks:
    """Route Sphinx's private builder hooks to guidebook's public-named methods.

    Mixed into the builder before ``StandaloneHTMLBuilder``; the builder defines
    :meth:`read_serially` and :meth:`local_navigation`.
    """

    def read_serially(self, docnames: list[str]) -> None:
        raise NotImplementedError

    def local_navigation(self, docname: str, collapse: bool, **kwargs: Any) -> str:
        raise NotImplementedError

    def _read_serial(self, docnames: list[str]) -> None:
        self.read_serially(docnames)

    def _get_local_toctree(self, docname: str, collapse: bool = True, **kwargs: Any) -> str:
        return self.local_navigation(docname, collapse, **kwargs)


def html_sources_dir(builder: StandaloneHTMLBuilder) -> Path:
    """The folder the HTML builder copies page sources into (``outdir/_sources``)."""
    return Path(builder._sources_dir)


def forget_evaluated_conditions(tags: Tags) -> None:
    """Empty the memo of evaluated ``only`` conditions of *tags*."""
    cache = tags._condition_cache
    cache.clear()


#: The HTML builder's asset lists, each with the copy ``prepare_writing`` takes of it.
PAGE_ASSET_LISTS = (("_js_files", "_orig_js_files"), ("_css_files", "_orig_css_files"))


def forget_page_assets(builder: StandaloneHTMLBuilder) -> None:
    """Put the builder's scripts and style sheets back as they were before any page added
    its own (the search page's ``guidebook-search.js``)."""
    for current, original in PAGE_ASSET_LISTS:
        kept = getattr(builder, original, None)
        if kept is not None:
            getattr(builder, current)[:] = kept


def reset_search_index_state(indexer: IndexBuilder) -> None:
    """Give *indexer* state of its own instead of the environment's shared dicts."""
    for attribute in SEARCH_INDEX_STATE:
        setattr(indexer, attribute, {})


def set_search_domains(indexer: IndexBuilder, domains: Any) -> None:
    """Make *indexer* list the objects of *domains* (anything with ``sorted()``)."""
    indexer._domains = domains


def get_search_index_entries(indexer: IndexBuilder) -> dict[str, list[tuple[str, str, str]]]:
    """The index entries (``.. index::``) *indexer* holds, by docname."""
    return indexer._index_entries


def set_search_index_entries(
    indexer: IndexBuilder, entries: dict[str, list[tuple[str, str, str]]]
) -> None:
    indexer._index_entries = entries


def drop_unused_search_words(indexer: IndexBuilder) -> None:
    """Forget the words (and title words) that no page of *indexer* holds any more."""
    for mapping in (indexer._mapping, indexer._title_mapping):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]


def docutils_directive_names() -> set[str]:
    """Every directive name docutils knows, built in or registered by an extension."""
    from docutils.parsers.rst import directives

    return set(directives._directive_registry) | set(directives._directives)


def docutils_role_names() -> set[str]:
    """Every role name docutils knows, built in or registered by an extension."""
    from docutils.parsers.rst import roles

    return set(roles._role_registry) | set(roles._roles)


def builder_application(builder: Builder) -> Sphinx:
    """The application *builder* was made for: ``builder._app`` in Sphinx 9, where
    ``builder.app`` warns; ``builder.app`` in Sphinx 8.2, which has no ``_app``."""
    app = vars(builder).get("_app")
    return cast("Sphinx", app) if app is not None else builder.app


def post_transform_builder_class(env: BuildEnvironment) -> type[Builder] | None:
    """The builder class Sphinx 9's post-transforms check to know which of them apply.

    None with Sphinx 8.2, whose post-transforms ask the application's builder instead.
    """
    return cast("type[Builder] | None", vars(env).get("_builder_cls"))


def set_post_transform_builder_class(env: BuildEnvironment, cls: type[Builder] | None) -> None:
    """Make Sphinx 9's post-transforms see *cls* (nothing to do when *cls* is None)."""
    if cls is not None:
        env._builder_cls = cls


def forget_read_doctree(env: BuildEnvironment, docname: str) -> None:
    """Drop the in-memory copy Sphinx keeps of *docname*'s doctree after reading it (the
    pickled one is read back when the page is written)."""
    cache = vars(env).get("_write_doc_doctree_cache")
    if cache is not None:
        cache.pop(docname, None)


#: openstackdocstheme's function asking git for a source file's last commit date.
THEME_GIT_DATE = ("openstackdocstheme.page_context", "_get_last_updated_file")

#: The theme's ``git log --date=format:`` for that date, and its ``strptime`` format.
THEME_GIT_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class ThemeGitDates:
    """openstackdocstheme's per-file git date, asked once per file, and asked early.

    Installed in the theme's module in place of its function (:meth:`install`), it keeps
    every answer for the rest of the build. :meth:`prefetch` finds the dates of a list of
    files in a background thread, so that work runs on another core while Sphinx reads:
    first all at once, by a function answering what the theme's ``git log`` prints for
    each file, then with the theme's own call for every file it left out. A page that
    needs a date still being found waits for that answer instead of asking again.
    """

    def __init__(self, module: Any, original: Callable[[str], Any]) -> None:
        self._module = module
        self._original = original
        self._answers: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @classmethod
    def install(cls) -> ThemeGitDates | None:
        """Put the keeper in the theme's module (None: the theme is not loaded)."""
        module_name, name = THEME_GIT_DATE
        module = sys.modules.get(module_name)
        original = getattr(module, name, None)
        if module is None or original is None:
            return None
        keeper = cls(module, original)
        setattr(module, name, keeper)
        return keeper

    def __call__(self, src_file: str) -> Any:
        return self._answer(src_file).result()

    def _answer(self, src_file: str) -> Future[Any]:
        answer, mine = self._claim(src_file)
        if mine:
            self._settle(answer, self._original, src_file)
        return answer

    def _claim(self, src_file: str) -> tuple[Future[Any], bool]:
        """The answer for *src_file*, and whether it is new (the caller settles it)."""
        # The theme passes paths relative to the working directory.
        key = os.path.abspath(src_file)
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                return answer, False
            answer = self._answers[key] = Future()
            return answer, True

    @staticmethod
    def _settle(answer: Future[Any], find: Callable[..., Any], *args: Any) -> None:
        try:
            answer.set_result(find(*args))
        except BaseException as exc:  # the theme's own call raised: raise it there
            answer.set_exception(exc)

    def _printed_date(self, src_file: str, printed: str | None) -> Any:
        """The theme's answer for *src_file* when its ``git log`` printed *printed*."""
        if printed is None or not os.path.exists(src_file):
            return None  # the theme asks nothing about a missing file; git printed nothing
        try:
            return datetime.datetime.strptime(printed, THEME_GIT_DATE_FORMAT)
        except ValueError:  # the theme's own call says why, as it would have
            return self._original(src_file)

    def prefetch(self, src_files: Sequence[str],
                 find_all: Callable[[list[str]], Mapping[str, str | None]]) -> None:
        """Find the dates of *src_files* in a background thread: *find_all* answers
        what ``git log -n1 --format=%ad`` prints for each of the files it can (None:
        nothing), in the theme's :data:`THEME_GIT_DATE_FORMAT`; the theme's own call
        answers the rest, one at a time."""
        claimed = [(src_file, *self._claim(src_file)) for src_file in src_files]
        mine = [(src_file, answer) for src_file, answer, new in claimed if new]

        def ask_all() -> None:
            printed: Mapping[str, str | None] = {}
            try:  # (the theme asks git nothing about a missing file)
                printed = find_all([src_file for src_file, _answer in mine
                                    if os.path.exists(src_file)])
            finally:  # whatever happens, every page waiting for a date gets one
                for src_file, answer in mine:
                    if src_file in printed:
                        self._settle(answer, self._printed_date, src_file, printed[src_file])
                    else:
                        self._settle(answer, self._original, src_file)

        self.wait()
        self._thread = threading.Thread(target=ask_all, name="guidebook-git-dates",
                                        daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Until the background thread is done (before Sphinx forks writers, or ends)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def restore(self) -> None:
        """The theme's own function again; a later build asks git anew."""
        self.wait()
        setattr(self._module, THEME_GIT_DATE[1], self._original)


def forget_loaded_catalogs() -> None:
    """Empty Sphinx's process-wide table of loaded message catalogs.

    ``sphinx.locale.init`` adds each catalog it loads to the one already in the table for
    that domain: a second build in the same process, in another language, would take the
    first language's words where its own catalog has none. Python's ``gettext`` keeps
    every ``.mo`` file it read in a private cache keyed by path, never checking the file
    again: a catalog recompiled since (a translator's fix, in ``guidebook serve``) would
    not be seen.
    """
    import gettext

    import sphinx.locale

    sphinx.locale.translators.clear()
    gettext._translations.clear()  # type: ignore[attr-defined]


@contextlib.contextmanager
def without_latex_package(app: Sphinx, name: str) -> Iterator[None]:
    """While the block runs, the LaTeX package *name* an extension added with
    ``app.add_latex_package`` is not loaded (Sphinx has no call to take one back).

    Sphinx adds ``pxjahyper`` for Japanese with pLaTeX engines when the builder starts;
    a PDF written with XeLaTeX (:mod:`guidebook.pdf.scripts`) must not load it.
    """
    registry = app.registry
    saved = (list(registry.latex_packages), list(registry.latex_packages_after_hyperref))
    registry.latex_packages[:] = [entry for entry in saved[0] if entry[0] != name]
    registry.latex_packages_after_hyperref[:] = [entry for entry in saved[1]
                                                 if entry[0] != name]
    try:
        yield
    finally:
        registry.latex_packages[:], registry.latex_packages_after_hyperref[:] = saved


@contextlib.contextmanager
def config_values(config: Config, values: dict[str, object]) -> Iterator[None]:
    """While the block runs, *config* has *values*; then each is what it was before.

    Sphinx stores a value in the config object's ``__dict__`` once it is set or read from
    conf.py, but computes a callable default (``latex_use_xindy`` from ``latex_engine``)
    anew at each read: setting back the value read before would freeze that default for
    every later read. A value that was not stored is removed again instead.
    """
    stored = vars(config)
    absent = object()
    saved = {name: stored.get(name, absent) for name in values}
    for name, value in values.items():
        setattr(config, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is absent:
                stored.pop(name, None)
            else:
                setattr(config, name, value)


#: pbr's reading of a project's version from git (module, function): openstackdocstheme
#: asks ``pbr.packaging.get_version`` on every build (its ``config-inited`` handler, when
#: conf.py sets no version), which looks this function up in its module at every call.
PBR_GIT_VERSION = ("pbr.packaging", "_get_version_from_git")


def replace_pbr_git_version(
    wrap: Callable[[Callable[..., str]], Callable[..., str]],
) -> Callable[[], None] | None:
    """Put ``wrap(pbr's function)`` in the place of :data:`PBR_GIT_VERSION` (not Sphinx's:
    pbr's, the theme's way to the version); the undo, or None when nothing imported pbr
    (importing it, with setuptools, would cost a build without the theme 0.15 s).

    No setting of the theme or pbr keeps the answer: pbr runs git five times and walks the
    history for it (0.19 s of CPU time on keystone's tree, a fifth of a rebuild with
    nothing changed) when the project has no package metadata, as in a git checkout.
    """
    module_name, name = PBR_GIT_VERSION
    module = sys.modules.get(module_name)
    original = getattr(module, name, None)
    if module is None or original is None:
        return None
    setattr(module, name, wrap(original))

    def undo() -> None:
        setattr(module, name, original)

    return undo
