"""The database as the queue: claiming runs with leases, renewing, releasing and sweeping them.

One code path serves both databases. The candidate is chosen with `FOR UPDATE SKIP LOCKED`
(PostgreSQL renders it; SQLite has no row locks and ignores it) and then taken with a
conditional update that only succeeds while the run is still queued: on SQLite every write
transaction starts with BEGIN IMMEDIATE, so the row-count check is what makes a claim atomic.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pipeline.status import RunStatus
from pipeline.store.base import RunRecord
from pipeline.store.rows import run_record
from pipeline.store.tables import runs
from pipeline.store.transition import change_status

CLAIM_TRIES = 5
"""Candidates tried per claim before giving up for this round (each lost one was taken)."""


def _running_in_same_installation() -> ScalarSelect[int]:
    """How many runs of the candidate's installation are running (fewest goes first)."""
    running = runs.alias("running")
    busy = (
        select(func.count())
        .select_from(running)
        .where(
            running.c.status == RunStatus.RUNNING.value,
            running.c.installation == runs.c.installation,
        )
        .scalar_subquery()
    )
    return busy


async def claim(
    conn: AsyncConnection, owner: str, lease_seconds: float, now: datetime
) -> RunRecord | None:
    """Take the fairest queued run for `owner` and set it running; None when none is free."""
    candidate = (
        select(runs.c.id)
        .where(runs.c.status == RunStatus.QUEUED.value)
        .order_by(_running_in_same_installation(), runs.c.number)
        .limit(1)
        .with_for_update(skip_locked=True, of=runs)
    )
    for _ in range(CLAIM_TRIES):
        run_id = (await conn.execute(candidate)).scalar_one_or_none()
        if run_id is None:
            return None
        row = await change_status(
            conn, run_id, RunStatus.QUEUED, RunStatus.RUNNING, now,
            also={
                "lease_owner": owner,
                "lease_expires_at": now + timedelta(seconds=lease_seconds),
                "attempts": runs.c.attempts + 1,
            },
        )
        if row is not None:
            return run_record(row)
    return None


async def heartbeat(
    conn: AsyncConnection, run_id: str, owner: str, lease_seconds: float, now: datetime
) -> bool:
    """Extend `owner`'s lease on the run; False when it no longer holds it."""
    statement = (
        update(runs)
        .where(runs.c.id == run_id, runs.c.lease_owner == owner)
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now)
        .returning(runs.c.id)
    )
    return (await conn.execute(statement)).first() is not None


async def release(conn: AsyncConnection, run_id: str, owner: str, now: datetime) -> None:
    """Drop `owner`'s lease, leaving the status alone."""
    await conn.execute(
        update(runs)
        .where(runs.c.id == run_id, runs.c.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None, updated_at=now)
    )


async def sweep(conn: AsyncConnection, now: datetime, max_claims: int) -> list[str]:
    """Requeue running runs whose lease lapsed; a run claimed `max_claims` times errors out.

    Runs running without any lease (a local `factory run` holds none) are left alone.
    """
    lapsed = (
        runs.c.status == RunStatus.RUNNING.value,
        runs.c.lease_expires_at.is_not(None),
        runs.c.lease_expires_at < now,
    )
    rows = (
        await conn.execute(
            select(runs.c.id, runs.c.attempts, runs.c.lease_owner)
            .where(*lapsed)
            .order_by(runs.c.number)
            .with_for_update(skip_locked=True)
        )
    ).all()
    swept = []
    for run_id, attempts, owner in rows:
        if attempts >= max_claims:
            target = RunStatus.ERROR
            error = f"run lost its worker {attempts} times; giving up (resume it to try again)"
        else:
            target = RunStatus.QUEUED
            error = f"lease of {owner} lapsed; requeued"
        row = await change_status(
            conn, run_id, RunStatus.RUNNING, target, now, error=error,
            also={"lease_owner": None, "lease_expires_at": None}, only_if=lapsed,
        )
        if row is not None:
            swept.append(run_id)
    return swept
