"""The run store on SQLAlchemy's async engine, for SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from pipeline.engines.base import Usage
from pipeline.errors import InvalidTransition, RunNotFound
from pipeline.status import FILE_TERMINAL, FileStatus, RunStatus
from pipeline.store import deliveries, names, queue
from pipeline.store import outbox as box
from pipeline.store import tables as db
from pipeline.store.base import (
    AttemptRecord,
    Delivery,
    FileRecord,
    LedgerRow,
    Outgoing,
    RunRecord,
    RunStore,
)
from pipeline.store.coltypes import utcnow
from pipeline.store.errors import DuplicateRun, FileNotPlanned
from pipeline.store.group_commit import GroupCommit
from pipeline.store.rows import attempt_record, file_record, ledger_row, run_record, usage_columns
from pipeline.store.shield import finish_public_calls
from pipeline.store.sqlite_deliveries import SqliteDeliveryWriter
from pipeline.store.transition import change_status
from pipeline.store.upsert import insert_missing, upsert

MAX_CLAIMS = 10
"""A run whose lease lapses after this many claims is crashing its workers: it errors out."""

RECORD, HANDLED = "record", "handled"
"""The two kinds of delivery write that share a group-commit batch."""

READ_ONLY = "factory_read_only"
"""The execution option of the store's reading connections: on SQLite their transactions
begin DEFERRED, a snapshot, where writes BEGIN IMMEDIATE and take the one write lock at once
(`pipeline.store.open`). Were reads to take it too, a read stalled on a busy event loop
would hold up every writer, the webhook's deliveries among them."""

STATUS_TRIES = 3
"""Reads of a run's status per set_status before a concurrent writer is reported."""


def new_run_id() -> str:
    """A short, URL-safe, random run id such as `r-k3v9q0x2ma`."""
    chars = (secrets.choice(names.RUN_ID_ALPHABET) for _ in range(names.RUN_ID_LENGTH))
    return names.RUN_ID_PREFIX + "".join(chars)


def installation_key(origin: dict[str, Any]) -> str:
    """The fairness key of a run: its installation id, or one key for every local run."""
    installation = origin.get(names.INSTALLATION_KEY)
    return names.LOCAL_INSTALLATION if installation is None else str(installation)


def _contains(whole: dict[str, Any], part: dict[str, Any]) -> bool:
    return all(key in whole and whole[key] == value for key, value in part.items())


async def _insert_attempt(
    conn: AsyncConnection, run_id: str, attempt: AttemptRecord, now: datetime
) -> None:
    """Add `attempt` to the run's attempts and count it on its file."""
    values = {
        "run_id": run_id, "path": attempt.path, "number": attempt.number,
        "content": attempt.content, "approved": attempt.approved,
        "feedback": attempt.feedback, "findings": attempt.findings, "note": attempt.note,
        "at": now,
    }
    await conn.execute(db.attempts.insert().values(**values))
    await conn.execute(
        update(db.files)
        .where(db.files.c.run_id == run_id, db.files.c.path == attempt.path)
        .values(attempts=db.files.c.attempts + 1)
    )


