"""Opening the run store from a database URL, ready to use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from pipeline.errors import ConfigError
from pipeline.store import migrate
from pipeline.store.coltypes import to_json
from pipeline.store.errors import StoreUnavailable
from pipeline.store.sql import READ_ONLY, SqlRunStore
from pipeline.store.sqlite_deliveries import SqliteDeliveryWriter

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another writer before giving up."""

SUPPORTED = ("sqlite+aiosqlite", "postgresql+asyncpg")
REFUSALS = (DBAPIError, OSError, asyncpg.PostgresError)
"""How a database says no at connect time (older SQLAlchemy lets the driver's own rise)."""


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception:  # SQLAlchemy raises ArgumentError, or ValueError for a bad port
        raise ConfigError(f"FACTORY_DATABASE_URL is not a database URL: {url!r}") from None
    if parsed.drivername not in SUPPORTED:
        raise ConfigError(
            f"FACTORY_DATABASE_URL uses {parsed.drivername!r}; use one of: {', '.join(SUPPORTED)}"
        )
    return parsed


def _tune_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot start IMMEDIATE ones;
    # we take over so that every write transaction holds the write lock from its start,
    # which is what makes a claim's read-then-update atomic across processes.
    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        # The store's reads take a snapshot and leave the write lock to the writers.
        read = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


def _name_disconnects(engine: AsyncEngine) -> None:
    # A statement that dies with its connection (server restart, failover, terminated
    # backend) becomes StoreUnavailable, which callers may retry; pre-ping failures are
    # left to the pool, which replaces the connection by itself. A cancelled task also
    # counts as a disconnect to SQLAlchemy; its CancelledError must go on unchanged.
    @event.listens_for(engine.sync_engine, "handle_error")
    def _disconnected(context: ExceptionContext) -> None:
        cancelled = not isinstance(context.original_exception, Exception)
        if context.is_disconnect and not context.is_pre_ping and not cancelled:
            first = str(context.original_exception).strip().splitlines() or ["disconnected"]
            raise StoreUnavailable(f"lost the database connection: {first[0]}")


def make_engine(url: str) -> AsyncEngine:
    """An async engine for a supported URL; a SQLite file's directory is created."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, json_serializer=to_json)
        _tune_sqlite(engine)
    else:
        # pre_ping replaces connections a restarted or failed-over server dropped.
        engine = create_async_engine(parsed, pool_pre_ping=True, json_serializer=to_json)
    _name_disconnects(engine)
    return engine


def unreachable(engine: AsyncEngine, exc: BaseException) -> StoreUnavailable:
    """The error for a database that refuses us: where (no password) and its first line."""
    where = engine.url.render_as_string(hide_password=True)
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = next(iter(str(cause).strip().splitlines()), type(cause).__name__)
    return StoreUnavailable(f"cannot open the run store at {where}: {first}; check "
                            "FACTORY_DATABASE_URL (server, user, password, database)")


async def open_store(url: str) -> SqlRunStore:
    """A store on `url`: SQLite is migrated in place; PostgreSQL must already be at head.

    A server that is down or refuses the credentials or the database is StoreUnavailable.
    """
    engine = make_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            await migrate.upgrade(engine)
        else:
            await migrate.ensure_current(engine)
    except REFUSALS as exc:
        await engine.dispose()
        raise unreachable(engine, exc) from exc
    except BaseException:
        await engine.dispose()
        raise
    return SqlRunStore(engine, delivery_writer=_delivery_writer(engine))


def _delivery_writer(engine: AsyncEngine) -> SqliteDeliveryWriter | None:
    """The fast path for the webhook deliveries' writes, on a SQLite file."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return SqliteDeliveryWriter(database, engine.dialect, SQLITE_BUSY_TIMEOUT_MS / 1000)
