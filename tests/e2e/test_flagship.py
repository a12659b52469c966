"""The flagship site (doc/source), read in Chromium the way its readers use it."""

from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest
from sphinx.config import Config
from sphinx.util.tags import Tags

from tests.e2e.conftest import (
    FLAGSHIP_SOURCE,
    Reader,
    ServedSite,
    screenshot,
    search_results,
    wait_for_search,
)
from tests.e2e.crawl import Crawl
from tests.e2e.sources import audience_only_words

#: The parts every complete flagship has besides its audience guides.
REQUIRED_PARTS = ("api-ref", "releasenotes")
#: The sidebar of each theme the tests know (the first one on the page is used).
SIDEBARS = (".docs-sidebar", ".sphinxsidebar", ".wy-nav-side", ".bd-sidebar-primary")
#: How many audience-only words of each guide the search test tries.
WORDS_PER_GUIDE = 3


def portal_links(reader: Reader, site: ServedSite) -> set[str]:
    """Every page the portal's own content links to, as absolute URLs."""
    page = reader.open(site.portal)
    links = page.eval_on_selector_all("[role=main] a[href]", "links => links.map(a => a.href)")
    return {str(link) for link in links}


def sidebar_links(reader: Reader) -> list[str]:
    for selector in SIDEBARS:
        if reader.page.query_selector(selector) is not None:
            links = reader.page.eval_on_selector_all(
                f"{selector} a.reference.internal[href]", "links => links.map(a => a.href)")
            return [str(link).split("#", 1)[0] for link in links]
    raise AssertionError(f"{reader.page.url}: no sidebar ({', '.join(SIDEBARS)})")


# -- the portal ------------------------------------------------------------------------------


def test_portal_links_every_part_of_the_manifest(reader: Reader, flagship: ServedSite) -> None:
    links = portal_links(reader, flagship)
    for part in flagship.parts:
        url = urljoin(flagship.url, part["url"])
        assert url in links, f"the portal does not link {part['name']} ({url})"
        reader.open(url)
        assert reader.page.title(), f"{url}: the {part['name']} landing page has no title"
    assert reader.problems() == []


def test_portal_links_api_reference_and_release_notes(
    reader: Reader, flagship: ServedSite
) -> None:
    links = portal_links(reader, flagship)
    for name in REQUIRED_PARTS:
        assert urljoin(flagship.url, flagship.part(name)["url"]) in links, name


# -- navigation --------------------------------------------------------------------------------


