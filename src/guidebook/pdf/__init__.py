"""A PDF of every guide and part (``guidebook build --pdf``), holding what its readers see.

The guidebook builder calls :class:`PdfWriter` while a part is in scope (its tag set, the
environment's toctree views limited to it), before the part's HTML pages are written:

1. Sphinx's LaTeX builder (:class:`~guidebook.pdf.latex.PartLaTeXBuilder`) writes the
   part's ``.tex`` file from the environment the HTML build read: no page is read twice.
2. latexmk turns it into a PDF in a work directory beside the doctrees, kept between
   builds so that an unchanged guide costs one latexmk check.
3. The PDF is copied into the staging site as ``<part folder>/<project>-<part>.pdf``; the
   driver publishes it with the rest of the site, or not at all.

The part's pages then link to the PDF, and only when it was made: a page never links to a
PDF that is not there. When TeX is missing, or LaTeX stops at an error, the build warns
(``guidebook.pdf-tex-missing``, ``guidebook.pdf-latex``: ``--strict`` fails) and the HTML is
written without the link; LaTeX's log is kept in the work directory and copied where the
PDF would have been.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
import shutil
import time
from collections.abc import Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sphinx.util import logging
from sphinx.util.i18n import format_date
from sphinx.util.osutil import relative_uri

from guidebook.audiences import configured_parts
from guidebook.config import conf_location
from guidebook.engine.part_writer import (
    conf_latex_setting,
    conf_latex_settings,
    keep_conf_latex_settings,
    part_indices,
    writing_as,
)
from guidebook.manifest import PdfEntry

# Sphinx's LaTeX builder (pdf.latex) and the scripts' setups (pdf.scripts) are imported
# where a PDF is made: every build has a PdfWriter, few make a PDF (issue 28: start-up).
from guidebook.pdf.tex import (
    copy_file,
    install_hint,
    missing_file_hint,
    missing_tex,
    run_latexmk,
)
from guidebook.warnings_ import WarningCode, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

    from guidebook.config import Part
    from guidebook.pdf.scripts import XeLaTeXSetup

logger = logging.getLogger(__name__)



class PdfSite(Protocol):
    """The build as the PDF writer sees it (the guidebook builder is one)."""

    @property
    def config(self) -> Config: ...
    @property
    def env(self) -> BuildEnvironment: ...
    @property
    def application(self) -> Sphinx: ...
    @property
    def site_root(self) -> Path: ...
    @property
    def doctreedir(self) -> Path: ...
    def page_urls(self) -> dict[str, str]:
        """Every published page's URL from the site root, in the first part that has it."""
        ...


