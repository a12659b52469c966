"""The checks guidebook lint delegates: doc8, reno's lint and the OpenAPI spec validator."""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml

from guidebook.lint.project import Project
from guidebook.lint.rules import TreeContext, tree_rule

#: docutils' complaint about a ``code-block`` language; Sphinx knows more names
#: (``none``) than the Pygments that docutils asks.
_NO_LEXER = re.compile(r'No Pygments lexer found for "(?P<name>[^"]*)"')


def doc8_configured(root: Path) -> bool:
    """Whether the repository at *root* configures doc8 (``[doc8]`` in doc8.ini, tox.ini,
    setup.cfg..., ``[tool.doc8]`` in pyproject.toml): read the way doc8 reads it."""
    from doc8 import main as doc8_main

    with contextlib.chdir(root):
        return bool(doc8_main.extract_config({"config": []}))


def run_doc8(
    paths: Sequence[Path], root: Path, lexers: frozenset[str] = frozenset()
) -> list[tuple[Path, int, str, str]]:
    """doc8 over *paths* with the ``[doc8]`` settings of *root* (tox.ini, setup.cfg...).

    Returns ``(path, line, code, message)`` tuples. doc8 reads its configuration from
    the current directory, so it runs from *root*. A ``code-block`` language in
    *lexers* (Sphinx's own ``none``, an extension's) is not reported.
    """
    from doc8 import main as doc8_main

    root_logger = logging.getLogger()
    handlers, level = list(root_logger.handlers), root_logger.level
    # Absolute, before the chdir: the paths are relative to where the command runs.
    absolute = [str(path.resolve()) for path in paths]
    with contextlib.chdir(root), warnings.catch_warnings():
        # doc8 builds a docutils OptionParser per file, which docutils 0.21 deprecates.
        warnings.filterwarnings("ignore", r"The frontend\.Option", DeprecationWarning)
        result = doc8_main.doc8(paths=absolute, quiet=True, verbose=False)
    # doc8 configures the root logger (logging.basicConfig): undo it.
    for handler in root_logger.handlers[:]:
        if handler not in handlers:
            root_logger.removeHandler(handler)
    root_logger.setLevel(level)
    problems: list[tuple[Path, int, str, str]] = []
    for _check, filename, line, code, message in result.errors:
        unknown_lexer = _NO_LEXER.search(message) if code == "D000" else None
        if unknown_lexer and unknown_lexer["name"] in lexers:
            continue
        path = Path(filename)
        path = path if path.is_absolute() else root / path
        problems.append((path, line if isinstance(line, int) else 1, code, message))
    return problems


# -- release notes -------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _capture(name: str) -> Iterator[_Records]:
    logger = logging.getLogger(name)
    handler = _Records()
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved


# reno says it twice: while loading the note and again in lint_cmd.
_UNKNOWN_SECTION = re.compile(
    r"unrecognized section name (?P<name>\S+) in|The (?P<name2>\S+) section of \S+ is not a "
    r"recognized section"
)


def _key_line(path: Path, key: str) -> int:
    pattern = re.compile(rf"^['\"]?{re.escape(key)}['\"]?\s*:")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((number for number, line in enumerate(lines, 1) if pattern.match(line)), 1)


@tree_rule("GB401", "releasenotes")
def check_release_notes(project: Project, context: TreeContext) -> Iterator[tuple[Path, int, str]]:
    """A release note that ``reno lint`` rejects, or that is not valid YAML.

    Bad (``releasenotes/notes/fix-import-1234.yaml``)::

        fix:
          - Image import no longer fails for large images.

    Good::

        fixes:
          - Image import no longer fails for large images.
    """
    del project
    notes_root = context.releasenotes
    if notes_root is None or not (notes_root / "notes").is_dir():
        return
    notes = sorted((notes_root / "notes").glob("*.yaml"))
    broken = False
    for note in notes:
        try:
            yaml.safe_load(note.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            yield note, (mark.line + 1 if mark is not None else 1), f"invalid YAML: {problem}"
            broken = True
    if broken:
        return  # reno's own lint stops at the first unreadable note
    from reno import config as reno_config
    from reno import linter

    relnotesdir = str(notes_root.resolve().relative_to(context.root.resolve()))
    conf = reno_config.Config(str(context.root.resolve()), relnotesdir)
    with _capture("reno") as captured:
        try:
            linter.lint_cmd(None, conf)
        except ValueError:
            pass  # a note that is not a mapping: reno logged it
        except Exception as exc:  # reno scans the git history (dulwich errors, no repo)
            yield notes_root, 1, f"reno lint could not run: {type(exc).__name__}: {exc}"
            return
    sections = ", ".join([conf.prelude_section_name] + [s.name for s in conf.sections])
    reported: set[tuple[Path, int, str]] = set()
    for record in captured.records:
        message = record.getMessage()
        where = next((note for note in notes if str(note) in message), notes_root)
        line = 1
        unknown = _UNKNOWN_SECTION.search(message)
        if unknown and where is not notes_root:
            name = unknown["name"] or unknown["name2"]
            line = _key_line(where, name)
            message = f"unknown section {name!r} (reno knows: {sections})"
        for note in notes:
            message = message.replace(f" of {note}", "").replace(str(note), context.display(note))
        if (where, line, message) not in reported:
            reported.add((where, line, message))
            yield where, line, message


# -- the OpenAPI spec ------------------------------------------------------------------


@tree_rule("GB501", "openapi")
def check_openapi(project: Project, context: TreeContext) -> Iterator[tuple[Path, int, str]]:
    """The OpenAPI spec (``guidebook_openapi_spec``) is invalid or an example does not
    match its schema (the checks of :mod:`guidebook.openapi.spec`, without a build).

    Bad::

        openapi: 3.1.0
        info: {title: Images API}
        paths: {}

    Good::

        openapi: 3.1.0
        info: {title: Images API, version: "2.16"}
        paths: {}
    """
    from guidebook.openapi.bundle import load_spec
    from guidebook.openapi.examples import check_examples
    from guidebook.openapi.spec import SpecError
    from guidebook.openapi.validate import validate_spec

    del project
    path = context.openapi_spec
    if path is None or not path.is_file():
        return
    try:
        spec = load_spec(path)
    except SpecError as exc:
        yield path, exc.line, exc.message
        return
    problems = validate_spec(spec)
    if not problems:
        problems = check_examples(spec)[0]
    for problem in problems:
        file, _, line = spec.where(problem).rpartition(":")
        yield Path(file), int(line), problem.message
