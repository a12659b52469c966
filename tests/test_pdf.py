"""``guidebook build --pdf``: one PDF per guide, holding its pages and audience blocks only.

Every test builds ``tests/roots/test-pdf`` for real (Sphinx's LaTeX builder, then latexmk)
and reads the PDFs back with poppler's ``pdftotext`` and ``pdfinfo``. Without TeX or
poppler they skip with the packages to install; with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from guidebook.pdf.tex import DEBIAN_PACKAGES, first_error, missing_tex

from .conftest import ROOTS, BuildResult, build_source

GUIDES = ("user", "operator", "admin", "contributor")


def _require(condition: bool, message: str) -> None:
    if condition:
        return
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"{message} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def tex() -> None:
    missing = missing_tex()
    _require(not missing, f"TeX is not installed: apt-get install {' '.join(missing)}")
    _require(shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None,
             "poppler is not installed: apt-get install poppler-utils")


@pytest.fixture(scope="module")
def pdf_site(tex: None, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One strict ``--pdf`` build of the test root, shared by the tests that only read it."""
    work = tmp_path_factory.mktemp("pdf")
    source = work / "src"
    shutil.copytree(ROOTS / "test-pdf", source)
    result = build_source(source, work / "out", strict=True, fresh=True,
                          overrides={"guidebook_pdf": True})
    assert result.status == 0, result.output
    return result


def pdf_path(site: BuildResult, guide: str) -> Path:
    return site.out / guide / f"pdf-test-{guide}.pdf"


