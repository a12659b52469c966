"""What readers meet on every page type in every theme: accessibility, phones, search hints.

The marker site (tests/e2e/roots/test-site) is built once per theme (``themed_site``).
axe-core checks each page type against WCAG 2.1 A and AA: no violation may sit inside
guidebook's own markup (guide bar, switcher, portal, not-found body, toctree captions, API
tables and examples, search hints). axe-core comes from npm: ``.ci/run`` installs it with
``npm install --prefix .ci/node`` (or set ``GUIDEBOOK_AXE`` to an ``axe.min.js``); nothing
is fetched while the tests run.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from tests.e2e.conftest import (
    REPO,
    Reader,
    ServedSite,
    screenshot,
    search_results,
    unavailable,
    wait_for_search,
)

AXE = Path(os.environ.get("GUIDEBOOK_AXE")
           or REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js")
#: Everything guidebook writes into a themed page.
GUIDEBOOK_MARKUP = ", ".join([
    ".guidebook-guidebar", ".guidebook-switcher", ".guidebook-portal", ".guidebook-not-found",
    ".guidebook-also-found", ".guidebook-versions", ".guidebook-version-banner",
    ".guidebook-api-table", ".guidebook-api-example", "dl.http", "p.caption",
])
PHONE = {"width": 375, "height": 812}

_RUN_AXE = """async (markup) => {
  const result = await axe.run(document, {runOnly: {type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
  const found = [];
  for (const violation of result.violations) {
    for (const node of violation.nodes) {
      const element = document.querySelector(node.target[0]);
      found.push({rule: violation.id, target: node.target.join(" "),
                  ours: Boolean(element && element.closest(markup)),
                  summary: node.failureSummary});
    }
  }
  return found;
}"""


@functools.cache
def axe_source() -> str:
    if not AXE.is_file():
        unavailable(f"no axe-core at {AXE} (npm install --prefix .ci/node axe-core)")
    return AXE.read_text(encoding="utf-8")


def page_types(site: ServedSite) -> dict[str, str]:
    """One URL of each kind of page guidebook writes."""
    api = next(page["url"] for page in site.part("api-ref")["pages"]
               if page["docname"].endswith("/images"))
    return {
        "portal": site.portal,
        "guide page": site.page_url("user", "user/upload"),
        "shared page": site.page_url("operator", "common/statuses"),
        "API page": urljoin(site.url, api),
        "search": urljoin(site.url, "operator/search.html?q=tune"),
        "index": urljoin(site.url, "user/genindex.html"),
        "not found": urljoin(site.url, "404.html"),
    }


def open_page(reader: Reader, url: str) -> None:
    reader.open(url)
    if "/search.html?" in url:
        wait_for_search(reader.page)


def axe_violations(reader: Reader) -> list[dict[str, Any]]:
    reader.page.add_script_tag(content=axe_source())
    return list(reader.page.evaluate(_RUN_AXE, GUIDEBOOK_MARKUP))


def theme_of(site: ServedSite) -> str:
    return site.build.out.parent.name.split("-", 1)[1].rstrip("0123456789")


def test_no_accessibility_violation_in_guidebook_markup(reader: Reader,
                                                        themed_site: ServedSite) -> None:
    ours = []
    for kind, url in page_types(themed_site).items():
        open_page(reader, url)
        screenshot(reader.page, f"desktop-{theme_of(themed_site)}-{kind.replace(' ', '-')}")
        for violation in axe_violations(reader):
            if violation["ours"]:
                ours.append(f"{kind} ({url}): {violation['rule']} at {violation['target']}: "
                            f"{violation['summary']}")
    assert ours == [], "\n".join(ours)
    assert reader.problems() == []


def test_every_page_type_fits_a_phone(reader: Reader, themed_site: ServedSite) -> None:
    reader.page.set_viewport_size(PHONE)
    theme = theme_of(themed_site)
    widths = {}
    for kind, url in page_types(themed_site).items():
        open_page(reader, url)
        widths[kind] = reader.page.evaluate("document.documentElement.scrollWidth")
        screenshot(reader.page, f"phone-{theme}-{kind.replace(' ', '-')}")
    assert widths == dict.fromkeys(widths, PHONE["width"])
    assert reader.problems() == []


def test_guide_bar_is_near_the_top_on_a_phone(reader: Reader,
                                             themed_site: ServedSite) -> None:
    """The guide bar is within the first screen, before the theme's sidebar navigation;
    each switcher entry stays on one line."""
    reader.page.set_viewport_size(PHONE)
    for docname in ("user/upload", "common/statuses"):
        open_page(reader, themed_site.page_url("user", docname))
        top = reader.page.evaluate(
            "document.querySelector('.guidebook-guidebar').getBoundingClientRect().top"
            " + window.scrollY")
        assert top < PHONE["height"] / 2, (docname, top)
        lines = reader.page.eval_on_selector_all(
            "nav.guidebook-switcher li",
            "items => items.map(li => [li.innerText, li.getClientRects().length,"
            " li.getBoundingClientRect().height])")
        assert lines, docname
        for text, boxes, height in lines:
            assert boxes == 1 and height < 40, (docname, text, height)


def test_search_shows_the_guides_results_clean_and_points_to_the_others(
        reader: Reader, themed_site: ServedSite) -> None:
    # The user guide has no page with the operator's marker word; the operator guide has one.
    assert search_results(reader, themed_site, "user", word="quokkalantern") == []
    hint = reader.page.locator("p.guidebook-also-found")
    hint.wait_for()
    assert hint.inner_text() == "Also found in: Operator guide (1)"
    hint.locator("a").click()
    reader.page.wait_for_url(urljoin(themed_site.url, "operator/search.html?q=quokkalantern"))
    wait_for_search(reader.page)
    assert search_results(reader, themed_site, "operator", word="quokkalantern") == [
        "admin/tuning"]
    # Summaries are the page's text, not the guide bar's.
    summaries = reader.page.locator("ul.search li p.context").all_inner_texts()
    assert summaries, "no result summary"
    for text in summaries:
        assert "Both operators" in text and "Search this guide" not in text, text
    # Words both guides have: the hint counts what the other guide's search page lists.
    reader.open(urljoin(themed_site.url, "operator/search.html?q=tune"))
    wait_for_search(reader.page)
    hint.wait_for()
    screenshot(reader.page, f"search-{theme_of(themed_site)}")
    found = re.fullmatch(r"Also found in: Admin guide \((\d+)\)", hint.inner_text())
    assert found is not None, hint.inner_text()
    hint.locator("a").click()
    reader.page.wait_for_url(urljoin(themed_site.url, "admin/search.html?q=tune"))
    wait_for_search(reader.page)
    assert reader.page.locator("ul.search > li").count() == int(found.group(1))
    assert reader.problems() == []


def test_search_and_index_pages_have_the_guide_bar(reader: Reader,
                                                  themed_site: ServedSite) -> None:
    for page in ("search.html", "genindex.html"):
        reader.open(urljoin(themed_site.url, f"admin/{page}"))
        bar = reader.page.locator("[role=main] .guidebook-guidebar")
        assert bar.locator(".guidebook-guidebar-title").inner_text() == "Admin guide"
        assert reader.page.locator("[role=main] nav.guidebook-switcher").count() == 0
    assert reader.problems() == []


def test_switcher_of_a_page_in_one_guide_offers_the_closest_pages(
        themed_site: ServedSite) -> None:
    """user/upload is in the user guide only: the redirect map sends the operator guide's
    old upload page to tuning; the admin guide has a page of the same title."""
    html = (themed_site.build.out / "user" / "upload.html").read_text(encoding="utf-8")
    switcher = re.search(r'<nav class="guidebook-switcher".*?</nav>', html, re.S)
    assert switcher is not None
    links = re.findall(r'<a href="([^"]+)" data-guide="(\w+)" data-match="(\w+)">',
                       switcher.group(0))
    assert links == [("../operator/tuning.html", "operator", "redirect"),
                     ("../admin/upload-quotas.html", "admin", "title")]
    contributor_like = (themed_site.build.out / "operator" / "tuning.html").read_text(
        encoding="utf-8")
    assert 'href="../user/index.html" data-guide="user" data-match="home"' in contributor_like


def test_portal_and_not_found_page_carry_the_projects_identity(
        reader: Reader, themed_site: ServedSite) -> None:
    out = themed_site.build.out
    portal = (out / "index.html").read_text(encoding="utf-8")
    description = ('<meta name="description" content="Marker site documentation. User guide: '
                   "For users. Operator guide: For operators. Admin guide: For admins. API "
                   'reference: Every call of the marker images API.">')
    assert description in portal
    assert '<link rel="icon" href="_static/favicon.svg">' in portal
    assert '<img class="guidebook-portal-logo" src="_static/logo.svg" alt="">' in portal
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'name="description" content="Marker site documentation. User guide' in not_found
    assert "favicon.svg" in not_found
    for url in (themed_site.portal, urljoin(themed_site.url, "no/such/page.html")):
        reader.page.goto(url, wait_until="networkidle")
        icon = reader.page.evaluate(
            "fetch(document.querySelector('link[rel~=icon]').href).then(r => r.status)")
        assert icon == 200, url
    assert [problem for problem in reader.problems() if "no/such/page" not in problem] == []
    screenshot(reader.page, f"not-found-{theme_of(themed_site)}")
