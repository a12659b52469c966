"""``guidebook gettext``: catalog templates per guide, in the OpenStack layout.

Sphinx's gettext builder writes one template per domain (``user.pot`` for the pages under
``user/``), with the text of every ``.. audience::`` block, whoever it is for. This builder
writes ``doc-<guide>.pot`` for every guide and part instead: the messages of the guide's
pages, without the blocks written for other guides, so a translation team can start with
one guide and translate only what its readers see. A catalog translated from it,
``locale/<lang>/LC_MESSAGES/doc-<guide>.po``, serves the pages under the guide's root
folder (see :mod:`guidebook.i18n.catalogs`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.gettext import MessageCatalogBuilder
from sphinx.util.nodes import extract_messages

from guidebook.audiences import AUDIENCES_ATTR
from guidebook.i18n.catalogs import OPENSTACK_PREFIX

if TYPE_CHECKING:
    from guidebook.sites import Site


def shown_in(node: nodes.Node, guide: str) -> bool:
    """Whether *guide* shows *node*: no audience block around it is for other guides."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.only):
            names = parent.get(AUDIENCES_ATTR)
            if names is not None and guide not in names:
                return False
        parent = parent.parent
    return True


class GuideCatalogBuilder(MessageCatalogBuilder):
    """Writes ``doc-<guide>.pot`` per guide and part: its pages' messages."""

    name = "guidebook-gettext"

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        from guidebook.sites import get_site

        site: Site = get_site(self.env)
        # As read: the audience blocks are still there (resolving drops them).
        messages = list(extract_messages(self.env.get_doctree(docname)))
        for guide in site.parts_of(docname):
            catalog = self.catalogs[f"{OPENSTACK_PREFIX}{guide}"]
            for node, message in messages:
                if shown_in(node, guide):
                    catalog.add(message, node)

    def finish(self) -> None:
        # The theme's own words are Sphinx's to translate, not the guides'.
        self.catalogs.pop("sphinx", None)
        super().finish()


def write_templates(source: Path, out: Path, err: TextIO, *, quiet: bool = False) -> int:
    """Write ``out/doc-<guide>.pot`` for every guide of the site in *source*; exit status.

    Sphinx writes into a temporary folder, so only the templates reach *out* (the
    catalogs beside them are never touched) and only when every guide's was made.
    """
    from guidebook.driver.options import BuildOptions
    from guidebook.driver.run import sphinx_build

    with tempfile.TemporaryDirectory(prefix="guidebook-gettext-") as scratch:
        folder = Path(scratch)
        options = BuildOptions(source=source, out=folder / "pot", quiet=quiet,
                               builder=GuideCatalogBuilder.name, fresh=True)
        status = sphinx_build(options, source, folder / "pot", folder / "doctrees", err)
        if status != 0:
            return status
        out.mkdir(parents=True, exist_ok=True)
        written = sorted((folder / "pot").glob(f"{OPENSTACK_PREFIX}*.pot"))
        for template in written:
            text = template.read_text(encoding="utf-8")
            (out / template.name).write_text(_relocated(text, template.parent, out),
                                             encoding="utf-8")
            print(f"guidebook gettext: wrote {out / template.name}", file=err)
    return 0


def _relocated(text: str, written_in: Path, out: Path) -> str:
    """*text* with its ``#:`` source locations relative to *out* instead of *written_in*
    (Sphinx gives them relative to the folder it wrote the template in)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#: "):
            locations = []
            for location in line[3:].split():
                path, colon, number = location.rpartition(":")
                if not colon or not number.isdigit():
                    path, number = location, ""
                moved = os.path.relpath(os.path.normpath(written_in / path), out)
                locations.append(f"{moved}:{number}" if number else moved)
            line = "#: " + " ".join(locations) + "\n"
        lines.append(line)
    return "".join(lines)
