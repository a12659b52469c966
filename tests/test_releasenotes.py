"""Release notes: reno's notes from a throw-away git repository with two tagged releases,
rendered into the release notes part and split by audience into each guide's What's new."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.search.en import SearchEnglish

from tests.conftest import ROOTS, BuildResult, build_source

GUIDES = ("user", "operator", "admin", "contributor")
STEM = SearchEnglish({}).stem

#: One word per note entry, and the guides whose What's new must show it.
EXPECTED = {
    "alphafeature": {"user", "operator", "admin"},
    "alphaupgrade": {"operator", "admin"},
    "betafix": {"user", "operator", "admin"},
    "betadeprecation": {"operator", "admin"},
    "betaother": {"contributor"},
    "gammaprelude": set(GUIDES),
    "gammasecurity": set(GUIDES),
    "deltafeature": {"contributor"},  # narrowed by '# audience: contributor'
    "epsilonupgrade": {"user", "operator", "admin"},  # widened by '# audience[upgrade]: +user'
}

NOTES_1_0 = {
    "alpha-1111111111111111.yaml": (
        "---\nfeatures:\n  - The alphafeature lets you do more.\n"
        "upgrade:\n  - Run the alphaupgrade migration first.\n"
    ),
}
NOTES_2_0 = {
    "beta-2222222222222222.yaml": (
        "---\nfixes:\n  - The betafix stops a crash.\n"
        "deprecations:\n  - The betadeprecation option goes away next release.\n"
        "other:\n  - The betaother test helper moved.\n"
    ),
}
NOTES_UNRELEASED = {
    "gamma-3333333333333333.yaml": (
        "---\nprelude: >\n  This release, gammaprelude, is about safety.\n"
        "security:\n  - The gammasecurity hole is closed.\n"
    ),
    "delta-4444444444444444.yaml": (
        "---\n# audience: contributor\nfeatures:\n  - The deltafeature plugin hook.\n"
    ),
    "epsilon-5555555555555555.yaml": (
        "---\n# audience[upgrade]: +user\n"
        "upgrade:\n  - Clients must send epsilonupgrade headers.\n"
    ),
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )


def commit_notes(repo: Path, notes: dict[str, str], message: str) -> None:
    folder = repo / "releasenotes" / "notes"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in notes.items():
        (folder / name).write_text(text, encoding="utf-8")
    git(repo, "add", "releasenotes")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the test docs, notes in 1.0.0, 2.0.0 and after 2.0.0."""
    root = tmp_path / "repo"
    shutil.copytree(ROOTS / "test-releasenotes", root / "doc")
    root.mkdir(exist_ok=True)
    git(root, "init", "-q")
    git(root, "add", "doc")
    git(root, "commit", "-q", "-m", "docs")
    commit_notes(root, NOTES_1_0, "first release")
    git(root, "tag", "1.0.0")
    commit_notes(root, NOTES_2_0, "second release")
    git(root, "tag", "2.0.0")
    commit_notes(root, NOTES_UNRELEASED, "work in progress")
    return root


def build(repo: Path, tmp_path: Path, **kwargs: object) -> BuildResult:
    return build_source(repo / "doc", tmp_path / "out", **kwargs)  # type: ignore[arg-type]


def words(html: str) -> set[str]:
    return {word for word in EXPECTED if word in html}


def test_each_guide_whats_new_holds_exactly_its_notes(repo: Path, tmp_path: Path) -> None:
    result = build(repo, tmp_path, strict=True)
    assert result.status == 0, result.output
    for guide in GUIDES:
        html = result.html(guide, "whats-new")
        expected = {word for word, guides in EXPECTED.items() if guide in guides}
        assert words(html) == expected, guide
        search = result.searchindex(guide)["terms"]
        for word in EXPECTED:
            assert (STEM(word) in search) == (word in expected), (guide, word)


def test_whats_new_is_grouped_by_release_newest_first(repo: Path, tmp_path: Path) -> None:
    result = build(repo, tmp_path, strict=True)
    html = result.html("operator", "whats-new")
    headings = re.findall(r"<h2>([^<]+)<a", html)
    assert headings == ["3.0 (unreleased)", "2.0.0", "1.0.0"]
    # A release with nothing for the guide is left out.
    assert re.findall(r"<h2>([^<]+)<a", result.html("contributor", "whats-new")) == [
        "3.0 (unreleased)", "2.0.0"]
    # Section headings only where the guide has entries.
    user = result.html("user", "whats-new")
    assert "Upgrade Notes" in user and "Deprecation Notes" not in user
    assert "Other Notes" not in user


def test_whats_new_entries_link_to_the_full_note(repo: Path, tmp_path: Path) -> None:
    result = build(repo, tmp_path, strict=True)
    html = result.html("user", "whats-new")
    assert (
        'href="../releasenotes/series/2.0.html'
        '#relnote-beta-2222222222222222-fixes"'
    ) in html
    series = result.html("releasenotes", "releasenotes/series/2.0")
    assert 'id="relnote-beta-2222222222222222-fixes"' in series


