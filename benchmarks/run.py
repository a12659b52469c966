"""Benchmark guidebook against plain Sphinx and naive per-guide Sphinx builds.

For every size N and theme, on one generated tree (see ``generate.py``), side by side:

plain
    ``sphinx-build -b html`` of the whole tree (the ``only`` variant, all four
    ``guidebook_<guide>`` tags set so every audience block is shown), no guidebook.
naive
    one tagged ``sphinx-build -t guidebook_<guide>`` per guide (four runs); each builds
    only that guide's pages (its conf excludes every other page). Time is the sum,
    memory the largest run.
guidebook
    ``guidebook build --fresh`` of the guidebook variant: every guide, portal, manifest.
incremental
    after that full build, one shared page's body text is edited and ``guidebook build``
    runs again; the files whose mtime changed are counted per guide.

Every build runs in its own child process with ``-j 1`` (``--jobs J`` gives every build,
plain, naive and guidebook alike, ``-j J``): wall time is measured around
it, peak memory is the child's maximum resident set size from ``os.wait4``.

Run by ``tox -e bench`` (``tox -e bench -- versions ...``: the versioned-site benchmark in
``versions_bench.py``); ``--quick`` measures N=300 with one theme while developing;
``--profile N`` profiles one guidebook build with cProfile instead; ``--pdf`` times the PDFs
of the flagship and of the N=300 tree against their HTML builds instead (``pdf.py``) and
appends that section to RESULTS.md; ``--layout-against REV`` compares this checkout's site
size and build time with revision REV's (``layout.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import io
import json
import os
import platform
import pstats
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import real_trees  # noqa: E402
from generate import GUIDES, THEME_ENV, edit_page, generate  # noqa: E402
from pdf import append_section, pdf_row, render_pdf_section  # noqa: E402

DEFAULT_SIZES = (300, 1200, 2400)
DEFAULT_THEMES = ("openstackdocs", "sphinx_rtd_theme")
ALL_TAGS = [arg for name in GUIDES for arg in ("-t", f"guidebook_{name}")]

# The goals of issue 9.
GOAL_SPEED = 0.3  # guidebook / plain wall time at N=1200
GOAL_LINEAR = 2.2  # time(2400) / time(1200)
GOAL_INCREMENTAL = 0.05  # one-page edit / full build
GOAL_MEMORY = 1.5  # guidebook / plain peak memory


@dataclasses.dataclass
class Run:
    seconds: float
    max_rss_kb: int
    status: int
    cpu: float = 0.0  # user + system seconds of the child and its children

    @property
    def mb(self) -> float:
        return self.max_rss_kb / 1024


@dataclasses.dataclass
class Row:
    pages: int
    theme: str
    plain: Run
    naive: list[Run]
    guidebook: Run
    incremental: Run
    rewritten: dict[str, list[str]]
    warnings: dict[str, int]
    #: Every fresh guidebook build of the row (``--repeat``); ``guidebook`` is the median.
    guidebook_runs: list[Run] = dataclasses.field(default_factory=list)

    @property
    def naive_seconds(self) -> float:
        return sum(run.seconds for run in self.naive)

    @property
    def naive_cpu(self) -> float:
        return sum(run.cpu for run in self.naive)

    @property
    def naive_mb(self) -> float:
        return max(run.mb for run in self.naive)


def measure(cmd: Sequence[str], *, env: dict[str, str], log: Path, cwd: Path) -> Run:
    """Run *cmd* to completion; its wall time and peak resident memory."""
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, int(usage.ru_maxrss), proc.returncode,
               usage.ru_utime + usage.ru_stime)


def count_warnings(log: Path) -> int:
    text = log.read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in text.splitlines()
               if "WARNING" in line and "gitsha" not in line)


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file under *root*: its mtime and a hash of its content."""
    result = {}
    for path in root.rglob("*"):
        if path.is_file():
            digest = hashlib.sha1(path.read_bytes()).hexdigest()
            result[path.relative_to(root).as_posix()] = (path.stat().st_mtime_ns, digest)
    return result


