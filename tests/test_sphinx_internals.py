"""Guards on every private Sphinx and docutils name guidebook uses (all in one seam).

Each test fails, naming the installed Sphinx and docutils versions, when the internal
that :mod:`guidebook.sphinx_internals` relies on has changed; mend that module. The last
test checks that no other module of guidebook reaches into a private name.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import docutils
import pytest
import sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search import IndexBuilder
from sphinx.util.tags import Tags

from guidebook import sphinx_internals
from guidebook.engine.builder import GuidebookBuilder
from tests.conftest import build_source

VERSIONS = f"Sphinx {sphinx.__version__}, docutils {docutils.__version__}"
SRC = Path(sphinx_internals.__file__).parent


def changed(what: str) -> str:
    return (f"{VERSIONS}: {what}; guidebook/sphinx_internals.py relies on it "
            "(mend it there, see its docstring)")


def _owner(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    owner = getattr(importlib.import_module(module), name)
    assert isinstance(owner, type)
    return owner


EXPECTED_SIGNATURES = {
    "_read_serial": ["self", "docnames"],
    "_get_local_toctree": ["self", "docname", "collapse", "kwargs"],
}


@pytest.mark.parametrize(("owner", "name"), sphinx_internals.OVERRIDDEN_METHODS)
def test_overridden_private_methods_still_exist_with_their_signature(owner: str,
                                                                     name: str) -> None:
    method = _owner(owner).__dict__.get(name)
    assert callable(method), changed(f"{owner}.{name} no longer exists")
    parameters = list(inspect.signature(method).parameters)
    assert parameters == EXPECTED_SIGNATURES[name], changed(
        f"{owner}.{name} now takes {parameters}, not {EXPECTED_SIGNATURES[name]}"
    )
    # Sphinx must still call the method through the builder (our override wins).
    assert getattr(GuidebookBuilder, name) is getattr(sphinx_internals.PrivateBuilderHooks, name)


def test_overrides_are_called_during_a_build(tmp_path: Path, copy_root: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A renamed hook would leave Sphinx's own (quadratic) code running, silently."""
    calls: dict[str, int] = {"read_serially": 0, "local_navigation": 0}
    read_serially = GuidebookBuilder.read_serially
    local_navigation = GuidebookBuilder.local_navigation

    def counting_read(self: GuidebookBuilder, docnames: list[str]) -> None:
        calls["read_serially"] += 1
        read_serially(self, docnames)

    def counting_nav(self: GuidebookBuilder, docname: str, collapse: bool, **kwargs: Any) -> str:
        calls["local_navigation"] += 1
        return local_navigation(self, docname, collapse, **kwargs)

    monkeypatch.setattr(GuidebookBuilder, "read_serially", counting_read)
    monkeypatch.setattr(GuidebookBuilder, "local_navigation", counting_nav)
    result = build_source(copy_root("audiences"), tmp_path / "out")
    assert result.status == 0, result.output
    assert calls["read_serially"] == 1, changed("Builder._read_serial is no longer called")
    assert calls["local_navigation"] > 0, changed(
        "StandaloneHTMLBuilder._get_local_toctree is no longer called for the sidebar"
    )


def test_html_builder_output_folders() -> None:
    """Each asset folder is still a private attribute computed from outdir, and used."""
    source = inspect.getsource(StandaloneHTMLBuilder)
    for attribute, folder in sphinx_internals.HTML_OUTPUT_FOLDERS.items():
        assert re.search(rf"self\.{attribute}(: \w+)? = Path\(self\.outdir / '{folder}'\)",
                         source), changed(
            f"StandaloneHTMLBuilder no longer sets self.{attribute} to outdir/{folder}"
        )
        assert source.count(f"self.{attribute}") > 1, changed(
            f"StandaloneHTMLBuilder no longer writes through self.{attribute}"
        )


def test_page_assets_are_put_back_from_the_copy_prepare_writing_takes() -> None:
    prepare = inspect.getsource(StandaloneHTMLBuilder.prepare_writing)
    handle = inspect.getsource(StandaloneHTMLBuilder.handle_page)
    for current, original in sphinx_internals.PAGE_ASSET_LISTS:
        assert f"self.{original} = " in prepare, changed(
            f"StandaloneHTMLBuilder.prepare_writing no longer copies self.{current}")
        assert f"self.{current}[:] = self.{original}" in handle, changed(
            f"StandaloneHTMLBuilder.handle_page no longer puts self.{current} back")


