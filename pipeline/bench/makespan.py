"""Makespans on paper: the critical-path bound and the scheduler's policy replayed without clocks.

`list_schedule` replays what `pipeline.scheduler.run_dag` does (start ready nodes tallest
first, at most `concurrency` at once) as a discrete-event simulation, so thousands of Monte
Carlo trials cost no waiting. The benchmarks time the real scheduler; this predicts it.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from pipeline.dag import Dag


def critical_path(dag: Dag, durations: Mapping[str, float]) -> float:
    """The longest dependency chain by duration: no schedule can finish sooner."""
    finish: dict[str, float] = {}
    for level in dag.by_level():
        for node in level:
            start = max((finish[d] for d in dag.deps[node]), default=0.0)
            finish[node] = start + durations[node]
    return max(finish.values(), default=0.0)


class Replay:
    """The scheduler's policy over one graph, ready to replay with any durations."""

    def __init__(self, dag: Dag) -> None:
        self.heights = dag.heights()
        self.deps = dag.deps
        self.below: dict[str, list[str]] = {n: [] for n in dag.deps}
        for node, deps in dag.deps.items():
            for dep in deps:
                self.below[dep].append(node)

    def makespan(self, durations: Mapping[str, float], concurrency: int) -> float:
        """Finish time when ready nodes start tallest first, `concurrency` at a time."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        waiting = {n: len(ds) for n, ds in self.deps.items()}
        ready = [(-self.heights[n], n) for n, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        running: list[tuple[float, str]] = []
        now = 0.0
        while ready or running:
            while ready and len(running) < concurrency:
                _, node = heapq.heappop(ready)
                heapq.heappush(running, (now + durations[node], node))
            now, node = heapq.heappop(running)
            for nxt in self.below[node]:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    heapq.heappush(ready, (-self.heights[nxt], nxt))
        return now


def list_schedule(dag: Dag, durations: Mapping[str, float], concurrency: int) -> float:
    """Finish time of the run when ready nodes start tallest first, `concurrency` at a time."""
    return Replay(dag).makespan(durations, concurrency)


def level_schedule(dag: Dag, durations: Mapping[str, float], concurrency: int) -> float:
    """Finish time when each level starts only after the whole previous level is done."""
    total = 0.0
    for level in dag.by_level():
        total += list_schedule(Dag({n: [] for n in level}), durations, concurrency)
    return total
