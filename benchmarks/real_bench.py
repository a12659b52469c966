"""The real-tree benchmark (issue 28): guidebook against one plain ``sphinx-build``.

``python benchmarks/run.py --real-trees DIR [--fetch] [--repeat R] [--jobs-list 1,2]``
prepares every tree of :data:`real_trees.TREES` found in DIR (``--fetch``: cloned there
from opendev.org first; absent trees are skipped and named in the report) and the
flagship (this repository's ``doc/source``), and for each, with ``-j 1`` and ``-j 2``,
side by side in one run:

- **fresh**: ``sphinx-build -b html -E`` of the plain clone against
  ``guidebook build --fresh`` of the guidebook clone, interleaved ``R`` times (medians);
- **one-page edit**: a paragraph added to one page in both clones, then
  ``sphinx-build`` (incremental) against ``guidebook build``; the site's files whose
  mtime changed are listed;
- wall time, CPU time (the child and its children, git included) and peak memory.

Then, at ``-j 1``, one fresh build of each kind under ``phases.py``: CPU seconds per
phase. The section is written between markers into ``RESULTS.md``; the matrix and the
other sections keep theirs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import real_trees
from real_trees import DOC_SOURCE, RealTree
from run import (
    REPO,
    Run,
    commit,
    kept_section,
    machine,
    measure,
    replace_section,
    rewritten_files,
    say,
    short_file_list,
    snapshot,
    versions,
)

HERE = Path(__file__).resolve().parent
BEGIN = "<!-- real-trees: begin -->"
END = "<!-- real-trees: end -->"
GOAL_FRESH = 0.7  # guidebook / plain, trees of 40-200 pages
GOAL_FRESH_ANY = 1.0  # any tree
GOAL_EDIT = 0.05  # one-page edit / fresh guidebook build
GOAL_MEMORY = 1.3  # guidebook / plain peak memory
#: The phase of ``phases.py`` that is reno reading the release notes from git.
RENO_PHASE = "release notes (reno's git scan)"
#: Phases every Sphinx build of a tree pays before writing anything: the interpreter,
#: Sphinx, the theme and extensions, conf.py, and reading (parsing) every page.
READING_FLOOR = ("start-up and the rest", "reading")
#: Phases of writing a page that a build pays at least once per page it publishes.
WRITING_FLOOR = ("HTML translation", "resolving doctrees", "highlighting", "templates")


@dataclasses.dataclass
class Floor:
    """The least a fresh build of a tree's pages costs, from one run's phase figures.

    ``reading``: plain's start-up and reading (no build of these pages skips them);
    ``writing``: each page written once (per phase, the cheaper of plain's and guidebook's
    figures); ``notes``: reno's scan, which only guidebook's build does. All CPU seconds;
    ``plain`` is the plain build's total in the same phases run.
    """

    plain: float
    reading: float
    writing: float
    notes: float

    @classmethod
    def of(cls, phases: dict[str, dict[str, float]]) -> Floor:
        plain, gb = phases["plain"], phases["guidebook"]
        return cls(
            plain=sum(plain.values()),
            reading=sum(plain.get(name, 0.0) for name in READING_FLOOR),
            writing=sum(min(plain.get(name, 0.0), gb.get(name, 0.0))
                        for name in WRITING_FLOOR),
            notes=gb.get(RENO_PHASE, 0.0) - plain.get(RENO_PHASE, 0.0),
        )

    def ratio(self, seconds: float) -> float:
        return seconds / self.plain if self.plain else 0.0

    @property
    def lowest(self) -> float:
        """The lowest ratio to plain a build writing every page once can reach."""
        return self.ratio(self.reading + self.writing)

    @property
    def lowest_with_notes(self) -> float:
        return self.ratio(self.reading + self.writing + self.notes)


@dataclasses.dataclass
class JobsRow:
    jobs: int
    plain: list[Run]
    guidebook: list[Run]
    plain_edit: Run
    guidebook_edit: Run
    rewritten: dict[str, list[str]]
    #: Both rebuilt with nothing changed: what every incremental build pays before any
    #: page (start-up, loading the environment, finding nothing outdated, finishing).
    plain_unchanged: Run | None = None
    guidebook_unchanged: Run | None = None

    @staticmethod
    def median(runs: list[Run]) -> Run:
        return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


@dataclasses.dataclass
class TreeResult:
    name: str
    pages: int
    commit: str
    dropped: list[str]
    edited: str
    rows: list[JobsRow]
    phases: dict[str, dict[str, float]]  # "plain"/"guidebook" -> phase -> CPU seconds
    #: ``--notes-job``: the tree's own release notes built by plain Sphinx, once.
    notes_job: Run | None = None


def _flagship(work: Path) -> RealTree:
    """This repository's own site: the guidebook clone is a plain copy of the checkout."""
    root = work / "flagship"
    shutil.rmtree(root, ignore_errors=True)
    clones = {}
    for variant in ("plain", "guidebook"):
        clone = root / variant
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)],
                       check=True)
        clones[variant] = clone
    pages = sum(1 for _ in (REPO / DOC_SOURCE).rglob("*.rst"))
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout.strip()
    return RealTree("flagship", clones["plain"], clones["guidebook"], [], pages, head)


