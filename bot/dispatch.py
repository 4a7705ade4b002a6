"""Joins the feature routers and runs queued webhook events through them, off the request path.

Queued events are durable (`bot.deliveries`): each is marked handled once its handler
succeeded, claims on waiting ones are renewed, and at start-up the deliveries a dead server
left unhandled are queued again. A handler that fails is tried again with backoff, since GitHub
got its 202 and will not redeliver; after the last attempt the failure is made visible (an
error in the log, the `gave_up` metric, a comment on the issue) and the delivery is closed.
Handlers wait for the deliveries being received to be answered first (`bot.edge`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from gidgethub import routing, sansio

from bot import checks, ci_events, commands, installations, issues, replies
from bot.comments import post_comment
from bot.context import BotContext
from bot.deliveries import DeliveryClaims
from bot.edge import Edge
from bot.github import GitHub
from bot.metrics import Metrics

ROUTER = routing.Router(issues.router, commands.router, checks.router, installations.router,
                        ci_events.router)
QUEUE_SIZE = 1000
"""Events waiting for a handler; beyond this the webhook answers 503 and GitHub can redeliver."""
REPLAY_ROOM = QUEUE_SIZE // 2
"""Replayed deliveries fill the queue only this far, leaving the rest to live ones."""

HANDLER_ATTEMPTS = 5
"""Tries of one delivery's handler before its failure is reported and the delivery closed."""
RETRY_BASE_S = 2.0
"""The wait before the second try; it doubles each time (2, 4, 8, 16 s)."""
FINISH_RETRY_S = 1.0
"""The wait before marking handled again deliveries whose "handled" write failed."""

log = logging.getLogger(__name__)


class EventQueue:
    """An in-process queue of verified webhook events and the tasks that handle and keep them."""

    def __init__(
        self, ctx: BotContext, client_for: Callable[[int], GitHub], metrics: Metrics,
        router: routing.Router = ROUTER, claims: DeliveryClaims | None = None,
    ) -> None:
        self.ctx = ctx
        self.claims = claims or DeliveryClaims(ctx.store)
        self.edge = Edge()
        """The webhook's deliveries in progress: handling waits for their answers."""
        self._client_for = client_for
        self._metrics = metrics
        self._router = router
        self._queue: asyncio.Queue[sansio.Event] = asyncio.Queue(QUEUE_SIZE)
        self._tasks: list[asyncio.Task[None]] = []
        self._handled: list[sansio.Event] = []
        self._handled_some = asyncio.Event()
        self._retries: set[asyncio.Task[None]] = set()

    @property
    def full(self) -> bool:
        return self._queue.full()

    async def accept(self, event: sansio.Event, body: str | None = None) -> bool:
        """Record the delivery (with `body`, its payload as received) and queue it; False for
        a duplicate.

        Check `full` first; a queue that filled up meanwhile raises asyncio.QueueFull, with
        the claim released so that the delivery is replayed when there is room.
        """
        if not await self.claims.record(event, body):
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
        tasks, self._tasks = [*self._tasks, *self._retries], []
        self._retries.clear()
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
                await self.claims.prune()
            except Exception:  # a loop edge: the database may be back on the next round
                log.exception("keeping delivery claims failed", extra={"owner": self.claims.owner})

    async def _consume(self) -> None:
        while True:
            event = await self._queue.get()
            await self.edge.quiet()  # the acks of a burst first, then its handlers
            if await self._attempt(event, 1):
                self._done(event)
            else:
                retry = asyncio.create_task(self._retry(event), name="webhook-retry")
                self._retries.add(retry)
                retry.add_done_callback(self._retries.discard)

    async def _attempt(self, event: sansio.Event, attempt: int) -> bool:
        started = time.monotonic()
        fields = {"delivery_id": event.delivery_id, "event": event.event, "attempt": attempt}
        try:
            await self.handle(event)
        except Exception:  # the worker-loop edge: log, count, keep serving
            log.exception("event handler failed", extra=fields)
            self._metrics.handled(event.event, "error", time.monotonic() - started)
            return False
        self._metrics.handled(event.event, "ok", time.monotonic() - started)
        return True

    async def _retry(self, event: sansio.Event) -> None:
        """Try a failed delivery again with backoff; the queue counts it done only at the end."""
        for attempt in range(2, HANDLER_ATTEMPTS + 1):
            await asyncio.sleep(RETRY_BASE_S * 2 ** (attempt - 2))
            if await self._attempt(event, attempt):
                self._done(event)
                return
        log.error("event handler gave up", extra={
            "delivery_id": event.delivery_id, "event": event.event, "attempts": HANDLER_ATTEMPTS})
        self._metrics.handled(event.event, "gave_up", 0.0)
        await self._tell_the_issue(event)
        self._done(event)

    async def _tell_the_issue(self, event: sansio.Event) -> None:
        """Say on the event's issue or PR that it was not handled, where there is one."""
        data = event.data
        installation, issue = data.get("installation") or {}, data.get("issue") or {}
        repo = (data.get("repository") or {}).get("full_name")
        if "id" not in installation or "number" not in issue or not repo:
            return
        text = replies.NOT_HANDLED.format(event=event.event, attempts=HANDLER_ATTEMPTS,
                                          delivery=event.delivery_id)
        try:
            await post_comment(self._client_for(int(installation["id"])), repo,
                               int(issue["number"]), text)
        except Exception:  # GitHub itself may be what failed: the log line above stands
            log.exception("could not report the failed delivery on its issue",
                          extra={"delivery_id": event.delivery_id})

    def _done(self, event: sansio.Event) -> None:
        # Marked by the finisher: the next event need not wait for this one's write, and
        # the events handled meanwhile are marked in one transaction.
        self._handled.append(event)
        self._handled_some.set()

    async def _finish(self) -> None:
        while True:
            await self._handled_some.wait()
            await self.edge.quiet()  # its transaction would hold up the burst's records
            if not await self._finish_handled():
                await asyncio.sleep(FINISH_RETRY_S)

    async def _finish_handled(self) -> bool:
        """Mark the handled deliveries so; those whose write failed stay held and wait for
        the next round (left to lapse, they would be replayed and handled twice)."""
        self._handled_some.clear()
        batch, self._handled = self._handled, []
        failed = set(await self.claims.finish(batch))
        if failed:
            log.error("deliveries not marked handled; trying again",
                      extra={"delivery_ids": sorted(failed)})
            self._handled.extend(e for e in batch if e.delivery_id in failed)
            self._handled_some.set()
        for event in batch:
            if event.delivery_id not in failed:
                self._queue.task_done()
        return not failed
