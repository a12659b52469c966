"""The URL layout (guidebook.urls): where each page of a guide is published."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebook.urls import (
    UrlCollision,
    collisions,
    home_folder,
    page_path,
    page_url,
    part_url,
    path_in_part,
)
from tests.badinput.corpus import build_quietly, write_files


@pytest.mark.parametrize(
    ("part", "docname", "root", "url"),
    [
        # The root page is the part's index, whatever its docname.
        ("user", "user/index", "user/index", "user/index.html"),
        ("operator", "admin/index", "admin/index", "operator/index.html"),
        ("api-ref", "api-ref/index", "api-ref/index", "api-ref/index.html"),
        ("user", "user/start", "user/start", "user/index.html"),
        # A page of the home folder drops the folder, at any depth below it.
        ("user", "user/sharing", "user/index", "user/sharing.html"),
        ("operator", "admin/quotas", "admin/index", "operator/quotas.html"),
        ("admin", "admin/quotas", "admin/index", "admin/quotas.html"),
        ("user", "user/howto/share", "user/index", "user/howto/share.html"),
        # A page of another folder keeps its folder.
        ("user", "common/statuses", "user/index", "user/common/statuses.html"),
        ("operator", "user/sharing", "admin/index", "operator/user/sharing.html"),
        ("user", "whats-new", "user/index", "user/whats-new.html"),
        # A folder whose name starts like the home folder's is another folder.
        ("user", "users/list", "user/index", "user/users/list.html"),
        # A root deeper in the tree: its folder is the home folder.
        ("user", "guides/user/a", "guides/user/index", "user/a.html"),
        ("user", "guides/common/b", "guides/user/index", "user/guides/common/b.html"),
        # A root at the top of the tree: every page keeps its path.
        ("site", "index", "index", "site/index.html"),
        ("site", "user/a", "index", "site/user/a.html"),
    ],
)
def test_page_url(part: str, docname: str, root: str, url: str) -> None:
    assert page_url(part, docname, root) == url
    assert page_path(part, docname, root) + ".html" == url


def test_home_folder_and_part_url() -> None:
    assert home_folder("admin/index") == "admin"
    assert home_folder("guides/user/index") == "guides/user"
    assert home_folder("index") == ""
    assert part_url("operator") == "operator/index.html"
    assert path_in_part("admin/index", "admin/index") == "index"


def test_page_paths_in_a_part_rooted_in_another_folder() -> None:
    paths = {doc: page_path("operator", doc, "admin/index")
             for doc in ["admin/index", "admin/cache", "common/x", "user/other"]}
    assert paths == {
        "admin/index": "operator/index", "admin/cache": "operator/cache",
        "common/x": "operator/common/x", "user/other": "operator/user/other",
    }


def source(docname: str) -> str:
    return f"doc/source/{docname}.rst"


def test_no_collision_in_a_plain_guide() -> None:
    assert collisions("user", "user/index",
                      ["user/index", "user/a", "common/a", "user/common/b"], source) == []


def test_collision_names_both_files() -> None:
    # user/common/a.rst (home folder dropped) and common/a.rst (folder kept) meet.
    found = collisions("user", "user/index", ["user/index", "user/common/a", "common/a"], source)
    assert found == [UrlCollision("user", "user/common/a.html", "doc/source/common/a.rst",
                                  "doc/source/user/common/a.rst")]
    assert found[0].message == (
        "doc/source/common/a.rst and doc/source/user/common/a.rst would both be published "
        "at user/common/a.html in 'user'; rename or move one of them")


def test_collision_with_the_root_and_with_generated_pages() -> None:
    # A root that is not called index meets the home folder's own index page.
    found = collisions("user", "user/start", ["user/start", "user/index", "user/search"],
                       source)
    assert [(c.url, c.first, c.second) for c in found] == [
        ("user/index.html", "doc/source/user/start.rst", "doc/source/user/index.rst"),
        ("user/search.html", "the search page Sphinx generates", "doc/source/user/search.rst"),
    ]


def test_a_page_named_like_a_top_level_page_keeps_its_folder(tmp_path: Path) -> None:
    """cinder's tree: the top-level ``drivers`` (every guide) and ``contributor/drivers``.
    Dropping the guide's folder would put both at ``contributor/drivers.html`` and the
    adopted tree would not build; the guide's page keeps its folder instead."""
    source = tmp_path / "src"
    write_files(source, {
        "conf.py": (
            'extensions = ["guidebook"]\nproject = "Drivers"\nhtml_theme = "alabaster"\n'
            'guidebook_guides = {\n'
            '    "user": {"title": "User guide", "root": "index", "description": ""},\n'
            '    "contributor": {"title": "Contributor guide", "root": "index",\n'
            '                    "description": ""},\n}\n'
            'guidebook_folder_audiences = {"*": "*", "contributor/": "contributor"}\n'),
        "index.rst": "Home\n====\n\n.. toctree::\n\n   drivers\n   contributor/index\n",
        "drivers.rst": "Available drivers\n=================\n\nEvery driver.\n",
        "contributor/index.rst": (
            "Contributing\n============\n\n.. toctree::\n\n   drivers\n   howto\n"),
        "contributor/drivers.rst": "Writing a driver\n================\n\nThe API.\n",
        "contributor/howto.rst": "How to\n======\n\nSteps.\n",
    })
    result = build_quietly(source, tmp_path / "out")
    assert result.status == 0, result.output
    out = tmp_path / "out"
    assert "<title>Available drivers" in (out / "contributor" / "drivers.html").read_text()
    assert "<title>Writing a driver" in (
        out / "contributor" / "contributor" / "drivers.html").read_text()
    # A page with no namesake at the top still drops the guide's folder.
    assert (out / "contributor" / "howto.html").is_file()
    assert "<title>Available drivers" in (out / "user" / "drivers.html").read_text()
    assert page_path("contributor", "contributor/drivers", "index") == "contributor/drivers"
    assert page_path("contributor", "contributor/drivers", "index",
                     frozenset({"drivers", "contributor/drivers"})) == (
        "contributor/contributor/drivers")
