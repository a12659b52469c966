"""Adopting guidebook in the plain Sphinx tree of ``plain-site/``: init, build, review."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guidebook.cli import main
from tests.conftest import build_source

PLAIN = Path(__file__).parent / "plain-site"
GUIDES = ("user", "operator", "admin", "contributor")
#: The lines ``guidebook init`` appends to the tree's conf.py (the adoption's whole cost).
CONF_LINES_ADDED = 36


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
         *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    return result.stdout


def plain_docnames() -> set[str]:
    return {path.relative_to(PLAIN).with_suffix("").as_posix() for path in PLAIN.rglob("*.rst")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository root holding a copy of the plain tree in doc/source."""
    root = tmp_path / "project"
    shutil.copytree(PLAIN, root / "doc" / "source")
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_dry_run_prints_the_plan_and_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = project / "doc" / "source" / "conf.py"
    before = conf.read_bytes()
    status, out, err = run(capsys, "init", str(project), "--dry-run")
    assert status == 0, err
    assert conf.read_bytes() == before
    assert ("guide operator: its pages in install/, rooted at the top-level index (its "
            "toctree reaches install/index; each guide shows it pruned to the guide's "
            "pages)") in out
    assert "folder configuration/: operator (its name)" in out
    assert "folder cli/: admin, operator (a command reference)" in out
    assert "every page is in at least one guide" in out
    assert '    "configuration/": "operator",' in out
    assert "Dry run: nothing was changed." in out
    assert "guidebook_htaccess_not_found" not in out
    # A repository whose docs job tests the redirects with whereto (OpenStack's) gets no
    # ErrorDocument line in .htaccess: whereto reads Redirect lines only.
    (project / "tox.ini").write_text(
        "[testenv:docs]\ncommands =\n  sphinx-build -W -b html doc/source doc/build/html\n"
        "  whereto doc/build/html/.htaccess doc/test/redirect-tests.txt\n")
    status, out, err = run(capsys, "init", str(project), "--dry-run")
    assert status == 0, err
    assert "\nguidebook_htaccess_not_found = False\n" in out


