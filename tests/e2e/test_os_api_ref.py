"""An os-api-ref part kept as it is (tests/roots/test-osapiref), read in Chromium: styled,
and its detail buttons open the calls."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOTS, build_source
from tests.e2e.conftest import Reader, ServedSite, serve_directory


@pytest.fixture(scope="module")
def os_api_ref_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    source = tmp_path_factory.mktemp("osapiref") / "src"
    shutil.copytree(ROOTS / "test-osapiref", source)
    build = build_source(source, source.parent / "out", strict=True)
    assert build.status == 0, build.output
    with serve_directory(Path(build.out)) as url:
        yield ServedSite(build, url)


def test_method_badges_are_styled_and_detail_opens(reader: Reader,
                                                   os_api_ref_site: ServedSite) -> None:
    page = reader.open(os_api_ref_site.page_url("api-ref", "api-ref/index"))
    badge = page.locator("span.badge.label-GET").first
    # api-site.css gives GET badges their colour (.label-GET); without it they had none.
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(91, 192, 222)"
    detail = page.locator("#list-servers-detail")
    assert not detail.is_visible()
    page.locator("#list-servers-detail-btn").click()
    detail.wait_for(state="visible")
    assert "Lists the servers of the project" in detail.inner_text()
    assert reader.problems() == []
