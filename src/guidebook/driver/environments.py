"""The saved environments of a build that did not publish are put back as they were.

Sphinx saves its environment once the pages are read, before any is written: it then
holds every page read as up to date. When that build fails (``--strict``, a crash) or is
killed, its site is never published, but the next build would trust the environment and
not read those pages again. A page whose source changed is still written (the HTML
builder finds its output older than its source); a page whose *included* file changed is
not, and the published site would keep its old text for good.

So the environment of every language is copied aside before the build
(:func:`keep_environments`), and put back when the build does not publish
(:func:`restore_environments`): the next build finds those pages out of date again. A
copy still there when a build starts belongs to a build that was killed, and is put back
first. Only the environment is kept: the doctrees it names are read again anyway, and
guidebook's own stores check themselves against the environment and the published site.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

#: Sphinx's file for a saved environment (``sphinx.environment.ENV_PICKLE_FILENAME``).
ENVIRONMENT_FILE = "environment.pickle"
#: The copy taken before a build, beside the environment.
KEPT_SUFFIX = ".before-build"
#: A build that had no environment: nothing to put back, the new one is removed.
NONE_MARK = ".none-before-build"


def environment_dirs(doctrees: Path) -> list[Path]:
    """The doctree folders of *doctrees*' site: the original's and each language's
    (``<name>-<language>``, :func:`guidebook.i18n.build.translation_doctrees`)."""
    if not doctrees.parent.is_dir():
        return [doctrees]
    languages = sorted(path for path in doctrees.parent.glob(f"{doctrees.name}-*")
                       if path.is_dir())
    return [doctrees, *languages]


def keep_environments(doctrees: Path) -> None:
    """Copy each environment of the site aside, after putting back a killed build's."""
    restore_environments(doctrees)
    for folder in environment_dirs(doctrees):
        environment = folder / ENVIRONMENT_FILE
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if environment.is_file():
                # A copy, not a link: Sphinx rewrites the file in place.
                shutil.copy2(environment, folder / (ENVIRONMENT_FILE + KEPT_SUFFIX))
            else:
                (folder / NONE_MARK).touch()
        except OSError:
            # No copy (a full disk): this build reads every page, and so would the next
            # should this one not publish, rather than trust what it saved.
            with contextlib.suppress(OSError):
                environment.unlink(missing_ok=True)
                (folder / NONE_MARK).touch()


def restore_environments(doctrees: Path) -> None:
    """Put back every environment copied aside (the build did not publish)."""
    for folder in environment_dirs(doctrees):
        environment = folder / ENVIRONMENT_FILE
        kept = folder / (ENVIRONMENT_FILE + KEPT_SUFFIX)
        try:
            if kept.is_file():
                os.replace(kept, environment)
            elif (folder / NONE_MARK).is_file():
                environment.unlink(missing_ok=True)
            (folder / NONE_MARK).unlink(missing_ok=True)
        except OSError:
            pass  # the folder cannot be written: neither could the build have written it


def forget_kept_environments(doctrees: Path) -> None:
    """The build published: its environments stand, the copies go."""
    for folder in environment_dirs(doctrees):
        for leftover in (folder / (ENVIRONMENT_FILE + KEPT_SUFFIX), folder / NONE_MARK):
            with contextlib.suppress(OSError):  # the site is published all the same
                leftover.unlink(missing_ok=True)
