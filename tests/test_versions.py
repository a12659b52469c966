"""Versioned sites: ``guidebook build --versions`` on a repository with three series.

The repository (``tests/versions_repo.py``): a page moved with a redirect, one moved by
``git mv`` alone, one removed, one added, and one release note per series.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path, PurePosixPath

import pytest

from guidebook.driver.options import BuildOptions
from guidebook.driver.run import run_build
from guidebook.versions.marker import PAGE_MARKER, PORTAL_MARKER
from guidebook.versions.run import build_versions
from tests.conftest import ROOTS
from tests.versions_repo import VERSIONS, git, make_repo, write_versions

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build(source: Path, out: Path, **kwargs: object) -> tuple[int, str]:
    stream = io.StringIO()
    status = build_versions(BuildOptions(source=source, out=out, quiet=True, **kwargs),  # type: ignore[arg-type]
                            stderr=stream)
    return status, _ANSI.sub("", stream.getvalue())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("versions")
    source = make_repo(root / "repo")
    status, output = build(source, root / "out")
    assert status == 0, output
    return root / "out"


def page(out: Path, version: str, url: str) -> str:
    return (out / version / url).read_text(encoding="utf-8")


def switcher_links(html: str) -> dict[str, tuple[str, str]]:
    """version -> (href, link text) of the page's version switcher."""
    nav = re.search(r'<nav class="guidebook-versions".*?</nav>', html, re.S)
    assert nav is not None, "no version switcher"
    return {
        version: (href, re.sub(r"<[^>]+>", "", text))
        for href, version, text in re.findall(
            r'<a href="([^"]+)" data-version="([^"]+)"[^>]*>(.*?)</a>', nav.group(0))
    }


def banner(html: str) -> str | None:
    found = re.search(r'<div class="guidebook-version-banner".*?</div>', html, re.S)
    return found.group(0) if found else None


def test_versions_json_lists_every_version_oldest_first(site: Path) -> None:
    data = json.loads((site / "versions.json").read_text())
    assert [(v["name"], v["ref"], v["url"], v["latest"]) for v in data] == [
        ("2026.1", "stable/2026.1", "2026.1/", False),
        ("2026.2", "stable/2026.2", "2026.2/", False),
        ("2026.3", "main", "2026.3/", True),
    ]
    for entry in data:
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"])
        assert (site / entry["url"] / "guidebook.json").is_file()


def test_each_version_is_its_own_tree(site: Path) -> None:
    assert (site / "2026.1/user/legacy.html").is_file()
    assert not (site / "2026.2/user/legacy.html").exists()
    assert not (site / "2026.2/user/quotas.html").exists()
    assert (site / "2026.3/user/quotas.html").is_file()


def test_switcher_follows_the_redirect_to_the_moved_page(site: Path) -> None:
    links = switcher_links(page(site, "2026.1", "user/uploading.html"))
    assert links == {
        "2026.2": ("../../2026.2/user/images.html", "2026.2"),
        "2026.3": ("../../2026.3/user/images.html", "2026.3 (latest)"),
    }
    # And back: the newer page links its old home in the older version.
    links = switcher_links(page(site, "2026.3", "user/images.html"))
    assert links["2026.1"][0] == "../../2026.1/user/uploading.html"
    assert links["2026.2"][0] == "../../2026.2/user/images.html"


def test_switcher_follows_a_git_rename_without_redirect(site: Path) -> None:
    links = switcher_links(page(site, "2026.2", "operator/tuning.html"))
    assert links["2026.3"][0] == "../../2026.3/operator/performance.html"
    links = switcher_links(page(site, "2026.3", "operator/performance.html"))
    assert links["2026.2"][0] == "../../2026.2/operator/tuning.html"


def test_removed_page_links_the_guide_root_and_says_so(site: Path) -> None:
    links = switcher_links(page(site, "2026.1", "user/legacy.html"))
    assert links["2026.2"] == ("../../2026.2/user/index.html",
                               "2026.2 (not in this version: User guide home)")
    html = page(site, "2026.1", "user/legacy.html")
    assert banner(html) == (
        '<div class="guidebook-version-banner" role="note" data-version="2026.1">You are '
        "reading 2026.1; this page is not in the latest version (2026.3): see "
        '<a href="../../2026.3/user/index.html">the User guide home</a></div>')


def test_added_page_links_the_guide_root_in_older_versions(site: Path) -> None:
    links = switcher_links(page(site, "2026.3", "user/quotas.html"))
    assert links == {
        "2026.1": ("../../2026.1/user/index.html",
                   "2026.1 (not in this version: User guide home)"),
        "2026.2": ("../../2026.2/user/index.html",
                   "2026.2 (not in this version: User guide home)"),
    }


