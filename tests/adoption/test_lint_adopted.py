"""``guidebook lint`` on adopted trees: conf.py found from PATH, near-duplicates calibrated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidebook.cli import main

PLAIN = Path(__file__).parent / "plain-site"


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    status = main(["lint", *args])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


@pytest.fixture
def adopted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The plain tree after ``guidebook init``, in ``REPO/doc/source``."""
    root = tmp_path / "repo"
    shutil.copytree(PLAIN, root / "doc" / "source")
    assert main(["init", str(root)]) == 0
    capsys.readouterr()
    return root


def test_near_duplicates_on_the_adopted_tree(
    adopted: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(adopted)
    status, lines, err = lint(capsys, ".", "--select", "GB301")
    assert status == 1, err
    note = ": write it once (a shared page with ':audience:', or a file both pages '.. include::')"
    assert lines == [
        # The 40-word paragraph copied with 2 words changed.
        "doc/source/admin/troubleshooting.rst:4: GB301 paragraph is 95% the same as the "
        "paragraph at doc/source/install/verify.rst:4" + note,
        "doc/source/admin/troubleshooting.rst:9: GB301 paragraph is 100% the same as the "
        "paragraph at doc/source/user/properties.rst:8" + note,
        "doc/source/install/install-rhel.rst:12: GB301 paragraph is 100% the same as the "
        "paragraph at doc/source/install/install-ubuntu.rst:12" + note,
    ]
    # admin/cache.rst and configuration/cache-options.rst: the image cache, written twice
    # by different hands, stay quiet.
    assert not any("cache" in line for line in lines)


def test_lint_src_finds_src_conf_py(
    adopted: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (adopted / "doc" / "source").rename(adopted / "src")
    monkeypatch.chdir(adopted)
    status, lines, err = lint(capsys, "src", "--select", "GB301")
    assert "no conf.py" not in err
    assert status == 1, err
    assert lines[0].startswith("src/admin/troubleshooting.rst:4: GB301 paragraph is 95%")
    # A file inside it: the conf.py of its source directory.
    status, lines, err = lint(capsys, "src/install/verify.rst", "--select", "GB301")
    assert status == 1, err
    assert lines == [line for line in lines if line.startswith("src/install/verify.rst:")]


def test_toctree_entry_with_suffix_and_capitalised_directive_are_fine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "src"
    (source / "user").mkdir(parents=True)
    (source / "conf.py").write_text(
        'extensions = ["guidebook"]\n'
        'guidebook_guides = {"user": {"title": "User guide", "root": "user/index"}}\n')
    (source / "user" / "index.rst").write_text(
        "User guide\n==========\n\n.. toctree::\n\n   page.rst\n")
    (source / "user" / "page.rst").write_text(
        "Page\n====\n\n.. Note::\n\n   Docutils reads directive names in any case.\n")
    status, lines, err = lint(capsys, str(source), "--select", "GB0,GB2")
    assert (status, lines) == (0, []), err
