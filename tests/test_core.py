"""The core engine: one read, one site per guide, audience blocks kept in their guides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Builder, build_source

GUIDES = ("user", "operator", "admin", "contributor")
_NAV_LINK = re.compile(r'class="toctree-l\d[^"]*"><a class="[^"]*" href="([^"]*)">([^<]*)</a>')


def nav_titles(html: str) -> list[str]:
    """Every toctree entry on the page (sidebar and in-page toctrees)."""
    return [title for _href, title in _NAV_LINK.findall(html)]


def guide_files(out: Path, guide: str) -> list[Path]:
    return [path for path in (out / guide).rglob("*") if path.is_file()]


def test_audience_block_reaches_only_its_guide(build_root: Builder) -> None:
    result = build_root("audiences")
    assert result.status == 0, result.output
    assert "zebrafinch streaming" in result.html("contributor", "user/upload")
    index = result.searchindex("contributor")
    assert "zebrafinch" in {**index["terms"], **index["titleterms"]}
    assert any("zebrafinch-streaming" in line for line in result.inventory("contributor"))
    assert "Zebrafinch internals" in nav_titles(result.html("contributor", "user/upload"))
    for guide in ("user", "operator", "admin"):
        for path in guide_files(result.out, guide):
            if path.suffix in (".html", ".js", ".txt", ".json"):
                assert "zebrafinch" not in path.read_text(encoding="utf-8").lower(), path
        assert not any("zebrafinch" in line for line in result.inventory(guide))


def test_shared_page_written_into_each_of_its_guides(build_root: Builder) -> None:
    result = build_root("audiences")
    for guide, root in (("user", "user/index"), ("operator", "admin/index")):
        assert result.exists(guide, "common/statuses")
        assert "Image statuses" in nav_titles(result.html(guide, root))
    assert not result.exists("admin", "common/statuses")
    assert not result.exists("contributor", "common/statuses")
    # The nested operator-only list item and section reach operators only.
    assert "pelicanword" in result.html("operator", "common/statuses")
    assert "pelicanword" not in result.html("user", "common/statuses")


def test_toctree_entry_outside_the_guide_is_dropped(build_root: Builder) -> None:
    result = build_root("audiences")
    user_nav = nav_titles(result.html("user", "user/index"))
    assert "Upload an image" in user_nav
    assert "Internals" not in user_nav  # contributor/internals is not a user page
    assert "Internals" in nav_titles(result.html("contributor", "contributor/index"))


def test_heading_inside_audience_block_absent_from_other_navigation(build_root: Builder) -> None:
    result = build_root("audiences")
    assert "Storage cleanup" in nav_titles(result.html("operator", "common/statuses"))
    for page in ("user/index", "user/upload", "common/statuses"):
        assert "Storage cleanup" not in nav_titles(result.html("user", page))
    assert "Storage cleanup" not in result.searchindex("user")["alltitles"]
    assert "Storage cleanup" in result.searchindex("operator")["alltitles"]


def test_reference_to_page_outside_guide_links_into_a_guide_that_has_it(
    build_root: Builder,
) -> None:
    result = build_root("audiences")
    html = result.html("user", "user/upload")
    assert 'href="../contributor/internals.html"' in html
    assert 'href="../operator/deploy.html"' in html
    assert (result.out / "contributor/internals.html").is_file()


def test_audience_switcher_links_the_same_page_in_other_guides(build_root: Builder) -> None:
    result = build_root("audiences")
    html = result.html("operator", "common/statuses")
    assert 'href="../../user/common/statuses.html" data-guide="user"' in html
    assert 'aria-current="page">Operator guide' in html
    # A page of one guide offers every other guide, at its home when nothing closer exists.
    internals = result.html("contributor", "contributor/internals")
    assert '<span class="guidebook-switcher-label">Other guides: </span>' in internals
    assert 'href="../user/index.html" data-guide="user" data-match="home"' in internals


def test_portal_and_manifest(build_root: Builder) -> None:
    result = build_root("audiences")
    portal = (result.out / "index.html").read_text(encoding="utf-8")
    for guide in GUIDES:
        assert f'data-guide="{guide}"' in portal
    assert 'href="operator/index.html"' in portal
    manifest = result.manifest
    assert [g["name"] for g in manifest["guides"]] == list(GUIDES)
    user = manifest["guides"][0]
    assert user["root"] == "user/index" and user["url"] == "user/index.html"
    assert {p["docname"] for p in user["pages"]} == {"user/index", "user/upload", "common/statuses"}
    page = next(p for p in user["pages"] if p["docname"] == "common/statuses")
    assert page == {
        "docname": "common/statuses",
        "source": "common/statuses.rst",
        "title": "Image statuses",
        "url": "user/common/statuses.html",
        "audiences": ["user", "operator"],
        "page_type": None,
    }
    assert manifest["redirects"] == []
    assert user["nav"] == [
        {"docname": "user/index", "depth": 0},
        {"docname": "user/upload", "depth": 1},
        {"docname": "common/statuses", "depth": 1},
    ]


def test_search_index_and_general_index_hold_only_the_guide(build_root: Builder) -> None:
    result = build_root("audiences")
    # Each page is named by its path in the guide (guidebook.urls), as search links it.
    assert set(result.searchindex("user")["docnames"]) == {
        "index", "upload", "common/statuses"}
    assert "retry upload" in result.searchindex("user")["indexentries"]
    assert "retry upload" not in result.searchindex("operator")["indexentries"]
    assert "retry upload" in (result.out / "user/genindex.html").read_text()
    assert "retry upload" not in (result.out / "operator/genindex.html").read_text()
    assert any(line.startswith("wsgi std:term") for line in result.inventory("admin"))
    assert not any(line.startswith("wsgi std:term") for line in result.inventory("user"))


def test_unknown_audience_and_missing_audience_warn_with_location(build_root: Builder) -> None:
    result = build_root("badaudience")
    src = result.source
    warnings = result.warnings()
    assert (
        f"{src}/user/bad.rst:4: WARNING: unknown audience 'wizards' "
        "(known: user, operator) [guidebook.audience-unknown]"
    ) in warnings
    assert (
        f"{src}/admin/index.rst:4: WARNING: audience directive: no audience given "
        "[guidebook.audience-empty]"
    ) in warnings
    assert (
        f"{src}/admin/index.rst:8: WARNING: audience block for user can never be shown: "
        "the page is only in operator [guidebook.audience-block-dead]"
    ) in warnings
    assert (
        f"{src}/notes.rst:1: WARNING: page is outside every guide's folder and has no "
        "':audience:' field (add one at the top of the file, e.g. ':audience: user, "
        "operator', or map its folder in guidebook_folder_audiences) "
        "[guidebook.page-no-audience]"
    ) in warnings
    assert "Traceback" not in result.output


def test_strict_turns_audience_warnings_into_a_failed_build(build_root: Builder) -> None:
    result = build_root("badaudience", strict=True)
    assert result.status == 1
    assert not (result.out / "index.html").exists()


def test_failed_build_leaves_previous_site_in_place(
    copy_root: object, tmp_path: Path
) -> None:
    from tests.conftest import ROOTS

    source = tmp_path / "site"
    import shutil

    shutil.copytree(ROOTS / "test-audiences", source)
    out = tmp_path / "published"
    first = build_source(source, out, strict=True)
    assert first.status == 0, first.output
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (source / "user" / "upload.rst").write_text(
        (source / "user" / "upload.rst").read_text() + "\n.. audience:: nobody\n\n   x\n"
    )
    second = build_source(source, out, strict=True)
    assert second.status == 1
    assert "the published site in" in second.output
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".published.staging*"))


@pytest.mark.parametrize("theme", ["openstackdocs", "sphinx_rtd_theme"])
def test_both_themes_build_strict(build_root: Builder, theme: str) -> None:
    extensions = ["guidebook"] + (["openstackdocstheme"] if theme == "openstackdocs" else [])
    result = build_root("audiences", strict=True,
                        overrides={"html_theme": theme, "extensions": extensions})
    assert result.status == 0, result.output
    html = result.html("operator", "common/statuses")
    assert "pelicanword" in html
    nav = nav_titles(html)
    assert "Storage cleanup" in nav and "Deploy the service" in nav
    assert "Storage cleanup" not in nav_titles(result.html("user", "common/statuses"))


def test_guide_bar_names_the_guide_and_links_its_own_search(build_root: Builder) -> None:
    result = build_root("audiences")
    html = result.html("operator", "common/statuses")
    assert '<span class="guidebook-guidebar-title">Operator guide</span>' in html
    assert 'href="../search.html">Search this guide</a>' in html
    assert 'href="../../index.html">All guides</a>' in html
    assert (result.out / "operator" / "search.html").is_file()


def test_incremental_build_drops_a_page_that_left_a_guide(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import ROOTS

    source = tmp_path / "site"
    shutil.copytree(ROOTS / "test-audiences", source)
    out = tmp_path / "out"
    assert build_source(source, out, strict=True).status == 0
    assert (out / "operator/common/statuses.html").is_file()
    statuses = source / "common" / "statuses.rst"
    text = statuses.read_text().replace(":audience: user, operator", ":audience: user")
    statuses.write_text(text.replace(".. audience:: operator", ".. audience:: user", 2))
    second = build_source(source, out)
    assert second.status == 0, second.output
    assert not (out / "operator/common/statuses.html").exists()
    assert "Image statuses" not in nav_titles((out / "operator/index.html").read_text())
    operator = next(g for g in second.manifest["guides"] if g["name"] == "operator")
    assert "common/statuses" not in {p["docname"] for p in operator["pages"]}
    assert "common/statuses" not in second.searchindex("operator")["docnames"]


def _mtimes(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}


def test_body_edit_rewrites_only_that_page_and_a_title_edit_the_navigation(
    tmp_path: Path,
) -> None:
    import shutil

    from tests.conftest import ROOTS

    source = tmp_path / "site"
    shutil.copytree(ROOTS / "test-audiences", source)
    out = tmp_path / "out"
    assert build_source(source, out, strict=True).status == 0
    # A build with nothing to write keeps what the next one compares against (it once
    # dropped it, and the edit below rewrote every toctree parent and navigation).
    assert build_source(source, out, strict=True).status == 0
    before = _mtimes(out)
    upload = source / "user" / "upload.rst"
    upload.write_text(upload.read_text().replace("Uploads can be retried.",
                                                 "Uploads can be retried twice."))
    assert build_source(source, out, strict=True).status == 0
    changed = {p.relative_to(out).as_posix() for p, t in _mtimes(out).items()
               if before.get(p) != t}
    assert {"user/upload.html", "contributor/user/upload.html"} <= changed
    # The toctree parents (user/index, contributor/index) show nothing that changed.
    assert not {"user/index.html", "contributor/index.html",
                "user/common/statuses.html", "operator/index.html"} & changed
    assert "retried twice" in (out / "user/upload.html").read_text()

    before = _mtimes(out)
    upload.write_text(upload.read_text().replace("Upload an image\n===============",
                                                 "Send an image\n============="))
    assert build_source(source, out, strict=True).status == 0
    for page in ("user/index.html", "user/common/statuses.html",
                 "contributor/index.html"):
        assert "Send an image" in nav_titles((out / page).read_text()), page
    assert "Upload an image" not in nav_titles((out / "user/index.html").read_text())


def test_page_with_index_entries_can_leave_a_guide(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import ROOTS

    source = tmp_path / "site"
    shutil.copytree(ROOTS / "test-audiences", source)
    out = tmp_path / "out"
    first = build_source(source, out, strict=True)
    assert "retry upload" in first.searchindex("user")["indexentries"]
    statuses = source / "common" / "statuses.rst"
    statuses.write_text(statuses.read_text()
                        .replace(":audience: user, operator", ":audience: operator")
                        .replace(".. audience:: user", ".. audience:: operator"))
    second = build_source(source, out, strict=True)
    assert second.status == 0, second.output
    assert "retry upload" not in second.searchindex("user")["indexentries"]
    assert "retry upload" in second.searchindex("operator")["indexentries"]
    assert "common/statuses" not in second.searchindex("user")["docnames"]


# -- one asset folder for the site ----------------------------------------------------------

_RESOURCE = re.compile(r'<(?:img|script|link)\b[^>]*?(?:src|href)="([^"#?:]+)[^"]*"'
                       r'|<a class="reference download[^"]*"[^>]*? href="([^"#?:]+)')


def test_every_guide_finds_the_one_static_images_downloads_and_extra_files(
    build_root: Builder,
) -> None:
    result = build_root("assets", strict=True)
    assert result.status == 0, result.output
    out = result.out
    for folder in ("_static", "_images", "_downloads"):
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob(folder)) == [folder]
    assert (out / "_static" / "custom.css").is_file()  # html_static_path
    assert (out / "robots.txt").is_file()  # html_extra_path, at the top of the site
    checked = 0
    for part in [*result.manifest["guides"], *result.manifest["parts"]]:
        for page in part["pages"]:
            html = (out / page["url"]).read_text(encoding="utf-8")
            here = (out / page["url"]).parent
            kinds = set()
            for match in _RESOURCE.finditer(html):
                link = match.group(1) or match.group(2)
                target = (here / link).resolve()
                assert target.is_file(), f"{page['url']}: {link} leads nowhere"
                kinds.add(target.relative_to(out.resolve()).parts[0])
                checked += 1
            assert "_static" in kinds, page["url"]
            if page["docname"] in ("user/howto/deep", "common/shared"):
                assert {"_images", "_downloads"} <= kinds, page["url"]
    assert checked > 20


def test_audience_findings_are_worded_once_for_the_build_and_lint() -> None:
    """The build's warnings and lint's GB1xx come from the same pure functions."""
    from guidebook.audiences.model import audience_list_findings, block_findings

    found = list(audience_list_findings("users, wizards", ":audience: field",
                                        ["user", "operator"]))
    assert [(finding.kind, finding.message) for finding in found] == [
        ("audience-unknown",
         "unknown audience 'users' (did you mean 'user'?) (known: user, operator)"),
        ("audience-unknown", "unknown audience 'wizards' (known: user, operator)"),
    ]
    assert [finding.message for finding in audience_list_findings("", "audience directive",
                                                                  ["user"])] == [
        "audience directive: no audience given"]
    assert list(block_findings(["admin"], {"user"}, ["user"])) == []  # shown in user
    assert [finding.kind for finding in block_findings(["admin"], set(), ["user"])] == [
        "audience-block-dead"]
