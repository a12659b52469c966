"""The rows of a large field table grouped by the object they belong to.

A body of a few hundred fields (GitHub's repository objects nest owners, licences and
template repositories in each other: 303 rows for one request) is unreadable as one flat
table on any screen. Above :data:`COLLAPSE_ABOVE` rows, the table shows the top-level
fields only, and each object's fields go in a closed ``<details>`` after its parent's
table, nested as the objects are (:mod:`guidebook.openapi.html_nodes`).
"""

from __future__ import annotations

import dataclasses

from guidebook.openapi.fields import Field

#: A field table with more rows than this shows nested objects collapsed.
COLLAPSE_ABOVE = 30


@dataclasses.dataclass
class Level:
    """The fields of one object and, by a field's name, the fields of the objects it holds."""

    rows: list[Field] = dataclasses.field(default_factory=list)
    nested: dict[str, Level] = dataclasses.field(default_factory=dict)

    def count(self) -> int:
        """The rows at this level and below."""
        return len(self.rows) + sum(level.count() for level in self.nested.values())


def object_name(prefix: str) -> str:
    """The field an item prefix belongs to: ``tags[]`` -> ``tags``, ``[]`` -> ``""``."""
    while prefix.endswith("[]"):
        prefix = prefix[:-2]
    return prefix


def nest(rows: list[Field]) -> Level:
    """*rows* (parents before their fields, as :mod:`guidebook.openapi.fields` walks them)
    as a tree of levels; a row whose parent is not a row stays at the top."""
    top = Level()
    levels: dict[str, Level] = {"": top}
    holder_of: dict[str, Level] = {}
    for row in rows:
        parent = object_name(row.parent)
        level = levels.get(parent)
        if level is None:
            holder = holder_of.get(parent)
            if holder is None:
                level = top
            else:
                level = holder.nested.setdefault(parent, Level())
                levels[parent] = level
        level.rows.append(row)
        holder_of[row.name] = level
    return top


def should_collapse(rows: list[Field]) -> bool:
    """Whether a table of *rows* is large enough to show its nested objects collapsed."""
    return len(rows) > COLLAPSE_ABOVE and any(object_name(row.parent) for row in rows)


__all__ = ["COLLAPSE_ABOVE", "Level", "nest", "object_name", "should_collapse"]
