"""Writing the guides and parts in parallel processes (``guidebook build -j N``).

Sphinx's own parallel writing resolves every page in the main process and hands only the
HTML translation to its workers, one page chunk at a time; guidebook writes each page once
per guide that shows it, so the resolving alone is most of a build's writing. With
``-j N`` (N > 1) and two or more parts to write, the builder forks instead once the
sources are read: N processes, each writing whole parts (its pages, indices, search index
and inventory) the way ``-j 1`` writes them, so the site is byte for byte the same.
Sphinx's :class:`~sphinx.util.parallel.ParallelTasks` does the forking and carries back
each worker's result and its failure.

What a worker learns that the main process needs afterwards travels back in
:class:`PartWritten`: the part's page order (the manifest), its resolved navigation (kept
for the next build), the pages written (warnings repeated by :mod:`.replay`), and the
log records given while the part was written. The records are given in the main process
part by part, in the site's order, once all workers are done, so the output reads the
same on every run; a warning two workers give about the same place is given once, as the
caches a single process shares (highlighting, the API reference's findings) give it once.

The parts are dealt to the processes largest first, each to the least loaded: the build
takes as long as its busiest process.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from sphinx.util import logging as sphinx_logging
from sphinx.util.parallel import ParallelTasks, parallel_available

from guidebook.engine import replay

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from guidebook.config import Part
    from guidebook.engine.navcache import NavKey
    from guidebook.engine.navigation import Navigation
    from guidebook.engine.part_navigation import PartNavigation
    from guidebook.manifest import NavEntry

logger = sphinx_logging.getLogger(__name__)

#: A part to write and the pages of it to write.
PartJob = tuple["Part", set[str]]


class PartsBuilder(Protocol):
    """The builder state the workers share and send back (the guidebook builder has it)."""

    parallel_ok: bool
    navigation: PartNavigation

    @property
    def application(self) -> Sphinx: ...

    def nav_order(self, part: Part) -> tuple[NavEntry, ...] | None: ...

    def keep_nav_order(self, part: Part, order: tuple[NavEntry, ...]) -> None: ...


@dataclasses.dataclass
class PartWritten:
    """What a worker did that the main process keeps: see the module docstring."""

    name: str
    records: list[logging.LogRecord]
    nav_order: tuple[NavEntry, ...] | None
    navigations: dict[NavKey, tuple[str, Navigation]]
    written: set[str]


def processes_for(builder: PartsBuilder, parts: int) -> int:
    """How many processes write *parts* parts: 1 (this one) unless ``-j N`` allows more,
    every extension is safe to write in parallel, and there are two parts or more."""
    wanted = builder.application.parallel
    if wanted <= 1 or parts < 2 or not builder.parallel_ok or not parallel_available:
        return 1
    return min(wanted, parts)


def deal(jobs: Sequence[PartJob], processes: int) -> list[list[PartJob]]:
    """*jobs* in *processes* groups of about equal pages, each group in the site's order."""
    order = {id(job): number for number, job in enumerate(jobs)}
    groups: list[list[PartJob]] = [[] for _ in range(processes)]
    loads = [0] * processes
    for job in sorted(jobs, key=lambda job: -len(job[1])):
        lightest = loads.index(min(loads))
        groups[lightest].append(job)
        loads[lightest] += len(job[1])
    return [sorted(group, key=lambda job: order[id(job)]) for group in groups if group]


def write_in_processes(builder: PartsBuilder, jobs: Sequence[PartJob], processes: int,
                       write_part: Callable[[Part, set[str]], None]) -> None:
    """Write *jobs* with *write_part* in *processes* forked processes."""
    app = builder.application
    results: dict[str, PartWritten] = {}

    def work(group: list[PartJob]) -> list[PartWritten]:
        builder.parallel_ok = False  # this process writes its parts' pages one by one
        done = []
        for part, docnames in group:
            collector = sphinx_logging.LogCollector()
            before = set(replay.pages_written(app))
            with collector.collect():
                write_part(part, docnames)
            records = _last_of_each(collector.logs)
            sphinx_logging.convert_serializable(records)
            done.append(PartWritten(
                part.name, records, builder.nav_order(part),
                {key: value for key, value in builder.navigation.store.navigations.items()
                 if key[0] == part.name},
                set(replay.pages_written(app)) - before))
        return done

    def keep(group: list[PartJob], written: list[PartWritten]) -> None:
        results.update((result.name, result) for result in written)

    tasks = ParallelTasks(processes)
    for group in deal(jobs, processes):
        tasks.add_task(work, group, keep)
    tasks.join()
    given: set[tuple[Any, ...]] = set()
    for part, _docnames in jobs:
        result = results[part.name]
        _give(result.records, given)
        if result.nav_order is not None:
            builder.keep_nav_order(part, result.nav_order)
        builder.navigation.store.navigations.update(result.navigations)
        replay.note_pages_written(app, result.written)


def _last_of_each(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """*records* with each record once, where it was given last.

    Sphinx holds the warnings of writing back and hands each to the handlers again when
    the pages are written; the collector, listening all along, got it both times.
    """
    seen: set[int] = set()
    kept = []
    for record in reversed(records):
        if id(record) not in seen:
            seen.add(id(record))
            kept.append(record)
    return kept[::-1]


def _give(records: Iterable[logging.LogRecord], given: set[tuple[Any, ...]]) -> None:
    """Give a worker's records here, each warning about one place once."""
    for record in records:
        if record.levelno >= logging.WARNING:
            key = (record.levelno, record.getMessage(), repr(getattr(record, "location", None)),
                   getattr(record, "type", None), getattr(record, "subtype", None))
            if key in given:
                continue
            given.add(key)
        logger.handle(record)
