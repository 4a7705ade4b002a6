"""A worker that dies in the middle of a store write: one INSERT fails, its transaction rolls
back, and the exception rises to the run as a crash would end it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from pipeline.store.sql import SqlRunStore


class Died(RuntimeError):
    """The worker died here."""


@contextmanager
def dies_inserting(store: SqlRunStore, table: str, mentioning: str = "") -> Iterator[None]:
    """While open, an INSERT into `table` whose values mention `mentioning` raises Died."""
    prefix = f"INSERT INTO {table.upper()}"

    def fail(conn: object, cursor: object, statement: str, parameters: object,
             *args: object) -> None:
        if statement.lstrip().upper().startswith(prefix) and mentioning in str(parameters):
            raise Died(f"the worker died inserting into {table}")

    event.listen(store.engine.sync_engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", fail)
