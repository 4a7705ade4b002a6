"""`bench dag`: sequential, level-by-level gather and the scheduler, timed against the bound.

Every file "generates" by sleeping its modelled seconds divided by `sim_speed`; wall times are
measured and multiplied back by `sim_speed`, so figures are in modelled seconds. All ideas and
strategies run at once in one event loop: they only sleep, so they do not slow each other.
`scheduler_replayed_s` is the scheduler's policy replayed on paper (no clock): the gap between
it and `scheduler_s` is timer noise, the gap between it and the bound is the policy's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pipeline.bench.makespan import critical_path, list_schedule
from pipeline.bench.workload import Workload
from pipeline.dag import Dag
from pipeline.scheduler import Work, run_dag

COLUMNS: tuple[str, ...] = (
    "idea", "files", "levels", "sequential s", "level gather s", "scheduler s", "critical path s",
    "× sequential", "× level gather", "efficiency",
)

Strategy = Callable[[Workload, float, int], Awaitable[None]]


def _sleeper(workload: Workload, sim_speed: float) -> Work:
    durations = workload.durations()

    async def work(path: str) -> bool:
        await asyncio.sleep(durations[path] / sim_speed)
        return True

    return work


async def sequential(workload: Workload, sim_speed: float, _: int) -> None:
    """One file at a time, in dependency order (the scheduler at concurrency 1)."""
    await run_dag(workload.dag(), _sleeper(workload, sim_speed), 1)


async def level_gather(workload: Workload, sim_speed: float, concurrency: int) -> None:
    """The brief's way: `asyncio.gather` over a level; the next level waits for all of it."""
    work = _sleeper(workload, sim_speed)
    limit = asyncio.Semaphore(concurrency)

    async def capped(path: str) -> bool:
        async with limit:
            return await work(path)

    for level in workload.dag().by_level():
        await asyncio.gather(*(capped(path) for path in level))


async def scheduler(workload: Workload, sim_speed: float, concurrency: int) -> None:
    """The project's scheduler: a file starts when its own dependencies are done."""
    await run_dag(workload.dag(), _sleeper(workload, sim_speed), concurrency)


async def _timed(strategy: Strategy, workload: Workload, sim_speed: float,
                 concurrency: int) -> float:
    started = time.perf_counter()
    await strategy(workload, sim_speed, concurrency)
    return (time.perf_counter() - started) * sim_speed


def _ratios(seq: float, gather: float, sched: float, bound: float) -> dict[str, float]:
    return {
        "speedup_vs_sequential": round(seq / sched, 3),
        "speedup_vs_level_gather": round(gather / sched, 3),
        "efficiency": round(bound / sched, 3),
    }


async def _measure(workload: Workload, sim_speed: float, concurrency: int) -> dict[str, Any]:
    unbounded = len(workload.files)
    seq, gather, sched, gather_all, sched_all = await asyncio.gather(
        _timed(sequential, workload, sim_speed, 1),
        _timed(level_gather, workload, sim_speed, concurrency),
        _timed(scheduler, workload, sim_speed, concurrency),
        _timed(level_gather, workload, sim_speed, unbounded),
        _timed(scheduler, workload, sim_speed, unbounded),
    )
    bound = critical_path(Dag(workload.deps), workload.durations())
    replayed = list_schedule(Dag(workload.deps), workload.durations(), concurrency)
    return {
        "idea": workload.idea, "files": len(workload.files),
        "levels": workload.dag().level_count,
        "sequential_s": round(seq, 1), "level_gather_s": round(gather, 1),
        "scheduler_s": round(sched, 1), "critical_path_s": round(bound, 1),
        **_ratios(seq, gather, sched, bound),
        "level_gather_unbounded_s": round(gather_all, 1),
        "scheduler_unbounded_s": round(sched_all, 1),
        "scheduler_replayed_s": round(replayed, 1),
    }


async def run(workloads: list[Workload], *, sim_speed: float, concurrency: int) -> dict[str, Any]:
    """Time every strategy on every workload; totals over the ideas come first."""
    if sim_speed <= 0:
        raise ValueError("sim_speed must be positive")
    ideas = await asyncio.gather(*(_measure(w, sim_speed, concurrency) for w in workloads))
    totals = {key: round(sum(i[key] for i in ideas), 1) for key in (
        "sequential_s", "level_gather_s", "scheduler_s", "critical_path_s",
        "level_gather_unbounded_s", "scheduler_unbounded_s", "scheduler_replayed_s",
    )}
    return {
        **totals,
        **_ratios(totals["sequential_s"], totals["level_gather_s"], totals["scheduler_s"],
                  totals["critical_path_s"]),
        "concurrency": concurrency, "sim_speed": sim_speed, "ideas": list(ideas),
    }


def rows(result: dict[str, Any]) -> list[list[str]]:
    """One table row per idea, then the totals."""
    def row(name: str, r: dict[str, Any]) -> list[str]:
        return [name, str(r.get("files", "")), str(r.get("levels", "")),
                f"{r['sequential_s']:.0f}", f"{r['level_gather_s']:.0f}",
                f"{r['scheduler_s']:.0f}", f"{r['critical_path_s']:.0f}",
                f"{r['speedup_vs_sequential']:.2f}", f"{r['speedup_vs_level_gather']:.2f}",
                f"{r['efficiency']:.0%}"]

    return [row(i["idea"][:40], i) for i in result["ideas"]] + [row("all ideas", result)]
