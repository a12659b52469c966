"""``guidebook diff``: two builds of a throw-away git repository, compared page by page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from guidebook.cli import main
from guidebook.manifest import Manifest
from guidebook.reorg.diff import compare
from guidebook.reorg.snapshot import Snapshot
from tests.conftest import ROOTS, build_source

INSTALL_TITLE = "Install & configure <the service>"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
         *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose one commit holds the test-reorg site in doc/source."""
    root = tmp_path / "repo"
    shutil.copytree(ROOTS / "test-reorg", root / "doc" / "source")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def reorganise(repo: Path) -> None:
    """One patch with every kind of change, left in the working tree.

    user/share is renamed with git mv; user/quotas moves to the admin guide as a new,
    edited file (git sees a deletion and an untracked file); the glossary leaves the admin
    guide; contributor/tests is deleted; admin/install gets a new title.
    """
    src = repo / "doc" / "source"
    git(repo, "mv", "doc/source/user/share.rst", "doc/source/user/sharing.rst")
    edit(src / "user/index.rst", "   share\n   quotas\n", "   sharing\n")
    quotas = (src / "user/quotas.rst").read_text(encoding="utf-8")
    (src / "user/quotas.rst").unlink()
    (src / "admin/quotas.rst").write_text(
        quotas.replace("Image quotas\n============",
                       "Image quotas for projects\n========================="),
        encoding="utf-8")
    edit(src / "admin/index.rst", "   ../common/glossary\n", "   quotas\n")
    edit(src / "common/glossary.rst", ":audience: user, admin", ":audience: user")
    (src / "contributor/tests.rst").unlink()
    edit(src / "contributor/index.rst", ".. toctree::\n\n   tests\n",
         "Start with the tests.\n")
    edit(src / "admin/install.rst", "Install\n=======",
         f"{INSTALL_TITLE}\n{'=' * len(INSTALL_TITLE)}")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def run_diff(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["diff", *args, "--source", str(repo / "doc" / "source")])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def page(docname: str, title: str, url: str) -> dict[str, Any]:
    return {"docname": docname, "title": title, "url": url}


EXPECTED_GUIDES: list[dict[str, Any]] = [
    {
        "name": "user", "kind": "guide", "title": "User guide", "status": "changed",
        "added": [],
        "removed": [{**page("user/quotas", "Image quotas", "user/quotas.html"),
                     "moved_to": "admin/quotas", "now_in": ["admin"]}],
        "moved": [{"from": "user/share", "to": "user/sharing",
                   "from_url": "user/share.html", "to_url": "user/sharing.html",
                   "title": "Share an image", "method": "git", "similarity": 1.0}],
        "audiences_changed": [
            {"docname": "admin/quotas", "before": ["user"], "after": ["admin"]},
            {"docname": "common/glossary", "before": ["user", "admin"], "after": ["user"]},
        ],
        "titles_changed": [],
    },
    {
        "name": "admin", "kind": "guide", "title": "Admin guide", "status": "changed",
        "added": [{**page("admin/quotas", "Image quotas for projects",
                          "admin/quotas.html"), "moved_from": "user/quotas"}],
        "removed": [{**page("common/glossary", "Glossary", "admin/common/glossary.html"),
                     "moved_to": None, "now_in": ["user"]}],
        "moved": [],
        "audiences_changed": [
            {"docname": "admin/quotas", "before": ["user"], "after": ["admin"]},
            {"docname": "common/glossary", "before": ["user", "admin"], "after": ["user"]},
        ],
        "titles_changed": [{"docname": "admin/install", "before": "Install",
                            "after": INSTALL_TITLE}],
    },
    {
        "name": "contributor", "kind": "guide", "title": "Contributor guide",
        "status": "changed", "added": [],
        "removed": [{**page("contributor/tests", "Running the tests",
                            "contributor/tests.html"),
                     "moved_to": None, "now_in": []}],
        "moved": [], "audiences_changed": [], "titles_changed": [],
    },
]

EXPECTED_BROKEN: list[dict[str, Any]] = [
    {"url": "admin/common/glossary.html", "guide": "admin", "docname": "common/glossary",
     "title": "Glossary", "now_at": "user/common/glossary.html"},
    {"url": "contributor/tests.html", "guide": "contributor",
     "docname": "contributor/tests", "title": "Running the tests", "now_at": None},
    {"url": "user/quotas.html", "guide": "user", "docname": "user/quotas",
     "title": "Image quotas", "now_at": "admin/quotas.html"},
    {"url": "user/share.html", "guide": "user", "docname": "user/share",
     "title": "Share an image", "now_at": "user/sharing.html"},
]