def rewritten_files(
    before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]
) -> dict[str, list[str]]:
    """Files written again (mtime changed, or new), grouped by guide folder ('/' = top)."""
    groups: dict[str, list[str]] = {}
    for name, (mtime, _digest) in sorted(after.items()):
        if name in before and before[name][0] == mtime:
            continue
        folder, _, rest = name.partition("/")
        if not rest:
            folder, rest = "/", name
        groups.setdefault(folder, []).append(rest)
    return groups


class Bench:
    def __init__(self, work: Path, python: str, jobs: int = 1, repeat: int = 1) -> None:
        self.work = work
        self.python = python
        self.jobs = jobs
        self.repeat = repeat

    def env(self, theme: str) -> dict[str, str]:
        env = dict(os.environ)
        env[THEME_ENV] = theme
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def sphinx(self, tree: Path, out: Path, tags: list[str], env: dict[str, str],
               log: Path) -> Run:
        for path in (out, out.with_name(out.name + ".doctrees")):
            shutil.rmtree(path, ignore_errors=True)
        cmd = [self.python, "-m", "sphinx", "-b", "html", "-q", "-E", "-j", str(self.jobs), *tags,
               "-d", str(out.with_name(out.name + ".doctrees")), str(tree / "sphinx"), str(out)]
        return measure(cmd, env=env, log=log, cwd=tree)

    def guidebook(self, tree: Path, out: Path, env: dict[str, str], log: Path,
                  fresh: bool) -> Run:
        cmd = [self.python, "-m", "guidebook.cli", "build", "-q", "--jobs", str(self.jobs),
               "--source", str(tree / "guidebook"), "--out", str(out)]
        if fresh:
            cmd.append("--fresh")
        return measure(cmd, env=env, log=log, cwd=tree)

    def row(self, pages: int, theme: str, tree: Path, meta: dict[str, object]) -> Row:
        env = self.env(theme)
        logs = tree / f"logs-{theme}"
        logs.mkdir(exist_ok=True)
        outs = tree / f"out-{theme}"
        outs.mkdir(exist_ok=True)
        warnings: dict[str, int] = {}

        def check(run: Run, log: Path, what: str, count: bool = True) -> Run:
            if run.status != 0:
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise SystemExit(f"bench: {what} failed (exit {run.status}); see {log}\n{tail}")
            if count:
                warnings[what] = warnings.get(what, 0) + count_warnings(log)
            return run

        say(f"N={pages} {theme}: plain sphinx-build ...")
        log = logs / "plain.log"
        plain = check(self.sphinx(tree, outs / "plain", ALL_TAGS, env, log), log, "plain")
        say(f"  {plain.seconds:.1f} s ({plain.cpu:.1f} s CPU), {plain.mb:.0f} MB")
        naive = []
        for name in GUIDES:
            log = logs / f"naive-{name}.log"
            say(f"N={pages} {theme}: naive sphinx-build -t guidebook_{name} ...")
            run = check(self.sphinx(tree, outs / f"naive-{name}", ["-t", f"guidebook_{name}"],
                                    env, log), log, "naive")
            say(f"  {run.seconds:.1f} s ({run.cpu:.1f} s CPU), {run.mb:.0f} MB")
            naive.append(run)
        site = outs / "guidebook"
        fulls = []
        for attempt in range(self.repeat):
            say(f"N={pages} {theme}: guidebook build --fresh ({attempt + 1} of {self.repeat}) ...")
            log = logs / ("guidebook.log" if attempt == 0 else f"guidebook-{attempt + 1}.log")
            run = check(self.guidebook(tree, site, env, log, fresh=True), log, "guidebook",
                        count=attempt == 0)
            say(f"  {run.seconds:.1f} s ({run.cpu:.1f} s CPU), {run.mb:.0f} MB")
            fulls.append(run)
        # The median run (of an even number, the slower middle one): one build slowed by
        # other work on a shared machine does not decide a ratio, and unlike the fastest
        # run it is not biased in guidebook's favour.
        full = sorted(fulls, key=lambda run: run.seconds)[len(fulls) // 2]
        before = snapshot(site)
        edit_page(tree / "guidebook", str(meta["edit_target"]), f"{theme} {time.time():.0f}")
        say(f"N={pages} {theme}: guidebook build after editing {meta['edit_target']} ...")
        log = logs / "incremental.log"
        incremental = check(self.guidebook(tree, site, env, log, fresh=False), log,
                            "incremental")
        say(f"  {incremental.seconds:.1f} s ({incremental.cpu:.1f} s CPU), "
            f"{incremental.mb:.0f} MB")
        rewritten = rewritten_files(before, snapshot(site))
        return Row(pages, theme, plain, naive, full, incremental, rewritten, warnings, fulls)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the report -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, check=True,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=REPO, check=True,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes in src/)" if dirty else "")


