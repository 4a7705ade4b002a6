"""The worker and the run outbox: finished runs that still owe an event are claimed and handed
to `execute`, their status left alone, and a raising run's error verdict is owed."""

from __future__ import annotations

import asyncio
import dataclasses

from pipeline.status import RunStatus
from pipeline.store.base import Outgoing, RunRecord
from pipeline.store.sql import SqlRunStore
from pipeline.worker import Worker
from tests.databases import sqlite_store
from tests.test_worker import FAST, until, work_until

GITHUB = {"kind": "github", "installation_id": 7, "repo": "o/r", "issue": 1}


store = sqlite_store("factory.db")


async def finished_owing(store: SqlRunStore) -> tuple[str, Outgoing]:
    run_id = (await store.create_run("idea", "offline", {}, GITHUB, running=True)).id
    verdict = Outgoing(kind="run_finished", payload={"title": "Judge passed"})
    await store.set_status(run_id, RunStatus.SUCCEEDED, send=verdict)
    return run_id, verdict


async def test_a_finished_run_that_owes_an_event_is_handed_over_once(
    store: SqlRunStore,
) -> None:
    run_id, verdict = await finished_owing(store)
    seen: list[tuple[str, RunStatus, str | None]] = []

    async def deliver(run: RunRecord) -> None:
        seen.append((run.id, run.status, run.lease_owner))
        await store.delivered(run.id, verdict)

    worker = Worker(store, deliver, options=FAST, name="w1")
    task = asyncio.create_task(worker.run())
    try:
        await until(lambda: bool(seen))
        await until(lambda: worker.running == frozenset())
        await asyncio.sleep(FAST.poll_seconds * 10)  # more polls: nothing is owed any more
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)
    assert seen == [(run_id, RunStatus.SUCCEEDED, "w1")]
    after = await store.get_run(run_id)
    assert (after.status, after.lease_owner, after.error) == (RunStatus.SUCCEEDED, None, None)


async def test_delivering_leaves_alone_a_run_another_worker_took_meanwhile(
    store: SqlRunStore,
) -> None:
    """A /retry requeued the run while its verdict was being delivered, and another worker
    claimed it: the delivering worker must not mark that execution `error`."""
    run_id, verdict = await finished_owing(store)
    delivered: list[str] = []

    async def deliver(run: RunRecord) -> None:
        await store.set_status(run.id, RunStatus.QUEUED)
        assert (await store.claim("w2", 60)) is not None
        await store.delivered(run.id, verdict)
        delivered.append(run.id)

    one_slot = dataclasses.replace(FAST, max_runs=1)  # so w1 cannot take the requeued run
    worker = Worker(store, deliver, options=one_slot, name="w1")
    await work_until(worker, lambda: bool(delivered) and worker.running == frozenset())
    after = await store.get_run(run_id)
    assert (after.status, after.lease_owner, after.error) == (RunStatus.RUNNING, "w2", None)


async def test_a_raising_run_owes_its_error_verdict(store: SqlRunStore) -> None:
    run_id = (await store.create_run("idea", "offline", {}, GITHUB)).id

    async def execute(run: RunRecord) -> None:
        raise RuntimeError("the orchestrator tripped")

    await work_until(Worker(store, execute, options=FAST, name="w1"),
                     lambda: _errored(store, run_id))
    [owed] = await store.outgoing(run_id)
    assert owed.kind == "run_finished"
    assert (owed.payload["status"], owed.payload["summary"]) == (
        "error", "RuntimeError: the orchestrator tripped")


async def _errored(store: SqlRunStore, run_id: str) -> bool:
    return (await store.get_run(run_id)).status is RunStatus.ERROR
