"""``run.py --pdf``: the PDFs of a tree timed against its HTML build (issue 19).

For each tree (the flagship, ``doc/source``, and a generated N-page tree), side by side in
one run, each in its own child process:

html
    ``guidebook build --fresh`` (the HTML site only).
html+pdf
    ``guidebook build --fresh --pdf`` with LaTeX's work directory removed first, so latexmk
    starts from nothing. The build logs, per PDF, the seconds of Sphinx's LaTeX writer
    (the Sphinx step) and of latexmk (the LaTeX step); they are read from its log.
unchanged
    ``guidebook build --pdf`` again with nothing changed: what keeping the PDFs costs.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path
from typing import Protocol

_PDF_LINE = re.compile(
    r"guidebook: PDF (?P<url>\S+): (?P<pages>\d+) pages "
    r"\(LaTeX writer (?P<writer>[\d.]+) s, latexmk (?P<tex>[\d.]+) s\)"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Run(Protocol):
    seconds: float
    status: int
    cpu: float


class _Bench(Protocol):
    python: str

    def env(self, theme: str) -> dict[str, str]: ...


@dataclasses.dataclass
class PdfFigures:
    url: str
    pages: int
    writer_seconds: float
    tex_seconds: float


@dataclasses.dataclass
class PdfRow:
    label: str
    pages: int
    html: _Run
    with_pdf: _Run
    unchanged: _Run
    pdfs: list[PdfFigures]

    @property
    def writer_seconds(self) -> float:
        return sum(pdf.writer_seconds for pdf in self.pdfs)

    @property
    def tex_seconds(self) -> float:
        return sum(pdf.tex_seconds for pdf in self.pdfs)


def pdf_figures(log_text: str) -> list[PdfFigures]:
    """The per-PDF lines of a ``guidebook build --pdf`` log."""
    return [
        PdfFigures(match["url"], int(match["pages"]), float(match["writer"]),
                   float(match["tex"]))
        for match in _PDF_LINE.finditer(_ANSI.sub("", log_text))
    ]


def pdf_row(bench: _Bench, measure: object, label: str, source: Path, pages: int,
            work: Path, theme: str) -> PdfRow:
    """Measure one tree: HTML alone, HTML and PDFs, and an unchanged rebuild with PDFs."""
    run = measure  # benchmarks.run.measure, passed in to keep this module free of run.py
    assert callable(run)
    env = bench.env(theme)
    out = work / f"pdf-{label}" / "out"
    logs = work / f"pdf-{label}" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    base = [bench.python, "-m", "guidebook.cli", "build", "--source", str(source),
            "--out", str(out)]

    def build(name: str, *extra: str) -> _Run:
        log = logs / f"{name}.log"
        result: _Run = run([*base, *extra], env=env, log=log, cwd=source)
        if result.status != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise SystemExit(f"bench: {label} {name} failed (exit {result.status}); "
                             f"see {log}\n{tail}")
        return result

    html = build("html", "--fresh", "-q")
    shutil.rmtree(out.parent / f".{out.name}.doctrees" / "pdf", ignore_errors=True)
    with_pdf = build("html-pdf", "--fresh", "--pdf")
    figures = pdf_figures((logs / "html-pdf.log").read_text(encoding="utf-8"))
    if not figures:
        raise SystemExit(f"bench: {label}: the --pdf build logged no PDF; see {logs}")
    unchanged = build("unchanged", "--pdf", "-q")
    return PdfRow(label, pages, html, with_pdf, unchanged, figures)


def render_pdf_section(rows: list[PdfRow], context: dict[str, str]) -> str:
    lines = [
        "## PDFs (issue 19)",
        "",
        f"Commit {context.get('commit', '?')}, {context.get('cpus', '?')} CPUs, load "
        f"{context.get('load', '?')}; `{context.get('command', '')}`. Every build is "
        "`guidebook build` in its own process, `-j 1`. *Sphinx* is the seconds of Sphinx's "
        "LaTeX builder writing the PDFs' `.tex` files, *LaTeX* the seconds of latexmk "
        "(pdflatex, makeindex, reruns), both summed over the PDFs and logged by the build; "
        "*other* is the rest of the extra time (writing the HTML pages again is not "
        "in it: both builds write every page).",
        "",
        "| tree | pages | HTML s | HTML + PDF s | ratio | extra s | Sphinx s | LaTeX s "
        "| other s | unchanged --pdf s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        extra = row.with_pdf.seconds - row.html.seconds
        other = extra - row.writer_seconds - row.tex_seconds
        lines.append(
            f"| {row.label} | {row.pages} | {row.html.seconds:.1f} | "
            f"{row.with_pdf.seconds:.1f} | {row.with_pdf.seconds / row.html.seconds:.2f}x | "
            f"{extra:.1f} | {row.writer_seconds:.1f} | {row.tex_seconds:.1f} | {other:.1f} | "
            f"{row.unchanged.seconds:.1f} |"
        )
    lines += ["", "Per PDF:", "", "| tree | PDF | PDF pages | Sphinx s | LaTeX s |",
              "|---|---|---:|---:|---:|"]
    for row in rows:
        for pdf in row.pdfs:
            lines.append(f"| {row.label} | `{pdf.url}` | {pdf.pages} | "
                         f"{pdf.writer_seconds:.2f} | {pdf.tex_seconds:.2f} |")
    lines.append("")
    return "\n".join(lines)


def append_section(results: Path, section: str) -> None:
    """Put *section* at the end of *results*, in place of an earlier PDF section."""
    text = results.read_text(encoding="utf-8") if results.is_file() else ""
    marker = "## PDFs (issue 19)"
    if marker in text:
        before, _, after = text.partition(marker)
        rest = after.split("\n## ", 1)
        text = before + (("## " + rest[1]) if len(rest) > 1 else "")
    results.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
