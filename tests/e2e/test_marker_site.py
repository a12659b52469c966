"""A small site with known marker words (tests/e2e/roots/test-site), read in Chromium.

``admin/tuning`` serves the operator and admin guides; its ``.. audience:: operator``
block holds *quokkalantern*, its ``.. audience:: admin`` block *ferrotangle*. The user
guide's own page ``user/upload`` holds *bramblewick*.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import E2E_ROOTS, Reader, ServedSite, search_results
from tests.e2e.sources import audience_only_words

if TYPE_CHECKING:
    from playwright.sync_api import Page


def search_box(word: str) -> Callable[[Page], None]:
    """Type *word* into the search box in the page's sidebar and send it."""

    def submit(page: Page) -> None:
        box = page.locator(".sphinxsidebar form.search input[name=q]")
        box.fill(word)
        box.press("Enter")

    return submit


def test_marker_words_are_where_the_tests_expect_them() -> None:
    source = E2E_ROOTS / "test-site"
    assert "quokkalantern" in audience_only_words(Path(source), "operator")
    assert "ferrotangle" in audience_only_words(Path(source), "admin")
    assert "bramblewick" in (source / "user" / "upload.rst").read_text()


#: (guide, word, the pages of that guide whose search finds it).
MARKER_SEARCHES = [
    ("operator", "quokkalantern", ["admin/tuning"]),
    ("admin", "quokkalantern", []),
    ("user", "quokkalantern", []),
    ("admin", "ferrotangle", ["admin/tuning"]),
    ("operator", "ferrotangle", []),
    ("user", "bramblewick", ["user/upload"]),
    ("operator", "bramblewick", []),
    ("admin", "paragraph", ["admin/tuning"]),
    ("operator", "paragraph", ["admin/tuning"]),
]


@pytest.mark.parametrize(("guide", "word", "expected"), MARKER_SEARCHES)
def test_search_box_of_a_guide(reader: Reader, marker_site: ServedSite, guide: str, word: str,
                               expected: list[str]) -> None:
    reader.open(marker_site.page_url(guide, marker_site.part(guide)["root"]))
    found = search_results(reader, marker_site, guide, submit=search_box(word))
    assert found == expected
    summary = reader.page.locator("#search-results .search-summary").inner_text()
    assert ("found" in summary) == bool(expected), summary
    assert reader.problems() == []


def test_audience_blocks_show_only_in_their_guide(reader: Reader,
                                                 marker_site: ServedSite) -> None:
    text = reader.open(marker_site.page_url("operator", "admin/tuning")).inner_text("body")
    assert "quokkalantern" in text and "ferrotangle" not in text
    text = reader.open(marker_site.page_url("admin", "admin/tuning")).inner_text("body")
    assert "ferrotangle" in text and "quokkalantern" not in text
    assert "Both operators and admins" in text


def test_navigation_lists_only_the_guides_pages(reader: Reader, marker_site: ServedSite) -> None:
    for guide in marker_site.guides:
        own = {marker_site.page_url(guide["name"], page["docname"]) for page in guide["pages"]}
        reader.open(marker_site.page_url(guide["name"], guide["root"]))
        links = reader.page.eval_on_selector_all(
            ".sphinxsidebar a.reference.internal", "links => links.map(a => a.href)")
        targets = {str(link).split("#", 1)[0] for link in links}
        root = marker_site.page_url(guide["name"], guide["root"])
        assert targets | {root} == own, guide["name"]


def test_switcher_moves_between_guides_on_the_same_page(reader: Reader,
                                                       marker_site: ServedSite) -> None:
    page = reader.open(marker_site.page_url("user", "common/statuses"))
    names = page.eval_on_selector_all("nav.guidebook-switcher a",
                                      "links => links.map(a => a.dataset.guide)")
    assert names == ["operator", "admin"]
    page.locator("nav.guidebook-switcher a[data-guide=admin]").click()
    page.wait_for_url(marker_site.page_url("admin", "common/statuses"))
    assert page.locator("[role=main] h1").inner_text().rstrip("¶").strip() == "Image statuses"
    page.locator("nav.guidebook-switcher a[data-guide=operator]").click()
    page.wait_for_url(marker_site.page_url("operator", "common/statuses"))
    assert page.locator("nav.guidebook-switcher [aria-current=page]").inner_text() == (
        "Operator guide")
    assert reader.problems() == []
