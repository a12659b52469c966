"""The site checks under every theme the project promises, read in Chromium.

The marker site (tests/e2e/roots/test-site, see test_marker_site.py) is built once per
theme, ``openstackdocs``, ``sphinx_rtd_theme`` and ``alabaster``: each guide's search finds
its own words and no other guide's; every page of a crawl loads without a console error or
a failed request (the theme's and its extensions' assets come from the one ``_static/`` at
the site root, whatever the page's depth); the portal and the switcher lead where they say;
a missing URL gets the themed 404 page. The flagship is searched under
``sphinx_rtd_theme`` too (under openstackdocs in test_flagship.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    FLAGSHIP_SOURCE,
    Reader,
    ServedSite,
    search_results,
    served_build,
    wait_for_search,
)
from tests.e2e.crawl import crawl_site
from tests.e2e.test_flagship import check_audience_search
from tests.e2e.test_marker_site import MARKER_SEARCHES


def test_one_static_folder_for_the_whole_site(themed_site: ServedSite) -> None:
    out = themed_site.build.out
    assert (out / "_static").is_dir()
    assert sorted(path.relative_to(out).as_posix() for path in out.rglob("_static")) == [
        "_static"]


def test_each_guides_search_finds_its_own_words_only(reader: Reader,
                                                     themed_site: ServedSite) -> None:
    for guide, word, expected in MARKER_SEARCHES:
        assert search_results(reader, themed_site, guide, word=word) == expected, (guide, word)
    assert reader.problems() == []


def test_every_crawled_page_loads_without_errors(reader: Reader,
                                                 themed_site: ServedSite) -> None:
    start = [themed_site.portal] + [urljoin(themed_site.url, page["url"])
                                    for part in themed_site.parts for page in part["pages"]]
    crawl = crawl_site(themed_site.url, start)
    assert not crawl.broken, "\n".join(crawl.broken)
    assert len(crawl.pages) >= len(start)
    for url in sorted(crawl.pages):
        reader.open(url)
        if url.endswith("/search.html"):
            reader.open(url + "?q=paragraph")
            wait_for_search(reader.page)
    assert reader.problems() == []


def test_portal_and_switcher_lead_where_they_say(reader: Reader,
                                                 themed_site: ServedSite) -> None:
    for guide in themed_site.guides:
        page = reader.open(themed_site.portal)
        page.locator(f".guidebook-portal-guide[data-guide={guide['name']}] a").click()
        page.wait_for_load_state("load")
        assert page.url == urljoin(themed_site.url, f"{guide['name']}/index.html")
        assert page.url == themed_site.page_url(guide["name"], guide["root"])
    page = reader.open(themed_site.page_url("user", "common/statuses"))
    page.locator("nav.guidebook-switcher a[data-guide=admin]").click()
    page.wait_for_url(themed_site.page_url("admin", "common/statuses"))
    page.locator(".guidebook-guidebar-portal").click()
    page.wait_for_url(themed_site.portal)
    assert reader.problems() == []


def test_a_missing_url_gets_the_themed_not_found_page(reader: Reader,
                                                      themed_site: ServedSite) -> None:
    missing = urljoin(themed_site.url, "user/no/such/page.html")
    response = reader.page.goto(missing, wait_until="load")
    assert response is not None and response.status == 404
    page = reader.page
    assert page.locator(".guidebook-not-found h1").inner_text() == "Page not found"
    hrefs = page.eval_on_selector_all(".guidebook-not-found a", "a => a.map(l => l.href)")
    assert set(hrefs) == {themed_site.portal} | {
        urljoin(themed_site.url, part["url"]) for part in themed_site.parts}
    # Only the page itself answered 404 (which Chromium also logs, naming no URL): every
    # stylesheet, script and image loaded.
    assert sorted(reader.problems()) == sorted([
        f"{missing}: console error: Failed to load resource: the server responded with a "
        "status of 404 (Not Found)",
        f"about:blank: {missing}: HTTP 404",  # answered before the tab held the page
    ])
    page.locator(".guidebook-not-found-portal").click()
    page.wait_for_url(themed_site.portal)


# -- the flagship under sphinx_rtd_theme -------------------------------------------------------


@pytest.fixture(scope="module")
def flagship_rtd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    out = tmp_path_factory.mktemp("flagship-rtd") / "html"
    yield from served_build(FLAGSHIP_SOURCE, out, ARTIFACTS / "flagship-rtd-build.log",
                       overrides={"html_theme": "sphinx_rtd_theme"})


@pytest.mark.parametrize(("audience", "others"),
                         [("operator", ("admin", "user")), ("admin", ("operator", "user"))])
def test_flagship_search_under_sphinx_rtd_theme(reader: Reader, flagship_rtd: ServedSite,
                                                audience: str, others: tuple[str, ...]) -> None:
    check_audience_search(reader, flagship_rtd, audience, others)
