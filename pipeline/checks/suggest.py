"""The `fix` hint of an unknown member or parameter: the near miss, or what there is."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.nearmiss import NearIndex, closest, distance

MAX_LISTED = 8


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate `name` most likely misspells (one slip, or a letter too many/few)."""
    names = sorted(set(candidates))
    found = closest(name, [NearIndex(names)])
    if found is not None:
        return found
    # `paddings` for `padding`: a real name grown by a letter is a slip here, not a new name.
    close = [c for c in names if c[:1].lower() == name[:1].lower() and distance(name, c, 1) <= 1]
    return close[0] if close else None


def did_you_mean(owner: str, what: str, name: str, candidates: Iterable[str]) -> str:
    """"ListTile has no parameter 'titel'; did you mean 'title'?" (or the names it has)."""
    listed = sorted({c for c in candidates if not c.startswith("_") and c.isidentifier()})
    suggestion = nearest(name, listed)
    if suggestion is not None:
        return f"{owner} has no {what} '{name}'; did you mean '{suggestion}'?"
    if not listed:
        return f"{owner} has no {what} '{name}'"
    shown = ", ".join(listed[:MAX_LISTED]) + (", ..." if len(listed) > MAX_LISTED else "")
    return f"{owner} has no {what} '{name}'; it has: {shown}"
