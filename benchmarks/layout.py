"""Site size and build time of this checkout's guidebook against another revision's.

``python benchmarks/run.py --layout-against REV`` builds the same trees with both, side by
side in one run: the flagship (``doc/source``, each revision's own) and the generated tree
of every ``--sizes`` and ``--themes``. Each build is a fresh ``guidebook build`` in its own
child process, the two revisions alternating ``--repeat`` times (the median counts). REV's
package is a detached git worktree put first on ``PYTHONPATH``; the report says which
package each side imported, so a mix-up cannot pass unseen.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from generate import THEME_ENV, generate
from run import REPO, Run, measure, say


@dataclasses.dataclass
class Side:
    """One revision of guidebook: its label, package folder and flagship source."""

    label: str
    src: Path
    flagship: Path

    def env(self, theme: str | None) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.src), env.get("PYTHONPATH", "")])
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        if theme is not None:
            env[THEME_ENV] = theme
        return env


@dataclasses.dataclass
class Site:
    seconds: float
    bytes: int
    files: int
    static_folders: int


def site_size(out: Path) -> tuple[int, int, int]:
    """Bytes and files of the built site, and how many ``_static`` folders it holds."""
    files = [path for path in out.rglob("*") if path.is_file()]
    statics = sum(1 for path in out.rglob("_static") if path.is_dir())
    return sum(path.stat().st_size for path in files), len(files), statics


def imported_from(python: str, side: Side) -> str:
    """The folder the side's ``import guidebook`` really loads."""
    return subprocess.run(
        [python, "-c", "import guidebook, pathlib; print(pathlib.Path(guidebook.__file__).parent)"],
        env=side.env(None), capture_output=True, text=True, check=True).stdout.strip()


def build(python: str, side: Side, source: Path, out: Path, theme: str | None,
          log: Path) -> Run:
    cmd = [python, "-m", "guidebook.cli", "build", "-q", "--fresh", "--source", str(source),
           "--out", str(out)]
    run = measure(cmd, env=side.env(theme), log=log, cwd=source.parent)
    if run.status != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"bench: {side.label} build of {source} failed; see {log}\n{tail}")
    return run


def compare(python: str, work: Path, rev: str, sizes: Sequence[int], themes: Sequence[str],
            repeat: int) -> str:
    """Build every tree with both revisions; the report as Markdown."""
    tree = work / "rev"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev],
                   check=True, capture_output=True)
    try:
        sha = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        before = Side(f"{rev} ({sha})", tree / "src", tree / "doc" / "source")
        after = Side("this checkout", REPO / "src", REPO / "doc" / "source")
        cases: list[tuple[str, dict[str, Path], str | None]] = [
            ("flagship (doc/source)", {"before": before.flagship, "after": after.flagship},
             None)]
        for pages in sizes:
            generated = work / f"tree-{pages}"
            say(f"generating {pages} pages in {generated}")
            generate(pages, generated)
            for theme in themes:
                cases.append((f"{pages} pages, {theme}",
                              {"before": generated / "guidebook",
                               "after": generated / "guidebook"}, theme))
        lines = [
            f"Site layout: {before.label} (before) against {after.label} (after), fresh "
            f"`guidebook build`, median of {repeat}.",
            "",
            f"- before imports `{imported_from(python, before)}`",
            f"- after imports `{imported_from(python, after)}`",
            "",
            "| tree | before: time | after: time | ratio | before: size (files, _static) "
            "| after: size (files, _static) | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, sources, theme in cases:
            sites: dict[str, Site] = {}
            runs: dict[str, list[float]] = {"before": [], "after": []}
            for attempt in range(repeat):
                for key, side in (("before", before), ("after", after)):
                    out = work / f"out-{key}"
                    log = work / f"{key}-{len(lines)}-{attempt}.log"
                    say(f"{name}: {key} ({attempt + 1} of {repeat}) ...")
                    run = build(python, side, sources[key], out, theme, log)
                    say(f"  {run.seconds:.1f} s")
                    runs[key].append(run.seconds)
                    size, files, statics = site_size(out)
                    sites[key] = Site(0.0, size, files, statics)
            for key in sites:
                sites[key].seconds = sorted(runs[key])[len(runs[key]) // 2]
            old, new = sites["before"], sites["after"]
            lines.append(
                f"| {name} | {old.seconds:.1f} s | {new.seconds:.1f} s "
                f"| {new.seconds / old.seconds:.2f} "
                f"| {old.bytes / 1e6:.1f} MB ({old.files}, {old.static_folders}) "
                f"| {new.bytes / 1e6:.1f} MB ({new.files}, {new.static_folders}) "
                f"| {new.bytes / old.bytes:.2f} |")
        return "\n".join(lines) + "\n"
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                       check=False, capture_output=True)
