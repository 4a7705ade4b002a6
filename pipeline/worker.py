"""The worker: claims queued runs from the store, executes them under a lease, and lets go.

The database is the queue. A worker claims a run (a lease with an owner and an expiry),
renews the lease with a heartbeat while the run executes, and releases it afterwards. A
sweeper hands runs whose lease lapsed (their worker died) back to the queue, where any
worker resumes them from their checkpoints. With nothing queued, a worker claims a finished
run whose outbox still holds an event due (its execution died after the final status, or
the service was away) and hands it to `execute` all the same, which delivers what is owed.
On SIGTERM the worker stops claiming, gives the runs in flight a short grace, cancels what
is left, requeues those runs and exits.

This is an edge: whatever a run raises is caught here, logged with the run id, and the run
is marked `error` with one line saying why (its verdict owed in the outbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from pipeline.errors import ConfigError
from pipeline.events import RunFinished
from pipeline.outbox import outgoing
from pipeline.status import RunStatus
from pipeline.store.base import RunRecord, RunStore
from pipeline.store.errors import StoreUnavailable

LOG = logging.getLogger(__name__)

Execute = Callable[[RunRecord], Awaitable[None]]
"""Executes (or resumes) a claimed run to its end, setting its final status; given a finished
run, delivers its outbox's due events; may raise."""

UNFINISHED = "execution ended without finishing the run"
ERROR_TITLE = "Run error"
SHUTDOWN = "worker {name} shut down; requeued"


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker paces itself; the lease must outlive three missed heartbeats."""

    max_runs: int = 2
    lease_seconds: float = 60.0
    heartbeat_seconds: float = 15.0
    poll_seconds: float = 1.0
    sweep_seconds: float = 15.0
    grace_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.max_runs < 1:
            raise ConfigError(f"a worker needs at least one run slot, not {self.max_runs}")
        if self.lease_seconds <= 3 * self.heartbeat_seconds:
            raise ConfigError(
                f"lease of {self.lease_seconds}s must exceed 3 heartbeats of "
                f"{self.heartbeat_seconds}s, or a slow heartbeat loses a live run"
            )


class _Ending(Enum):
    """Why a run's execution ended, which decides its bookkeeping."""

    RETURNED = "returned"
    RAISED = "raised"
    REQUEUED = "requeued"  # the worker is shutting down, or the database went away
    LOST = "lost"  # the lease went to someone else: touch nothing


