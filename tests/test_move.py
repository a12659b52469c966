"""``guidebook move``: in a throw-away git repository, with real files and a real build."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from guidebook.cli import main
from guidebook.reorg.move import MoveError, apply_move, describe, plan_move
from tests.conftest import ROOTS, build_source

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                            check=True, env={**os.environ, **_GIT_ENV})
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the test root under doc/source, committed; cwd is its top."""
    top = tmp_path / "repo"
    shutil.copytree(ROOTS / "test-redirects-move", top / "doc" / "source")
    git(top, "init", "-q")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "docs")
    monkeypatch.chdir(top)
    return top


def snapshot(top: Path) -> dict[str, str]:
    return {
        path.relative_to(top).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((top / "doc").rglob("*")) if path.is_file()
    }


def test_move_rewrites_every_reference_and_records_the_redirect(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["move", "doc/source/user/upload.rst", "user/images/upload"])
    assert status == 0
    src = repo / "doc/source"
    assert not (src / "user/upload.rst").exists()
    assert (src / "user/images/upload.rst").read_text() == (
        "Upload an image\n"
        "===============\n"
        "\n"
        "Back to the :doc:`/user/index`; see also :doc:`the notes\n"
        "</common/notes>` and :doc:`this page <upload>`.\n"
        "\n"
        ".. include:: ../snippet.inc\n"
    )
    assert (src / "user/index.rst").read_text().splitlines()[5:8] == [
        "",
        "   images/upload",
        "   Statuses </common/notes>",
    ]
    assert (src / "admin/deploy.rst").read_text().splitlines()[3:5] == [
        "Users then follow :doc:`Uploading </user/images/upload>`; the",
        ":doc:`/user/images/upload` page keeps the details.",
    ]
    assert ".. literalinclude:: ../user/images/upload.rst" in (
        src / "common/notes.rst").read_text()
    assert (src / "redirects.txt").read_text() == (
        "# An older name of the upload page.\n"
        "user/send   user/upload\n"
        "user/upload user/images/upload\n"
    )
    # git recorded a rename, not a deletion and an unrelated new file.
    assert git(repo, "diff", "--cached", "--name-status", "-M").split() == [
        "R100", "doc/source/user/upload.rst", "doc/source/user/images/upload.rst",
    ]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "git mv doc/source/user/upload.rst doc/source/user/images/upload.rst"
    assert "doc/source/user/index.rst:7: toctree entry 'upload' -> 'images/upload'" in out
    assert "doc/source/redirects.txt: add redirect 'user/upload user/images/upload'" in out

    # The moved site builds cleanly and every old URL redirects (the chain in one hop).
    result = build_source(src, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert "Uploads resume after a dropped connection." in result.html(
        "user", "user/images/upload")
    assert result.manifest["redirects"] == [
        {"from": "admin/user/send.html", "to": "user/images/upload.html",
         "guide": "admin"},
        {"from": "admin/user/upload.html", "to": "user/images/upload.html",
         "guide": "admin"},
        {"from": "user/send.html", "to": "user/images/upload.html",
         "guide": "user"},
        {"from": "user/upload.html", "to": "user/images/upload.html",
         "guide": "user"},
    ]


def test_moving_back_to_a_redirected_name_drops_that_redirect(repo: Path) -> None:
    plan = plan_move(repo / "doc/source", "user/upload", "user/send")
    assert plan.dropped_lines == ((2, "user/send user/upload"),)
    apply_move(plan)
    assert (repo / "doc/source/redirects.txt").read_text() == (
        "# An older name of the upload page.\n"
        "user/upload user/send\n"
    )


def test_dry_run_prints_the_plan_and_changes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(repo)
    assert main(["move", "user/upload", "admin/upload", "--dry-run"]) == 0
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == ""
    assert capsys.readouterr().out.splitlines() == [
        "git mv doc/source/user/upload.rst doc/source/admin/upload.rst",
        "doc/source/admin/deploy.rst:4: :doc: reference 'Uploading </user/upload>' -> "
        "'Uploading </admin/upload>'",
        "doc/source/admin/deploy.rst:5: :doc: reference '/user/upload' -> '/admin/upload'",
        "doc/source/common/notes.rst:8: literalinclude path '../user/upload.rst' -> "
        "'../admin/upload.rst'",
        "doc/source/user/index.rst:7: toctree entry 'upload' -> '/admin/upload'",
        "doc/source/user/upload.rst:4: :doc: reference 'index' -> '/user/index'",
        "doc/source/user/upload.rst:7: include path 'snippet.inc' -> '../user/snippet.inc'",
        "doc/source/redirects.txt: add redirect 'user/upload admin/upload'",
        "note: doc/source/admin/upload.rst has no :audience: field: its guides now follow "
        "the folder admin/ (check with guidebook diff)",
        "dry run: nothing changed",
    ]


@pytest.mark.parametrize(
    ("src", "dest", "message"),
    [
        ("user/upload", "admin/deploy",
         "doc/source/admin/deploy.rst: already exists; guidebook move never overwrites a page"),
        ("doc/source/user/upload.rst", "doc/source/admin/deploy.rst",
         "doc/source/admin/deploy.rst: already exists; guidebook move never overwrites a page"),
        ("user/upload", "../outside", "../outside: outside the source tree doc/source"),
        ("user/upload", "doc/elsewhere.rst",
         "doc/elsewhere.rst: outside the source tree doc/source"),
        ("doc/source/../../x.rst", "user/x",
         "doc/source/../../x.rst: outside the source tree doc/source"),
        ("user/missing", "user/found", "doc/source/user/missing.rst: no such page"),
        ("user/upload", "user/my page", "user/my page: cannot be redirected to: "
         "'user/my page' contains ' '; a redirect path may only use letters, digits, "
         "'.', '_', '-' and '/'"),
    ],
)
def test_refused_moves_change_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str], src: str, dest: str, message: str
) -> None:
    before = snapshot(repo)
    assert main(["move", src, dest]) == 1
    assert capsys.readouterr().err == f"guidebook move: error: {message}\n"
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == ""


def test_a_page_git_does_not_track_is_refused(repo: Path) -> None:
    (repo / "doc/source/user/draft.rst").write_text("Draft\n=====\n")
    with pytest.raises(MoveError) as caught:
        plan_move(repo / "doc/source", "user/draft", "user/final")
    assert str(caught.value) == (
        "doc/source/user/draft.rst: not tracked by git (guidebook move uses git mv; add "
        "and commit the page first)"
    )


def test_plan_lists_relative_forms_that_stay_relative(repo: Path) -> None:
    plan = plan_move(repo / "doc/source", "user/upload", "user/send-images")
    assert describe(plan) == [
        "git mv doc/source/user/upload.rst doc/source/user/send-images.rst",
        "doc/source/admin/deploy.rst:4: :doc: reference 'Uploading </user/upload>' -> "
        "'Uploading </user/send-images>'",
        "doc/source/admin/deploy.rst:5: :doc: reference '/user/upload' -> "
        "'/user/send-images'",
        "doc/source/common/notes.rst:8: literalinclude path '../user/upload.rst' -> "
        "'../user/send-images.rst'",
        "doc/source/user/index.rst:7: toctree entry 'upload' -> 'send-images'",
        "doc/source/user/upload.rst:5: :doc: reference 'this page <upload>' -> "
        "'this page <send-images>'",
        "doc/source/redirects.txt: add redirect 'user/upload user/send-images'",
    ]