class RealBench:
    def __init__(self, work: Path, python: str, repeat: int) -> None:
        self.work = work
        self.python = python
        self.repeat = repeat

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def plain_cmd(self, tree: RealTree, jobs: int, fresh: bool) -> list[str]:
        cmd = [self.python, "-m", "sphinx", "-b", "html", "-q", "-j", str(jobs)]
        if tree.name == "flagship":
            # The flagship has guides, not a top-level index: plain Sphinx starts at the
            # user guide (pages outside its toctrees are still read and written).
            cmd += ["-D", "root_doc=user/index"]
        if fresh:
            cmd.append("-E")
        return [*cmd, str(DOC_SOURCE), str(self.out(tree, "plain", jobs))]

    def guidebook_cmd(self, tree: RealTree, jobs: int, fresh: bool) -> list[str]:
        cmd = [self.python, "-m", "guidebook.cli", "build", "-q", "--jobs", str(jobs),
               "--source", str(DOC_SOURCE), "--out", str(self.out(tree, "guidebook", jobs))]
        if tree.name == "flagship":
            # Plain Sphinx builds the original language only; so does this row. The
            # flagship's translations cost what the original does, language for language
            # (the "Translated builds" section measures that side by side).
            cmd += ["--language", "en"]
        return [*cmd, "--fresh"] if fresh else cmd

    def out(self, tree: RealTree, variant: str, jobs: int) -> Path:
        return self.work / tree.name / f"out-{variant}-j{jobs}"

    def run(self, tree: RealTree, variant: str, cmd: list[str], what: str) -> Run:
        logs = self.work / tree.name / "logs"
        logs.mkdir(exist_ok=True)
        log = logs / f"{what}.log"
        clone = tree.plain if variant == "plain" else tree.guidebook
        result = measure(cmd, env=self.env(), log=log, cwd=clone)
        if result.status != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise SystemExit(f"bench: {tree.name} {what} failed (exit {result.status}); "
                             f"see {log}\n{tail}")
        return result

    def jobs_row(self, tree: RealTree, jobs: int, edit: Path) -> JobsRow:
        plains, guidebooks = [], []
        for attempt in range(self.repeat):
            for variant, runs, cmd in (
                ("plain", plains, self.plain_cmd(tree, jobs, fresh=True)),
                ("guidebook", guidebooks, self.guidebook_cmd(tree, jobs, fresh=True)),
            ):
                say(f"{tree.name} -j {jobs}: {variant} fresh ({attempt + 1} of {self.repeat})")
                runs.append(self.run(tree, variant, cmd, f"{variant}-j{jobs}-{attempt}"))
                say(f"  {runs[-1].seconds:.1f} s ({runs[-1].cpu:.1f} s CPU), "
                    f"{runs[-1].mb:.0f} MB")
        say(f"{tree.name} -j {jobs}: rebuilt with nothing changed")
        plain_unchanged = self.run(tree, "plain", self.plain_cmd(tree, jobs, fresh=False),
                                   f"plain-j{jobs}-unchanged")
        guidebook_unchanged = self.run(tree, "guidebook",
                                       self.guidebook_cmd(tree, jobs, fresh=False),
                                       f"guidebook-j{jobs}-unchanged")
        say(f"  plain {plain_unchanged.seconds:.1f} s, "
            f"guidebook {guidebook_unchanged.seconds:.1f} s")
        site = self.out(tree, "guidebook", jobs)
        before = snapshot(site)
        stamp = f"{time.time():.0f}"
        for clone in (tree.plain, tree.guidebook):
            real_trees.edit(clone / edit, stamp)
        say(f"{tree.name} -j {jobs}: one-page edit of {edit}")
        plain_edit = self.run(tree, "plain", self.plain_cmd(tree, jobs, fresh=False),
                              f"plain-j{jobs}-edit")
        guidebook_edit = self.run(tree, "guidebook", self.guidebook_cmd(tree, jobs, False),
                                  f"guidebook-j{jobs}-edit")
        say(f"  plain {plain_edit.seconds:.1f} s, guidebook {guidebook_edit.seconds:.1f} s")
        return JobsRow(jobs, plains, guidebooks, plain_edit, guidebook_edit,
                       rewritten_files(before, snapshot(site)), plain_unchanged,
                       guidebook_unchanged)

    def phases(self, tree: RealTree) -> dict[str, dict[str, float]]:
        found = {}
        for variant, cmd in (("plain", self.plain_cmd(tree, 1, fresh=True)),
                             ("guidebook", self.guidebook_cmd(tree, 1, fresh=True))):
            # [python, -m, sphinx | guidebook.cli, arguments...]
            tool, arguments = ("sphinx" if variant == "plain" else "guidebook"), cmd[3:]
            say(f"{tree.name}: phases of a fresh {variant} build")
            clone = tree.plain if variant == "plain" else tree.guidebook
            done = subprocess.run([self.python, str(HERE / "phases.py"), tool, *arguments],
                                  cwd=clone, env=self.env(), capture_output=True, text=True)
            lines = done.stdout.strip().splitlines()
            if done.returncode != 0 or not lines:
                raise SystemExit(f"bench: phases of {tree.name} {variant} failed:\n"
                                 f"{done.stderr[-2000:]}")
            found[variant] = json.loads(lines[-1])["cpu"]
        return found

    def notes_job(self, tree: RealTree) -> Run | None:
        """The tree's release notes as its own job builds them (reno's Sphinx extension
        scanning each series' branch), once: None when it has no ``releasenotes/source``."""
        source = Path("releasenotes") / "source"
        if not (tree.plain / source / "conf.py").is_file():
            return None
        say(f"{tree.name}: its release notes job (plain Sphinx, once)")
        cmd = [self.python, "-m", "sphinx", "-b", "html", "-q", "-E", str(source),
               str(self.work / tree.name / "out-plain-releasenotes")]
        run = self.run(tree, "plain", cmd, "plain-releasenotes")
        say(f"  {run.seconds:.1f} s ({run.cpu:.1f} s CPU), {run.mb:.0f} MB")
        return run

    def tree(self, tree: RealTree, jobs_list: list[int], notes_job: bool = False) -> TreeResult:
        edit = real_trees.edit_target(tree.guidebook_source).relative_to(tree.guidebook)
        rows = [self.jobs_row(tree, jobs, edit) for jobs in jobs_list]
        return TreeResult(tree.name, tree.pages, tree.commit, tree.dropped, edit.as_posix(),
                          rows, self.phases(tree),
                          self.notes_job(tree) if notes_job else None)


