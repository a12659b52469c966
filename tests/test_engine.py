"""The engine's modules, directly and through real builds of small roots.

Golden files (``tests/golden/engine/``) pin the navigation HTML, the manifest and the
search index of ``tests/roots/test-engine`` as they were when the builder was split by
concern; ``GUIDEBOOK_UPDATE_GOLDEN=1`` rewrites them after a deliberate change. One test
compares guidebook's per-guide navigation with Sphinx's own toctree rendering.
"""

from __future__ import annotations

import dataclasses
import json
import os
import posixpath
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
import sphinx
from sphinx.cmd.build import build_main
from sphinx.errors import ConfigError
from sphinx.util.tags import Tags

from guidebook.config import (
    GuidebookConfig,
    at_least,
    describe_type,
    setting_problem,
    setting_types,
    url_path,
)
from guidebook.engine.captions import CAPTION_HEADING, SPHINX_CAPTION, with_caption_levels
from guidebook.engine.navigation import Navigation, NavItem, NavSection, filter_toctree_entries
from guidebook.engine.part_navigation import navigation_order
from guidebook.engine.site_outputs import load_previous_manifest
from guidebook.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    NavEntry,
    Page,
    PdfEntry,
    PublishedPart,
    Redirect,
    load_manifest,
    write_manifest,
)
from guidebook.sphinx_internals import forget_evaluated_conditions
from tests.conftest import Builder, BuildResult, build_source

GOLDEN = Path(__file__).parent / "golden" / "engine"
_SIDEBAR_NAV = re.compile(
    r'<div class="sphinxsidebarwrapper">.*?<h3>Navigation</h3>\s*(.*?)\s*<div class="relations">',
    re.S,
)


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GUIDEBOOK_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), (f"no golden file {path} (Sphinx {sphinx.__version__}): record it "
                            "with GUIDEBOOK_UPDATE_GOLDEN=1 and check what it holds")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from {path}"


def sidebar_navigation(html: str) -> str:
    match = _SIDEBAR_NAV.search(html)
    assert match, "no navigation in the sidebar"
    return match.group(1)


@pytest.fixture(scope="module")
def engine_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    import shutil

    root = tmp_path_factory.mktemp("engine")
    shutil.copytree(Path(__file__).parent / "roots" / "test-engine", root / "src")
    result = build_source(root / "src", root / "out", strict=True)
    assert result.status == 0, result.output
    return result


@pytest.mark.parametrize(("part", "docname"), [
    ("user", "user/index"), ("user", "user/upload"), ("user", "common/formats"),
    ("operator", "admin/deploy"), ("operator", "common/formats"),
])
def test_golden_navigation(engine_site: BuildResult, part: str, docname: str) -> None:
    nav = sidebar_navigation(engine_site.html(part, docname))
    golden(f"nav-{part}-{docname.replace('/', '-')}.html", nav + "\n")


