"""Writing systems pdflatex cannot set, and the XeLaTeX setup that sets them.

pdflatex sets Latin text (and, with :data:`guidebook.pdf.PDFLATEX_SYMBOLS`, ✓ ✗ and the
other common symbols). For the rest Sphinx picks per language: uplatex for Japanese
(texlive-lang-japanese, 330 MB), xelatex with xeCJK for Chinese (whose TeX Live 2022 needs
ctex's hooks, texlive-lang-chinese), pdflatex with Cyrillic fonts for Russian
(texlive-lang-cyrillic), nothing that works for Korean. guidebook uses one small setup
instead, XeLaTeX with fontspec: the Noto CJK fonts (which have Latin and Cyrillic letters
too) and XeTeX's own line breaking between CJK characters for Chinese, Japanese and
Korean; DejaVu for Cyrillic and Greek. It is chosen by the build's language, and for a
guide in any language whose text has such characters (a Japanese screenshot caption in an
English guide). When its TeX or fonts are missing, the warning names the Debian packages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sphinx.builders.latex import default_latex_docclass

from guidebook.sphinx_internals import config_values, without_latex_package

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: What each writing system needs: its characters, the fonts (fontconfig families, first
#: found wins) and the Debian packages of the setup.
_XETEX = ("texlive-xetex",)


@dataclasses.dataclass(frozen=True)
class Script:
    """A writing system pdflatex cannot set."""

    name: str
    characters: re.Pattern[str]
    #: fontconfig's language to find a font by (``fc-list :lang=ja``)
    fc_lang: str
    #: TeX files the setup needs (checked with kpsewhich)
    tex_files: tuple[str, ...]
    #: the Debian packages of the setup, TeX and fonts
    packages: tuple[str, ...]


CJK = Script(
    "Chinese, Japanese or Korean",
    re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
               "\u3000-\u303f\uff01-\uff60]"),
    "ja", ("fontspec.sty",), (*_XETEX, "fonts-noto-cjk"))
CYRILLIC = Script("Cyrillic", re.compile("[\u0400-\u04ff]"), "ru", ("fontspec.sty",),
                  (*_XETEX, "fonts-dejavu-core"))
GREEK = Script("Greek", re.compile("[\u0370-\u03ff]"), "el", ("fontspec.sty",),
               (*_XETEX, "fonts-dejavu-core"))
SCRIPTS = (CJK, CYRILLIC, GREEK)

#: Languages (the code's first part) written in each script.
_LANGUAGES = {"ja": CJK, "zh": CJK, "ko": CJK, "ru": CYRILLIC, "uk": CYRILLIC,
              "bg": CYRILLIC, "sr": CYRILLIC, "mk": CYRILLIC, "be": CYRILLIC,
              "kk": CYRILLIC, "mn": CYRILLIC, "el": GREEK}

#: The CJK fonts by language, Noto's region names (Japanese forms for other languages).
_CJK_REGIONS = {"ja": "JP", "ko": "KR", "zh_TW": "TC", "zh_HK": "HK", "zh": "SC"}
#: XeTeX's line-breaking locale per Noto region.
_BREAK_LOCALES = {"JP": "ja", "KR": "ko", "SC": "zh", "TC": "zh", "HK": "zh"}
#: Latin and Cyrillic/Greek fonts with XeLaTeX (DejaVu has all three).
_TEXT_FONTS = ("DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono")

#: The Sphinx latex_elements of the XeLaTeX setup (fontspec loads the fonts).
_FONTSPEC = "\\usepackage{fontspec}\n\\defaultfontfeatures[\\rmfamily,\\sffamily,\\ttfamily]{}"


def language_script(language: str) -> Script | None:
    """The script of *language* (a code such as ``ja`` or ``zh_CN``), if pdflatex cannot
    set it."""
    return _LANGUAGES.get(language.replace("-", "_").split("_")[0].lower())


def scripts_in(text: str) -> list[Script]:
    """The scripts pdflatex cannot set that *text* has characters of."""
    return [script for script in SCRIPTS if script.characters.search(text)]


def first_line_with(text: str, scripts: list[Script]) -> int:
    """The first line (1-based) of *text* with a character of *scripts* (0: none)."""
    for number, line in enumerate(text.splitlines(), 1):
        if any(script.characters.search(line) for script in scripts):
            return number
    return 0


@dataclasses.dataclass(frozen=True)
class XeLaTeXSetup:
    """What the LaTeX builder is given to set *scripts* with xelatex."""

    scripts: tuple[Script, ...]
    #: Sphinx ``latex_elements`` keys (those conf.py sets are left as conf.py has them)
    elements: dict[str, str]
    #: the Debian packages missing for it (empty: it can be used)
    missing: tuple[str, ...]

    @property
    def names(self) -> str:
        return " and ".join(script.name for script in self.scripts)


def xelatex_setup(scripts: list[Script], language: str) -> XeLaTeXSetup:
    """The XeLaTeX setup for *scripts* in a document in *language*, with what is missing."""
    missing: list[str] = []
    if shutil.which("xelatex") is None:
        missing.extend(_XETEX)
    found_tex = _kpsewhich(tuple(name for script in scripts for name in script.tex_files))
    for script in scripts:
        if any(name not in found_tex for name in script.tex_files):
            missing.extend(package for package in script.packages
                           if package.startswith("texlive-") and package not in missing)
        if not _families(script.fc_lang):
            missing.extend(package for package in script.packages
                           if package.startswith("fonts-") and package not in missing)
    elements = {"fontenc": _FONTSPEC, "babel": "", "textgreek": "",
                "polyglossia": "\\usepackage{polyglossia}"}
    if CJK in scripts:
        # Noto CJK has Latin, Greek and Cyrillic letters too: one family for the page.
        serif, sans, mono = _cjk_fonts(language)
        region = serif.rsplit(" ", 1)[-1]
        fonts = [f"\\setmainfont{{{serif}}}", f"\\setsansfont{{{sans}}}",
                 f"\\setmonofont{{{mono}}}[Scale=0.9]",
                 # Break lines between CJK characters (ICU's rules), with a little stretch.
                 f'\\XeTeXlinebreaklocale "{_BREAK_LOCALES.get(region, "ja")}"',
                 "\\XeTeXlinebreakskip=0pt plus 1pt"]
        if _families_named(_TEXT_FONTS[1]):
            fonts.append(_symbols_from(_TEXT_FONTS[1]))
    elif all(_families_named(name) for name in _TEXT_FONTS):
        serif, sans, mono = _TEXT_FONTS
        fonts = [f"\\setmainfont{{{serif}}}", f"\\setsansfont{{{sans}}}",
                 f"\\setmonofont{{{mono}}}[Scale=0.9]"]
    else:
        fonts = []
        missing.append("fonts-dejavu-core")
    elements["fontpkg"] = "\n".join(fonts)
    return XeLaTeXSetup(tuple(scripts), elements, tuple(dict.fromkeys(missing)))


#: Symbols documentation uses that the Noto CJK fonts lack some of (✗, ☐, ⚠): set with
#: DejaVu Sans (the code points of :data:`guidebook.pdf.PDFLATEX_SYMBOLS`).
SYMBOLS = (0x2713, 0x2714, 0x2715, 0x2716, 0x2717, 0x2718, 0x2605, 0x2606, 0x2610, 0x2611,
           0x2612, 0x2190, 0x2191, 0x2192, 0x2193, 0x2194, 0x21D2, 0x21D4, 0x2260, 0x2264,
           0x2265, 0x221E, 0x2248, 0x26A0)


def _symbols_from(family: str) -> str:
    """LaTeX that sets each of :data:`SYMBOLS` in *family*."""
    lines = ["\\usepackage{newunicodechar}", f"\\newfontfamily\\guidebooksymbols{{{family}}}"]
    lines += [f'\\newunicodechar{{{chr(code)}}}{{{{\\guidebooksymbols\\char"{code:04X}}}}}'
              for code in SYMBOLS]
    return "\n".join(lines)


def _cjk_fonts(language: str) -> tuple[str, str, str]:
    """Serif, sans and mono CJK families for *language*: Noto CJK in the language's
    forms when installed, else the first family fontconfig has for Japanese."""
    code = language.replace("-", "_")
    region = _CJK_REGIONS.get(code) or _CJK_REGIONS.get(code.split("_")[0], "JP")
    wanted = (f"Noto Serif CJK {region}", f"Noto Sans CJK {region}",
              f"Noto Sans Mono CJK {region}")
    if all(_families_named(name) for name in wanted):
        return wanted
    families = _families("ja")
    first = families[0] if families else wanted[0]
    return first, first, first


@functools.cache
def _families(fc_lang: str) -> tuple[str, ...]:
    """The font families fontconfig has for the language *fc_lang*."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        listed = subprocess.run([fc_list, f":lang={fc_lang}", "family"], capture_output=True,
                                text=True, check=False, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted({name.strip() for line in listed.splitlines()
                         for name in line.split(",") if name.strip()}))


