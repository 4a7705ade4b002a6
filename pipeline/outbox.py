"""Delivering a run's outbox: the events it owes its sinks, retried until a sink confirms.

The orchestrator records each must-deliver event (critic report, judge report, run finished)
in the store with the state change that causes it, then hands it to the sink here. A sink
confirms by returning; it raises `Undelivered` to be tried again later (with backoff, or
when the service said), and anything else (a crash) leaves the event pending for the next
execution or for a worker's recovery of finished runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.errors import Undelivered
from pipeline.events import EVENT_ADAPTER, Event, RunFinished, Sink
from pipeline.store.base import SUPERSEDED, Outgoing, RunStore

LOG = logging.getLogger(__name__)



@dataclass(frozen=True)
class Redelivery:
    """How often a pending event is tried again: doubling waits, a bounded number of tries."""

    first_wait_s: float = 30.0
    max_wait_s: float = 3600.0
    attempts: int = 10
    """Failed deliveries after which the event is given up (logged as an error)."""

    def wait(self, failed: int, asked: float | None) -> float | None:
        """Seconds before try `failed + 1`, at least what the service `asked`; None: give up."""
        if failed >= self.attempts:
            return None
        backoff = min(self.max_wait_s, self.first_wait_s * 2.0 ** (failed - 1))
        return max(backoff, asked or 0.0)


def outgoing(event: Event) -> Outgoing:
    """The outbox row of `event`."""
    return Outgoing(kind=event.kind, payload=event.model_dump(mode="json"))


async def deliver(
    store: RunStore, run_id: str, sink: Sink, item: Outgoing, policy: Redelivery
) -> bool:
    """Hand one pending event to the sink; True once it is confirmed.

    Any failure of the sink leaves the event pending, due again after the policy's wait: a
    refusal or an outage must never cost the run, nor the event.
    """
    event = EVENT_ADAPTER.validate_python(item.payload)
    try:
        await sink.emit(event)
    except Exception as exc:
        asked = exc.retry_after if isinstance(exc, Undelivered) else None
        wait = policy.wait(item.attempts + 1, asked)
        fields = {"run_id": run_id, "event": item.kind, "error": str(exc),
                  "attempt": item.attempts + 1, "wait_s": wait}
        if wait is None:
            LOG.error("event given up", extra=fields)
        elif isinstance(exc, Undelivered):
            LOG.warning("event not delivered; will retry", extra=fields)
        else:
            LOG.exception("event delivery raised; will retry", extra=fields)
        await store.retry_later(run_id, item, str(exc), wait)
        return False
    await store.delivered(run_id, item)
    return True


async def deliver_due(store: RunStore, run_id: str, sink: Sink, policy: Redelivery) -> None:
    """Deliver the run's pending events that are due, in order (a worker's recovery)."""
    for item in await store.outgoing(run_id, due=True):
        await deliver(store, run_id, sink, item, policy)


async def redeliver_on_resume(
    store: RunStore, run_id: str, sink: Sink, policy: Redelivery
) -> None:
    """At the start of an execution: deliver what earlier ones left pending, except their
    verdict, which this execution's own replaces."""
    for item in await store.outgoing(run_id):
        if item.kind == RunFinished.model_fields["kind"].default:
            await store.retry_later(run_id, item, SUPERSEDED, None)
        else:
            await deliver(store, run_id, sink, item, policy)
