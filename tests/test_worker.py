"""The worker on SQLite: executing, failing, leases, shutdown; signals in a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from pipeline.errors import ConfigError
from pipeline.status import TERMINAL, RunStatus
from pipeline.store import open_store
from pipeline.store.base import RunRecord
from pipeline.store.errors import StoreUnavailable
from pipeline.store.sql import SqlRunStore
from pipeline.worker import SHUTDOWN, UNFINISHED, Worker, WorkerOptions, one_line
from tests.databases import (
    PG_ADMIN_DATABASE,
    PG_HOST,
    PG_USER,
    empty,
    module_database,
    sqlite_store,
)

ROOT = Path(__file__).resolve().parent.parent
FAST = WorkerOptions(
    max_runs=2, lease_seconds=2.0, heartbeat_seconds=0.05, poll_seconds=0.02,
    sweep_seconds=0.05, grace_seconds=0.05,
)


HEARTBEATS_SEEN = 4
"""Distinct lease expiries a long run must see: the claim's own and three renewals."""

pg_url = module_database("test_worker")


@pytest.fixture
async def pg_store(pg_url: str) -> AsyncIterator[SqlRunStore]:
    opened = await open_store(pg_url)
    await empty(opened)
    yield opened
    await opened.close()


store = sqlite_store("factory.db")


async def until(check: Callable[[], bool | Awaitable[bool]], timeout: float = 10.0) -> None:
    """Poll `check` (plain or async) until it holds, failing the test after `timeout` s."""
    async with asyncio.timeout(timeout):
        while True:
            held = check()
            if held if isinstance(held, bool) else await held:
                return
            await asyncio.sleep(0.02)


async def queued(store: SqlRunStore, n: int) -> list[str]:
    return [(await store.create_run(f"idea {i}", "offline", {}, {"kind": "local"})).id
            for i in range(n)]


async def statuses(store: SqlRunStore, ids: list[str]) -> list[RunStatus]:
    return [(await store.get_run(run_id)).status for run_id in ids]


async def all_terminal(store: SqlRunStore, ids: list[str]) -> bool:
    return all(status in TERMINAL for status in await statuses(store, ids))


async def work_until(worker: Worker, done: Callable[[], bool | Awaitable[bool]]) -> None:
    """Run `worker` until `done` holds, then stop it and wait for it to return."""
    task = asyncio.create_task(worker.run())
    try:
        await until(done)
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)


def test_options_keep_the_lease_longer_than_three_heartbeats() -> None:
    with pytest.raises(ConfigError, match="must exceed 3 heartbeats"):
        WorkerOptions(lease_seconds=30, heartbeat_seconds=10)
    with pytest.raises(ConfigError, match="at least one run slot"):
        WorkerOptions(max_runs=0)
    assert WorkerOptions(lease_seconds=31, heartbeat_seconds=10).lease_seconds == 31


def test_one_line() -> None:
    assert one_line(ValueError("bad\nworse")) == "ValueError: bad"
    assert one_line(KeyError()) == "KeyError"


async def test_runs_execute_once_each_within_the_cap(store: SqlRunStore) -> None:
    ids = await queued(store, 7)
    seen: list[str] = []
    in_flight: list[int] = []
    now = 0

    async def execute(run: RunRecord) -> None:
        nonlocal now
        now += 1
        in_flight.append(now)
        seen.append(run.id)
        assert run.status is RunStatus.RUNNING and run.lease_owner == "w1"
        await asyncio.sleep(0.03)
        now -= 1
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    worker = Worker(store, execute, options=FAST, name="w1")
    await work_until(worker, lambda: all_terminal(store, ids))
    assert sorted(seen) == sorted(ids)
    assert max(in_flight) == 2
    for run_id in ids:
        run = await store.get_run(run_id)
        assert (run.status, run.lease_owner, run.attempts) == (RunStatus.SUCCEEDED, None, 1)
    assert worker.running == frozenset()


