"""The one place a run's status is written: checked against the state machine, then stamped.

Every status change (set_status, claim, sweep) goes through `change_status`, which refuses
what `pipeline.status.can_transition` forbids and writes the timestamp of the new state:
queued_at on queued, started_at on running, finished_at on a terminal status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pipeline.errors import InvalidTransition
from pipeline.status import TERMINAL, RunStatus, can_transition
from pipeline.store.tables import runs


def stamps(
    run_id: str, current: RunStatus, target: RunStatus, now: datetime, error: str | None
) -> dict[str, Any]:
    """The column values of `current -> target`, or InvalidTransition."""
    if not can_transition(current, target):
        raise InvalidTransition(f"run {run_id} cannot go from {current} to {target}")
    values: dict[str, Any] = {"status": target.value, "error": error, "updated_at": now}
    if target is RunStatus.QUEUED:
        values["queued_at"] = now
        values["finished_at"] = None
    elif target is RunStatus.RUNNING:
        values["started_at"] = now
    elif target in TERMINAL:
        values["finished_at"] = now
    return values


async def change_status(
    conn: AsyncConnection,
    run_id: str,
    current: RunStatus,
    target: RunStatus,
    now: datetime,
    *,
    error: str | None = None,
    also: dict[str, Any] | None = None,
    only_if: tuple[ColumnElement[bool], ...] = (),
) -> Row[Any] | None:
    """Move a run from `current` (as last read) to `target` and return the new row.

    The update is conditional on the status still being `current` (and on `only_if`), so a
    concurrent change makes it return None instead of writing over it; callers decide
    whether to read again or move on. `also` adds columns to the same write (a lease).
    """
    values = stamps(run_id, current, target, now, error) | (also or {})
    statement = (
        update(runs)
        .where(runs.c.id == run_id, runs.c.status == current.value, *only_if)
        .values(**values)
        .returning(*runs.c)
    )
    return (await conn.execute(statement)).first()
