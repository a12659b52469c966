"""Benchmark translated builds: the original and L languages against L+1 one-language builds.

One generated tree (``generate.py``) gets catalogs for L languages, written from
``guidebook gettext``'s templates (``doc-<guide>.po`` per guide, OpenStack's layout) with a
share of the messages translated (``--share``, default 60%). Side by side, each build in
its own child process:

one
    ``guidebook build --fresh --language en``: the original alone (the cost of one
    language);
separate
    ``guidebook build --fresh --language <code>`` for the original and each language, each
    into its own folder (the sum): what publishing L+1 languages costs one by one;
all
    ``guidebook build --fresh``: the original and every language, into one site;
unchanged
    ``guidebook build`` again, nothing changed (every language skipped);
one catalog
    one message of one language's user-guide catalog changed, ``guidebook build``.

Goal (issue 25): all / separate at most 1.0 (N languages cost no more than N one-language
builds).

With ``--repeat R`` the fresh builds run R rounds, interleaved (one, separate, all, then
again), so that a change in the machine's load falls on both sides; each figure is the
median of its rounds. On a shared machine CPU time (user + system of the build and its
children, from ``os.wait4``) is the steadier figure: wall time counts the waiting.

Run: ``python benchmarks/languages_bench.py --pages 300 --languages 2`` or ``tox -e bench --
languages --pages 300``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import Bench, Run, commit, machine, measure, say, versions, workdir  # noqa: E402

GOAL_ALL_OVER_SEPARATE = 1.0
#: Codes of the languages the benchmark translates into, in order.
LANGUAGE_CODES = ("ja", "de", "ru", "fr", "es", "ko_KR", "zh_CN", "id", "pt_BR")


def write_catalogs(source: Path, codes: list[str], share: float, env: dict[str, str],
                   logs: Path) -> None:
    """``locale/<code>/LC_MESSAGES/doc-<guide>.po``: every n-th message translated."""
    from babel.messages.pofile import read_po, write_po

    templates = source.parent / "templates"
    run = measure([sys.executable, "-m", "guidebook.cli", "gettext", "-q", "--source",
                   str(source), "--out", str(templates)], env=env, log=logs / "gettext.log",
                  cwd=source)
    if run.status != 0:
        raise SystemExit(f"guidebook gettext failed; see {logs}/gettext.log")
    step = max(1, round(1 / share)) if share < 1 else 1
    for code in codes:
        folder = source / "locale" / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        for template in sorted(templates.glob("doc-*.pot")):
            with open(template, "rb") as handle:
                catalog = read_po(handle)
            catalog.fuzzy = False
            for number, message in enumerate(message for message in catalog if message.id):
                if share >= 1 or number % step != step - 1:
                    message.string = f"[{code}] {message.id}"
            with open(folder / template.with_suffix(".po").name, "wb") as handle:
                write_po(handle, catalog)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pages", "-n", type=int, default=300)
    parser.add_argument("--languages", type=int, default=2, help="number of translations")
    parser.add_argument("--share", type=float, default=0.6,
                        help="share of the messages translated (default 0.6)")
    parser.add_argument("--theme", default="sphinx_rtd_theme")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--results", type=Path, default=None, help="write the figures as JSON")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of the fresh builds, interleaved; medians reported")
    args = parser.parse_args(argv)
    codes = list(LANGUAGE_CODES[:args.languages])
    with workdir(args.work, args.keep) as work:
        bench = Bench(work, sys.executable)
        env = bench.env(args.theme)
        logs = work / "logs"
        logs.mkdir()
        say(f"generating {args.pages} pages, catalogs for {', '.join(codes)} ...")
        generate(args.pages, work / "tree")
        source = work / "doc" / "source"
        shutil.copytree(work / "tree" / "guidebook", source)
        subprocess.run(["git", "init", "-q", str(work / "doc")], check=True)
        write_catalogs(source, codes, args.share, env, logs)
        conf = source / "conf.py"
        conf.write_text(conf.read_text() + f"guidebook_languages = {codes!r}\n")

        def build(name: str, *extra: str) -> Run:
            cmd = [sys.executable, "-m", "guidebook.cli", "build", "-q",
                   "--source", str(source), *extra]
            run = measure(cmd, env=env, log=logs / f"{name}.log", cwd=work)
            if run.status != 0:
                raise SystemExit(f"{name}: exit status {run.status}; see {logs}/{name}.log")
            say(f"  {name}: {run.seconds:.1f} s")
            return run

        say("building ...")
        load_start = machine()["load"]
        rounds: list[tuple[Run, list[Run], Run]] = []
        for round_number in range(max(1, args.repeat)):
            say(f" round {round_number + 1}")
            one_run = build("one", "--fresh", "--language", "en",
                            "--out", str(work / "out-one"))
            separate_runs = [
                build(f"separate-{code}", "--fresh", "--language", code,
                      "--out", str(work / f"out-sep-{code}"))
                for code in ["en", *codes]
            ]
            rounds.append((one_run, separate_runs,
                           build("all", "--fresh", "--out", str(work / "out"))))
        unchanged = build("unchanged", "--out", str(work / "out"))
        catalog = source / "locale" / codes[0] / "LC_MESSAGES" / "doc-user.po"
        text = catalog.read_text(encoding="utf-8")
        marker = f'msgstr "[{codes[0]}] '
        catalog.write_text(text.replace(marker, f'msgstr "[{codes[0]}, edited] ', 1),
                           encoding="utf-8")
        one_catalog = build("one-catalog", "--out", str(work / "out"))
        one = _median_run([one_run for one_run, _sep, _all in rounds])
        separate_seconds = statistics.median(
            sum(run.seconds for run in sep) for _one, sep, _all in rounds)
        separate_cpu = statistics.median(sum(run.cpu for run in sep) for _one, sep, _all in rounds)
        separate = rounds[0][1]
        everything = _median_run([all_run for _one, _sep, all_run in rounds])
        figures = {
            "pages": args.pages, "languages": codes, "share": args.share,
            "theme": args.theme, "commit": commit(), "software": versions(),
            "machine": {**machine(), "load_start": load_start}, "repeat": len(rounds),
            "rounds": [{"one": [one_run.seconds, one_run.cpu],
                        "separate": [[run.seconds, run.cpu] for run in sep],
                        "all": [all_run.seconds, all_run.cpu]}
                       for one_run, sep, all_run in rounds],
            "seconds": {"one": one.seconds, "separate": separate_seconds,
                        "separate_runs": [run.seconds for run in separate],
                        "all": everything.seconds, "unchanged": unchanged.seconds,
                        "one_catalog": one_catalog.seconds},
            "cpu": {"one": one.cpu, "separate": separate_cpu, "all": everything.cpu,
                    "unchanged": unchanged.cpu, "one_catalog": one_catalog.cpu},
            "all_over_separate": everything.seconds / separate_seconds,
            "cpu_all_over_separate": everything.cpu / separate_cpu,
            "all_over_one": everything.seconds / one.seconds,
            "peak_mb": {"one": one.mb, "all": everything.mb},
        }
        ratio = figures["all_over_separate"]
        print(f"the original and {len(codes)} languages ({', '.join(codes)}) of {args.pages} "
              f"pages, {args.share:.0%} of the messages translated, {args.theme}, "
              f"{figures['software']}, load {load_start} at the start, "
              f"{figures['machine']['load']} at the end; medians of {len(rounds)} round(s)")
        print("                                       wall      cpu")
        rows = [("the original alone", one.seconds, one.cpu),
                (f"{len(codes) + 1} one-language builds (sum)", separate_seconds, separate_cpu),
                ("all languages, --fresh", everything.seconds, everything.cpu),
                ("all languages, nothing changed", unchanged.seconds, unchanged.cpu),
                ("all languages, one catalog edited", one_catalog.seconds, one_catalog.cpu)]
        for label, wall, cpu in rows:
            print(f"  {label:<35}{wall:7.1f} s{cpu:7.1f} s")
        print(f"  all / one-language builds: {ratio:.2f}x wall, "
              f"{figures['cpu_all_over_separate']:.2f}x cpu; all / original alone: "
              f"{figures['all_over_one']:.2f}x wall")
        verdict = "met" if ratio <= GOAL_ALL_OVER_SEPARATE else "NOT met"
        cpu_verdict = ("met" if figures["cpu_all_over_separate"] <= GOAL_ALL_OVER_SEPARATE
                       else "NOT met")
        print(f"  goal: all languages at most {GOAL_ALL_OVER_SEPARATE}x the one-language "
              f"builds: {verdict} on wall time, {cpu_verdict} on CPU time")
        for number, (one_run, sep, all_run) in enumerate(rounds, 1):
            print(f"  round {number}: one {one_run.seconds:.1f} s / {one_run.cpu:.1f} s cpu; "
                  "separate " + " + ".join(f"{run.seconds:.1f}" for run in sep)
                  + f" s / {sum(run.cpu for run in sep):.1f} s cpu; "
                  f"all {all_run.seconds:.1f} s / {all_run.cpu:.1f} s cpu")
        if args.results is not None:
            args.results.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def _median_run(runs: list[Run]) -> Run:
    """The run of median wall time (its CPU time and memory with it)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


if __name__ == "__main__":
    raise SystemExit(main())
