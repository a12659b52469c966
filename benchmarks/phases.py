"""Where a build's wall time goes, phase by phase (issue 28).

``python benchmarks/phases.py guidebook ARGS...`` runs ``guidebook ARGS`` and
``python benchmarks/phases.py sphinx ARGS...`` runs ``sphinx-build ARGS``, in this process,
with a timer around each of the functions named in :data:`PHASES`, and prints one JSON
object: seconds per phase. A phase's time excludes the phases timed inside it (the theme's
git calls are not also counted as templates, nor templates as writing), and
``start-up and the rest`` is the run's wall time less every phase. Timers, not a profiler:
the figures are the build's own speed (the timers cost microseconds per call). Each phase
has its wall seconds and its CPU seconds (this process and the children it waited for,
such as the theme's git calls): on a shared machine the CPU figure is the steadier one.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

#: (phase, "module:Class.method" or "module:function"), innermost phases included.
PHASES = [
    ("reading", "sphinx.builders:Builder.read"),
    # reno reads in a process of its own (scan_cache.read_apart): timed around the wait.
    ("release notes (reno's git scan)", "guidebook.releasenotes.scan_cache:read_apart"),
    ("pickling (environment, doctrees)", "pickle:dump"),
    ("resolving doctrees", "sphinx.environment:BuildEnvironment.get_and_resolve_doctree"),
    ("HTML translation", "sphinx.builders.html:StandaloneHTMLBuilder.write_doc"),
    ("highlighting", "sphinx.highlighting:PygmentsBridge.highlight_block"),
    ("templates", "sphinx.jinja2glue:BuiltinTemplateLoader.render"),
    ("theme git dates", "openstackdocstheme.page_context:_get_last_updated"),
    ("navigation", "guidebook.engine.part_navigation:PartNavigation.render"),
    ("search index", "sphinx.builders.html:StandaloneHTMLBuilder.index_page"),
    ("search index", "sphinx.builders.html:StandaloneHTMLBuilder.dump_search_index"),
    ("general index", "sphinx.builders.html:StandaloneHTMLBuilder.write_genindex"),
    ("inventory", "sphinx.builders.html:StandaloneHTMLBuilder.dump_inventory"),
    ("inventory", "guidebook.engine.builder:GuidebookBuilder.dump_inventory"),
    ("static assets", "sphinx.builders.html:StandaloneHTMLBuilder.copy_assets"),
    ("writing (rest)", "sphinx.builders:Builder.write"),
    ("404 page", "guidebook.engine.builder:GuidebookBuilder._write_not_found"),
    ("portal", "guidebook.engine.builder:GuidebookBuilder._write_portal"),
    ("redirect stubs", "guidebook.redirects:write_redirects"),
    ("manifest", "guidebook.engine.builder:GuidebookBuilder._write_manifest"),
    ("publishing", "guidebook.driver.run:publish"),
    ("publishing", "guidebook.driver.run:refresh_spare"),
    ("publishing", "guidebook.driver.run:prepare_staging"),
]
REST = "start-up and the rest"


def _now() -> tuple[float, float]:
    """Wall seconds, and CPU seconds of this process and its finished children (git)."""
    times = os.times()
    return time.perf_counter(), times[0] + times[1] + times[2] + times[3]


class Clock:
    """Exclusive time per phase: entering a phase pauses the one it was called from."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.stack: list[list[Any]] = []  # [phase, wall started, cpu started]

    def _add(self, phase: str, wall: float, cpu: float) -> None:
        self.wall[phase] = self.wall.get(phase, 0.0) + wall
        self.cpu[phase] = self.cpu.get(phase, 0.0) + cpu

    def wrap(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = _now()
            if self.stack:
                outer = self.stack[-1]
                self._add(outer[0], wall - outer[1], cpu - outer[2])
            self.stack.append([phase, wall, cpu])
            try:
                return function(*args, **kwargs)
            finally:
                end_wall, end_cpu = _now()
                name, started_wall, started_cpu = self.stack.pop()
                self._add(name, end_wall - started_wall, end_cpu - started_cpu)
                if self.stack:
                    self.stack[-1][1:] = [end_wall, end_cpu]

        return timed


def install(clock: Clock) -> None:
    for phase, target in PHASES:
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # a theme or module this build does not use
        owner: Any = module
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        setattr(owner, name, clock.wrap(phase, original))


def main(argv: list[str]) -> int:
    tool, arguments = argv[0], argv[1:]
    clock = Clock()
    started_wall, started_cpu = _now()
    install(clock)
    if tool == "guidebook":
        from guidebook.cli import main as run
    else:
        from sphinx.cmd.build import main as run
    try:
        status = run(arguments)
    except SystemExit as exc:
        status = int(exc.code or 0)
    end_wall, end_cpu = _now()
    wall, cpu = dict(clock.wall), dict(clock.cpu)
    wall[REST] = end_wall - started_wall - sum(clock.wall.values())
    cpu[REST] = end_cpu - started_cpu - sum(clock.cpu.values())
    print(json.dumps({"status": status, "wall": wall, "cpu": cpu}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
