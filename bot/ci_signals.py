"""Wake-ups for the runs of this process that wait for CI on a head they pushed.

A run waits by polling GitHub (`bot.ci_oracle`), which works across processes; a CI event that
reaches this process for the same repository, branch and head ends the current pause early.
"""

from __future__ import annotations

import asyncio
import contextlib

Key = tuple[str, str, str]
"""(repository full name, branch, head SHA)."""


class CiSignals:
    """The heads runs wait on here, each with the event that ends their pause."""

    def __init__(self) -> None:
        self._waiting: dict[Key, asyncio.Event] = {}

    async def pause(self, key: Key, seconds: float) -> None:
        """Sleep `seconds`, or until `report` names `key`."""
        woken = self._waiting.setdefault(key, asyncio.Event())
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), seconds)
        finally:
            if self._waiting.get(key) is woken:
                del self._waiting[key]

    def report(self, key: Key) -> bool:
        """CI said something about `key`: end its pause; False when nothing waits on it."""
        woken = self._waiting.get(key)
        if woken is None:
            return False
        woken.set()
        return True
