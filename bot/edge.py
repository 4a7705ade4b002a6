"""The webhook edge's deliveries in progress, so that other work on its event loop waits for
the acks.

A burst of deliveries shares one event loop with the handlers of the deliveries before it and
with the runs the in-process worker executes. The handlers (and the "handled" marks) and each
store call of those runs wait until no delivery is being received, so that every delivery of
the burst is answered first; they wait at most `wait_s`, so a steady stream of deliveries
never starves them. GitHub only needs the 202 in time; a run is paused a moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
from collections.abc import Iterator
from typing import Any, cast

from pipeline.store.base import RunStore

QUIET_WAIT_S = 0.25
"""The longest a handler waits for the edge to go quiet before going ahead anyway."""


class Edge:
    """Counts the deliveries being received; `quiet()` waits until there are none."""

    def __init__(self, wait_s: float = QUIET_WAIT_S) -> None:
        self.receiving = 0
        self.wait_s = wait_s
        self._quiet = asyncio.Event()
        self._quiet.set()

    @contextlib.contextmanager
    def receive(self) -> Iterator[None]:
        """Around one delivery, from its first byte to its answer."""
        self.receiving += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self.receiving -= 1
            if self.receiving == 0:
                self._quiet.set()

    async def quiet(self) -> None:
        """Return once no delivery is being received, or after `wait_s` seconds."""
        if self.receiving == 0:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.wait_s):
                await self._quiet.wait()


class _AfterTheAcks:
    """A run store whose coroutine methods first wait for `edge.quiet()`."""

    def __init__(self, store: RunStore, edge: Edge) -> None:
        self._store = store
        self._edge = edge

    def __getattr__(self, name: str) -> Any:
        member = getattr(self._store, name)
        if not inspect.iscoroutinefunction(member):
            return member

        @functools.wraps(member)
        async def after_the_acks(*args: Any, **kwargs: Any) -> Any:
            await self._edge.quiet()
            return await member(*args, **kwargs)

        return after_the_acks


def after_the_acks(store: RunStore, edge: Edge) -> RunStore:
    """`store` for the runs executing beside the edge: each call waits for `edge.quiet()`."""
    return cast(RunStore, _AfterTheAcks(store, edge))
