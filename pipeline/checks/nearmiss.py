"""Near-miss spelling: is an unknown name a small slip away from a name we know?"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

MIN_LENGTH = 4
"""Shorter names are too often legitimately one letter apart (Row, Rows, Flow); only a swap of
two letters (Rwo) counts there."""
MAX_SLIPS = 1
"""Real neighbours two edits apart abound (OverflowBar/OverflowBox); a typo is one slip."""


def distance(left: str, right: str, limit: int) -> int:
    """Edit distance with adjacent transpositions; stops early past `limit`."""
    if abs(len(left) - len(right)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, start=1):
        current = [i] + [0] * len(right)
        for j, b in enumerate(right, start=1):
            cost = 0 if a == b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


def _swapped(name: str, known: str) -> bool:
    """Whether two names differ by exactly one swap of neighbouring letters."""
    if len(name) != len(known) or sorted(name) != sorted(known):
        return False
    diff = [i for i, (a, b) in enumerate(zip(name, known, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1


def _is_extension_of(name: str, known: str) -> bool:
    """`Durations` for `Duration`, `Router` for `Route`: real names grow by suffixes."""
    return len(name) > len(known) and name.startswith(known)


class NearIndex:
    """Names keyed by their one-letter deletions, so one-slip neighbours are found by lookup."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_deletion: dict[str, list[str]] = {}
        self.by_lower: dict[str, list[str]] = {}
        for name in names:
            self.by_lower.setdefault(name.lower(), []).append(name)
            for key in _deletions(name):
                self.by_deletion.setdefault(key, []).append(name)

    def neighbours(self, name: str) -> Iterator[str]:
        """Names that might be one slip (or only letter case) away from `name`."""
        yield from self.by_lower.get(name.lower(), ())
        for key in _deletions(name):
            yield from self.by_deletion.get(key, ())


def _deletions(name: str) -> set[str]:
    """The name itself and every spelling with one letter left out."""
    return {name} | {name[:i] + name[i + 1 :] for i in range(len(name))}


@lru_cache(maxsize=256)
def index_of(names: frozenset[str]) -> NearIndex:
    """A (cached) near-miss index over a fixed set of names."""
    return NearIndex(names)


def closest(name: str, indexes: Iterable[NearIndex]) -> str | None:
    """The known name `name` most likely misspells, or None when nothing is close enough."""
    lowered = name.lower()
    best: str | None = None
    for candidate in {c for index in indexes for c in index.neighbours(name)}:
        if candidate == name or abs(len(candidate) - len(name)) > MAX_SLIPS:
            continue
        if candidate[:1].isupper() != name[:1].isupper() or _is_extension_of(name, candidate):
            continue  # a class and a function of one spelling are different things
        if candidate.lower() == lowered:
            return candidate
        if max(len(name), len(candidate)) < MIN_LENGTH:
            near = len(name) == len(candidate) and _swapped(name, candidate)
        else:
            near = distance(name, candidate, MAX_SLIPS) <= MAX_SLIPS
        if near and (best is None or candidate < best):
            best = candidate
    return best
