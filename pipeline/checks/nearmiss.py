"""Near-miss spelling: is an unknown name a small slip away from a name we know?"""

from __future__ import annotations

from collections.abc import Iterable

MIN_LENGTH = 4
"""Shorter names are too often legitimately one letter apart (Row, Rows, Flow)."""
LONG_NAME = 8


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


def allowed_distance(name: str) -> int:
    """How many slips a name of this length may contain and still count as a near miss."""
    if len(name) < MIN_LENGTH:
        return 0
    return 1 if len(name) < LONG_NAME else 2


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The known name `name` most likely misspells, or None when nothing is close enough."""
    limit = allowed_distance(name)
    if not limit:
        return None
    lowered = name.lower()
    best: tuple[int, str] | None = None
    for candidate in candidates:
        if candidate == name or abs(len(candidate) - len(name)) > limit:
            continue
        if candidate.lower() == lowered:
            return candidate
        if candidate[:1].isupper() != name[:1].isupper():
            continue
        found = distance(name, candidate, limit)
        if found <= limit and (best is None or (found, candidate) < best):
            best = (found, candidate)
    return best[1] if best is not None else None