def test_committed_reorganisation_gives_the_exact_diff(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    reorganise(repo)
    commit_all(repo, "reorganise")
    head = git(repo, "rev-parse", "HEAD").strip()

    status, out, err = run_diff(repo, capsys, "HEAD~1", "HEAD", "--format", "json")

    assert status == 1, err
    data = json.loads(out)
    # Every old URL, each with what the new site does with it.
    old_urls = {entry["url"]: entry for entry in data.pop("old_urls")}
    assert {url for url, entry in old_urls.items() if entry["status"] == "broken"} == {
        broken["url"] for broken in EXPECTED_BROKEN}
    assert old_urls["user/share.html"]["now_at"] == "user/sharing.html"
    assert old_urls["user/index.html"]["status"] == "served"
    assert data == {
        "format": 1,
        "base": {"label": "HEAD~1", "commit": base},
        "head": {"label": "HEAD", "commit": head},
        "moves": [
            {"from": "user/quotas", "to": "admin/quotas", "method": "git", "similarity": 0.8},
            {"from": "user/share", "to": "user/sharing", "method": "git", "similarity": 1.0},
        ],
        "guides": EXPECTED_GUIDES,
        "broken_urls": EXPECTED_BROKEN,
        "broken_links": [],
        "summary": {"moves": 2, "added": 1, "removed": 3, "moved": 1, "audiences_changed": 4,
                    "titles_changed": 1, "broken_urls": 4, "broken_links": 0},
    }
    # The temporary worktrees are gone again.
    assert git(repo, "worktree", "list").count("\n") == 1


def test_working_tree_move_found_by_content_similarity(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reorganise(repo)  # admin/quotas.rst is untracked: git cannot see the move

    status, out, err = run_diff(repo, capsys, "HEAD", "--format", "json")

    assert status == 1, err
    report = json.loads(out)
    assert report["head"] == {"label": "working tree", "commit": None}
    assert report["moves"] == [
        {"from": "user/quotas", "to": "admin/quotas", "method": "similarity",
         "similarity": 0.67},
        {"from": "user/share", "to": "user/sharing", "method": "git", "similarity": 1.0},
    ]
    assert report["guides"] == EXPECTED_GUIDES
    assert report["broken_urls"] == EXPECTED_BROKEN


def test_removed_page_without_redirect_fails_the_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = repo / "doc" / "source"
    (src / "user/upload.rst").unlink()
    edit(src / "user/index.rst", "   upload\n", "")
    commit_all(repo, "drop the upload page")

    status, out, _err = run_diff(repo, capsys, "HEAD~1")

    assert status == 1
    assert "  removed   user/upload  \"Upload an image\"\n" in out
    assert "1 URL(s) break: HEAD~1" in out
    assert "  user/upload.html  (page user/upload; no page to send it to)\n" in out
    assert "admin (guide: Admin guide): no changes\n" in out


def test_hand_written_links_a_patch_breaks_are_listed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A relative .html link to a renamed page breaks; links that still name a page and
    links that were already broken are not the patch's doing."""
    src = repo / "doc" / "source"
    with (src / "user/upload.rst").open("a", encoding="utf-8") as page:
        page.write("\nShare it (`sharing <share.html#how>`_), mind the `cache "
                   "<../admin/cache.html>`_ and the `old page <gone.html>`_.\n")
    commit_all(repo, "hand-written links")
    git(repo, "mv", "doc/source/user/share.rst", "doc/source/user/sharing.rst")
    edit(src / "user/index.rst", "   share\n", "   sharing\n")
    commit_all(repo, "rename share")

    status, out, _err = run_diff(repo, capsys, "HEAD~1")

    assert status == 1
    assert ("1 link(s) break: they name no page of working tree (link the page with :doc:, or fix "
            "the path):\n  user/upload.rst:10: share.html#how\n") in out, out
    status, out, _err = run_diff(repo, capsys, "HEAD~1", "--format", "json")
    assert json.loads(out)["broken_links"] == [
        {"source": "user/upload.rst", "line": 10, "uri": "share.html#how",
         "docname": "user/upload"}]


def test_unchanged_site_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run_diff(repo, capsys, "HEAD")
    assert status == 0
    assert "No URL breaks: every old URL is still served or redirected.\n" in out
    assert "user (guide: User guide): no changes\n" in out


def head_manifest_with_redirects(repo: Path, tmp_path: Path, sources: list[str]) -> Path:
    """Build the working tree and add, by hand, a redirect for each old URL in *sources*."""
    result = build_source(repo / "doc" / "source", tmp_path / "head-site")
    assert result.status == 0, result.output
    manifest = result.manifest
    targets = {item["url"]: item["now_at"] or "contributor/index.html"
               for item in EXPECTED_BROKEN}
    manifest["redirects"] = [
        {"from": url, "to": targets[url], "guide": url.split("/", 1)[0]} for url in sources
    ]
    path = tmp_path / "head.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


def test_redirected_old_urls_pass(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reorganise(repo)
    every_url = [item["url"] for item in EXPECTED_BROKEN]
    head = head_manifest_with_redirects(repo, tmp_path, every_url)

    status, out, err = run_diff(repo, capsys, "HEAD", str(head))

    assert status == 0, out + err
    assert "No URL breaks" in out
    assert "  moved     user/share -> user/sharing  (title 100%)\n" in out


def test_one_missing_redirect_fails(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reorganise(repo)
    head = head_manifest_with_redirects(
        repo, tmp_path, [item["url"] for item in EXPECTED_BROKEN[1:]])

    status, out, _err = run_diff(repo, capsys, "HEAD", str(head), "--format", "json")

    assert status == 1
    assert json.loads(out)["broken_urls"] == EXPECTED_BROKEN[:1]


REDIRECT_MAP = """\
# Pages moved by the reorganisation.
user/share   user/sharing
user/quotas  admin/quotas
admin/common/glossary.html  user/common/glossary.html
contributor/tests.html  contributor/index.html
"""


def test_redirect_map_in_the_sources_keeps_old_urls_working(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reorganise(repo)
    redirects = repo / "doc" / "source" / "redirects.txt"
    redirects.write_text(REDIRECT_MAP, encoding="utf-8")

    status, out, err = run_diff(repo, capsys, "HEAD", "--format", "json")
    assert status == 0, err
    assert json.loads(out)["broken_urls"] == []

    redirects.write_text(REDIRECT_MAP.replace("user/share   user/sharing\n", ""),
                         encoding="utf-8")
    status, out, err = run_diff(repo, capsys, "HEAD", "--format", "json")
    assert status == 1, err
    assert json.loads(out)["broken_urls"] == EXPECTED_BROKEN[3:]


def test_base_manifest_from_a_published_site(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = build_source(repo / "doc" / "source", tmp_path / "published")
    reorganise(repo)

    status, out, _err = run_diff(
        repo, capsys, "--base-manifest", str(published.out / "guidebook.json"),
        "--format", "json")

    assert status == 1
    report = json.loads(out)
    assert report["base"] == {"label": str(published.out / "guidebook.json"), "commit": None}
    # No sources on the manifest side: only an identical title pairs pages.
    assert report["moves"] == [
        {"from": "user/share", "to": "user/sharing", "method": "title", "similarity": 1.0}]
    quotas_unpaired = {**EXPECTED_BROKEN[2], "now_at": None}  # its title changed too
    assert report["broken_urls"] == [*EXPECTED_BROKEN[:2], quotas_unpaired,
                                     EXPECTED_BROKEN[3]]


def _column(html: str, guide: str, side: str) -> list[str]:
    section = html.split(f'<section class="guide" id="guide-{guide}">', 1)[1]
    section = section.split("</section>", 1)[0]
    column = section.split(f'<div class="{side}">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li[^>]*>.*?</li>", column)


def _docname(row: str) -> str:
    found = re.search(r"<code>([^<]+)</code>", row)
    assert found is not None, row
    return found[1]


def test_html_report_shows_both_navigations_and_the_moves(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reorganise(repo)
    output = tmp_path / "review.html"

    status, _out, err = run_diff(repo, capsys, "HEAD", "--format", "html",
                                 "--output", str(output))

    assert status == 1
    assert f"report in {output}" in err
    html = output.read_text(encoding="utf-8")
    before = _column(html, "user", "before")
    after = _column(html, "user", "after")
    # Each column follows the guide's navigation (toctree order, not name order).
    assert [_docname(row) for row in before] == [
        "user/index", "user/upload", "user/share", "user/quotas", "common/glossary"]
    assert [_docname(row) for row in after] == [
        "user/index", "user/upload", "user/sharing", "common/glossary"]
    assert before[1] == ('<li style="--depth: 1">Upload an image <code>user/upload</code></li>')
    # The move within the guide: the same badge on both sides, labelled.
    assert before[2] == (
        '<li class="moved broken" data-move="M2" style="--depth: 1">'
        '<span class="badge">M2</span>Share an image <code>user/share</code>'
        '<span class="note">moved to user/sharing</span>'
        '<span class="note">URL breaks: user/share.html</span></li>')
    assert after[2] == (
        '<li class="moved" data-move="M2" style="--depth: 1">'
        '<span class="badge">M2</span>Share an image <code>user/sharing</code>'
        '<span class="note">moved from user/share</span></li>')
    # The move between guides: badge M1 in the user guide's before and admin's after.
    assert 'data-move="M1"' in before[3]
    assert "now in admin" in before[3]
    admin_after = _column(html, "admin", "after")
    assert any('class="added" data-move="M1"' in row and "moved from user/quotas" in row
               for row in admin_after)
    # Text from the sources is escaped.
    assert "Install &amp; configure &lt;the service&gt;" in html
    assert "<the service>" not in html
    assert '<p class="broken"><strong>4 old URL(s) break</strong>' in html


def test_unknown_revision_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_diff(repo, capsys, "no-such-branch")
    assert status == 2
    assert out == ""
    assert err == (f"guidebook diff: error: unknown revision 'no-such-branch' (BASE): no such "
                   f"commit, branch or tag in {repo.resolve()}\n")


def test_first_commit_has_no_previous_revision(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _out, err = run_diff(repo, capsys, "HEAD~1")
    assert status == 2
    assert "unknown revision 'HEAD~1' (BASE)" in err

    status, _out, err = run_diff(repo, capsys, "HEAD~1", "--missing-base-ok")
    assert status == 0
    assert err.startswith("guidebook diff: note: unknown revision 'HEAD~1' (BASE)")
    assert err.endswith("nothing to compare against, no URL can break\n")


def test_revision_without_the_sources_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README").write_text("Image docs.\n", encoding="utf-8")
    git(root, "add", "README")
    git(root, "commit", "-q", "-m", "start")
    shutil.copytree(ROOTS / "test-reorg", root / "doc" / "source")
    commit_all(root, "docs")

    status, _out, err = run_diff(root, capsys, "HEAD~1")

    assert status == 2
    assert err == "guidebook diff: error: HEAD~1: no doc/source/conf.py in that revision\n"
    assert git(root, "worktree", "list").count("\n") == 1


def test_dropped_redirect_breaks_its_url() -> None:
    def manifest(redirects: list[dict[str, str]]) -> Snapshot:
        data = {"guides": [{"name": "user", "pages": [
            {"docname": "user/index", "url": "user/index.html"}]}],
            "redirects": redirects}
        return Snapshot("side", None, Manifest.from_json(data, "test"))

    old = [{"from": "/user/old.html", "to": "user/index.html", "guide": "user"}]
    diff = compare(manifest(old), manifest([]))
    assert [(b.url, b.docname, b.now_at) for b in diff.broken] == [
        ("user/old.html", None, "user/index.html")]
    assert compare(manifest(old), manifest(old)).ok


def test_manifest_that_is_not_one(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"guides": [{"name": "user", "pages": [{"docname": "x"}]}]}',
                   encoding="utf-8")
    status, _out, err = run_diff(repo, capsys, "--base-manifest", str(bad))
    assert status == 2
    assert err == (f"guidebook diff: error: {bad}: guides[0].pages[0]: \"url\" must be a "
                   "non-empty string\n")


def test_suggested_redirects_mend_every_url_with_a_page_to_go_to(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reorganise(repo)
    status, _out, err = run_diff(repo, capsys, "HEAD", "--suggest-redirects")
    assert status == 1
    assert "guidebook diff: 3 redirect(s) appended to " in err
    for line in ("  admin/common/glossary.html common/glossary  (same page)",
                 "  user/quotas.html admin/quotas  (similarity)",
                 "  user/share.html user/sharing  (git)",
                 "1 old URL(s) with no page to go to (decide each: a redirect line by hand, "
                 "or let it go):",
                 "  contributor/tests.html  (contributor/tests \"Running the "
                 "tests\")"):
        assert line in err.splitlines()
    status, out, _err = run_diff(repo, capsys, "HEAD")
    assert status == 1
    assert "1 URL(s) break" in out
    assert "contributor/tests.html" in out
    # Suggesting again adds nothing: the map has those URLs already.
    status, _out, err = run_diff(repo, capsys, "HEAD", "--suggest-redirects")
    assert "guidebook diff: 0 redirect(s) appended" in err