def test_golden_manifest(engine_site: BuildResult) -> None:
    golden("manifest.json", json.dumps(engine_site.manifest, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("part", ["user", "operator"])
def test_golden_search_index(engine_site: BuildResult, part: str) -> None:
    index = engine_site.searchindex(part)
    index.pop("envversion")  # the versions of Sphinx and its extensions, not guidebook's output
    # Sphinx's stemmer and stopwords change between major versions: one golden file each.
    major = sphinx.version_info[0]
    golden(f"searchindex-{part}-sphinx{major}.json",
           json.dumps(index, indent=1, sort_keys=True) + "\n")


def test_search_index_and_navigation_hold_only_the_guide(engine_site: BuildResult) -> None:
    user = engine_site.searchindex("user")
    operator = engine_site.searchindex("operator")
    assert "deploy" in json.dumps(operator["indexentries"])
    assert "deploy" not in json.dumps(user["indexentries"])
    assert "quota" not in user["terms"] and "backend" not in user["terms"]
    assert "convers" in operator["terms"] and "convers" not in user["terms"]
    assert "Deploy the service" not in sidebar_navigation(engine_site.html("user", "user/index"))


def _normalised(fragment: str, docname: str) -> str:
    """Whitespace between tags dropped, each relative link resolved against the page.

    guidebook links each entry from the top of the guide's folder (``../third/leaf.html``
    from ``third/leaf``), Sphinx by the shortest path (``leaf.html``), and to a section of
    the page itself by the page's name (``first.html#one``) where Sphinx writes ``#one``:
    the same targets.
    """
    here = posixpath.dirname(docname)

    def resolve(match: re.Match[str]) -> str:
        href = match.group(1)
        if href == "#" or href.startswith(("http:", "https:")):
            return match.group(0)
        if href.startswith("#"):
            href = posixpath.basename(docname) + ".html" + href
        return f'href="{posixpath.normpath(posixpath.join(here, href))}"'

    return re.sub(r'href="([^"]*)"', resolve, re.sub(r">\s+<", "><", fragment).strip())


def test_navigation_matches_sphinx_own_toctree(tmp_path: Path, copy_root: Any) -> None:
    """guidebook's per-guide sidebar is what plain Sphinx renders for the same pages."""
    source = copy_root("oneguide")
    plain = tmp_path / "plain"
    assert build_main(["-b", "html", "-q", "-E", str(source), str(plain),
                       "-d", str(tmp_path / "plain-doctrees")]) == 0
    result = build_source(source, tmp_path / "out", strict=True)
    assert result.status == 0, result.output
    pages = ["guide/index", "guide/first", "guide/second", "guide/third/index",
             "guide/third/leaf"]
    for docname in pages:
        ours = sidebar_navigation(result.html("guide", docname))
        theirs = sidebar_navigation((plain / f"{docname}.html").read_text(encoding="utf-8"))
        # The one difference: guidebook gives each caption a heading level (captions.py).
        assert _normalised(ours, docname) == _normalised(with_caption_levels(theirs),
                                                         docname), docname
        assert CAPTION_HEADING in ours or SPHINX_CAPTION not in theirs


def test_settings_that_change_no_source_do_not_reread(tmp_path: Path, copy_root: Any) -> None:
    """The switcher (an "html" setting) and --only (a build option) never re-read a page."""
    source, out = copy_root("engine"), tmp_path / "out"
    first = build_source(source, out)
    assert first.status == 0 and "reading sources" in first.output, first.output
    assert 'class="guidebook-switcher"' in first.html("user", "common/formats")

    no_switcher = build_source(source, out, overrides={"guidebook_switcher": False})
    assert no_switcher.status == 0, no_switcher.output
    assert "updating environment: 0 added, 0 changed, 0 removed" in no_switcher.output
    assert "reading sources... [" not in no_switcher.output, no_switcher.output
    assert 'class="guidebook-switcher"' not in no_switcher.html("user", "common/formats")

    only = build_source(source, out, overrides={"guidebook_switcher": False}, only=("user",))
    assert only.status == 0, only.output
    assert "updating environment: 0 added, 0 changed, 0 removed" in only.output
    assert "reading sources... [" not in only.output, only.output
    assert "guidebook: writing operator" not in only.output
    assert [guide["name"] for guide in only.manifest["guides"]] == ["user"]


def test_mistyped_setting_names_it_and_its_line(tmp_path: Path, copy_root: Any) -> None:
    source = copy_root("engine")
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + 'guidebook_switcher = "no"\n')
    result = build_source(source, tmp_path / "out")
    line = len(conf.read_text().splitlines())
    assert result.status == 2
    assert (f"guidebook: error: {conf}:{line}: guidebook_switcher must be True or False, "
            "not str ('no')") in result.output


def test_unknown_setting_value_is_an_error_at_its_line(tmp_path: Path, copy_root: Any) -> None:
    """guidebook_openapi_markup is checked: a typo no longer means CommonMark silently."""
    source = copy_root("engine")
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + '\nguidebook_openapi_markup = "markdown"\n')
    result = build_source(source, tmp_path / "out")
    line = len(conf.read_text().splitlines())
    assert result.status == 2
    assert (f"guidebook: error: {conf}:{line}: guidebook_openapi_markup must be one of "
            "'commonmark', 'restructuredtext', not 'markdown'") in result.output


@dataclasses.dataclass
class _NewSettings(GuidebookConfig):
    """The settings with fields of the kinds a new setting may have."""

    logo: str | None = dataclasses.field(default=None, metadata={"rebuild": "html"})
    languages: tuple[str, ...] = dataclasses.field(default=("en",),
                                                   metadata={"rebuild": "env"})
    width: int = dataclasses.field(default=3, metadata={"rebuild": "", "validate": at_least(1)})