def test_init_then_strict_build_puts_every_page_in_a_guide(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "doc" / "source"
    before = (source / "conf.py").read_text()
    pages_before = {p: p.read_bytes() for p in source.rglob("*.rst")}
    status, out, err = run(capsys, "init", str(project))
    assert status == 0, err
    after = (source / "conf.py").read_text()
    assert after.startswith(before)  # appended, nothing rewritten
    added = after[len(before):].strip("\n").splitlines()
    assert len(added) == CONF_LINES_ADDED
    assert f"Appended {CONF_LINES_ADDED} lines" in out
    assert {p: p.read_bytes() for p in source.rglob("*.rst")} == pages_before  # no page edit

    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    guides = {part["name"]: {page["docname"] for page in part["pages"]}
              for part in result.manifest["guides"]}
    assert tuple(guides) == GUIDES
    assert set().union(*guides.values()) == plain_docnames()
    assert "configuration/logging" in guides["operator"]
    assert "configuration/logging" not in guides["user"] | guides["admin"]
    assert "cli/glimmer-manage" in guides["admin"] & guides["operator"]
    assert "glossary" in guides["user"] & guides["contributor"]
    assert "Upload an" in result.html("user", "user/upload")
    # Each guide is rooted at the top-level index: its navigation is the tree's own,
    # pruned to the guide, and reaches every page of the guide.
    for part in result.manifest["guides"]:
        assert part["root"] == "index"
        assert {entry["docname"] for entry in part["nav"]} == guides[part["name"]]
    operator_nav = [entry["docname"] for entry in result.manifest["guides"][1]["nav"]]
    assert operator_nav[:3] == ["index", "install/index", "install/overview"]
    assert "configuration/logging" in operator_nav
    # A second init refuses: the settings are there.
    status, _out, err = run(capsys, "init", str(project))
    assert status == 2
    assert "guidebook is already set up here" in err


def test_options_replace_the_proposal(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "init", str(project / "doc" / "source"), "--dry-run",
                           "--guide", "operator=configuration/index",
                           "--folder", "install/=operator, admin")
    assert status == 0, err
    assert '"root": "configuration/index",' in out
    assert '    "install/": "operator, admin",' in out
    assert '"configuration/"' not in out  # now a guide's home
    status, out, err = run(capsys, "init", str(project), "--dry-run", "--folder-roots")
    assert status == 0, err
    assert "guide operator: rooted at install/index (folder install/)" in out
    assert '"root": "user/index",' in out
    status, _out, err = run(capsys, "init", str(project), "--dry-run",
                            "--folder", "cli/=wizards")
    assert status == 2
    assert "guidebook_folder_audiences['cli/']: unknown audience 'wizards'" in err


def test_folder_roots_build_strictly_with_the_portal_for_the_top_index(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each guide rooted in its folder publishes its root at <guide>/index.html: the
    # top-level index cannot join the guides there (it would take that URL), and the
    # portal stands in for it.
    status, out, err = run(capsys, "init", str(project), "--folder-roots")
    assert status == 0, err
    assert "index itself: no guide (the portal replaces it)" in out
    conf = (project / "doc" / "source" / "conf.py").read_text(encoding="utf-8")
    assert '    "glossary": "*",' in conf
    assert '    "*": "*",' not in conf
    result = build_source(project / "doc" / "source", tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    published = {page["docname"] for part in result.manifest["guides"]
                 for page in part["pages"]}
    assert published == plain_docnames() - {"index"}
    assert "glossary" in {page["docname"] for page in result.manifest["guides"][0]["pages"]}


def test_new_site_leaves_out_the_skeletons_bytecode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # pip compiles every .py file it installs, the skeleton's conf.py among them.
    # (guidebook.init exports the function scaffold, which hides the module's name.)
    scaffold_module = importlib.import_module("guidebook.init.scaffold")
    skeleton = tmp_path / "skeleton"
    shutil.copytree(scaffold_module.SKELETON, skeleton,
                    ignore=shutil.ignore_patterns("__pycache__"))
    cache = skeleton / "doc" / "source" / "__pycache__"
    cache.mkdir()
    (cache / "conf.cpython-311.pyc").write_bytes(b"\xa7\r\r\n\x00\x00\x00\x00")
    monkeypatch.setattr(scaffold_module, "SKELETON", skeleton)
    site = tmp_path / "new-site"
    status, out, err = run(capsys, "init", str(site))
    assert status == 0, err
    assert "__pycache__" not in out
    assert not list(site.rglob("__pycache__"))
    assert (site / "doc" / "source" / "conf.py").is_file()


def test_new_site_in_an_empty_folder_builds_strictly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "new-site"
    status, out, err = run(capsys, "init", str(site))
    assert "Made it a git repository with one commit" in out
    assert status == 0, err
    for name in ("doc/source/conf.py", "doc/source/api-ref/openapi.yaml", "tox.ini",
                 "doc/requirements.txt", ".pre-commit-config.yaml", "releasenotes/config.yaml"):
        assert (site / name).is_file(), name
    assert len(list((site / "releasenotes" / "notes").glob("first-note-*.yaml"))) == 1
    result = build_source(site / "doc" / "source", tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert [part["name"] for part in result.manifest["guides"]] == list(GUIDES)
    # The starter spec's operations are paged by tag, below the API reference's folder.
    api_ref = next(part for part in result.manifest["parts"] if part["name"] == "api-ref")
    assert "api-ref/operations/items" in [page["docname"] for page in api_ref["pages"]]
    assert "/v1/items" in result.html("api-ref", "api-ref/operations/items")
    assert (site / ".gitignore").read_text(encoding="utf-8").splitlines() == [
        "doc/build/", "doc/source/api-ref/operations/", "doc/source/releasenotes/series/",
    ]
    assert "The first documentation of New Site" in (
        result.html("user", "user/whats-new"))
    # A folder that is not empty and has no conf.py: refused, nothing written.
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n")
    status, _out, err = run(capsys, "init", str(other))
    assert status == 2
    assert "it is not empty" in err
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def test_review_from_the_plain_revision_ends_with_zero_broken_urls(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "doc" / "source"
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "plain Sphinx")
    assert run(capsys, "init", str(project))[0] == 0
    # The reorganisation: statuses move to the user guide, releasing is dropped.
    git(project, "mv", "doc/source/reference/statuses.rst", "doc/source/user/statuses.rst")
    for index, old, new in (("reference/index.rst", "   statuses\n", ""),
                            ("user/index.rst", "   properties\n", "   properties\n   statuses\n"),
                            ("contributor/index.rst", "   releasing\n", "")):
        path = source / index
        path.write_text(path.read_text().replace(old, new))
    (source / "contributor" / "releasing.rst").unlink()
    assert build_source(source, tmp_path / "out", strict=True).status == 0

    status, out, err = run(capsys, "diff", "HEAD", "--suggest-redirects", "--source", str(source))
    assert status == 1, err
    assert "reference/statuses.html                  broken     -> user/statuses.html" in out
    # A guide rooted at the top-level index still owns the folder named like it: its
    # pages keep their URL (user/share.html, not user/user/share.html).
    assert "user/share.html                          served     -> user/share.html" in out
    assert "admin/backups.html                       served     -> admin/backups.html" in out
    assert "  reference/statuses.html user/statuses  (git)" in err
    assert "  install/verify.html install/verify  (same page)" in err
    assert ("1 old URL(s) with no page to go to (decide each: a redirect line by hand, or let "
            "it go):\n  contributor/releasing.html  (contributor/releasing \"Releasing\")") in err
    redirects = (source / "redirects.txt").read_text()
    # 38 old URLs: the portal, the pages of the user, admin and contributor folders
    # (each now its guide's own) and those folders' index URLs (which now show the
    # top-level index in those guides) are still served; one has no page: a comment
    # of 2 lines, then one line for each of the other 21.
    assert redirects.count("\n") == 2 + 21
    # A person decides the one left, then the review is clean.
    with (source / "redirects.txt").open("a") as stream:
        stream.write("contributor/releasing.html contributor/index\n")
    status, out, err = run(capsys, "diff", "HEAD", "--source", str(source))
    assert status == 0, out + err
    assert "No URL breaks: every old URL is still served or redirected." in out
    assert "user/index.html: user/index is now at user/user/index.html" in out

    # The same review against the published plain site's objects.inv.
    plain_out = tmp_path / "plain-html"
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(PLAIN),
                    str(plain_out)],
                   check=True, capture_output=True)
    status, out, err = run(capsys, "diff", str(plain_out / "objects.inv"),
                           "--source", str(source))
    assert status == 0, out + err
    assert "Every URL of the plain site (38)" in out


def test_pages_no_guide_holds_are_named_in_the_plan() -> None:
    from guidebook.init import describe
    from guidebook.init.plan import propose, read_tree

    plan = propose(read_tree(PLAIN), folder_roots=True)
    assert plan.homeless() == []
    del plan.folders["reference/"]
    assert plan.homeless() == ["reference/api", "reference/index", "reference/limits",
                               "reference/statuses"]
    text = describe(plan)
    assert ("  4 page(s) in no guide (give each an ':audience:' field or a --folder entry):\n"
            "    reference/api\n    reference/index\n") in text


def test_reno_notes_get_the_release_notes_part_and_whats_new(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = project / "releasenotes" / "notes"
    notes.mkdir(parents=True)
    (notes / "hourly-prune-0a1b2c3d4e5f6a7b.yaml").write_text(
        "---\nfeatures:\n  - The image cache is pruned every hour.\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "plain Sphinx with reno notes")
    status, out, err = run(capsys, "init", str(project))
    assert status == 0, err
    assert ("release notes: 1 reno note(s) in releasenotes/notes/: the part releasenotes "
            "(releasenotes/index.rst, new)") in out
    source = project / "doc" / "source"
    assert f"Wrote {source / 'releasenotes/index'}.rst" in out
    assert '    "releasenotes": {' in (source / "conf.py").read_text()
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert [part["name"] for part in result.manifest["parts"]] == ["releasenotes"]
    assert "pruned every hour" in result.html("releasenotes", "releasenotes/series/unreleased")
    for guide in ("user", "operator", "admin"):
        assert "pruned every hour" in result.html(guide, "whats-new"), guide


def test_the_folder_sphinxcontrib_apidoc_writes_into_gets_a_guide(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """keystone's ``apidoc_output_dir = 'api'``: the folder is empty when init reads the tree
    and holds hundreds of pages after the first build, each in no guide before."""
    source = project / "doc" / "source"
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + "\napidoc_output_dir = 'code/api'\n")
    status, out, err = run(capsys, "init", str(project))
    assert status == 0, err
    assert ("  folder code/api/: contributor (sphinxcontrib-apidoc writes the code's API pages "
            "there when the docs are built: apidoc_output_dir)") in out
    assert '    "code/api/": "contributor",' in conf.read_text()
    # What sphinxcontrib-apidoc would write at the first build.
    (source / "code" / "api").mkdir(parents=True)
    (source / "code" / "api" / "modules.rst").write_text(
        ":orphan:\n\nglance\n======\n\nThe modules of the code.\n")
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    assert result.exists("contributor", "code/api/modules")
    assert not any(result.exists(guide, "code/api/modules") for guide in GUIDES[:3])