@finish_public_calls
class SqlRunStore(RunStore):
    """RunStore on an async SQLAlchemy engine; open one with `pipeline.store.open_store`."""

    def __init__(self, engine: AsyncEngine, *, max_claims: int = MAX_CLAIMS,
                 delivery_writer: SqliteDeliveryWriter | None = None) -> None:
        self.engine = engine
        self._reads = engine.execution_options(**{READ_ONLY: True})
        self._max_claims = max_claims
        self._delivery_writer = delivery_writer
        """Writes the delivery batches on a SQLite file, bypassing the engine (faster)."""
        # Recording and finishing deliveries share batches: a burst of webhooks and the
        # handlers that finish meanwhile cost one transaction per batch, not one each.
        self._deliveries: GroupCommit[tuple[str, str], dict[str, Any] | None] = GroupCommit(
            self._write_deliveries
        )

    @asynccontextmanager
    async def _write(self, run_id: str | None = None) -> AsyncIterator[AsyncConnection]:
        """A transaction; with `run_id`, a write that breaks a foreign key means no such run."""
        try:
            async with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            if run_id is None:
                raise
            raise RunNotFound(f"no run {run_id}") from None

    async def _run_row(self, conn: AsyncConnection, run_id: str) -> Row[Any]:
        row = (await conn.execute(select(db.runs).where(db.runs.c.id == run_id))).first()
        if row is None:
            raise RunNotFound(f"no run {run_id}")
        return row

    # -- runs ---------------------------------------------------------------------------------
    async def create_run(
        self,
        idea: str,
        engine: str,
        config: dict[str, Any],
        origin: dict[str, Any],
        *,
        run_id: str | None = None,
        running: bool = False,
    ) -> RunRecord:
        now = utcnow()
        run_id = run_id or new_run_id()
        status = RunStatus.RUNNING if running else RunStatus.QUEUED
        values = {
            "id": run_id, "idea": idea, "status": status.value, "engine": engine,
            "config": config, "origin": origin, "request": {},
            "installation": installation_key(origin), "attempts": 0, "event_seq": 0,
            "created_at": now, "queued_at": now, "updated_at": now,
            "started_at": now if running else None,
        }
        try:
            async with self.engine.begin() as conn:
                insert = db.runs.insert().values(**values).returning(*db.runs.c)
                row = (await conn.execute(insert)).one()
        except IntegrityError:
            raise DuplicateRun(f"run id {run_id} is already taken") from None
        return run_record(row)

    async def get_run(self, run_id: str) -> RunRecord:
        async with self._reads.connect() as conn:
            return run_record(await self._run_row(conn, run_id))

    async def set_status(
        self, run_id: str, status: RunStatus, *, error: str | None = None,
        send: Outgoing | None = None,
    ) -> RunRecord:
        async with self.engine.begin() as conn:
            for _ in range(STATUS_TRIES):
                current = RunStatus((await self._run_row(conn, run_id)).status)
                row = await change_status(conn, run_id, current, status, utcnow(), error=error)
                if row is not None:
                    if send is not None:
                        await box.put(conn, run_id, send, utcnow())
                    return run_record(row)
        raise InvalidTransition(f"run {run_id} kept changing status; {status} was not written")

    async def update_run(
        self,
        run_id: str,
        *,
        config: dict[str, Any] | None = None,
        request: dict[str, Any] | None = None,
        origin: dict[str, Any] | None = None,
    ) -> RunRecord:
        values: dict[str, Any] = {"updated_at": utcnow()}
        if config is not None:
            values["config"] = config
        if request is not None:
            values["request"] = request
        if origin is not None:
            values["origin"] = origin
            values["installation"] = installation_key(origin)
        statement = (
            update(db.runs).where(db.runs.c.id == run_id).values(**values).returning(*db.runs.c)
        )
        async with self.engine.begin() as conn:
            row = (await conn.execute(statement)).first()
        if row is None:
            raise RunNotFound(f"no run {run_id}")
        return run_record(row)

    async def earlier_ideas(self, run_id: str) -> list[tuple[str, str, RunStatus]]:
        async with self._reads.connect() as conn:
            number = (await self._run_row(conn, run_id)).number
            rows = await conn.execute(
                select(db.runs.c.id, db.runs.c.idea, db.runs.c.status)
                .where(db.runs.c.number < number)
                .order_by(db.runs.c.number)
            )
            return [(row.id, row.idea, RunStatus(row.status)) for row in rows]

    async def find_runs(
        self, origin: dict[str, Any], statuses: frozenset[RunStatus] | None = None
    ) -> list[RunRecord]:
        # SQL narrows the rows (status, installation, JSONB containment on PostgreSQL);
        # the exact match is done here so both databases answer the same.
        statement = select(db.runs).order_by(db.runs.c.number.desc())
        if statuses is not None:
            statement = statement.where(db.runs.c.status.in_([s.value for s in statuses]))
        if names.INSTALLATION_KEY in origin:
            statement = statement.where(db.runs.c.installation == installation_key(origin))
        async with self._reads.connect() as conn:
            if conn.dialect.name == "postgresql":
                statement = statement.where(type_coerce(db.runs.c.origin, JSONB).contains(origin))
            rows = (await conn.execute(statement)).all()
        return [run_record(row) for row in rows if _contains(row.origin, origin)]

    async def count_runs(self) -> dict[RunStatus, int]:
        statement = select(db.runs.c.status, func.count()).group_by(db.runs.c.status)
        async with self._reads.connect() as conn:
            return {RunStatus(status): n for status, n in await conn.execute(statement)}

    # -- checkpoints and reports --------------------------------------------------------------
    async def save_checkpoint(
        self, run_id: str, stage: str, data: dict[str, Any], *, report: str | None = None,
        send: Outgoing | None = None,
    ) -> None:
        now = utcnow()
        async with self._write(run_id) as conn:
            values = {"run_id": run_id, "stage": stage, "data": data, "saved_at": now}
            await upsert(conn, db.checkpoints, values, ("run_id", "stage"))
            if report is not None:
                values = {"run_id": run_id, "kind": stage, "markdown": report, "saved_at": now}
                await upsert(conn, db.reports, values, ("run_id", "kind"))
            if send is not None:
                await box.put(conn, run_id, send, now)

    async def load_checkpoint(self, run_id: str, stage: str) -> dict[str, Any] | None:
        statement = select(db.checkpoints.c.data).where(
            db.checkpoints.c.run_id == run_id, db.checkpoints.c.stage == stage
        )
        async with self._reads.connect() as conn:
            data: dict[str, Any] | None = (await conn.execute(statement)).scalar_one_or_none()
            return data

    async def clear_checkpoint(self, run_id: str, stage: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                db.checkpoints.delete().where(
                    db.checkpoints.c.run_id == run_id, db.checkpoints.c.stage == stage
                )
            )

    async def save_report(self, run_id: str, kind: str, markdown: str) -> None:
        async with self._write(run_id) as conn:
            values = {"run_id": run_id, "kind": kind, "markdown": markdown, "saved_at": utcnow()}
            await upsert(conn, db.reports, values, ("run_id", "kind"))

    async def load_report(self, run_id: str, kind: str) -> str | None:
        statement = select(db.reports.c.markdown).where(
            db.reports.c.run_id == run_id, db.reports.c.kind == kind
        )
        async with self._reads.connect() as conn:
            markdown: str | None = (await conn.execute(statement)).scalar_one_or_none()
            return markdown

    # -- files and attempts -------------------------------------------------------------------
    async def save_files(self, run_id: str, files: list[tuple[str, int, dict[str, Any]]]) -> None:
        now = utcnow()
        rows = [
            {
                "run_id": run_id, "path": path, "level": level, "status": FileStatus.PENDING.value,
                "content": None, "attempts": 0, "spec": spec, "created_at": now, "updated_at": now,
            }
            for path, level, spec in files
        ]
        async with self._write(run_id) as conn:
            await insert_missing(conn, db.files, rows, ("run_id", "path"))

    async def files(self, run_id: str) -> list[FileRecord]:
        statement = (
            select(db.files)
            .where(db.files.c.run_id == run_id)
            .order_by(db.files.c.level, db.files.c.path)
        )
        async with self._reads.connect() as conn:
            return [file_record(row) for row in await conn.execute(statement)]

    async def set_file(
        self, run_id: str, path: str, status: FileStatus, *, content: str | None = None
    ) -> None:
        now = utcnow()
        values: dict[str, Any] = {"status": status.value, "updated_at": now}
        if content is not None:
            values["content"] = content
        if status is FileStatus.RUNNING:
            values["started_at"] = now
        values["finished_at"] = now if status in FILE_TERMINAL else None
        statement = (
            update(db.files)
            .where(db.files.c.run_id == run_id, db.files.c.path == path)
            .values(**values)
            .returning(db.files.c.path)
        )
        async with self.engine.begin() as conn:
            if (await conn.execute(statement)).first() is None:
                raise FileNotPlanned(f"run {run_id} has no planned file {path}")

    async def add_attempt(self, run_id: str, attempt: AttemptRecord) -> None:
        async with self._write(run_id) as conn:
            await _insert_attempt(conn, run_id, attempt, utcnow())

    async def attempts(self, run_id: str, path: str | None = None) -> list[AttemptRecord]:
        statement = (
            select(db.attempts).where(db.attempts.c.run_id == run_id).order_by(db.attempts.c.id)
        )
        if path is not None:
            statement = statement.where(db.attempts.c.path == path)
        async with self._reads.connect() as conn:
            return [attempt_record(row) for row in await conn.execute(statement)]

    # -- ledger -------------------------------------------------------------------------------
    async def record_usage(self, run_id: str, stage: str, path: str | None, usage: Usage,
                           *, draft: str | None = None,
                           attempt: AttemptRecord | None = None) -> None:
        now = utcnow()
        values = {"run_id": run_id, "stage": stage, "path": path, "at": now}
        async with self._write(run_id) as conn:
            if draft is not None:
                saved = await conn.execute(
                    update(db.files)
                    .where(db.files.c.run_id == run_id, db.files.c.path == path)
                    .values(status=FileStatus.RUNNING.value, content=draft, updated_at=now,
                            finished_at=None)
                    .returning(db.files.c.path)
                )
                if saved.first() is None:
                    raise FileNotPlanned(f"run {run_id} has no planned file {path}")
            if attempt is not None:
                await _insert_attempt(conn, run_id, attempt, now)
            await conn.execute(db.ledger.insert().values(**values, **usage_columns(usage)))

    async def ledger(self, run_id: str) -> list[LedgerRow]:
        statement = select(db.ledger).where(db.ledger.c.run_id == run_id).order_by(db.ledger.c.id)
        async with self._reads.connect() as conn:
            return [ledger_row(row) for row in await conn.execute(statement)]

    # -- events -------------------------------------------------------------------------------
    async def append_event(self, run_id: str, kind: str, payload: dict[str, Any]) -> int:
        # Bumping the run's counter locks its row until commit, so seqs are dense and
        # commit in order: a reader polling `after=seq` never skips a late commit.
        bump = (
            update(db.runs)
            .where(db.runs.c.id == run_id)
            .values(event_seq=db.runs.c.event_seq + 1)
            .returning(db.runs.c.event_seq)
        )
        async with self.engine.begin() as conn:
            seq: int | None = (await conn.execute(bump)).scalar_one_or_none()
            if seq is None:
                raise RunNotFound(f"no run {run_id}")
            values = {"run_id": run_id, "seq": seq, "kind": kind, "payload": payload}
            await conn.execute(db.events.insert().values(**values, at=utcnow()))
        return seq

    async def events(self, run_id: str, after: int = 0) -> list[tuple[int, str, dict[str, Any]]]:
        statement = (
            select(db.events.c.seq, db.events.c.kind, db.events.c.payload)
            .where(db.events.c.run_id == run_id, db.events.c.seq > after)
            .order_by(db.events.c.seq)
        )
        async with self._reads.connect() as conn:
            return [(row.seq, row.kind, row.payload) for row in await conn.execute(statement)]

    # -- outbox -------------------------------------------------------------------------------
    async def send(self, run_id: str, item: Outgoing) -> None:
        async with self._write(run_id) as conn:
            await box.put(conn, run_id, item, utcnow())

    async def outgoing(self, run_id: str, *, due: bool = False) -> list[Outgoing]:
        async with self._reads.connect() as conn:
            return await box.pending(conn, run_id, utcnow() if due else None)

    async def delivered(self, run_id: str, item: Outgoing) -> None:
        async with self.engine.begin() as conn:
            await box.delivered(conn, run_id, item.kind, item.token, utcnow())

    async def retry_later(
        self, run_id: str, item: Outgoing, error: str, delay_s: float | None
    ) -> None:
        due = None if delay_s is None else utcnow() + timedelta(seconds=delay_s)
        async with self.engine.begin() as conn:
            await box.retry_later(conn, run_id, item.kind, item.token, error, due)

    async def count_outbox(self) -> dict[str, int]:
        async with self.engine.connect() as conn:
            return await box.count(conn)

    async def claim_outgoing(self, owner: str, lease_seconds: float) -> RunRecord | None:
        async with self.engine.begin() as conn:
            return await box.claim(conn, owner, lease_seconds, utcnow())

    # -- commits ------------------------------------------------------------------------------
    async def mark_committed(self, run_id: str, key: str, sha: str) -> None:
        async with self._write(run_id) as conn:
            values = {"run_id": run_id, "key": key, "sha": sha, "at": utcnow()}
            await upsert(conn, db.commits, values, ("run_id", "key"))

    async def commits(self, run_id: str) -> dict[str, str]:
        statement = (
            select(db.commits.c.key, db.commits.c.sha).where(db.commits.c.run_id == run_id)
            .order_by(db.commits.c.at, db.commits.c.key)
        )
        async with self._reads.connect() as conn:
            return {row.key: row.sha for row in await conn.execute(statement)}

    # -- queue and leases ---------------------------------------------------------------------
    async def claim(self, owner: str, lease_seconds: float) -> RunRecord | None:
        async with self.engine.begin() as conn:
            return await queue.claim(conn, owner, lease_seconds, utcnow())

    async def heartbeat(self, run_id: str, owner: str, lease_seconds: float) -> bool:
        async with self.engine.begin() as conn:
            return await queue.heartbeat(conn, run_id, owner, lease_seconds, utcnow())

    async def release(self, run_id: str, owner: str) -> None:
        async with self.engine.begin() as conn:
            await queue.release(conn, run_id, owner, utcnow())

    async def sweep(self) -> list[str]:
        async with self.engine.begin() as conn:
            return await queue.sweep(conn, utcnow(), self._max_claims)

    # -- webhook deliveries -------------------------------------------------------------------
    async def record_delivery(self, delivery: Delivery, owner: str, lease_seconds: float) -> bool:
        row = deliveries.row(delivery, owner, lease_seconds, utcnow())
        return await self._deliveries.submit((RECORD, delivery.id), row)

    async def _write_deliveries(
        self, batch: dict[tuple[str, str], dict[str, Any] | None]
    ) -> set[tuple[str, str]]:
        rows = {key: row for (kind, key), row in batch.items() if row is not None}
        handled = [key for kind, key in batch if kind == HANDLED]
        if self._delivery_writer is not None:
            new = await self._delivery_writer.write(rows, handled, utcnow())
        else:
            async with self.engine.begin() as conn:
                new = await deliveries.record(conn, rows, utcnow()) if rows else set()
                if handled:
                    await deliveries.finish(conn, handled, utcnow())
        return {(RECORD, key) for key in new} | {(HANDLED, key) for key in handled}

    async def claim_deliveries(
        self, owner: str, lease_seconds: float, limit: int
    ) -> list[Delivery]:
        async with self.engine.begin() as conn:
            return await deliveries.claim(conn, owner, lease_seconds, limit, utcnow())

    async def renew_deliveries(
        self, owner: str, delivery_ids: Collection[str], lease_seconds: float
    ) -> int:
        async with self.engine.begin() as conn:
            return await deliveries.renew(conn, owner, delivery_ids, lease_seconds, utcnow())

    async def release_deliveries(self, owner: str, delivery_ids: Collection[str]) -> None:
        async with self.engine.begin() as conn:
            await deliveries.release(conn, owner, delivery_ids)

    async def forget_payloads(self, before: datetime) -> int:
        async with self.engine.begin() as conn:
            return await deliveries.forget_payloads(conn, before)

    async def finish_deliveries(self, delivery_ids: Collection[str]) -> None:
        await asyncio.gather(*(self._deliveries.submit((HANDLED, key), None)
                               for key in delivery_ids))

    async def record_installation(
        self, installation_id: int, account: str, action: str
    ) -> None:
        now = utcnow()
        values = {
            "id": installation_id, "account": account, "action": action,
            "created_at": now, "updated_at": now,
        }
        async with self.engine.begin() as conn:
            await upsert(conn, db.installations, values, ("id",), keep=("created_at",))

    async def installations(self) -> dict[int, tuple[str, str]]:
        statement = select(db.installations).order_by(db.installations.c.id)
        async with self._reads.connect() as conn:
            return {row.id: (row.account, row.action) for row in await conn.execute(statement)}

    # -- lifecycle ----------------------------------------------------------------------------
    async def close(self) -> None:
        if self._delivery_writer is not None:
            await self._delivery_writer.close()
        await self.engine.dispose()
