"""Warms a shared prompt prefix once: the first call with it goes alone until its answer starts.

A prompt-cache entry can be read only once the response that writes it has started, and it
lives 5 minutes from its last use. Without this, the first wave of `concurrency` calls sharing
a prefix would all pay to write it. Calls with the same key wait for the first one's response to
start (or fail: then the next one warms), and go on at once while the entry is fresh.
Provider-neutral: the key is any text naming the model and the prefix.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

CACHE_LIFETIME_S = 300.0
FRESH_SHARE = 0.9
"""An entry unused for this share of its lifetime is warmed again rather than trusted."""

Clock = Callable[[], float]
Started = Callable[[], None]


def _nothing() -> None:
    return None


@dataclass
class _Entry:
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    used: float | None = None
    """When a response with this prefix last started; None while the first is pending."""


class PrefixWarmer:
    """Serializes the first call per prefix key; `turn(key)` yields a callback for "started"."""

    def __init__(self, lifetime_s: float = CACHE_LIFETIME_S, clock: Clock = time.monotonic):
        self._fresh_s = lifetime_s * FRESH_SHARE
        self._clock = clock
        self._entries: dict[str, _Entry] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[Started]:
        """Wait until a call with `key` may go; call the yielded function when it started."""
        entry = await self._wait(key) if key else None
        if entry is None:
            yield _nothing
            return
        began = False

        def started() -> None:
            nonlocal began
            began = True
            entry.used = self._clock()
            entry.ready.set()

        try:
            yield started
        finally:
            if not began and self._entries.get(key) is entry:
                del self._entries[key]  # the warming call failed: the next caller warms
                entry.ready.set()

    async def _wait(self, key: str) -> _Entry | None:
        """None when the entry is fresh; the new entry when this caller must warm it."""
        while True:
            entry = self._entries.get(key)
            if entry is None or (entry.used is not None
                                 and self._clock() - entry.used > self._fresh_s):
                self._entries[key] = fresh = _Entry()
                return fresh
            if entry.used is None:
                await entry.ready.wait()
                continue
            entry.used = self._clock()
            return None
