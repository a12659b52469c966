"""The adoption plan: which guides a plain Sphinx tree becomes and where its folders go.

:func:`read_tree` reads what the tree already says (its folders, its pages, the toctrees
and the top-level index); :func:`propose` turns that into guides and a folder map, from
the folder names first (``user/`` is the user guide, ``install/`` and ``configuration/``
are the operator's, ``cli/`` is the admin's and the operator's) and then from the
toctrees (a folder that only one guide's toctree reaches goes to that guide). Options
given on the command line replace any part of the proposal. Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sphinx.config import eval_config_file
from sphinx.util.matching import get_matching_files
from sphinx.util.tags import Tags

from guidebook.audiences.folders import folder_rules
from guidebook.audiences.model import page_parts
from guidebook.config import ALL_GUIDES, GuidebookConfig, Part
from guidebook.lint.project import toctree_targets
from guidebook.lint.source import read_source


class InitError(Exception):
    """The tree cannot be adopted as it is (the message says why; exit status 2)."""


@dataclasses.dataclass(frozen=True)
class ProposedGuide:
    """A guide guidebook knows how to propose, and the folder names that are its home."""

    name: str
    title: str
    description: str
    homes: tuple[str, ...]  # folder names that can hold the guide's root, best first
    also: tuple[str, ...] = ()  # folder names whose pages the guide holds too


PROPOSED_GUIDES = (
    ProposedGuide("user", "User guide", "For people who use the service.",
         ("user", "users", "user-guide", "userguide", "end-user", "usage")),
    ProposedGuide("operator", "Operator guide", "For people who install, configure and run it.",
         ("operator", "operators", "ops", "operations", "install", "installation",
          "deploy", "deployment"),
         ("configuration", "config", "configuring", "install", "installation", "deploy",
          "deployment", "upgrade", "upgrades")),
    ProposedGuide("admin", "Administrator guide", "For administrators of a running deployment.",
         ("admin", "admins", "administrator", "admin-guide", "adminguide", "administration")),
    ProposedGuide("contributor", "Contributor guide", "For people who work on the project itself.",
         ("contributor", "contributors", "contributing", "contrib", "devref", "developer",
          "developers", "dev")),
)
#: Folders of command references: the admin's and the operator's.
CLI_FOLDERS = ("cli", "man", "commands")
#: Folders of material for every guide.
SHARED_FOLDERS = ("reference", "ref", "common", "shared", "glossary", "faq")


@dataclasses.dataclass
class Tree:
    """What a plain Sphinx source tree holds."""

    source: Path
    conf: Path
    root_doc: str
    docnames: list[str]
    #: docname -> the docnames its toctrees list, in order.
    toctrees: dict[str, list[str]]
    #: conf.py could not be executed here (its extensions import the project): the
    #: defaults were used for exclude_patterns and the suffixes.
    conf_note: str = ""
    #: The repository tests its redirects with whereto (a tox.ini that runs it, or
    #: ``doc/test/redirect-tests.txt``), which cannot read ``ErrorDocument``.
    whereto: bool = False
    #: How many reno notes the repository has in ``releasenotes/notes/``.
    reno_notes: int = 0
    #: Folders an extension writes pages into when the docs are built, empty before
    #: (sphinxcontrib-apidoc's ``apidoc_output_dir``: keystone's ``api/``).
    generated_folders: tuple[str, ...] = ()

    @property
    def folders(self) -> list[str]:
        """The top folders holding pages, in the order the top-level index lists them."""
        found = sorted({doc.split("/", 1)[0] for doc in self.docnames if "/" in doc})
        listed = [doc.split("/", 1)[0] for doc in self.toctrees.get(self.root_doc, [])
                  if "/" in doc]
        order = list(dict.fromkeys(name for name in listed if name in found))
        return order + [name for name in found if name not in order]

    def has(self, docname: str) -> bool:
        return docname in set(self.docnames)

    def reached_from(self, start: str) -> set[str]:
        """The pages the toctrees reach from *start* (*start* included)."""
        seen = {start}
        queue = [start]
        while queue:
            for child in self.toctrees.get(queue.pop(), []):
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        return seen


def read_tree(source: Path) -> Tree:
    """Read the pages and toctrees of the Sphinx project in *source*."""
    conf = source / "conf.py"
    exclude: list[str] = ["_build"]
    suffixes: list[str] = [".rst"]
    root_doc = "index"
    note = ""
    namespace: dict[str, Any] | None = None
    if re.search(r"^guidebook_guides\s*[=:]", conf.read_text(encoding="utf-8"), re.MULTILINE):
        raise InitError(f"{conf}: guidebook is already set up here (guidebook_guides "
                        "is set); edit conf.py instead")
    try:
        namespace = eval_config_file(conf, Tags())
    except (Exception, SystemExit) as exc:  # conf.py may raise anything, even exit()
        note = f"conf.py could not be run here ({type(exc).__name__}: {exc}); defaults used"
    else:
        if "guidebook_guides" in namespace:
            raise InitError(f"{conf}: guidebook is already set up here (guidebook_guides "
                            "is set); edit conf.py instead")
        exclude += [str(p) for p in namespace.get("exclude_patterns", [])]
        found = namespace.get("source_suffix", [".rst"])
        if isinstance(found, str):
            found = [found]
        suffixes = [s for s in found if s == ".rst" or s.endswith(".rst")] or [".rst"]
        root_doc = str(namespace.get("root_doc") or namespace.get("master_doc") or "index")
    docnames: list[str] = []
    for relative in sorted(get_matching_files(source, exclude_patterns=[*exclude, "**/.*"])):
        suffix = next((s for s in suffixes if relative.endswith(s)), None)
        if suffix is not None:
            docnames.append(relative[: -len(suffix)])
    if not docnames:
        raise InitError(f"{source}: no reST pages here")
    pages = set(docnames)
    toctrees: dict[str, list[str]] = {}
    for docname, relative in _paths(docnames, source, suffixes):
        text = read_source(source / relative, lambda name: name != "toctree")
        entries: list[str] = []
        for directive in text.directives_named("toctree"):
            entries.extend(toctree_targets(docname, directive.options, directive.content,
                                           pages, suffixes))
        toctrees[docname] = [entry for entry in entries if entry in pages]
    return Tree(source, conf, root_doc, docnames, toctrees, note, _tests_with_whereto(source),
                _reno_notes(source), _generated_folders(conf, namespace))


#: ``apidoc_output_dir = 'api'`` in a conf.py that could not be run.
_APIDOC_OUTPUT = re.compile(r"^apidoc_output_dir\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


def _generated_folders(conf: Path, namespace: Mapping[str, object] | None) -> tuple[str, ...]:
    """The folders sphinxcontrib-apidoc writes the code's API pages into at build time."""
    if namespace is not None:
        found = namespace.get("apidoc_output_dir")
        folder = found if isinstance(found, str) else None
    else:
        match = _APIDOC_OUTPUT.search(conf.read_text(encoding="utf-8"))
        folder = match[1] if match else None
    if not folder:
        return ()
    folder = posixpath.normpath(folder.replace("\\", "/")).strip("/")
    return () if folder in ("", ".") or folder.startswith("..") else (folder,)