@functools.cache
def _families_named(family: str) -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        listed = subprocess.run([fc_list, family, "family"], capture_output=True, text=True,
                                check=False, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(family in line.split(",") for line in listed.splitlines())


def _kpsewhich(files: tuple[str, ...]) -> set[str]:
    """The names of *files* TeX finds."""
    kpsewhich = shutil.which("kpsewhich")
    if not files or kpsewhich is None:
        return set()
    try:
        found = subprocess.run([kpsewhich, *files], capture_output=True, text=True,
                               check=False, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip().rsplit("/", 1)[-1] for line in found.splitlines() if line.strip()}


@contextlib.contextmanager
def engine_defaults(app: Sphinx, engine: str) -> Iterator[None]:
    """While a PDF is written with *engine*, Sphinx's defaults that do not suit it are not
    used: xindy for XeLaTeX's index (a program guidebook does not install: makeindex is
    used, as with pdflatex), Japanese's ``jsbook`` class and ``pxjahyper`` package
    (pLaTeX's, not XeLaTeX's).
    """
    config = app.config
    values: dict[str, object] = {}
    if engine == "xelatex":
        if shutil.which("xindy") is None:
            values["latex_use_xindy"] = False
        if config.latex_docclass == default_latex_docclass(config):
            values["latex_docclass"] = {}
    with config_values(config, values), (
            without_latex_package(app, "pxjahyper") if engine == "xelatex"
            else contextlib.nullcontext()):
        yield