def file_stem(project: str, part: str, language: str = "") -> str:
    """``<project>-<part>`` with the project name made safe for a file name, and
    ``-<language>`` in a translation's build (``glance-user-ja``)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", project).strip("-").lower() or "docs"
    return f"{slug}-{part}-{language}" if language else f"{slug}-{part}"


class PdfWriter:
    """The PDFs of one guidebook build: which to make, making them, linking to them."""

    def __init__(self, builder: PdfSite, previous: dict[str, PdfEntry],
                 html_tags: Set[str]) -> None:
        self.builder = builder
        #: The HTML builder's own tags (``html``, ``builder_guidebook``...), which the LaTeX
        #: builder's replace while it writes.
        self.html_tags = frozenset(html_tags)
        self.enabled = bool(builder.config.guidebook_pdf)
        #: In a translation's build, its language (in the PDFs' names).
        self.translation = (str(builder.config.language)
                            if builder.config.guidebook_translation_of else "")
        #: part name -> the previous build's PDF entry (from its manifest).
        self.previous = previous
        self.records: dict[str, PdfEntry] = {}
        #: part name -> why its PDF was not made in this build.
        self.failures: dict[str, str] = {}
        self._tex_checked = False
        self._tex_ok = False
        #: Why no PDF can be made in this build (when TeX is not available).
        self.tex_missing = "TeX is not installed"
        self._page_urls: dict[str, str] | None = None
        #: The LaTeX engine the PDFs are written with (conf.py's when it is installed).
        self.engine = "pdflatex"
        #: XeLaTeX's setup for the build's language, when pdflatex cannot set it.
        self.language_setup: XeLaTeXSetup | None = None
        if self.enabled:
            # The PDFs of the previous build stand until their part is written again.
            for name, entry in previous.items():
                staged = self._staged_path(name)
                if staged.is_file():
                    self.records[name] = dataclasses.replace(entry,
                                                             size=staged.stat().st_size)

    # -- what the builder asks ------------------------------------------------------------

    def outdated_roots(self) -> Iterator[str]:
        """Root pages of the parts whose PDF has to be made or removed in this build.

        Sphinx writes nothing when no page is out of date; a guide whose PDF comes or goes
        (``--pdf`` given or dropped, a failed PDF tried again) needs its pages rewritten.
        """
        found = self.builder.env.found_docs
        for spec in configured_parts(self.builder.env):
            if spec.root not in found:
                continue
            had = spec.name in self.previous and self._staged_path(spec.name).is_file()
            if had != self.enabled:
                yield spec.root

    def due(self, part: Part, to_write: set[str]) -> bool:
        """Whether *part*'s PDF has to be made (or removed) in this build."""
        if not self.enabled:
            return part.name in self.previous or self._staged(part).exists()
        if to_write or part.name not in self.previous:
            return True
        # Nothing of the part changed: keep its PDF if it is there.
        return part.name not in self.records

    def write(self, part: Part) -> bool:
        """Make *part*'s PDF (or remove a stale one); True when its link came or went."""
        staged = self._staged(part)
        staged.unlink(missing_ok=True)
        staged.with_suffix(".log").unlink(missing_ok=True)
        self.records.pop(part.name, None)
        self.failures.pop(part.name, None)
        if self.enabled and self._tex_available():
            self._make(part, staged)
        elif self.enabled:
            self.failures[part.name] = self.tex_missing
        had = part.name in self.previous
        return had != (part.name in self.records)

    def page_link(self, part: Part, page_url: str) -> str | None:
        """The URL of *part*'s PDF as seen from its page at *page_url* (None: no PDF)."""
        if part.name not in self.records:
            return None
        return relative_uri(page_url, self.records[part.name].url)

    def url_of(self, part: str) -> str | None:
        """The site-root URL of *part*'s PDF, if this build has one (portal and manifest)."""
        record = self.records.get(part)
        return record.url if record else None

    def manifest_entries(self) -> tuple[PdfEntry, ...]:
        return tuple(self.records[name] for name in sorted(self.records))

    def finish(self) -> None:
        """Leave the PDFs this build could not make where the command finds them, to
        exit non-zero after publishing the HTML (:func:`missing_pdfs`)."""
        write_missing(Path(self.builder.doctreedir), self.failures if self.enabled else {})

    # -- making one PDF ----------------------------------------------------------------------

    def _staged(self, part: Part) -> Path:
        return self._staged_path(part.name)

    def _staged_path(self, name: str) -> Path:
        """Where part *name*'s PDF goes in the staging site: its folder, then
        ``<project>-<name>.pdf``."""
        stem = file_stem(self.builder.config.project, name, self.translation)
        return Path(self.builder.site_root, name, f"{stem}.pdf")

    def _record(self, part: Part, staged: Path, pages: int) -> PdfEntry:
        url = posixpath.join(*staged.relative_to(self.builder.site_root).parts)
        return PdfEntry(part.name, part.title, url, pages, staged.stat().st_size)

    def _tex_available(self) -> bool:
        from sphinx.builders.latex import default_latex_engine

        from guidebook.pdf.scripts import language_script

        if not self._tex_checked:
            self._tex_checked = True
            engine = conf_latex_setting(self.builder.application, "latex_engine")
            self.engine = engine
            config = self.builder.config
            if engine == default_latex_engine(config) and language_script(
                    str(config.language or "en")) is not None:
                # conf.py chose no engine: guidebook's setup for the language's script
                # (Sphinx's default, uplatex for Japanese, is not what TeX has).
                engine = self.engine = "pdflatex"
                self._tex_ok = not missing_tex(engine)
                if self._tex_ok:
                    self._choose_language_setup()
                    return self._tex_ok
            missing = missing_tex(engine)
            if missing and engine != "pdflatex" and shutil.which(engine) is None \
                    and not missing_tex("pdflatex"):
                # conf.py's engine is honoured when its TeX is installed; else pdflatex.
                warn(
                    WarningCode.PDF_TEX_MISSING,
                    f"--pdf: latex_engine {engine!r} is not installed, the PDFs are written "
                    f"with pdflatex (install it with: "
                    f"{install_hint([ENGINE_PACKAGES.get(engine, 'texlive-' + engine)])})",
                    location=conf_location(Path(self.builder.application.confdir, "conf.py"),
                                           "latex_engine"),
                )
                self.engine, missing = "pdflatex", []
            self._tex_ok = not missing
            if missing:
                warn(
                    WarningCode.PDF_TEX_MISSING,
                    "--pdf: TeX is not installed, so no PDF is written (the HTML is); "
                    f"missing Debian packages: {', '.join(missing)} "
                    f"(install them with: {install_hint(missing)})",
                )
        return self._tex_ok

    def _choose_language_setup(self) -> None:
        """XeLaTeX for a language pdflatex cannot set, when conf.py chose no engine."""
        from guidebook.pdf.scripts import language_script, xelatex_setup

        language = str(self.builder.config.language or "en")
        script = language_script(language)
        if script is None:
            return
        setup = xelatex_setup([script], language)
        if setup.missing:
            self._tex_ok = False
            self.tex_missing = (f"XeLaTeX and fonts for {setup.names} text are not "
                                f"installed: {', '.join(setup.missing)}")
            warn(
                WarningCode.PDF_TEX_MISSING,
                f"--pdf: the PDFs in {language!r} need XeLaTeX and fonts for "
                f"{setup.names} text, so none is written (the HTML is); missing Debian "
                f"packages: {', '.join(setup.missing)} (install them with: "
                f"{install_hint(list(setup.missing))})",
                location=conf_location(Path(self.builder.application.confdir, "conf.py"),
                                       "guidebook_languages"),
            )
            return
        self.engine, self.language_setup = "xelatex", setup

    def _make(self, part: Part, staged: Path) -> None:
        builder = self.builder
        stem = file_stem(builder.config.project, part.name, self.translation)
        workdir = Path(builder.doctreedir, "pdf", part.name)
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        try:
            setup = self.language_setup
            self._write_tex(part, workdir, f"{stem}.tex", staged, setup)
            if setup is None:
                # Text pdflatex cannot set (Japanese in an English guide): XeLaTeX, or
                # a warning at its line naming what to install.
                setup = self._setup_for_text(part, workdir / f"{stem}.tex")
                if setup is None:
                    return
                if setup.scripts:
                    self._write_tex(part, workdir, f"{stem}.tex", staged, setup)
        except Exception as exc:  # a node or setting the LaTeX writer cannot handle
            warn(
                WarningCode.PDF_LATEX,
                f"{part.kind} {part.name!r}: the LaTeX writer failed, no PDF: "
                f"{type(exc).__name__}: {exc}",
            )
            self.failures[part.name] = f"the LaTeX writer failed: {type(exc).__name__}: {exc}"
            return
        sphinx_seconds = time.perf_counter() - started
        result = run_latexmk(workdir, f"{stem}.tex")
        tex_seconds = time.perf_counter() - started - sphinx_seconds
        if result.pdf is None:
            log_copy = staged.with_suffix(".log")
            if result.log.is_file():
                copy_file(result.log, log_copy)
            where = _source_of(workdir / f"{stem}.tex", result.tex_line)
            hint = missing_file_hint(result.error, rendering_tools(builder.config))
            error = f"{result.error} ({hint})" if hint else result.error
            warn(
                WarningCode.PDF_LATEX,
                f"{part.kind} {part.name!r}: LaTeX stopped, no PDF: {error} "
                f"(TeX log: {result.log}, copied into the site beside the PDF's place "
                f"as {log_copy.name})",
                location=where,
            )
            self.failures[part.name] = f"LaTeX stopped: {error}"
            return
        copy_file(result.pdf, staged)
        record = self._record(part, staged, result.pages)
        self.records[part.name] = record
        logger.info(
            "guidebook: PDF %s: %d pages (LaTeX writer %.2f s, latexmk %.2f s)",
            record.url, result.pages, sphinx_seconds, tex_seconds,
        )

    def _setup_for_text(self, part: Part, tex: Path) -> XeLaTeXSetup | None:
        """The XeLaTeX setup for the scripts pdflatex cannot set in *tex* (none: an empty
        setup); None, after a warning at the first such line, when it is not installed."""
        from guidebook.pdf.scripts import (
            XeLaTeXSetup,
            first_line_with,
            scripts_in,
            xelatex_setup,
        )

        text = tex.read_text(encoding="utf-8", errors="replace")
        body = text.split("\\begin{document}", 1)[-1]
        found = scripts_in(body)
        if not found:
            return XeLaTeXSetup((), {}, ())
        setup = xelatex_setup(found, str(self.builder.config.language or "en"))
        if not setup.missing:
            return setup
        line = text.count("\n", 0, len(text) - len(body)) + first_line_with(body, found)
        warn(
            WarningCode.PDF_TEX_MISSING,
            f"{part.kind} {part.name!r}: pdflatex cannot set its {setup.names} text and "
            f"XeLaTeX with fonts for it is not installed, so no PDF; missing Debian "
            f"packages: {', '.join(setup.missing)} (install them with: "
            f"{install_hint(list(setup.missing))})",
            location=_source_of(tex, line),
        )
        self.failures[part.name] = (f"{setup.names} text needs XeLaTeX and fonts: "
                                    f"{', '.join(setup.missing)}")
        return None

    def _write_tex(self, part: Part, workdir: Path, texname: str, staged: Path,
                   setup: XeLaTeXSetup | None = None) -> None:
        """Sphinx's LaTeX builder: *part*'s pages as one ``.tex`` file in *workdir*
        (with *setup*: by XeLaTeX, for scripts pdflatex cannot set)."""
        from guidebook.pdf.latex import PartLaTeXBuilder, extra_context
        from guidebook.pdf.scripts import engine_defaults

        builder = self.builder
        app = builder.application
        config = builder.config
        engine = "xelatex" if setup is not None and setup.scripts else self.engine
        with conf_latex_settings(app), engine_defaults(app, engine):
            app.config.latex_engine = engine
            latex = PartLaTeXBuilder(app, builder.env, part, self._urls_from(staged))
            latex.outdir = type(latex.outdir)(workdir)
            latex.init()
            latex.context.update(extra_context(latex))
            if engine == "pdflatex":
                latex.context["preamble"] = PDFLATEX_SYMBOLS + latex.context.get("preamble", "")
            elif setup is not None:
                latex.context.update({key: value for key, value in setup.elements.items()
                                      if key not in config.latex_elements})
            latex.document_entry = (
                part.root, texname, part.title, config.author or config.project, "manual",
                False,
            )
            if "maketitle" not in config.latex_elements:
                date = config.today or format_date(config.today_fmt or "%b %d, %Y",
                                                   language=config.language)
                latex.context["maketitle"] = latex.title_page(
                    config.project, part.title, config.version or config.release, date
                )
            with writing_as(app, latex, latex.own_tags, self.html_tags), \
                    part_indices(builder.env):
                latex.prepare_writing(set())
                latex.copy_assets()
                latex.write_documents(set())
                latex.finish()

    def _urls_from(self, staged: Path) -> dict[str, str]:
        """docname -> its HTML page's URL as seen from the PDF (or absolute)."""
        from guidebook.pdf.latex import relative_url

        if self._page_urls is None:
            self._page_urls = self.builder.page_urls()
        base = str(self.builder.config.html_baseurl or "")
        if base:
            base = base.rstrip("/") + "/"
            return {doc: base + url for doc, url in self._page_urls.items()}
        folder = posixpath.join(*staged.parent.relative_to(self.builder.site_root).parts)
        return {doc: relative_url(url, folder) for doc, url in self._page_urls.items()}


