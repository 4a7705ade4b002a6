"""A run's metered engine calls: a paid answer is kept and billed even when Ctrl-C lands."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event

from pipeline.answers import CriticReport
from pipeline.asks import CriticAsk
from pipeline.config import FactoryConfig
from pipeline.context import RunContext
from pipeline.engines.base import Usage
from pipeline.engines.offline import OfflineEngine
from pipeline.events import Event
from pipeline.status import FileStatus, Stage
from pipeline.store.sql import SqlRunStore
from tests import test_store

IDEA = "A recipe box with shopping lists and meal plans"
PATH = "lib/main.dart"


class NoSink:
    async def emit(self, event: Event) -> None:
        return None


pg_url = test_store.pg_url
store = test_store.store
"""The store fixture of test_store.py, over SQLite and PostgreSQL."""


class SlowLedger(SqlRunStore):
    """A store whose ledger write waits for the test, so a cancel can land in the middle."""

    def __init__(self, store: SqlRunStore) -> None:
        super().__init__(store.engine)
        self.writing, self.unblock = asyncio.Event(), asyncio.Event()

    async def record_usage(self, run_id: str, stage: str, path: str | None, usage: Usage,
                           *, draft: str | None = None) -> None:
        self.writing.set()
        await self.unblock.wait()
        await super().record_usage(run_id, stage, path, usage, draft=draft)


async def _planned(store: SqlRunStore) -> tuple[str, RunContext]:
    run = await store.create_run(IDEA, "offline", {}, {"kind": "local", "out": "/x"})
    await store.save_files(run.id, [(PATH, 1, {})])
    config = FactoryConfig()
    return run.id, RunContext(run_id=run.id, idea=IDEA, store=store,
                              engine=OfflineEngine(config), sink=NoSink(), config=config)


async def test_a_cancel_while_the_answer_is_billed_still_saves_and_bills_it(
    store: SqlRunStore,
) -> None:
    slow = SlowLedger(store)
    run_id, ctx = await _planned(slow)
    task = asyncio.create_task(ctx.ask(Stage.CRITIC, PATH, CriticAsk(idea=IDEA), CriticReport,
                                       draft=lambda report: report.summary))
    await slow.writing.wait()
    task.cancel()
    await asyncio.sleep(0)
    slow.unblock.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [row.stage for row in await store.ledger(run_id)] == ["critic"]
    (saved,) = await store.files(run_id)
    assert saved.content and saved.status is FileStatus.RUNNING


async def test_the_draft_and_its_ledger_row_are_one_transaction(store: SqlRunStore) -> None:
    """A failure after the draft is written but before the bill rolls back both: a resumed
    run then pays for the file once, and the ledger says so."""
    run_id, ctx = await _planned(store)

    def fail_on_ledger(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO LEDGER"):
            raise RuntimeError("the worker died here")

    event.listen(store.engine.sync_engine, "before_cursor_execute", fail_on_ledger)
    try:
        with pytest.raises(RuntimeError):
            await ctx.ask(Stage.CRITIC, PATH, CriticAsk(idea=IDEA), CriticReport,
                          draft=lambda report: report.summary)
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", fail_on_ledger)
    (saved,) = await store.files(run_id)
    assert (saved.content, saved.status) == (None, FileStatus.PENDING)
    assert await store.ledger(run_id) == []
