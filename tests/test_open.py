"""Opening the store: SQLite is created and migrated in place, PostgreSQL must be at head."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from pipeline.errors import ConfigError
from pipeline.store import migrate, open_store
from pipeline.store.errors import StoreUnavailable
from pipeline.store.open import SQLITE_BUSY_TIMEOUT_MS, make_engine
from pipeline.store.sql import SqlRunStore
from tests.databases import scratch_database


async def test_sqlite_file_is_created_migrated_and_tuned(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "factory.db"
    store = await open_store(f"sqlite+aiosqlite:///{path}")
    try:
        assert path.is_file()
        async with store.engine.connect() as conn:
            pragmas = [
                (await conn.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            ]
        assert pragmas == ["wal", SQLITE_BUSY_TIMEOUT_MS, 1]
        assert await migrate.current(store.engine) == migrate.head()
        run = await store.create_run("idea", "offline", {}, {"kind": "local"})
    finally:
        await store.close()
    reopened = await open_store(f"sqlite+aiosqlite:///{path}")
    try:
        assert (await reopened.get_run(run.id)).idea == "idea"
    finally:
        await reopened.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("mysql+aiomysql://u@h/db", r"use one of: sqlite\+aiosqlite, postgresql\+asyncpg"),
        ("sqlite:///x.db", "uses 'sqlite'"),
    ],
)
async def test_unusable_urls_fail_with_one_line(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        await open_store(url)
    assert "\n" not in str(caught.value)


async def test_postgres_without_schema_asks_for_an_upgrade() -> None:
    with scratch_database("test_open", migrated=False) as url:
        with pytest.raises(ConfigError, match=r"has no schema.*factory db upgrade"):
            await open_store(url)
        engine = make_engine(url)
        try:
            await migrate.upgrade(engine)
            await migrate.upgrade(engine)  # a second upgrade is a no-op
            assert await migrate.current(engine) == migrate.head()
        finally:
            await engine.dispose()
        store = await open_store(url)
        await store.close()


async def test_postgres_at_an_unknown_revision_asks_for_an_upgrade() -> None:
    with scratch_database("test_open") as url:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
        finally:
            await engine.dispose()
        with pytest.raises(ConfigError, match="is at schema old"):
            await open_store(url)


async def test_postgres_disconnects_are_named_and_the_pool_recovers() -> None:
    with scratch_database("test_open") as url:
        store = await open_store(url)
        try:
            pid: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            sleeper = asyncio.create_task(_sleep_on_the_server(store, pid))
            async with store.engine.connect() as conn:
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": await pid})
            with pytest.raises(StoreUnavailable, match="lost the database connection"):
                await sleeper
            run = await store.create_run("after the drop", "offline", {}, {"kind": "local"})
            assert (await store.get_run(run.id)).idea == "after the drop"
        finally:
            await store.close()


async def _sleep_on_the_server(store: SqlRunStore, pid: asyncio.Future[int]) -> None:
    async with store.engine.connect() as conn:
        pid.set_result((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())
        await conn.execute(text("SELECT pg_sleep(5)"))
