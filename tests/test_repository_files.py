"""Repository files: include, literalinclude and image of any file of the git repository.

A real tree includes ``CONTRIBUTING.rst`` from the repository's top, ``etc/*.sample``
and API samples from outside ``doc/source``; those are published. A path or symlink
that leaves the repository stays refused with a located warning, unless its folder is
listed in ``guidebook_include_roots``.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from tests.badinput.corpus import build_quietly, write_files
from tests.conftest import BuildResult
from tests.versions_repo import git

#: A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SECRET = "Topsecretword from outside the repository"

CONF = (
    'extensions = ["guidebook"]\n'
    'project = "Repository files"\n'
    'html_theme = "alabaster"\n'
    "guidebook_guides = {\n"
    '    "user": {"title": "User guide", "root": "user/index", "description": "Users."},\n'
    "}\n"
)
PAGES = {
    "user/index.rst": (
        "User guide\n==========\n\n.. toctree::\n\n   contributing\n   sample\n   logo\n"
        "   outside\n   shared\n"
    ),
    "user/contributing.rst": ".. include:: ../../../CONTRIBUTING.rst\n",
    "user/sample.rst": (
        "Sample configuration\n====================\n\n"
        ".. literalinclude:: /../../etc/app.conf.sample\n   :language: ini\n"
    ),
    "user/logo.rst": (
        "Logo\n====\n\n.. image:: ../../../images/logo.png\n\n"
        ".. figure:: ../../../../outside/secret.png\n\n   Caption of the refused figure.\n"
    ),
    "user/outside.rst": (
        "Outside\n=======\n\nPagetext stays.\n\n"
        ".. include:: ../../../../outside/secret.txt\n\n"
        ".. literalinclude:: ../../../link.txt\n"
    ),
    "user/shared.rst": "Shared\n======\n\n.. include:: ../../../../shared/common.rst\n",
}


def _make_tree(root: Path, *, shared_root: bool) -> Path:
    """A git repository ``root/repo`` with its docs in doc/source; files beside it outside."""
    repo = root / "repo"
    source = repo / "doc" / "source"
    conf = CONF + ('guidebook_include_roots = ["../../../shared"]\n' if shared_root else "")
    write_files(source, {"conf.py": conf, **PAGES})
    write_files(repo, {
        "CONTRIBUTING.rst": "How to contribute\n=================\n\nContributeword.\n",
        "etc/app.conf.sample": "[DEFAULT]\nsampleword = 1\n",
    })
    (repo / "images").mkdir()
    (repo / "images" / "logo.png").write_bytes(PNG)
    write_files(root / "outside", {"secret.txt": SECRET + "\n"})
    (root / "outside" / "secret.png").write_bytes(PNG + SECRET.encode())
    write_files(root / "shared", {"common.rst": "Sharedword from a listed root.\n"})
    os.symlink(root / "outside" / "secret.txt", repo / "link.txt")
    git(repo, "init", "-q")
    return source


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("repofiles")
    source = _make_tree(root, shared_root=False)
    return build_quietly(source, root / "out", strict=False)


def _refusal(source: Path, page: str, line: int, what: str, target: Path) -> str:
    repo = source.parent.parent
    return (
        f"{source}/user/{page}.rst:{line}: "
        f"WARNING: {what} refused: it leads to {target}, outside the repository {repo} "
        "(copy the file into it, or add its folder to guidebook_include_roots in conf.py) "
        "[guidebook.include-outside]"
    )


def test_repository_files_outside_the_source_are_published(built: BuildResult) -> None:
    assert built.status == 0, built.output
    contributing = built.html("user", "user/contributing")
    assert "Contributeword" in contributing
    assert "<title>How to contribute" in contributing  # the page's title, not <no title>
    assert "sampleword" in built.html("user", "user/sample")
    logo = built.html("user", "user/logo")
    assert 'src="../_images/logo.png"' in logo
    assert (built.out / "_images" / "logo.png").read_bytes() == PNG
    assert "contributeword" in str(built.searchindex("user")["terms"])


def test_files_leaving_the_repository_are_refused_at_their_line(built: BuildResult) -> None:
    source = built.source
    root = source.parent.parent.parent
    lines = built.output.splitlines()
    expected = [
        _refusal(source, "outside", 6, "include of '../../../../outside/secret.txt'",
                 root / "outside" / "secret.txt"),
        # The symlink is inside the repository; its target is not.
        _refusal(source, "outside", 8, "literalinclude of '../../../link.txt'",
                 root / "outside" / "secret.txt"),
        _refusal(source, "logo", 6, "image '../../../../outside/secret.png'",
                 root / "outside" / "secret.png"),
        _refusal(source, "shared", 4, "include of '../../../../shared/common.rst'",
                 root / "shared" / "common.rst"),
    ]
    for line in expected:
        assert line in lines, built.output
    assert "Traceback" not in built.output
    assert "Pagetext stays" in built.html("user", "user/outside")
    for path in built.out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert not (built.out / "_images" / "secret.png").exists()


def test_a_listed_root_is_allowed_and_strict_passes(tmp_path: Path) -> None:
    source = _make_tree(tmp_path, shared_root=True)
    # Only the page of the listed root: the refused ones are shown above.
    index = source / "user" / "index.rst"
    index.write_text("User guide\n==========\n\n.. toctree::\n\n   shared\n   contributing\n",
                     encoding="utf-8")
    for name in ("sample", "logo", "outside"):
        (source / "user" / f"{name}.rst").unlink()
    result = build_quietly(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert "Sharedword from a listed root" in result.html("user", "user/shared")


def test_a_listed_root_that_is_not_a_folder_is_a_located_error(tmp_path: Path) -> None:
    source = _make_tree(tmp_path, shared_root=False)
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + 'guidebook_include_roots = ["../nothere"]\n')
    result = build_quietly(source, tmp_path / "out", strict=True)
    assert result.status != 0
    assert (f"{conf}:7: guidebook_include_roots entry '../nothere' is not a folder "
            f"({source.parent / 'nothere'})") in result.output, result.output
    assert "Traceback" not in result.output
