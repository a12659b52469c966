"""Suggesting the name a reader probably meant: ``(did you mean 'user'?)``.

One definition for every message that names an unknown name: audiences (the build and
lint), directives, roles and page types (lint).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name within a small edit distance."""
    limit = 1 if len(name) <= 4 else 2
    best = min(
        ((_distance(name, candidate), abs(len(candidate) - len(name)),
          -difflib.SequenceMatcher(None, name, candidate).ratio(), candidate)
         for candidate in known if abs(len(candidate) - len(name)) <= limit),
        default=None,
    )
    if best is None or best[0] > limit:
        return ""
    return f" (did you mean {best[3]!r}?)"
