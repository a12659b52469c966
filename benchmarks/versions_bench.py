"""Benchmark ``guidebook build --versions``: V versions against V separate builds.

One generated tree (``generate.py``) is committed as the first version; each later
version edits the body of a share of the pages (``--share``, default 5%) and is committed
again, so the versions share most pages, as release series do. Side by side, each build
in its own child process:

one
    ``guidebook build --fresh`` of the latest version alone (the cost of one version);
separate
    ``guidebook build --fresh`` of each version, from its own checkout (the sum): what
    publishing V series costs without ``--versions``;
versions
    ``guidebook build --versions --fresh``: every version from its own git tree, in
    turn, then the assembly of the versioned site;
unchanged
    ``guidebook build --versions`` again, nothing changed (every version skipped);
one edit
    a page of the latest version edited and committed, ``guidebook build --versions``.

Goal (issue 18): versions / one at most 2.5 when the versions share most pages.

Run: ``python benchmarks/versions_bench.py --pages 300`` or ``tox -e bench -- versions
--pages 300``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import edit_page, generate  # noqa: E402
from run import Bench, Run, commit, machine, measure, say, versions, workdir  # noqa: E402

GOAL_VERSIONS = 2.5  # V versions / one version, wall time


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com",
         "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(work: Path, pages: int, count: int, share: float) -> tuple[Path, list[str]]:
    """A repository with *count* versions of a *pages*-page tree; its source and commits."""
    tree = work / "tree"
    meta = generate(pages, tree)
    repo = work / "repo"
    source = repo / "doc" / "source"
    shutil.copytree(tree / "guidebook", source)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "version 1")
    commits = [git(repo, "rev-parse", "HEAD").strip()]
    docnames = sorted(p.relative_to(source).with_suffix("").as_posix()
                      for p in source.rglob("*.rst"))
    roots = set(meta["roots"].values())  # type: ignore[union-attr]
    editable = [doc for doc in docnames if doc not in roots]
    per_version = max(1, int(len(docnames) * share))
    for number in range(2, count + 1):
        start = (number - 2) * per_version
        for docname in editable[start:start + per_version]:
            edit_page(source, docname, f"version {number}")
        git(repo, "commit", "-q", "-am", f"version {number}")
        commits.append(git(repo, "rev-parse", "HEAD").strip())
    conf = source / "conf.py"
    names = {f"{number}.0": sha for number, sha in enumerate(commits, start=1)}
    conf.write_text(conf.read_text() + f"guidebook_versions = {json.dumps(names)}\n")
    return source, commits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pages", "-n", type=int, default=300)
    parser.add_argument("--versions", type=int, default=4, help="number of versions")
    parser.add_argument("--share", type=float, default=0.05,
                        help="share of the pages each version edits (default 0.05)")
    parser.add_argument("--theme", default="sphinx_rtd_theme")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--results", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    with workdir(args.work, args.keep) as work:
        bench = Bench(work, sys.executable)
        env = bench.env(args.theme)
        logs = work / "logs"
        logs.mkdir()
        say(f"generating {args.pages} pages, {args.versions} versions ...")
        source, commits = make_repo(work, args.pages, args.versions, args.share)
        repo = source.parents[1]
        checkouts = []
        for number, sha in enumerate(commits, start=1):
            checkout = work / f"checkout-{number}"
            git(repo, "worktree", "add", "--detach", "-q", str(checkout), sha)
            checkouts.append(checkout / "doc" / "source")

        def build(name: str, *extra: str, source_dir: Path = source) -> Run:
            cmd = [sys.executable, "-m", "guidebook.cli", "build", "-q",
                   "--source", str(source_dir), *extra]
            run = measure(cmd, env=env, log=logs / f"{name}.log", cwd=work)
            if run.status != 0:
                raise SystemExit(f"{name}: exit status {run.status}; see {logs}/{name}.log")
            say(f"  {name}: {run.seconds:.1f} s")
            return run

        say("building ...")
        one = build("one", "--fresh", "--out", str(work / "out-one"), source_dir=checkouts[-1])
        separate = [
            build(f"separate-{number}", "--fresh", "--out", str(work / f"out-sep-{number}"),
                  source_dir=checkout)
            for number, checkout in enumerate(checkouts, start=1)
        ]
        versioned = build("versions", "--versions", "--fresh", "--out", str(work / "out"))
        unchanged = build("unchanged", "--versions", "--out", str(work / "out"))
        edit_page(source, sorted(p.relative_to(source).with_suffix("").as_posix()
                                 for p in source.rglob("*.rst") if "index" not in p.name)[0],
                  "one edit")
        git(repo, "commit", "-q", "-m", "one edit", "--", ".")
        # The latest version is the last commit named in conf.py: name the new one.
        conf = source / "conf.py"
        conf.write_text(conf.read_text().replace(commits[-1], git(repo, "rev-parse",
                                                                   "HEAD").strip()))
        one_edit = build("one-edit", "--versions", "--out", str(work / "out"))
        git(repo, "worktree", "prune")
        separate_seconds = sum(run.seconds for run in separate)
        separate_cpu = sum(run.cpu for run in separate)
        figures = {
            "pages": args.pages, "versions": args.versions, "share": args.share,
            "theme": args.theme, "commit": commit(), "software": versions(),
            "machine": machine(),
            "seconds": {"one": one.seconds, "separate": separate_seconds,
                        "separate_runs": [run.seconds for run in separate],
                        "versioned": versioned.seconds, "unchanged": unchanged.seconds,
                        "one_edit": one_edit.seconds},
            "cpu": {"one": one.cpu, "separate": separate_cpu, "versioned": versioned.cpu,
                    "unchanged": unchanged.cpu, "one_edit": one_edit.cpu},
            "versioned_over_one": versioned.seconds / one.seconds,
            "versioned_over_separate": versioned.seconds / separate_seconds,
            "cpu_versioned_over_one": versioned.cpu / one.cpu,
            "cpu_versioned_over_separate": versioned.cpu / separate_cpu,
            "peak_mb": {"one": one.mb, "versioned": versioned.mb},
        }
        ratio = figures["versioned_over_one"]
        cpu_ratio = figures["cpu_versioned_over_one"]
        print(f"{args.versions} versions of {args.pages} pages ({args.share:.0%} of the pages "
              f"edited per version), {args.theme}, {figures['software']}, load "
              f"{figures['machine']['load']}")
        print("                                  wall      cpu")
        rows = [("one version alone", one.seconds, one.cpu),
                (f"{args.versions} separate builds (sum)", separate_seconds, separate_cpu),
                ("--versions --fresh", versioned.seconds, versioned.cpu),
                ("--versions, nothing changed", unchanged.seconds, unchanged.cpu),
                ("--versions, one page edited", one_edit.seconds, one_edit.cpu)]
        for label, wall, cpu in rows:
            print(f"  {label:<30}{wall:7.1f} s{cpu:7.1f} s")
        print(f"  --versions / one version: {ratio:.2f}x wall, {cpu_ratio:.2f}x cpu; "
              f"/ separate builds: {figures['versioned_over_separate']:.2f}x wall, "
              f"{figures['cpu_versioned_over_separate']:.2f}x cpu")
        verdict = "met" if ratio <= GOAL_VERSIONS else "NOT met"
        print(f"  goal: --versions at most {GOAL_VERSIONS}x one version (wall): {verdict}")
        if args.results is not None:
            args.results.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