def test_older_versions_carry_the_banner_the_latest_does_not(site: Path) -> None:
    assert banner(page(site, "2026.2", "user/images.html")) == (
        '<div class="guidebook-version-banner" role="note" data-version="2026.2">You are '
        'reading 2026.2; this page in the latest version: <a href="../../2026.3/user/'
        'images.html">Uploading images</a></div>')
    assert banner(page(site, "2026.3", "user/images.html")) is None
    assert banner(page(site, "latest", "user/images.html")) is None


def test_no_marker_is_left_anywhere(site: Path) -> None:
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert PAGE_MARKER not in text and PORTAL_MARKER not in text, path


def test_latest_is_a_copy_of_the_latest_version(site: Path) -> None:
    for path in (site / "2026.3").rglob("*"):
        if path.is_file() and path.name not in (".htaccess", "404.html"):  # both rebased
            copy = site / "latest" / path.relative_to(site / "2026.3")
            assert copy.read_bytes() == path.read_bytes(), copy
    assert "Redirect 301 /2026.3/user/uploading.html /2026.3/user/images.html" in \
        (site / "2026.3/.htaccess").read_text()
    assert "Redirect 301 /latest/user/uploading.html /latest/user/images.html" in \
        (site / "latest/.htaccess").read_text()
    # Each folder's 404 page is its own, its absolute links and assets in that folder.
    for folder in ("2026.3", "latest"):
        assert f"ErrorDocument 404 /{folder}/404.html" in (site / folder / ".htaccess").read_text()
        not_found = (site / folder / "404.html").read_text()
        assert f'href="/{folder}/user/index.html"' in not_found
        assert f'href="/{folder}/_static/' in not_found and 'href="/_static/' not in not_found


def test_portal_lists_the_latest_guides_and_every_version(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<base href="latest/">' in html
    assert 'href="user/index.html"' in html  # resolved in latest/
    versions = re.search(r'<section class="guidebook-portal-versions">.*?</section>', html)
    assert versions is not None
    assert re.findall(r'href="([^"]+)"', versions.group(0)) == [
        "../2026.1/index.html", "../2026.2/index.html"]
    assert 'aria-current="page">2026.3 (latest)</li>' in versions.group(0)


def test_each_version_shows_its_own_release_notes(site: Path) -> None:
    def notes(version: str) -> str:
        folder = site / version / "releasenotes"
        return "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.html"))

    assert "alphaseries" in notes("2026.1")
    assert "betaseries" not in notes("2026.1") and "gammaseries" not in notes("2026.1")
    assert "betaseries" in notes("2026.2") and "gammaseries" not in notes("2026.2")
    assert "gammaseries" in notes("2026.3")


def test_plain_build_has_no_versions(tmp_path: Path) -> None:
    source = make_repo(tmp_path / "repo")
    stream = io.StringIO()
    assert run_build(BuildOptions(source=source, out=tmp_path / "out", quiet=True),
                     stderr=stream) == 0, stream.getvalue()
    assert not (tmp_path / "out" / "versions.json").exists()
    assert not (tmp_path / "out" / "2026.1").exists()
    html = (tmp_path / "out" / "user" / "images.html").read_text()
    assert "guidebook-versions" not in html and PAGE_MARKER not in html


def test_unchanged_versions_are_not_rebuilt(tmp_path: Path) -> None:
    source = make_repo(tmp_path / "repo")
    out = tmp_path / "out"
    assert build(source, out)[0] == 0
    status, output = build(source, out)
    assert status == 0, output
    assert output.count("unchanged since its last build, not rebuilt") == 3, output
    # A new commit on main changes only the latest version's tree.
    (source / "user" / "quotas.rst").write_text(
        "Quotas\n======\n\nEach project may store a limited number of deltaquota images.\n")
    git(source.parents[1], "commit", "-q", "-am", "quotas: reword")
    status, output = build(source, out)
    assert status == 0, output
    assert "version 2026.1 (stable/2026.1 at " in output
    assert output.count("not rebuilt") == 2, output
    assert re.search(r"version 2026\.3 \(main at [0-9a-f]{12}\): building", output)
    assert "deltaquota" in (out / "2026.3/user/quotas.html").read_text()
    assert "deltaquota" in (out / "latest/user/quotas.html").read_text()
    # The unchanged versions' switchers still know every version.
    assert "2026.3" in switcher_links(page(out, "2026.1", "user/uploading.html"))


# -- bad input -------------------------------------------------------------------------------


