"""openstackdocstheme's "last updated" dates, from one walk of the git history (issue 28).

The theme runs ``git log -n1 -- <file>`` for every page it renders. guidebook answers
every page from ONE walk of the history of the source folder, replaying git's per-file
walk, so each page shows the date the theme's own call gives. The history made here has
what a walk of the folder alone gets wrong: a page changed on a merged branch (its
author date, not the merge's), a branch that changed a page and changed it back, a page
both sides changed alike, a conflict resolved to one side (the per-file walk follows
only the parent the page came from), a merge whose page differs from both parents (git
shows the merge), an octopus merge, a change of mode only, a commit older than its
parent, a time zone other than UTC, a page deleted and added again, a renamed page, a
page that is a symbolic link (git dates the link, not its target) and a page git does
not track. The Sphinx root sits in ``doc/source`` of the repository and the build runs
at its top, as OpenStack's docs jobs do: the theme then asks git about
``doc/source/<page>``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import openstackdocstheme.page_context as theme_pages
import pytest

from guidebook.engine.once_per_site import WALK_FROM_FILES
from guidebook.git import last_commit_dates
from guidebook.sphinx_internals import THEME_GIT_DATE_FORMAT
from tests.conftest import ROOTS, BuildResult, build_source

#: Each page's last updated date, as the theme shows it: the author date (``%ad``) in the
#: author's own time zone.
EXPECTED = {
    "index": "2001-01-01 10:00:00",
    "kept": "2001-01-01 10:00:00",
    "linked": "2001-01-01 10:00:00",
    "edited": "2001-01-05 10:00:00",
    "other": "2001-01-05 10:00:00",
    "branch": "2000-12-25 09:00:00",
    "reverted": "2001-01-01 10:00:00",
    "same": "2001-01-02 10:00:00",
    "ours": "2001-01-02 10:00:00",
    "merged": "2001-01-06 10:00:00",
    "renamed": "2001-01-07 10:00:00",
    "octopus": "2001-01-08 10:00:00",
    "mode": "2001-01-09 10:00:00",
    "skewed": "2000-06-01 10:00:00",
    "readded": "2001-01-13 10:00:00",
}
GUIDE = Path("doc/source/guide")


def _git(repo: Path, *args: str, date: str = "", author_date: str = "",
         check: bool = True) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": author_date or date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=check, capture_output=True)


def _write(repo: Path, page: str, text: str) -> None:
    (repo / GUIDE / f"{page}.rst").write_text(f"{page.title()}\n{'=' * len(page)}\n\n{text}\n",
                                             encoding="utf-8")


def _commit(repo: Path, message: str, date: str, author_date: str = "") -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", message, date=date, author_date=author_date)


def _history(repo: Path) -> None:
    shutil.copytree(ROOTS / "test-gitdates", repo / "doc" / "source")
    (repo / "README").write_text("A file at the top.\n", encoding="utf-8")
    (repo / "LINKED.rst").write_text("Linked\n======\n\nBefore.\n", encoding="utf-8")
    (repo / GUIDE / "linked.rst").symlink_to(Path("../../../LINKED.rst"))
    _git(repo, "init", "-q", "-b", "main")
    _commit(repo, "pages", "2001-01-01T10:00:00+0000")
    _git(repo, "branch", "side")
    for page in ("ours", "same"):
        _write(repo, page, f"{'Main' if page == 'ours' else 'Same'} change.")
    _commit(repo, "main early", "2001-01-02T10:00:00+0000")
    _git(repo, "checkout", "-q", "side")
    for page in ("branch", "reverted", "merged", "ours", "same"):
        _write(repo, page, f"{'Same' if page == 'same' else 'Side'} change.")
    _commit(repo, "side", "2001-01-03T10:00:00+0000", author_date="2000-12-25T09:00:00+0000")
    _git(repo, "checkout", "-q", "main", "--", str(GUIDE / "reverted.rst"))
    _commit(repo, "revert", "2001-01-04T10:00:00+0000")
    _git(repo, "checkout", "-q", "main")
    for page in ("edited", "merged", "other"):
        _write(repo, page, "Changed on main.")
    (repo / "LINKED.rst").write_text("Linked\n======\n\nAfter.\n", encoding="utf-8")
    _commit(repo, "main", "2001-01-05T10:00:00+0200")
    _git(repo, "merge", "-q", "--no-commit", "side", check=False)  # merged, ours conflict
    _write(repo, "merged", "Changed on both.")
    _git(repo, "checkout", "--ours", "--", str(GUIDE / "ours.rst"))
    _commit(repo, "merge", "2001-01-06T10:00:00+0000")
    _git(repo, "mv", str(GUIDE / "old.rst"), str(GUIDE / "renamed.rst"))
    _commit(repo, "rename", "2001-01-07T10:00:00+0000")
    for branch, date in (("o1", "2001-01-08"), ("o2", "2001-01-09"), ("sk", "2000-06-01")):
        _git(repo, "checkout", "-q", "-b", branch, "main")
        if branch == "o1":
            _write(repo, "octopus", "Changed on o1.")
        elif branch == "o2":
            (repo / GUIDE / "mode.rst").chmod(0o755)
        else:
            _write(repo, "skewed", "Committed before its parent.")
        _commit(repo, branch, f"{date}T10:00:00+0000")
    _git(repo, "checkout", "-q", "main")
    _git(repo, "merge", "-q", "--no-ff", "-m", "octopus", "o1", "o2",
         date="2001-01-10T10:00:00+0000")
    (repo / GUIDE / "readded.rst").unlink()
    _commit(repo, "delete", "2001-01-11T10:00:00+0000")
    _git(repo, "merge", "-q", "--no-ff", "-m", "skewed", "sk", date="2001-01-12T10:00:00+0000")
    _write(repo, "readded", "The readded page.")
    _commit(repo, "add again", "2001-01-13T10:00:00+0000")
    _write(repo, "untracked", "Not in git.")


def _counting_git(folder: Path) -> Path:
    """A ``git`` for PATH that writes each command line to *folder*/calls, then runs git."""
    real = shutil.which("git")
    assert real is not None
    folder.mkdir()
    wrapper = folder / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{folder}/calls"\nexec "{real}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return folder / "calls"


@pytest.fixture(scope="module")
def dated_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    repo = tmp_path_factory.mktemp("gitdates") / "repo"
    repo.mkdir()
    _history(repo)
    calls = _counting_git(repo.parent / "bin")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)  # the theme asks git in the working directory
        with pytest.MonkeyPatch.context() as path:
            path.setenv("PATH", f"{calls.parent}{os.pathsep}{os.environ['PATH']}")
            result = build_source(repo / "doc" / "source", repo.parent / "out", fresh=True)
        # The theme's own answers, in the same place: the oracle.
        theme = {page: theme_pages._get_last_updated_file(str(GUIDE / f"{page}.rst"))
                 for page in (*EXPECTED, "untracked")}
    logs = [line for line in calls.read_text(encoding="utf-8").splitlines()
            if "log" in line.split()]
    return {"result": result, "repo": repo, "logs": logs, "theme": theme}


def _shown(result: BuildResult, page: str) -> str:
    html = (result.out / "guide" / f"{page}.html").read_text(encoding="utf-8")
    start = html.index("last updated: ") + len("last updated: ")
    return html[start:html.index("<", start)].strip()


def test_every_page_shows_the_date_the_theme_gives(dated_build: dict[str, Any]) -> None:
    result: BuildResult = dated_build["result"]
    assert result.status == 0, result.output
    for page, date in EXPECTED.items():
        assert str(dated_build["theme"][page]) == date, page  # the history is as meant
        assert _shown(result, page) == date, page


def test_an_untracked_page_gets_the_themes_default(dated_build: dict[str, Any]) -> None:
    assert dated_build["theme"]["untracked"] is None
    default = theme_pages._default_last_updated
    assert _shown(dated_build["result"], "untracked") == str(default)


def test_one_git_walk_for_the_whole_build(dated_build: dict[str, Any]) -> None:
    """No ``git log -n1`` per page: one ``git log`` for every page of the build."""
    assert len(EXPECTED) + 1 >= WALK_FROM_FILES  # enough pages for a walk
    logs = dated_build["logs"]
    assert len(logs) == 1, logs
    assert "-n1" not in logs[0].split() and "--full-history" in logs[0].split(), logs


def test_the_walk_answers_as_git_log_per_file(dated_build: dict[str, Any],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file, tracked or not, in the repository or not: the walk's answer is what
    the theme's ``git log`` prints, or it is left to the theme."""
    repo: Path = dated_build["repo"]
    monkeypatch.chdir(repo / "doc")  # paths relative to a folder below the top
    files = [str(path.relative_to(repo / "doc")) for path in (repo / "doc").rglob("*")
             if path.is_file()]
    answers = last_commit_dates(Path.cwd(), [*files, "../README", "../../elsewhere.rst"],
                                THEME_GIT_DATE_FORMAT)
    assert sorted(answers) == sorted(files)  # the top and outside: the theme's own call
    for file in files:
        theme = theme_pages._get_last_updated_file(file)
        assert answers[file] == (str(theme) if theme else None), file


def test_settings_changing_git_log_leave_every_file_to_the_theme(
    dated_build: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``log.follow`` makes the theme's ``git log -- <file>`` follow renames, which walks
    without simplifying the history: another answer, which the walk does not replay."""
    repo: Path = dated_build["repo"]
    monkeypatch.chdir(repo)
    reverted = str(GUIDE / "reverted.rst")
    _git(repo, "config", "log.follow", "yes")
    try:
        followed = theme_pages._get_last_updated_file(reverted)
        assert last_commit_dates(repo, [reverted], THEME_GIT_DATE_FORMAT) == {}
    finally:
        _git(repo, "config", "--unset", "log.follow")
    assert str(followed) == "2001-01-04 10:00:00" != EXPECTED["reverted"]
    assert last_commit_dates(repo, [reverted], THEME_GIT_DATE_FORMAT) == {
        reverted: EXPECTED["reverted"]}


def test_no_repository_leaves_every_file_to_the_theme(tmp_path: Path) -> None:
    (tmp_path / "page.rst").write_text("Page\n", encoding="utf-8")
    assert last_commit_dates(tmp_path, ["page.rst"], THEME_GIT_DATE_FORMAT) == {}
