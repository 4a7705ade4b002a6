"""The webhook deliveries' group-commit batches on SQLite: one thread hop a batch.

A batch through SQLAlchemy's async engine on aiosqlite costs a dozen hops between the event
loop and the driver's thread (pool checkout, BEGIN, cursor, execute, fetch, close, commit,
reset), ~0.8 ms of CPU for a batch of one and ~90 µs a row for a batch of 100, all of it on
the loop that answers the webhooks. Here a batch is one call into a thread of its own that
owns a plain `sqlite3` connection to the same file: BEGIN IMMEDIATE, the inserts, the
take-overs and the "handled" marks, COMMIT (~20 µs a row; SQLite runs without the GIL).
The rows are what `pipeline.store.deliveries` writes elsewhere, encoded by the columns' own
SQLAlchemy types, so both paths store the same bytes.

This connection never checkpoints the write-ahead log itself: SQLite's automatic checkpoint
runs inside the COMMIT that crosses 1,000 pages (every third burst of 100 12 KB payloads
here) and held that batch's answers up 20-40 ms. A PASSIVE checkpoint runs instead in a
thread and connection of its own once the writes pause, which neither blocks nor waits for
the writer (https://www.sqlite.org/wal.html#checkpointing).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Dialect

from pipeline.store.tables import deliveries

RECORDED = ("id", "event", "received_at", "payload", "claimed_by", "claimed_until")
"""The columns of a delivery row as `pipeline.store.deliveries.row` makes it."""
_TABLE = deliveries.name
INSERT = (f"INSERT INTO {_TABLE} ({', '.join(RECORDED)}) VALUES ({', '.join('?' * len(RECORDED))})"
          " ON CONFLICT (id) DO NOTHING RETURNING id")
RETAKE = (f"UPDATE {_TABLE} SET event = ?, payload = ?, claimed_by = ?, claimed_until = ?"
          " WHERE id = ? AND handled_at IS NULL AND payload IS NOT NULL"
          " AND (claimed_until IS NULL OR claimed_until < ?)")
"""A delivery seen before is taken over only when unhandled and nobody's claim is live, as in
`pipeline.store.deliveries.record`."""
FINISH = f"UPDATE {_TABLE} SET handled_at = ? WHERE id = ? AND handled_at IS NULL"

CHECKPOINT_PAUSE_S = 0.1
"""The pause in delivery writes after which the write-ahead log is checkpointed."""
CHECKPOINT_MAX_WAIT_S = 2.0
"""How long writes that never pause put the checkpoint off."""

Encode = Callable[[Any], Any]
LOG = logging.getLogger(__name__)


def _encoder(dialect: Dialect, column: str) -> Encode:
    processor = deliveries.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return processor or (lambda value: value)


def _checked(done: asyncio.Future[None]) -> None:
    if not done.cancelled() and (exc := done.exception()) is not None:
        # The next one may succeed; meanwhile the log grows, and nothing is lost.
        LOG.warning("checkpointing the write-ahead log failed", exc_info=exc)


class SqliteDeliveryWriter:
    """Writes delivery batches to the SQLite file at `path` from a thread of its own."""

    def __init__(self, path: str, dialect: Dialect, busy_timeout_s: float) -> None:
        self._path = path
        self._busy_timeout_s = busy_timeout_s
        self._encode = {name: _encoder(dialect, name) for name in RECORDED}
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="delivery-writer")
        self._conn: sqlite3.Connection | None = None
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="wal-checkpoint")
        self._checkpoint_conn: sqlite3.Connection | None = None
        self._checkpoint_at: asyncio.TimerHandle | None = None
        self._unchecked_since: float | None = None
        """When the first write since the last checkpoint committed (loop time)."""
        self._closed = False

    async def write(self, rows: dict[str, dict[str, Any]], handled: list[str],
                    now: datetime) -> set[str]:
        """Insert the rows (id -> row), take over seen ones whose claim lapsed, mark `handled`
        handled, in one transaction; the ids inserted or taken over."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._thread, self._write, rows, handled, now)
        finally:
            self._checkpoint_later(loop)

    async def close(self) -> None:
        """Close the connections, each in its thread, and stop the threads (once)."""
        if self._closed:
            return
        self._closed = True
        if self._checkpoint_at is not None:
            self._checkpoint_at.cancel()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._close)
        await loop.run_in_executor(self._checkpointer, self._close_checkpointer)
        self._thread.shutdown()
        self._checkpointer.shutdown()

    def _checkpoint_later(self, loop: asyncio.AbstractEventLoop) -> None:
        """Checkpoint once the writes pause, or at the latest CHECKPOINT_MAX_WAIT_S on."""
        now = loop.time()
        if self._unchecked_since is None:
            self._unchecked_since = now
        if self._checkpoint_at is not None:
            self._checkpoint_at.cancel()
        at = min(now + CHECKPOINT_PAUSE_S, self._unchecked_since + CHECKPOINT_MAX_WAIT_S)
        self._checkpoint_at = loop.call_at(at, self._start_checkpoint, loop)

    def _start_checkpoint(self, loop: asyncio.AbstractEventLoop) -> None:
        self._checkpoint_at = None
        self._unchecked_since = None
        loop.run_in_executor(self._checkpointer, self._checkpoint).add_done_callback(_checked)

    def _connect(self) -> sqlite3.Connection:
        # Transactions are ours (BEGIN IMMEDIATE below), as on the engine's connections.
        conn = sqlite3.connect(self._path, timeout=self._busy_timeout_s, isolation_level=None)
        conn.execute("PRAGMA synchronous=NORMAL")  # the file is in WAL mode already
        conn.execute("PRAGMA wal_autocheckpoint=0")  # see the module's docstring
        return conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _checkpoint(self) -> None:
        if self._checkpoint_conn is None:
            self._checkpoint_conn = self._connect()
        self._checkpoint_conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _close_checkpointer(self) -> None:
        if self._checkpoint_conn is not None:
            self._checkpoint_conn.close()
            self._checkpoint_conn = None

    def _write(self, rows: dict[str, dict[str, Any]], handled: list[str],
               now: datetime) -> set[str]:
        conn = self._connection()
        encode = self._encode
        at = encode["received_at"](now)
        conn.execute("BEGIN IMMEDIATE")
        try:
            new: set[str] = set()
            for key, row in rows.items():
                values = [encode[name](row[name]) for name in RECORDED]
                inserted = conn.execute(INSERT, values).fetchall()
                if inserted or conn.execute(RETAKE, [values[1], *values[3:], key, at]).rowcount:
                    new.add(key)
            conn.executemany(FINISH, [(at, key) for key in handled])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return new
