"""``guidebook build`` behaves like sphinx-build: colour, ``-D``, and ``--strict`` on every page.

* colour only on a terminal, never with ``NO_COLOR`` (a pipe or a CI log gets plain text);
* ``-D NAME=VALUE`` overrides a conf.py setting;
* ``--strict`` after a normal build fails on the warnings of pages it does not read or
  write again (Sphinx forgets them: guidebook repeats them).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.badinput.corpus import build_quietly, write_files

FILES = {
    "conf.py": (
        'extensions = ["guidebook"]\nproject = "Clitest"\nhtml_theme = "alabaster"\n'
        'guidebook_guides = {"user": {"title": "User guide", "root": "user/index", '
        '"description": "Users."}}\n'
    ),
    "user/index.rst": "User guide\n==========\n\n.. toctree::\n\n   warned\n   clean\n",
    "user/warned.rst": "Warned\n======\n\nText, :doc:`nothere`.\n\n.. nosuchdirective::\n",
    "user/clean.rst": "Clean\n=====\n\nClean text.\n",
}
ESC = "\x1b["
WARNING = ('{src}/user/warned.rst:6: ERROR: Unknown directive type "nosuchdirective".')
#: A warning given while the page is written, not read.
WRITE_WARNING = "{src}/user/warned.rst:4: WARNING: unknown document: 'nothere' [ref.doc]"


def _cli(*args: str | Path, env: dict[str, str], terminal: bool = False) -> tuple[int, str]:
    """Run ``python -m guidebook.cli``; its stderr is a pipe, or a terminal (a pty)."""
    environ = {key: value for key, value in os.environ.items()
               if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    command = [sys.executable, "-m", "guidebook.cli", *map(str, args)]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              env={**environ, **env}, timeout=300)
        return done.returncode, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower,
                               env={**environ, "TERM": "xterm", **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=300), b"".join(chunks).decode(errors="replace")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    write_files(root / "src", FILES)
    return root


def test_colour_only_on_a_terminal_and_never_with_no_color(tree: Path) -> None:
    args = ("build", "--source", tree / "src", "--out", tree / "out")
    status, piped = _cli(*args, env={})
    assert status == 0, piped
    assert WARNING.format(src=tree / "src") in piped.splitlines()
    assert ESC not in piped
    status, on_terminal = _cli(*args, env={}, terminal=True)
    assert status == 0, on_terminal
    assert ESC in on_terminal  # a terminal gets colour, as from sphinx-build
    status, no_color = _cli(*args, env={"NO_COLOR": "1"}, terminal=True)
    assert status == 0, no_color
    assert "nosuchdirective" in no_color and ESC not in no_color


def test_define_overrides_a_setting(tree: Path) -> None:
    out = tree / "defined"
    status, output = _cli("build", "--source", tree / "src", "--out", out,
                          "-D", "project=Renamedproject", env={})
    assert status == 0, output
    assert "<title>Clean &#8212; Renamedproject" in (out / "user" / "clean.html").read_text()
    status, output = _cli("build", "--source", tree / "src", "--out", out, "-D", "project",
                          env={})
    assert status == 2
    assert ("guidebook build: error: argument --define/-D: 'project' is not NAME=VALUE "
            "(e.g. -D release=2026.1)") in output


def test_strict_fails_on_the_warnings_of_pages_not_read_again(tmp_path: Path) -> None:
    write_files(tmp_path / "src", FILES)
    source, out = tmp_path / "src", tmp_path / "out"
    first = build_quietly(source, out, strict=False)
    assert first.status == 0, first.output
    assert first.output.count(WARNING.format(src=source)) == 1  # said once, not repeated
    assert first.output.count(WRITE_WARNING.format(src=source)) == 1
    write_files(source, {"user/clean.rst": FILES["user/clean.rst"] + "\nMore text.\n"})
    strict = build_quietly(source, out, strict=True)
    assert strict.status == 1, strict.output
    lines = strict.output.splitlines()
    # Each once: repeated, not repeated twice (Sphinx hands held warnings over again).
    assert lines.count(WARNING.format(src=source)) == 1, strict.output
    assert lines.count(WRITE_WARNING.format(src=source)) == 1, strict.output
    assert "Clean text" in (out / "user" / "clean.html").read_text()  # left as it was
    assert "More text" not in (out / "user" / "clean.html").read_text()
    # Fixed, the warning is gone for good.
    write_files(source, {"user/warned.rst": "Warned\n======\n\nText.\n"})
    fixed = build_quietly(source, out, strict=True)
    assert fixed.status == 0, fixed.output
    again = build_quietly(source, out, strict=True)
    assert again.status == 0 and "nosuchdirective" not in again.output, again.output


#: An extension of the project's that fails on one page, as oslo_config's domain did on
#: ironic's stable branch (an option the installed code no longer registers).
CRASHING_EXTENSION = (
    "from sphinx.transforms.post_transforms import SphinxPostTransform\n"
    "class Resolve(SphinxPostTransform):\n"
    "    default_priority = 5\n"
    "    def run(self):\n"
    "        if self.document['source'].endswith('clean.rst'):\n"
    "            options = {}\n"
    "            return options['molds.storage']\n"
    "def setup(app):\n"
    "    app.add_post_transform(Resolve)\n"
)


def test_a_crash_in_an_extension_names_it_and_the_page(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_files(source, {
        **FILES,
        "user/warned.rst": "Warned\n======\n\nNo warning now.\n",
        "crashing_ext.py": CRASHING_EXTENSION,
        "conf.py": FILES["conf.py"] + (
            "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
            'extensions.append("crashing_ext")\n'),
    })
    result = build_quietly(source, tmp_path / "out")
    assert result.status == 3
    message = next(line for line in result.output.splitlines()
                   if line.startswith("guidebook: error:"))
    assert message.startswith(
        f"guidebook: error: {source}/user/clean.rst: the extension crashing_ext failed while "
        f"this page was written: KeyError: 'molds.storage' (at {source}/crashing_ext.py:7; "
        "details in "), result.output
    assert message.endswith("; not guidebook's code: fix or report it there)")
    assert "internal error" not in result.output and "Traceback" not in result.output
