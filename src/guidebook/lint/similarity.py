"""Near-duplicate prose: word shingles, MinHash signatures and LSH banding.

Every paragraph (and every section, as the union of its paragraphs) becomes the set of its
word 3-grams. A MinHash signature of ``BANDS * ROWS`` values estimates the Jaccard
similarity of two sets; splitting it into bands and bucketing units whose band is equal
makes the pairs worth a look surface in linear time. Each candidate pair is then checked
with the exact Jaccard similarity, so a report never rests on the estimate.

With 10 bands of 4 rows, two units at 85 % similarity share a band with probability
0.9994; units below 30 % rarely do.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Sequence

SHINGLE = 3
BANDS = 10
ROWS = 4
_MASK = (1 << 64) - 1
#: The kind of a unit too short to compare on its own (it still counts in its section).
FRAGMENT = "fragment"
_SEEDS = tuple(random.Random(20170222).getrandbits(64) for _ in range(BANDS * ROWS))


@dataclasses.dataclass
class Unit:
    """A paragraph or a section of one file, as a set of shingle hashes."""

    file: int  # index of the file; pairs within one file are not compared
    line: int
    kind: str  # "paragraph", "section" or FRAGMENT
    shingles: frozenset[int]
    members: tuple[int, ...] = ()  # for a section: the indexes of its paragraph units


@dataclasses.dataclass(frozen=True)
class Match:
    first: Unit
    second: Unit
    similarity: float


class Vocabulary:
    """Word ids, so that a shingle hashes to the same value in every run."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def shingles(self, words: Sequence[str]) -> frozenset[int]:
        ids = [self._ids.setdefault(word, len(self._ids) + 1) for word in words]
        if len(ids) < SHINGLE:
            return frozenset()
        # hash() of a tuple of ints is deterministic (no per-process salt).
        return frozenset(
            hash(tuple(ids[i : i + SHINGLE])) & _MASK for i in range(len(ids) - SHINGLE + 1)
        )


def signature(shingles: Iterable[int]) -> tuple[int, ...]:
    """The MinHash signature: per seed, the least shingle hash XOR the seed."""
    values = list(shingles)
    return tuple(min([value ^ seed for value in values]) for seed in _SEEDS)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def near_duplicates(units: Sequence[Unit], threshold: float) -> list[Match]:
    """Pairs of units in different files whose exact Jaccard similarity is >= *threshold*."""
    signatures: list[tuple[int, ...]] = []
    for unit in units:
        if unit.members:
            member_signatures = [signatures[index] for index in unit.members]
            signatures.append(tuple(map(min, zip(*member_signatures, strict=True))))
        else:
            signatures.append(signature(unit.shingles))
    seen: set[tuple[int, int]] = set()
    matches: list[Match] = []
    for band in range(BANDS):
        buckets: dict[tuple[int, ...], list[int]] = {}
        start = band * ROWS
        for index, sig in enumerate(signatures):
            if units[index].kind == FRAGMENT:
                continue
            buckets.setdefault(sig[start : start + ROWS], []).append(index)
        for members in buckets.values():
            if len(members) < 2:
                continue
            for position, i in enumerate(members):
                for j in members[position + 1 :]:
                    if units[i].file == units[j].file or units[i].kind != units[j].kind:
                        continue
                    if (i, j) in seen:
                        continue
                    seen.add((i, j))
                    similarity = jaccard(units[i].shingles, units[j].shingles)
                    if similarity >= threshold:
                        matches.append(Match(units[i], units[j], similarity))
    return matches
