"""Translated guides: one build per language, fallbacks marked, language links on every page.

``guidebook_languages`` lists the translations; ``guidebook build`` (see
:mod:`guidebook.i18n.build`) runs the guidebook builder once more per language, with Sphinx's
``language`` set, into ``OUT/<lang>/``. In such a build this extension:

* compiles the language's catalogs (:mod:`.catalogs`) into a folder beside the doctrees and
  points ``locale_dirs`` at it, reporting broken catalog lines and translations at
  ``catalog:line``;
* records how much of each page was translated (:mod:`.coverage`), withholds the guides
  below ``guidebook_languages_threshold`` (a page at each of their URLs leads to the
  original) and lists the shares in the manifest;
* marks a page shown in the original with a notice in the reader's language.

In every build (the original's too) each page links to itself in the other languages and
names them in ``<link rel="alternate" hreflang>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidebook.config import GuidebookConfig
from guidebook.i18n import coverage, page
from guidebook.i18n.catalogs import compile_catalogs, find_catalogs
from guidebook.i18n.languages import MESSAGE_CATALOG, compile_ui_messages, own_name
from guidebook.manifest import Language, PartCoverage
from guidebook.redirects.output import is_stub
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

#: The folders beside the doctrees that hold the compiled catalogs.
CATALOGS_FOLDER = "catalogs"
UI_CATALOGS_FOLDER = "guidebook-locale"
#: Where OpenStack projects keep their catalogs, beside conf.py.
OPENSTACK_LOCALE_DIR = "locale"


def language_site(config: Config) -> page.LanguageSite | None:
    """The site's languages as this build sees them; None when the site has no translation."""
    settings = GuidebookConfig.from_sphinx(config)
    if not settings.languages:
        return None
    source = settings.translation_of or str(config.language or "en")
    translations = tuple(code for code in settings.languages if code != source)
    return page.LanguageSite(source, translations, str(config.language or source))


def prepare_languages(app: Sphinx, config: Config) -> None:
    """``config-inited``: in a language's build, compile its catalogs and read them from
    the build's own folder (the settings were checked by :meth:`GuidebookConfig.check`)."""
    if GuidebookConfig.from_sphinx(config).translation_of:
        _prepare_translation(app, config)


def _prepare_translation(app: Sphinx, config: Config) -> None:
    language = str(config.language)
    srcdir = Path(app.srcdir)
    locale_dirs = [srcdir / directory for directory in project_locale_dirs(config)]
    guide_domains = {spec.name: spec.folder or spec.root
                     for spec in GuidebookConfig.from_sphinx(config).configured_parts()}
    files = find_catalogs(locale_dirs, language, releasenotes_locale(app, config),
                          guide_domains)
    target = Path(app.doctreedir) / CATALOGS_FOLDER
    compiled = compile_catalogs(files, language, catalog_domains(srcdir, config), target)
    for problem in compiled.problems:
        code = (WarningCode.TRANSLATION_MARKUP if "breaks the markup" in problem.message
                else WarningCode.CATALOG)
        warn(code, problem.message, location=problem.location)
    config.locale_dirs = [str(target)]


def language_not_found_prefix(app: Sphinx, config: Config) -> None:
    """``config-inited``, after the not-found page's own default: its links are absolute,
    and a language's site lives one folder deeper; so do the paths of its ``.htaccess``."""
    settings = GuidebookConfig.from_sphinx(config)
    if settings.translation_of:
        prefix = str(config.notfound_urls_prefix or "/")
        config.notfound_urls_prefix = prefix.rstrip("/") + f"/{config.language}/"
        config.guidebook_redirect_base = (settings.redirect_base.rstrip("/")
                                          + f"/{config.language}/")


def project_locale_dirs(config: Config) -> list[str]:
    """Where the project keeps its catalogs: Sphinx's ``locale_dirs``, and ``locale``, where
    OpenStack projects keep theirs (``doc/source/locale``) whatever conf.py says."""
    dirs = [str(directory) for directory in config.locale_dirs]
    if not any(directory.strip("/") == OPENSTACK_LOCALE_DIR for directory in dirs):
        dirs.append(OPENSTACK_LOCALE_DIR)
    return dirs


def releasenotes_locale(app: Sphinx, config: Config) -> Path | None:
    """reno's locale folder, ``<repository>/<releasenotes dir>/source/locale``."""
    settings = GuidebookConfig.from_sphinx(config)
    if settings.releasenotes_repo:
        root: Path | None = Path(app.confdir, settings.releasenotes_repo).resolve()
    else:
        root = next((folder for folder in [Path(app.srcdir), *Path(app.srcdir).parents]
                     if (folder / ".git").exists()), None)
    if root is None:
        return None
    return root / settings.releasenotes_dir / "source" / "locale"


def catalog_domains(srcdir: Path, config: Config) -> list[str]:
    """The gettext domains Sphinx will look up for the pages (``gettext_compact``)."""
    compact = config.gettext_compact
    if isinstance(compact, str):
        return [compact]
    suffixes = tuple(config.source_suffix)
    skipped = {Path(directory).parts[0] for directory in project_locale_dirs(config)
               if Path(directory).parts}
    names: set[str] = set()
    for entry in srcdir.iterdir():
        if entry.name.startswith((".", "_")) or entry.name in skipped:
            continue
        if entry.is_dir():
            if compact:
                names.add(entry.name)
            else:
                names.update(str(path.relative_to(srcdir).with_suffix("").as_posix())
                             for path in entry.rglob("*") if path.name.endswith(suffixes))
        elif entry.name.endswith(suffixes):
            names.add(entry.name.rsplit(".", 1)[0])
    return sorted(names)


