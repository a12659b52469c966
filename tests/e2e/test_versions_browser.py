"""Versioned sites in Chromium: the three-series repository and the flagship's versions.

A reader clicks the version switcher and the banner, and lands on the same page (or its
new home) in the other version; the portal leads to every version.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest

from guidebook.driver.options import BuildOptions
from guidebook.reorg.snapshot import Repository, find_repository
from guidebook.versions.run import build_versions
from guidebook.versions.trees import cache_dir, work_slot
from tests.e2e.conftest import ARTIFACTS, FLAGSHIP_SOURCE, Reader, screenshot, serve_directory
from tests.e2e.crawl import crawl_site
from tests.versions_repo import THEMES, make_repo


def remove_trees(repo: Repository, out: Path) -> None:
    """Remove the versions' worktrees of *out* from the repository, and the cache with them.

    The worktrees are registered in the repository (``git worktree list``); deleting the
    cache folder alone leaves stale entries until ``git worktree prune``.
    """
    cache = cache_dir(out)
    if cache.is_dir():
        repo.git("worktree", "remove", "--force", str(work_slot(out).tree), check=False)
        shutil.rmtree(cache, ignore_errors=True)
    repo.git("worktree", "prune", check=False)


def _build(source: Path, out: Path, log: Path | None = None) -> None:
    stream = io.StringIO()
    status = build_versions(BuildOptions(source=source, out=out, quiet=True), stderr=stream)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(stream.getvalue(), encoding="utf-8")
    assert status == 0, stream.getvalue()[-4000:]


@pytest.fixture(scope="module", params=sorted(THEMES))
def series_site(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The three-series repository, built with --versions in each theme, and served."""
    root = tmp_path_factory.mktemp(f"versions-e2e-{request.param}")
    _build(make_repo(root / "repo", request.param), root / "out")
    with serve_directory(root / "out") as url:
        yield url


@pytest.fixture(scope="module")
def flagship_versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The flagship's versions (guidebook_versions in doc/source/conf.py), built and served."""
    out = tmp_path_factory.mktemp("flagship-versions") / "html"
    try:
        _build(FLAGSHIP_SOURCE, out, ARTIFACTS / "flagship-versions-build.log")
        with serve_directory(out) as url:
            yield url, out
    finally:
        remove_trees(find_repository(FLAGSHIP_SOURCE), out)


def click_version(reader: Reader, version: str) -> None:
    with reader.page.expect_navigation():
        reader.page.click(f'nav.guidebook-versions a[data-version="{version}"]')


def theme_of(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["series_site"])


def test_switcher_leads_to_the_moved_page(reader: Reader, series_site: str,
                                          request: pytest.FixtureRequest) -> None:
    reader.open(urljoin(series_site, "2026.1/user/uploading.html"))
    assert reader.page.inner_text("div.guidebook-version-banner").startswith(
        "You are reading 2026.1; this page in the latest version: Uploading images")
    screenshot(reader.page, f"versions-{theme_of(request)}")
    click_version(reader, "2026.2")
    assert reader.page.url == urljoin(series_site, "2026.2/user/images.html")
    assert reader.page.inner_text("h1").startswith("Uploading images")
    click_version(reader, "2026.3")
    assert reader.page.url == urljoin(series_site, "2026.3/user/images.html")
    assert reader.page.query_selector("div.guidebook-version-banner") is None
    assert reader.page.inner_text("li.guidebook-versions-current") == "2026.3 (latest)"
    # And back to the old name, git's rename followed the other way.
    click_version(reader, "2026.1")
    assert reader.page.url == urljoin(series_site, "2026.1/user/uploading.html")
    assert reader.problems() == []


def test_banner_leads_to_the_latest(reader: Reader, series_site: str) -> None:
    reader.open(urljoin(series_site, "2026.2/operator/tuning.html"))
    with reader.page.expect_navigation():
        reader.page.click("div.guidebook-version-banner a")
    assert reader.page.url == urljoin(series_site, "2026.3/operator/performance.html")
    assert reader.page.inner_text("h1").startswith("Tuning the image service")


def test_a_page_missing_there_leads_to_the_guide_root_and_says_so(
    reader: Reader, series_site: str
) -> None:
    reader.open(urljoin(series_site, "2026.1/user/legacy.html"))
    link = reader.page.locator('nav.guidebook-versions a[data-version="2026.3"]')
    assert link.inner_text() == "2026.3 (latest) (not in this version: User guide home)"
    click_version(reader, "2026.3")
    assert reader.page.url == urljoin(series_site, "2026.3/user/index.html")


def test_portal_and_latest_lead_to_every_version(reader: Reader, series_site: str) -> None:
    reader.open(series_site)
    versions = reader.page.locator(".guidebook-portal-versions a")
    assert versions.all_inner_texts() == ["2026.1", "2026.2"]
    with reader.page.expect_navigation():
        reader.page.click('.guidebook-portal-guide[data-guide="user"] a')
    assert reader.page.url == urljoin(series_site, "latest/user/index.html")
    click_version(reader, "2026.1")
    assert reader.page.url == urljoin(series_site, "2026.1/user/index.html")
    reader.open(series_site)
    with reader.page.expect_navigation():
        reader.page.click('.guidebook-portal-versions a[data-version="2026.1"]')
    assert reader.page.url == urljoin(series_site, "2026.1/index.html")
    assert reader.problems() == []


def test_flagship_versions_switch_and_carry_banners(
    reader: Reader, flagship_versions: tuple[str, Path]
) -> None:
    url, out = flagship_versions
    versions = json.loads((out / "versions.json").read_text())
    assert len(versions) >= 2
    oldest, latest = versions[0], next(v for v in versions if v["latest"])
    manifest = json.loads((out / oldest["name"] / "guidebook.json").read_text())
    guide = manifest["guides"][0]
    first = next(p for p in guide["pages"] if p["docname"] != guide["root"])
    reader.open(urljoin(url, oldest["url"] + first["url"]))
    banner = reader.page.inner_text("div.guidebook-version-banner")
    assert banner.startswith(f"You are reading {oldest['name']}; ")
    screenshot(reader.page, "versions-flagship-old")
    click_version(reader, latest["name"])
    assert reader.page.url.startswith(urljoin(url, latest["url"]))
    assert reader.page.query_selector("div.guidebook-version-banner") is None
    screenshot(reader.page, "versions-flagship-latest")
    reader.open(url)
    screenshot(reader.page, "versions-flagship-portal")
    assert reader.problems() == []


def test_flagship_versions_have_no_broken_local_link(flagship_versions: tuple[str, Path]) -> None:
    url, out = flagship_versions
    names = [v["name"] for v in json.loads((out / "versions.json").read_text())]
    crawl = crawl_site(url, [url, *(urljoin(url, f"{name}/index.html") for name in names)])
    assert not crawl.broken, "broken local links:\n" + "\n".join(crawl.broken)
    switched = [page for page in crawl.pages if re.search(r"/\d{4}\.\d/", page)]
    assert len(switched) > 100