# -- the report -------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def render(results: list[TreeResult], skipped: list[str], context: dict[str, str]) -> str:
    out = [
        BEGIN,
        "## Real trees (issue 28): every guide against one plain build\n",
        f"Command: `{context['command']}`; commit {context['commit']}; {context['cpus']} CPUs "
        f"({context['cpu']}), load {context['load']} at the start, "
        f"{context.get('load_end', '?')} at the end; {context['software']}. The machine is "
        "shared: wall times move with the load, so every ratio compares builds of one run, "
        "interleaved, and the CPU ratio (the process and its children, git included) is "
        "given beside the wall one.\n",
        "*plain*: `sphinx-build -b html -E` of the project as it is; *guidebook*: "
        "`guidebook build --fresh` of the same tree with `guidebook init`'s guides appended "
        "to its conf.py (every guide and part, the portal, the 404 page, redirect stubs, "
        "manifest, publishing; the release notes part `guidebook init` proposes when the "
        "repository has reno notes, read from git by reno: plain's docs build has no release "
        "notes). *Edit*: a paragraph added at the end of one page, then both "
        "build again without `-E` / `--fresh`; *edit / fresh* is guidebook's edit against "
        "guidebook's fresh build. With `-j 2` guidebook writes its guides in two forked "
        "processes, plain Sphinx its pages in one worker beside the main process. *MB*: the "
        "peak resident memory of the largest process (forked writers share the main "
        "process's pages until they write to them).\n",
        "| tree | pages | -j | plain s (CPU) | guidebook s (CPU) | fresh ratio wall (CPU) "
        "| plain MB | guidebook MB | mem ratio | plain edit s | guidebook edit s (CPU) "
        "| edit / fresh wall (CPU) |",
        "|---|---:|---:|---|---|---|---:|---:|---:|---:|---|---|",
    ]
    for result in results:
        for row in result.rows:
            plain, gb = JobsRow.median(row.plain), JobsRow.median(row.guidebook)
            edit = row.guidebook_edit
            out.append(
                f"| {result.name} | {result.pages} | {row.jobs} "
                f"| {plain.seconds:.1f} ({plain.cpu:.1f}) | {gb.seconds:.1f} ({gb.cpu:.1f}) "
                f"| {_ratio(gb.seconds, plain.seconds)} ({_ratio(gb.cpu, plain.cpu)}) "
                f"| {plain.mb:.0f} | {gb.mb:.0f} | {_ratio(gb.mb, plain.mb)} "
                f"| {row.plain_edit.seconds:.1f} | {edit.seconds:.1f} ({edit.cpu:.1f}) "
                f"| {100 * edit.seconds / gb.seconds:.1f} % "
                f"({100 * edit.cpu / gb.cpu:.1f} %) |")
    if skipped:
        out.append(f"\nSkipped (absent; `--real-trees DIR --fetch` clones them): "
                   f"{', '.join(skipped)}.")
    out += ["", "Fresh builds per row (plain / guidebook, seconds; the medians count):\n"]
    for result in results:
        for row in result.rows:
            out.append(f"- {result.name} -j {row.jobs}: "
                       + " / ".join(f"{run.seconds:.1f}" for run in row.plain) + " ; "
                       + " / ".join(f"{run.seconds:.1f}" for run in row.guidebook))
    out += ["", "### Goals\n", *goal_lines(results), ""]
    out += floor_table(results)
    out += notes_job_table(results)
    out += ["", *incremental_table(results), ""]
    out += phase_table(results)
    out += ["", "### One-page edit: files rewritten\n",
            "| tree | -j | edited page | files rewritten per folder |", "|---|---:|---|---|"]
    for result in results:
        for row in result.rows:
            groups = "; ".join(f"{folder}: {len(files)} ({short_file_list(files)})"
                               for folder, files in row.rewritten.items()) or "none"
            out.append(f"| {result.name} | {row.jobs} | `{result.edited}` | {groups} |")
    out += ["", "### Trees\n"]
    for result in results:
        dropped = ", ".join(f"`{name}`" for name in result.dropped) or "none"
        out.append(f"- {result.name} at {result.commit}: {result.pages} `.rst` files; "
                   f"extensions dropped from conf.py (not importable here): {dropped}")
    out.append(END)
    return "\n".join(out) + "\n"




