"""The run outbox in SQL: pending effects written with the state change that causes them.

One row per run and event kind (a newer event of the kind replaces the older one, delivered
or not). A row is pending while `delivered_at` is NULL and `due_at` is set; a sink's
confirmation stamps `delivered_at`, a failure moves `due_at` on (or clears it: no more tries).
Terminal runs that still owe something are claimed under the run's lease, like queued runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pipeline.status import TERMINAL
from pipeline.store import names
from pipeline.store.base import SUPERSEDED, Outgoing, RunRecord
from pipeline.store.rows import run_record
from pipeline.store.tables import outbox, runs
from pipeline.store.upsert import upsert

_TERMINAL = [status.value for status in TERMINAL]


async def put(conn: AsyncConnection, run_id: str, item: Outgoing, now: datetime) -> None:
    """Record `item` as pending, due now, replacing the run's earlier row of its kind."""
    values: dict[str, Any] = {
        "run_id": run_id, "kind": item.kind, "token": item.token, "payload": item.payload,
        "created_at": now, "delivered_at": None, "attempts": 0, "due_at": now, "error": None,
    }
    await upsert(conn, outbox, values, ("run_id", "kind"))


async def pending(conn: AsyncConnection, run_id: str, now: datetime | None) -> list[Outgoing]:
    """The run's pending rows, oldest first; with `now`, only those due by then."""
    statement = (
        select(outbox)
        .where(outbox.c.run_id == run_id, outbox.c.delivered_at.is_(None),
               outbox.c.due_at.is_not(None))
        .order_by(outbox.c.created_at, outbox.c.kind)
    )
    if now is not None:
        statement = statement.where(outbox.c.due_at <= now)
    return [Outgoing(kind=row.kind, payload=row.payload, token=row.token, attempts=row.attempts)
            for row in await conn.execute(statement)]


def _this(run_id: str, kind: str, token: str) -> tuple[Any, ...]:
    return (outbox.c.run_id == run_id, outbox.c.kind == kind, outbox.c.token == token,
            outbox.c.delivered_at.is_(None))


async def delivered(
    conn: AsyncConnection, run_id: str, kind: str, token: str, now: datetime
) -> None:
    """Stamp the row delivered, unless a newer event of its kind replaced it meanwhile."""
    await conn.execute(update(outbox).where(*_this(run_id, kind, token))
                       .values(delivered_at=now, error=None))


async def retry_later(
    conn: AsyncConnection, run_id: str, kind: str, token: str, error: str,
    due_at: datetime | None,
) -> None:
    """Count a failed delivery and set when to try again (None: never)."""
    await conn.execute(update(outbox).where(*_this(run_id, kind, token))
                       .values(attempts=outbox.c.attempts + 1, error=error, due_at=due_at))


async def count(conn: AsyncConnection) -> dict[str, int]:
    """Undelivered rows: those to be tried again, and those out of tries (not superseded)."""
    undelivered = outbox.c.delivered_at.is_(None)
    pending = select(func.count()).where(undelivered, outbox.c.due_at.is_not(None))
    given_up = select(func.count()).where(
        undelivered, outbox.c.due_at.is_(None),
        or_(outbox.c.error.is_(None), outbox.c.error != SUPERSEDED))
    return {"pending": (await conn.execute(pending)).scalar_one(),
            "given_up": (await conn.execute(given_up)).scalar_one()}


async def claim(
    conn: AsyncConnection, owner: str, lease_seconds: float, now: datetime
) -> RunRecord | None:
    """Lease the oldest finished run (not a local one) that has a row due; None when none."""
    owes = select(outbox.c.run_id).where(
        outbox.c.delivered_at.is_(None), outbox.c.due_at <= now)
    free = (runs.c.status.in_(_TERMINAL), runs.c.installation != names.LOCAL_INSTALLATION,
            or_(runs.c.lease_owner.is_(None), runs.c.lease_expires_at < now))
    candidate = (
        select(runs.c.id).where(*free, runs.c.id.in_(owes))
        .order_by(runs.c.number).limit(1).with_for_update(skip_locked=True, of=runs)
    )
    run_id = (await conn.execute(candidate)).scalar_one_or_none()
    if run_id is None:
        return None
    taken = (
        update(runs).where(runs.c.id == run_id, *free)
        .values(lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_seconds),
                updated_at=now)
        .returning(*runs.c)
    )
    row = (await conn.execute(taken)).first()
    return None if row is None else run_record(row)