def _repository_folders(source: Path) -> list[Path]:
    """*source* and the folders above it where its repository's root may be."""
    return [source, *source.resolve().parents][:4]


def _reno_notes(source: Path) -> int:
    """The number of reno notes of the repository holding *source* (0: none found)."""
    for folder in _repository_folders(source):
        notes = folder / "releasenotes" / "notes"
        if notes.is_dir():
            return sum(1 for _ in notes.glob("*.yaml"))
    return 0


def _tests_with_whereto(source: Path) -> bool:
    """Whether the repository holding *source* runs whereto on its redirects."""
    for folder in _repository_folders(source):
        tox = folder / "tox.ini"
        if (folder / "doc" / "test" / "redirect-tests.txt").is_file() or (
                tox.is_file() and re.search(r"^\s*whereto\s", tox.read_text(encoding="utf-8"),
                                            re.MULTILINE)):
            return True
    return False


def _paths(docnames: Iterable[str], source: Path, suffixes: Sequence[str]
           ) -> Iterable[tuple[str, str]]:
    for docname in docnames:
        for suffix in suffixes:
            if (source / f"{docname}{suffix}").is_file():
                yield docname, f"{docname}{suffix}"
                break


# -- the proposal ----------------------------------------------------------------------


@dataclasses.dataclass
class Plan:
    """The guides and folder map guidebook init proposes, and why."""

    tree: Tree
    guides: dict[str, dict[str, str]]
    folders: dict[str, str]
    #: One line per decision, for the person reading ``--dry-run``.
    reasons: list[str]
    #: New pages to write (docname -> text): the release notes part's root and What's
    #: new, when the repository has reno notes. Existing files are never overwritten.
    new_pages: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def releasenotes(self) -> bool:
        """Whether the plan adds the release notes part."""
        return RELEASENOTES_ROOT in self.new_pages

    def all_parts(self) -> list[Part]:
        return GuidebookConfig(guides=self.guides).configured_parts()

    def membership(self) -> dict[str, tuple[str, ...]]:
        """Each page's guides under this plan (as the build will compute them)."""
        specs = self.all_parts()
        rules = folder_rules(self.folders, specs)
        return {doc: page_parts(doc, None, specs, rules) for doc in self.tree.docnames}

    def homeless(self) -> list[str]:
        """Pages no guide holds under this plan (the top-level root page, which the
        portal replaces when it is no guide's root, is not one of them)."""
        roots = {spec["root"] for spec in self.guides.values()}
        return [doc for doc, parts in self.membership().items() if not parts
                and not (doc == self.tree.root_doc and "/" not in doc and doc not in roots)]


