"""Hand-written relative ``.html`` links follow their page into its guide.

The tree is laid out as a plain Sphinx project would be (``install/index``,
``configuration/config``) and its guides are rooted at the top-level index, as ``init``
proposes on real trees: every page gets a new URL, so links written for the plain layout
would break. They are rewritten to the page's URL in the linking page's guide, else in the
first guide that has it; a link that names no page is a warning at its line.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from tests.badinput.corpus import build_quietly, write_files
from tests.conftest import BuildResult

FILES = {
    "conf.py": (
        'extensions = ["guidebook"]\nproject = "Links"\nhtml_theme = "alabaster"\n'
        "guidebook_guides = {\n"
        '    "operator": {"title": "Operator guide", "root": "install/index",\n'
        '                 "description": "Operators."},\n'
        '    "admin": {"title": "Admin guide", "root": "configuration/index",\n'
        '              "description": "Admins."},\n'
        "}\n"
        'guidebook_folder_audiences = {"install/": "operator", "configuration/": "admin"}\n'
    ),
    "install/index.rst": (
        "Install\n=======\n\n.. toctree::\n\n   steps\n"
    ),
    "install/steps.rst": (
        "Steps\n=====\n\n"
        "Configure it as `the configuration page <../configuration/config.html#options>`_ "
        "says, then see the `index <index.html>`_.\n\n"
        "A `gone page <../configuration/gone.html>`_ and `the index <genindex.html>`_.\n\n"
        "Also the target_.\n\n"
        ".. _target: ../configuration/config.html\n"
    ),
    "configuration/index.rst": "Configuration\n=============\n\n.. toctree::\n\n   config\n",
    "configuration/config.rst": (
        "Config\n======\n\n.. _options:\n\nOptions\n-------\n\nText.\n"
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("links")
    write_files(root / "src", FILES)
    return build_quietly(root / "src", root / "out", strict=False)


def _hrefs(html: str, text: str) -> list[str]:
    return re.findall(rf'<a class="reference external" href="([^"]*)">{text}</a>', html)


def test_a_relative_link_to_a_page_follows_the_page(built: BuildResult) -> None:
    assert built.status == 0, built.output
    steps = built.page("operator", "install/steps")
    config = built.page("admin", "configuration/config")
    index = built.page("operator", "install/index")
    html = steps.read_text(encoding="utf-8")
    to_config = posixpath.relpath(config.as_posix(), steps.parent.as_posix())
    assert _hrefs(html, "the configuration page") == [f"{to_config}#options"]
    assert _hrefs(html, "target") == [to_config]
    assert _hrefs(html, "index") == [posixpath.relpath(index.as_posix(),
                                                       steps.parent.as_posix())]
    # Each link leads to the published file and its anchor.
    target = (steps.parent / to_config).resolve()
    assert target == config.resolve()
    assert 'id="options"' in config.read_text(encoding="utf-8")
    assert _hrefs(html, "the index") == ["genindex.html"]  # each guide's own index


def test_a_link_that_names_no_page_is_a_warning_at_its_line(built: BuildResult) -> None:
    source = built.source
    assert (f"{source}/install/steps.rst:6: WARNING: link to '../configuration/gone.html' "
            "leads to no page of the site (it names configuration/gone.html); link the page "
            "with :doc: or fix the path [guidebook.link-broken]") in built.output.splitlines()
    assert built.output.count("[guidebook.link-broken]") == 1, built.output


def test_strict_fails_on_it_after_an_unrelated_change(tmp_path: Path) -> None:
    write_files(tmp_path / "src", FILES)
    first = build_quietly(tmp_path / "src", tmp_path / "out", strict=False)
    assert first.status == 0, first.output
    write_files(tmp_path / "src", {"configuration/config.rst":
                                   FILES["configuration/config.rst"] + "\nMore.\n"})
    strict = build_quietly(tmp_path / "src", tmp_path / "out", strict=True)
    assert strict.status == 1
    assert "install/steps.rst:6: WARNING: link to '../configuration/gone.html'" in strict.output
