"""Joins the feature routers and runs queued webhook events through them, off the request path.

Queued events are durable (`bot.deliveries`): each is marked handled once its handler ran,
claims on waiting ones are renewed, and at start-up the deliveries a dead server left
unhandled are queued again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from gidgethub import routing, sansio

from bot import checks, commands, installations, issues
from bot.context import BotContext
from bot.deliveries import DeliveryClaims
from bot.github import GitHub
from bot.metrics import Metrics

ROUTER = routing.Router(issues.router, commands.router, checks.router, installations.router)
QUEUE_SIZE = 1000
"""Events waiting for a handler; beyond this the webhook answers 503 and GitHub can redeliver."""
REPLAY_ROOM = QUEUE_SIZE // 2
"""Replayed deliveries fill the queue only this far, leaving the rest to live ones."""

log = logging.getLogger(__name__)


class EventQueue:
    """An in-process queue of verified webhook events and the tasks that handle and keep them."""

    def __init__(
        self, ctx: BotContext, client_for: Callable[[int], GitHub], metrics: Metrics,
        router: routing.Router = ROUTER, claims: DeliveryClaims | None = None,
    ) -> None:
        self.ctx = ctx
        self.claims = claims or DeliveryClaims(ctx.store)
        self._client_for = client_for
        self._metrics = metrics
        self._router = router
        self._queue: asyncio.Queue[sansio.Event] = asyncio.Queue(QUEUE_SIZE)
        self._tasks: list[asyncio.Task[None]] = []
        self._handled: list[sansio.Event] = []
        self._handled_some = asyncio.Event()

    @property
    def full(self) -> bool:
        return self._queue.full()

    async def accept(self, event: sansio.Event) -> bool:
        """Record the delivery and queue it; False for a duplicate.

        Check `full` first; a queue that filled up meanwhile raises asyncio.QueueFull, with
        the claim released so that the delivery is replayed when there is room.
        """
        if not await self.claims.record(event):
            return False
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            await self.claims.release(event)
            raise
        return True

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    async def start(self) -> None:
        """Queue what dead servers left unhandled, then start handling and keeping claims."""
        await self._replay()
        self._tasks += [asyncio.create_task(self._consume(), name="webhook-events"),
                        asyncio.create_task(self._finish(), name="webhook-finished"),
                        asyncio.create_task(self._keep(), name="webhook-claims")]

    async def stop(self) -> None:
        """Stop handling (handled events are still marked so); claims on waiting ones lapse."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._handled:
            await self._finish_handled()

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

    async def _replay(self) -> None:
        free = REPLAY_ROOM - self._queue.qsize()
        for event in await self.claims.take_lapsed(free):
            log.info("replaying an unhandled delivery",
                     extra={"delivery_id": event.delivery_id, "event": event.event})
            self._queue.put_nowait(event)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.claims.lease_s / 3)
            try:
                await self.claims.renew()
                await self._replay()
            except Exception:  # a loop edge: the database may be back on the next round
                log.exception("keeping delivery claims failed", extra={"owner": self.claims.owner})

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
            # Marked by the finisher: the next event need not wait for this one's write, and
            # the events handled meanwhile are marked in one transaction.
            self._handled.append(event)
            self._handled_some.set()

    async def _finish(self) -> None:
        while True:
            await self._handled_some.wait()
            await self._finish_handled()

    async def _finish_handled(self) -> None:
        self._handled_some.clear()
        batch, self._handled = self._handled, []
        try:
            await self.claims.finish(batch)
        except Exception:  # their claims lapse and they are replayed: handlers are idempotent
            log.exception("deliveries not marked handled",
                          extra={"delivery_ids": [event.delivery_id for event in batch]})
        finally:
            for _ in batch:
                self._queue.task_done()
