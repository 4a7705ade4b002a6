"""Runs work over a DAG: a node starts as soon as its own dependencies are done.

Ready nodes wait in a queue ordered by height (the longest chain of dependents below them),
so the critical path is never starved when the concurrency limit is reached. A node whose
work fails does not release its dependents; they end up blocked.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from pipeline.dag import Dag

Work = Callable[[str], Coroutine[Any, Any, bool]]
"""Does one node's work; True when it succeeded."""
Settled = Callable[[str, bool], Awaitable[None]]
"""Called in the scheduler's loop, one at a time, as each node finishes."""


@dataclass
class Outcome:
    done: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)


async def _nothing(node: str, ok: bool) -> None:
    return None


async def run_dag(
    dag: Dag, work: Work, concurrency: int, on_settled: Settled = _nothing
) -> Outcome:
    """Run `work` for every node whose dependencies succeeded, at most `concurrency` at once.

    An exception from `work` or `on_settled` cancels the nodes in flight and propagates.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    heights = dag.heights()
    queue: list[tuple[int, str]] = []
    running: dict[asyncio.Task[bool], str] = {}
    outcome = Outcome()

    def fill() -> None:
        for node in dag.ready():
            heapq.heappush(queue, (-heights[node], node))
        while queue and len(running) < concurrency:
            _, node = heapq.heappop(queue)
            running[asyncio.create_task(work(node), name=f"node:{node}")] = node

    try:
        fill()
        while running:
            finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(finished, key=lambda t: running[t]):
                node = running.pop(task)
                ok = task.result()
                if ok:
                    outcome.done.add(node)
                    dag.done(node)
                else:
                    outcome.failed.add(node)
                await on_settled(node, ok)
            fill()
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
    outcome.blocked = set(dag.deps) - outcome.done - outcome.failed
    return outcome
