"""A run's metered engine calls: a paid answer is kept and billed even when Ctrl-C lands."""

from __future__ import annotations

import asyncio

import pytest

from pipeline.answers import CriticReport
from pipeline.asks import CriticAsk
from pipeline.config import FactoryConfig
from pipeline.context import RunContext
from pipeline.engines.base import Usage
from pipeline.engines.offline import OfflineEngine
from pipeline.events import Event
from pipeline.status import FileStatus, Stage
from pipeline.store import names
from pipeline.store.base import AttemptRecord
from pipeline.store.sql import SqlRunStore
from tests import test_store
from tests.support.dying import Died, dies_inserting

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
                           *, draft: str | None = None,
                           attempt: AttemptRecord | None = None) -> None:
        self.writing.set()
        await self.unblock.wait()
        await super().record_usage(run_id, stage, path, usage, draft=draft, attempt=attempt)


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
    task = asyncio.create_task(ctx.ask_for_attempt(PATH, CriticAsk(idea=IDEA), CriticReport,
                                                   draft=lambda report: report.summary))
    await slow.writing.wait()
    task.cancel()
    await asyncio.sleep(0)
    slow.unblock.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [row.stage for row in await store.ledger(run_id)] == ["codegen"]
    (saved,) = await store.files(run_id)
    assert saved.content and saved.status is FileStatus.RUNNING


async def test_the_draft_and_its_ledger_row_are_one_transaction(store: SqlRunStore) -> None:
    """A failure after the draft is written but before the bill rolls back both: a resumed
    run then pays for the file once, and the ledger says so."""
    run_id, ctx = await _planned(store)
    with dies_inserting(store, names.LEDGER), pytest.raises(Died):
        await ctx.ask_for_attempt(PATH, CriticAsk(idea=IDEA), CriticReport,
                                  draft=lambda report: report.summary)
    (saved,) = await store.files(run_id)
    assert (saved.content, saved.status) == (None, FileStatus.PENDING)
    assert await store.ledger(run_id) == []


async def test_an_unkept_answer_is_billed_with_the_attempt_in_one_transaction(
    store: SqlRunStore,
) -> None:
    """An answer no draft keeps (a review) is not billed when it arrives but with its attempt:
    a failure on the bill rolls the attempt back too, and a retried record writes both."""
    run_id, ctx = await _planned(store)
    report, usage = await ctx.ask_for_attempt(PATH, CriticAsk(idea=IDEA), CriticReport)
    assert usage is not None and await store.ledger(run_id) == []
    attempt = AttemptRecord(PATH, 1, "body", True, report.summary, [])
    with dies_inserting(store, names.LEDGER), pytest.raises(Died):
        await ctx.record_attempt(attempt, usage)
    assert (await store.attempts(run_id), await store.ledger(run_id)) == ([], [])
    await ctx.record_attempt(attempt, usage)
    assert await store.attempts(run_id) == [attempt]
    assert [(r.stage, r.path, r.usage) for r in await store.ledger(run_id)] == [
        (Stage.CODEGEN.value, PATH, usage)]
    assert (ctx.calls, ctx.spent.input_tokens) == (1, usage.input_tokens)