class _Registry:
    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.types: dict[str, frozenset[type]] = {}

    def add_config_value(self, name: str, default: Any, rebuild: str,
                         types: frozenset[type]) -> None:
        self.types[name] = types
        self.values.setdefault(name, default)


def test_optional_and_tuple_settings_register_and_check(tmp_path: Path) -> None:
    registry = _Registry({})
    _NewSettings.register(cast("Any", registry))
    assert registry.types["guidebook_logo"] == {str, type(None)}
    assert registry.types["guidebook_languages"] == {tuple}
    assert registry.types["guidebook_guides"] == {dict}
    conf = tmp_path / "conf.py"
    conf.write_text("project = 'x'\nguidebook_languages = ('en', 2)\n")
    config = SimpleNamespace(**registry.values)
    _NewSettings.check(cast("Any", config), conf)  # the defaults are right
    config.guidebook_logo = "logo.png"
    _NewSettings.check(cast("Any", config), conf)
    config.guidebook_languages = ["en", 2]
    with pytest.raises(ConfigError, match=r"^conf.py:2: guidebook_languages must be a tuple of "
                       r"strings, not list \(\['en', 2\]\)$"):
        _NewSettings.check(cast("Any", config), conf)
    config.guidebook_languages = ("en", "fr")
    config.guidebook_width = 0
    with pytest.raises(ConfigError, match=r"^conf.py:1: guidebook_width must be at least 1"):
        _NewSettings.check(cast("Any", config), conf)
    config.guidebook_width = True
    with pytest.raises(ConfigError, match="guidebook_width must be a whole number, not bool"):
        _NewSettings.check(cast("Any", config), conf)


def test_setting_types_in_words() -> None:
    hints = setting_types(GuidebookConfig)
    assert describe_type(hints["folder_audiences"]) == (
        "a dict of strings to strings or lists of strings")
    assert describe_type(hints["releasenotes_routing"]) == "a dict of strings to lists of strings"
    assert setting_problem({"a/": ["user", 1]}, hints["folder_audiences"]) == (
        "must be a dict of strings to strings or lists of strings, not dict ({'a/': ['user', 1]})")
    assert setting_problem("/docs", hints["redirect_base"], url_path) is not None
    assert setting_problem("/docs/", hints["redirect_base"], url_path) is None


# -- the modules on their own ------------------------------------------------------------


def _item(title: str, docname: str, *children: NavItem) -> NavItem:
    return NavItem(title=title, url=f"{docname}.html", docname=docname, anchor="",
                   children=list(children))


def test_navigation_renders_the_path_to_the_page_only() -> None:
    leaf = _item("Leaf", "b/leaf")
    sections = [NavSection("Start", -1, [_item("A", "a"), _item("B", "b/index", leaf)])]
    navigation = Navigation(sections)
    html = navigation.render("b/leaf", collapse=True, maxdepth=0, prefix="../")
    assert ('<p class="caption" role="heading" aria-level="2"><span class="caption-text">'
            'Start</span></p>') in html
    assert ('<li class="toctree-l1"><a class="reference internal" href="../a.html">A</a></li>'
            in html)
    assert ('<li class="toctree-l2 current"><a class="current reference internal" href="#">'
            'Leaf') in html
    collapsed = navigation.render("a", collapse=True, maxdepth=0, prefix="")
    assert "Leaf" not in collapsed  # collapsed: another branch's children stay closed


def test_filter_toctree_entries_keeps_links_and_the_guide() -> None:
    from sphinx import addnodes

    node = addnodes.toctree(entries=[(None, "a"), (None, "b"), ("X", "https://x.test/"),
                                     (None, "genindex")], includefiles=["a", "b"])
    filter_toctree_entries(node, {"a"})
    assert node["entries"] == [(None, "a"), ("X", "https://x.test/"), (None, "genindex")]
    assert node["includefiles"] == ["a"]


def test_navigation_order_walks_the_toctrees_of_the_part() -> None:
    from guidebook.config import Part

    part = Part("user", "User", "user/index", "", "guide",
                frozenset({"user/index", "user/a", "user/b", "common/c", "user/unreached"}))
    includes = {"user/index": ["user/a", "common/c", "other/x"], "user/a": ["user/b"]}
    assert navigation_order(part, includes) == (
        NavEntry("user/index", 0), NavEntry("user/a", 1), NavEntry("user/b", 2),
        NavEntry("common/c", 1),
    )


