"""``guidebook report``: the information architecture of the site at a glance.

The map has a column per guide and part and a row per page, marks the pages shared by
more than one of them, and counts, for each audience (guide), its pages of each type
declared with ``:page-type:`` (tutorial, how-to, reference, explanation); pages that
declare no type are counted apart, as ``untyped``.

JSON output (``--format json``), format 1, keys sorted::

    {
      "format": 1,
      "columns": [{"name", "title", "kind": "guide" | "part", "pages": n}],
      "pages": [{"docname", "title", "source", "page_type": type | null,
                 "in": [column names, in column order], "shared": bool}],
      "shared": [docnames in more than one column],
      "coverage": {
        "page_types": ["tutorial", "how-to", "reference", "explanation"],
        "guides": {"<guide>": {"tutorial": n, "how-to": n, "reference": n,
                               "explanation": n, "untyped": n, "total": n}}
      },
      "languages": [{"code", "name", "original": bool,
                     "parts": {"<guide or part>": {"translated": n, "total": n,
                                                   "share": 0..1, "published": bool}}}]
    }

Rows are in docname order. Coverage counts guides only: parts (API reference, release
notes) are not audiences. ``languages`` (guide x language: the share of each guide's
messages each language translates) is empty for a site without ``guidebook_languages``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from guidebook.config import PAGE_TYPES
from guidebook.manifest import Language, Manifest, PublishedPart, load_manifest
from guidebook.reorg._html import esc, page
from guidebook.reorg.snapshot import snapshot_of_tree

FORMAT_VERSION = 1
UNTYPED = "untyped"


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    title: str
    kind: str
    pages: int


@dataclasses.dataclass(frozen=True)
class Row:
    """A page of the site and the guides and parts that include it."""

    docname: str
    title: str
    source: str
    page_type: str | None
    columns: tuple[str, ...]

    @property
    def shared(self) -> bool:
        return len(self.columns) > 1


@dataclasses.dataclass(frozen=True)
class IAMap:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    #: guide name -> page type (and "untyped", "total") -> number of pages
    coverage: dict[str, dict[str, int]]
    #: the original, then each translation with its coverage per guide and part
    languages: tuple[Language, ...] = ()


def ia_map(manifest: Manifest) -> IAMap:
    """The map of *manifest*: columns, rows and the audience x page type matrix."""
    columns = tuple(_column(published) for published in manifest.published_parts)
    found: dict[str, Row] = {}
    for published, page_ in manifest.pages():
        row = found.get(page_.docname)
        if row is None:
            found[page_.docname] = Row(page_.docname, page_.title, page_.source,
                                       page_.page_type, (published.name,))
        else:
            found[page_.docname] = dataclasses.replace(
                row, columns=(*row.columns, published.name))
    coverage: dict[str, dict[str, int]] = {}
    for guide in manifest.guides:
        counts = dict.fromkeys((*PAGE_TYPES, UNTYPED, "total"), 0)
        for page_ in guide.pages:
            counts[page_.page_type if page_.page_type in PAGE_TYPES else UNTYPED] += 1
            counts["total"] += 1
        coverage[guide.name] = counts
    rows = tuple(found[docname] for docname in sorted(found))
    return IAMap(columns=columns, rows=rows, coverage=coverage, languages=manifest.languages)


def _column(published: PublishedPart) -> Column:
    return Column(published.name, published.title, published.kind, len(published.pages))


def site_map(source: Path | None = None, manifest: Path | None = None) -> IAMap:
    """The map of the manifest file *manifest*, or of a fresh build of *source*."""
    if manifest is not None:
        return ia_map(load_manifest(manifest))
    assert source is not None
    return ia_map(snapshot_of_tree(source, label=str(source), translations=True).manifest)


def to_json(site: IAMap) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "columns": [dataclasses.asdict(column) for column in site.columns],
        "pages": [
            {"docname": row.docname, "title": row.title, "source": row.source,
             "page_type": row.page_type, "in": list(row.columns), "shared": row.shared}
            for row in site.rows
        ],
        "shared": [row.docname for row in site.rows if row.shared],
        "coverage": {"page_types": list(PAGE_TYPES), "guides": site.coverage},
        "languages": [
            {"code": language.code, "name": language.name, "original": language.original,
             "parts": {part.name: {"translated": part.translated, "total": part.total,
                                   "share": part.share, "published": part.published}
                       for part in language.parts}}
            for language in site.languages
        ],
    }


def render_json(site: IAMap) -> str:
    return json.dumps(to_json(site), indent=2, sort_keys=True) + "\n"


def render_html(site: IAMap) -> str:
    """One self-contained page: the coverage matrix, then the map of pages."""
    shared = sum(1 for row in site.rows if row.shared)
    body = [
        "<h1>Information architecture</h1>",
        f'<p class="meta">{len(site.rows)} pages in {len(site.columns)} guides and parts; '
        f"{shared} shared by more than one.</p>",
        "<h2>Coverage: audience &times; page type</h2>",
        _coverage(site),
        *_translations(site),
        "<h2>Pages</h2>",
        '<p class="meta">Shared pages are highlighted; each cell shows the page type.</p>',
        _pages(site),
    ]
    return page("Information architecture", "\n".join(body))


def _coverage(site: IAMap) -> str:
    kinds = (*PAGE_TYPES, UNTYPED, "total")
    head = "".join(f"<th>{esc(kind)}</th>" for kind in kinds)
    titles = {column.name: column.title for column in site.columns}
    rows = []
    for guide, counts in site.coverage.items():
        cells = "".join(
            f'<td class="gap">{counts[kind]}</td>' if kind in PAGE_TYPES and not counts[kind]
            else f"<td>{counts[kind]}</td>"
            for kind in kinds
        )
        rows.append(f'<tr><th scope="row">{esc(titles.get(guide, guide))} '
                    f"<code>{esc(guide)}</code></th>{cells}</tr>")
    return (f'<table class="coverage"><thead><tr><th>Audience</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _translations(site: IAMap) -> list[str]:
    """The guide x language table: each language's translated share of each guide."""
    translations = [language for language in site.languages if not language.original]
    if not translations:
        return []
    head = "".join(f'<th scope="col">{esc(language.name)}<br><code>{esc(language.code)}</code>'
                   "</th>" for language in translations)
    rows = []
    for column in site.columns:
        cells = []
        for language in translations:
            part = next((p for p in language.parts if p.name == column.name), None)
            if part is None:
                cells.append("<td></td>")
                continue
            state = "" if part.published else " (original only)"
            marker = "" if part.published else ' class="gap"'
            # Rounded down, as the portal says it: 99.9% is not "100%".
            cells.append(f"<td{marker}>{int(100 * part.share)}% "
                         f"({part.translated}/{part.total})"
                         f"{state}</td>")
        rows.append(f'<tr><th scope="row">{esc(column.title)} <code>{esc(column.name)}</code>'
                    f'</th>{"".join(cells)}</tr>')
    return ["<h2>Translation: guide &times; language</h2>",
            '<p class="meta">The share of each guide\'s messages translated; a guide below '
            "<code>guidebook_languages_threshold</code> is published in the original only.</p>",
            f'<table class="coverage"><thead><tr><th>Guide</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>']


def _pages(site: IAMap) -> str:
    head = "".join(
        f'<th scope="col">{esc(column.title)}<br><code>{esc(column.name)}</code></th>'
        for column in site.columns
    )
    rows = []
    for row in site.rows:
        cells = "".join(
            f"<td>&#10003; {esc(row.page_type or '')}</td>" if column.name in row.columns
            else "<td></td>"
            for column in site.columns
        )
        marker = ' class="shared"' if row.shared else ""
        rows.append(f"<tr{marker}><th scope=\"row\">{esc(row.title)}<br>"
                    f"<code>{esc(row.docname)}</code></th>{cells}</tr>")
    return (f'<table class="map"><thead><tr><th>Page</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
