"""Work whose result is the same in every guide is done once per build (issue 28).

Real builds of ``tests/roots/test-sharedwork`` (a git repository made here, with
openstackdocstheme): the shared page is written in two guides, yet the theme asks git
about its source once, and each of its code blocks is highlighted once; both guides show
the same date and the same highlighted code, and the warning about the unknown lexer is
given once, at its line. With ``-j 2`` every page's date is asked by the background
thread while Sphinx reads, before it forks the page writers.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import threading
from typing import Any

import openstackdocstheme.page_context as theme_pages
import pytest
from sphinx.highlighting import PygmentsBridge

from guidebook.driver.options import BuildOptions
from guidebook.driver.run import run_build
from tests.conftest import ROOTS, BuildResult, build_source

COMMIT_DATE = "2001-02-03T04:05:06"


def _git_repository(tmp_path_factory: pytest.TempPathFactory) -> Any:
    source = tmp_path_factory.mktemp("sharedwork") / "src"
    shutil.copytree(ROOTS / "test-sharedwork", source)
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "pages"]):
        subprocess.run(["git", *command], cwd=source, env=env, check=True)
    return source


def _counted_build(source: Any, jobs: int) -> dict[str, Any]:
    """Build *source* with ``-j jobs``; the theme's git calls (file, thread) and the
    code blocks Pygments highlighted (in this process)."""
    asked: list[tuple[str, str]] = []
    highlighted: collections.Counter[str] = collections.Counter()
    ask_git = theme_pages._get_last_updated_file
    highlight = PygmentsBridge.highlight_block

    def counting_git(src_file: str) -> Any:
        asked.append((os.path.abspath(src_file), threading.current_thread().name))
        return ask_git(src_file)

    def counting_highlight(self: PygmentsBridge, source_text: str, lang: str,
                           *args: Any, **kwargs: Any) -> str:
        highlighted[lang] += 1
        return highlight(self, source_text, lang, *args, **kwargs)

    out = source.parent / f"out-j{jobs}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(theme_pages, "_get_last_updated_file", counting_git)
        patch.setattr(PygmentsBridge, "highlight_block", counting_highlight)
        # The theme names sources relative to the working directory.
        patch.chdir(source)
        if jobs == 1:
            result = build_source(source, out, fresh=True)
        else:
            import io

            stream = io.StringIO()
            status = run_build(BuildOptions(source=source, out=out, fresh=True, jobs=jobs),
                               stderr=stream)
            result = BuildResult(status, stream.getvalue(), source, out)
        after_build = theme_pages._get_last_updated_file
    return {"result": result, "asked": asked, "highlighted": highlighted,
            "source": source, "restored": after_build is counting_git}


@pytest.fixture(scope="module")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _counted_build(_git_repository(tmp_path_factory), jobs=1)


def _page(result: BuildResult, guide: str) -> str:
    return (result.out / guide / "common" / "shared.html").read_text(encoding="utf-8")


def test_the_theme_asks_git_once_per_source_file(shared_build: dict[str, Any]) -> None:
    result: BuildResult = shared_build["result"]
    assert result.status == 0, result.output
    shared = str(shared_build["source"] / "common" / "shared.rst")
    asked = collections.Counter(path for path, _thread in shared_build["asked"])
    assert asked[shared] == 1
    assert all(count == 1 for count in asked.values()), asked
    for guide in ("user", "admin"):
        assert "last updated: 2001-02-03 04:05" in _page(result, guide)
    # After the build the theme's own function is back (the next build asks git anew).
    assert shared_build["restored"]


def test_each_code_block_is_highlighted_once(shared_build: dict[str, Any]) -> None:
    result: BuildResult = shared_build["result"]
    assert shared_build["highlighted"] == {"python": 1, "nosuchlexer": 1}
    blocks = [re.findall(r'<div class="highlight"><pre>.*?</pre>', _page(result, guide),
                         re.S) for guide in ("user", "admin")]
    assert blocks[0] == blocks[1] and len(blocks[0]) == 2
    assert '<span class="k">def</span>' in blocks[0][0]


def test_a_highlighting_warning_is_given_once_at_its_line(
    shared_build: dict[str, Any],
) -> None:
    output = shared_build["result"].output
    warnings = [line for line in output.splitlines() if "nosuchlexer" in line]
    assert len(warnings) == 1, output
    assert re.search(r"common/shared\.rst:\d+: WARNING: Pygments lexer name 'nosuchlexer'",
                     warnings[0]), warnings


def test_with_two_jobs_the_dates_are_asked_while_sphinx_reads(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Sphinx forks the page writers with ``-j 2``: every page's date was asked before, by
    the background thread, and the pages the forked writers made show it."""
    build = _counted_build(_git_repository(tmp_path_factory), jobs=2)
    result: BuildResult = build["result"]
    assert result.status == 0, result.output
    # The generated pages (genindex, search, 404) have no source: no git call for them.
    sources = [(path, thread) for path, thread in build["asked"] if os.path.isfile(path)]
    source = build["source"]
    assert sorted(path for path, _thread in sources) == sorted(str(source / page) for page in (
        "admin/index.rst", "common/shared.rst", "user/index.rst")), build["asked"]
    assert {thread for _path, thread in sources} == {"guidebook-git-dates"}, sources
    for guide in ("user", "admin"):
        assert "last updated: 2001-02-03 04:05" in _page(result, guide)
    # The two guides are written by two processes, each highlighting the shared page's
    # blocks: the warning about the unknown lexer is still given once, at its line.
    warnings = [line for line in result.output.splitlines() if "nosuchlexer" in line]
    assert len(warnings) == 1, result.output
    assert re.search(r"common/shared\.rst:\d+: WARNING: Pygments lexer name", warnings[0])
