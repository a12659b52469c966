"""A translated versioned site: ``guidebook build --versions`` with ``guidebook_languages``.

The repository of ``tests/versions_repo.py``, translated into Japanese from 2026.2 on:
2026.1 has no Japanese. Each version is published in each of its languages, and a
Japanese page's version switcher stays in Japanese, leading to the original (and saying
so) only in the version without Japanese.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_versions import build, switcher_links
from tests.versions_repo import make_repo


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("versions-ja")
    source = make_repo(root / "repo", translated=True)
    status, output = build(source, root / "out", strict=True)
    assert status == 0, output
    return root / "out"


def _html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_each_version_is_published_in_each_of_its_languages(site: Path) -> None:
    versions = {entry["name"]: entry for entry in json.loads(_html(site, "versions.json"))}
    assert "languages" not in versions["2026.1"]
    assert versions["2026.2"]["languages"] == versions["2026.3"]["languages"] == ["ja"]
    assert not (site / "2026.1" / "ja").exists()
    for folder in ("2026.2", "2026.3", "latest"):
        page = _html(site, f"{folder}/ja/user/images.html")
        assert 'lang="ja"' in page and "<h1>イメージのアップロード" in page, folder
    assert "<h1>Uploading images" in _html(site, "2026.3/user/images.html")


def test_a_translated_pages_switcher_stays_in_its_language(site: Path) -> None:
    links = switcher_links(_html(site, "2026.3/ja/user/images.html"))
    assert links == {
        # 2026.2 has Japanese: the same page in Japanese.
        "2026.2": ("../../../2026.2/ja/user/images.html", "2026.2"),
        # 2026.1 has none: the page (then user/uploading) in the original, and it says so.
        "2026.1": ("../../../2026.1/user/uploading.html",
                   "2026.1 (not translated in this version: the original)"),
    }
    html = _html(site, "2026.2/ja/user/images.html")
    assert switcher_links(html)["2026.3"] == ("../../../2026.3/ja/user/images.html",
                                              "2026.3 (latest)")
    assert ('this page in the latest version: <a href="../../../2026.3/ja/user/images.html">'
            "イメージのアップロード</a>") in html
    # A page 2026.2 lacks in every language: its guide's root in Japanese.
    quotas = switcher_links(_html(site, "2026.3/ja/user/quotas.html"))
    assert quotas["2026.2"] == ("../../../2026.2/ja/user/index.html",
                                "2026.2 (not in this version: User guide home)")
    assert quotas["2026.1"] == ("../../../2026.1/user/index.html",
                                "2026.1 (not in this version: User guide home)")
    # The original's switcher is the original's.
    original = switcher_links(_html(site, "2026.3/user/images.html"))
    assert original["2026.2"] == ("../../2026.2/user/images.html", "2026.2")


def test_a_languages_portal_lists_each_version_in_its_language(site: Path) -> None:
    portal = _html(site, "2026.3/ja/index.html")
    listed = re.search(r'<section class="guidebook-portal-versions">.*?</section>', portal)
    assert listed is not None
    assert re.findall(r'href="([^"]+)"', listed.group(0)) == [
        "../../2026.1/index.html", "../../2026.2/ja/index.html"]


def test_a_languages_not_found_page_and_redirects_are_in_its_version_folder(
        site: Path) -> None:
    for folder in ("2026.3", "latest"):
        not_found = _html(site, f"{folder}/ja/404.html")
        assert f'href="/{folder}/ja/user/index.html"' in not_found, folder
        assert 'href="/ja/' not in not_found
    htaccess = (site / "2026.3" / "ja" / ".htaccess").read_text(encoding="utf-8")
    assert "ErrorDocument 404 /2026.3/ja/404.html" in htaccess
    assert ("Redirect 301 /2026.3/ja/user/uploading.html /2026.3/ja/user/images.html"
            in htaccess)
    assert "Redirect 301 /latest/ja/user/uploading.html /latest/ja/user/images.html" in \
        (site / "latest" / "ja" / ".htaccess").read_text(encoding="utf-8")
