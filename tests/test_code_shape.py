"""The shape of guidebook's code: no import cycles, and its own deprecations fail tests.

No import cycles, counting every import statement anywhere in a file.

An import inside a function or under ``if TYPE_CHECKING:`` still ties two modules
together: the reader has to understand both at once, and moving the import to the top
would fail. So every ``import`` and ``from ... import`` counts, wherever it stands.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

import guidebook

SRC = Path(guidebook.__file__).parent


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of *package* (a folder)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names *node* imports (a ``from`` import: the module and module.name)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - node.level + 1]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    return [source, *(f"{source}.{alias.name}" for alias in node.names)]


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of *package* it imports (a submodule import counts for the
    submodule, not for its package's ``__init__``)."""
    modules = module_files(package)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            names = _imported(module, path.name == "__init__.py", node)
            submodules = [name for name in names[1:] if name in modules]
            for name in submodules or names[:1]:
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name:
                    targets.add(name)
        targets.discard(module)
        graph[module] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(groups)


def test_guidebook_has_no_import_cycle() -> None:
    cycles = import_cycles(import_graph(SRC))
    assert cycles == [], f"import cycles in src/guidebook: {cycles}"


def test_hidden_imports_count(tmp_path: Path) -> None:
    """Imports inside functions and under TYPE_CHECKING make a cycle too."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from pkg.sub import b\n")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from pkg.sub.b import Thing\n")
    (package / "sub" / "b.py").write_text("def f():\n    from .. import a\n")
    (package / "c.py").write_text("from pkg import a\n")
    graph = import_graph(package)
    assert graph["pkg.c"] == {"pkg.a"}
    assert graph["pkg.sub"] == {"pkg.sub.b"}
    assert import_cycles(graph) == [["pkg.a", "pkg.sub.b"]]


def test_a_deprecation_in_guidebook_fails_the_test() -> None:
    """pytest's settings turn a DeprecationWarning from guidebook's code into an error."""
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old API", DeprecationWarning, "engine/builder.py", 1,
                               module="guidebook.engine.builder")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        warnings.warn_explicit("old API", DeprecationWarning, "doc8/parser.py", 1,
                               module="doc8.parser")
    assert len(caught) == 1


def _runs_git(node: ast.AST) -> bool:
    """A call such as ``subprocess.run(["git", ...])`` or an import of dulwich."""
    if isinstance(node, ast.ImportFrom | ast.Import):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
            alias.name for alias in node.names]
        return any(name.split(".")[0] == "dulwich" for name in names)
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.List | ast.Tuple):
        first = node.args[0].elts[:1]
        return bool(first) and isinstance(first[0], ast.Constant) and first[0].value == "git"
    return False


def test_every_git_call_goes_through_the_seam() -> None:
    found = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in sorted(SRC.rglob("*.py")) if path.name != "git.py" or path.parent != SRC
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _runs_git(node)
    ]
    assert found == [], f"git run outside guidebook/git.py: {found}"
    assert _runs_git(ast.parse('subprocess.run(["git", "mv"], cwd=x)').body[0].value)
    assert _runs_git(ast.parse("from dulwich.repo import Repo").body[0])