#: The Debian package of each LaTeX engine's program.
ENGINE_PACKAGES = {"xelatex": "texlive-xetex", "lualatex": "texlive-luatex",
                   "platex": "texlive-lang-japanese", "uplatex": "texlive-lang-japanese"}

#: Symbols documentation uses that pdflatex's fonts do not have (xelatex and lualatex
#: take them from the font): check marks and crosses of support tables, arrows, stars,
#: and the box drawing of text diagrams in literal blocks (ironic's network diagrams:
#: pmboxdraw draws U+2500-U+259F; the arrowheads they point with are amssymb's).
PDFLATEX_SYMBOLS = r"""
\usepackage{pifont}
\usepackage{pmboxdraw}
% One character wide, as the box drawing around it in a monospaced diagram.
\newcommand{\guidebookcell}[1]{\makebox[\fontcharwd\font`M][c]{\ensuremath{#1}}}
\DeclareUnicodeCharacter{25B2}{\guidebookcell{\blacktriangle}}
\DeclareUnicodeCharacter{25B6}{\guidebookcell{\blacktriangleright}}
\DeclareUnicodeCharacter{25BA}{\guidebookcell{\blacktriangleright}}
\DeclareUnicodeCharacter{25BC}{\guidebookcell{\blacktriangledown}}
\DeclareUnicodeCharacter{25C0}{\guidebookcell{\blacktriangleleft}}
\DeclareUnicodeCharacter{25C4}{\guidebookcell{\blacktriangleleft}}
\DeclareUnicodeCharacter{2713}{\ding{51}}
\DeclareUnicodeCharacter{2714}{\ding{52}}
\DeclareUnicodeCharacter{2715}{\ding{53}}
\DeclareUnicodeCharacter{2716}{\ding{54}}
\DeclareUnicodeCharacter{2717}{\ding{55}}
\DeclareUnicodeCharacter{2718}{\ding{56}}
\DeclareUnicodeCharacter{2605}{\ding{72}}
\DeclareUnicodeCharacter{2606}{\ding{73}}
\DeclareUnicodeCharacter{2610}{\ensuremath{\square}}
\DeclareUnicodeCharacter{2611}{\ding{51}}
\DeclareUnicodeCharacter{2612}{\ding{55}}
\DeclareUnicodeCharacter{2190}{\ensuremath{\leftarrow}}
\DeclareUnicodeCharacter{2191}{\ensuremath{\uparrow}}
\DeclareUnicodeCharacter{2192}{\ensuremath{\rightarrow}}
\DeclareUnicodeCharacter{2193}{\ensuremath{\downarrow}}
\DeclareUnicodeCharacter{2194}{\ensuremath{\leftrightarrow}}
\DeclareUnicodeCharacter{21D2}{\ensuremath{\Rightarrow}}
\DeclareUnicodeCharacter{21D4}{\ensuremath{\Leftrightarrow}}
\DeclareUnicodeCharacter{2260}{\ensuremath{\neq}}
\DeclareUnicodeCharacter{2264}{\ensuremath{\leq}}
\DeclareUnicodeCharacter{2265}{\ensuremath{\geq}}
\DeclareUnicodeCharacter{221E}{\ensuremath{\infty}}
\DeclareUnicodeCharacter{2248}{\ensuremath{\approx}}
\DeclareUnicodeCharacter{26A0}{\ding{115}}
\DeclareUnicodeCharacter{FE0F}{}
\DeclareUnicodeCharacter{200B}{}
"""

