"""With ``-j 2`` the guides are written in parallel processes, into the same site as
``-j 1`` writes, byte for byte (issue 28).

Real builds of ``tests/roots/test-folders`` (three guides): a fresh build with ``-j 1`` and
one with ``-j 2``, then the same one-page edit built again by each. The ``-j 2`` builds
fork one writer per guide group (counted here); the trees they leave must be identical
to those of ``-j 1``, manifest and search indexes included, and the edit must rewrite the
same files, which it can only do when the workers' navigations and page orders came back.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from guidebook.driver.options import BuildOptions
from guidebook.driver.publish import doctree_dir
from guidebook.driver.run import run_build
from guidebook.engine import part_processes
from guidebook.engine.navcache import STORE_NAME, NavigationStore
from tests.conftest import ROOTS


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def _mtimes(root: Path) -> dict[str, int]:
    return {path.relative_to(root).as_posix(): path.stat().st_mtime_ns
            for path in root.rglob("*") if path.is_file()}


def _build(source: Path, out: Path, jobs: int, *, fresh: bool) -> str:
    stream = io.StringIO()
    status = run_build(BuildOptions(source=source, out=out, fresh=fresh, jobs=jobs),
                       stderr=stream)
    assert status == 0, stream.getvalue()
    return stream.getvalue()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    found: dict[str, Any] = {"workers": []}
    counted = part_processes.ParallelTasks

    class CountingTasks(counted):  # type: ignore[misc,valid-type]
        def add_task(self, task_func: Any, arg: Any = None, result_func: Any = None) -> None:
            found["workers"].append([part.name for part, _pages in arg])
            super().add_task(task_func, arg, result_func)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(part_processes, "ParallelTasks", CountingTasks)
        for jobs in (1, 2):
            source = tmp_path_factory.mktemp(f"parallel-j{jobs}") / "src"
            shutil.copytree(ROOTS / "test-folders", source)
            out = source.parent / "out"
            _build(source, out, jobs, fresh=True)
            found[f"fresh-j{jobs}"] = _tree(out)
            kept = source.parent / "store"  # loading the store removes it: a copy
            kept.mkdir()
            shutil.copy(doctree_dir(out) / STORE_NAME, kept)
            found[f"store-j{jobs}"] = NavigationStore.load(kept)
            before = _mtimes(out)
            page = source / "about.rst"  # a top-level page: in every guide
            page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n",
                            encoding="utf-8")
            _build(source, out, jobs, fresh=False)
            after = _mtimes(out)
            found[f"edit-j{jobs}"] = _tree(out)
            found[f"rewritten-j{jobs}"] = sorted(
                name for name, mtime in after.items() if before.get(name) != mtime)
    return found


def test_two_jobs_write_the_guides_in_two_processes(builds: dict[str, Any]) -> None:
    workers = builds["workers"]
    # The fresh build deals its three guides to two processes, and so does the edit (the
    # edited page is in every guide); -j 1 forks none.
    assert len(workers) == 4, workers
    for dealt in (workers[:2], workers[2:]):
        assert sorted(name for names in dealt for name in names) == [
            "everyone", "operator", "user"], workers


def test_two_jobs_write_the_same_site_as_one(builds: dict[str, Any]) -> None:
    one, two = builds["fresh-j1"], builds["fresh-j2"]
    assert sorted(one) == sorted(two)
    differing = [name for name in one if one[name] != two[name]]
    assert not differing, differing


def test_an_edit_with_two_jobs_rewrites_what_one_job_rewrites(builds: dict[str, Any]) -> None:
    assert builds["rewritten-j1"] == builds["rewritten-j2"]
    one, two = builds["edit-j1"], builds["edit-j2"]
    differing = [name for name in one if one[name] != two.get(name)]
    assert not differing and sorted(one) == sorted(two), differing


def test_the_workers_navigations_are_kept_for_the_next_build(builds: dict[str, Any]) -> None:
    store = builds["store-j2"]
    assert store, "no navigation store after a -j 2 build"
    assert {key[0] for key in store.navigations} == {"everyone", "operator", "user"}
    assert store.navigations.keys() == builds["store-j1"].navigations.keys()


def test_the_search_script_is_on_the_search_pages_only(builds: dict[str, Any]) -> None:
    """A page's own script stays on that page, also in the guides written after it."""
    pages = [name for name, data in builds["fresh-j1"].items()
             if name.endswith(".html") and b"guidebook-search.js" in data]
    assert sorted(pages) == ["everyone/search.html", "operator/search.html",
                             "user/search.html"], pages
