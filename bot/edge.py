"""The webhook edge's deliveries in progress, so that handling them waits for the acks.

A burst of deliveries shares one event loop with the handlers of the deliveries before it.
The handlers (and the "handled" marks) wait until no delivery is being received, so that
every delivery of the burst is answered first; they wait at most `wait_s`, so a steady
stream of deliveries never starves them. GitHub only needs the 202 in time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

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
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.wait_s):
                await self._quiet.wait()