#: Where a build leaves the PDFs it could not make, in its doctree directory.
MISSING_PDFS = Path("pdf", "missing.json")


def write_missing(doctreedir: Path, failures: dict[str, str]) -> None:
    path = doctreedir / MISSING_PDFS
    if failures:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(failures, indent=1, sort_keys=True), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


def missing_pdfs(doctreedir: Path) -> dict[str, str]:
    """The guides and parts whose PDF the last build could not make, and why."""
    try:
        found = json.loads((doctreedir / MISSING_PDFS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(name): str(why) for name, why in found.items()} if isinstance(found, dict) \
        else {}


def missing_summary(missing: dict[str, str]) -> str:
    """The lines that close a build with missing PDFs: one per guide or part."""
    lines = [f"guidebook: --pdf: {len(missing)} PDF(s) not made (the HTML is published):"]
    lines += [f"  {name}: {why}" for name, why in sorted(missing.items())]
    return "\n".join(lines)


def rendering_tools(config: Config) -> list[tuple[str, str]]:
    """The programs conf.py's extensions run to make images, as conf.py names them."""
    tools = [(str(getattr(config, "graphviz_dot", "") or "dot"), "graphviz")]
    converter = getattr(config, "rsvg_converter_bin", None)
    if converter:
        tools.append((str(converter), "librsvg2-bin"))
    return tools


def _source_of(tex: Path, line: int) -> str | None:
    """``path:line`` of the source block the .tex file's *line* came from (None: unknown).

    The block is the last one whose source marker precedes the line.
    """
    from guidebook.pdf.latex import SOURCE_MARKER

    if line <= 0:
        return None
    try:
        lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()[:line]
    except OSError:
        return None
    for text in reversed(lines):
        if text.startswith(SOURCE_MARKER):
            return text[len(SOURCE_MARKER):].strip()
    return f"{tex}:{line}"


def setup(app: Sphinx) -> ExtensionMetadata:
    # Before any theme's builder-inited handler can change them.
    app.connect("config-inited", keep_conf_latex_settings)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


__all__ = ["PdfSite", "PdfWriter", "file_stem", "missing_pdfs", "missing_summary", "setup"]