def versions() -> str:
    import sphinx

    return f"Sphinx {sphinx.__version__}, Python {platform.python_version()}"


def table(rows: list[Row]) -> str:
    head = (
        "| N | theme | plain s | naive s (4 runs) | guidebook s | guidebook / plain "
        "| guidebook / naive | CPU s plain / naive / guidebook | CPU guidebook / plain "
        "| plain MB | naive MB | guidebook MB | mem guidebook / plain "
        "| one-page edit s | edit / full |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for row in rows:
        gb = row.guidebook
        lines.append(
            f"| {row.pages} | {row.theme} | {row.plain.seconds:.1f} | {row.naive_seconds:.1f} "
            f"| {gb.seconds:.1f} | {gb.seconds / row.plain.seconds:.2f}x "
            f"| {gb.seconds / row.naive_seconds:.2f}x "
            f"| {row.plain.cpu:.1f} / {row.naive_cpu:.1f} / {gb.cpu:.1f} "
            f"| {gb.cpu / row.plain.cpu:.2f}x "
            f"| {row.plain.mb:.0f} | {row.naive_mb:.0f} "
            f"| {gb.mb:.0f} | {gb.mb / row.plain.mb:.2f}x | {row.incremental.seconds:.1f} "
            f"| {100 * row.incremental.seconds / gb.seconds:.1f} % |"
        )
    return head + "\n".join(lines) + "\n"


def repeats(rows: list[Row]) -> list[str]:
    """The fresh guidebook builds of each row, when there was more than one."""
    lines = [
        f"- N={row.pages} {row.theme}: "
        + " / ".join(f"{run.seconds:.1f}" for run in row.guidebook_runs)
        + f" s (median {row.guidebook.seconds:.1f} s)"
        for row in rows if len(row.guidebook_runs) > 1
    ]
    if not lines:
        return []
    return ["Fresh guidebook builds per row (`--repeat`; the table shows the median run, "
            "whose time, CPU time and memory count in every ratio and goal):\n",
            *lines, ""]


def rewritten_table(rows: list[Row], meta: dict[int, dict[str, object]]) -> str:
    out = ["| N | theme | edited page (its guides) | files rewritten per guide folder |",
           "|---:|---|---|---|"]
    for row in rows:
        info = meta[row.pages]
        target = f"{info['edit_target']} ({', '.join(info['edit_target_audiences'])})"  # type: ignore[arg-type]
        groups = "; ".join(
            f"{folder}: {len(files)} ({short_file_list(files)})"
            for folder, files in row.rewritten.items()
        ) or "none"
        out.append(f"| {row.pages} | {row.theme} | {target} | {groups} |")
    return "\n".join(out) + "\n"


def replace_section(results: Path, begin: str, end: str, section: str) -> None:
    """Replace a benchmark's section of *results*, between its *begin* and *end* markers
    (appended when it has none)."""
    text = results.read_text(encoding="utf-8") if results.is_file() else ""
    if begin in text and end in text:
        before, _, rest = text.partition(begin)
        _, _, after = rest.partition(end)
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, encoding="utf-8")


def kept_section(results: Path, begin: str, end: str, report_text: str) -> str:
    """*report_text* with a benchmark's section of *results* kept at its end."""
    text = results.read_text(encoding="utf-8") if results.is_file() else ""
    if begin not in text or end not in text:
        return report_text
    section = begin + text.partition(begin)[2].partition(end)[0] + end + "\n"
    return report_text.rstrip("\n") + "\n\n" + section


def short_file_list(files: list[str]) -> str:
    """File names, with the theme's static files counted rather than listed."""
    static = [name for name in files if name.startswith("_static/")]
    shown = [name for name in files if not name.startswith("_static/")]
    if static:
        shown.append(f"{len(static)} files in _static/")
    return ", ".join(shown)