def worker_name() -> str:
    """A name unique to this process: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


class Worker:
    """Claims and executes runs, at most `options.max_runs` at a time, until stopped."""

    def __init__(
        self,
        store: RunStore,
        execute: Execute,
        *,
        options: WorkerOptions | None = None,
        name: str | None = None,
    ) -> None:
        self.store = store
        self.options = options or WorkerOptions()
        self.name = name or worker_name()
        self._execute = execute
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._lost: set[str] = set()
        self._stopping = asyncio.Event()
        self._changed = asyncio.Event()

    @property
    def running(self) -> frozenset[str]:
        """Ids of the runs this worker is executing now."""
        return frozenset(self._tasks)

    def stop(self) -> None:
        """Stop claiming; `run()` then winds down the runs in flight and returns."""
        self._stopping.set()
        self._changed.set()

    def stop_on_signals(self) -> None:
        """Stop gracefully on SIGTERM and SIGINT (call from within the running loop)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)

    async def run(self) -> None:
        """Claim and execute runs until `stop()`; then requeue what is unfinished and return."""
        LOG.info("worker started", extra={"worker": self.name, "max_runs": self.options.max_runs})
        sweeper = asyncio.create_task(self._sweep_forever(), name=f"{self.name} sweeper")
        try:
            while not self._stopping.is_set():
                if len(self._tasks) >= self.options.max_runs:
                    await self._wait(None)
                    continue
                run = await self._claim()
                if run is None:
                    await self._wait(self.options.poll_seconds)
                    continue
                task = asyncio.create_task(self._serve(run), name=f"run {run.id}")
                self._tasks[run.id] = task
        finally:
            sweeper.cancel()
            await self._wind_down()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            LOG.info("worker stopped", extra={"worker": self.name})

    async def _wait(self, timeout: float | None) -> None:
        """Sleep until a slot frees, the worker stops, or `timeout` passes."""
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    async def _claim(self) -> RunRecord | None:
        lease = self.options.lease_seconds
        try:
            run = (await self.store.claim(self.name, lease)
                   or await self.store.claim_outgoing(self.name, lease))
        except Exception:  # the database is away: say so, and try again after a poll
            LOG.exception("claim failed", extra={"worker": self.name})
            return None
        if run is not None:
            LOG.info("run claimed", extra={"worker": self.name, "run_id": run.id,
                                           "attempt": run.attempts})
        return run

    async def _wind_down(self) -> None:
        """Give the runs in flight a grace period, then cancel them (they get requeued)."""
        if not self._tasks:
            return
        tasks = list(self._tasks.values())
        _, pending = await asyncio.wait(tasks, timeout=self.options.grace_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                swept = await self.store.sweep()
            except Exception:
                LOG.exception("sweep failed", extra={"worker": self.name})
            else:
                for run_id in swept:
                    LOG.warning("lapsed lease swept", extra={"worker": self.name, "run_id": run_id})
                if swept:
                    self._changed.set()
            await asyncio.sleep(self.options.sweep_seconds)

    async def _serve(self, run: RunRecord) -> None:
        """Execute one run under its lease, then settle its status and release the lease."""
        task = asyncio.current_task()
        assert task is not None
        heart = asyncio.create_task(self._keep_lease(run.id, task), name=f"heartbeat {run.id}")
        error: str | None = None
        try:
            await self._execute(run)
            ending = _Ending.RETURNED
        except asyncio.CancelledError:
            if run.id in self._lost:
                ending = _Ending.LOST
            else:
                ending, error = _Ending.REQUEUED, SHUTDOWN.format(name=self.name)
        except (StoreUnavailable, ConnectionError) as exc:
            # A refused or reset connection (the database restarting, say) reaches us raw from
            # the driver when a new connection is opened; the run resumes from its checkpoints.
            LOG.warning("run lost the database", extra={"worker": self.name, "run_id": run.id})
            ending, error = _Ending.REQUEUED, f"{one_line(exc)}; requeued"
        except Exception as exc:
            LOG.exception("run raised", extra={"worker": self.name, "run_id": run.id})
            ending, error = _Ending.RAISED, one_line(exc)
        finally:
            heart.cancel()
        # Bookkeeping must finish even if we are cancelled again while it runs.
        settle = asyncio.ensure_future(self._settle(run.id, ending, error))
        try:
            await asyncio.shield(settle)
        except asyncio.CancelledError:
            await settle
        finally:
            self._tasks.pop(run.id, None)
            self._lost.discard(run.id)
            self._changed.set()

    async def _settle(self, run_id: str, ending: _Ending, error: str | None) -> None:
        """Leave the run in a truthful state, then release its lease.

        The lease is released only once the status is written: a run left running with no
        lease would never be swept, while a lease left to lapse is requeued by the sweeper.
        A run no longer leased to this worker (requeued and claimed elsewhere while its
        finished execution's outbox was being delivered here) is another's to settle.
        """
        fields = {"worker": self.name, "run_id": run_id, "ending": ending.value}
        if error:
            fields["error"] = error
        if ending is _Ending.LOST:
            LOG.warning("lease lost; run abandoned to its new owner", extra=fields)
            return
        try:
            run = await self.store.get_run(run_id)
            if run.status is RunStatus.RUNNING and run.lease_owner == self.name:
                if ending is _Ending.REQUEUED:
                    await self.store.set_status(run_id, RunStatus.QUEUED, error=error)
                else:  # the verdict goes out through the outbox, like a finished run's
                    reason = error or UNFINISHED
                    verdict = RunFinished(run_id=run_id, status=RunStatus.ERROR,
                                          title=ERROR_TITLE, summary=reason)
                    await self.store.set_status(run_id, RunStatus.ERROR, error=reason,
                                                send=outgoing(verdict))
            await self.store.release(run_id, self.name)
        except Exception:
            LOG.exception("run bookkeeping failed; its lease will lapse", extra=fields)
            return
        LOG.info("run settled", extra=fields)

    async def _keep_lease(self, run_id: str, task: asyncio.Task[None]) -> None:
        """Renew the lease every heartbeat; cancel the run once the lease is surely gone."""
        renewed = time.monotonic()
        while True:
            await asyncio.sleep(self.options.heartbeat_seconds)
            try:
                held = await self.store.heartbeat(run_id, self.name, self.options.lease_seconds)
            except Exception:
                LOG.exception("heartbeat failed", extra={"worker": self.name, "run_id": run_id})
                # Unrenewed for a whole lease: the sweeper may have handed the run on.
                held = time.monotonic() - renewed < self.options.lease_seconds
            else:
                renewed = time.monotonic() if held else renewed
            if not held:
                self._lost.add(run_id)
                task.cancel()
                return
