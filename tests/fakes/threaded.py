"""Serves an async fake from a thread of its own, for tests that call a blocking entry point."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

START_TIMEOUT_S = 10.0


class Server(Protocol):
    async def start(self) -> str: ...

    async def close(self) -> None: ...


@contextmanager
def served_in_thread(server: Server) -> Iterator[str]:
    """Run `server` on an event loop in a daemon thread; yields its base URL."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-server", daemon=True)
    thread.start()
    try:
        url = asyncio.run_coroutine_threadsafe(server.start(), loop).result(START_TIMEOUT_S)
        yield url
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(START_TIMEOUT_S)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(START_TIMEOUT_S)
        loop.close()