def test_tags_condition_cache_is_forgotten() -> None:
    tags = Tags(["user"])
    assert isinstance(getattr(tags, "_condition_cache", None), dict), changed(
        "Tags._condition_cache is gone"
    )
    assert tags.eval_condition("user")
    tags.remove("user")
    tags.add("admin")
    sphinx_internals.forget_evaluated_conditions(tags)
    # Without the memo forgotten, the old answer would stand: one guide's blocks in another.
    assert not tags.eval_condition("user"), changed("Tags memoises conditions elsewhere")
    assert tags.eval_condition("admin")


def test_read_doctree_is_forgotten() -> None:
    from sphinx.environment import BuildEnvironment

    for owner, method in ((Builder, "write_doctree"), (BuildEnvironment, "__init__"),
                          (BuildEnvironment, "get_and_resolve_doctree")):
        assert "_write_doc_doctree_cache" in inspect.getsource(getattr(owner, method)), \
            changed(f"{owner.__name__}.{method} no longer uses _write_doc_doctree_cache")
    env = BuildEnvironment.__new__(BuildEnvironment)
    env._write_doc_doctree_cache = {"api-ref/operations/repos": object(), "user/index": 1}
    sphinx_internals.forget_read_doctree(env, "api-ref/operations/repos")
    assert env._write_doc_doctree_cache == {"user/index": 1}


def test_search_index_state_attributes(tmp_path: Path, copy_root: Any) -> None:
    init = inspect.getsource(IndexBuilder.__init__)
    for attribute in (*sphinx_internals.SEARCH_INDEX_STATE, "_domains"):
        assert f"self.{attribute}" in init, changed(f"IndexBuilder.{attribute} is gone")
    for method, attribute in (("get_objects", "_domains"), ("freeze", "_index_entries"),
                              ("prune", "_titles"), ("feed", "_mapping")):
        assert f"self.{attribute}" in inspect.getsource(getattr(IndexBuilder, method)), changed(
            f"IndexBuilder.{method} no longer reads self.{attribute}"
        )


def test_unused_search_words_are_dropped() -> None:
    prune = inspect.getsource(IndexBuilder.prune)
    for attribute in ("_mapping", "_title_mapping"):
        assert f"self.{attribute}" in prune, changed(f"IndexBuilder.prune no longer prunes "
                                                     f"self.{attribute}")
    indexer = IndexBuilder.__new__(IndexBuilder)
    indexer._mapping = {"kept": {"a"}, "gone": set()}
    indexer._title_mapping = {"gone": set()}
    sphinx_internals.drop_unused_search_words(indexer)
    assert indexer._mapping == {"kept": {"a"}} and indexer._title_mapping == {}


def test_docutils_registries() -> None:
    directives = sphinx_internals.docutils_directive_names()
    roles = sphinx_internals.docutils_role_names()
    assert {"note", "image", "include"} <= directives, changed(
        "docutils.parsers.rst.directives._directive_registry/_directives changed"
    )
    assert {"emphasis", "literal"} <= roles, changed(
        "docutils.parsers.rst.roles._role_registry/_roles changed"
    )


def test_loaded_catalogs_are_forgotten(tmp_path: Path) -> None:
    import gettext

    import sphinx.locale
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    messages = tmp_path / "xx" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    for word in ("first", "second"):
        catalog = Catalog(locale="de")
        catalog.add("Hello", word)
        with open(messages / "probe.mo", "wb") as handle:
            write_mo(handle, catalog)
        translator, found = sphinx.locale.init([str(tmp_path)], "xx", "probe")
        assert found and translator.gettext("Hello") == word, changed(
            "sphinx.locale.translators or gettext._translations changed: a recompiled "
            "catalog is not read again")
        sphinx_internals.forget_loaded_catalogs()
    assert ("general", "probe") not in sphinx.locale.translators
    assert not any("probe.mo" in str(key) for key in gettext._translations)


