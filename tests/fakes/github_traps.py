"""Traps the GitHub fake springs at an exact request: the Nth one matching an operation.

A trap runs its action (a test kills the process that sent the request) either before GitHub
applies the request, so that it never happened, or after, so that it happened and its answer
is never read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.github_state import Call


def anything(call: Call) -> bool:
    return True


@dataclass
class Trap:
    """At the `nth` request of `operation` that `matches`, call `spring` with it, once."""

    operation: str
    spring: Callable[[Call], None]
    nth: int = 1
    applied: bool = True
    """True: spring after GitHub applied the request; False: before, and refuse it."""
    matches: Callable[[Call], bool] = anything
    seen: int = 0
    caught: Call | None = None
    sprung: bool = False

    def before(self, call: Call) -> bool:
        """Count `call`; True when the trap sprang and the request must not be applied."""
        if self.caught is not None or call.operation != self.operation or \
                not self.matches(call):
            return False
        self.seen += 1
        if self.seen != self.nth:
            return False
        self.caught = call
        if self.applied:
            return False
        self._spring()
        return True

    def after(self, call: Call) -> None:
        """Spring now if `call` is the one caught before it was applied."""
        if call is self.caught and not self.sprung:
            self._spring()

    def _spring(self) -> None:
        self.sprung = True
        assert self.caught is not None
        self.spring(self.caught)