def test_full_release_notes_hold_every_note_per_series(repo: Path, tmp_path: Path) -> None:
    result = build(repo, tmp_path, strict=True)
    index = result.html("releasenotes", "releasenotes/index")
    toc = re.findall(r'href="series/([^"]+)\.html">([^<]+)</a>', index)
    assert [title for _slug, title in toc][:3] == [
        "3.0 (unreleased)", "2.0 series", "1.0 series"]
    pages = {
        "unreleased": {"gammaprelude", "gammasecurity", "deltafeature", "epsilonupgrade"},
        "2.0": {"betafix", "betadeprecation", "betaother"},
        "1.0": {"alphafeature", "alphaupgrade"},
    }
    for slug, expected in pages.items():
        html = result.html("releasenotes", f"releasenotes/series/{slug}")
        assert words(html) == expected, slug
    series = result.html("releasenotes", "releasenotes/series/2.0")
    sections = re.findall(r"<h\d>([^<]+)<a", series)
    assert sections == ["2.0 series", "2.0.0", "Deprecation Notes", "Bug Fixes", "Other Notes"]
    unreleased = result.html("releasenotes", "releasenotes/series/unreleased")
    assert re.findall(r"<h\d>([^<]+)<a", unreleased) == [
        "3.0 (unreleased)", "Prelude", "New Features", "Upgrade Notes", "Security Issues"]
    manifest = {part["name"]: part for part in result.manifest["parts"]}
    assert {page["docname"] for page in manifest["releasenotes"]["pages"]} == {
        "releasenotes/index", "releasenotes/series/unreleased",
        "releasenotes/series/2.0", "releasenotes/series/1.0"}


def test_new_note_reaches_pages_on_the_next_build(repo: Path, tmp_path: Path) -> None:
    first = build(repo, tmp_path, strict=True)
    assert first.status == 0, first.output
    commit_notes(repo, {"zeta-6666666666666666.yaml": "---\nfixes:\n  - The zetafix.\n"},
                 "another fix")
    second = build(repo, tmp_path, strict=True)
    assert second.status == 0, second.output
    assert "zetafix" in second.html("user", "whats-new")
    assert "zetafix" not in second.html("contributor", "whats-new")
    assert "zetafix" in second.html("releasenotes", "releasenotes/series/unreleased")


def test_malformed_notes_are_reported_with_their_path(repo: Path, tmp_path: Path) -> None:
    commit_notes(repo, {
        "badyaml-7777777777777777.yaml": "---\nfixes:\n  - one\n  two: [\n",
        "badsection-8888888888888888.yaml": "---\nfixes:\n  - Fine.\nfeature:\n  - Typo.\n",
        "badlist-9999999999999999.yaml": "---\nfixes:\n  - Fine.\nupgrade:\n  nested: 1\n",
        "badaudience-aaaaaaaaaaaaaaaa.yaml": "---\n# audience: wizards\nfixes:\n  - Ok.\n",
    }, "bad notes")
    result = build(repo, tmp_path)
    notes = repo / "releasenotes" / "notes"
    warnings = result.warnings()
    known = "prelude, features, issues, upgrade, deprecations, critical, security, fixes, other"
    expected = [
        f"{notes}/badyaml-7777777777777777.yaml:4: WARNING: release note is not valid YAML: "
        "expected <block end>, but found '?' [guidebook.releasenotes]",
        f"{notes}/badsection-8888888888888888.yaml:4: WARNING: unknown release note section "
        f"'feature' (known: {known}) [guidebook.releasenotes]",
        f"{notes}/badlist-9999999999999999.yaml:4: WARNING: release note section 'upgrade' "
        "must be a list of strings [guidebook.releasenotes]",
        f"{notes}/badaudience-aaaaaaaaaaaaaaaa.yaml:2: WARNING: audience comment: unknown "
        "audience 'wizards' (known: user, operator, admin, contributor) "
        "[guidebook.releasenotes]",
    ]
    for line in expected:
        assert line in warnings, result.output
    assert "Traceback" not in result.output
    assert result.status == 0
    # The good entries of a partly bad note still show.
    assert "Fine." in result.html("releasenotes", "releasenotes/series/unreleased")
    assert build(repo, tmp_path, strict=True).status == 1


def test_missing_git_repository_is_one_clear_warning(tmp_path: Path) -> None:
    source = tmp_path / "plain"
    shutil.copytree(ROOTS / "test-releasenotes", source)
    result = build_source(source, tmp_path / "out")
    assert (
        f"{source}/conf.py:1: WARNING: release notes: no git repository holds {source} "
        "(reno reads the notes from git; set guidebook_releasenotes_repo) "
        "[guidebook.releasenotes]"
    ) in result.warnings(), result.output
    assert "No release note concerns the readers of this guide yet." in result.html(
        "user", "whats-new")
    assert "Traceback" not in result.output