def goal_lines(results: list[TreeResult]) -> list[str]:
    lines = []
    for result in results:
        for row in result.rows:
            plain, gb = JobsRow.median(row.plain), JobsRow.median(row.guidebook)
            goal = GOAL_FRESH if 40 <= result.pages <= 200 else GOAL_FRESH_ANY
            wall, cpu = gb.seconds / plain.seconds, gb.cpu / plain.cpu
            edit = row.guidebook_edit.seconds / gb.seconds
            memory = gb.mb / plain.mb
            verdict = {True: "met", False: "NOT met"}
            reno = result.phases.get("guidebook", {}).get(RENO_PHASE, 0.0)
            without = (f"; without the release notes' reno scan ({reno:.2f} s CPU in the "
                       f"phases run), which plain's docs build does not do: "
                       f"{(gb.cpu - reno) / plain.cpu:.2f}x CPU" if reno >= 0.05 else "")
            floor = Floor.of(result.phases)
            reachable = (f"; the least a build writing each page once pays: "
                         f"{floor.lowest:.2f}x plain's CPU" if floor.plain else "")
            unchanged = row.guidebook_unchanged
            floor_edit = ""
            if unchanged is not None:
                own = 100 * (row.guidebook_edit.cpu - unchanged.cpu) / gb.cpu
                floor_edit = (f"; rebuilt with nothing changed: "
                              f"{100 * unchanged.cpu / gb.cpu:.1f} % CPU, so the edit's own "
                              + (f"work is {own:.1f} %" if own >= 0.05 else
                                 "work is within the noise of that rebuild"))
            lines.append(
                f"- {result.name} -j {row.jobs}: fresh <= {goal}x: {verdict[wall <= goal]} "
                f"({wall:.2f}x wall, {cpu:.2f}x CPU{without}{reachable}); edit <= 5 %: "
                f"{verdict[edit <= GOAL_EDIT]} ({100 * edit:.1f} % wall, "
                f"{100 * row.guidebook_edit.cpu / gb.cpu:.1f} % CPU{floor_edit}); memory <= "
                f"{GOAL_MEMORY}x: {verdict[memory <= GOAL_MEMORY]} ({memory:.2f}x)")
    return lines


