"""Generate a synthetic multi-audience documentation tree of N pages, deterministically.

Two variants of the same tree are written side by side:

``DEST/guidebook/``
    The tree as a guidebook user writes it: ``extensions = ["guidebook"]``, four guides
    (user, operator, admin, contributor) over three guide folders, shared pages in
    ``common/`` with an ``:audience:`` field, ``.. audience::`` blocks.

``DEST/sphinx/``
    The same pages for plain Sphinx: every ``.. audience:: X Y`` is written as
    ``.. only:: guidebook_X or guidebook_Y``, there is a top-level ``index.rst`` whose
    toctree holds the three guide landing pages, and no guidebook extension. Its
    ``conf.py`` reads the tags: with exactly one ``guidebook_<guide>`` tag it builds that
    guide only (root document = the guide's landing page, every page the guide does not
    include excluded), which is the naive one-``sphinx-build``-per-guide baseline; with
    all four tags it builds the whole tree with every audience block shown.

``DEST/meta.json`` records the sizes, each page's audiences and the page the incremental
benchmark edits.

The theme comes from the ``GUIDEBOOK_BENCH_THEME`` environment variable when Sphinx reads
``conf.py`` (default ``openstackdocs``), so both variants always use the same theme.

Usage: ``python benchmarks/generate.py --pages 1200 --dest /tmp/tree [--seed 7]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import shutil
import textwrap
from pathlib import Path

GUIDES: dict[str, tuple[str, str]] = {
    # name: (title, root)
    "user": ("End user guide", "user/index"),
    "operator": ("Operator guide", "admin/index"),
    "admin": ("Administrator guide", "admin/index"),
    "contributor": ("Contributor guide", "contributor/index"),
}
#: The guides each guide folder serves by default.
FOLDERS: dict[str, tuple[str, ...]] = {
    "user": ("user",),
    "admin": ("operator", "admin"),
    "contributor": ("contributor",),
}
#: The audiences the shared pages of ``common/`` declare, in turn.
COMMON_AUDIENCES: tuple[tuple[str, ...], ...] = (
    ("user", "operator", "admin"),
    ("operator", "admin"),
    ("user", "operator", "admin", "contributor"),
    ("user", "contributor"),
    ("operator", "admin", "contributor"),
)
#: Share of the pages (after ``common/``) each folder gets.
FOLDER_SHARE = {"user": 0.40, "admin": 0.33, "contributor": 0.27}
COMMON_SHARE = 0.12
SECTION_SIZE = 15  # pages per section folder, its index included
SNIPPETS = 12
THEME_ENV = "GUIDEBOOK_BENCH_THEME"

WORDS = (
    "image store upload download checksum quota member owner project tenant visibility "
    "shared community private public snapshot volume kernel ramdisk container format disk "
    "qcow2 raw vmdk iso metadata property namespace tag schema task import staging copy "
    "location backend filesystem object swift ceph cinder http cache prefetch queue worker "
    "policy rule token role scope endpoint catalog region deployment upgrade migration "
    "database schema contract expand rolling service process thread pool socket timeout "
    "retry limit size chunk stream hash algorithm signature certificate trust key "
    "protection deletion deactivation reactivation status queued saving active killed "
    "deleted pending uploading importing conversion plugin injection inspection format "
    "review patch branch release note test fixture gate job reviewer change commit"
).split()
VERBS = (
    "configure check list create delete share import export verify rotate tune monitor "
    "inspect protect restore migrate upgrade deploy review test debug"
).split()


@dataclasses.dataclass
class Page:
    docname: str
    title: str
    audiences: tuple[str, ...]
    declared: bool = False  # carries an ``:audience:`` field
    children: list[str] = dataclasses.field(default_factory=list)  # toctree entries
    shared: list[str] = dataclasses.field(default_factory=list)  # a second toctree
    labels: list[str] = dataclasses.field(default_factory=list)
    is_index: bool = False


@dataclasses.dataclass
class Tree:
    pages: dict[str, Page]
    edit_target: str

    def guide_docs(self, guide: str) -> list[str]:
        return sorted(doc for doc, page in self.pages.items() if guide in page.audiences)


def _title(rng: random.Random, number: int) -> str:
    verb = rng.choice(VERBS).capitalize()
    words = " ".join(rng.sample(WORDS, 2))
    return f"{verb} {words} ({number})"


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(7, 14))
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    text = " ".join(_sentence(rng) for _ in range(sentences))
    return textwrap.fill(text, width=72)


def plan(pages: int, seed: int) -> Tree:
    """Decide every page of the tree: its folder, title, audiences and toctree."""
    rng = random.Random(seed)
    tree: dict[str, Page] = {}
    common_count = max(len(COMMON_AUDIENCES), round(pages * COMMON_SHARE))
    rest = pages - common_count
    counts = {folder: max(3, math.floor(rest * share)) for folder, share in FOLDER_SHARE.items()}
    counts["user"] += rest - sum(counts.values())
    number = 0
    sections: dict[str, list[Page]] = {}
    for folder, count in counts.items():
        audiences = FOLDERS[folder]
        root = Page(f"{folder}/index", "", audiences, is_index=True)
        root.title = {"user": "End user guide", "admin": "Operations and administration",
                      "contributor": "Contributor guide"}[folder]
        tree[root.docname] = root
        body = count - 1
        n_sections = max(1, math.ceil(body / SECTION_SIZE))
        sections[folder] = []
        for index in range(n_sections):
            size = body // n_sections + (1 if index < body % n_sections else 0)
            number += 1
            section = Page(f"{folder}/section-{index:02d}/index", _title(rng, number),
                           audiences, is_index=True)
            tree[section.docname] = section
            root.children.append(section.docname)
            sections[folder].append(section)
            for page_index in range(size - 1):
                number += 1
                docname = f"{folder}/section-{index:02d}/page-{page_index:02d}"
                page = Page(docname, _title(rng, number), audiences)
                if folder == "admin" and page_index % 6 == 5:
                    page.audiences = ("admin",)  # an admin-only page
                    page.declared = True
                tree[docname] = page
                section.children.append(docname)
    for index in range(common_count):
        number += 1
        audiences = COMMON_AUDIENCES[index % len(COMMON_AUDIENCES)]
        page = Page(f"common/shared-{index:03d}", _title(rng, number), audiences, declared=True)
        tree[page.docname] = page
        for folder, folder_guides in FOLDERS.items():
            if set(folder_guides) & set(audiences):
                tree[f"{folder}/index"].shared.append(page.docname)
    for page in tree.values():
        if not page.is_index:
            page.labels = [f"{page.docname.replace('/', '-')}-s{i}" for i in range(3)]
    # The incremental benchmark edits a shared page of three guides.
    edit_target = next(
        doc for doc, page in tree.items()
        if doc.startswith("common/") and page.audiences == COMMON_AUDIENCES[0]
    )
    return Tree(tree, edit_target)


class _Writer:
    """Writes one page in either variant."""

    def __init__(self, tree: Tree, rng: random.Random, variant: str) -> None:
        self.tree = tree
        self.rng = rng
        self.variant = variant
        self._targets: dict[tuple[str, ...], list[Page]] = {}

    def block(self, audiences: tuple[str, ...], body: str) -> str:
        if self.variant == "guidebook":
            head = ".. audience:: " + " ".join(audiences)
        else:
            head = ".. only:: " + " or ".join(f"guidebook_{name}" for name in audiences)
        return head + "\n\n" + textwrap.indent(body.strip("\n"), "   ") + "\n"

    def targets(self, audiences: tuple[str, ...]) -> list[Page]:
        """Pages that every guide of *audiences* includes: safe link targets."""
        if audiences not in self._targets:
            self._targets[audiences] = [
                page for page in self.tree.pages.values()
                if page.labels and set(audiences) <= set(page.audiences)
            ]
        return self._targets[audiences]

    def page(self, page: Page) -> str:
        rng = self.rng
        out: list[str] = []
        if page.declared:
            out.append(f":audience: {', '.join(page.audiences)}\n")
        if not page.is_index:
            out.append(f":page-type: {rng.choice(['how-to', 'reference', 'explanation'])}\n")
        out.append("\n" if out else "")
        out.append(f"{page.title}\n{'=' * len(page.title)}\n\n")
        out.append(_paragraph(rng, 3) + "\n\n")
        if page.is_index:
            out.append(self.toctrees(page))
            return "".join(out)
        targets = [t for t in self.targets(page.audiences) if t.docname != page.docname]
        for number, label in enumerate(page.labels):
            heading = f"{rng.choice(VERBS).capitalize()} the {rng.choice(WORDS)} {number + 1}"
            out.append(f".. _{label}:\n\n{heading}\n{'-' * len(heading)}\n\n")
            out.append(_paragraph(rng, 4) + "\n\n")
            if targets:
                doc_target = rng.choice(targets)
                ref_target = rng.choice(targets)
                out.append(
                    f"See :doc:`/{doc_target.docname}` and "
                    f":ref:`{rng.choice(ref_target.labels)}` for the\n"
                    f"{rng.choice(WORDS)} {rng.choice(WORDS)} side of this.\n\n"
                )
            if number == 0:
                out.append(self.code(rng))
                out.append(self.table(rng))
            elif number == 1:
                out.append(f".. include:: /common/snippets/snippet-{self.snippet(page):02d}"
                           ".inc\n\n")
                out.append(".. note::\n\n" + textwrap.indent(_paragraph(rng, 2), "   ") + "\n\n")
            if len(page.audiences) > 1:
                shown = tuple(sorted(rng.sample(page.audiences, 1)))
                out.append(self.block(shown, _paragraph(rng, 2)) + "\n")
                if number == 2:
                    inner = (_paragraph(rng, 2) + "\n\n"
                             + self.block(shown, "- " + _sentence(rng) + "\n- "
                                          + _sentence(rng)))
                    out.append(self.block(page.audiences, inner) + "\n")
        return "".join(out)

    def snippet(self, page: Page) -> int:
        """A snippet to include: those with operator/admin blocks only where they show."""
        if {"operator", "admin"} & set(page.audiences):
            return self.rng.randrange(SNIPPETS)
        return self.rng.choice([n for n in range(SNIPPETS) if n % 3 != 0])

    def toctrees(self, page: Page) -> str:
        out: list[str] = []
        top = page.docname.count("/") == 1
        if page.children:
            options = "   :maxdepth: 2\n   :caption: Topics\n" if top else "   :maxdepth: 1\n"
            folder = page.docname.rsplit("/", 1)[0] + "/"
            entries = "".join(f"   {doc.removeprefix(folder)}\n" for doc in page.children)
            out.append(f".. toctree::\n{options}\n{entries}\n")
        if page.shared:
            entries = "".join(f"   /{doc}\n" for doc in page.shared)
            out.append(f".. toctree::\n   :maxdepth: 1\n   :caption: Shared topics\n\n{entries}\n")
        return "".join(out)

    @staticmethod
    def code(rng: random.Random) -> str:
        name = rng.choice(WORDS)
        return (
            ".. code-block:: console\n\n"
            f"   $ openstack image create --disk-format qcow2 \\\n"
            f"       --container-format bare --file {name}.qcow2 {name}-{rng.randrange(99)}\n"
            f"   $ openstack image show -c status {name}-{rng.randrange(99)}\n\n"
        )

    @staticmethod
    def table(rng: random.Random) -> str:
        rows = "".join(
            f"   * - ``{rng.choice(WORDS)}_{rng.choice(WORDS)}``\n"
            f"     - ``{rng.randrange(1000)}``\n"
            f"     - {_sentence(rng)}\n"
            for _ in range(4)
        )
        return (
            ".. list-table:: Settings\n   :header-rows: 1\n\n"
            "   * - Option\n     - Default\n     - Meaning\n" + rows + "\n"
        )


def _snippet(rng: random.Random, writer: _Writer, number: int) -> str:
    text = _paragraph(rng, 2) + "\n"
    if number % 3 == 0:
        text += "\n" + writer.block(("operator", "admin"), _paragraph(rng, 1))
    return text


def _conf_guidebook() -> str:
    guides = {
        name: {"title": title, "root": root, "description": f"Synthetic {name} guide."}
        for name, (title, root) in GUIDES.items()
    }
    return (
        '"""Synthetic guidebook benchmark tree (generated by benchmarks/generate.py)."""\n\n'
        "import os\n\n"
        'project = "Bench"\n'
        'version = release = "1.0"\n'
        'extensions = ["guidebook"]\n'
        f"guidebook_guides = {json.dumps(guides, indent=4)}\n"
        + _conf_theme()
    )


def _conf_theme() -> str:
    return (
        f'html_theme = os.environ.get("{THEME_ENV}", "openstackdocs")\n'
        'if html_theme == "openstackdocs":\n'
        '    extensions.append("openstackdocstheme")\n'
        '    openstackdocs_repo_name = "openstack/bench"\n'
        '    openstackdocs_bug_project = "bench"\n'
        '    openstackdocs_bug_tag = "doc"\n'
        "    openstackdocs_auto_name = False\n"
        "    openstackdocs_auto_version = False\n"
        "    openstackdocs_use_storyboard = False\n"
    )


def _conf_sphinx(tree: Tree) -> str:
    excludes: dict[str, list[str]] = {}
    roots: dict[str, str] = {}
    for name, (_guide_title, root) in GUIDES.items():
        keep = set(tree.guide_docs(name))
        roots[name] = root
        # Whole folders where possible: Sphinx matches every file against every pattern.
        foreign = [folder for folder, serves in FOLDERS.items() if name not in serves]
        excludes[name] = ["index.rst"] + [f"{folder}/**" for folder in foreign] + sorted(
            f"{doc}.rst" for doc in tree.pages
            if doc not in keep and doc.split("/", 1)[0] not in foreign
        )
    return (
        '"""Synthetic plain-Sphinx benchmark tree (generated by benchmarks/generate.py).\n\n'
        "With exactly one guidebook_<guide> tag, only that guide is built (the naive\n"
        'per-guide baseline); otherwise the whole tree."""\n\n'
        "import os\n\n"
        'project = "Bench"\n'
        'version = release = "1.0"\n'
        "extensions = []\n"
        f"_ROOTS = {json.dumps(roots)}\n"
        f"_EXCLUDES = {json.dumps(excludes)}\n"
        "_selected = [name for name in _ROOTS if tags.has('guidebook_' + name)]  # noqa: F821\n"
        "if len(_selected) == 1:\n"
        "    root_doc = _ROOTS[_selected[0]]\n"
        "    exclude_patterns = _EXCLUDES[_selected[0]]\n"
        + _conf_theme()
    )