def test_builder_application_and_post_transform_class(tmp_path: Path, copy_root: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF writer's LaTeX builder: its application, and the class post-transforms see."""
    from sphinx.transforms.post_transforms import ReferencesResolver, SphinxPostTransform

    # Sphinx 9 chooses post-transforms by env._builder_cls, 8.2 by the app's builder: the
    # PDF writer sets both while its LaTeX builder writes.
    chooser = inspect.getsource(SphinxPostTransform.is_supported)
    if sphinx.version_info[0] >= 9:
        assert "self._app" in inspect.getsource(Builder.__init__), changed(
            "Builder.__init__ no longer keeps the application in _app")
        assert "_builder_cls" in chooser, changed(
            "post-transforms no longer choose by env._builder_cls")
    else:
        assert "app.builder" in chooser, changed("post-transforms no longer ask app.builder")
    assert "app.builder" in inspect.getsource(ReferencesResolver), changed(
        "references are no longer resolved with the application's builder")
    seen: dict[str, Any] = {}
    init = GuidebookBuilder.init

    def recording_init(self: GuidebookBuilder) -> None:
        init(self)
        seen["app"] = sphinx_internals.builder_application(self)
        seen["class"] = sphinx_internals.post_transform_builder_class(self.env)

    monkeypatch.setattr(GuidebookBuilder, "init", recording_init)
    result = build_source(copy_root("audiences"), tmp_path / "out")
    assert result.status == 0, result.output
    assert seen["app"].builder.name == "guidebook", changed("builder._app is not the app")
    if sphinx.version_info[0] >= 9:
        assert seen["class"] is GuidebookBuilder, changed(
            "env._builder_cls is not the builder's class")
    else:
        assert seen["class"] is None


#: Underscore names of the standard library that are documented API.
_DOCUMENTED = {"_exit", "_replace", "_asdict", "_fields", "_make", "_value_", "_name_",
               "_missing_", "_generate_next_value_", "_ignore_"}
#: Standard-library modules whose underscore names are documented API.
_STDLIB = {"os", "argparse", "sys"}
_ATTRIBUTE_FUNCTIONS = {"getattr", "setattr", "hasattr", "delattr"}


def _private(name: object) -> bool:
    """``_x`` but not ``__x``, ``_`` (gettext) or a documented name."""
    return (isinstance(name, str) and name.startswith("_") and not name.startswith("__")
            and name != "_" and name not in _DOCUMENTED)


def names_defined(tree: ast.AST) -> set[str]:
    """The private names a module defines itself: functions, classes, assigned names and
    attributes (``self._site = ...``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            found.add(node.attr)
        elif isinstance(node, ast.alias) and node.asname:
            found.add(node.asname)
    return {name for name in found if _private(name)}


def private_uses(tree: ast.AST, own: set[str]) -> list[tuple[int, str]]:
    """(line, name) of every private Sphinx or docutils name *tree* reaches: imported,
    read or written as an attribute (``app.env._x``), through ``getattr`` and friends, or
    through ``vars(x)`` and ``__dict__``; names in *own* are guidebook's own."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "sphinx", "docutils"):
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                      if _private(alias.name)]
            found += [(node.lineno, node.module or "") for part in (node.module or "").split(".")
                      if _private(part)]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names
                      if alias.name.split(".")[0] in ("sphinx", "docutils")
                      and any(_private(part) for part in alias.name.split("."))]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own \
                and not (isinstance(node.value, ast.Name) and node.value.id in _STDLIB):
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in _ATTRIBUTE_FUNCTIONS and len(node.args) > 1):
            name = node.args[1]
            if isinstance(name, ast.Constant) and _private(name.value) and name.value not in own:
                found.append((node.lineno, f"{node.func.id}(..., {name.value!r})"))
        elif isinstance(node, ast.Subscript) or (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "setdefault", "pop") and node.args):
            holder = node.value if isinstance(node, ast.Subscript) else node.func.value
            key = node.slice if isinstance(node, ast.Subscript) else node.args[0]
            namespace = (isinstance(holder, ast.Call) and isinstance(holder.func, ast.Name)
                         and holder.func.id == "vars") or (
                isinstance(holder, ast.Attribute) and holder.attr == "__dict__")
            if namespace and isinstance(key, ast.Constant) and _private(key.value) \
                    and key.value not in own:
                found.append((node.lineno, f"vars(...)[{key.value!r}]"))
    return found


