"""Schema migrations of the run store: upgrade to head, or check that a database is at head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from pipeline.errors import ConfigError
from pipeline.store import names

UPGRADE_HINT = "run `factory db upgrade` with the same FACTORY_DATABASE_URL"


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the scripts packaged next to this module."""
    config = Config()
    config.set_main_option(
        "script_location", str(Path(__file__).with_name(names.MIGRATIONS_PACKAGE_DIR))
    )
    return config


def head() -> str:
    """The newest revision the packaged scripts define."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:
        raise ConfigError("the packaged migrations define no revision")
    return revision


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the database's schema to head (creating it on an empty database)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def ensure_current(engine: AsyncEngine) -> None:
    """Raise ConfigError unless the database's schema is at head."""
    at, wanted = await current(engine), head()
    if at != wanted:
        where = "has no schema" if at is None else f"is at schema {at}"
        raise ConfigError(f"the database {where}, this factory needs {wanted}: {UPGRADE_HINT}")