@dataclasses.dataclass
class Goal:
    name: str
    ok: bool | None  # judged on wall time (memory: peak RSS); None: not measured
    detail: str
    cpu_ok: bool | None = None  # the same goal judged on CPU time, where it applies

    def line(self) -> str:
        words = {True: "PASS", False: "FAIL", None: "N/A"}
        verdict = f"**{words[self.ok]}**"
        if self.cpu_ok is not None:
            verdict += f" (on CPU time: {words[self.cpu_ok]})"
        return f"- {verdict} {self.name}: {self.detail}"


def goals(rows: list[Row]) -> list[Goal]:
    result: list[Goal] = []
    themes = sorted({row.theme for row in rows}, key=[*DEFAULT_THEMES, *sorted(
        {row.theme for row in rows})].index)
    for theme in themes:
        by_size = {row.pages: row for row in rows if row.theme == theme}
        sizes = sorted(by_size)
        # 1. speed at 1,200 pages (or the largest size measured).
        size = 1200 if 1200 in by_size else sizes[-1]
        row = by_size[size]
        ratio = row.guidebook.seconds / row.plain.seconds
        note = "" if size == 1200 else f" (N=1200 not measured; N={size} instead)"
        result.append(Goal(
            f"[{theme}] whole site <= {GOAL_SPEED}x plain sphinx-build at N={size}",
            ratio <= GOAL_SPEED if size == 1200 else None,
            cpu_ok=row.guidebook.cpu / row.plain.cpu <= GOAL_SPEED if size == 1200 else None,
            detail=f"{row.guidebook.seconds:.1f} s / {row.plain.seconds:.1f} s = "
            f"{ratio:.2f}x{note} "
            f"(CPU time: {row.guidebook.cpu:.1f} s / {row.plain.cpu:.1f} s = "
            f"{row.guidebook.cpu / row.plain.cpu:.2f}x)",
        ))
        # 2. linear: 1,200 -> 2,400.
        if 1200 in by_size and 2400 in by_size:
            small, large = by_size[1200].guidebook.seconds, by_size[2400].guidebook.seconds
            result.append(Goal(
                f"[{theme}] linear: time(2400) <= {GOAL_LINEAR} x time(1200)",
                large / small <= GOAL_LINEAR,
                cpu_ok=(by_size[2400].guidebook.cpu / by_size[1200].guidebook.cpu
                        <= GOAL_LINEAR),
                detail=f"{large:.1f} s / {small:.1f} s = {large / small:.2f}x (CPU time "
                f"{by_size[2400].guidebook.cpu / by_size[1200].guidebook.cpu:.2f}x) "
                f"(plain Sphinx: "
                f"{by_size[2400].plain.seconds / by_size[1200].plain.seconds:.2f}x)",
            ))
        else:
            result.append(Goal(f"[{theme}] linear: time(2400) <= {GOAL_LINEAR} x time(1200)",
                               None, "needs N=1200 and N=2400"))
        # 3 and 4 at the goal sizes (>= 1,200) when measured, else at what was measured.
        checked = [n for n in sizes if n >= 1200] or sizes
        ratios = {n: by_size[n].incremental.seconds / by_size[n].guidebook.seconds
                  for n in checked}
        cpu_ratios = {n: by_size[n].incremental.cpu / by_size[n].guidebook.cpu
                      for n in checked}
        result.append(Goal(
            f"[{theme}] one-page edit <= {GOAL_INCREMENTAL:.0%} of a full build",
            all(value <= GOAL_INCREMENTAL for value in ratios.values()),
            cpu_ok=all(value <= GOAL_INCREMENTAL for value in cpu_ratios.values()),
            detail=", ".join(f"N={n}: {by_size[n].incremental.seconds:.1f} s / "
                             f"{by_size[n].guidebook.seconds:.1f} s = {value:.1%} "
                             f"(CPU time {cpu_ratios[n]:.1%})"
                             for n, value in ratios.items()),
        ))
        memory = {n: by_size[n].guidebook.mb / by_size[n].plain.mb for n in checked}
        result.append(Goal(
            f"[{theme}] peak memory <= {GOAL_MEMORY}x plain",
            all(value <= GOAL_MEMORY for value in memory.values()),
            ", ".join(f"N={n}: {by_size[n].guidebook.mb:.0f} MB / {by_size[n].plain.mb:.0f} MB "
                      f"= {value:.2f}x" for n, value in memory.items()),
        ))
    return result