async def test_a_raising_run_is_marked_error_and_the_worker_goes_on(store: SqlRunStore) -> None:
    bad, good = await queued(store, 2)

    async def execute(run: RunRecord) -> None:
        if run.id == bad:
            raise RuntimeError("the orchestrator tripped\nwith a long traceback")
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    await work_until(Worker(store, execute, options=FAST), lambda: all_terminal(store, [bad, good]))
    failed = await store.get_run(bad)
    assert failed.status is RunStatus.ERROR
    assert failed.error == "RuntimeError: the orchestrator tripped"
    assert failed.lease_owner is None
    assert (await store.get_run(good)).status is RunStatus.SUCCEEDED


async def test_a_run_left_running_is_marked_error(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)

    async def execute(run: RunRecord) -> None:
        return None

    await work_until(Worker(store, execute, options=FAST), lambda: all_terminal(store, [run_id]))
    run = await store.get_run(run_id)
    assert (run.status, run.error, run.lease_owner) == (RunStatus.ERROR, UNFINISHED, None)


async def test_a_finished_status_is_kept(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)

    async def execute(run: RunRecord) -> None:
        await store.set_status(run.id, RunStatus.KILLED, error="critic score 3 < 6")
        raise RuntimeError("a sink failed after the run ended")

    await work_until(Worker(store, execute, options=FAST), lambda: all_terminal(store, [run_id]))
    run = await store.get_run(run_id)
    assert (run.status, run.error, run.lease_owner) == (
        RunStatus.KILLED, "critic score 3 < 6", None
    )


@pytest.mark.parametrize("lost", [
    StoreUnavailable("lost the database connection: server restarted"),
    # What asyncpg raises while the server is still down or starting (no SQLAlchemy wrapper).
    ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
])
async def test_losing_the_database_requeues_the_run(store: SqlRunStore, lost: Exception) -> None:
    (run_id,) = await queued(store, 1)
    calls = 0

    async def execute(run: RunRecord) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise lost
        assert run.attempts == 2 and run.error is None
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    await work_until(Worker(store, execute, options=FAST), lambda: all_terminal(store, [run_id]))
    assert calls == 2
    assert (await store.get_run(run_id)).status is RunStatus.SUCCEEDED


async def test_stop_requeues_runs_in_flight(store: SqlRunStore) -> None:
    ids = await queued(store, 3)
    started: list[str] = []
    cancelled: list[str] = []

    async def execute(run: RunRecord) -> None:
        started.append(run.id)
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(run.id)
            raise

    worker = Worker(store, execute, options=FAST, name="w1")
    task = asyncio.create_task(worker.run())
    await until(lambda: len(started) == 2)
    worker.stop()
    await asyncio.wait_for(task, 5)
    assert sorted(cancelled) == sorted(started) == sorted(ids[:2])
    for run_id in ids:
        run = await store.get_run(run_id)
        assert (run.status, run.lease_owner) == (RunStatus.QUEUED, None)
    errors = [(await store.get_run(run_id)).error for run_id in ids]
    assert errors == [SHUTDOWN.format(name="w1")] * 2 + [None]


