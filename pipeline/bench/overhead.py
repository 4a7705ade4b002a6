"""`bench overhead`: what the factory itself costs per file when the engine costs nothing.

A whole run (Critic, gates, Planner and panel, code generation with static checks and
reviews, Judge) goes through a fresh SQLite store, the scheduler and the local git sink, with
the offline engine. The engine's own time is measured apart, so what is left is orchestration:
store writes, events, scheduling, static checks and git commits. Wall time is the headline;
CPU time (the whole process, store threads included, less the engine's wall time) is
reported beside it because it varies less on a busy machine.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from pipeline.asks import Ask
from pipeline.config import FactoryConfig
from pipeline.engines.base import Engine, Reply
from pipeline.events import Sink
from pipeline.gitsink import GitSink
from pipeline.orchestrator import execute_run
from pipeline.status import RunStatus
from pipeline.store import open_store
from pipeline.store.base import RunRecord, RunStore

A = TypeVar("A", bound=BaseModel)
SinkFor = Callable[[RunStore, RunRecord], Sink]
"""Builds the sink a timed run reports to, once its run exists."""
Timer = Callable[[Path, FactoryConfig], Awaitable[dict[str, Any]]]
"""Times one run in a fresh directory and returns what `time_run` returns."""

DEFAULT_FILES = 40
DEFAULT_RUNS = 3
IDEA = ("A recipe box with shopping lists, a weekly meal plan, ingredients, a pantry "
        "inventory and favorite restaurants")
GITHUB_NOTE = ("Local git sink only. The same run through the GitHub publisher and the GitHub "
               "fake: python -m benchmarks.github_overhead (it needs tests/, so it is not "
               "part of the package).")
COLUMNS: tuple[str, ...] = (
    "run", "files", "status", "total s", "engine s", "orchestration s", "ms per file",
    "CPU ms per file",
)


class StopwatchEngine:
    """Passes asks to an engine and adds up the time spent inside it."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name
        self.offline = inner.offline
        self.seconds = 0.0

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        started = time.perf_counter()
        try:
            return await self.inner.ask(ask, answer_type)
        finally:
            self.seconds += time.perf_counter() - started

    async def aclose(self) -> None:
        await self.inner.aclose()


def git_sink(workdir: Path) -> tuple[dict[str, Any], SinkFor]:
    """The local sink: a git repository at `workdir/app`, and the origin a local run records."""
    out = workdir / "app"
    return {"kind": "local", "out": str(out)}, lambda store, run: GitSink(out, store, run.id)


async def time_run(workdir: Path, config: FactoryConfig, idea: str = IDEA, *,
                   origin: dict[str, Any] | None = None,
                   sink_for: SinkFor | None = None) -> dict[str, Any]:
    """One offline run from a fresh store under `workdir` into a sink (default: local git)."""
    from pipeline.engines.offline import OfflineEngine

    if origin is None or sink_for is None:
        origin, sink_for = git_sink(workdir)
    store = await open_store(f"sqlite+aiosqlite:///{workdir / 'factory.db'}")
    engine = StopwatchEngine(OfflineEngine(config))
    try:
        run = await store.create_run(idea, engine.name, config.model_dump(mode="json"), origin)
        run = await store.set_status(run.id, RunStatus.RUNNING)
        started, cpu_started = time.perf_counter(), time.process_time()
        status = await execute_run(store, run, sink_for(store, run), engine)
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        files = len(await store.files(run.id))
    finally:
        await engine.aclose()
        await store.close()
    orchestration = total - engine.seconds
    return {
        "files": files, "status": status.value, "total_s": round(total, 3),
        "engine_s": round(engine.seconds, 3), "orchestration_s": round(orchestration, 3),
        "ms_per_file": round(1000 * orchestration / max(files, 1), 2),
        "cpu_ms_per_file": round(1000 * (cpu - engine.seconds) / max(files, 1), 2),
    }


async def run(*, files: int = DEFAULT_FILES, runs: int = DEFAULT_RUNS,
              timer: Timer | None = None) -> dict[str, Any]:
    """Time `runs` runs of a `files`-file plan (with `timer`, default `time_run` into local
    git); the headline is the best run's ms per file."""
    if files < 1 or runs < 1:
        raise ValueError("files and runs must be at least 1")
    config = FactoryConfig(min_files=files, max_files=files)
    measured = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="factory-bench-") as tmp:
            measured.append(await (timer or time_run)(Path(tmp), config))
    best = min(measured, key=lambda r: r["ms_per_file"])
    return {
        "ms_per_file": best["ms_per_file"],
        "mean_ms_per_file": round(sum(r["ms_per_file"] for r in measured) / runs, 2),
        "cpu_ms_per_file": best["cpu_ms_per_file"], "files": best["files"], "runs": measured,
        "notes": [GITHUB_NOTE],
    }


def rows(result: dict[str, Any]) -> list[list[str]]:
    """One row per timed run."""
    return [
        [str(i), str(r["files"]), r["status"], f"{r['total_s']:.2f}", f"{r['engine_s']:.2f}",
         f"{r['orchestration_s']:.2f}", f"{r['ms_per_file']:.1f}", f"{r['cpu_ms_per_file']:.1f}"]
        for i, r in enumerate(result["runs"], start=1)
    ]