def propose(tree: Tree, guides: Mapping[str, str] | None = None,
            folders: Mapping[str, str] | None = None, *, folder_roots: bool = False) -> Plan:
    """The plan for *tree*; *guides* (name -> root) and *folders* (pattern -> audiences)
    given on the command line replace the proposal's own choices.

    When the top-level index's toctrees reach the index of every guide's home folder,
    every guide is rooted at the top-level index (unless *folder_roots*): each guide's
    navigation is then the navigation readers know, pruned to the guide's pages, and
    the home folders are mapped to their guides. Otherwise each guide is rooted at its
    home folder's index.
    """
    reasons: list[str] = []
    proposed: dict[str, dict[str, str]] = {}
    homes: dict[str, str] = {}
    folder_names = tree.folders
    for guide in PROPOSED_GUIDES:
        home = next((name for name in guide.homes if name in folder_names
                     and tree.has(f"{name}/index")), None)
        if home is not None and home not in homes.values():
            homes[guide.name] = home
    reached = tree.reached_from(tree.root_doc) if tree.has(tree.root_doc) else set()
    top_rooted = bool(homes) and not folder_roots and all(
        f"{home}/index" in reached for home in homes.values())
    mapped_homes: dict[str, str] = {}
    for guide in PROPOSED_GUIDES:
        if guide.name not in homes:
            continue
        home = homes[guide.name]
        root = tree.root_doc if top_rooted else f"{home}/index"
        proposed[guide.name] = {"title": guide.title, "root": root,
                                "description": guide.description}
        if top_rooted:
            mapped_homes[f"{home}/"] = guide.name
            reasons.append(f"guide {guide.name}: its pages in {home}/, rooted at the "
                           f"top-level {root} (its toctree reaches {home}/index; each "
                           "guide shows it pruned to the guide's pages)")
        else:
            reasons.append(f"guide {guide.name}: rooted at {root} (folder {home}/)")
    if top_rooted:
        homes = {name: "" for name in homes}
    if guides:
        for name, root in guides.items():
            known = next((r for r in PROPOSED_GUIDES if r.name == name), None)
            title = known.title if known else f"{name.replace('-', ' ').capitalize()} guide"
            proposed[name] = {"title": title, "root": root,
                              "description": known.description if known else ""}
            homes[name] = root.split("/", 1)[0] if "/" in root else ""
            reasons.append(f"guide {name}: rooted at {root} (--guide)")
    if not proposed:
        proposed["user"] = {"title": "User guide", "root": tree.root_doc,
                            "description": PROPOSED_GUIDES[0].description}
        homes["user"] = ""
        reasons.append(f"guide user: rooted at {tree.root_doc} (no folder names a guide)")
    top_pages = sorted(doc for doc in tree.docnames if "/" not in doc)
    if top_rooted or tree.root_doc not in top_pages or tree.root_doc in (
            spec["root"] for spec in proposed.values()):
        mapped: dict[str, str] = {"*": ALL_GUIDES, **mapped_homes}
        reasons.append("pages at the top (index, glossary, ...): every guide")
    else:
        # Each guide has a root of its own: the top-level root page would be published at
        # every guide's index.html, its root's URL. The portal stands in for it.
        mapped = {doc: ALL_GUIDES for doc in top_pages if doc != tree.root_doc}
        reasons.append(f"pages at the top but {tree.root_doc}: every guide; "
                       f"{tree.root_doc} itself: no guide (the portal replaces it)")
    home_folders = set(homes.values())
    for folder in folder_names:
        if folder in home_folders or f"{folder}/" in mapped:
            continue
        audiences, why = _folder_audiences(tree, folder, proposed)
        mapped[f"{folder}/"] = audiences
        reasons.append(f"folder {folder}/: {audiences.replace(ALL_GUIDES, 'every guide')}"
                       f" ({why})")
    specs = GuidebookConfig(guides=proposed).configured_parts()
    for folder in tree.generated_folders:
        if page_parts(f"{folder}/generated", None, specs, folder_rules(mapped, specs)):
            continue  # inside a folder that already has its guides (contributor/api)
        audiences = "contributor" if "contributor" in proposed else ALL_GUIDES
        mapped[f"{folder}/"] = audiences
        reasons.append(f"folder {folder}/: {audiences.replace(ALL_GUIDES, 'every guide')} "
                       "(sphinxcontrib-apidoc writes the code's API pages there when the "
                       "docs are built: apidoc_output_dir)")
    for pattern, audiences in (folders or {}).items():
        mapped[pattern] = audiences
        reasons.append(f"folder {pattern}: {audiences} (--folder)")
    return Plan(tree, proposed, mapped, reasons, _release_note_pages(tree, proposed, reasons))


