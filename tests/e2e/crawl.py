"""Crawl a served site: every local link, stylesheet, script and image must answer.

The crawl starts from the given pages (the portal and every page of the manifest), follows
every local HTML page it finds, and fetches every local resource once. It also notes
anchors that do not exist on their target page and pages that show docutils error markup.
"""

from __future__ import annotations

import dataclasses
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

#: (tag, attribute) pairs whose URLs the reader's browser fetches or follows.
LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")}
_ERROR_CLASSES = {"problematic", "system-message"}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.error_markup: list[str] = []
        self._error_depth = 0
        self.base: str | None = None  # <base href>: what relative links resolve against

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        for attribute in ("id", "name") if tag == "a" else ("id",):
            if values.get(attribute):
                self.ids.add(values[attribute])
        for name, value in values.items():
            if (tag, name) in LINK_ATTRIBUTES and value:
                self.links.append((tag, value))
        if _ERROR_CLASSES & set(values.get("class", "").split()):
            self.error_markup.append(f"<{tag} class={values['class']!r}>")


@dataclasses.dataclass
class Crawl:
    """What the crawl found, each problem as ``referring page: target: what``."""

    pages: set[str] = dataclasses.field(default_factory=set)
    resources: set[str] = dataclasses.field(default_factory=set)
    broken: list[str] = dataclasses.field(default_factory=list)
    missing_anchors: list[str] = dataclasses.field(default_factory=list)
    error_markup: list[str] = dataclasses.field(default_factory=list)


def fetch(url: str) -> tuple[int, bytes, str]:
    """GET *url*: (status, body, content type)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def crawl_site(base: str, start: list[str]) -> Crawl:
    result = Crawl()
    origin = urlsplit(base).netloc
    status: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []  # (referrer, page, fragment)
    referrers: dict[str, str] = {}
    queue = deque((url, "(start)") for url in start)

    def local(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc == origin

    while queue:
        url, referrer = queue.popleft()
        url = urldefrag(url).url
        if url in status:
            continue
        code, body, content_type = fetch(url)
        status[url] = code
        referrers[url] = referrer
        if code >= 400:
            result.broken.append(f"{referrer}: {url}: HTTP {code}")
            continue
        if content_type != "text/html":
            result.resources.add(url)
            continue
        result.pages.add(url)
        parser = _PageParser()
        parser.feed(body.decode("utf-8", errors="replace"))
        ids[url] = parser.ids
        result.error_markup += [f"{url}: {markup}" for markup in parser.error_markup]
        base = urljoin(url, parser.base) if parser.base else url
        for _tag, link in parser.links:
            target = urljoin(base, link)
            if not local(target):
                continue
            without, fragment = urldefrag(target)
            without = without.split("?", 1)[0]  # a static server ignores queries
            if fragment:
                anchors.append((url, without, unquote(fragment)))
            if without not in status:
                queue.append((without, url))

    for referrer, page, fragment in anchors:
        if page in ids and fragment not in ids[page]:
            result.missing_anchors.append(f"{referrer}: {page}#{fragment}: no such anchor")
    return result
