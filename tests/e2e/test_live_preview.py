"""``guidebook serve`` in the browser: an open page shows a saved edit by itself."""

from __future__ import annotations

import time

from tests.e2e.conftest import Reader
from tests.test_serve import ServeProcess, served  # noqa: F401 (the fixture)


def test_open_page_reloads_itself_with_the_edit(
    reader: Reader, served: ServeProcess,  # noqa: F811 (the imported fixture)
) -> None:
    page = reader.open(served.url + "operator/deploy.html")
    assert "Run it under WSGI." in page.inner_text("[role=main]")
    source = served.source / "admin" / "deploy.rst"
    started = time.monotonic()
    source.write_text(source.read_text().replace("Run it under WSGI.",
                                                 "Run it under uWSGI or mod_wsgi."))
    # Polled while the page reloads itself: between two documents there is no body yet.
    page.wait_for_function(
        "() => document.body !== null"
        " && document.body.innerText.includes('Run it under uWSGI or mod_wsgi.')",
        timeout=20_000,
    )
    assert time.monotonic() - started < 20
    # The same tab, reloaded by the page itself: still the operator guide's page.
    assert page.url == served.url + "operator/deploy.html"
    assert reader.problems() == []
