"""The TeX side of a PDF: is TeX installed, run latexmk, read what its log says.

Sphinx's LaTeX builder writes the ``.tex`` file; turning it into a PDF is latexmk's job
(as in Sphinx's own ``make latexpdf``), with the ``latexmkrc`` the LaTeX builder writes
beside it. Nothing here knows about guides: it is given a directory and a file.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

#: What Sphinx's LaTeX builder needs with its default engine (pdflatex), as Sphinx's
#: documentation lists it for Debian: each package with a file that shows it is there.
#: ``.ci/run`` installs exactly these packages.
DEBIAN_PACKAGES: tuple[tuple[str, str], ...] = (
    ("latexmk", "latexmk"),  # a program on PATH
    ("texlive-latex-recommended", "fancyvrb.sty"),  # pulls texlive-latex-base (pdflatex)
    ("texlive-latex-extra", "fncychap.sty"),
    ("texlive-fonts-recommended", "t1txtt.fd"),  # the txtt typewriter font Sphinx sets
    ("tex-gyre", "tgtermes.sty"),  # Sphinx's default text fonts with pdflatex
)

#: The TeX error line with ``-file-line-error``: ``./name.tex:123: message``.
_FILE_LINE_ERROR = re.compile(r"^(?P<file>\.?/?[^:\n]+\.tex):(?P<line>\d+): (?P<message>.*)$",
                              re.MULTILINE)
#: A LaTeX error without a file and line (``! LaTeX Error: ...``).
_BANG_ERROR = re.compile(r"^! (?P<message>.*)$", re.MULTILINE)
#: The last line of a successful run: ``Output written on name.pdf (12 pages, 3456 bytes).``
_OUTPUT_WRITTEN = re.compile(r"Output written on .*?\((?P<pages>\d+) pages?")
#: A file LaTeX could not find: ``! LaTeX Error: File `foo.sty' not found.``
_FILE_NOT_FOUND = re.compile(r"File `(?P<file>[^']+)' not found")


def missing_tex(engine: str = "pdflatex",
                environ: Mapping[str, str] | None = None) -> list[str]:
    """The Debian packages of :data:`DEBIAN_PACKAGES` that are not installed (in order).

    Looks for the programs on ``PATH`` and for each package's file with ``kpsewhich``
    (TeX's own file search), so a TeX installed some other way counts as well.
    """
    path = (environ if environ is not None else os.environ).get("PATH", os.defpath)
    missing: list[str] = []
    if shutil.which("latexmk", path=path) is None:
        missing.append("latexmk")
    kpsewhich = shutil.which("kpsewhich", path=path)
    if shutil.which(engine, path=path) is None or kpsewhich is None:
        # No TeX at all: every TeX package is missing.
        return missing + [name for name, _ in DEBIAN_PACKAGES if name != "latexmk"]
    files = [probe for name, probe in DEBIAN_PACKAGES if name != "latexmk"]
    try:
        found = subprocess.run(
            [kpsewhich, *files], capture_output=True, text=True, check=False, timeout=60,
            env={**(environ if environ is not None else os.environ)},
        ).stdout
    except (OSError, subprocess.SubprocessError):
        found = ""
    found_names = {Path(line.strip()).name for line in found.splitlines() if line.strip()}
    missing.extend(
        name for name, probe in DEBIAN_PACKAGES
        if name != "latexmk" and probe not in found_names
    )
    return missing


def install_hint(packages: list[str]) -> str:
    return "sudo apt-get install " + " ".join(packages)


@dataclasses.dataclass
class TexResult:
    """What one latexmk run made: the PDF and its page count, or the error it stopped at."""

    pdf: Path | None
    log: Path
    pages: int = 0
    #: The line of the ``.tex`` file the error was reported at (0 when the log has none).
    tex_line: int = 0
    error: str = ""
    seconds: float = 0.0


def run_latexmk(workdir: Path, texname: str, *, timeout: float = 1800,
                environ: Mapping[str, str] | None = None) -> TexResult:
    """Run latexmk on *workdir/texname*; the PDF, or the first error of its log.

    latexmk reruns pdflatex (and makeindex) until the cross-references settle, and only
    when an input changed since its last run: the work directory is kept between builds,
    so an unchanged guide costs one check.
    """
    stem = texname.removesuffix(".tex")
    log = workdir / f"{stem}.log"
    pdf = workdir / f"{stem}.pdf"
    env = dict(environ if environ is not None else os.environ)
    # -file-line-error: errors as "file:line: message"; stop at the first one rather
    # than waiting for input that never comes.
    env["LATEXOPTS"] = "-file-line-error -interaction=nonstopmode -halt-on-error"
    # TeX wraps its log at 79 bytes, cutting a message (and a UTF-8 character) in two:
    # "Unicode character ✗ (U+2". kpathsea reads these limits from the environment.
    env.update(max_print_line="100000", error_line="254", half_error_line="238")
    command = ["latexmk", "-pdf", "-dvi-", "-ps-", "-silent", texname]
    try:
        completed = subprocess.run(
            command, cwd=workdir, env=env, capture_output=True, text=True,
            errors="replace", timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return TexResult(None, log, error=f"latexmk did not finish within {timeout:.0f} s")
    except OSError as exc:
        return TexResult(None, log, error=f"latexmk could not be run: {exc}")
    text = _read(log)
    if completed.returncode == 0 and pdf.is_file():
        counts = _OUTPUT_WRITTEN.findall(text)  # the last run's line is the last one
        pages = int(counts[-1]) if counts else 0
        return TexResult(pdf, log, pages=pages)
    tex_line, message = first_error(text)
    if not message:
        output = (completed.stdout + completed.stderr).strip().splitlines()
        message = output[-1] if output else f"latexmk exited with status {completed.returncode}"
    return TexResult(None, log, tex_line=tex_line, error=message)


def first_error(log_text: str) -> tuple[int, str]:
    """The first error in a TeX log: (line in the .tex file or 0, message)."""
    located = _FILE_LINE_ERROR.search(log_text)
    bang = _BANG_ERROR.search(log_text)
    if located and (bang is None or located.start() <= bang.start()):
        message = located["message"].strip()
        missing = _FILE_NOT_FOUND.search(message)
        if missing and missing["file"].endswith(_TEX_PACKAGE_FILES):
            message += (f" (a TeX package is missing: find the one that has {missing['file']} "
                        "with apt-file search)")
        return int(located["line"]), message
    if bang:
        return 0, bang["message"].strip()
    return 0, ""


#: The files of TeX packages (a missing one is a Debian package to install).
_TEX_PACKAGE_FILES = (".sty", ".cls", ".fd", ".def", ".cfg", ".clo", ".ldf", ".tfm")


def missing_file_hint(message: str, tools: Sequence[tuple[str, str]],
                      environ: Mapping[str, str] | None = None) -> str:
    """What to do about an error *message* that names a file LaTeX did not find and that
    is not a TeX package's: an image that was never made, most often by a program a Sphinx
    extension runs (graphviz's ``dot`` for ``.. graphviz::`` leaves ``None`` in the image's
    place when it cannot run). *tools* are ``(program, Debian package)`` pairs as conf.py
    names the programs. "" when the message names no such file.
    """
    missing = _FILE_NOT_FOUND.search(message)
    if missing is None or missing["file"].endswith(_TEX_PACKAGE_FILES):
        return ""
    path = (environ if environ is not None else os.environ).get("PATH", os.defpath)
    absent = [(program, package) for program, package in tools
              if shutil.which(program, path=path) is None]
    if absent:
        names = ", ".join(f"{program!r} (Debian package {package})"
                          for program, package in absent)
        return f"an image was not made: not installed: {names}"
    return (f"a file the document includes was never made: {missing['file']} (see the "
            "warnings above for the extension that should have written it)")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def copy_file(source: Path, target: Path) -> None:
    """Copy *source* over *target* through a temporary name (never a half-written file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copy2(source, partial)
    os.replace(partial, target)
