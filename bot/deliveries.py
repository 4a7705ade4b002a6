"""This server's claims on durable webhook deliveries: recorded, renewed, replayed, finished.

A delivery is stored with its payload before the webhook answers 202, claimed by this server
for a lease that is renewed while the event waits in the queue. If the server dies before
the handler ran, the claim lapses and the delivery is replayed by the next server to start
(or any running one), or taken over by GitHub's redelivery; once handled it is a duplicate.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from gidgethub import sansio

from pipeline.store.base import Delivery, RunStore
from pipeline.worker import worker_name

DELIVERY_LEASE_S = 30.0
"""How long a claim outlives its server; renewed every third of it while the event waits."""
PAYLOAD_RETENTION_DAYS = 7.0
"""How long a handled delivery's payload is kept (for debugging); its id is kept for good."""
PRUNE_EVERY_S = 3600.0


def _event(delivery: Delivery) -> sansio.Event:
    return sansio.Event(delivery.payload, event=delivery.event, delivery_id=delivery.id)


class DeliveryClaims:
    """The deliveries this server has recorded or replayed and not yet handled."""

    def __init__(
        self, store: RunStore, *, owner: str | None = None, lease_s: float = DELIVERY_LEASE_S,
        retention_days: float = PAYLOAD_RETENTION_DAYS,
    ) -> None:
        self.store = store
        self.owner = owner or worker_name()
        self.lease_s = lease_s
        self.retention = timedelta(days=retention_days)
        self.held: set[str] = set()
        self._pruned_at = -PRUNE_EVERY_S

    async def prune(self) -> int:
        """Forget payloads past the retention, at most once an hour; how many went."""
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_S:
            return 0
        self._pruned_at = time.monotonic()
        return await self.store.forget_payloads(datetime.now(UTC) - self.retention)

    async def record(self, event: sansio.Event, body: str | None = None) -> bool:
        """Store the delivery (its `body`, the JSON text received, where given) under this
        server's claim; False for a duplicate."""
        delivery = Delivery(event.delivery_id, event.event, event.data, body)
        if not await self.store.record_delivery(delivery, self.owner, self.lease_s):
            return False
        self.held.add(delivery.id)
        return True

    async def take_lapsed(self, limit: int) -> list[sansio.Event]:
        """Claim up to `limit` unhandled deliveries whose server died, oldest first."""
        if limit < 1:
            return []
        taken = await self.store.claim_deliveries(self.owner, self.lease_s, limit)
        # One of ours whose renewal failed for a whole lease is queued here already.
        fresh = [delivery for delivery in taken if delivery.id not in self.held]
        self.held.update(delivery.id for delivery in fresh)
        return [_event(delivery) for delivery in fresh]

    async def renew(self) -> None:
        """Extend the claims on every delivery still waiting here."""
        await self.store.renew_deliveries(self.owner, set(self.held), self.lease_s)

    async def finish(self, events: list[sansio.Event]) -> list[str]:
        """Their handlers are through: mark those deliveries done. The ids whose write failed
        are returned, still held (and renewed), for the caller to finish later."""
        ids = {event.delivery_id for event in events}
        try:
            await self.store.finish_deliveries(ids)
        except Exception:
            # The batch failed; one at a time, so one bad row keeps only itself held.
            failed = []
            for key in sorted(ids):
                try:
                    await self.store.finish_deliveries({key})
                except Exception:
                    failed.append(key)
            self.held.difference_update(ids - set(failed))
            return failed
        self.held.difference_update(ids)
        return []

    async def release(self, event: sansio.Event | None = None) -> None:
        """Give up the claim on one event, or on all held (shutdown), for another to take."""
        ids = self.held if event is None else {event.delivery_id}
        released = set(ids)
        self.held.difference_update(released)
        await self.store.release_deliveries(self.owner, released)
