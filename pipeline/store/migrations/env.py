"""Alembic's entry point for the run store: migrates on the connection it is handed.

`pipeline.store.migrate` runs Alembic inside `AsyncConnection.run_sync` and passes the sync
connection in `config.attributes["connection"]`, so the same scripts serve aiosqlite and
asyncpg. Run from the `alembic` command line instead, it opens FACTORY_DATABASE_URL itself.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from pipeline.config import Settings
from pipeline.store.tables import metadata


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_url(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_migrate)
            await conn.commit()
    finally:
        await engine.dispose()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
    else:
        asyncio.run(_migrate_url(Settings().database()))


_main()
