"""``guidebook serve`` in the browser: an open page shows a saved edit by itself."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Reader
from tests.test_serve import ROOTS, ServeProcess


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServeProcess]:
    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-audiences", source)
    server = ServeProcess(source, tmp_path / "html")
    try:
        yield server
    finally:
        assert server.stop() == 0, "".join(server.output)


def test_open_page_reloads_itself_with_the_edit(reader: Reader, served: ServeProcess) -> None:
    page = reader.open(served.url + "operator/admin/deploy.html")
    assert "Run it under WSGI." in page.inner_text("[role=main]")
    source = served.source / "admin" / "deploy.rst"
    started = time.monotonic()
    source.write_text(source.read_text().replace("Run it under WSGI.",
                                                 "Run it under uWSGI or mod_wsgi."))
    page.wait_for_function(
        "() => document.body.innerText.includes('Run it under uWSGI or mod_wsgi.')",
        timeout=20_000,
    )
    assert time.monotonic() - started < 20
    # The same tab, reloaded by the page itself: still the operator guide's page.
    assert page.url == served.url + "operator/admin/deploy.html"
    assert reader.problems() == []
