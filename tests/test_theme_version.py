"""openstackdocstheme's version from pbr, kept between builds while git stands (issue 28).

A real git repository of a pbr project (``setup.cfg``) whose docs use the theme, built
with guidebook from the repository's root as ``tox -e docs`` does. pbr's reading of git
is counted (a wrapper the build's own keeping wraps in turn).
"""

from __future__ import annotations

import inspect
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openstackdocstheme import ext as theme
from pbr import packaging

from guidebook import sphinx_internals
from guidebook.engine.theme_version import STORE_NAME
from tests.conftest import build_source

CONF = """\
extensions = ["guidebook", "openstackdocstheme"]
project = "Demo"
html_theme = "openstackdocs"
openstackdocs_repo_name = "example/demo"
guidebook_guides = {"user": {"title": "User guide", "root": "index"}}
"""


def _git(repo: Path, *command: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *command], cwd=repo, env=env, check=True, capture_output=True)


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.source = root / "doc" / "source"
        self.out = root / "doc" / "build" / "html"
        self.asked = 0

    def build(self, monkeypatch: pytest.MonkeyPatch, *, fresh: bool = False) -> str:
        """Build; the version the page shows."""
        ask_git = packaging._get_version_from_git

        def counting(pre_version: Any = None) -> str:
            self.asked += 1
            return str(ask_git(pre_version))

        with monkeypatch.context() as patch:
            patch.setattr(packaging, "_get_version_from_git", counting)
            patch.chdir(self.root)  # pbr asks git in the working folder
            result = build_source(self.source, self.out, fresh=fresh)
            assert packaging._get_version_from_git is counting  # put back after the theme
        assert result.status == 0, result.output
        page = (self.out / "user" / "index.html").read_text(encoding="utf-8")
        shown = [word for word in ("1.0.0", "1.0.1.dev1", "1.0.1.dev2") if word in page]
        assert len(shown) == 1, shown
        return shown[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("pbr") / "demo"
    (root / "doc" / "source").mkdir(parents=True)
    (root / "setup.cfg").write_text("[metadata]\nname = demo\n", encoding="utf-8")
    (root / "doc" / "source" / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "doc" / "source" / "index.rst").write_text("Demo\n====\n\nHello.\n",
                                                       encoding="utf-8")
    (root / ".gitignore").write_text("doc/build/\ndoc/.*\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "Demo")
    _git(root, "tag", "-a", "1.0.0", "-m", "1.0.0")
    return Project(root)


def test_pbr_is_asked_once_while_the_history_stands(
    project: Project, monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert project.build(monkeypatch, fresh=True) == "1.0.0"
    assert project.asked == 1
    assert (project.root / "doc" / "build" / f".html.doctrees/{STORE_NAME}").is_file()
    # Nothing changed in git: the kept version, pbr not asked.
    assert project.build(monkeypatch) == "1.0.0"
    assert project.asked == 1


def test_a_new_commit_is_a_new_version(project: Project,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    asked = project.asked
    (project.root / "doc" / "source" / "index.rst").write_text("Demo\n====\n\nHello!\n",
                                                               encoding="utf-8")
    _git(project.root, "commit", "-q", "-am", "Edit")
    assert project.build(monkeypatch) == "1.0.1.dev1"
    assert project.asked == asked + 1
    assert project.build(monkeypatch) == "1.0.1.dev1"
    assert project.asked == asked + 1


def test_fresh_builds_ask_pbr_again(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = project.asked
    project.build(monkeypatch, fresh=True)
    assert project.asked == asked + 1


def test_the_theme_still_asks_pbr_through_its_module_function() -> None:
    """The seam (sphinx_internals.replace_pbr_git_version): the theme calls pbr's
    get_version, which looks the git reading up in its module at every call."""
    module_name, name = sphinx_internals.PBR_GIT_VERSION
    assert module_name == packaging.__name__
    function = getattr(packaging, name, None)
    assert callable(function), f"pbr: {module_name}.{name} is gone"
    assert list(inspect.signature(function).parameters) == ["pre_version"]
    assert f"{name}(pre_version)" in inspect.getsource(packaging.get_version)
    assert "packaging.get_version(" in inspect.getsource(theme._config_inited)
    undo = sphinx_internals.replace_pbr_git_version(lambda original: lambda pre=None: "x")
    assert undo is not None
    try:
        assert packaging.get_version("demo") == "x" or os.environ.get("PBR_VERSION")
    finally:
        undo()
    assert getattr(packaging, name) is function
