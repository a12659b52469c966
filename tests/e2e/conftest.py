"""End-to-end fixtures: build a site for real, serve it on 127.0.0.1, read it in Chromium.

The browser is Debian's ``chromium`` driven by the ``playwright`` package (Playwright's own
browser download is not used). Outside CI a missing browser skips these tests with a message
saying how to install it; with ``CI=true`` it fails them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urljoin, urlsplit

import pytest

from guidebook.serve.server import NotFoundPageHandler
from tests.conftest import BuildResult, build_source, serving
from tests.e2e.crawl import Crawl, crawl_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, Request, Response, Route

REPO = Path(__file__).resolve().parents[2]
FLAGSHIP_SOURCE = REPO / "doc" / "source"
E2E_ROOTS = Path(__file__).parent / "roots"
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install Debian's Chromium with `sudo apt-get install -y chromium` "
    "(and the test extras with `pip install -e '.[test]'`)"
)
_STUB_TYPES = {
    "script": "application/javascript",
    "stylesheet": "text/css",
    "document": "text/html",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip (on a workstation) or fail (in CI) when the browser cannot be had."""
    message = f"end-to-end tests need a browser: {reason}; {INSTALL_HINT}"
    if in_ci():
        pytest.fail(f"{message} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# -- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the `playwright` Python package is not installed")
    if find_chromium() is None:
        unavailable("no `chromium` executable on PATH")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    executable = find_chromium()
    assert executable is not None
    browser = playwright_session.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@dataclasses.dataclass
class Reader:
    """One browser tab, with everything that went wrong while it was used."""

    page: Page
    console_errors: list[str] = dataclasses.field(default_factory=list)
    failed_requests: list[str] = dataclasses.field(default_factory=list)
    external_requests: list[str] = dataclasses.field(default_factory=list)

    def open(self, url: str) -> Page:
        response = self.page.goto(url, wait_until="load")
        assert response is not None, url
        assert response.status < 400, f"{url}: HTTP {response.status}"
        return self.page

    def problems(self) -> list[str]:
        return [*self.console_errors, *self.failed_requests]


@pytest.fixture
def reader(browser: Browser) -> Iterator[Reader]:
    """A fresh tab; requests that leave 127.0.0.1 get an empty answer (no network here)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    tab = Reader(page)

    def stub(route: Route, request: Request) -> None:
        tab.external_requests.append(request.url)
        route.fulfill(status=200, body="",
                      content_type=_STUB_TYPES.get(request.resource_type, "text/plain"))

    def on_console(message: Any) -> None:
        if message.type == "error":
            tab.console_errors.append(f"{page.url}: console error: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            tab.failed_requests.append(
                f"{page.url}: {response.url}: HTTP {response.status}")

    def on_request_failed(request: Request) -> None:
        if request.failure != "net::ERR_ABORTED":  # the tab moved on before it finished
            tab.failed_requests.append(f"{page.url}: {request.url}: {request.failure}")

    context.route(lambda url: not is_local(url), stub)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: tab.console_errors.append(f"{page.url}: {exc}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    try:
        yield tab
    finally:
        context.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


# -- a built site, served -----------------------------------------------------------------


class QuietHandler(NotFoundPageHandler):
    """A static server that, like Apache with the site's .htaccess, answers a missing URL
    with the site's 404.html."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that navigates away drops its connections; that is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve *directory* on a free port of 127.0.0.1; yield its base URL (ending in ``/``)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    with serving(LocalServer(("127.0.0.1", 0), handler)) as url:
        yield url


@dataclasses.dataclass
class ServedSite:
    """A site built by guidebook and served over HTTP."""

    build: BuildResult
    url: str

    @functools.cached_property
    def manifest(self) -> dict[str, Any]:
        return self.build.manifest

    @property
    def guides(self) -> list[dict[str, Any]]:
        return list(self.manifest["guides"])

    @property
    def parts(self) -> list[dict[str, Any]]:
        """Every guide and every other part (API reference, release notes...)."""
        return [*self.manifest["guides"], *self.manifest.get("parts", [])]

    def part(self, name: str) -> dict[str, Any]:
        for part in self.parts:
            if part["name"] == name:
                return part
        names = ", ".join(part["name"] for part in self.parts)
        raise AssertionError(f"the manifest has no part {name!r} (it has: {names})")

    def has(self, name: str) -> bool:
        return any(part["name"] == name for part in self.parts)

    def page_url(self, part: str, docname: str) -> str:
        """The absolute URL of *docname* in *part*, as the manifest gives it."""
        for page in self.part(part)["pages"]:
            if page["docname"] == docname:
                return urljoin(self.url, page["url"])
        raise AssertionError(f"{part} has no page {docname!r}")

    def guide_base(self, part: str) -> str:
        return urljoin(self.url, f"{part}/")

    def docname_of(self, part: str, url: str) -> str | None:
        """The docname of *url* if it is a page of *part* on this site, else None."""
        path = urlsplit(url).path
        for page in self.part(part)["pages"]:
            if urlsplit(urljoin(self.url, page["url"])).path == path:
                return str(page["docname"])
        return None

    @property
    def portal(self) -> str:
        return urljoin(self.url, "index.html")


