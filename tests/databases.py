"""The databases tests run on: scratch PostgreSQL ones (one per test module, dropped
afterwards), and run-store fixtures on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from pipeline.store import migrate
from pipeline.store.open import make_engine, open_store
from pipeline.store.sql import SqlRunStore
from pipeline.store.tables import metadata

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_ADMIN_DATABASE = "test"
PG_USER = "postgres"


def pg_url(database: str, port: int | None = None) -> str:
    """The SQLAlchemy URL of a database on the test server (or the one on `port`)."""
    return f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{port or PG_PORT}/{database}"


async def _admin(sql: str, port: int | None = None, database: str | None = None) -> None:
    conn = await asyncpg.connect(
        host=PG_HOST, port=port or PG_PORT, user=PG_USER,
        database=database or PG_ADMIN_DATABASE, timeout=5,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


def _run(coro: Coroutine[Any, Any, None]) -> None:
    # A thread of its own, so that fixtures set up inside a running event loop can call it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


@contextmanager
def scratch_database(prefix: str, *, migrated: bool = True, port: int | None = None,
                     admin_database: str | None = None) -> Iterator[str]:
    """Create a fresh database (at head when `migrated`), yield its URL, drop it after.

    Skips the calling test, saying why, when the server does not answer or refuses us (no
    `test` database, unknown role, no right to create databases); a failing migration fails.
    """
    name = f"{prefix}_{secrets.token_hex(4)}"
    url = pg_url(name, port)
    try:
        _run(_admin(f'CREATE DATABASE "{name}"', port, admin_database))
    except (OSError, TimeoutError) as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}:{port or PG_PORT}: {exc}")
    except asyncpg.PostgresError as exc:
        pytest.skip(f"PostgreSQL at {PG_HOST}:{port or PG_PORT} refused user {PG_USER} on "
                    f"database {admin_database or PG_ADMIN_DATABASE}: "
                    f"{type(exc).__name__}: {exc}")
    if migrated:
        _run(_migrate(url))
    try:
        yield url
    finally:
        _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', port, admin_database))


async def empty(store: SqlRunStore) -> None:
    """Delete every row of every table, so each test starts from nothing."""
    names = ", ".join(table.name for table in metadata.sorted_tables)
    async with store.engine.begin() as conn:
        await conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def module_database(prefix: str) -> Callable[[], Iterator[str]]:
    """A module-scoped `pg_url` fixture: a scratch database at head for one test module."""

    @pytest.fixture(scope="module")
    def pg_url() -> Iterator[str]:
        with scratch_database(prefix) as url:
            yield url

    return pg_url


def sqlite_store(sqlite_file: str) -> Callable[..., AsyncIterator[SqlRunStore]]:
    """A `store` fixture: a run store on a new SQLite file, `sqlite_file` under tmp_path."""

    @pytest.fixture
    async def store(tmp_path: Path) -> AsyncIterator[SqlRunStore]:
        opened = await open_store(f"sqlite+aiosqlite:///{tmp_path / sqlite_file}")
        yield opened
        await opened.close()

    return store


def both_stores(sqlite_file: str) -> Callable[..., AsyncIterator[SqlRunStore]]:
    """A `store` fixture that runs each test twice: on a new SQLite file (`sqlite_file` under
    the test's tmp_path), then on the module's PostgreSQL database (`pg_url`), emptied."""

    @pytest.fixture(params=["sqlite", "postgresql"])
    async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlRunStore]:
        if request.param == "sqlite":
            opened = await open_store(f"sqlite+aiosqlite:///{tmp_path / sqlite_file}")
        else:
            opened = await open_store(request.getfixturevalue("pg_url"))
            await empty(opened)
        yield opened
        await opened.close()

    return store