def _table_start(title: str, prose: str, columns: list[str], left: int = 1) -> list[str]:
    """A report table's heading, its explanation and its head (the first *left*
    columns aligned left, the figures right)."""
    return [f"### {title}\n", f"{prose}\n", "| " + " | ".join(columns) + " |",
            "|" + "---|" * left + "---:|" * (len(columns) - left)]


def floor_table(results: list[TreeResult]) -> list[str]:
    """What a fresh build of each tree cannot avoid, as ratios to plain (phases run)."""
    lines = _table_start(
        "What a fresh build cannot avoid (CPU, `-j 1`, ratios to plain's phases run)",
        "From the phase figures below. *Start-up and reading*: plain's own (the "
        "interpreter, Sphinx, theme and extensions, conf.py, and parsing every page: no "
        "build of these pages skips them). *Writing each page once*: HTML translation, "
        "resolving, highlighting and templates, per phase the cheaper of the two builds. "
        "Their sum is the lowest ratio any build that publishes every page can reach; "
        "guidebook publishes a page once per guide that shows it, and reads the release "
        "notes with reno besides.",
        ["tree", "plain CPU s", "start-up and reading", "+ writing each page once",
         "+ reno's scan", "guidebook's build"])
    for result in results:
        floor = Floor.of(result.phases)
        if not floor.plain:
            continue
        gb_total = sum(result.phases["guidebook"].values())
        lines.append(
            f"| {result.name} | {floor.plain:.2f} | {floor.ratio(floor.reading):.2f}x "
            f"| {floor.lowest:.2f}x | {floor.lowest_with_notes:.2f}x "
            f"| {floor.ratio(gb_total):.2f}x |")
    return lines


def notes_job_table(results: list[TreeResult]) -> list[str]:
    """``--notes-job``: guidebook's one build against the two jobs a project runs now."""
    rows = [result for result in results if result.notes_job is not None and result.rows]
    if not rows:
        return []
    lines = ["", *_table_start(
        "Against the two jobs a project runs now (`--notes-job`)",
        "An OpenStack project builds its docs and its release notes in two jobs; guidebook "
        "builds both in one. *Release notes job*: `sphinx-build -b html -E "
        "releasenotes/source` of the plain clone, once, where reno's Sphinx extension scans "
        "the history once per series page, each on its own stable branch. The content is "
        "not the same: guidebook's release notes part reads one branch (the checked-out "
        "one), so the point releases made only on stable branches are not in it. CPU "
        "seconds, `-j 1`, fresh builds (medians for the docs builds).",
        ["tree", "plain docs", "release notes job", "both", "guidebook", "guidebook / both"])]
    for result in rows:
        assert result.notes_job is not None
        row = result.rows[0]
        plain, gb = JobsRow.median(row.plain).cpu, JobsRow.median(row.guidebook).cpu
        both = plain + result.notes_job.cpu
        lines.append(f"| {result.name} | {plain:.1f} | {result.notes_job.cpu:.1f} "
                     f"| {both:.1f} | {gb:.1f} | {_ratio(gb, both)} |")
    return lines


def incremental_table(results: list[TreeResult]) -> list[str]:
    """Rebuilt with nothing changed against a one-page edit, both builds (seconds)."""
    lines = _table_start(
        "Incremental builds: nothing changed, then one page edited",
        "Wall seconds (CPU seconds). A rebuild with nothing changed is what every "
        "incremental build pays before its first page: start-up, loading the saved "
        "environment, finding nothing outdated. *% of fresh* is against the same tool's "
        "fresh build (median) in CPU.",
        ["tree", "-j", "plain nothing changed", "plain edit", "guidebook nothing changed",
         "guidebook edit", "guidebook nothing changed, % of fresh",
         "guidebook edit, % of fresh"], left=6)
    for result in results:
        for row in result.rows:
            if row.plain_unchanged is None or row.guidebook_unchanged is None:
                continue
            gb = JobsRow.median(row.guidebook)
            cells = [f"{run.seconds:.1f} ({run.cpu:.1f})" for run in
                     (row.plain_unchanged, row.plain_edit, row.guidebook_unchanged,
                      row.guidebook_edit)]
            lines.append(
                f"| {result.name} | {row.jobs} | " + " | ".join(cells)
                + f" | {100 * row.guidebook_unchanged.cpu / gb.cpu:.1f} % "
                f"| {100 * row.guidebook_edit.cpu / gb.cpu:.1f} % |")
    return lines