def served_build(source: Path, out: Path, log: Path | None,
                 overrides: dict[str, object] | None = None) -> Iterator[ServedSite]:
    """Build *source* into *out* (its output kept in *log*) and serve it while in use."""
    result = build_source(source, out, fresh=True, overrides=overrides)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(result.output, encoding="utf-8")
    assert result.status == 0, f"the build of {source} failed:\n{result.output[-4000:]}"
    with serve_directory(out) as url:
        yield ServedSite(result, url)


@pytest.fixture(scope="session")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The repository's own documentation (doc/source), built (not strictly) and served.

    Its build output, warnings included, is kept in test-artifacts/flagship-build.log.
    """
    out = tmp_path_factory.mktemp("flagship") / "html"
    yield from served_build(FLAGSHIP_SOURCE, out, ARTIFACTS / "flagship-build.log")


@pytest.fixture(scope="session")
def marker_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """tests/e2e/roots/test-site: three guides with known marker words in audience blocks."""
    base = tmp_path_factory.mktemp("marker-site")
    source = base / "src"
    shutil.copytree(E2E_ROOTS / "test-site", source)
    yield from served_build(source, base / "html", None)


THEMES = ("openstackdocs", "sphinx_rtd_theme", "alabaster")
#: What each theme needs in conf.py besides ``html_theme``.
THEME_SETUP = {"openstackdocs": 'extensions = ["openstackdocstheme", *extensions]\n'}


@pytest.fixture(scope="session", params=THEMES)
def themed_site(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The marker site built under each theme the project promises (shared by the theme and
    reader checks: one build per theme)."""
    theme = str(request.param)
    base = tmp_path_factory.mktemp(f"marker-{theme}")
    source = base / "src"
    shutil.copytree(E2E_ROOTS / "test-site", source)
    with (source / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\n{THEME_SETUP.get(theme, '')}html_theme = {theme!r}\n")
    yield from served_build(source, base / "html", ARTIFACTS / f"marker-{theme}-build.log")


@pytest.fixture(scope="session")
def flagship_crawl(flagship: ServedSite) -> Crawl:
    start = [flagship.portal]
    start += [urljoin(flagship.url, page["url"]) for part in flagship.parts
              for page in part["pages"]]
    return crawl_site(flagship.url, start)


# -- searching ----------------------------------------------------------------------------

#: Sphinx's search page writes its status line once, when the search has finished. (Its
#: "pulse" is no sign: a pulse timer already queued starts it again after stopPulse().)
_SEARCH_DONE = (
    '() => typeof Search !== "undefined" && Search.status && Search.status.innerText !== ""'
)


def wait_for_search(page: Page) -> None:
    """Wait until Sphinx's search page has shown its results (or that there are none)."""
    page.wait_for_function(_SEARCH_DONE, timeout=15_000)
    page.wait_for_load_state("networkidle")  # the result summaries are fetched afterwards


def search_results(reader: Reader, site: ServedSite, part: str,
                   submit: Callable[[Page], None] | None = None, word: str = "") -> list[str]:
    """Search one guide for *word*; return the docnames of the pages found.

    Without *submit* the guide's search page is opened with ``?q=word``; with it, *submit*
    fills in and sends whatever search box the page offers.
    """
    page = reader.page
    if submit is None:
        reader.open(f"{site.guide_base(part)}search.html?q={word}")
    else:
        submit(page)
        page.wait_for_url("**/search.html?*")
    wait_for_search(page)
    hrefs = page.eval_on_selector_all("ul.search li > a", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        docname = site.docname_of(part, str(href).split("#", 1)[0])
        assert docname is not None, f"search result outside the guide {part}: {href}"
        found.append(docname)
    return found


#: Screenshots stop this far down a long page (the API reference runs for metres).
SCREENSHOT_MAX_HEIGHT = 3000


def screenshot(page: Page, name: str) -> Path:
    """Save what a reader sees of *page*, top to bottom (at most SCREENSHOT_MAX_HEIGHT px)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    width = int(page.evaluate("document.documentElement.clientWidth"))
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": 0, "width": width,
                          "height": min(height, SCREENSHOT_MAX_HEIGHT)})
    return path
