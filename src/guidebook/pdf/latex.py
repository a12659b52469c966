"""Sphinx's LaTeX builder, writing one guide or part over the environment the HTML build read.

:class:`PartLaTeXBuilder` is run while the guidebook builder has a part in scope: the part's
tag is set (so foreign ``.. audience::`` blocks drop out through Sphinx's ``only``
machinery, as in the HTML) and its document is assembled from the part's own pages only:

- the part's root page with its toctrees inlined in navigation order, skipping every page
  the part does not include (Sphinx's ``inline_all_toctrees`` skips pages it has already
  "traversed": every page outside the part is counted as traversed);
- pages of the part that no toctree reaches, appended after them;
- a reference to a page outside the document points at that page's published HTML (the
  manifest's URL), not at a missing LaTeX label;
- a ``%guidebook-source: path:line`` comment before every block, so a TeX error can be
  traced back to the page and line it came from.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex import LaTeXBuilder
from sphinx.errors import NoUri
from sphinx.locale import _
from sphinx.util import texescape
from sphinx.util.nodes import inline_all_toctrees
from sphinx.writers.latex import LaTeXTranslator

from guidebook.engine.emptied_sections import prune_toctrees
from guidebook.sphinx_internals import (
    forget_evaluated_conditions,
)
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from guidebook.config import Part

#: The comment that carries a block's source location into the .tex file.
SOURCE_MARKER = "%guidebook-source: "

#: Block-level nodes that get a source marker (always in vertical mode in LaTeX, so a
#: comment line before them changes nothing on the page).
_MARKED = (
    nodes.paragraph, nodes.literal_block, nodes.section, nodes.table, nodes.Admonition,
    nodes.bullet_list, nodes.enumerated_list, nodes.definition_list, nodes.field_list,
    nodes.block_quote, nodes.figure, nodes.topic,
)

#: Sphinx's LaTeX settings that keep the API reference and code on the page: long words
#: in code blocks are broken rather than run into the margin.
SPHINXSETUP = "verbatimforcewraps=true, verbatimmaxunderfull=2"

#: Keeps long paths, setting names and URLs on the page. Sphinx lets inline literals break
#: after . , ; ? ! / only: also break them after _ and - (setting names, header names), and
#: typeset index entries (the API reference's routing table of paths) the same way;
#: ``xurl`` lets URLs break anywhere.
PREAMBLE = r"""
\usepackage{xurl}
\protected\def\guidebookunderscore{\discretionary{\textunderscore}{}{\textunderscore}}
\protected\def\guidebookhyphen#1{\discretionary{-}{}{-}}
\let\guidebookupquote\sphinxupquote
\protected\def\sphinxupquote#1{\guidebookupquote{\let\_\guidebookunderscore#1}}
\renewcommand*{\sphinxhyphenininlineliteral}{\guidebookhyphen}
\protected\def\sphinxstyleindexentry#1{\texttt{\sphinxupquote{#1}}}
"""

#: One-sided, chapters start on any page: a PDF is read on screen more than printed as a
#: book, and Sphinx's default leaves a blank page before every other chapter.
CLASSOPTIONS = ",openany,oneside"


class SourceMarkingTranslator(LaTeXTranslator):
    """Sphinx's LaTeX translator, noting each block's source file and line in the .tex.

    Its table of contents lists at least chapters and sections: Sphinx takes the depth from
    the root page's first toctree (often ``:maxdepth: 1``), and when the root page groups
    its toctrees under headings, as a guide's landing page does, the pages are sections.
    """

    def __init__(self, document: nodes.document, builder: LaTeXBuilder, theme: Any) -> None:
        super().__init__(document, builder, theme)
        if "tocdepth" not in builder.config.latex_elements:
            depth = re.search(r"\{(-?\d+)\}", self.elements.get("tocdepth", ""))
            if depth is None or int(depth[1]) < 1:
                self.elements["tocdepth"] = "\\setcounter{tocdepth}{1}"

    def dispatch_visit(self, node: nodes.Node) -> None:
        block = isinstance(node, _MARKED) or (
            # raw LaTeX, the likeliest cause of a TeX error, when it stands as a block
            isinstance(node, nodes.raw) and not isinstance(node.parent, nodes.TextElement)
        )
        if (
            block
            and node.line
            and node.source
            and not self.literal_whitespace
            and not self.in_title
            and not self.in_caption
            and not self.in_production_list
        ):
            self.body.append(f"\n{SOURCE_MARKER}{node.source}:{node.line}\n")
        super().dispatch_visit(node)


class PartLaTeXBuilder(LaTeXBuilder):
    """The LaTeX builder for one part, over the environment the HTML build read.

    Named ``latex`` so that Sphinx's LaTeX post-transforms apply to it; it is never
    registered (``-b latex`` stays Sphinx's own builder).
    """

    name = "latex"
    default_translator_class = SourceMarkingTranslator

    def __init__(self, app: Sphinx, env: BuildEnvironment, part: Part,
                 page_urls: Mapping[str, str]) -> None:
        before = set(app.tags)
        super().__init__(app, env)
        # Builder.__init__ adds its tags to the application's (shared with the HTML
        # builder); take them back out, they are set only while this builder writes.
        self.own_tags = set(app.tags) - before
        for tag in self.own_tags:
            app.tags.remove(tag)
        forget_evaluated_conditions(app.tags)
        self.part = part
        #: docname -> the URL of its HTML page, relative to where the PDF is published,
        #: or absolute (``html_baseurl``): for links to pages outside this document.
        self.page_urls = page_urls
        self.document_entry: tuple[str, str, str, str, str, bool] | None = None

    # -- which pages, in which order ----------------------------------------------------

    def init_document_data(self) -> None:
        if self.document_entry is not None:
            self.document_data = [self.document_entry]
            self.titles = [(self.part.root.removesuffix("/index"), self.document_entry[2])]

    def assemble_doctree(self, indexfile: str, toctree_only: bool,
                         appendices: list[str]) -> nodes.document:
        part = self.part
        self.docnames = {indexfile}
        tree = self.env.get_doctree(indexfile)
        tree["docname"] = indexfile
        prune_toctrees(tree, part.docnames)  # no heading left with nothing under it
        outside = [doc for doc in self.env.all_docs if doc not in part.docnames]
        largetree = inline_all_toctrees(
            self, self.docnames, indexfile, tree, _no_colour, [indexfile, *outside]
        )
        largetree["docname"] = indexfile
        for docname in sorted(part.docnames - set(self.docnames)):
            # In the part but in none of its toctrees: after the navigation's pages.
            appendix = self.env.get_doctree(docname)
            appendix["docname"] = docname
            largetree.append(appendix)
            self.docnames.add(docname)
        self.env.resolve_references(largetree, indexfile, self)
        leave_out_unusable_images(largetree, self.part)
        for table in largetree.findall(nodes.table):
            fit_columns(table)
        # What is left unresolved (a target no published page has): its text.
        for pending in list(largetree.findall(addnodes.pending_xref)):
            pending.replace_self(pending.children or [nodes.Text(pending.get("reftarget", ""))])
        return largetree

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname in self.docnames:
            return "%" + docname
        url = self.page_urls.get(docname)
        if url is None:
            raise NoUri(docname, typ)
        return url

    # -- the title page ----------------------------------------------------------------

    def title_page(self, project: str, title: str, version: str, date: str) -> str:
        """A title page naming the project, the guide and the version."""
        escape = texescape.escape
        label = self.context.get("releasename") or _("Release")
        version_line = f"{escape(label)} {escape(version)}"
        return (
            "\\begin{titlepage}%\n"
            f"\\hypersetup{{pdftitle={{{escape(project)}: {escape(title)}}}}}%\n"
            "\\noindent\\rule{\\textwidth}{1pt}\\par\n"
            "\\begin{flushright}%\n"
            "\\sphinxlogo\n"
            f"{{\\sffamily\\bfseries\\LARGE {escape(project)}\\par}}\\vspace{{1.5em}}%\n"
            f"{{\\sffamily\\bfseries\\Huge {escape(title)}\\par}}\\vspace{{1em}}%\n"
            f"{{\\itshape\\LARGE {version_line}\\par}}%\n"
            "\\vfill\n"
            f"{{\\large {escape(date)}\\par}}%\n"
            "\\end{flushright}%\n"
            "\\end{titlepage}%\n"
        )


#: Characters per line of the text block (10pt, Sphinx's default page), less a margin.
_LINE_CHARACTERS = 90
#: Characters a column loses to its padding.
_COLUMN_PADDING = 3
#: Where a word may break in the PDF (spaces, and inline literals after / . _ -).
_BREAKS = re.compile(r"[\s/._-]+")


#: The image files LaTeX includes (LaTeXBuilder.supported_image_types).
LATEX_IMAGE_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg")


def leave_out_unusable_images(tree: nodes.Element, part: Part) -> None:
    """Replace each image LaTeX cannot include (an SVG no converter turned into a PDF)
    by its alternative text, with a warning at the image: one such image would otherwise
    stop LaTeX ("Unknown graphics extension: .svg") and cost the whole PDF."""
    for image in list(tree.findall(nodes.image)):
        uri = str(image.get("uri", ""))
        suffix = posixpath.splitext(uri)[1].lower()
        if not suffix or suffix in LATEX_IMAGE_SUFFIXES or "://" in uri:
            continue
        hint = (" (an SVG needs sphinxcontrib.rsvgconverter and its rsvg-convert, Debian "
                "package librsvg2-bin)" if suffix == ".svg" else "")
        warn(WarningCode.PDF_LATEX,
             f"{part.kind} {part.name!r}: image {uri} left out of the PDF: LaTeX cannot "
             f"include {suffix} images{hint}", location=image)
        text = f"[{image.get('alt') or posixpath.basename(uri)}]"
        parent = image.parent
        replacement: nodes.Node = (nodes.inline(text, text)
                                   if isinstance(parent, nodes.TextElement)
                                   else nodes.paragraph(text, text))
        image.replace_self(replacement)


def fit_columns(table: nodes.table) -> None:
    """Give a table without column widths widths that fit its content.

    Left to LaTeX, such a table is a ``tabulary`` that shares the line by the amount of
    text in each column: a column of short words (``query``, ``boolean``) next to a column
    of sentences is squeezed until its words are clipped. Here every column is at least
    as wide as its longest unbreakable word, and the rest of the line is shared by the
    length of the cells. Widths the author gave (``:widths:``) are left alone.
    """
    if {"colwidths-given", "colwidths-auto"} & set(table["classes"]):
        return
    groups = [child for child in table.children if isinstance(child, nodes.tgroup)]
    if len(groups) != 1:
        return
    group = groups[0]
    colspecs = [child for child in group.children if isinstance(child, nodes.colspec)]
    count = len(colspecs)
    if count < 2:
        return
    longest = [1] * count
    lengths: list[list[int]] = [[] for _ in range(count)]
    for row in group.findall(nodes.row):
        entries = [child for child in row.children if isinstance(child, nodes.entry)]
        if len(entries) != count:
            return  # spanning cells: leave the table to Sphinx
        for column, entry in enumerate(entries):
            text = entry.astext()
            words = [len(word) for word in _BREAKS.split(text) if word]
            longest[column] = max([longest[column], *words])
            lengths[column].append(len(text))
    minimum = [width + _COLUMN_PADDING for width in longest]
    wanted = [max(low, min(60, sum(cells) / max(1, len(cells)))) + _COLUMN_PADDING
              for low, cells in zip(minimum, lengths, strict=True)]
    room = _LINE_CHARACTERS - sum(minimum)
    extra = [want - low for want, low in zip(wanted, minimum, strict=True)]
    if room <= 0 or sum(extra) <= 0:
        widths = [float(low) for low in minimum]
    else:
        share = min(1.0, room / sum(extra))
        widths = [low + more * share for low, more in zip(minimum, extra, strict=True)]
        # What the content does not claim goes to the columns that wrap the most.
        spare = _LINE_CHARACTERS - sum(widths)
        if spare > 0:
            widths = [width + spare * more / sum(extra) for width, more in zip(widths, extra,
                                                                             strict=True)]
    for colspec, width in zip(colspecs, widths, strict=True):
        colspec["colwidth"] = max(1, round(width * 10))
    table["classes"].append("colwidths-given")


def _no_colour(text: str) -> str:
    return text


def relative_url(target: str, base_dir: str) -> str:
    """*target* (a path from the site root, maybe with ``#anchor``) as seen from *base_dir*."""
    path, hash_, anchor = target.partition("#")
    relative = posixpath.relpath(path, base_dir or ".")
    return relative + hash_ + anchor


def extra_context(builder: PartLaTeXBuilder) -> dict[str, Any]:
    """LaTeX settings guidebook adds unless conf.py's ``latex_elements`` sets them."""
    user = builder.config.latex_elements
    context: dict[str, Any] = {}
    if "sphinxsetup" not in user:
        context["sphinxsetup"] = SPHINXSETUP
    if "preamble" not in user:
        context["preamble"] = PREAMBLE
    if "figure_align" not in user:
        # A figure where the text puts it, not floated pages away from the steps it shows.
        context["figure_align"] = "H"
    if "classoptions" not in user:
        context["classoptions"] = builder.context.get("classoptions", "") + CLASSOPTIONS
    return context
