"""Tests for running work over the DAG under a concurrency limit."""

import asyncio

import pytest

from pipeline.dag import Dag
from pipeline.scheduler import run_dag


async def test_a_node_starts_when_its_own_dependencies_finish_not_its_level() -> None:
    # slow (level 1) holds level 1 open until after_fast has started: a scheduler that waited
    # for the whole level would never start it (and the timeout would fail the test).
    dag = Dag({"slow": [], "fast": [], "after_fast": ["fast"], "after_slow": ["slow"]})
    after_fast_started = asyncio.Event()
    order: list[str] = []

    async def work(node: str) -> bool:
        order.append(f"start {node}")
        if node == "after_fast":
            after_fast_started.set()
        if node == "slow":
            await after_fast_started.wait()
        order.append(f"end {node}")
        return True

    outcome = await asyncio.wait_for(run_dag(dag, work, concurrency=4), 30)
    assert outcome.done == set(dag.deps)
    assert order.index("start after_fast") < order.index("end slow")
    assert order.index("end slow") < order.index("start after_slow")


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