def phase_table(results: list[TreeResult]) -> list[str]:
    """CPU seconds per phase, plain / guidebook, one column per tree (``-j 1``)."""
    names: list[str] = []
    for result in results:
        for variant in ("guidebook", "plain"):
            for name in result.phases[variant]:
                if name not in names:
                    names.append(name)
    head = "| phase | " + " | ".join(result.name for result in results) + " |"
    lines = [
        "### Where the time goes (CPU seconds, fresh build, `-j 1`: plain / guidebook)\n",
        "Measured by `benchmarks/phases.py` (timers around the named functions; a phase "
        "excludes the phases timed inside it; *start-up and the rest* is imports, Sphinx's "
        "set-up and what no timer covers). CPU seconds include the children the build "
        "waited for (the theme's `git log` per page).\n",
        head, "|---|" + "---:|" * len(results),
    ]
    for name in [*sorted(set(names) - {"start-up and the rest"}), "start-up and the rest"]:
        cells = []
        for result in results:
            plain = result.phases["plain"].get(name)
            gb = result.phases["guidebook"].get(name)
            cells.append(f"{plain:.2f} / {gb:.2f}" if plain is not None and gb is not None
                         else f"- / {gb:.2f}" if gb is not None else f"{plain:.2f} / -")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    totals = [f"{sum(r.phases['plain'].values()):.2f} / {sum(r.phases['guidebook'].values()):.2f}"
              for r in results]
    lines.append("| **total** | " + " | ".join(totals) + " |")
    return lines


def write_section(results_file: Path, section: str) -> None:
    """Replace the real-tree section of *results_file* (appended when it has none)."""
    replace_section(results_file, BEGIN, END, section)


def keep_section(results_file: Path, report_text: str) -> str:
    """*report_text* with the real-tree section of *results_file* kept at its end."""
    return kept_section(results_file, BEGIN, END, report_text)


def main(trees_dir: Path | None, fetch: bool, names: list[str], jobs_list: list[int],
         repeat: int, work: Path, results_file: Path | None, command: str,
         flagship: bool = True, notes_job: bool = False) -> int:
    context: dict[str, Any] = {**machine(), "commit": commit(), "command": command,
                               "software": versions()}
    python = sys.executable
    # Installed packages come compiled; the builds run without writing bytecode, so a
    # checkout's own package is compiled first (else every build would compile it again).
    # The new-site skeleton's conf.py is a template, not the package's code.
    subprocess.run([python, "-m", "compileall", "-q", "-x", "/templates/", str(REPO / "src")],
                   check=True, capture_output=True)
    bench = RealBench(work, python, repeat)
    results, skipped = [], []
    for name in names:
        repository = real_trees.locate(name, trees_dir, fetch)
        if repository is None:
            say(f"{name}: absent, skipped")
            skipped.append(name)
            continue
        say(f"{name}: preparing {repository}")
        tree = real_trees.prepare(name, repository, work, python)
        results.append(bench.tree(tree, jobs_list, notes_job))
        _report(results, skipped, context, results_file, work)
    if flagship:
        results.append(bench.tree(_flagship(work), jobs_list))
    print(_report(results, skipped, context, results_file, work))
    return 0


def _report(results: list[TreeResult], skipped: list[str], context: dict[str, Any],
            results_file: Path | None, work: Path) -> str:
    """The section so far, written after every tree (a long run reports as it goes)."""
    context["load_end"] = machine()["load"]
    section = render(results, skipped, context)
    if results_file is not None:
        write_section(results_file, section)
        say(f"wrote the real-tree section of {results_file}")
    raw = [dataclasses.asdict(result) for result in results]
    (work / "real-trees.json").write_text(json.dumps({"results": raw, "context": context},
                                                     indent=1), encoding="utf-8")
    return section
