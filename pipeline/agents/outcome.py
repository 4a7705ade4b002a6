"""One checkpoint's outcome: passed or not, the evidence, and whether it was verified at all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What decided a checkpoint. `verified=False` scores nothing but blames nobody;
    `blocks=True` fails the Judge whatever the total score."""

    passed: bool
    evidence: str
    verified: bool = True
    blocks: bool = False

    @classmethod
    def unverified(cls, reason: str) -> Outcome:
        """Not decided, for `reason` (which starts with "not verified: ")."""
        return cls(False, reason, verified=False)


def failed(evidence: str, *, blocks: bool = False) -> Outcome:
    """A failed outcome."""
    return Outcome(False, evidence, blocks=blocks)


def passed(evidence: str) -> Outcome:
    """A passed outcome."""
    return Outcome(True, evidence)