# -- lint ------------------------------------------------------------------------------------


def lint_row(bench: Bench, tree: Path) -> str:
    """``guidebook lint`` against ``doc8`` alone on one tree, or why it was skipped."""
    env = bench.env(DEFAULT_THEMES[0])
    probe = subprocess.run([bench.python, "-m", "guidebook.cli", "lint", "--help"],
                           capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        return ("`guidebook lint` is not available at this commit (`guidebook lint --help` "
                "failed), so it was not timed.\n")
    source = tree / "guidebook"
    lint_cmd = [bench.python, "-m", "guidebook.cli", "lint"]
    if "--source" in probe.stdout:
        lint_cmd += ["--source", str(source)]
    else:
        lint_cmd.append(str(source))
    lint = measure(lint_cmd, env=env, log=tree / "lint.log", cwd=tree)
    doc8 = measure([bench.python, "-m", "doc8", str(source)], env=env, log=tree / "doc8.log",
                   cwd=tree)
    return (
        "| tool | wall s | peak MB | exit |\n|---|---:|---:|---:|\n"
        f"| `{shlex.join(['guidebook', *lint_cmd[3:]]).replace(str(tree), 'TREE')}` "
        f"| {lint.seconds:.1f} "
        f"| {lint.mb:.0f} | {lint.status} |\n"
        f"| `doc8 TREE/guidebook` | {doc8.seconds:.1f} | {doc8.mb:.0f} | {doc8.status} |\n"
        f"\nRatio guidebook lint / doc8: {lint.seconds / doc8.seconds:.2f}x\n"
    )


# -- profiling -------------------------------------------------------------------------------


def profile(bench: Bench, pages: int, theme: str, top: int) -> int:
    tree = bench.work / f"profile-{pages}"
    generate(pages, tree)
    prof = tree / "guidebook.prof"
    out = tree / "out"
    arguments = ["build", "--fresh", "-q", "--source", str(tree / "guidebook"), "--out", str(out)]
    # guidebook.cli.main, not the console script: that one leaves with os._exit, before
    # cProfile could write its file.
    call = f"main({arguments!r})"
    script = ("import cProfile; from guidebook.cli import main; "
              f"cProfile.run({call!r}, {str(prof)!r})")
    cmd = [bench.python, "-c", script]
    say(f"profiling: {shlex.join(cmd)}")
    run = measure(cmd, env=bench.env(theme), log=tree / "profile.log", cwd=tree)
    if run.status != 0:
        say((tree / "profile.log").read_text(encoding="utf-8", errors="replace")[-2000:])
        return 1
    for key in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(str(prof), stream=stream)
        stats.sort_stats(key).print_stats(top)
        print(f"## sorted by {key} (wall {run.seconds:.1f} s under cProfile)\n")
        print(stream.getvalue())
    say(f"profile written to {prof}")
    return 0


# -- main ------------------------------------------------------------------------------------


@contextlib.contextmanager
def workdir(path: Path | None, keep: bool) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    tmp = Path(tempfile.mkdtemp(prefix="guidebook-bench-"))
    try:
        yield tmp
    finally:
        if keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["versions"]:
        # ``run.py versions ...``: the versioned-site benchmark (issue 18).
        from versions_bench import main as versions_main

        return int(versions_main(arguments[1:]))
    if arguments[:1] == ["languages"]:
        # ``run.py languages ...``: the translated-site benchmark (issue 25).
        from languages_bench import main as languages_main

        return int(languages_main(arguments[1:]))
    parser = argparse.ArgumentParser(description="guidebook build benchmarks (issue 9)")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated page counts (default: %(default)s)")
    parser.add_argument("--themes", default=",".join(DEFAULT_THEMES),
                        help="comma-separated HTML themes (default: %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="N=300 with the first theme only; RESULTS.md is left alone")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for trees and builds (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--results", type=Path, default=None,
                        help="write the report here (default: benchmarks/RESULTS.md, "
                        "not with --quick)")
    parser.add_argument("--no-lint", action="store_true", help="skip the lint comparison")
    parser.add_argument("--lint-only", type=int, metavar="N", default=None,
                        help="instead of the matrix: only guidebook lint against doc8 on "
                        "the N-page tree")
    parser.add_argument("--profile", type=int, metavar="N", default=None,
                        help="instead of the matrix: profile guidebook build of N pages")
    parser.add_argument("--jobs", type=int, default=1, metavar="J",
                        help="-j for every build, plain, naive and guidebook alike "
                        "(default: %(default)s; the goals are stated for 1)")
    parser.add_argument("--repeat", type=int, default=1, metavar="R",
                        help="fresh guidebook builds per row; the median counts "
                        "(default: %(default)s)")
    parser.add_argument("--pdf", action="store_true",
                        help="instead of the matrix: PDFs of the flagship and of an N-page "
                        "tree (--sizes, default 300) against the HTML build")
    parser.add_argument("--top", type=int, default=35, help="rows of profile output")
    parser.add_argument("--render", type=Path, default=None, metavar="JSON",
                        help="only re-render the report from a saved results.json")
    parser.add_argument("--layout-against", default=None, metavar="REV",
                        help="instead of the matrix: site size and build time of this "
                        "checkout against git revision REV (see layout.py)")
    parser.add_argument("--real-trees", type=Path, metavar="DIR",
                        default=os.environ.get("GUIDEBOOK_REAL_TREES") or None,
                        help="instead of the matrix: the real-tree benchmark (real_bench.py) "
                        "of the OpenStack trees cloned in DIR (default: "
                        "$GUIDEBOOK_REAL_TREES) and the flagship")
    parser.add_argument("--fetch", action="store_true",
                        help="with --real-trees: clone the absent trees from opendev.org")
    parser.add_argument("--trees", default=",".join(real_trees.TREES),
                        help="with --real-trees: which trees (default: %(default)s)")
    parser.add_argument("--jobs-list", default="1,2", metavar="J,J",
                        help="with --real-trees: the -j values (default: %(default)s)")
    parser.add_argument("--no-flagship", action="store_true",
                        help="with --real-trees: leave the flagship out")
    parser.add_argument("--notes-job", action="store_true",
                        help="with --real-trees: also build each tree's own release notes "
                        "(releasenotes/source) with plain Sphinx once, as its separate "
                        "release notes job does")
    parser.add_argument("--openapi", default=None, metavar="OPS",
                        help="instead of the matrix: the API reference benchmark "
                        "(openapi_bench.py) at these comma-separated operation counts")
    parser.add_argument("--openapi-spec", type=Path, action="append", default=[],
                        metavar="PATH", help="with --openapi: also this real spec, as its "
                        "package ships it (repeatable)")
    args = parser.parse_args(argv)
    if args.real_trees is not None:
        import real_bench

        with workdir(args.work, args.keep) as work:
            return real_bench.main(
                args.real_trees, args.fetch, parse_list(args.trees),
                [int(jobs) for jobs in parse_list(args.jobs_list)], args.repeat, work,
                None if args.quick else (args.results or HERE / "RESULTS.md"),
                shlex.join(["python", "benchmarks/run.py",
                            *(sys.argv[1:] if argv is None else argv)]),
                flagship=not args.no_flagship, notes_job=args.notes_job)
    if args.openapi is not None:
        import openapi_bench

        return openapi_bench.main(["--operations", args.openapi,
                                   *[f"--spec={spec}" for spec in args.openapi_spec]])
    if args.lint_only is not None:
        with workdir(args.work, args.keep) as work:
            tree = work / f"lint-{args.lint_only}"
            generate(args.lint_only, tree)
            bench = Bench(work, sys.executable)
            print(f"On the {args.lint_only}-page tree:\n\n" + lint_row(bench, tree))
        return 0
    if args.render is not None:
        saved = json.loads(args.render.read_text(encoding="utf-8"))
        report = render(
            [row_from_json(row) for row in saved["rows"]],
            {int(pages): meta for pages, meta in saved["metas"].items()},
            saved["lint"], saved["context"], False,
        )
        print(report)
        if args.results is not None:
            import openapi_bench
            import real_bench

            args.results.write_text(real_bench.keep_section(
                args.results, openapi_bench.keep_section(args.results, report)),
                encoding="utf-8")
        return 0
    sizes = sorted({int(size) for size in parse_list(args.sizes)})
    themes = parse_list(args.themes)
    if args.quick:
        sizes, themes = [300], themes[:1]
    results = args.results
    if results is None and not args.quick and args.profile is None:
        results = HERE / "RESULTS.md"
    python = sys.executable
    if args.layout_against is not None:
        from layout import compare

        with workdir(args.work, args.keep) as work:
            report = compare(python, work, args.layout_against, sizes, themes, args.repeat)
        print(report)
        if args.results is not None:
            args.results.write_text(report, encoding="utf-8")
        return 0
    started = machine()
    context = {
        **started,
        "commit": commit(),
        "jobs": str(args.jobs),
        "command": shlex.join(["python", "benchmarks/run.py",
                               *(sys.argv[1:] if argv is None else argv)]),
        "software": versions(),
    }
    with workdir(args.work, args.keep) as work:
        bench = Bench(work, python, args.jobs, args.repeat)
        if args.pdf:
            return pdf_matrix(bench, work, args, context)
        if args.profile is not None:
            return profile(bench, args.profile, themes[0], args.top)
        rows: list[Row] = []
        metas: dict[int, dict[str, object]] = {}
        lint = ""
        for pages in sizes:
            tree = work / f"tree-{pages}"
            say(f"generating {pages} pages in {tree}")
            metas[pages] = generate(pages, tree)
            for theme in themes:
                rows.append(bench.row(pages, theme, tree, metas[pages]))
                print(table(rows[-1:]).splitlines()[-1], flush=True)
            if not args.no_lint and (pages == 1200 or (not lint and pages == sizes[-1])):
                say(f"N={pages}: guidebook lint vs doc8 ...")
                lint = f"On the {pages}-page tree:\n\n" + lint_row(bench, tree)
            if not args.keep and args.work is None:
                shutil.rmtree(tree, ignore_errors=True)
    context["load_end"] = machine()["load"]
    report = render(rows, metas, lint, context, args.quick)
    print(report)
    if results is not None:
        import openapi_bench
        import real_bench

        results.write_text(real_bench.keep_section(
            results, openapi_bench.keep_section(results, report)), encoding="utf-8")
        raw = {"rows": [dataclasses.asdict(row) for row in rows],
               "metas": {str(pages): meta for pages, meta in metas.items()},
               "lint": lint, "context": context}
        results.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n",
                                                encoding="utf-8")
        say(f"wrote {results} and {results.with_suffix('.json')}")
    return 0


