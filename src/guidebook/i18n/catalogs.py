"""A language's message catalogs, found where projects keep them and compiled for Sphinx.

Three layouts are read, each ``<locale dir>/<lang>/LC_MESSAGES/``:

* Sphinx's own: ``locale_dirs`` with one ``<domain>.po`` per domain of
  ``gettext_compact`` (``user.po`` for the pages under ``user/``);
* OpenStack's: ``doc-<folder>.po`` for the pages under ``<folder>/`` and ``doc.po`` for the
  rest (openstackdocstheme's ``docstheme-build-translated.sh`` merges them the same way);
* reno's ``releasenotes/source/locale/<lang>/LC_MESSAGES/releasenotes.po``, whose messages are
  the release notes' text wherever guidebook shows it.

Each domain Sphinx will look up gets one merged catalog in a build-private folder (never in
the source tree): the domain's own catalog first, then ``doc.po``, then the release notes.
Fuzzy entries are left out. A catalog line babel cannot parse, and a translation whose
reStructuredText markup is broken, are reported at ``catalog:line`` and the original is used.
A domain's ``.mo`` is rewritten only when its content changes, so Sphinx (whose pages depend on
their domain's ``.mo``) reads again only the pages whose catalog changed.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, PoFileParser, write_po

from guidebook.i18n import markup as markup_module
from guidebook.i18n.markup import markup_problem
from guidebook.located import SourceProblem

#: The file names of the OpenStack layout: ``doc.po`` and ``doc-<folder>.po``.
OPENSTACK_SHARED = "doc"
OPENSTACK_PREFIX = "doc-"
#: The date in every compiled catalog's header.
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
#: reno's catalog of the release notes.
RELEASENOTES_DOMAIN = "releasenotes"


@dataclasses.dataclass(frozen=True)
class CatalogFiles:
    """The ``.po`` files of one language, by role."""

    #: domain -> its catalogs, first first (Sphinx's ``<domain>.po``, OpenStack's
    #: ``doc-<domain>.po``, and ``doc-<guide>.po`` of the guides whose root is in it)
    domains: dict[str, list[Path]]
    #: catalogs that serve every domain after its own: ``doc.po``, then the release notes
    shared: tuple[Path, ...]

    @property
    def all(self) -> list[Path]:
        return [*(path for paths in self.domains.values() for path in paths), *self.shared]


def find_catalogs(locale_dirs: Iterable[Path], language: str,
                  releasenotes_locale: Path | None,
                  guide_domains: Mapping[str, str] | None = None) -> CatalogFiles:
    """The catalogs of *language* in *locale_dirs* (Sphinx's or OpenStack's layout) and the
    release notes' locale folder.

    *guide_domains* maps a guide to the domain of its root folder: ``doc-<guide>.po``
    (written from ``guidebook gettext``'s template) serves that folder's pages.
    """
    aliases = {guide: domain for guide, domain in (guide_domains or {}).items()
               if guide != domain}
    domains: dict[str, list[Path]] = {}
    shared: list[Path] = []
    for locale_dir in locale_dirs:
        messages = locale_dir / language / "LC_MESSAGES"
        if not messages.is_dir():
            continue
        for path in sorted(messages.rglob("*.po")):
            relative = path.relative_to(messages).with_suffix("").as_posix()
            if relative == OPENSTACK_SHARED:
                shared.append(path)
            elif relative.startswith(OPENSTACK_PREFIX) and "/" not in relative:
                name = relative[len(OPENSTACK_PREFIX):]
                domain = aliases.get(name, name)
                paths = domains.setdefault(domain, [])
                # The folder's own catalog before the catalogs of guides rooted there.
                paths.insert(0 if name == domain else len(paths), path)
            else:
                domains.setdefault(relative, []).insert(0, path)
    if releasenotes_locale is not None:
        notes = releasenotes_locale / language / "LC_MESSAGES" / f"{RELEASENOTES_DOMAIN}.po"
        if notes.is_file():
            shared.append(notes)
    return CatalogFiles(domains, tuple(shared))


def read_catalog(path: Path, language: str,
                 problems: list[SourceProblem]) -> list[tuple[Message, int]]:
    """The translated, non-fuzzy messages of *path* with their lines; problems appended."""
    catalog = Catalog(locale=None)
    parser = _LocatedParser(catalog, str(path), problems)
    try:
        with open(path, "rb") as handle:
            parser.parse(handle)
    except (OSError, UnicodeDecodeError, PoFileError, ValueError) as exc:
        problems.append(SourceProblem(str(path), getattr(exc, "lineno", 0) or 1,
                                       f"catalog cannot be read: {exc}"))
        return []
    kept: list[tuple[Message, int]] = []
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        if isinstance(message.id, tuple) or isinstance(message.string, tuple):
            continue  # plural forms: documents have none
        line = int(message.lineno or 1)
        problem = markup_problem(str(message.id), str(message.string))
        if problem:
            problems.append(SourceProblem(
                str(path), line,
                f"the translation of {_excerpt(str(message.id))!r} breaks the markup "
                f"({problem}); the original is used"))
            continue
        kept.append((message, line))
    return kept


class _LocatedParser(PoFileParser):
    """babel's parser, keeping each problem with its line instead of printing it."""

    def __init__(self, catalog: Catalog, path: str, problems: list[SourceProblem]) -> None:
        super().__init__(catalog, ignore_obsolete=True, abort_invalid=False)
        self.path = path
        self.problems = problems

    def _invalid_pofile(self, line: str, lineno: int, msg: str) -> None:
        self.problems.append(SourceProblem(self.path, lineno + 1, f"catalog syntax: {msg}"))


def _excerpt(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclasses.dataclass
class CompiledCatalogs:
    """What :func:`compile_catalogs` did for one language."""

    #: domain -> number of translated messages in its merged catalog
    domains: dict[str, int]
    problems: list[SourceProblem]
    #: the domains whose ``.mo`` changed in this call
    changed: list[str]


def compile_catalogs(files: CatalogFiles, language: str, domains: Sequence[str],
                     target: Path) -> CompiledCatalogs:
    """Write ``target/<language>/LC_MESSAGES/<domain>.po`` and ``.mo`` for every domain.

    *domains* are the domains Sphinx will look up besides those with a catalog of their own
    (``doc.po`` and the release notes serve them). The inputs' sizes and times are kept in
    ``target/<language>/inputs.json``: when none changed, nothing is read again, and the
    problems found last time are returned again (so ``--strict`` holds on every build).
    """
    messages_dir = target / language / "LC_MESSAGES"
    state_path = target / language / "inputs.json"
    inputs = _fingerprint(files.all, language, domains)
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if state.get("inputs") == inputs and messages_dir.is_dir():
        return CompiledCatalogs(
            domains=dict(state.get("domains", {})),
            problems=[SourceProblem(**entry) for entry in state.get("problems", [])],
            changed=[],
        )
    problems: list[SourceProblem] = []
    parsed = {path: read_catalog(path, language, problems) for path in files.all}
    problems.sort(key=lambda problem: (problem.path, problem.line))
    shared = [parsed[path] for path in files.shared]
    wanted = set(domains) | set(files.domains)
    messages_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    changed: list[str] = []
    digests: dict[str, str] = {}
    previous = state.get("digests", {}) if isinstance(state.get("digests"), dict) else {}
    for domain in sorted(wanted):
        own = [parsed[path] for path in files.domains.get(domain, [])]
        merged = _merge([*own, *shared], language)
        counts[domain] = len(merged)
        digests[domain], written = _write_domain(messages_dir, domain, merged,
                                                 previous.get(domain))
        if written:
            changed.append(domain)
    for stale in messages_dir.rglob("*.mo"):
        domain = stale.relative_to(messages_dir).with_suffix("").as_posix()
        if domain not in wanted:
            stale.unlink()
            stale.with_suffix(".po").unlink(missing_ok=True)
    state_path.write_text(json.dumps({
        "inputs": inputs, "domains": counts, "digests": digests,
        "problems": [dataclasses.asdict(problem) for problem in problems],
    }, indent=1), encoding="utf-8")
    return CompiledCatalogs(counts, problems, changed)


def _fingerprint(paths: Sequence[Path], language: str, domains: Sequence[str]) -> list[object]:
    # The checks' own code too: a guidebook with other checks compiles afresh.
    code = [Path(__file__), Path(markup_module.__file__ or "")]
    entries: list[object] = [language, sorted(domains),
                             [path.stat().st_mtime_ns for path in code if path.is_file()]]
    for path in paths:
        stat = path.stat()
        entries.append([str(path), stat.st_size, stat.st_mtime_ns])
    return entries


def _merge(catalogs: Sequence[list[tuple[Message, int]]], language: str) -> Catalog:
    """One catalog of *catalogs*' messages; the first catalog with a message wins."""
    # Fixed dates: babel would stamp the time in the header, and a .mo that differs only in
    # its date would make Sphinx read every page of the domain again.
    merged = Catalog(locale=_babel_locale(language), fuzzy=False, creation_date=_EPOCH,
                     revision_date=_EPOCH)
    for messages in catalogs:
        for message, _line in messages:
            if merged.get(message.id, message.context) is None:
                merged.add(message.id, message.string, context=message.context)
    return merged


def _babel_locale(language: str) -> str | None:
    try:
        return str(Locale.parse(language))
    except (ValueError, UnknownLocaleError):
        return None


def _write_domain(messages_dir: Path, domain: str, catalog: Catalog,
                  previous: str | None) -> tuple[str, bool]:
    """Write the domain's ``.po`` (which Sphinx lists) and ``.mo`` (which it reads) when their
    content changed; the ``.mo`` last, so Sphinx never takes it for out of date. The digest
    of the content and whether it was written.

    The content is compared with what the last compile wrote (*previous*), not with the
    ``.mo`` file: ``sphinx-build -E`` (``guidebook build --fresh``) compiles every ``.po`` of
    ``locale_dirs`` again itself, stamping the hour in the header, and a file compared by
    its bytes would then differ in every domain, reading every page again.
    """
    po_buffer, mo_buffer = io.BytesIO(), io.BytesIO()
    write_po(po_buffer, catalog, omit_header=True, sort_output=True, width=0)
    write_mo(mo_buffer, catalog, use_fuzzy=False)
    po_path = messages_dir / f"{domain}.po"
    mo_path = po_path.with_suffix(".mo")
    new_mo = mo_buffer.getvalue()
    digest = _sha(new_mo)
    if mo_path.is_file() and po_path.is_file() and previous == digest:
        return digest, False
    po_path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(po_path, po_buffer.getvalue())
    _atomic_write(mo_path, new_mo)
    return digest, True


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
