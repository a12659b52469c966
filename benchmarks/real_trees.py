"""Real OpenStack documentation trees for the benchmark (issue 28).

Each tree is a git repository of a real project, brought on demand: from a folder of
clones (``--real-trees DIR``, default ``$GUIDEBOOK_REAL_TREES``; a tree is ``DIR/<name>``,
a checkout or a bare repository), or cloned from opendev.org into that folder with
``--fetch``. A tree that is absent is skipped, and the report says so. Nothing of it is
committed here.

Every tree is cloned twice into the work folder, with its full history (openstackdocstheme
asks git for the date of every page, reno reads the release notes' history). Each clone
has its own objects, as a CI checkout has: a ``--shared`` clone, reading its objects
through another repository's, made reno's walk of the history half as slow again (3.2 s
against 4.7 s of CPU time on placement's tree).

``plain``
    the project as it is, built by ``sphinx-build -b html``;
``guidebook``
    the same, with ``guidebook init``'s guides and folder map appended to its
    ``conf.py``, built by ``guidebook build``.

In both, the Sphinx extensions this Python cannot import are dropped from ``conf.py``
(``oslo_config.sphinxext`` and the like import the project's own code, which the
benchmark does not install); a directive they would have defined is then an error
message in both builds alike. The dropped extensions are listed in the report.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

#: name -> the repository on opendev.org (and GitHub).
TREES = {  # smallest first: a long run reports the small trees early
    "placement": "openstack/placement",
    "octavia": "openstack/octavia",
    "keystone": "openstack/keystone",
    "ironic": "openstack/ironic",
}
#: Statements of a tree's conf.py that import the project's own code or its
#: dependencies (to draw diagrams, set up a service library): from the first line to
#: the last, they are commented out in both clones.
CONF_CUTS = {
    "octavia": [("from pydotplus import graphviz",
                 "graph.write('contributor/devref/erd.svg', format='svg')")],
    "ironic": [("from oslo_service import backend",
                "backend.init_backend(backend.BackendType.THREADING)")],
}
FETCH_URL = "https://opendev.org/{}"
DOC_SOURCE = Path("doc") / "source"

#: Run in the tree's ``doc/source`` with the benchmark's Python: which of conf.py's
#: extensions cannot be imported (conf.py may extend ``sys.path`` first).
_PROBE = r"""
import importlib, json, os, sys, traceback
sys.path.insert(0, os.getcwd())
namespace = {"__file__": os.path.abspath("conf.py"), "__name__": "conf"}
with open("conf.py", encoding="utf-8") as conf:
    exec(compile(conf.read(), "conf.py", "exec"), namespace)
missing = []
for name in namespace.get("extensions", []):
    try:
        module = importlib.import_module(name)
        getattr(module, "setup")
    except Exception:
        missing.append(name)
print(json.dumps(missing))
"""


@dataclasses.dataclass
class RealTree:
    """One prepared tree: its two clones and what was changed to build it."""

    name: str
    plain: Path  # the repository root of the plain clone
    guidebook: Path  # the repository root of the guidebook clone
    dropped: list[str]
    pages: int
    commit: str

    @property
    def plain_source(self) -> Path:
        return self.plain / DOC_SOURCE

    @property
    def guidebook_source(self) -> Path:
        return self.guidebook / DOC_SOURCE


def locate(name: str, trees_dir: Path | None, fetch: bool) -> Path | None:
    """The repository of tree *name* under *trees_dir* (cloned there first with *fetch*)."""
    if trees_dir is None:
        return None
    path = trees_dir / name
    if not path.exists() and fetch and name in TREES:
        trees_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "--quiet", "--bare", FETCH_URL.format(TREES[name]),
                        str(path)], check=True)
    return path if path.exists() else None


def prepare(name: str, repository: Path, work: Path, python: str) -> RealTree:
    """Clone *repository* twice into *work*/<name>/ and make both buildable here."""
    root = work / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    clones = {}
    for variant in ("plain", "guidebook"):
        clone = root / variant
        subprocess.run(["git", "clone", "--quiet", str(repository), str(clone)],
                       check=True)
        clones[variant] = clone
    for clone in clones.values():
        cut_statements(clone / DOC_SOURCE / "conf.py", CONF_CUTS.get(name, []))
    probe = subprocess.run([python, "-c", _PROBE], cwd=clones["plain"] / DOC_SOURCE,
                           check=True, capture_output=True, text=True)
    dropped: list[str] = json.loads(probe.stdout.strip().splitlines()[-1])
    for clone in clones.values():
        drop_extensions(clone / DOC_SOURCE / "conf.py", dropped)
    subprocess.run([python, "-m", "guidebook.cli", "init", str(clones["guidebook"] / DOC_SOURCE)],
                   check=True, capture_output=True, text=True)
    pages = sum(1 for _ in (clones["plain"] / DOC_SOURCE).rglob("*.rst"))
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clones["plain"],
                          check=True, capture_output=True, text=True).stdout.strip()
    return RealTree(name, clones["plain"], clones["guidebook"], dropped, pages, head)


def cut_statements(conf: Path, cuts: list[tuple[str, str]]) -> None:
    """Comment out the lines of *conf* from each cut's first line to its last."""
    lines = conf.read_text(encoding="utf-8").splitlines(keepends=True)
    for first, last in cuts:
        stripped = [line.rstrip("\n") for line in lines]
        start, end = stripped.index(first), stripped.index(last)
        lines[start:end + 1] = ["# (guidebook benchmark) " + line for line in lines[start:end + 1]]
    conf.write_text("".join(lines), encoding="utf-8")


def drop_extensions(conf: Path, names: list[str]) -> None:
    """Append to *conf* a line removing *names* from its ``extensions``."""
    if not names:
        return
    text = conf.read_text(encoding="utf-8")
    text += ("\n# guidebook benchmark: extensions this Python cannot import\n"
             f"extensions = [e for e in extensions if e not in {sorted(names)!r}]\n")
    conf.write_text(text, encoding="utf-8")


def edit_target(source: Path) -> Path:
    """The page the one-page edit changes: the first page below the top level, by name.

    A page in a folder, not a folder's landing page (``index.rst``, whose edit would be
    unusual), keeps the choice stable as long as the tree's folders are.
    """
    pages = sorted(path for path in source.rglob("*.rst")
                   if path.parent != source and path.name != "index.rst"
                   and not path.name.startswith("_"))
    return pages[0]


def edit(page: Path, stamp: str) -> None:
    """Add a paragraph at the end of *page*: its body changes, its title and headings not."""
    text = page.read_text(encoding="utf-8")
    page.write_text(text.rstrip("\n") + f"\n\nEdited by the benchmark ({stamp}).\n",
                    encoding="utf-8")
