"""Benchmark guidebook's API reference against sphinxcontrib-openapi alone (issue 17).

For every size (operations), on one generated spec (see ``openapi_spec.py``), side by side
in the same run:

sphinxcontrib-openapi
    ``sphinx-build -b html`` of a plain Sphinx site whose one page holds
    sphinxcontrib-openapi's own ``openapi`` directive (``httpdomain`` renderer).
guidebook
    ``guidebook build --fresh`` of a site with one user guide page and the ``api-ref``
    part rendering the same spec: validated, examples checked, paged by tag, field tables.

Each build runs in its own child process (``-j 1``); wall time is measured around it, CPU
time and peak memory come from ``os.wait4``. The goals: at 1,200 operations guidebook
takes at most 30 s and 1 GB, and no more time than sphinxcontrib-openapi.

Run by ``python benchmarks/run.py --openapi 300,1200`` (or this file directly); the report
replaces the API reference section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from openapi_spec import generate, place  # noqa: E402
from run import (  # noqa: E402
    Run,
    commit,
    count_warnings,
    kept_section,
    machine,
    measure,
    replace_section,
    say,
)

DEFAULT_OPERATIONS = (300, 1200)
GOAL_OPERATIONS = 1200
GOAL_SECONDS = 30.0
GOAL_MB = 1024.0
#: The marks around this benchmark's section of RESULTS.md.
BEGIN = "<!-- openapi-benchmark: begin -->"
END = "<!-- openapi-benchmark: end -->"


@dataclasses.dataclass
class OpenAPIRow:
    operations: int
    facts: dict[str, object]
    baseline: Run
    guidebook: Run
    warnings: dict[str, int]
    #: How sphinxcontrib-openapi failed ("KeyError: 'value'"), or "".
    baseline_error: str = ""


def failure(log: Path) -> str:
    """The exception a failed Sphinx build ended with, from its log."""
    found = ""
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = re.match(r"\s*(\w+(?:Error|Exception)\b.*)", line)
        if match:
            found = match.group(1).strip()
    return found[:120] or "see its log"


def bench_row(operations: int, work: Path, python: str, theme: str,
              spec: Path | None = None) -> OpenAPIRow:
    """One row: a generated spec of *operations* operations, or the real *spec*."""
    tree = work / (f"spec-{operations}" if spec is None else f"real-{spec.stem}")
    facts = generate(operations, tree, theme) if spec is None else place(spec, tree, theme)
    operations = int(str(facts["operations"]))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    bin_dir = Path(python).parent
    say(f"{operations} operations: sphinxcontrib-openapi alone ...")
    base_log = work / f"sphinx-{operations}.log"
    baseline = measure([str(bin_dir / "sphinx-build"), "-b", "html", "-j", "1", "-q",
                        str(tree / "sphinx"), str(tree / "out-sphinx")],
                       env=env, log=base_log, cwd=tree)
    say(f"{operations} operations: guidebook ...")
    guide_log = work / f"guidebook-{operations}.log"
    guidebook = measure([str(bin_dir / "guidebook"), "build", "--fresh", "-q", "--source",
                         str(tree / "guidebook"), "--out", str(tree / "out-guidebook")],
                        env=env, log=guide_log, cwd=tree)
    for run, log in ((baseline, base_log), (guidebook, guide_log)):
        if run.status != 0 and (spec is None or run is guidebook):
            raise SystemExit(f"build failed ({run.status}), see {log}")
    return OpenAPIRow(operations, facts, baseline, guidebook, {
        "sphinxcontrib-openapi": count_warnings(base_log),
        "guidebook": count_warnings(guide_log)},
        failure(base_log) if baseline.status else "")


def report(rows: list[OpenAPIRow], context: dict[str, str]) -> str:
    lines = [
        BEGIN,
        "## API reference: guidebook against sphinxcontrib-openapi alone (issue 17)",
        "",
        f"Command: `{context['command']}`; commit {context['commit']}; "
        f"{context['cpus']} CPUs ({context['cpu']}), {context['memory']}, load "
        f"{context['load']} at the start (the machine is shared: wall times vary, CPU "
        "times less).",
        "",
        "| operations | spec | tags | sphinxcontrib-openapi s (CPU s, peak MB) "
        "| guidebook s (CPU s, peak MB) | guidebook / sphinxcontrib-openapi wall (CPU) "
        "| warnings (sphinxcontrib-openapi / guidebook) |",
        "|---:|---:|---:|---|---|---|---|",
    ]
    for row in rows:
        base, guide = row.baseline, row.guidebook
        size = int(str(row.facts["bytes"])) / 1024 / 1024
        name = f" ({row.facts['name']})" if "name" in row.facts else ""
        baseline = (f"{base.seconds:.1f} ({base.cpu:.1f}, {base.mb:.0f})" if not base.status
                    else f"failed after {base.seconds:.1f} ({base.cpu:.1f}, {base.mb:.0f}): "
                    f"exit {base.status}, `{row.baseline_error}`")
        ratio = (f"{guide.seconds / base.seconds:.2f}x ({guide.cpu / base.cpu:.2f}x)"
                 if not base.status else "none (it failed)")
        lines.append(
            f"| {row.operations}{name} | {size:.1f} MB | {row.facts['tags']} "
            f"| {baseline} "
            f"| {guide.seconds:.1f} ({guide.cpu:.1f}, {guide.mb:.0f}) "
            f"| {ratio} "
            f"| {row.warnings['sphinxcontrib-openapi']} / {row.warnings['guidebook']} |")
    lines += ["", "Goals at 1,200 operations:", ""]
    goal_row = next((row for row in rows if row.operations == GOAL_OPERATIONS), None)
    if goal_row is None:
        lines.append(f"- not measured (no {GOAL_OPERATIONS}-operation row)")
    else:
        guide, base = goal_row.guidebook, goal_row.baseline
        for text, ok in (
            (f"guidebook at most {GOAL_SECONDS:.0f} s: {guide.seconds:.1f} s wall, "
             f"{guide.cpu:.1f} s CPU", guide.seconds <= GOAL_SECONDS),
            (f"peak memory at most {GOAL_MB:.0f} MB: {guide.mb:.0f} MB", guide.mb <= GOAL_MB),
            (f"no slower than sphinxcontrib-openapi: {guide.seconds:.1f} s against "
             f"{base.seconds:.1f} s", guide.seconds <= base.seconds),
        ):
            lines.append(f"- {'met' if ok else 'NOT met'}: {text}")
    lines += real_goals([row for row in rows if "name" in row.facts])
    lines += [
        "",
        "sphinxcontrib-openapi renders every operation on one page; guidebook also "
        "validates the spec, checks every example against its schema, pages the reference "
        "by tag and renders field tables. sphinxcontrib-openapi's warnings are its "
        "duplicate link targets (`Duplicate explicit target name`) on the one page.",
        END,
    ]
    return "\n".join(lines) + "\n"


def real_goals(rows: list[OpenAPIRow]) -> list[str]:
    """The goals for real specs: each at most 1 GB; at most half of sphinxcontrib-openapi's
    time (CPU, the machine being shared) on the largest spec it renders."""
    if not rows:
        return []
    lines = ["", "Goals for the real specs:", ""]
    for row in rows:
        guide = row.guidebook
        lines.append(f"- {'met' if guide.mb <= GOAL_MB else 'NOT met'}: {row.facts['name']} "
                     f"peak memory at most {GOAL_MB:.0f} MB: {guide.mb:.0f} MB")
    for row in rows:
        if row.baseline.status:
            lines.append(f"- no baseline for {row.facts['name']}: sphinxcontrib-openapi "
                         f"fails on it (exit {row.baseline.status}, `{row.baseline_error}`, "
                         f"after {row.baseline.cpu:.1f} s CPU)")
    rendered = [row for row in rows if not row.baseline.status]
    if rendered:
        largest = max(rendered, key=lambda row: row.operations)
        guide, base = largest.guidebook, largest.baseline
        lines.append(
            f"- {'met' if guide.cpu <= base.cpu / 2 else 'NOT met'}: at most half of "
            f"sphinxcontrib-openapi's time on the largest real spec it renders, "
            f"{largest.facts['name']} ({largest.operations} operations): {guide.cpu:.1f} s "
            f"CPU against {base.cpu:.1f} s ({guide.cpu / base.cpu:.2f}x; wall "
            f"{guide.seconds:.1f} s against {base.seconds:.1f} s)")
    else:
        lines.append("- not measured: sphinxcontrib-openapi renders none of the real specs")
    return lines


def write_section(results: Path, section: str) -> None:
    """Replace this benchmark's section of *results* (appended when it has none)."""
    replace_section(results, BEGIN, END, section)