def _root_index(tree: Tree) -> str:
    title = "Bench documentation"
    entries = "".join(f"   {folder}/index\n" for folder in FOLDERS)
    return f"{title}\n{'=' * len(title)}\n\n.. toctree::\n   :maxdepth: 2\n\n{entries}"


def write_variant(tree: Tree, dest: Path, variant: str, seed: int) -> None:
    """Write one variant ("guidebook" or "sphinx") of *tree* into *dest*."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    # The same seed for both variants: the same words, only the audience syntax differs.
    rng = random.Random(seed + 1)
    writer = _Writer(tree, rng, variant)
    snippets = dest / "common" / "snippets"
    snippets.mkdir(parents=True)
    for number in range(SNIPPETS):
        (snippets / f"snippet-{number:02d}.inc").write_text(
            _snippet(rng, writer, number), encoding="utf-8")
    for docname, page in tree.pages.items():
        path = dest / f"{docname}.rst"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(writer.page(page), encoding="utf-8")
    if variant == "guidebook":
        (dest / "conf.py").write_text(_conf_guidebook(), encoding="utf-8")
    else:
        (dest / "conf.py").write_text(_conf_sphinx(tree), encoding="utf-8")
        (dest / "index.rst").write_text(_root_index(tree), encoding="utf-8")


def edit_page(source: Path, docname: str, stamp: str) -> None:
    """Change the body text of *docname* (its first paragraph), not its title."""
    path = source / f"{docname}.rst"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    # The first paragraph starts two lines below the title's underline.
    underline = next(i for i, line in enumerate(lines) if line and set(line) == {"="})
    lines.insert(underline + 2, f"Edited for the incremental benchmark ({stamp}).")
    path.write_text("\n".join(lines), encoding="utf-8")


def generate(pages: int, dest: Path, seed: int = 7) -> dict[str, object]:
    """Write both variants of an N-page tree under *dest*; return its metadata."""
    tree = plan(pages, seed)
    write_variant(tree, dest / "guidebook", "guidebook", seed)
    write_variant(tree, dest / "sphinx", "sphinx", seed)
    meta: dict[str, object] = {
        "pages": len(tree.pages),
        "seed": seed,
        "edit_target": tree.edit_target,
        "edit_target_audiences": list(tree.pages[tree.edit_target].audiences),
        "guides": {name: len(tree.guide_docs(name)) for name in GUIDES},
        "roots": {name: spec[1] for name, spec in GUIDES.items()},
    }
    (dest / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pages", "-n", type=int, default=300, help="number of pages")
    parser.add_argument("--dest", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.pages < 30:
        parser.error("--pages: at least 30")
    meta = generate(args.pages, args.dest, args.seed)
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