def test_audience_comments_keep_reno_lint_clean(repo: Path) -> None:
    lint = [sys.executable, "-c", "from reno.main import main; raise SystemExit(main(['lint']))"]
    clean = subprocess.run(lint, cwd=repo, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    commit_notes(repo, {"typo-bbbbbbbbbbbbbbbb.yaml": "---\naudience:\n  - user\n"}, "typo")
    assert subprocess.run(lint, cwd=repo, capture_output=True).returncode == 1


def found_notes_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose docs (tests/roots/test-releasenotes-found) configure no release
    notes part, with one note released in 1.0.0 and one not released yet."""
    repository = tmp_path / "repository"
    source = repository / "doc" / "source"
    shutil.copytree(ROOTS / "test-releasenotes-found", source)
    git(repository, "init", "-q")
    git(repository, "add", "doc")
    git(repository, "commit", "-q", "-m", "docs")
    commit_notes(repository, NOTES_1_0, "first release")
    git(repository, "tag", "1.0.0")
    commit_notes(repository, NOTES_2_0, "work in progress")
    return repository, source


def test_notes_without_a_part_are_published_and_the_setting_named(tmp_path: Path) -> None:
    repository, source = found_notes_repo(tmp_path)
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert (
        f"{source}/conf.py:5: release notes: 2 reno note(s) in releasenotes/notes/ are "
        "published as the part 'releasenotes' (its root page releasenotes/index.rst is "
        "generated); to make it explicit, add 'releasenotes' to guidebook_parts ({'title': "
        "'Release notes', 'root': 'releasenotes/index'}) with a page releasenotes/index.rst "
        "holding '.. guidebook-release-index::', and a What's new page holding "
        "'.. guidebook-whats-new::' in each guide's table of contents (guidebook init "
        "writes them); guidebook_releasenotes_automatic = False leaves them out"
    ) in result.output
    home = result.html("releasenotes", "releasenotes/index")
    assert "<h1>Release notes" in home and "from the reno notes in" in home
    series = list(dict.fromkeys(re.findall(r'href="(series/[^"#]+)"', home)))
    # The work not released yet, then 1.0: newest first.
    assert series == ["series/unreleased.html", "series/1.0.html"], home
    pages = [(result.page("releasenotes", "releasenotes/index").parent / href).read_text()
             for href in series]
    assert "betafix" in pages[0] and "alphafeature" not in pages[0]
    assert "alphafeature" in pages[1] and "alphaupgrade" in pages[1]
    assert "betafix" in json.dumps(result.searchindex("releasenotes"))
    portal = (result.out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'data-part="releasenotes">\s*<a href="releasenotes/[^"]*">Release notes</a>',
                     portal), portal
    # The generated pages keep the checkout clean, and conf.py is never written.
    status = subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=repository,
                            capture_output=True, text=True, check=True)
    assert status.stdout == ""
    assert "releasenotes" not in (source / "conf.py").read_text(encoding="utf-8")


def test_notes_and_a_folder_of_the_authors_say_which_setting_to_add(tmp_path: Path) -> None:
    _, source = found_notes_repo(tmp_path)
    (source / "releasenotes").mkdir()
    (source / "releasenotes" / "policy.rst").write_text(":orphan:\n\nPolicy\n======\n")
    result = build_source(source, tmp_path / "out", strict=True)
    assert (
        f"{source}/conf.py:5: WARNING: 2 reno note(s) in releasenotes/notes/ and no release "
        "notes part shows them (none is generated: releasenotes/ holds pages of its own, "
        "such as releasenotes/policy.rst): add 'releasenotes' to guidebook_parts "
        "({'title': 'Release notes', 'root': 'releasenotes/index'}) with a page "
        "releasenotes/index.rst holding '.. guidebook-release-index::', and a What's new "
        "page holding '.. guidebook-whats-new::' in each guide's table of contents "
        "(guidebook init writes them) [guidebook.releasenotes]"
    ) in result.warnings(), result.output
    assert result.status == 1
    assert not (source / "releasenotes" / "index.rst").exists()


def test_notes_left_out_on_purpose_are_not_published(tmp_path: Path) -> None:
    _, source = found_notes_repo(tmp_path)
    assert build_source(source, tmp_path / "first", strict=True).status == 0
    assert (source / "releasenotes" / "index.rst").is_file()
    result = build_source(source, tmp_path / "out", strict=True,
                          overrides={"guidebook_releasenotes_automatic": False})
    assert result.status == 0, result.output
    assert "reno note" not in result.output
    # What the first build generated is gone, so nothing reads it as a page of no part.
    assert not (source / "releasenotes").exists()
    assert not (result.out / "releasenotes").exists()