def test_each_guides_navigation_lists_only_its_own_pages(
    reader: Reader, flagship: ServedSite
) -> None:
    for part in flagship.parts:
        own = {urljoin(flagship.url, page["url"]) for page in part["pages"]}
        sample = part["pages"][:: max(1, len(part["pages"]) // 4)]
        for url in [part["url"], *(page["url"] for page in sample)]:
            url = urljoin(flagship.url, url)
            reader.open(url)
            targets = set(sidebar_links(reader))
            if len(own) > 1:
                assert targets, f"{url}: the navigation of {part['name']} is empty"
            foreign = sorted(targets - own)
            assert not foreign, f"{url}: {part['name']} navigation leads out of the guide"
        # From the landing page, the navigation reaches most of the guide.
        reader.open(urljoin(flagship.url, part["url"]))
        listed = set(sidebar_links(reader)) & own
        assert len(listed) >= len(own) // 2, (part["name"], sorted(own - listed))


# -- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("audience", "others"),
                         [("operator", ("admin", "user")), ("admin", ("operator", "user"))])
def test_search_finds_own_audience_words_only(
    reader: Reader, flagship: ServedSite, audience: str, others: tuple[str, ...]
) -> None:
    check_audience_search(reader, flagship, audience, others)


def check_audience_search(reader: Reader, site: ServedSite, audience: str,
                          others: tuple[str, ...]) -> None:
    """The guide's search finds words only its audience blocks hold; the others' do not."""
    words = list(audience_only_words(FLAGSHIP_SOURCE, audience).items())[:WORDS_PER_GUIDE]
    assert words, f"doc/source has no word found only in `.. audience:: {audience}` blocks"
    for word, docname in words:
        found = search_results(reader, site, audience, word=word)
        assert docname in found, f"{audience} search for {word!r}: {found}"
        for other in others:
            assert search_results(reader, site, other, word=word) == [], (
                f"{other} search finds {word!r}, which only {audience} blocks contain")
    assert reader.problems() == []


# -- the audience switcher ---------------------------------------------------------------------


def test_switcher_leads_to_the_same_page_in_another_guide(
    reader: Reader, flagship: ServedSite
) -> None:
    checked = 0
    for guide in flagship.guides:
        shared = [page for page in guide["pages"] if len(page["audiences"]) > 1]
        for page in shared[:2]:
            reader.open(urljoin(flagship.url, page["url"]))
            switcher = reader.page.locator("nav.guidebook-switcher")
            assert switcher.count() == 1, f"{page['url']}: no audience switcher"
            others = [name for name in page["audiences"] if name != guide["name"]]
            link = switcher.locator(f"a[data-guide='{others[0]}']")
            link.click()
            reader.page.wait_for_load_state("load")
            expected = flagship.page_url(others[0], page["docname"])
            assert reader.page.url == expected
            other_page = next(p for p in flagship.part(others[0])["pages"]
                              if p["docname"] == page["docname"])
            heading = reader.page.locator("[role=main] h1").first.inner_text()
            assert heading.rstrip("¶").strip() == other_page["title"]
            current = reader.page.locator("nav.guidebook-switcher [aria-current='page']")
            assert current.inner_text() == flagship.part(others[0])["title"]
            checked += 1
    assert checked >= 2
    assert reader.problems() == []


# -- the API reference and the release notes ---------------------------------------------------


def test_api_reference_shows_operations_with_example_json(
    reader: Reader, flagship: ServedSite
) -> None:
    api = flagship.part("api-ref")
    operations = 0
    examples = 0
    for page in api["pages"]:
        reader.open(urljoin(flagship.url, page["url"]))
        operations += reader.page.locator("dl.http").count()
        for block in reader.page.locator(".highlight-json pre, .highlight-javascript pre").all():
            json.loads(block.inner_text())  # example bodies are real JSON
            examples += 1
    assert operations > 0, "the API reference shows no operation (dl.http)"
    assert examples > 0, "the API reference shows no example JSON"
    assert reader.problems() == []


def test_release_notes_render(reader: Reader, flagship: ServedSite) -> None:
    notes = flagship.part("releasenotes")
    reader.open(urljoin(flagship.url, notes["url"]))
    assert reader.page.locator("[role=main] h1").count() == 1
    headings = 0
    entries = 0
    for page in notes["pages"]:
        body = reader.open(urljoin(flagship.url, page["url"])).locator("[role=main]")
        assert body.locator("h1").count() == 1, page["url"]
        if page["docname"] != notes["root"]:
            # A release: sections such as "New Features", each listing its notes.
            headings += body.locator("section section > h2").count()
            entries += body.locator("section section li").count()
    assert headings > 0, "no release shows a section of notes"
    assert entries > 0, "no release note shows a single note"
    assert reader.problems() == []


# -- no errors, no broken links ------------------------------------------------------------------


def test_no_console_errors(reader: Reader, flagship: ServedSite) -> None:
    urls = [flagship.portal]
    for part in flagship.parts:
        urls.append(urljoin(flagship.url, part["url"]))
        if len(part["pages"]) > 1:
            urls.append(urljoin(flagship.url, part["pages"][-1]["url"]))
        urls.append(f"{flagship.guide_base(part['name'])}search.html?q=image")
    for url in urls:
        reader.open(url)
        if "search.html?q=" in url:
            wait_for_search(reader.page)
    assert reader.problems() == []


def test_no_local_link_fails(flagship_crawl: Crawl, flagship: ServedSite) -> None:
    every_page = {urljoin(flagship.url, page["url"]) for part in flagship.parts
                  for page in part["pages"]}
    assert every_page <= flagship_crawl.pages
    assert not flagship_crawl.broken, "broken local links:\n" + "\n".join(flagship_crawl.broken)


def test_no_local_anchor_is_missing(flagship_crawl: Crawl) -> None:
    assert not flagship_crawl.missing_anchors, "\n".join(flagship_crawl.missing_anchors)


def test_no_page_shows_markup_errors(flagship_crawl: Crawl) -> None:
    assert not flagship_crawl.error_markup, "\n".join(flagship_crawl.error_markup)


# -- screenshots -------------------------------------------------------------------------------


def test_screenshots_for_people_to_look_at(reader: Reader, flagship: ServedSite) -> None:
    shots = [("portal", flagship.portal)]
    for part in flagship.parts:
        shots.append((part["name"], urljoin(flagship.url, part["url"])))
        shared = [p for p in part["pages"] if len(p.get("audiences", [])) > 1]
        if shared:
            shots.append((f"{part['name']}-page", urljoin(flagship.url, shared[0]["url"])))
    project = Config.read(flagship.build.source, overrides={}, tags=Tags()).project
    for name, url in shots:
        page = reader.open(url)
        text = page.inner_text("body")
        assert "Project name not set" not in text, url
        assert project in page.title(), (url, page.title())
        path = screenshot(page, name)
        assert path.stat().st_size > 10_000, path
        if name == "api-ref":
            # The root lists the tag pages; the operations are on them.
            tags = [p for p in flagship.part("api-ref")["pages"] if "/operations/" in p["url"]]
            assert tags, "the API reference has no tag pages"
            page = reader.open(urljoin(flagship.url, tags[0]["url"]))
            operation = page.locator("dl.http").first
            operation.scroll_into_view_if_needed()
            operation.screenshot(path=str(path.with_name("api-ref-operation.png")))
    assert reader.problems() == []
