"""Tests for running work over the DAG under a concurrency limit."""

import asyncio

import pytest

from pipeline.dag import Dag
from pipeline.scheduler import run_dag


async def test_a_node_starts_when_its_own_dependencies_finish_not_its_level() -> None:
    # slow (level 1) holds level 1 open; fast -> after_fast must not wait for it.
    dag = Dag({"slow": [], "fast": [], "after_fast": ["fast"], "after_slow": ["slow"]})
    started: dict[str, float] = {}
    loop = asyncio.get_running_loop()

    async def work(node: str) -> bool:
        started[node] = loop.time()
        await asyncio.sleep(0.2 if node == "slow" else 0.01)
        return True

    outcome = await run_dag(dag, work, concurrency=4)
    assert outcome.done == set(dag.deps)
    assert started["after_fast"] - started["fast"] < 0.1
    assert started["after_slow"] - started["slow"] >= 0.2


async def test_concurrency_limit_is_never_exceeded() -> None:
    dag = Dag({f"n{i}": [] for i in range(12)})
    running = peak = 0

    async def work(node: str) -> bool:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.005)
        running -= 1
        return True

    await run_dag(dag, work, concurrency=3)
    assert peak == 3


async def test_tallest_ready_node_goes_first() -> None:
    dag = Dag({"leaf1": [], "leaf2": [], "root": [], "mid": ["root"], "top": ["mid"]})
    order: list[str] = []

    async def work(node: str) -> bool:
        order.append(node)
        return True

    await run_dag(dag, work, concurrency=1)
    assert order[0] == "root"


async def test_failed_node_blocks_its_dependents_only() -> None:
    dag = Dag({"a": [], "b": ["a"], "c": ["b"], "x": [], "y": ["x"]})
    settled: list[tuple[str, bool]] = []

    async def work(node: str) -> bool:
        return node != "b"

    async def on_settled(node: str, ok: bool) -> None:
        settled.append((node, ok))

    outcome = await run_dag(dag, work, 2, on_settled)
    assert outcome.failed == {"b"}
    assert outcome.blocked == {"c"}
    assert outcome.done == {"a", "x", "y"}
    assert ("b", False) in settled and len(settled) == 4


async def test_an_exception_cancels_nodes_in_flight_and_propagates() -> None:
    dag = Dag({"boom": [], "slow": []})
    cancelled = asyncio.Event()

    async def work(node: str) -> bool:
        if node == "boom":
            raise RuntimeError("engine exploded")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return True

    with pytest.raises(RuntimeError, match="exploded"):
        await run_dag(dag, work, 2)
    assert cancelled.is_set()


async def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError):
        await run_dag(Dag({"a": []}), lambda n: asyncio.sleep(0, True), 0)
