"""A worker in a process of its own, for tests that send it signals.

Usage: python -m tests.worker_process URL NAME LOG_FILE SECONDS

Each run it claims is "executed" by writing `started <run id>` to LOG_FILE, sleeping SECONDS
and marking the run succeeded; `cancelled <run id>` is written when a shutdown interrupts it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from pipeline.status import RunStatus
from pipeline.store import open_store
from pipeline.store.base import RunRecord
from pipeline.worker import Worker, WorkerOptions

OPTIONS = WorkerOptions(
    max_runs=1, lease_seconds=1.0, heartbeat_seconds=0.2, poll_seconds=0.05,
    sweep_seconds=0.2, grace_seconds=0.2,
)


async def main(url: str, name: str, log: Path, seconds: float) -> None:
    store = await open_store(url)

    def note(line: str) -> None:
        with log.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    async def execute(run: RunRecord) -> None:
        note(f"started {run.id}")
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            note(f"cancelled {run.id}")
            raise
        await store.set_status(run.id, RunStatus.SUCCEEDED)

    worker = Worker(store, execute, options=OPTIONS, name=name)
    worker.stop_on_signals()
    note("ready")
    try:
        await worker.run()
    finally:
        await store.close()
    note("exited")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])))
