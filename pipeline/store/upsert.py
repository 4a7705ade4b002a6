"""Dialect-aware INSERT … ON CONFLICT for SQLite and PostgreSQL (both speak it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: Table) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def upsert(
    conn: AsyncConnection,
    table: Table,
    values: dict[str, Any],
    keys: tuple[str, ...],
    *,
    keep: tuple[str, ...] = (),
) -> None:
    """Insert a row, or replace the columns of the row with the same `keys` except `keep`."""
    changed = {name: value for name, value in values.items() if name not in keys + keep}
    statement = _insert(conn, table).values(**values)
    await conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed))


async def insert_new_many(
    conn: AsyncConnection, table: Table, rows: list[dict[str, Any]], key: str
) -> set[str]:
    """Insert the rows whose `key` is not taken yet; the keys inserted.

    Executed as "many": SQLAlchemy expands one cached statement into multi-row VALUES
    (insertmanyvalues), which costs less than compiling a `.values(rows)` of every batch.
    """
    statement = (
        _insert(conn, table)
        .on_conflict_do_nothing(index_elements=(key,))
        .returning(table.c[key])
    )
    return {str(value) for value in (await conn.execute(statement, rows)).scalars()}


async def insert_missing(
    conn: AsyncConnection, table: Table, rows: list[dict[str, Any]], keys: tuple[str, ...]
) -> None:
    """Insert the rows whose `keys` are not taken yet; existing rows stay as they are."""
    if rows:
        statement = _insert(conn, table).on_conflict_do_nothing(index_elements=keys)
        await conn.execute(statement, rows)