def pdf_matrix(bench: Bench, work: Path, args: argparse.Namespace,
               context: dict[str, str]) -> int:
    """``--pdf``: the flagship and generated trees, HTML build against HTML + PDFs."""
    sizes = parse_list(args.sizes)
    pages_list = [300] if sizes == [str(size) for size in DEFAULT_SIZES] else \
        sorted({int(size) for size in sizes})
    theme = parse_list(args.themes)[0]
    flagship = REPO / "doc" / "source"
    flagship_pages = sum(1 for path in flagship.rglob("*.rst"))
    trees = [("flagship", flagship, flagship_pages)]
    for pages in pages_list:
        tree = work / f"tree-{pages}"
        say(f"generating {pages} pages in {tree}")
        generate(pages, tree)
        trees.append((f"N={pages} ({theme})", tree / "guidebook", pages))
    rows = []
    for label, source, pages in trees:
        say(f"{label}: guidebook build, then with --pdf ...")
        row = pdf_row(bench, measure, label.split(" ")[0], source, pages, work, theme)
        row.label = label
        say(f"  HTML {row.html.seconds:.1f} s, HTML + PDF {row.with_pdf.seconds:.1f} s "
            f"(Sphinx {row.writer_seconds:.1f} s, LaTeX {row.tex_seconds:.1f} s)")
        rows.append(row)
    context["load_end"] = machine()["load"]
    section = render_pdf_section(rows, context)
    print(section)
    results = args.results if args.results is not None else \
        (None if args.quick else HERE / "RESULTS.md")
    if results is not None:
        append_section(results, section)
        say(f"appended the PDF section to {results}")
    return 0


