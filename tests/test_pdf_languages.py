"""PDFs of a translated site, and text pdflatex cannot set, built for real.

A translation's guides get their PDF in its folder, named with the language
(``ja/user/translated-user-ja.pdf``), listed in its manifest and the original's. Japanese
and Russian are set by XeLaTeX with fonts that have their letters (Noto CJK, DejaVu):
Sphinx's own choice for Japanese, uplatex, needs 330 MB of TeX nobody here installs. An
English guide with Japanese in it gets XeLaTeX too, or a warning at that line naming the
Debian packages to install. Skipped without TeX (failing with ``CI=true``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from guidebook.pdf.scripts import CJK, CYRILLIC, xelatex_setup
from tests.conftest import ROOTS, BuildResult, build_source
from tests.test_pdf import _require, pdf_text


@pytest.fixture(scope="module")
def xetex() -> None:
    from tests.test_pdf import missing_tex

    missing = [*missing_tex(), *xelatex_setup([CJK, CYRILLIC], "ja").missing]
    _require(not missing, f"TeX for the translations is not installed: apt-get install "
                          f"{' '.join(missing)}")
    _require(shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None,
             "poppler is not installed: apt-get install poppler-utils")


@pytest.fixture(scope="module")
def site(xetex: None, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    work = tmp_path_factory.mktemp("pdf-i18n")
    source = work / "src"
    shutil.copytree(ROOTS / "test-i18n", source)
    result = build_source(source, work / "out", overrides={"guidebook_pdf": True})
    assert result.status == 0, result.output
    return result


def _fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout


def test_each_language_has_its_guides_pdfs_in_its_folder(site: BuildResult) -> None:
    out = site.out
    japanese = out / "ja" / "user" / "translated-user-ja.pdf"
    text = pdf_text(japanese)
    assert "日常の作業" in text and "イメージはディスクの複製です。" in text
    assert "NotoSerifCJKjp" in _fonts(japanese)  # not pdflatex's Latin fonts
    assert "Alltägliche Aufgaben" in pdf_text(out / "de" / "user" / "translated-user-de.pdf")
    assert "Everyday tasks" in pdf_text(out / "user" / "translated-user.pdf")
    # The admin guide is below the threshold in Japanese: no PDF of it in Japanese.
    assert not list((out / "ja").rglob("*admin*.pdf"))
    portal = (out / "ja" / "index.html").read_text(encoding="utf-8")
    assert 'href="user/translated-user-ja.pdf"' in portal
    page = (out / "ja" / "user" / "tasks.html").read_text(encoding="utf-8")
    assert 'href="translated-user-ja.pdf"' in page


def test_the_manifests_list_each_languages_pdfs(site: BuildResult) -> None:
    languages = {entry["code"]: entry for entry in site.manifest["languages"]}
    assert [pdf["url"] for pdf in languages["ja"]["pdfs"]] == ["ja/user/translated-user-ja.pdf"]
    assert [pdf["url"] for pdf in languages["de"]["pdfs"]] == ["de/user/translated-user-de.pdf"]
    own = json.loads((site.out / "ja" / "guidebook.json").read_text(encoding="utf-8"))
    assert [pdf["url"] for pdf in own["pdfs"]] == ["user/translated-user-ja.pdf"]
    assert {pdf["part"] for pdf in site.manifest["pdfs"]} == {"user", "admin"}


def test_cjk_and_cyrillic_text_in_an_english_guide(
        xetex: None, tmp_path: Path, copy_root: Callable[[str], Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    source = copy_root("pdf")
    upload = source / "user" / "upload.rst"
    upload.write_text(upload.read_text(encoding="utf-8")
                      + "\nThe screen says 画像をアップロード (upload) or Загрузить.\n",
                      encoding="utf-8")
    line = upload.read_text(encoding="utf-8").splitlines().index(
        "The screen says 画像をアップロード (upload) or Загрузить.") + 1
    # Without XeLaTeX: a warning at the line, naming the packages; no PDF of the guide.
    bare = tmp_path / "bin"
    bare.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for program in Path(folder).glob("*") if Path(folder).is_dir() else ():
            if program.name != "xelatex" and not (bare / program.name).exists():
                (bare / program.name).symlink_to(program)
    with monkeypatch.context() as patched:
        patched.setenv("PATH", str(bare))
        missing = build_source(source, tmp_path / "missing", only=("user",),
                               overrides={"guidebook_pdf": True})
    assert missing.status == 1, missing.output
    assert (f"{upload}:{line}: WARNING: guide 'user': pdflatex cannot set its Chinese, "
            "Japanese or Korean and Cyrillic text and XeLaTeX with fonts for it is not "
            "installed, so no PDF; missing Debian packages: texlive-xetex (install them "
            "with: sudo apt-get install texlive-xetex) [guidebook.pdf-tex-missing]"
            ) in missing.warnings(), missing.output
    assert "  user: Chinese, Japanese or Korean and Cyrillic text needs XeLaTeX and fonts: " \
        "texlive-xetex" in missing.output
    assert not list((tmp_path / "missing").rglob("*.pdf"))
    # With it: XeLaTeX sets the page, symbols included.
    result = build_source(source, tmp_path / "out", strict=True, only=("user",),
                          overrides={"guidebook_pdf": True})
    assert result.status == 0, result.output
    pdf = tmp_path / "out" / "user" / "pdf-test-user.pdf"
    text = pdf_text(pdf)
    assert "画像をアップロード (upload) or Загрузить." in text
    assert "Support table marks: ✓ works, ✗ does not, → next, ≥ 2, ★ star." in text
    assert "NotoSerifCJKjp" in _fonts(pdf)
