"""Pages guidebook generates into the source tree, and the toctree that lists them.

The release notes' series pages and the API reference's tag pages are real source files,
written at ``builder-inited`` before Sphinx looks for documents, so that navigation, search
and the inventory treat them like any page. Each starts with a marker line: only files
carrying it are ever removed, so a page an author adds to such a folder is safe.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective


def write_generated_pages(folder: Path, wanted: dict[Path, str], marker: str) -> None:
    """Write *wanted* (path -> text) into *folder*; only changed files are rewritten.

    Files of *folder* that carry *marker* and are no longer wanted are removed.
    """
    if folder.is_dir():
        for path in folder.glob("*.rst"):
            if path not in wanted and is_generated(path, marker):
                path.unlink()
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def is_generated(path: Path, marker: str) -> bool:
    try:
        return marker in path.read_text(encoding="utf-8")[:500]
    except OSError:
        return False


def toctree_of(directive: SphinxDirective, docnames: list[str], *, maxdepth: int = 1,
               titlesonly: bool = False, classes: tuple[str, ...] = ()) -> nodes.compound:
    """A toctree of *docnames*, as the ``toctree`` directive would make it, at *directive*."""
    toctree = addnodes.toctree()
    toctree["parent"] = directive.env.docname
    toctree["entries"] = [(None, docname) for docname in docnames]
    toctree["includefiles"] = docnames
    toctree["maxdepth"] = maxdepth
    toctree["caption"] = None
    toctree["glob"] = False
    toctree["hidden"] = False
    toctree["includehidden"] = False
    toctree["numbered"] = 0
    toctree["titlesonly"] = titlesonly
    directive.set_source_info(toctree)
    wrapper = nodes.compound(classes=["toctree-wrapper", *classes])
    wrapper += toctree
    return wrapper
