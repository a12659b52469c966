"""``guidebook convert-api-ref``: an os-api-ref source folder turned into an OpenAPI 3.1 spec.

The source is read with docutils (:mod:`~guidebook.apiref.rst`), walked into calls, tags and
prose (:mod:`~guidebook.apiref.calls`), and assembled (:mod:`~guidebook.apiref.build`) with
bodies nested as the samples show (:mod:`~guidebook.apiref.bodies`) and prose written as
CommonMark (:mod:`~guidebook.apiref.markdown`). Whatever is not carried over is a
:class:`~guidebook.apiref.findings.Finding` at its ``file:line``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from docutils import nodes

from guidebook.apiref.findings import Finding, Kind

# The converter's modules are imported by convert(): every build imports this package for
# its assets extension (guidebook.apiref.assets), only convert-api-ref converts.

#: Text with no reStructuredText markup (no inline marks, lists, directives, indented
#: blocks or references): written as it is, without the cost of a docutils parse.
_PLAIN = re.compile(r"(?![\s\S]*(?:[`*|\\_<>\[\]]|\.\.|::|^\s*(?:[-+#]|\d+[.)])\s|^[ \t]+\S))"
                    r"[\s\S]*", re.MULTILINE)

__all__ = ["Conversion", "Finding", "Kind", "convert"]


@dataclasses.dataclass
class Conversion:
    """The spec of one tree, what it carries and what it could not."""

    spec: dict[str, Any]
    findings: list[Finding]
    calls: int
    operations: int
    stats: dict[str, int]


def convert(src: Path, *, title: str | None = None, version: str | None = None) -> Conversion:
    """Convert the os-api-ref tree in *src* (a folder with ``.rst`` pages)."""
    from guidebook.apiref import rst
    from guidebook.apiref.build import SpecBuilder
    from guidebook.apiref.calls import CallCollector
    from guidebook.apiref.findings import Findings
    from guidebook.apiref.markdown import MarkdownWriter, escape

    src = src.resolve()
    findings = Findings()
    collector = CallCollector(findings, src)
    labels: dict[str, str] = {}
    substitutions: dict[str, nodes.substitution_definition] = {}
    for document in rst.documents(src, findings):
        labels.update(rst.labels(document))
        substitutions.update(document.substitution_defs)
        collector.add_document(document)
    writer = MarkdownWriter(findings, labels)
    cache: dict[tuple[str, Path, int], str] = {}

    def describe(text: str, path: Path, line: int) -> str:
        key = (text, path, line)
        if key not in cache and _PLAIN.fullmatch(text):
            cache[key] = "\n\n".join(escape(" ".join(block.split()))
                                      for block in re.split(r"\n\s*\n", text.strip()))
        if key not in cache:
            document = rst.parse_text(text, path, findings, line, document_dir=src,
                                      substitutions=substitutions)
            for found in rst.labels(document):
                labels.setdefault(found, found)
            cache[key] = writer.blocks([child for child in document.children
                                        if not isinstance(child, nodes.system_message)])
        return cache[key]

    builder = SpecBuilder(collector.tree, findings, describe, writer.blocks,
                          title=title, version=version)
    spec = builder.build()
    operations = sum(len(item) for item in spec["paths"].values())
    return Conversion(spec, sorted(findings.items), len(collector.tree.calls), operations,
                      builder.stats)