RELEASENOTES_ROOT = "releasenotes/index"
WHATS_NEW = "whats-new"


def _release_note_pages(tree: Tree, guides: Mapping[str, dict[str, str]],
                        reasons: list[str]) -> dict[str, str]:
    """The release notes part's root page and a What's new page shared by every guide,
    when the repository has reno notes and the tree neither page."""
    if not tree.reno_notes or tree.has(RELEASENOTES_ROOT) or tree.has(WHATS_NEW) or any(
            (tree.source / f"{page}.rst").exists() for page in (RELEASENOTES_ROOT, WHATS_NEW)):
        return {}
    reasons.append(f"release notes: {tree.reno_notes} reno note(s) in releasenotes/notes/: "
                   f"the part releasenotes ({RELEASENOTES_ROOT}.rst, new) and a What's new "
                   f"page for every guide ({WHATS_NEW}.rst, new; list it in a toctree)")
    return {
        RELEASENOTES_ROOT: "Release notes\n=============\n\nEvery change, release by "
        "release, newest first.\n\n.. guidebook-release-index::\n",
        WHATS_NEW: f":orphan:\n:audience: {', '.join(guides)}\n\nWhat's new\n==========\n\n"
        "The release notes meant for readers of this guide.\n\n.. guidebook-whats-new::\n",
    }


def _folder_audiences(tree: Tree, folder: str, guides: Mapping[str, dict[str, str]]
                      ) -> tuple[str, str]:
    names = list(guides)
    for guide in PROPOSED_GUIDES:
        if folder in guide.also and guide.name in names:
            return guide.name, "its name"
    if folder in CLI_FOLDERS:
        chosen = [name for name in ("admin", "operator") if name in names]
        if chosen:
            return ", ".join(chosen), "a command reference"
    if folder in SHARED_FOLDERS:
        return ALL_GUIDES, "shared reference material"
    pages = {doc for doc in tree.docnames if doc.startswith(f"{folder}/")}
    reaching = [name for name, spec in guides.items()
                if pages & tree.reached_from(spec["root"])]
    if reaching and len(reaching) < len(names):
        return ", ".join(reaching), "the toctrees of those guides reach it"
    return ALL_GUIDES, "no guide claims it: check this one"
