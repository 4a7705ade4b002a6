"""Durable webhook deliveries: recorded with a claim, replayed when the claim lapses unhandled.

A server records each delivery claimed by itself until a lease expires and renews the lease
while the event waits in its queue. A delivery that is still unhandled when its claim lapses
(its server died after answering GitHub) is taken by the next claim or by GitHub's
redelivery, never by both: every take is a conditional update on the lapsed claim, chosen
with `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite serializes its writers).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pipeline.store.base import Delivery
from pipeline.store.coltypes import EncodedJson
from pipeline.store.tables import deliveries
from pipeline.store.upsert import insert_new_many


def _lapsed(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """Unhandled, replayable, and nobody's claim is live."""
    return (
        deliveries.c.handled_at.is_(None),
        deliveries.c.payload.is_not(None),
        or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < now),
    )


def row(delivery: Delivery, owner: str, lease_seconds: float, now: datetime) -> dict[str, Any]:
    """The `deliveries` row of a delivery received now and claimed by `owner`."""
    payload = delivery.payload if delivery.body is None else EncodedJson(delivery.body)
    return {
        "id": delivery.id, "event": delivery.event, "payload": payload,
        "received_at": now, "claimed_by": owner,
        "claimed_until": now + timedelta(seconds=lease_seconds),
    }


async def record(conn: AsyncConnection, rows: dict[str, dict[str, Any]], now: datetime) -> set[str]:
    """Insert the rows (id -> row) and take over seen ones whose claim lapsed; the ids taken."""
    new = await insert_new_many(conn, deliveries, list(rows.values()), "id")
    for delivery_id in rows.keys() - new:
        values = {k: v for k, v in rows[delivery_id].items() if k not in ("id", "received_at")}
        retaken = await conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id, *_lapsed(now))
            .values(**values)
            .returning(deliveries.c.id)
        )
        if retaken.first() is not None:
            new.add(delivery_id)
    return new


async def claim(
    conn: AsyncConnection, owner: str, lease_seconds: float, limit: int, now: datetime
) -> list[Delivery]:
    """Take up to `limit` unhandled deliveries whose claim lapsed, oldest first."""
    # A CTE, so PostgreSQL picks the rows once; an IN (subquery) may be rescanned past LIMIT.
    picked = (
        select(deliveries.c.id)
        .where(*_lapsed(now))
        .order_by(deliveries.c.received_at, deliveries.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
    )
    taken = await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == picked.c.id, *_lapsed(now))
        .values(claimed_by=owner, claimed_until=now + timedelta(seconds=lease_seconds))
        .returning(deliveries.c.id, deliveries.c.event, deliveries.c.payload,
                   deliveries.c.received_at)
    )
    rows = sorted(taken.all(), key=lambda r: (r.received_at, r.id))
    return [Delivery(r.id, r.event, r.payload) for r in rows]


async def renew(
    conn: AsyncConnection, owner: str, ids: Collection[str], lease_seconds: float, now: datetime
) -> int:
    """Extend `owner`'s claims on those of `ids` still unhandled; how many were extended."""
    if not ids:
        return 0
    renewed = await conn.execute(
        update(deliveries)
        .where(deliveries.c.id.in_(list(ids)), deliveries.c.claimed_by == owner,
               deliveries.c.handled_at.is_(None))
        .values(claimed_until=now + timedelta(seconds=lease_seconds))
        .returning(deliveries.c.id)
    )
    return len(renewed.all())


async def release(conn: AsyncConnection, owner: str, ids: Collection[str]) -> None:
    """Let `owner`'s claims on those of `ids` lapse now, for another server to take."""
    if ids:
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_(list(ids)), deliveries.c.claimed_by == owner,
                   deliveries.c.handled_at.is_(None))
            .values(claimed_until=None)
        )


async def finish(conn: AsyncConnection, ids: Collection[str], now: datetime) -> None:
    """Mark deliveries handled, so that nothing replays them."""
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.id.in_(list(ids)), deliveries.c.handled_at.is_(None))
        .values(handled_at=now)
    )


async def forget_payloads(conn: AsyncConnection, before: datetime) -> int:
    """Drop the payloads of deliveries handled before `before`; their ids stay, so a late
    redelivery is still known as a duplicate. How many payloads went."""
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.handled_at < before, deliveries.c.payload.is_not(None))
        .values(payload=null())  # SQL NULL: None would store the JSON value null
    )
    return int(result.rowcount or 0)