@pytest.fixture
def repo_source(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def conf_line(source: Path, text: str) -> int:
    lines = (source / "conf.py").read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_unknown_ref_is_named_at_its_line(repo_source: Path, tmp_path: Path) -> None:
    write_versions(repo_source, {**VERSIONS, "2027.1": "stable/2027.1"})
    status, output = build(repo_source, tmp_path / "out")
    assert status == 2
    line = conf_line(repo_source, "stable/2027.1")
    assert output.strip() == (
        f"guidebook: error: {repo_source}/conf.py:{line}: version '2027.1': git ref "
        f"'stable/2027.1' does not exist in {repo_source.parents[1]} (no such branch, tag "
        "or commit)")
    assert not (tmp_path / "out").exists()


def test_duplicate_version_name_is_named_at_its_line(repo_source: Path, tmp_path: Path) -> None:
    conf = repo_source / "conf.py"
    conf.write_text(conf.read_text().replace("    '2026.3': 'main',\n",
                                             "    '2026.3': 'main',\n    '2026.1': 'main',\n"))
    status, output = build(repo_source, tmp_path / "out")
    assert status == 2
    lines = conf.read_text().splitlines()
    line = len(lines) - lines[::-1].index("    '2026.1': 'main',")
    assert output.strip() == (
        f"guidebook: error: {conf}:{line}: version '2026.1' is named twice in "
        "guidebook_versions; each version needs its own name")


@pytest.mark.parametrize("name", ["../up", "a/b", "latest", ".hidden", ""])
def test_unsafe_version_name_is_refused(repo_source: Path, tmp_path: Path, name: str) -> None:
    write_versions(repo_source, {name: "main"})
    status, output = build(repo_source, tmp_path / "out")
    assert status == 2
    assert output.startswith(f"guidebook: error: {repo_source}/conf.py:"), output
    assert ("is not a safe path segment" in output) or ("is reserved" in output), output
    assert not (tmp_path / "out").exists()


def _broken_branch(source: Path) -> None:
    """A branch ``broken`` whose conf.py fails."""
    root = source.parents[1]
    git(root, "checkout", "-q", "-b", "broken")
    (source / "conf.py").write_text((source / "conf.py").read_text() + "raise ValueError('no')\n")
    git(root, "commit", "-q", "-am", "break conf.py")
    git(root, "checkout", "-q", "main")


def test_a_version_that_does_not_build_is_named_the_others_publish(
    repo_source: Path, tmp_path: Path
) -> None:
    _broken_branch(repo_source)
    write_versions(repo_source, {**VERSIONS, "2027.1": "broken"},
                   extra="guidebook_versions_latest = '2026.3'\n")
    status, output = build(repo_source, tmp_path / "out")
    assert status == 1, output
    assert "conf.py failed: ValueError: no" in output
    assert re.search(r"version 2027\.1 \(broken at [0-9a-f]{12}\) failed to build", output)
    assert "version(s) 2027.1 failed to build" in output
    names = [v["name"] for v in json.loads((tmp_path / "out/versions.json").read_text())]
    assert names == ["2026.1", "2026.2", "2026.3"]


def test_strict_fails_the_whole_build_and_publishes_nothing(
    repo_source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    write_versions(repo_source, VERSIONS)
    assert build(repo_source, out)[0] == 0
    before = (out / "versions.json").read_text()
    _broken_branch(repo_source)
    write_versions(repo_source, {**VERSIONS, "2027.1": "broken"},
                   extra="guidebook_versions_latest = '2026.3'\n")
    status, output = build(repo_source, out, strict=True)
    assert status == 1
    assert "--strict: version(s) 2027.1 failed to build; the published site" in output
    assert (out / "versions.json").read_text() == before
    assert not (out / "2027.1").exists()


def _files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_versions_built_in_turn_equal_separate_builds(site: Path, tmp_path: Path) -> None:
    """2026.2 and 2026.3 were built upon the version before them in the work slot; each
    is exactly what a build of that version alone writes."""
    source = make_repo(tmp_path / "repo")
    for name in ("2026.2", "2026.3"):
        write_versions(source, {name: VERSIONS[name]})
        alone = tmp_path / f"alone-{name}"
        status, output = build(source, alone)
        assert status == 0, output
        in_turn = _files(site.parent / ".out.versions" / name / "site")
        separate = _files(tmp_path / f".alone-{name}.versions" / name / "site")
        assert sorted(in_turn) == sorted(separate)
        differ = [path for path in in_turn if in_turn[path] != separate[path]]
        assert differ == []


# -- guidebook diff between versions -------------------------------------------------------


def test_diff_between_published_versions_for_one_guide(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from guidebook.cli import main

    source = site.parent / "repo" / "doc" / "source"
    status = main(["diff", "--versions", "2026.1", "2026.3", "--site", str(site),
                   "--guide", "user", "--source", str(source), "--format", "json"])
    assert status == 1  # user/legacy's URL is gone and not redirected
    report = json.loads(capsys.readouterr().out)
    assert report["base"]["label"] == "2026.1 (stable/2026.1)"
    assert [guide["name"] for guide in report["guides"]] == ["user"]
    user = report["guides"][0]
    assert [(m["from"], m["to"], m["method"]) for m in user["moved"]] == [
        ("user/uploading", "user/images", "git")]
    assert [page["docname"] for page in user["added"]] == ["user/quotas"]
    assert [page["docname"] for page in user["removed"]] == ["user/legacy"]
    assert [broken["url"] for broken in report["broken_urls"]] == ["user/legacy.html"]


def test_diff_builds_two_versions_from_their_refs(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from guidebook.cli import main

    source = site.parent / "repo" / "doc" / "source"
    status = main(["diff", "--versions", "2026.2", "2026.3", "--guide", "operator",
                   "--source", str(source)])
    out = capsys.readouterr().out
    assert status == 1
    assert "operator (guide: Operator guide)\n  moved     admin/tuning -> admin/performance" \
        "  (git rename)" in out
    assert "operator/tuning.html  (page admin/tuning; now at " \
        "operator/performance.html)" in out


def test_diff_names_an_unknown_version(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from guidebook.cli import main

    source = site.parent / "repo" / "doc" / "source"
    assert main(["diff", "--versions", "2025.9", "2026.3", "--site", str(site),
                 "--source", str(source)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"guidebook diff: error: {source}/conf.py: no version '2025.9' in "
        "guidebook_versions (the versions: 2026.1, 2026.2, 2026.3)")


def test_head_stands_for_the_checkouts_branch_in_a_clone(tmp_path: Path) -> None:
    # A clone has refs/remotes/origin/HEAD: "HEAD" must still give reno the branch.
    from guidebook.git import git as run_git
    from guidebook.reorg.snapshot import Repository
    from guidebook.versions.spec import branch_of

    origin = tmp_path / "origin"
    origin.mkdir()
    run_git(origin, "init", "-q", "-b", "main")
    (origin / "a.txt").write_text("a\n", encoding="utf-8")
    run_git(origin, "add", "a.txt")
    run_git(origin, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "a")
    run_git(tmp_path, "clone", "-q", str(origin), "clone")
    clone = Repository(tmp_path / "clone", PurePosixPath("doc/source"))
    assert branch_of(clone, "HEAD") == "main"
    assert branch_of(clone, "main") == "main"
    run_git(clone.root, "checkout", "-q", "--detach")
    assert branch_of(clone, "HEAD") == ""


def test_each_version_imports_its_own_project_code(tmp_path: Path) -> None:
    # Docs that import the project's own code (an extension kept beside conf.py, autodoc's
    # modules) must see each version's code, not the first version's still in memory.
    from guidebook.git import git as run_git

    repo = tmp_path / "repo"
    source = repo / "doc" / "source"
    shutil.copytree(ROOTS / "test-oneguide", source)
    conf = source / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        'extensions = ["guidebook"]',
        'import os, sys\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n'
        'extensions = ["guidebook", "projectmark"]') + (
        'guidebook_versions = {"v1": "v1", "v2": "main"}\n'), encoding="utf-8")
    extension = source / "projectmark.py"
    code = ("from docutils import nodes\nfrom docutils.parsers.rst import Directive\n"
            "MARK = 'MARK_VALUE'\n\n\nclass ProjectMark(Directive):\n"
            "    def run(self):\n        return [nodes.paragraph('', 'Built from ' + MARK)]\n\n\n"
            "def setup(app):\n    app.add_directive('projectmark', ProjectMark)\n"
            "    return {'parallel_read_safe': True, 'parallel_write_safe': True}\n")
    extension.write_text(code.replace("MARK_VALUE", "version one code"), encoding="utf-8")
    first = source / "guide" / "first.rst"
    first.write_text(first.read_text(encoding="utf-8") + "\n.. projectmark::\n",
                     encoding="utf-8")
    run_git(repo, "init", "-q", "-b", "main")
    identity = ("-c", "user.name=t", "-c", "user.email=t@t.invalid")
    run_git(repo, "add", "-A")
    run_git(repo, *identity, "commit", "-q", "-m", "one")
    run_git(repo, "branch", "v1")
    extension.write_text(code.replace("MARK_VALUE", "version two code"), encoding="utf-8")
    first.write_text(first.read_text(encoding="utf-8") + "\nChanged in two.\n",
                     encoding="utf-8")  # read again, with the version's own directive
    run_git(repo, *identity, "commit", "-q", "-am", "two")
    out = tmp_path / "out"
    output = io.StringIO()
    status = build_versions(BuildOptions(source=source, out=out, quiet=True), stderr=output)
    assert status == 0, output.getvalue()
    one = (out / "v1" / "guide" / "first.html").read_text(encoding="utf-8")
    two = (out / "v2" / "guide" / "first.html").read_text(encoding="utf-8")
    assert "Built from version one code" in one
    assert "Built from version two code" in two
