"""Run one guidebook build: Sphinx with the guidebook builder, into staging, then publish."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError, SphinxError
from sphinx.util import console
from sphinx.util.docutils import docutils_namespace, patch_docutils

from guidebook.driver.crash import crash_message
from guidebook.driver.environments import (
    environment_dirs,
    forget_kept_environments,
    keep_environments,
    restore_environments,
)
from guidebook.driver.options import BuildOptions
from guidebook.driver.publish import (
    discard,
    doctree_dir,
    output_lock,
    prepare_staging,
    publish,
    refresh_spare,
    spare_dir,
)
from guidebook.engine import theme_version
from guidebook.engine.builder import GuidebookBuilder
from guidebook.i18n.build import LanguagePlan, build_translations, plan_from_config, plan_languages
from guidebook.pdf import missing_pdfs, missing_summary


def run_build(options: BuildOptions, *, stderr: TextIO | None = None) -> int:
    """Build the site described by *options*; return the exit status (0 = published).

    The previous site stays untouched unless the build succeeds.
    """
    err = stderr or sys.stderr
    paths = checked_paths(options, err)
    if paths is None:
        return 2
    source, out = paths
    try:
        # Without --language the original is built first anyway, and its configuration
        # gives the languages: conf.py (which may generate files) runs once, not twice.
        plan = (plan_languages(source, options.languages, options.overrides)
                if options.languages else None)
    except SphinxError as exc:
        print(f"guidebook: error: {describe_error(exc, source / 'conf.py')}", file=err)
        return 2
    with output_lock(out):
        if options.fresh:
            theme_version.forget(environment_dirs(doctree_dir(out)))
        staging = prepare_staging(out, incremental=not options.fresh)
        keep_environments(doctree_dir(out))
        status = 1
        try:
            with fewer_collections():
                configs: list[Config] = []
                status = (sphinx_build(options, source, staging, doctree_dir(out), err,
                                       configs=configs)
                          if plan is None or plan.original else 0)
                if plan is None:
                    plan = (plan_from_config(configs[0]) if configs
                            else LanguagePlan("en", (), (), True))
                if status == 0 and options.translations and (plan.translations
                                                             or plan.configured):
                    status = build_translations(options, plan, source, staging,
                                                doctree_dir(out), err, sphinx_build)
        finally:
            if status != 0:
                discard(staging)
                restore_environments(doctree_dir(out))
                print(
                    f"guidebook: build failed; the published site in {out} was left as it was",
                    file=err,
                )
        if status != 0:
            return status
        publish(staging, out)
        forget_kept_environments(doctree_dir(out))
        print(f"guidebook: published {out}", file=err)
        missing = missing_pdfs(doctree_dir(out))
        if options.fresh or not spare_dir(out).is_dir():
            try:
                refresh_spare(out)
            except OSError as exc:
                # The site is published; without a spare the next build copies it whole.
                print(f"guidebook: note: no spare copy of the site kept ({exc})", file=err)
        if missing:  # the HTML is published; a PDF asked for is not there
            print(missing_summary(missing), file=err)
            return 1
        return 0


def checked_paths(options: BuildOptions, err: TextIO) -> tuple[Path, Path] | None:
    """The absolute source and output directories, or None (said on *err*) when wrong."""
    source = options.source.resolve()
    out = options.out.resolve()
    if not (source / "conf.py").is_file():
        print(f"guidebook: error: {source}: no conf.py here (is --source right?)", file=err)
        return None
    if out == source or (source in out.parents and out.parent == source):
        print(f"guidebook: error: {out}: the output must not be the source directory", file=err)
        return None
    return source, out


#: Generation thresholds while Sphinx builds (Python's defaults are 700, 10, 10).
BUILD_GC_THRESHOLDS = (50_000, 20, 100)

#: Whether this process has built before (``guidebook serve``, tests): see below.
_built_before = False


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while Sphinx builds.

    Every docutils node links to its parent, so a build allocates millions of objects in
    reference cycles. With Python's default thresholds the collector's full passes walk
    the whole heap, which grows with the page count, again and again: a cost that grows
    faster than the site and finds little to free (the doctrees are alive until written).
    Objects alive before the build (modules, Sphinx's registries) are frozen out of every
    pass; young garbage is still collected. ``benchmarks/README.md`` has the figures.

    A build before this one in the same process left its environment and doctrees as
    garbage, collected before freezing. The first build has nothing to collect (the
    imports leave none: 0 objects found, for 16 ms of CPU time on keystone's tree, a
    fiftieth of a rebuild with nothing changed), so the command's one build skips it.
    """
    global _built_before
    thresholds = gc.get_threshold()
    if _built_before:
        gc.collect()
    _built_before = True
    gc.freeze()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def wants_colour(stream: TextIO) -> bool:
    """Colour as sphinx-build does: never with ``NO_COLOR``, always with ``FORCE_COLOR``,
    else only when *stream* is a terminal (not a pipe, a file or a log)."""
    if "NO_COLOR" in os.environ or "NO_COLOUR" in os.environ:
        return False
    if "FORCE_COLOR" in os.environ or "FORCE_COLOUR" in os.environ:
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def sphinx_build(
    options: BuildOptions, source: Path, staging: Path, doctrees: Path, err: TextIO,
    *, configs: list[Config] | None = None,
) -> int:
    """Run Sphinx once, from *source* into *staging*; its exit status (errors said on
    *err* as ``path:line: message``, never as a traceback). The application's
    configuration is appended to *configs*, once conf.py is read."""
    status_stream: TextIO | None = None if options.quiet else err
    if wants_colour(err):
        console.coloron()
    else:
        console.nocolor()
    app: Sphinx | None = None
    try:
        with patch_docutils(source), docutils_namespace():
            app = Sphinx(
                srcdir=source,
                confdir=source,
                outdir=staging,
                doctreedir=doctrees,
                buildername=options.builder,
                confoverrides=dict(options.overrides),
                status=status_stream,
                warning=err,
                freshenv=options.fresh,
                warningiserror=options.strict,
                parallel=options.jobs,
            )
            if configs is not None:
                configs.append(app.config)
            if isinstance(app.builder, GuidebookBuilder):
                app.builder.only_parts = frozenset(options.only)
            app.build(force_all=options.fresh)
            return app.statuscode
    except SphinxError as exc:
        print(f"guidebook: error: {describe_error(exc, source / 'conf.py')}", file=err)
        return 2
    except KeyboardInterrupt:
        print("guidebook: interrupted", file=err)
        return 130
    except Exception as exc:
        with tempfile.NamedTemporaryFile(
            "w", prefix="guidebook-crash-", suffix=".log", delete=False
        ) as log:
            traceback.print_exc(file=log)
        print(crash_message(exc, app, log.name), file=err)
        return 3


def describe_error(exc: SphinxError, conf: Path) -> str:
    """The message of a build error, with ``conf.py`` problems as ``path:line: message``.

    Sphinx reports an exception raised by conf.py with the whole Python traceback; a
    newcomer needs the line and the error only.
    """
    message = str(exc).strip()
    if not isinstance(exc, ConfigError):
        return message
    cause = exc.__cause__
    if isinstance(cause, SyntaxError):
        return f"{conf}:{cause.lineno or 1}: syntax error in conf.py: {cause.msg}"
    if cause is not None and not isinstance(cause, SystemExit):
        frames = [
            frame for frame in traceback.extract_tb(cause.__traceback__)
            if Path(frame.filename) == conf
        ]
        line = frames[-1].lineno if frames else 1
        return f"{conf}:{line}: conf.py failed: {type(cause).__name__}: {cause}"
    if message.startswith("conf.py:"):
        return f"{conf}:{message[len('conf.py:'):]}"
    return f"{conf}: {message}"
