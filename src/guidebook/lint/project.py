"""The project the linter checks: its configuration, its pages and what they add up to.

The configuration is read the way Sphinx reads it (conf.py executed, the extensions
set up in a throw-away application that never reads a source file), which also tells
which directives and roles exist. The pages are read with the light line reader of
:mod:`guidebook.lint.source`; whole-tree facts (navigation, labels, near-duplicates)
are computed once, on first use, in time linear in the size of the tree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import posixpath
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

from docutils.parsers.rst import languages
from sphinx.errors import SphinxError
from sphinx.util.docutils import docutils_namespace
from sphinx.util.matching import get_matching_files

from guidebook.audiences.folders import folder_rules
from guidebook.audiences.model import (
    AUDIENCE_FIELD,
    AudienceSyntaxError,
    FolderRule,
    page_parts,
    parse_audiences,
)
from guidebook.config import GuidebookConfig, Part
from guidebook.lint import similarity
from guidebook.lint.source import Audiences, Label, SourceFile, read_source
from guidebook.sphinx_internals import docutils_directive_names, docutils_role_names

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Directives whose content is code or data, not reST prose.
NON_PROSE_DIRECTIVES = frozenset({
    "code-block", "code", "sourcecode", "literalinclude", "highlight", "raw", "math",
    "csv-table", "productionlist", "parsed-literal", "graphviz", "digraph", "graph",
    "toctree", "openapi", "include", "image", "default-role", "role", "meta",
})
#: Roles that link to a page of this project: ``:doc:`` and ``:ref:``.
LINK_ROLES = {"doc": "doc", "std:doc": "doc", "ref": "ref", "std:ref": "ref"}

#: Languages Sphinx's ``code-block`` accepts that Pygments does not know.
SPHINX_LEXER_NAMES = frozenset({"none", "default", "guess"})

MIN_PARAGRAPH_WORDS = 15
MIN_SECTION_WORDS = 40


class LintError(Exception):
    """The linter cannot run (no conf.py, an invalid configuration)."""


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """The directive and role names Sphinx knows for this project."""

    directives: frozenset[str]
    roles: frozenset[str]
    domain_directives: dict[str, frozenset[str]]
    domain_roles: dict[str, frozenset[str]]
    primary_domain: str | None
    #: The ``code-block`` languages Sphinx highlights (Pygments' own names aside).
    lexers: frozenset[str] = frozenset()

    def _unprefixed(self, table: dict[str, frozenset[str]], domains: Iterable[str]) -> set[str]:
        names: set[str] = set()
        for domain in domains:
            names |= table.get(domain, frozenset())
        return names

    def directive_names(self, default_domain: str | None = None) -> set[str]:
        """Every directive name valid in a file (with the file's default domain)."""
        domains = {"std", self.primary_domain or "", default_domain or ""}
        names = set(self.directives) | self._unprefixed(self.domain_directives, domains)
        for domain, members in self.domain_directives.items():
            names.update(f"{domain}:{name}" for name in members)
        return names

    def role_names(self, default_domain: str | None = None) -> set[str]:
        domains = {"std", self.primary_domain or "", default_domain or ""}
        names = set(self.roles) | self._unprefixed(self.domain_roles, domains)
        for domain, members in self.domain_roles.items():
            names.update(f"{domain}:{name}" for name in members)
        return names


@dataclasses.dataclass
class Settings:
    """What the linter needs from conf.py."""

    all_parts: list[Part]
    guidebook: GuidebookConfig
    #: ``guidebook_folder_audiences``, longest pattern first.
    folder_rules: tuple[FolderRule, ...]
    exclude_patterns: list[str]
    source_suffixes: list[str]
    vocabulary: Vocabulary


@contextlib.contextmanager
def _application(confdir: Path) -> Iterator[Sphinx]:
    """A Sphinx application of *confdir*'s conf.py with its extensions set up, reading
    nothing (the registrations last as long as the context)."""
    from sphinx.application import Sphinx

    with tempfile.TemporaryDirectory(prefix="guidebook-lint-") as scratch, docutils_namespace():
        try:
            app = Sphinx(
                str(confdir), str(confdir), str(Path(scratch, "out")),
                str(Path(scratch, "doctrees")), "dummy",
                status=None, warning=io.StringIO(), freshenv=True,
            )
        except SphinxError as exc:
            raise LintError(f"{confdir / 'conf.py'}: {exc}") from exc
        except Exception as exc:  # conf.py itself raised
            raise LintError(f"{confdir / 'conf.py'}: {type(exc).__name__}: {exc}") from exc
        yield app


def _vocabulary(app: Sphinx) -> Vocabulary:
    """The directives, roles and lexers *app* knows once its extensions are set up."""
    from sphinx.highlighting import lexer_classes

    config = app.config
    language = languages.get_language(config.language or "en")
    domain_directives: dict[str, frozenset[str]] = {}
    domain_roles: dict[str, frozenset[str]] = {}
    for name, domain in app.registry.domains.items():
        domain_directives[name] = frozenset(domain.directives) | frozenset(
            app.registry.domain_directives.get(name, {})
        )
        domain_roles[name] = frozenset(domain.roles) | frozenset(
            app.registry.domain_roles.get(name, {})
        )
    return Vocabulary(
        directives=frozenset(docutils_directive_names() | set(language.directives)),
        roles=frozenset(docutils_role_names() | set(language.roles)),
        domain_directives=domain_directives,
        domain_roles=domain_roles,
        primary_domain=config.primary_domain,
        # Sphinx's own names besides Pygments' ("none", "default", "guess") and those of
        # extensions (app.add_lexer).
        lexers=frozenset(lexer_classes) | SPHINX_LEXER_NAMES,
    )


def load_vocabulary(confdir: Path) -> Vocabulary:
    """The vocabulary of another conf.py of the repository (``releasenotes/source``)."""
    with _application(confdir) as app:
        return _vocabulary(app)


def load_settings(source: Path) -> Settings:
    """Execute conf.py and set up its extensions in an application that reads nothing."""
    if not (source / "conf.py").is_file():
        raise LintError(f"{source}: no conf.py (use --source to name the source directory)")
    with _application(source) as app:
        config = app.config
        guidebook = GuidebookConfig.from_sphinx(config)
        vocabulary = _vocabulary(app)
        parts = guidebook.configured_parts()
        return Settings(
            all_parts=parts,
            guidebook=guidebook,
            folder_rules=folder_rules(guidebook.folder_audiences, parts),
            exclude_patterns=list(config.exclude_patterns),
            source_suffixes=[s for s, kind in config.source_suffix.items()
                             if kind == "restructuredtext"],
            vocabulary=vocabulary,
        )


def display_path(path: Path, base: Path) -> str:
    """*path* relative to *base* when it is inside it, else absolute."""
    path = path.resolve()
    try:
        return str(path.relative_to(base.resolve()))
    except ValueError:
        return str(path)


def toctree_targets(
    docname: str, options: Mapping[str, str], content: Sequence[tuple[int, str]],
    docnames: Iterable[str], suffixes: Sequence[str],
) -> list[str]:
    """The docnames a ``toctree`` in *docname* lists, as Sphinx reads its entries.

    *content* is the directive's ``(line, text)`` content; glob entries (with the
    ``:glob:`` option) expand against *docnames*; an entry may end in one of the source
    *suffixes* (Sphinx accepts ``install.rst``); links and ``self`` are skipped.
    """
    entries: list[str] = []
    for _, line in content:
        entry = line.strip()
        if not entry or entry.startswith(":") or entry == "self" or "://" in entry:
            continue
        if entry.endswith(">") and "<" in entry:
            entry = entry[entry.rindex("<") + 1 : -1].strip()
        suffix = next((x for x in suffixes if entry.endswith(x)), "")
        entry = entry[: len(entry) - len(suffix)] if suffix else entry
        target = Project.doc_target(docname, entry)
        if "glob" in options and any(char in entry for char in "*?["):
            entries.extend(name for name in sorted(docnames) if fnmatchcase(name, target))
        else:
            entries.append(target)
    return entries


def is_prose_directive(name: str) -> bool:
    return name.split(":")[-1] not in NON_PROSE_DIRECTIVES


@dataclasses.dataclass
class Page:
    """One source file of the tree with its docname and the guides that show it."""

    docname: str
    source: SourceFile
    declared: tuple[str, ...] | None
    parts: tuple[str, ...]
    fragment: bool = False  # included by another page: not a page of its own

    @property
    def path(self) -> Path:
        return self.source.path


class Project:
    """The source tree: settings, pages and the whole-tree analyses the rules share."""

    def __init__(self, source: Path, settings: Settings) -> None:
        self.source = source
        self.settings = settings
        self.all_parts = settings.all_parts
        self.kinds = {part.name: part.kind for part in self.all_parts}
        self.pages: dict[str, Page] = {}
        self.selected: set[Path] | None = None
        self.display_base = Path.cwd()
        #: The repository root: other conf.py files (release notes) are looked for up to it.
        self.root: Path | None = None
        self._order = {spec.name: index for index, spec in enumerate(self.all_parts)}
        self.by_path: dict[Path, Page] = {}
        suffixes = tuple(settings.source_suffixes) or (".rst",)
        excluded = [*settings.exclude_patterns, "_build", "**/.*", ".*"]
        for relative in sorted(get_matching_files(source, exclude_patterns=excluded)):
            if not relative.endswith(suffixes):
                continue
            suffix = next(s for s in suffixes if relative.endswith(s))
            docname = relative[: -len(suffix)]
            path = (source / relative).resolve()
            self.add(docname, read_source(path, is_prose_directive))
        for page in list(self.pages.values()):
            for directive in page.source.directives_named("include"):
                target = self.doc_target(page.docname, directive.arguments)
                for suffix in suffixes:
                    if target.endswith(suffix) and target[: -len(suffix)] in self.pages:
                        self.pages[target[: -len(suffix)]].fragment = True

    # -- presentation ----------------------------------------------------------------

    def display(self, path: Path) -> str:
        """*path* as reports show it (relative to the current directory when inside it)."""
        return display_path(path, self.display_base)

    def reports_on(self, path: Path) -> bool:
        """Whether problems in *path* are reported (it is among the files linted)."""
        return self.selected is None or path in self.selected

    def order(self, name: str) -> int:
        """The position of a guide or part in conf.py (for stable messages)."""
        return self._order.get(name, len(self._order))

    def confdir_of(self, path: Path) -> Path:
        """The folder of the conf.py that builds *path*: the nearest one above it inside
        the repository (``releasenotes/source`` has its own), else the source's."""
        source = self.source.resolve()
        root = (self.root or source).resolve()
        folder = path.resolve().parent
        while folder != source and folder.is_relative_to(root):
            if (folder / "conf.py").is_file():
                return folder
            if folder == root:
                break
            folder = folder.parent
        return source

    @functools.cache  # noqa: B019 - one Project per run
    def vocabulary(self, confdir: Path) -> Vocabulary:
        """The directives and roles of *confdir*'s conf.py and its extensions (reno's
        ``release-notes`` in ``releasenotes/source``); the source's when it cannot load."""
        if confdir == self.source.resolve():
            return self.settings.vocabulary
        try:
            return load_vocabulary(confdir)
        except LintError:
            return self.settings.vocabulary

    @functools.cache  # noqa: B019 - one Project per run
    def directive_names(self, default_domain: str | None, confdir: Path | None = None
                        ) -> set[str]:
        return self.vocabulary(confdir or self.source.resolve()).directive_names(default_domain)

    @functools.cache  # noqa: B019 - one Project per run
    def role_names(self, default_domain: str | None, confdir: Path | None = None) -> set[str]:
        return self.vocabulary(confdir or self.source.resolve()).role_names(default_domain)

    def add(self, docname: str, source: SourceFile) -> None:
        declared: tuple[str, ...] | None = None
        if AUDIENCE_FIELD in source.fields:
            try:
                declared = parse_audiences(source.fields[AUDIENCE_FIELD][0])
            except AudienceSyntaxError:
                declared = ()
        page = Page(docname, source, declared, page_parts(docname, declared, self.all_parts,
                                                          self.settings.folder_rules))
        self.pages[docname] = page
        self.by_path[source.path] = page

    # -- targets ---------------------------------------------------------------------

    @staticmethod
    def doc_target(docname: str, target: str) -> str:
        """Resolve a ``:doc:``, toctree or include target written in *docname*."""
        target = target.strip()
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(docname), target))
        return resolved

    def visible(self, page: Page, audiences: Audiences) -> set[str]:
        """The parts in which content of *page* under *audiences* is shown."""
        parts = set(page.parts)
        return parts if audiences is None else parts & audiences

    # -- whole-tree analyses ---------------------------------------------------------

    @functools.cached_property
    def navigation(self) -> dict[str, set[str]]:
        """For each part, the pages its navigation reaches from the part's root."""
        result: dict[str, set[str]] = {}
        for spec in self.all_parts:
            reached: set[str] = set()
            queue = [spec.root] if spec.root in self.pages else []
            reached.update(queue)
            while queue:
                page = self.pages[queue.pop()]
                for directive in page.source.directives_named("toctree"):
                    if directive.audiences is not None and spec.name not in directive.audiences:
                        continue
                    for target in self.toctree_entries(page.docname, directive.options,
                                                       directive.content):
                        child = self.pages.get(target)
                        if child is None or target in reached or spec.name not in child.parts:
                            continue
                        reached.add(target)
                        queue.append(target)
            result[spec.name] = reached
        return result

    def toctree_entries(
        self, docname: str, options: Mapping[str, str], content: Sequence[tuple[int, str]]
    ) -> list[str]:
        return toctree_targets(docname, options, content, self.pages,
                               self.settings.source_suffixes)

    @functools.cached_property
    def labels(self) -> dict[str, list[tuple[Page, Label]]]:
        """Every ``.. _label:`` of the tree, by normalised name, in path order."""
        result: dict[str, list[tuple[Page, Label]]] = {}
        for docname in sorted(self.pages):
            page = self.pages[docname]
            for label in page.source.labels:
                result.setdefault(label.name, []).append((page, label))
        return result

    @functools.cached_property
    def near_duplicates(self) -> list[similarity.Match]:
        """Paragraph and section pairs of different pages that are near-duplicates."""
        vocabulary = similarity.Vocabulary()
        units: list[similarity.Unit] = []
        self.unit_pages: list[Page] = []
        self._unit_index: dict[str, int] = {}
        for number, docname in enumerate(sorted(self.pages)):
            page = self.pages[docname]
            self.unit_pages.append(page)
            self._unit_index[docname] = number
            sections: dict[int, list[int]] = {}
            words: dict[int, int] = {}
            for paragraph in page.source.paragraphs:
                ids = vocabulary.ids(paragraph.words)
                shingles = similarity.shingles_of(ids)
                if not shingles:
                    continue
                big = len(paragraph.words) >= MIN_PARAGRAPH_WORDS
                kind = "paragraph" if big else similarity.FRAGMENT
                units.append(similarity.Unit(number, paragraph.line, kind, shingles,
                                             words=ids))
                sections.setdefault(paragraph.section, []).append(len(units) - 1)
                words[paragraph.section] = words.get(paragraph.section, 0) + len(paragraph.words)
            for section, members in sections.items():
                if section < 0 or len(members) < 2 or words[section] < MIN_SECTION_WORDS:
                    continue
                shingles = frozenset().union(*(units[i].shingles for i in members))
                line = page.source.sections[section].line
                in_order = tuple(word for i in members for word in units[i].words)
                units.append(similarity.Unit(number, line, "section", shingles, tuple(members),
                                             in_order))
        matches = similarity.near_duplicates(units, 0.85)
        # A paragraph pair inside a reported section pair is not reported again.
        index = {id(unit): number for number, unit in enumerate(units)}
        covered: set[tuple[int, int]] = set()
        for match in matches:
            if match.first.kind == "section":
                for i in match.first.members:
                    for j in match.second.members:
                        covered.update(((i, j), (j, i)))
        return [
            match for match in matches
            if (index[id(match.first)], index[id(match.second)]) not in covered
        ]

    @functools.cached_property
    def _matches_by_file(self) -> dict[int, list[similarity.Match]]:
        result: dict[int, list[similarity.Match]] = {}
        for match in self.near_duplicates:
            result.setdefault(match.first.file, []).append(match)
            result.setdefault(match.second.file, []).append(match)
        return result

    def matches_of(self, page: Page) -> list[similarity.Match]:
        """The near-duplicate pairs *page* takes part in."""
        return self._matches_by_file.get(self._unit_index.get(page.docname, -1), [])

    def page_of_unit(self, unit: similarity.Unit) -> Page:
        _ = self.near_duplicates
        return self.unit_pages[unit.file]