def pdf_text(path: Path, *, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match, info
    return int(match[1])


def pdf_urls(path: Path) -> set[str]:
    listing = subprocess.run(["pdfinfo", "-url", str(path)], capture_output=True, text=True,
                             check=True).stdout
    return {line.split()[-1] for line in listing.splitlines()[1:] if line.strip()}


def test_a_pdf_per_guide_listed_in_the_manifest(pdf_site: BuildResult) -> None:
    entries = {entry["part"]: entry for entry in pdf_site.manifest["pdfs"]}
    assert sorted(entries) == sorted(GUIDES)
    for guide in GUIDES:
        path = pdf_path(pdf_site, guide)
        assert entries[guide]["url"] == f"{guide}/pdf-test-{guide}.pdf"
        assert entries[guide]["pages"] == pdf_pages(path) > 0
        assert entries[guide]["size"] == path.stat().st_size
        assert path.read_bytes().startswith(b"%PDF-")


def test_audience_blocks_only_in_their_guides_pdf(pdf_site: BuildResult) -> None:
    texts = {guide: pdf_text(pdf_path(pdf_site, guide)) for guide in GUIDES}
    assert [g for g in GUIDES if "OPERATORMARKER" in texts[g]] == ["operator"]
    assert [g for g in GUIDES if "ADMINMARKER" in texts[g]] == ["admin"]
    # The page shared by the user and operator guides is in both PDFs and no other.
    assert [g for g in GUIDES if "SHAREDMARKER" in texts[g]] == ["user", "operator"]
    # A page of one guide only never leaks into another guide's PDF.
    assert [g for g in GUIDES if "zebra images" in texts[g].lower()] == ["user"]
    assert [g for g in GUIDES if "wombat" in texts[g]] == ["contributor"]


def test_common_symbols_are_set_with_pdflatex(pdf_site: BuildResult) -> None:
    # pdflatex has no glyph for them by default ("Unicode character ✗ (U+2717) not set
    # up for use with LaTeX" stops it); guidebook declares them.
    text = pdf_text(pdf_path(pdf_site, "user"))
    assert "Support table marks: ✓ works, ✗ does not, → next, ≥ 2, ★ star." in text
    # A text diagram's box drawing (drawn as rules: no text) and arrowheads: before,
    # "Unicode character ┌ (U+250C)" cost ironic's administrator guide its PDF.
    # (pdftotext reads the pointer U+25BA back as the triangle U+25B6, the glyph it is.)
    assert re.search(r"BOXWORD host\s*[►▶]\s*switch\s*▲\s*▼", text), text


def test_format_only_blocks_follow_the_output(pdf_site: BuildResult) -> None:
    # While the PDF is written the tags say latex, not html; the HTML is unaffected.
    text = pdf_text(pdf_path(pdf_site, "user"))
    assert "ONLYLATEX" in text and "ONLYHTML" not in text
    html = pdf_site.html("user", "user/upload")
    assert "ONLYHTML" in html and "ONLYLATEX" not in html


def test_title_page_contents_and_navigation_order(pdf_site: BuildResult) -> None:
    path = pdf_path(pdf_site, "operator")
    title_page = pdf_text(path, first=1, last=1)
    assert "PDF test" in title_page
    assert "Operator guide" in title_page
    assert "Release 3.1" in title_page
    contents = pdf_text(path, first=2, last=2)
    assert "CONTENTS" in contents.upper()
    assert "Deploying the quokka service" in contents and "Shared glossary" in contents
    text = pdf_text(path)
    # The guide's toctree order: the deploy page, then the shared glossary.
    assert text.index("DEPLOYING THE QUOKKA SERVICE") < text.index("SHARED GLOSSARY")


def test_cross_guide_links_point_at_the_published_html(pdf_site: BuildResult) -> None:
    # The user guide links to a page only the operator and admin guides have: the link
    # goes to that page's HTML, relative to the PDF's folder (from the manifest's URL).
    urls = pdf_urls(pdf_path(pdf_site, "user"))
    assert "../operator/deploy.html" in urls
    assert (pdf_site.out / "user" / "../operator/deploy.html").resolve().is_file()
    # Links inside the document are internal, not URLs: the glossary is in the user PDF.
    assert not any("shared" in url for url in urls)


def test_internal_links_resolve(pdf_site: BuildResult) -> None:
    work = pdf_site.out.parent / ".out.doctrees" / "pdf" / "user"
    tex = (work / "pdf-test-user.tex").read_text(encoding="utf-8")
    # The :ref: to the shared page's label is a hyperlink to a label of this document...
    assert "\\hyperref[\\detokenize{common/shared:shared-glossary}]" in tex
    assert "\\label{\\detokenize{common/shared:shared-glossary}}" in tex
    # ...and LaTeX resolved every one of them.
    log = (work / "pdf-test-user.log").read_text(encoding="utf-8", errors="replace")
    assert "undefined references" not in log
    assert "Hyper reference" not in log


def test_domain_indices_hold_only_the_guides_entries(pdf_site: BuildResult) -> None:
    # httpdomain's routing table ignores the pages Sphinx asks for; the PDF's does not.
    texts = {guide: pdf_text(pdf_path(pdf_site, guide)) for guide in GUIDES}
    assert [g for g in GUIDES if "HTTP Routing Table" in texts[g]] == ["operator", "admin"]
    assert [g for g in GUIDES if "/v2/quokkas" in texts[g]] == ["operator", "admin"]
    for guide in GUIDES:
        log = pdf_site.out.parent / ".out.doctrees" / "pdf" / guide / f"pdf-test-{guide}.log"
        assert "undefined references" not in log.read_text(encoding="utf-8", errors="replace")


def test_every_page_and_the_portal_link_to_the_guides_pdf(pdf_site: BuildResult) -> None:
    for entry in pdf_site.manifest["guides"]:
        assert entry["pages"]
        for page in entry["pages"]:
            path = pdf_site.out / page["url"]
            html = path.read_text(encoding="utf-8")
            match = re.search(r'class="guidebook-guidebar-pdf" href="([^"]+)"', html)
            assert match, f"{path}: no PDF link"
            assert (path.parent / match[1]).resolve() == pdf_path(pdf_site, entry["name"])
    portal = (pdf_site.out / "index.html").read_text(encoding="utf-8")
    for guide in GUIDES:
        assert f'class="guidebook-portal-pdf" href="{guide}/pdf-test-{guide}.pdf"' in portal


def test_long_paths_tables_and_code_stay_on_the_page(pdf_site: BuildResult) -> None:
    # The admin page has long setting names and paths in a table and a long code line.
    log = pdf_site.out.parent / ".out.doctrees" / "pdf" / "admin" / "pdf-test-admin.log"
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Output written on" in text
    assert "Overfull \\hbox" not in text
    assert "quokka_image_cache_" in pdf_text(pdf_path(pdf_site, "admin"))


def test_tex_missing_publishes_html_and_fails_strict(
    tmp_path: Path, copy_root: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = copy_root("pdf")
    bare = tmp_path / "bin"
    bare.mkdir()
    monkeypatch.setenv("PATH", str(bare))
    assert missing_tex() == [name for name, _ in DEBIAN_PACKAGES]
    result = build_source(source, tmp_path / "out", overrides={"guidebook_pdf": True})
    # The HTML is published, and the command says which PDFs are missing and fails.
    assert result.status == 1, result.output
    assert ("guidebook: --pdf: 4 PDF(s) not made (the HTML is published):\n"
            "  admin: TeX is not installed\n") in result.output
    [warning] = [line for line in result.warnings() if "pdf-tex-missing" in line]
    assert "missing Debian packages: latexmk, texlive-latex-recommended" in warning
    assert "apt-get install latexmk" in warning
    assert result.exists("user", "user/upload")
    assert "guidebook-guidebar-pdf" not in result.html("user", "user/upload")
    assert "guidebook-portal-pdf" not in (result.out / "index.html").read_text()
    assert result.manifest["pdfs"] == []
    assert not list(result.out.rglob("*.pdf"))

    strict = build_source(source, tmp_path / "strict", strict=True,
                          overrides={"guidebook_pdf": True})
    assert strict.status != 0
    assert "pdf-tex-missing" in strict.output
    assert not (tmp_path / "strict").exists()


def test_latex_error_names_guide_page_and_line(
    tex: None, tmp_path: Path, copy_root: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = copy_root("pdf")
    page = source / "contributor" / "index.rst"
    page.write_text(page.read_text() + "\nMore text.\n\n.. raw:: latex\n\n   \\nosuchmacro\n")
    # A graph whose renderer is not installed, in the user guide.
    upload = source / "user" / "upload.rst"
    upload.write_text(upload.read_text() + "\n.. graphviz::\n\n   digraph { a -> b }\n")
    # An SVG no converter turns into a PDF, in the operator and admin guides.
    deploy = source / "admin" / "deploy.rst"
    (deploy.parent / "flow.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n')
    deploy.write_text(deploy.read_text() + "\n.. image:: flow.svg\n   :alt: the deploy flow\n")
    image_line = deploy.read_text().splitlines().index(".. image:: flow.svg") + 1
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + 'extensions += ["sphinx.ext.graphviz"]\n'
                    'graphviz_dot = "no-such-dot"\nlatex_engine = "xelatex"\n')
    # xelatex is not installed (whatever this machine has): pdflatex writes the PDFs.
    bare = tmp_path / "bin"
    bare.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for program in Path(folder).glob("*") if Path(folder).is_dir() else ():
            if program.name != "xelatex" and not (bare / program.name).exists():
                (bare / program.name).symlink_to(program)
    monkeypatch.setenv("PATH", str(bare))
    out = tmp_path / "out"
    result = build_source(source, out, overrides={"guidebook_pdf": True})
    assert result.status == 1, result.output
    assert (f"{conf}:14: WARNING: --pdf: latex_engine 'xelatex' is not installed, the PDFs "
            "are written with pdflatex (install it with: sudo apt-get install "
            "texlive-xetex) [guidebook.pdf-tex-missing]") in result.warnings(), result.output
    graph, warning = [line for line in result.warnings() if "LaTeX stopped" in line]
    # The raw LaTeX block is on line 8 of the page.
    assert warning.startswith(f"{page}:8: WARNING: guide 'contributor': LaTeX stopped"), warning
    assert "Undefined control sequence" in warning
    # Not "a TeX package is missing": the graph's image was never made, for want of dot.
    assert graph.startswith(f"{upload}:"), graph
    assert ("LaTeX Error: File `None' not found. (an image was not made: not installed: "
            "'no-such-dot' (Debian package graphviz))") in graph
    log = out / "contributor" / "pdf-test-contributor.log"
    assert log.is_file() and "nosuchmacro" in log.read_text(errors="replace")
    assert not (out / "contributor" / "pdf-test-contributor.pdf").exists()
    # The guide's pages do not link to the PDF that is not there; the others still do.
    assert "guidebook-guidebar-pdf" not in result.html("contributor", "contributor/index")
    assert "guidebook-guidebar-pdf" in result.html("operator", "admin/deploy")
    assert [entry["part"] for entry in result.manifest["pdfs"]] == ["admin", "operator"]
    # The SVG cost its guides' PDFs nothing: it is left out, said at the image.
    assert (f"{deploy}:{image_line}: WARNING: guide 'operator': image admin/flow.svg left out "
            "of the PDF: LaTeX cannot include .svg images (an SVG needs "
            "sphinxcontrib.rsvgconverter and its rsvg-convert, Debian package librsvg2-bin) "
            "[guidebook.pdf-latex]") in result.warnings(), result.output
    assert "[the deploy flow]" in pdf_text(out / "operator" / "pdf-test-operator.pdf")
    # The HTML is published; the command closes with the PDFs it could not make.
    summary = result.output[result.output.index("guidebook: --pdf: 2 PDF(s) not made"):]
    assert "\n  contributor: LaTeX stopped: Undefined control sequence." in summary
    assert "\n  user: LaTeX stopped: LaTeX Error: File `None' not found." in summary

    strict = build_source(source, out, strict=True, overrides={"guidebook_pdf": True})
    assert strict.status != 0
    # The published site is the one before the strict build.
    assert log.is_file()


def test_pdf_dropped_when_a_build_has_no_pdf(
    tex: None, tmp_path: Path, copy_root: Callable[[str], Path]
) -> None:
    source = copy_root("pdf")
    out = tmp_path / "out"
    first = build_source(source, out, overrides={"guidebook_pdf": True})
    assert first.status == 0, first.output
    assert (out / "user" / "pdf-test-user.pdf").is_file()
    # Nothing changed: the PDFs stand, listed and linked as before.
    unchanged = build_source(source, out, overrides={"guidebook_pdf": True})
    assert unchanged.status == 0, unchanged.output
    assert unchanged.manifest["pdfs"] == first.manifest["pdfs"]
    assert "guidebook-portal-pdf" in (out / "index.html").read_text(encoding="utf-8")
    again = build_source(source, out)
    assert again.status == 0, again.output
    assert not list(out.rglob("*.pdf"))
    assert "guidebook-guidebar-pdf" not in again.html("user", "user/upload")
    assert again.manifest["pdfs"] == []


def test_first_error_of_a_tex_log() -> None:
    log = (
        "(./sphinx.sty)\n"
        "./guide.tex:120: Undefined control sequence.\n"
        "l.120 \\nosuchmacro\n"
        "! Emergency stop.\n"
    )
    assert first_error(log) == (120, "Undefined control sequence.")
    assert first_error("! LaTeX Error: File `foo.sty' not found.\n") == (
        0, "LaTeX Error: File `foo.sty' not found.")
    assert first_error("all good\n") == (0, "")



def test_fit_columns_keeps_short_words_whole() -> None:
    from docutils import nodes

    from guidebook.pdf.latex import fit_columns

    rows = [("limit", "query", "integer", "The largest number of items to return. " * 3),
            ("visibility", "query", "boolean", "Only images with this visibility. " * 4)]
    table = nodes.table()
    group = nodes.tgroup(cols=4)
    table += group
    colspecs = [nodes.colspec(colwidth=1) for _ in range(4)]
    for colspec in colspecs:
        group += colspec
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for text in cells:
            row += nodes.entry("", nodes.paragraph(text, text))
        body += row
    fit_columns(table)
    widths = [colspec["colwidth"] for colspec in colspecs]
    total = sum(widths)
    assert "colwidths-given" in table["classes"]
    # Each short column holds its longest word (plus padding) of a 90-character line.
    for column, word in ((0, "visibility"), (1, "query"), (2, "integer")):
        assert widths[column] / total * 90 >= len(word) + 3 - 0.5, widths
    assert widths[3] == max(widths)
    given = nodes.table(classes=["colwidths-given"])
    fit_columns(given)
    assert given["classes"] == ["colwidths-given"]
