"""Joins the feature routers and runs queued webhook events through them, off the request path."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from gidgethub import routing, sansio

from bot import checks, commands, installations, issues
from bot.context import BotContext
from bot.github import GitHub
from bot.metrics import Metrics

ROUTER = routing.Router(issues.router, commands.router, checks.router, installations.router)
QUEUE_SIZE = 1000
"""Events waiting for a handler; beyond this the webhook answers 503 and GitHub can redeliver."""

log = logging.getLogger(__name__)


class EventQueue:
    """An in-process queue of verified webhook events and the task that handles them."""

    def __init__(
        self, ctx: BotContext, client_for: Callable[[int], GitHub], metrics: Metrics,
        router: routing.Router = ROUTER,
    ) -> None:
        self.ctx = ctx
        self._client_for = client_for
        self._metrics = metrics
        self._router = router
        self._queue: asyncio.Queue[sansio.Event] = asyncio.Queue(QUEUE_SIZE)
        self._task: asyncio.Task[None] | None = None

    @property
    def full(self) -> bool:
        return self._queue.full()

    def put(self, event: sansio.Event) -> None:
        """Queue an event (check `full` first)."""
        self._queue.put_nowait(event)

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        self._task = asyncio.create_task(self._consume(), name="webhook-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def drain(self) -> None:
        """Wait until every queued event has been handled (tests and graceful shutdown)."""
        await self._queue.join()

    async def handle(self, event: sansio.Event) -> None:
        """Dispatch one event to the routers with a client for its installation.

        Every event an App receives names its installation; one that does not (a repository
        webhook pointed here by mistake) cannot be acted on, so it is logged and dropped.
        """
        installation = event.data.get("installation") or {}
        if "id" not in installation:
            log.warning("event without an installation",
                        extra={"delivery_id": event.delivery_id, "event": event.event})
            return
        gh = self._client_for(int(installation["id"]))
        await self._router.dispatch(event, gh, self.ctx)

    async def _consume(self) -> None:
        while True:
            event = await self._queue.get()
            started = time.monotonic()
            try:
                await self.handle(event)
                self._metrics.handled(event.event, "ok", time.monotonic() - started)
            except Exception:  # the worker-loop edge: log, count, keep serving
                log.exception("event handler failed",
                              extra={"delivery_id": event.delivery_id, "event": event.event})
                self._metrics.handled(event.event, "error", time.monotonic() - started)
            finally:
                self._queue.task_done()