def test_previous_manifest_round_trip(tmp_path: Path) -> None:
    page = Page("u", "u.rst", "", "user/u.html", ("user", "api"), "how-to")
    manifest = Manifest(
        published_parts=(PublishedPart("user", "User", "guide", "u", "user/u.html", (page,),
                          (NavEntry("u", 0),)),
                  PublishedPart("api", "API", "part", "a", "api/a.html",
                          (dataclasses.replace(page, url="api/u.html"),))),
        redirects=(Redirect("old.html", "user/u.html", None),),
        pdfs=(PdfEntry("user", "User", "user/x-user.pdf", 3, 1000),),
    )
    write_manifest(tmp_path / MANIFEST_NAME, manifest)
    previous = load_previous_manifest(tmp_path / MANIFEST_NAME)
    assert previous == manifest
    assert previous.first_urls() == {"u": "user/u.html"}
    assert previous.published_part("api") is not None
    assert previous.published_part("api").titles() == {"u": ""}  # an empty title stands
    data = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert [list(data), [entry["name"] for entry in data["parts"]]] == [
        ["guides", "parts", "redirects", "pdfs"], ["api"]]
    assert load_previous_manifest(tmp_path / "missing.json") == Manifest()
    (tmp_path / "broken.json").write_text('{"guides": [{"name": "u", "pages": 3}]}')
    assert load_previous_manifest(tmp_path / "broken.json") == Manifest()
    with pytest.raises(ManifestError, match=r'broken.json: guides\[0\]: "pages" must be a list'):
        load_manifest(tmp_path / "broken.json")


def test_forget_evaluated_conditions_lets_tags_change() -> None:
    tags = Tags(["user"])
    assert tags.eval_condition("user")
    tags.remove("user")
    forget_evaluated_conditions(tags)
    assert not tags.eval_condition("user")


def test_sphinx_build_b_guidebook_never_loads_the_driver(tmp_path: Path, copy_root: Any) -> None:
    """``sphinx-build -b guidebook`` works on its own, and Sphinx never imports the driver."""
    import subprocess
    import sys

    source, out = str(copy_root("oneguide")), str(tmp_path / "o")
    script = (
        "import sys\n"
        "from sphinx.cmd.build import build_main\n"
        f"status = build_main(['-b', 'guidebook', '-q', {source!r}, {out!r}])\n"
        "print(status, sorted(m for m in sys.modules if m.startswith('guidebook.driver')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stdout + done.stderr
    assert (tmp_path / "o" / "guide" / "first.html").is_file()
    assert (tmp_path / "o" / MANIFEST_NAME).is_file()


def test_a_pruned_home_drops_the_headings_left_with_nothing_under_them(
    build_root: Builder,
) -> None:
    result = build_root("pruned-home", strict=True)
    assert result.status == 0, result.output
    user, admin = result.html("user", "index"), result.html("admin", "index")
    # Each guide keeps its own section and the one with text; the other guide's section
    # held only a toctree the pruning emptied, and goes.
    assert "Using the service" in user and "Running the service" not in user
    assert "Running the service" in admin and "Using the service" not in admin
    assert "About the service" in user and "About the service" in admin
    # A heading over a hidden toctree is the author's: it stays where the page is kept,
    # and goes where the pruning emptied it.
    assert "Reading the source" in user
    assert "Reading the source" not in admin
    # A section whose every subsection went has nothing left under it either.
    assert "Other services" not in user and "Administration tools" not in user
    assert "Other services" in admin and "Administration tools" in admin
    # Each list of the page's headings shows exactly the headings left: the body's
    # ``.. contents::`` and the sidebar's local table of contents ("on this page").
    for html, headings in (
        (user, ["About the service", "Using the service", "Reading the source"]),
        (admin, ["About the service", "Running the service", "Other services",
                 "Administration tools"]),
    ):
        body, sidebar = html.split('<div class="sphinxsidebar"', 1)
        contents = body[body.index('<nav class="contents local"'):].split("</nav>", 1)[0]
        assert re.findall(r'href="#[^"]+" id="id\d+">([^<]+)<', contents) == headings
        local = sidebar.split("Table of Contents</a></h3>", 1)[1].split("<h3>Navigation")[0]
        assert re.findall(r'href="#[^"]*">([^<]+)<', local) == ["Pruned home", *headings]
