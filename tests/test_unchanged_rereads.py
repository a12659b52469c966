"""Pages Sphinx reads on every build are written only when their doctree changed (issue 28).

Real builds of ``tests/roots/test-folders`` with two pages of the kind real trees have:
``cli/sample`` includes a file that is written again before each build (as oslo.config
writes its sample file), in the user and operator guides; ``configuration/apidocs`` lists
a page that does not exist (keystone's ``api/modules`` without sphinxcontrib-apidoc), so
Sphinx reads it on every build, and includes ``apidocs.txt``. The files each build wrote
are read from their mtimes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOTS, build_source

SAMPLE = "[DEFAULT]\n# debug = false\n"


def _mtimes(root: Path) -> dict[str, int]:
    return {path.relative_to(root).as_posix(): path.stat().st_mtime_ns
            for path in root.rglob("*") if path.is_file()}


def _html_and_indices(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in root.rglob("*") if path.is_file()
            and path.suffix in {".html", ".js", ".inv"} and "_static" not in path.parts}


class Tree:
    def __init__(self, source: Path, out: Path) -> None:
        self.source, self.out = source, out

    def write_sample(self, text: str) -> None:
        (self.source / "cli" / "sample.conf").write_text(text, encoding="utf-8")

    def build(self, **options: Any) -> list[str]:
        """Build; the site's files this build wrote (guide files only)."""
        before = _mtimes(self.out)
        result = build_source(self.source, self.out, **options)
        self.last_output = result.output
        self.last_status = result.status
        after = _mtimes(self.out)
        return sorted(name for name, mtime in after.items() if before.get(name) != mtime
                      and "/" in name and not name.startswith("_static/"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    source = tmp_path_factory.mktemp("rereads") / "src"
    shutil.copytree(ROOTS / "test-folders", source)
    (source / "cli" / "sample.rst").write_text(
        "Sample configuration\n====================\n\n.. literalinclude:: sample.conf\n",
        encoding="utf-8")
    index = source / "cli" / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "   sample\n", encoding="utf-8")
    (source / "configuration" / "apidocs.rst").write_text(
        "Code documentation\n==================\n\n.. toctree::\n\n   api/modules\n\n"
        ".. literalinclude:: apidocs.txt\n", encoding="utf-8")
    (source / "configuration" / "apidocs.txt").write_text("modules: none\n", encoding="utf-8")
    index = source / "configuration" / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "   apidocs\n", encoding="utf-8")
    site = Tree(source, source.parent / "out")
    site.write_sample(SAMPLE)
    site.build(fresh=True)
    assert site.last_status == 0, site.last_output
    return site


def test_pages_read_again_unchanged_are_not_written_again(tree: Tree) -> None:
    tree.write_sample(SAMPLE)  # the same text, a newer file
    written = tree.build()
    assert tree.last_status == 0, tree.last_output
    # Both were read again (2 changed), neither was written, nor any index of their guides.
    assert "0 added, 2 changed, 0 removed" in tree.last_output, tree.last_output
    assert written == [], written
    # Their warnings of reading are given again (they were read), as on a fresh build.
    assert "toctree contains reference to nonexisting document 'configuration/api/modules'" \
        in tree.last_output


def test_a_changed_include_writes_the_page_in_each_of_its_guides(tree: Tree) -> None:
    tree.write_sample(SAMPLE + "# verbose = true\n")
    written = tree.build()
    assert tree.last_status == 0, tree.last_output
    assert [name for name in written if name.endswith(".html")] == [
        "operator/cli/sample.html", "operator/genindex.html", "operator/search.html",
        "user/cli/sample.html", "user/genindex.html", "user/search.html"], written
    for guide in ("user", "operator"):
        page = (tree.out / guide / "cli" / "sample.html").read_text(encoding="utf-8")
        assert "verbose" in page


def test_a_change_a_failed_build_read_is_written_by_the_next_build(tree: Tree) -> None:
    page = tree.out / "operator" / "configuration" / "apidocs.html"
    (tree.source / "configuration" / "apidocs.txt").write_text("modules: keystone\n",
                                                               encoding="utf-8")
    # --strict fails on the missing toctree entry: the site is left as it was, while
    # the doctree read in that build is already the new one.
    assert tree.build(strict=True) == []
    assert tree.last_status != 0
    assert "keystone" not in page.read_text(encoding="utf-8")
    # Read again (always), the same doctree as in the failed build: written all the same.
    written = tree.build()
    assert tree.last_status == 0, tree.last_output
    assert "operator/configuration/apidocs.html" in written, written
    assert "keystone" in page.read_text(encoding="utf-8")


def test_the_site_is_what_a_fresh_build_makes(tree: Tree) -> None:
    tree.write_sample(SAMPLE + "# workers = 4\n")
    tree.build()
    fresh_out = tree.out.with_name("fresh")
    result = build_source(tree.source, fresh_out, fresh=True)
    assert result.status == 0, result.output
    incremental, fresh = _html_and_indices(tree.out), _html_and_indices(fresh_out)
    assert incremental.keys() == fresh.keys()
    assert [name for name in incremental if incremental[name] != fresh[name]] == []
