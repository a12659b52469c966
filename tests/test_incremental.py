"""A one-page edit rewrites the page in the guides that show it, and their indexes (issue 28).

Real builds of ``tests/roots/test-folders``: a fresh build, then the body of
``cli/client.rst`` (two toctrees below the user guide's landing page) is changed and the
site is built again. Whatever files were written are read from their mtimes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOTS, build_source


def _mtimes(root: Path) -> dict[str, int]:
    return {path.relative_to(root).as_posix(): path.stat().st_mtime_ns
            for path in root.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def one_page_edit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import shutil

    source = tmp_path_factory.mktemp("incremental") / "src"
    shutil.copytree(ROOTS / "test-folders", source)
    out = source.parent / "out"
    fresh = build_source(source, out, fresh=True)
    assert fresh.status == 0, fresh.output
    landing = (out / "everyone" / "index.html").read_text(encoding="utf-8")
    before = _mtimes(out)
    page = source / "cli" / "client.rst"
    page.write_text(page.read_text(encoding="utf-8") + "\nIt also lists them.\n",
                    encoding="utf-8")
    edit = build_source(source, out)
    assert edit.status == 0, edit.output
    after = _mtimes(out)
    rewritten = sorted(name for name, mtime in after.items() if before.get(name) != mtime)
    return {"out": out, "rewritten": rewritten, "landing": landing}


def test_only_the_edited_page_and_its_guides_indexes_are_rewritten(
    one_page_edit: dict[str, Any],
) -> None:
    pages = [name for name in one_page_edit["rewritten"] if name.endswith(".html")]
    # cli/client is in the user guide only (its :audience:), under cli/index under the
    # landing page: neither of those is written again, nor any page of another guide.
    assert pages == ["404.html", "index.html", "user/cli/client.html", "user/genindex.html",
                     "user/search.html"], pages


def test_the_portal_never_takes_the_place_of_a_guide_rooted_at_the_top_index(
    one_page_edit: dict[str, Any],
) -> None:
    out: Path = one_page_edit["out"]
    landing = (out / "everyone" / "index.html").read_text(encoding="utf-8")
    assert landing == one_page_edit["landing"]
    assert re.search(r'href="about\.html"', landing), landing[:2000]
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="everyone/index.html"' in portal and 'href="about.html"' not in portal
