"""A build that does not publish leaves the next build as if it had never run.

Sphinx saves its environment before it writes a page. A build that then failed
(``--strict``) or was killed left an environment holding its pages as read, and the next
build did not read them again: a page whose included file had changed kept its old text
on the published site for good (``driver/environments.py``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.badinput.corpus import build_quietly, write_files

FILES = {
    "conf.py": (
        'import os, signal\n'
        'extensions = ["guidebook"]\nproject = "Statetest"\nhtml_theme = "alabaster"\n'
        'guidebook_guides = {"user": {"title": "User guide", "root": "user/index", '
        '"description": "Users."}}\n'
        "def _killed(app, exception):\n"
        "    if os.environ.get('STATETEST_KILL'):\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "def setup(app):\n"
        "    app.connect('build-finished', _killed)\n"
    ),
    "user/index.rst": "User guide\n==========\n\n.. toctree::\n\n   page\n",
    "user/page.rst": "Page\n====\n\n.. include:: snippet.txt\n",
    "user/snippet.txt": "The first snippet.\n",
}


def test_a_failed_build_leaves_the_included_change_to_the_next(tmp_path: Path) -> None:
    write_files(tmp_path / "src", FILES)
    source, out = tmp_path / "src", tmp_path / "out"
    assert build_quietly(source, out, strict=True).status == 0
    write_files(source, {"user/snippet.txt": "The second snippet.\n\n.. nosuchdirective::\n"})
    failed = build_quietly(source, out, strict=True)
    assert failed.status == 1, failed.output
    assert "The first snippet." in (out / "user" / "page.html").read_text()  # untouched
    again = build_quietly(source, out, strict=False)
    assert again.status == 0, again.output
    assert "The second snippet." in (out / "user" / "page.html").read_text()
    # Published: nothing kept aside any more.
    assert not list(out.parent.glob(".out.doctrees*/*before-build"))


def test_a_killed_build_leaves_the_included_change_to_the_next(tmp_path: Path) -> None:
    write_files(tmp_path / "src", FILES)
    source, out = tmp_path / "src", tmp_path / "out"
    assert build_quietly(source, out).status == 0
    write_files(source, {"user/snippet.txt": "The second snippet.\n"})
    killed = subprocess.run(
        [sys.executable, "-m", "guidebook.cli", "build", "-q", "--source", str(source),
         "--out", str(out)],
        env={**os.environ, "STATETEST_KILL": "1"}, capture_output=True, text=True,
        check=False, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "The first snippet." in (out / "user" / "page.html").read_text()  # untouched
    again = build_quietly(source, out)
    assert again.status == 0, again.output
    assert "The second snippet." in (out / "user" / "page.html").read_text()


def test_no_copy_of_the_environment_means_a_full_read_not_a_failure(tmp_path: Path) -> None:
    """When the environment cannot be copied aside (here a folder squats its copy's
    name; a full disk in life), the build reads every page and publishes."""
    write_files(tmp_path / "src", FILES)
    source, out = tmp_path / "src", tmp_path / "out"
    assert build_quietly(source, out).status == 0
    (tmp_path / ".out.doctrees" / "environment.pickle.before-build").mkdir()
    write_files(source, {"user/snippet.txt": "The second snippet.\n"})
    again = build_quietly(source, out)
    assert again.status == 0, again.output
    assert "Traceback" not in again.output
    assert "The second snippet." in (out / "user" / "page.html").read_text()
