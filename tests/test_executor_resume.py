"""A file approved and recorded just before its run died is kept on resume, not bought again."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.orchestrator import execute_run
from pipeline.status import FileStatus, RunStatus
from pipeline.store.base import RunStore
from tests.support.scripted import Collector, ScriptedEngine
from tests.test_orchestrator import start, store  # noqa: F401  (the fixture)

PATH = "lib/main.dart"


async def test_an_approved_attempt_left_unfinished_is_kept(store: RunStore) -> None:  # noqa: F811
    run, engine = await start(store), ScriptedEngine()
    set_file = store.set_file

    async def dies_before_done(run_id: str, path: str, status: FileStatus, **kw: Any) -> None:
        if path == PATH and status is FileStatus.DONE:
            raise RuntimeError("worker died after recording the approval")
        await set_file(run_id, path, status, **kw)

    store.set_file = dies_before_done  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await execute_run(store, run, Collector(), engine)
    store.set_file = set_file  # type: ignore[method-assign]
    assert [a.approved for a in await store.attempts(run.id, PATH)] == [True]
    run = await store.set_status(run.id, RunStatus.QUEUED)
    run = await store.set_status(run.id, RunStatus.RUNNING)
    assert await execute_run(store, run, Collector(), engine) is RunStatus.SUCCEEDED
    assert engine.calls[("FileAsk", PATH)] == 1  # paid for once
    assert engine.calls[("FileReviewAsk", PATH)] == 1
    assert [a.number for a in await store.attempts(run.id, PATH)] == [1]