async def test_stop_lets_a_run_finish_within_the_grace(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    started = asyncio.Event()

    async def execute(run: RunRecord) -> None:
        started.set()
        await asyncio.sleep(0.2)
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    options = WorkerOptions(lease_seconds=2, heartbeat_seconds=0.1, grace_seconds=5)
    worker = Worker(store, execute, options=options)
    task = asyncio.create_task(worker.run())
    await started.wait()
    worker.stop()
    await asyncio.wait_for(task, 5)
    assert (await store.get_run(run_id)).status is RunStatus.SUCCEEDED


async def test_heartbeats_keep_a_long_run_from_being_swept(store: SqlRunStore) -> None:
    # Observed through the lease itself rather than by outliving a short one, which a loaded
    # machine's late heartbeat would fail: each heartbeat moves the expiry further out.
    (run_id,) = await queued(store, 1)
    expiries: list[datetime] = []
    swept: list[str] = []

    async def execute(run: RunRecord) -> None:
        async with asyncio.timeout(30):
            while len(set(expiries)) < HEARTBEATS_SEEN:
                expiry = (await store.get_run(run.id)).lease_expires_at
                assert expiry is not None
                expiries.append(expiry)
                swept.extend(await store.sweep())
                await asyncio.sleep(0.02)
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    options = WorkerOptions(lease_seconds=30, heartbeat_seconds=0.05, poll_seconds=0.02)
    await work_until(Worker(store, execute, options=options), lambda: all_terminal(store, [run_id]))
    assert swept == []
    assert expiries == sorted(expiries)
    assert (await store.get_run(run_id)).status is RunStatus.SUCCEEDED


async def test_a_lost_lease_cancels_the_run_and_leaves_it_alone(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    cancelled = asyncio.Event()

    async def execute(run: RunRecord) -> None:
        await store.release(run.id, "w1")  # as if the sweeper had handed it on
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    worker = Worker(store, execute, options=FAST, name="w1")
    await work_until(worker, lambda: cancelled.is_set() and not worker.running)
    run = await store.get_run(run_id)
    assert (run.status, run.error) == (RunStatus.RUNNING, None)


class FlakyStore(SqlRunStore):
    """A store whose first claims and sweeps fail as if the database were away."""

    def __init__(self, inner: SqlRunStore, failures: int) -> None:
        super().__init__(inner.engine)
        self.failures = failures

    def _trip(self) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise StoreUnavailable("lost the database connection: test")

    async def claim(self, owner: str, lease_seconds: float) -> RunRecord | None:
        self._trip()
        return await super().claim(owner, lease_seconds)

    async def sweep(self) -> list[str]:
        self._trip()
        return await super().sweep()


async def test_claim_and_sweep_failures_do_not_stop_the_worker(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    flaky = FlakyStore(store, failures=4)

    async def execute(run: RunRecord) -> None:
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    await work_until(Worker(flaky, execute, options=FAST), lambda: all_terminal(store, [run_id]))
    assert flaky.failures == 0


async def test_the_sweeper_requeues_a_dead_workers_run(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    assert await store.claim("dead-worker", 0.1) is not None

    async def execute(run: RunRecord) -> None:
        assert run.attempts == 2
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    await work_until(Worker(store, execute, options=FAST), lambda: all_terminal(store, [run_id]))
    assert (await store.get_run(run_id)).status is RunStatus.SUCCEEDED


def _lines(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@asynccontextmanager
async def worker_process(
    store: SqlRunStore, name: str, log: Path
) -> AsyncIterator[tuple[str, subprocess.Popen[bytes]]]:
    """Queue a run, start `tests.worker_process` on the store, and yield once it executes
    the run (which would take a minute); the process is killed on the way out."""
    (run_id,) = await queued(store, 1)
    url = store.engine.url.render_as_string(hide_password=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.worker_process", url, name, str(log), "60"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        await until(lambda: f"started {run_id}" in _lines(log), 20)
        yield run_id, process
    finally:
        process.kill()
        await asyncio.to_thread(process.wait, 10)


async def test_sigterm_requeues_the_run_and_exits(store: SqlRunStore, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    async with worker_process(store, "proc-1", log) as (run_id, process):
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 10) == 0
    assert _lines(log) == ["ready", f"started {run_id}", f"cancelled {run_id}", "exited"]
    run = await store.get_run(run_id)
    assert (run.status, run.lease_owner, run.error) == (
        RunStatus.QUEUED, None, SHUTDOWN.format(name="proc-1")
    )


# -- PostgreSQL: many workers, dead workers, dropped connections ------------------------------
async def test_postgres_workers_execute_each_of_30_runs_once(pg_store: SqlRunStore) -> None:
    ids = await queued(pg_store, 30)
    url = pg_store.engine.url.render_as_string(hide_password=False)
    stores = [await open_store(url) for _ in range(3)]
    executions: dict[str, list[str]] = {run_id: [] for run_id in ids}

    def executor(name: str, own: SqlRunStore) -> Callable[[RunRecord], Awaitable[None]]:
        async def execute(run: RunRecord) -> None:
            executions[run.id].append(name)
            await asyncio.sleep(0.01 * (hash(run.id) % 4))
            await own.set_status(run.id, RunStatus.SUCCEEDED)
        return execute

    options = WorkerOptions(max_runs=4, lease_seconds=5, heartbeat_seconds=0.5,
                            poll_seconds=0.01, sweep_seconds=0.5)
    workers = [Worker(own, executor(f"w{i}", own), options=options, name=f"w{i}")
               for i, own in enumerate(stores)]
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        await until(lambda: all_terminal(pg_store, ids), 30)
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.gather(*tasks)
        for own in stores:
            await own.close()
    assert all(len(names) == 1 for names in executions.values()), executions
    assert await statuses(pg_store, ids) == [RunStatus.SUCCEEDED] * 30
    assert len({names[0] for names in executions.values()}) > 1


async def test_postgres_a_killed_workers_run_resumes_elsewhere(
    pg_store: SqlRunStore, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    async with worker_process(pg_store, "doomed", log) as (run_id, process):
        process.kill()
    killed_at = asyncio.get_running_loop().time()
    resumed_after: list[float] = []

    async def execute(run: RunRecord) -> None:
        resumed_after.append(asyncio.get_running_loop().time() - killed_at)
        assert (run.attempts, run.lease_owner) == (2, "rescuer")
        await pg_store.set_status(run.id, RunStatus.SUCCEEDED)

    rescuer = Worker(pg_store, execute, options=FAST, name="rescuer")
    await work_until(rescuer, lambda: all_terminal(pg_store, [run_id]))
    assert (await pg_store.get_run(run_id)).status is RunStatus.SUCCEEDED
    assert "exited" not in _lines(log)
    # The dead worker's lease is 1 s; the rescuer sweeps every 0.05 s.
    assert len(resumed_after) == 1 and resumed_after[0] < 3.0
    print(f"kill to resume: {resumed_after[0]:.2f}s")


async def _terminate_backends(database: str) -> int:
    admin = await asyncpg.connect(host=PG_HOST, user=PG_USER, database=PG_ADMIN_DATABASE)
    try:
        rows = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await admin.close()
    return len(rows)


async def test_postgres_dropped_connections_do_not_stop_the_worker(
    pg_store: SqlRunStore,
) -> None:
    ids = await queued(pg_store, 12)
    done: list[str] = []

    async def execute(run: RunRecord) -> None:
        await pg_store.save_checkpoint(run.id, "critic", {"score": 7})
        await asyncio.sleep(0.03)
        await pg_store.set_status(run.id, RunStatus.SUCCEEDED)
        done.append(run.id)

    options = WorkerOptions(max_runs=2, lease_seconds=1.0, heartbeat_seconds=0.1,
                            poll_seconds=0.01, sweep_seconds=0.1, grace_seconds=0.1)
    worker = Worker(pg_store, execute, options=options)
    task = asyncio.create_task(worker.run())
    terminated = 0
    try:
        database = pg_store.engine.url.database or ""
        await until(lambda: len(done) >= 3, 20)
        terminated += await _terminate_backends(database)
        await until(lambda: len(done) >= 7, 20)
        terminated += await _terminate_backends(database)
        await until(lambda: all_terminal(pg_store, ids), 30)
    finally:
        worker.stop()
        await asyncio.wait_for(task, 10)
    assert terminated >= 2
    assert await statuses(pg_store, ids) == [RunStatus.SUCCEEDED] * 12
    assert sorted(set(done)) == sorted(ids)