def load_ui_messages(app: Sphinx) -> None:
    """``builder-inited``: guidebook's own words in the build's language."""
    language = str(app.config.language or "en")
    locale_dir = compile_ui_messages(language, Path(app.doctreedir) / UI_CATALOGS_FOLDER)
    if locale_dir is not None:
        app.add_message_catalog(MESSAGE_CATALOG, str(locale_dir))


def note_progress(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: keep the page's translated and total messages."""
    if app.config.language and GuidebookConfig.from_sphinx(app.config).translation_of:
        coverage.page_progress(app.env)[app.env.docname] = coverage.count_messages(doctree)


def purge_progress(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    coverage.page_progress(env).pop(docname, None)


def merge_progress(app: Sphinx, env: BuildEnvironment, docnames: set[str],
                   other: BuildEnvironment) -> None:
    record = coverage.page_progress(other)
    coverage.page_progress(env).update({doc: record[doc] for doc in docnames if doc in record})


def part_progress(app: Sphinx) -> dict[str, coverage.Progress]:
    """Every guide's and part's translated share in this build."""
    from guidebook.sites import get_site

    site = get_site(app.env)
    return {name: coverage.of_pages(app.env, part.docnames, name)
            for name, part in site.parts.items()}


def withhold_parts(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: in a language's build, leave out the guides below the threshold."""
    from guidebook.engine.builder import GuidebookBuilder

    site = language_site(app.config)
    builder = app.builder
    if site is None or not site.translating or not isinstance(builder, GuidebookBuilder):
        return []
    threshold = float(GuidebookConfig.from_sphinx(app.config).languages_threshold)
    builder.withheld_parts = coverage.withheld(part_progress(app), threshold)
    builder.manifest_language = manifest_language(app, site, builder.withheld_parts)
    return []


def decorate_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: nodes.document | None) -> None:
    """``html-page-context``: the language links, ``hreflang`` and the fallback notice."""
    from guidebook.engine.builder import GuidebookBuilder

    site = language_site(app.config)
    builder = app.builder
    if site is None or not isinstance(builder, GuidebookBuilder):
        return
    part = builder.current
    if part is not None:
        page_path = part.path(pagename) + builder.link_suffix
    elif templatename == "guidebook/portal.html":
        page_path = "index" + builder.link_suffix
    else:
        return
    links = page.language_links(site, page_path)
    context["metatags"] = (context.get("metatags", "") + "\n"
                           + page.alternate_links(site, page_path,
                                                  str(app.config.html_baseurl or "")))
    if part is None:
        context["guidebook_language_links"] = links
        if site.translating:
            shares = part_progress(app)
            withheld = [(name, builder.site.parts[name].title, shares[name])
                        for name in builder.site.parts if name in builder.withheld_parts]
            context["guidebook_untranslated_parts"] = page.withheld_list(
                site, withheld, builder.link_suffix)
        return
    notice = ""
    if site.translating:
        progress = coverage.of_pages(app.env, [pagename], part.name)
        notice = page.untranslated_notice(site, progress, page_path)
    if "body" in context:
        context["body"] = links + notice + context["body"]


def manifest_language(app: Sphinx, site: page.LanguageSite,
                      withheld: frozenset[str]) -> Language:
    """A language's entry in its own manifest: each guide's share, published or not."""
    shares = part_progress(app)
    return Language(
        code=site.current, name=own_name(site.current), url="index.html", original=False,
        source=site.source,
        parts=tuple(PartCoverage(name, progress.translated, progress.total,
                                 round(progress.share, 4), name not in withheld)
                    for name, progress in shares.items()),
    )


def write_withheld_pages(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: at every URL of a withheld guide, a page leading to the original."""
    from guidebook.engine.builder import GuidebookBuilder

    site = language_site(app.config)
    builder = app.builder
    if (exception is not None or site is None or not site.translating
            or not isinstance(builder, GuidebookBuilder)):
        return
    root = Path(builder.outdir)
    original = root.parent  # the original's site, built or published before this language
    for name in sorted(builder.withheld_parts):
        part = builder.site.parts[name]
        titles = {part.path(doc) + builder.link_suffix: builder.title_of(doc)
                  for doc in part.docnames}
        # Every page of the original's part, its index and search page included; not its
        # redirect stubs, which the language has too (guidebook.redirects writes them).
        paths = {path.relative_to(original).as_posix()
                 for path in (original / name).rglob(f"*{builder.link_suffix}")
                 if not is_stub(path)}
        pages = {page_path: page.redirect_page(site, titles.get(page_path, part.title),
                                               page_path)
                 for page_path in paths | set(titles)}
        _replace_folder(root, name, pages)


def _replace_folder(root: Path, folder: str, pages: dict[str, str]) -> None:
    """Make *root/folder* hold exactly *pages* (path from *root* -> text), rewriting only
    the files whose text changed: an unchanged language rewrites nothing."""
    for path in sorted((root / folder).rglob("*"), reverse=True):
        if path.relative_to(root).as_posix() in pages or is_stub(path):
            continue
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        else:
            path.unlink()
    for page_path, text in sorted(pages.items()):
        target = root / page_path
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    from guidebook.i18n.templates import GuideCatalogBuilder

    app.add_builder(GuideCatalogBuilder)
    app.connect("config-inited", prepare_languages, priority=200)
    # After guidebook.engine.not_found.default_settings (priority 500).
    app.connect("config-inited", language_not_found_prefix, priority=600)
    app.connect("builder-inited", load_ui_messages)
    app.connect("doctree-read", note_progress)
    app.connect("env-purge-doc", purge_progress)
    app.connect("env-merge-info", merge_progress)
    app.connect("env-updated", withhold_parts)
    app.connect("html-page-context", decorate_page)
    app.connect("build-finished", write_withheld_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