def test_a_latex_package_is_left_out_for_a_while() -> None:
    from sphinx.registry import SphinxComponentRegistry

    registry = SphinxComponentRegistry()
    registry.add_latex_package("pxjahyper", None, after_hyperref=True)
    registry.add_latex_package("kept", None)
    app = type("App", (), {"registry": registry})()
    assert registry.has_latex_package("pxjahyper"), changed(
        "SphinxComponentRegistry no longer keeps add_latex_package's packages in its lists")
    with sphinx_internals.without_latex_package(app, "pxjahyper"):  # type: ignore[arg-type]
        assert not registry.has_latex_package("pxjahyper"), changed(
            "latex_packages_after_hyperref is not where the LaTeX builder reads packages")
        assert registry.has_latex_package("kept")
    assert registry.latex_packages_after_hyperref == [("pxjahyper", None)]
    assert registry.latex_packages == [("kept", None)]


def test_config_values_come_back_as_they_were(tmp_path: Path) -> None:
    from sphinx.config import Config

    config = Config({"project": "Probe"})
    config.add("latex_engine", "pdflatex", "", ())
    config.add("latex_use_xindy", lambda c: c.latex_engine == "xelatex", "", ())
    assert config.latex_use_xindy is False and config.project == "Probe"
    with sphinx_internals.config_values(config, {"latex_use_xindy": True, "project": "X"}):
        assert config.latex_use_xindy is True and config.project == "X"
    config.latex_engine = "xelatex"
    # The callable default is computed again, not frozen at the value read before.
    assert config.latex_use_xindy is True, changed(
        "Config no longer computes a callable default at each read (or stores it)")
    assert config.project == "Probe"


def test_no_private_sphinx_name_outside_the_seam() -> None:
    trees = {path.relative_to(SRC).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
             for path in sorted(SRC.rglob("*.py"))}
    seam = trees.pop("sphinx_internals.py")
    # What the seam reaches into is Sphinx's, even where a guidebook module happens to
    # define the same name.
    reached = {name.lstrip(".").split("'")[1] if "'" in name else name.lstrip(".")
               for _line, name in private_uses(seam, set())}
    own = set().union(*map(names_defined, trees.values())) - reached
    found = [f"{relative}:{line}: {name}" for relative, tree in trees.items()
             for line, name in private_uses(tree, own)]
    assert not found, f"{VERSIONS}: private names outside sphinx_internals.py: {found}"


def test_the_guard_sees_every_way_in() -> None:
    source = ast.parse("""
from sphinx.util import _private_helper
import sphinx.util._internal
app.env._builder_cls = None
builder.tags._condition_cache.clear()
getattr(builder, "_sources_dir")
setattr(env, "_builder_cls", None)
vars(builder).get("_app")
vars(env)["_builder_cls"]
builder.__dict__["_app"]
self._images_dir
self._site
getattr(self, "__class__")
config._replace
""")
    uses = private_uses(source, own={"_site"})
    assert sorted(line for line, _name in uses) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], uses


def test_builder_is_the_seams_hooks() -> None:
    assert issubclass(GuidebookBuilder, sphinx_internals.PrivateBuilderHooks)
    assert issubclass(GuidebookBuilder, StandaloneHTMLBuilder)
    assert issubclass(GuidebookBuilder, Builder)


def test_the_theme_still_asks_git_through_its_module_function() -> None:
    """openstackdocstheme's per-file git call, which guidebook keeps for the build."""
    module_name, name = sphinx_internals.THEME_GIT_DATE
    module = importlib.import_module(module_name)
    function = getattr(module, name, None)
    theme = "openstackdocstheme: " + changed(f"{module_name}.{name}")
    assert callable(function), theme
    assert list(inspect.signature(function).parameters) == ["src_file"], theme
    # Looked up in the module at every call, so the kept answers are what pages get.
    assert f"{name}(" in inspect.getsource(module._get_last_updated), theme
    # The git command the walk answers for (guidebook.git.last_commit_dates), and the
    # date format both ask git for and the theme parses back.
    words = re.findall(r"'([^']*)'", inspect.getsource(function))
    date_format = sphinx_internals.THEME_GIT_DATE_FORMAT
    assert words[:6] == ["git", "log", "-n1", "--format=%ad", f"--date=format:{date_format}",
                         "--"], theme
    assert words.count(date_format) == 1, theme
    keeper = sphinx_internals.ThemeGitDates.install()
    try:
        assert keeper is not None and getattr(module, name) is keeper
    finally:
        assert keeper is not None
        keeper.restore()
    assert getattr(module, name) is function
