"""The packaged migrations create exactly the schema `pipeline.store.tables` describes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from pipeline.store import migrate
from pipeline.store.open import make_engine
from pipeline.store.tables import metadata
from tests.databases import scratch_database


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'factory.db'}"
    else:
        with scratch_database("test_migrate", migrated=False) as pg:
            yield pg


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_the_tables(url: str) -> None:
    engine = make_engine(url)
    try:
        assert await migrate.current(engine) is None
        await migrate.upgrade(engine)
        assert await migrate.current(engine) == migrate.head() == "0003"
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
            tables = await conn.run_sync(_tables)
        assert tables == {*metadata.tables, "alembic_version"}
    finally:
        await engine.dispose()


def test_migration_scripts_are_next_to_the_package() -> None:
    location = Path(migrate.alembic_config().get_main_option("script_location") or "")
    assert (location / "env.py").is_file()
    scripts = sorted(p.name for p in (location / "versions").glob("*.py"))
    assert scripts == ["0001_initial_schema.py", "0002_durable_deliveries.py",
                       "0003_run_outbox.py"]
