"""Versions from before the adoption: stable branches whose conf.py has no guidebook settings.

One repository, four versions, built once (``--versions``):

* ``2023.1``: its conf.py does not run (a syntax error): named, with the reason and a fix;
* ``2024.1``: plain Sphinx, none of today's guide roots: a plain site with the switcher;
* ``2025.1``: plain Sphinx with the guides' pages: today's adoption plan applied;
* ``2026.1`` (``main``): adopted, the latest.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from guidebook.driver.options import BuildOptions
from guidebook.versions.run import build_versions
from tests.badinput.corpus import write_files
from tests.versions_repo import git

PLAIN_CONF = 'project = "Demo"\nrelease = "9.9"\nhtml_theme = "alabaster"\n'
ADOPTED_CONF = PLAIN_CONF + (
    'extensions = ["guidebook"]\n'
    "guidebook_guides = {\n"
    '    "user": {"title": "User guide", "root": "user/index", "description": "Users."},\n'
    '    "operator": {"title": "Operator guide", "root": "admin/index",\n'
    '                 "description": "Operators."},\n'
    "}\n"
    'guidebook_folder_audiences = {"user/": "user", "admin/": "operator"}\n'
    'guidebook_versions_match = ["stable/*"]\n'
    'guidebook_versions = {"2026.1": "main"}\n'
)
GUIDE_PAGES = {
    "index.rst": "Demo\n====\n\n.. toctree::\n\n   user/index\n   admin/index\n",
    "user/index.rst": "Using Demo\n==========\n\n.. toctree::\n\n   start\n",
    "user/start.rst": "Getting started\n===============\n\nStartword for users.\n",
    "admin/index.rst": "Running Demo\n============\n\nRunword for operators.\n",
}
SOURCE = Path("doc") / "source"


def _commit(repo: Path, files: dict[str, str], message: str, branch: str = "", *,
            clear: bool = False) -> None:
    """Commit *files* under doc/source (after removing every page, with *clear*)."""
    source = repo / SOURCE
    for page in source.rglob("*.rst") if clear else ():
        page.unlink()
    write_files(source, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if branch:
        git(repo, "branch", branch)


def make_repo(repo: Path) -> Path:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    _commit(repo, {"conf.py": "project = 'Demo'\nthis is not python\n",
                   "index.rst": "Old\n===\n\nOldword.\n"}, "2023.1", "stable/2023.1")
    _commit(repo, {"conf.py": PLAIN_CONF,
                   "index.rst": "Demo\n====\n\n.. toctree::\n\n   intro\n",
                   "intro.rst": "Introduction\n============\n\nIntroword of the old days.\n"},
            "2024.1", "stable/2024.1", clear=True)
    _commit(repo, {"conf.py": PLAIN_CONF, **GUIDE_PAGES}, "2025.1", "stable/2025.1",
            clear=True)
    _commit(repo, {"conf.py": ADOPTED_CONF}, "adopt guidebook")
    return repo / SOURCE


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path, Path]:
    root = tmp_path_factory.mktemp("adoption")
    source = make_repo(root / "repo")
    stream = io.StringIO()
    status = build_versions(BuildOptions(source=source, out=root / "out", quiet=True),
                            stderr=stream)
    return status, stream.getvalue(), source, root / "out"


def test_a_version_from_before_the_adoption_gets_todays_guides(
        versions: tuple[int, str, Path, Path]) -> None:
    status, output, source, out = versions
    assert status == 1, output  # 2023.1 fails; the others are published
    assert ("guidebook: version 2025.1: its conf.py has no guidebook settings; building it "
            "with today's guides and folder map") in output
    start = (out / "2025.1" / "user" / "start.html").read_text(encoding="utf-8")
    assert "Startword for users" in start
    assert "You are reading 2025.1" in start  # the banner
    assert 'class="guidebook-versions"' in start  # the switcher
    manifest = json.loads((out / "2025.1" / "guidebook.json").read_text())
    assert [guide["name"] for guide in manifest["guides"]] == ["user", "operator"]
    # The checkout was never touched.
    assert (source / "conf.py").read_text(encoding="utf-8") == ADOPTED_CONF
    assert git(source.parent.parent, "status", "--porcelain") == ""


def test_each_version_shows_its_own_name(versions: tuple[int, str, Path, Path]) -> None:
    _status, _output, _source, out = versions
    for name in ("2025.1", "2026.1"):
        page = (out / name / "user" / "start.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title is not None and f"Demo {name} documentation" in title.group(1), title
        assert "9.9" not in page, name
    plain = (out / "2024.1" / "intro.html").read_text(encoding="utf-8")
    assert "Demo 2024.1 documentation" in plain and "9.9" not in plain


def test_a_version_without_todays_guides_is_a_plain_site_with_the_switcher(
        versions: tuple[int, str, Path, Path]) -> None:
    _status, output, _source, out = versions
    assert ("guidebook: version 2024.1: none of today's guides has its root page in this "
            "version; building it as a plain Sphinx site") in output
    intro = (out / "2024.1" / "intro.html").read_text(encoding="utf-8")
    assert "Introword of the old days" in intro
    assert "You are reading 2024.1" in intro
    assert 'data-version="2026.1"' in intro
    latest = json.loads((out / "versions.json").read_text())
    assert [entry["name"] for entry in latest] == ["2024.1", "2025.1", "2026.1"]
    # The latest version's switcher lists the plain version too.
    start = (out / "2026.1" / "user" / "start.html").read_text(encoding="utf-8")
    assert 'data-version="2024.1"' in start


def test_a_version_that_cannot_be_built_is_named_with_the_reason_and_a_fix(
        versions: tuple[int, str, Path, Path]) -> None:
    _status, output, source, out = versions
    line = next((line for line in output.splitlines()
                 if line.startswith(f"guidebook: error: {source / 'conf.py'}: version 2023.1")),
                output)
    assert line.startswith(f"guidebook: error: {source / 'conf.py'}: version 2023.1 "
                           "(stable/2023.1) cannot be built: "), line
    assert ("/doc/source/conf.py:2: conf.py failed: NameError: name 'this' is not defined. "
            in line), line
    assert line.endswith("fix the docs on stable/2023.1 so that sphinx-build builds them, "
                         "or leave stable/2023.1 out of guidebook_versions / "
                         "guidebook_versions_match"), line
    assert "not registered" not in output
    assert "Traceback" not in output
    assert not (out / "2023.1").exists()