def row_from_json(data: dict[str, Any]) -> Row:
    return Row(
        pages=data["pages"], theme=data["theme"], plain=Run(**data["plain"]),
        naive=[Run(**run) for run in data["naive"]], guidebook=Run(**data["guidebook"]),
        incremental=Run(**data["incremental"]), rewritten=data["rewritten"],
        warnings=data["warnings"],
        guidebook_runs=[Run(**run) for run in data.get("guidebook_runs", [])],
    )


def render(rows: list[Row], metas: dict[int, dict[str, object]], lint: str,
           context: dict[str, str], quick: bool) -> str:
    guides = "\n".join(
        f"- N={pages}: " + ", ".join(f"{name} {count}" for name, count in
                                      meta["guides"].items())  # type: ignore[attr-defined]
        for pages, meta in metas.items()
    )
    warnings = "\n".join(
        f"- N={row.pages} {row.theme}: "
        + ", ".join(f"{what} {count}" for what, count in row.warnings.items())
        for row in rows
    )
    out = [
        "# guidebook build benchmarks\n",
        "Generated by `benchmarks/run.py` (issue 9). Each build is one child process "
        f"with `-j {context.get('jobs', '1')}`; wall time around it, CPU time (user + system) "
        "and peak memory (the child's maximum resident set size) from `os.wait4`. The goals "
        "are judged on wall time as the issue states; on a shared machine CPU time is the "
        "steadier figure.\n",
        "- **plain**: one `sphinx-build -b html -E` of the whole tree (the `only` variant "
        "with all four `guidebook_<guide>` tags, so every audience block is shown; no "
        "guidebook extension; a top-level `index.rst` holds the three guide landing pages).",
        "- **naive**: four `sphinx-build -t guidebook_<guide>` runs, one per guide, each "
        "building only that guide's pages (its conf sets the guide's landing page as root "
        "document and excludes every page the guide does not include); time is the sum of "
        "the four, memory the largest.",
        "- **guidebook**: `guidebook build --fresh` of the same tree written with "
        "`.. audience::` blocks and `:audience:` fields: four guides, portal, manifest.",
        "- **one-page edit**: after that build, the body text of one shared page is "
        "changed and `guidebook build` (incremental) runs again.\n",
        f"Command: `{context['command']}`  ",
        f"Commit: `{context['commit']}` (at the start of the run)  ",
        f"Machine: {context['cpus']} CPUs ({context['cpu']}), {context['memory']} RAM, "
        f"shared with other work: load average {context['load']} at the start, "
        f"{context.get('load_end', '?')} at the end  ",
        f"Software: {context['software']}\n",
    ]
    if quick:
        out.append("**Quick run (N=300, one theme): indicative only.**\n")
    out += [
        "## Results\n",
        table(rows),
        *repeats(rows),
        "## Goals\n",
        *(goal.line() for goal in goals(rows)),
        "",
        "## One-page edit: files rewritten\n",
        "Files whose mtime changed in the incremental build, per output folder "
        "(`/` = the site root: portal and manifest).\n",
        rewritten_table(rows, metas),
        "Expected: the edited page in each of its three guides, and the search index, "
        "general index, search page and `objects.inv` of those guides, which Sphinx writes "
        "on every build; the contributor guide is untouched. The landing page whose toctree "
        "lists the edited page is not rewritten: the page's title and headings did not "
        "change, so neither did the landing page. The theme's static files are copied "
        "again into every guide written.\n",
        "## Trees\n",
        "Pages per guide (shared pages counted in each of their guides):\n",
        guides,
        "",
        "Warnings per build (the openstackdocstheme git warning not counted; the naive "
        "builds warn about toctree entries to pages their guide excludes):\n",
        warnings,
        "",
    ]
    if lint:
        out += ["## Lint\n", lint.replace("`-m guidebook.cli lint", "`guidebook lint")]
    out.append("Profile, hot spots and what the figures mean: see `benchmarks/README.md`.")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
