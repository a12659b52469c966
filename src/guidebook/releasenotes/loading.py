"""Read release notes from git through reno's own API.

reno's :class:`~reno.loader.Loader` finds which note belongs to which version (from git tags)
and parses each note; this module only adds what guidebook needs on top: a ``path:line`` for
every problem (reno logs its complaints without a location), the audiences of each entry,
and the grouping of versions into series pages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from guidebook.config import ALL_GUIDES
from guidebook.located import SourceProblem
from guidebook.releasenotes.model import (
    UNRELEASED_SLUG,
    Note,
    NoteItem,
    Release,
    ReleaseNotes,
    SectionSpec,
    Series,
    apply_overrides,
    item_label,
    override_names,
    parse_overrides,
    routed_audiences,
    series_key,
    series_slug,
)

#: reno's name for changes not committed yet; they belong to the unreleased notes.
_WORKING_COPY = "*working-copy*"
_UNKNOWN_DATE = "Unknown"


@dataclasses.dataclass(frozen=True)
class LoadOptions:
    """Where the notes are and how to present them."""

    reporoot: Path
    relnotesdir: str
    guides: tuple[str, ...]
    routing: Mapping[str, Sequence[str]]
    series_parts: int = 2
    unreleased_title: str = "Unreleased"
    #: The branch reno scans; empty: the checked-out commit (reno's default).
    branch: str = ""


class _Collect(logging.Handler):
    """Keeps reno's log records away from the terminal (guidebook reports with locations)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _quiet_reno() -> Iterator[_Collect]:
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in ("reno", "dulwich")]
    saved = [(log.propagate, log.level) for log in loggers]
    for log in loggers:
        log.addHandler(handler)
        log.propagate = False
    try:
        yield handler
    finally:
        for log, (propagate, level) in zip(loggers, saved, strict=True):
            log.removeHandler(handler)
            log.propagate = propagate
            log.setLevel(level)


def load_release_notes(options: LoadOptions) -> ReleaseNotes:
    """Every note of the repository, by series and release, newest first.

    Never raises for bad input: problems come back in :attr:`ReleaseNotes.problems`.
    """
    # reno (and the dulwich it walks the history with) only when the notes are read: a
    # build whose notes are kept (scan_cache.py) never imports it (issue 28).
    from reno import config as reno_config

    notes_dir = options.reporoot / options.relnotesdir
    with _quiet_reno():
        try:
            conf = reno_config.Config(str(options.reporoot), options.relnotesdir)
        except yaml.YAMLError as exc:
            config_path = notes_dir / "config.yaml"
            return ReleaseNotes(problems=(_yaml_problem(str(config_path), exc, "reno config"),))
        except (ValueError, TypeError) as exc:
            config_path = notes_dir / "config.yaml"
            return ReleaseNotes(
                problems=(SourceProblem(str(config_path), 1, f"reno config is invalid: {exc}"),)
            )
        if options.branch:
            conf.override(branch=options.branch)
        notes_path = options.reporoot / conf.notespath
        if not notes_path.is_dir():
            return ReleaseNotes(problems=(SourceProblem(
                str(notes_path), 0,
                f"release notes: no notes directory {notes_path} (create the first note "
                "with 'reno new <slug>' from the repository root)",
            ),))
        try:
            return _Reader(conf, options).read()
        except Exception as exc:
            return ReleaseNotes(problems=(SourceProblem(
                str(notes_path), 0,
                f"release notes: reno could not scan the git history of {options.reporoot}: "
                f"{type(exc).__name__}: {exc}",
            ),))


