"""Near-duplicate prose: word shingles, MinHash signatures and LSH banding, then words.

Every paragraph (and every section, as the union of its paragraphs) becomes the set of
its word 3-grams (hashed through word ids, so runs are reproducible). A MinHash
signature of ``BANDS * ROWS`` values estimates the Jaccard similarity of two sets;
splitting it into bands and bucketing units whose band is equal makes the pairs worth a
look surface in linear time. Each candidate pair is then scored exactly, on its words.

A pair is a copy when it is nearly verbatim (Jaccard similarity of the shingles at
least 0.85) or an edited copy: at least 90 % of the words the same, in order
(:meth:`difflib.SequenceMatcher.ratio` on the word lists), and at least 25 of them. A
40-word paragraph copied with 2 words changed scores 0.95; shingles alone would miss it,
because every changed word breaks three 3-grams: its Jaccard similarity is only about
0.73. So the banding is tuned to find pairs from a Jaccard similarity of about 0.6: with
20 bands of 3 rows, a pair at 0.7 shares a band with probability 0.9997, a pair at 0.2
(prose on the same subject, written twice) with 0.15, and then its word score stays low.
Calibration (GB301 reports that are not copies): 0 on the flagship, 0 on the adoption
test tree, 0 on the 1,200-page benchmark tree, whose formulaic cross-reference
sentences a word score alone (85 %) flagged 287 times.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Sequence

SHINGLE = 3
BANDS = 20
ROWS = 3
_MASK = (1 << 64) - 1
#: The kind of a unit too short to compare on its own (it still counts in its section).
FRAGMENT = "fragment"
_EMPTY = 1 << 64
#: Above this many units in one bucket, each is compared with the first one only, so a
#: boilerplate paragraph on every page costs linear, not quadratic, time.
BUCKET_LIMIT = 32


@dataclasses.dataclass
class Unit:
    """A paragraph or a section of one file, as a set of shingle hashes."""

    file: int  # index of the file; pairs within one file are not compared
    line: int
    kind: str  # "paragraph", "section" or FRAGMENT
    shingles: frozenset[int]
    members: tuple[int, ...] = ()  # for a section: the indexes of its paragraph units
    #: The word ids in reading order (the exact score compares them).
    words: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Match:
    first: Unit
    second: Unit
    similarity: float


class Vocabulary:
    """Word ids, so that a shingle hashes to the same value in every run."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def ids(self, words: Sequence[str]) -> tuple[int, ...]:
        return tuple(self._ids.setdefault(word, len(self._ids) + 1) for word in words)

    def shingles(self, words: Sequence[str]) -> frozenset[int]:
        return shingles_of(self.ids(words))


def shingles_of(ids: Sequence[int]) -> frozenset[int]:
    """The hashed word 3-grams of a text given as word ids."""
    if len(ids) < SHINGLE:
        return frozenset()
    # hash() of a tuple of ints is deterministic (no per-process salt).
    return frozenset(
        hash(tuple(ids[i : i + SHINGLE])) & _MASK for i in range(len(ids) - SHINGLE + 1)
    )


def signature(shingles: Iterable[int]) -> tuple[int, ...]:
    """The MinHash signature, by one-permutation hashing with densification.

    One pass: each shingle hash falls into one of ``BANDS * ROWS`` bins (its remainder)
    and the bin keeps the least quotient, so the cost is one step per shingle instead
    of one per shingle and hash function. A bin no shingle fell into borrows the value
    of the next filled bin to its right, offset by the distance, so that two similar
    sets still agree there with a probability close to their Jaccard similarity.
    """
    size = BANDS * ROWS
    bins = [_EMPTY] * size
    for value in shingles:
        quotient, remainder = divmod(value, size)
        if quotient < bins[remainder]:
            bins[remainder] = quotient
    if _EMPTY not in bins:
        return tuple(bins)
    if all(value == _EMPTY for value in bins):
        return tuple(bins)
    dense = list(bins)
    for index, value in enumerate(bins):
        if value != _EMPTY:
            continue
        for distance in range(1, size):
            borrowed = bins[(index + distance) % size]
            if borrowed != _EMPTY:
                dense[index] = borrowed + distance * _EMPTY
                break
    return tuple(dense)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


#: Below this shingle similarity a pair is never a copy (2 words changed in 40: 0.73).
SHINGLE_FLOOR = 0.5
#: An edited copy: at least this share of the words in order ...
EDITED_RATIO = 0.9
#: ... and at least this many of them (short formulaic sentences, "See X and Y for the
#: Z side of this.", share most of their words without being copies).
EDITED_MIN_WORDS = 25


def copy_score(a: Unit, b: Unit, threshold: float) -> float | None:
    """How much of *b* is a copy of *a* (0..1), or None when it is not a copy.

    A copy is either nearly verbatim (shingle Jaccard similarity >= *threshold*), or an
    edited copy: at least :data:`EDITED_RATIO` of the words in order and at least
    :data:`EDITED_MIN_WORDS` of them the same. The score is the share of words in order
    (:meth:`difflib.SequenceMatcher.ratio`); units built without their words
    (``words=()``) are scored by their shingles alone.
    """
    shingle_score = jaccard(a.shingles, b.shingles)
    if not a.words or not b.words:
        return shingle_score if shingle_score >= threshold else None
    if shingle_score < min(SHINGLE_FLOOR, threshold):
        return None
    sizes = len(a.words) + len(b.words)
    if shingle_score < threshold and 2 * min(len(a.words), len(b.words)) < EDITED_RATIO * sizes:
        return None  # the ratio is at most 2 * shorter / both: it cannot be an edited copy
    ratio = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False).ratio()
    if shingle_score >= threshold:
        return max(ratio, shingle_score)
    if ratio >= EDITED_RATIO and ratio * sizes / 2 >= EDITED_MIN_WORDS:
        return ratio
    return None


def near_duplicates(units: Sequence[Unit], threshold: float) -> list[Match]:
    """Pairs of units in different files that are copies (see :func:`copy_score`)."""
    signatures: list[tuple[int, ...]] = []
    for unit in units:
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
            # Many copies of one text: compare each with the first, not every pair.
            pairs = (
                ((members[0], j) for j in members[1:]) if len(members) > BUCKET_LIMIT
                else ((i, j) for p, i in enumerate(members) for j in members[p + 1 :])
            )
            for i, j in pairs:
                if units[i].file == units[j].file or units[i].kind != units[j].kind:
                    continue
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                similarity = copy_score(units[i], units[j], threshold)
                if similarity is not None:
                    matches.append(Match(units[i], units[j], similarity))
    return matches
