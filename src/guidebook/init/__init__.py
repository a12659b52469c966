"""``guidebook init``: adopt guidebook in an existing Sphinx project, or start a new site.

:func:`adopt` reads a plain Sphinx tree, proposes guides and a folder map
(:mod:`guidebook.init.plan`) and appends them to conf.py (:mod:`guidebook.init.confpy`);
:func:`scaffold` writes a new site from the skeleton (:mod:`guidebook.init.scaffold`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sphinx.errors import ConfigError

from guidebook.init import confpy
from guidebook.init.plan import InitError, Plan, propose, read_tree
from guidebook.init.scaffold import scaffold

__all__ = ["InitError", "Plan", "adopt", "describe", "scaffold"]


def adopt(source: Path, *, guides: Mapping[str, str] | None = None,
          folders: Mapping[str, str] | None = None, dry_run: bool = False,
          folder_roots: bool = False) -> str:
    """Plan (and unless *dry_run*, apply) the adoption of the project in *source*.

    Return the report: the decisions, the conf.py lines, the pages of each guide and
    every page no guide holds, by name.
    """
    tree = read_tree(source)
    plan = propose(tree, guides, folders, folder_roots=folder_roots)
    for name, spec in plan.guides.items():
        if not tree.has(spec["root"]):
            raise InitError(f"guide {name}: no page {spec['root']!r} in {source}")
    try:
        plan.membership()
    except ConfigError as exc:
        raise InitError(str(exc).removeprefix("conf.py:1: ")) from None
    text = tree.conf.read_text(encoding="utf-8")
    block = confpy.render_block(plan, text)
    report = [describe(plan)]
    if dry_run:
        report.append(f"\nWould append to {tree.conf}:\n{block}")
        report.append("Dry run: nothing was changed.")
    else:
        conf, lines = confpy.apply(plan)
        report.append(f"\nAppended {lines} lines to {conf}:\n{block}")
        report += [f"Wrote {tree.source / docname}.rst" for docname in plan.new_pages]
        report.append(f"Next: guidebook build --source {source} --strict")
    return "\n".join(report)


def describe(plan: Plan) -> str:
    """The plan for a person: the decisions, then the pages of each guide."""
    tree = plan.tree
    lines = [f"guidebook init: {tree.source} ({len(tree.docnames)} pages, "
             f"{len(tree.folders)} folders)"]
    if tree.conf_note:
        lines.append(f"  note: {tree.conf_note}")
    lines += [f"  {reason}" for reason in plan.reasons]
    membership = plan.membership()
    lines.append("")
    for name in plan.guides:
        count = sum(1 for parts in membership.values() if name in parts)
        lines.append(f"  {name}: {count} pages")
    homeless = plan.homeless()
    if homeless:
        lines.append(f"  {len(homeless)} page(s) in no guide (give each an ':audience:' "
                     "field or a --folder entry):")
        lines += [f"    {docname}" for docname in homeless]
    else:
        lines.append("  every page is in at least one guide")
    return "\n".join(lines)