class _Reader:
    def __init__(self, conf: Any, options: LoadOptions) -> None:
        self.conf = conf
        self.options = options
        self.prelude = str(conf.prelude_section_name)
        self.sections = (
            SectionSpec(self.prelude, self.prelude.replace("_", " ").title(), prelude=True),
            *(SectionSpec(str(section.name), str(section.title)) for section in conf.sections),
        )
        self.problems: list[SourceProblem] = []

    def read(self) -> ReleaseNotes:
        options = self.options
        unreleased: list[Note] = []
        released: list[Release] = []
        from reno import loader as reno_loader
        from reno import scanner as reno_scanner

        with reno_loader.Loader(self.conf, ignore_cache=True) as loader:
            repo = reno_scanner.RenoRepo(str(options.reporoot))
            try:
                for version in loader.versions:
                    notes = [
                        note
                        for filename, sha in loader[version]
                        if (note := self._note(loader, repo, filename, sha)) is not None
                    ]
                    date = loader.get_version_date(version)
                    if version == _WORKING_COPY or date == _UNKNOWN_DATE:
                        unreleased.extend(notes)
                    elif notes:
                        released.append(Release(
                            version=version,
                            title=version,
                            date=date if self.conf.add_release_date else None,
                            released=True,
                            notes=tuple(notes),
                        ))
            finally:
                repo.close()
        series: list[Series] = []
        if unreleased:
            title = str(self.conf.unreleased_version_title or options.unreleased_title)
            series.append(Series(UNRELEASED_SLUG, title, (
                Release(version=UNRELEASED_SLUG, title=title, date=None, released=False,
                        notes=tuple(unreleased)),
            )))
        by_key: dict[str, list[Release]] = {}
        for release in released:
            by_key.setdefault(series_key(release.version, options.series_parts), []).append(
                release
            )
        for key, releases in by_key.items():
            series.append(Series(series_slug(key), f"{key} series", tuple(releases)))
        return ReleaseNotes(tuple(series), self.sections, tuple(self.problems))

    def _note(self, loader: Any, repo: Any, filename: str, sha: bytes | None) -> Note | None:
        path = str(self.options.reporoot / filename)
        body = repo.get_file_at_commit(filename, sha)
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        try:
            content = loader.parse_note_file(filename, sha)
        except yaml.YAMLError as exc:
            self.problems.append(_yaml_problem(path, exc, "release note"))
            return None
        except ValueError:
            self.problems.append(SourceProblem(
                path, 1,
                "release note is not a mapping of section names to entries "
                "(start each section with 'features:', 'fixes:', ...)",
            ))
            return None
        return self._items(path, filename, text, content)

    def _items(self, path: str, filename: str, text: str, content: dict[str, Any]) -> Note:
        guides = self.options.guides
        known = {section.name for section in self.sections}
        overrides, errors = parse_overrides(text)
        for line, message in errors:
            self.problems.append(SourceProblem(path, line, message))
        for override in overrides:
            for name in override_names(override):
                if name != ALL_GUIDES and name not in guides:
                    self.problems.append(SourceProblem(
                        path, override.line,
                        f"audience comment: unknown audience {name!r} "
                        f"(known: {', '.join(guides)})",
                    ))
            if override.section is not None and override.section not in content:
                self.problems.append(SourceProblem(
                    path, override.line,
                    f"audience comment: the note has no section {override.section!r}",
                ))
        for section_name in content:
            if section_name not in known:
                self.problems.append(SourceProblem(
                    path, _key_line(text, section_name),
                    f"unknown release note section {section_name!r} "
                    f"(known: {', '.join(section.name for section in self.sections)})",
                ))
        name = Path(filename).stem
        items: list[NoteItem] = []
        for section in self.sections:
            if section.name not in content:
                continue
            entries = self._entries(path, text, section.name, content[section.name])
            base = routed_audiences(section.name, self.options.routing, guides)
            audiences = apply_overrides(section.name, base, overrides, guides)
            line = _key_line(text, section.name)
            items.extend(
                NoteItem(section.name, entry, audiences, item_label(name, section.name, index),
                         line)
                for index, entry in enumerate(entries)
            )
        return Note(path=path, name=name, items=tuple(items))

    def _entries(self, path: str, text: str, section: str, value: object) -> list[str]:
        line = _key_line(text, section)
        if section == self.prelude:
            if isinstance(value, str):
                return [value] if value.strip() else []
            self.problems.append(SourceProblem(
                path, line, f"release note section {section!r} must be a single string",
            ))
            return []
        if isinstance(value, list) and all(isinstance(entry, str) for entry in value):
            return [entry for entry in value if entry.strip()]
        self.problems.append(SourceProblem(
            path, line, f"release note section {section!r} must be a list of strings",
        ))
        return []


def _key_line(text: str, key: str) -> int:
    """The line of the top-level *key* in a note's source (1 when it cannot be found)."""
    pattern = re.compile(rf"""^(?:{re.escape(key)}|'{re.escape(key)}'|"{re.escape(key)}")\s*:""")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def _yaml_problem(path: str, exc: yaml.YAMLError, what: str) -> SourceProblem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc)
    return SourceProblem(path, line, f"{what} is not valid YAML: {problem}")
