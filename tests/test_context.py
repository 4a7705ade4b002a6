"""A run's metered engine calls: a paid answer is kept and billed even when Ctrl-C lands."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pipeline.answers import CriticReport
from pipeline.asks import CriticAsk
from pipeline.config import FactoryConfig
from pipeline.context import RunContext
from pipeline.engines.offline import OfflineEngine
from pipeline.events import Event
from pipeline.status import Stage
from pipeline.store import open_store
from pipeline.store.sql import SqlRunStore

IDEA = "A recipe box with shopping lists and meal plans"


class NoSink:
    async def emit(self, event: Event) -> None:
        return None


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlRunStore]:
    opened = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'factory.db'}")
    yield opened
    await opened.close()


async def test_a_cancel_while_the_answer_is_saved_still_saves_and_bills_it(
    store: SqlRunStore,
) -> None:
    run = await store.create_run(IDEA, "offline", {}, {"kind": "local", "out": "/x"})
    config = FactoryConfig()
    ctx = RunContext(run_id=run.id, idea=IDEA, store=store, engine=OfflineEngine(config),
                     sink=NoSink(), config=config)
    saving, release = asyncio.Event(), asyncio.Event()
    kept: list[CriticReport] = []

    async def keep(answer: CriticReport) -> None:
        saving.set()
        await release.wait()  # the cancel arrives in the middle of the save
        kept.append(answer)

    task = asyncio.create_task(ctx.ask(Stage.CRITIC, None, CriticAsk(idea=IDEA), CriticReport,
                                       keep=keep))
    await saving.wait()
    task.cancel()
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(kept) == 1
    assert [row.stage for row in await store.ledger(run.id)] == ["critic"]