def keep_section(results: Path, report_text: str) -> str:
    """*report_text* with the API reference section of *results* kept at its end."""
    return kept_section(results, BEGIN, END, report_text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="API reference benchmark (issue 17)")
    parser.add_argument("--operations", default=",".join(map(str, DEFAULT_OPERATIONS)),
                        help="comma-separated operation counts (default: %(default)s)")
    parser.add_argument("--theme", default="alabaster")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md",
                        help="the report's section is written here (default: %(default)s)")
    parser.add_argument("--no-results", action="store_true", help="only print the report")
    parser.add_argument("--spec", type=Path, action="append", default=[],
                        help="also a real spec, such as GitHub's api.github.com.json from the "
                        "npm package @octokit/openapi (repeatable)")
    args = parser.parse_args(argv)
    sizes = sorted({int(value) for value in args.operations.split(",") if value.strip()})
    context = {**machine(), "commit": commit(), "command": shlex.join(
        ["python", "benchmarks/openapi_bench.py", "--operations", ",".join(map(str, sizes)),
         *[f"--spec={spec}" for spec in args.spec]])}
    with tempfile.TemporaryDirectory(prefix="guidebook-openapi-bench-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        rows = [bench_row(size, work, sys.executable, args.theme) for size in sizes]
        rows += [bench_row(0, work, sys.executable, args.theme, spec.resolve())
                 for spec in args.spec]
    section = report(rows, context)
    print(section)
    if not args.no_results:
        write_section(args.results, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
