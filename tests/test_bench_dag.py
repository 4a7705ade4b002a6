"""Tests for `bench dag`: the three strategies over small literal workloads."""

import pytest

from pipeline.bench import dag as bench_dag
from pipeline.bench.makespan import level_schedule, list_schedule
from pipeline.bench.workload import FileCost, Workload

SPEED = 200.0
STABLE_KEYS = {"sequential_s", "level_gather_s", "scheduler_s", "critical_path_s",
               "speedup_vs_sequential", "speedup_vs_level_gather", "efficiency"}


def _workload(name: str, deps: dict[str, list[str]], seconds: dict[str, float]) -> Workload:
    files = {p: FileCost(output_tokens=100, prompt_tokens=500, review_tokens=300, seconds=s)
             for p, s in seconds.items()}
    return Workload(idea=name, deps=deps, files=files)


# A slow leaf in level 1 holds a level-gather run back; the chain a -> b -> c does not wait.
SKEWED = _workload(
    "skewed",
    {"slow": [], "a": [], "b": ["a"], "c": ["b"], "d": ["slow"]},
    {"slow": 6.0, "a": 2.0, "b": 2.0, "c": 2.0, "d": 1.0},
)
WIDE = _workload("wide", {f"f{i}": [] for i in range(6)}, {f"f{i}": 2.0 for i in range(6)})


async def test_json_has_the_stable_keys_in_total_and_per_idea() -> None:
    result = await bench_dag.run([SKEWED, WIDE], sim_speed=SPEED, concurrency=4)
    assert set(result) >= STABLE_KEYS
    assert [i["idea"] for i in result["ideas"]] == ["skewed", "wide"]
    for idea in result["ideas"]:
        assert set(idea) >= STABLE_KEYS
    assert result["sequential_s"] == pytest.approx(
        sum(i["sequential_s"] for i in result["ideas"]), abs=0.2)


# Wall times only grow on a loaded machine, so the measured figures are checked against lower
# bounds; which strategy wins is checked on paper (pipeline.bench.makespan), where no clock is.
SLACK = 0.97
"""Timer granularity: a sleep may end a hair early."""


async def test_sequential_is_slowest_and_nothing_beats_the_bound() -> None:
    result = await bench_dag.run([SKEWED], sim_speed=SPEED, concurrency=4)
    idea = result["ideas"][0]
    assert idea["critical_path_s"] == 7.0
    assert idea["sequential_s"] >= 13.0 * SLACK
    assert idea["scheduler_s"] >= idea["critical_path_s"] * SLACK
    assert 0 < idea["efficiency"] <= 1 / SLACK
    dag, durations = SKEWED.dag(), SKEWED.durations()
    assert list_schedule(dag, durations, 1) == 13.0 > list_schedule(dag, durations, 4)


async def test_the_scheduler_does_not_wait_for_a_slow_level() -> None:
    # Level gather: max(6, 2) + max(2, 1) + 2 = 10 s; the scheduler needs only the bound, 7 s.
    idea = (await bench_dag.run([SKEWED], sim_speed=SPEED, concurrency=4))["ideas"][0]
    assert idea["level_gather_s"] >= 10.0 * SLACK
    assert idea["scheduler_replayed_s"] == 7.0
    assert level_schedule(SKEWED.dag(), SKEWED.durations(), 4) == 10.0


async def test_concurrency_caps_a_wide_level() -> None:
    idea = (await bench_dag.run([WIDE], sim_speed=SPEED, concurrency=2))["ideas"][0]
    assert idea["scheduler_s"] >= 6.0 * SLACK
    assert idea["scheduler_unbounded_s"] >= 2.0 * SLACK
    assert list_schedule(WIDE.dag(), WIDE.durations(), 2) == 6.0
    assert list_schedule(WIDE.dag(), WIDE.durations(), 6) == 2.0


def test_rows_put_the_totals_last() -> None:
    result = {
        "sequential_s": 30.0, "level_gather_s": 12.0, "scheduler_s": 10.0,
        "critical_path_s": 9.0, "speedup_vs_sequential": 3.0, "speedup_vs_level_gather": 1.2,
        "efficiency": 0.9,
        "ideas": [{"idea": "x", "files": 5, "levels": 3, "sequential_s": 30.0,
                   "level_gather_s": 12.0, "scheduler_s": 10.0, "critical_path_s": 9.0,
                   "speedup_vs_sequential": 3.0, "speedup_vs_level_gather": 1.2,
                   "efficiency": 0.9}],
    }
    table = bench_dag.rows(result)
    assert len(table) == 2 and len(table[0]) == len(bench_dag.COLUMNS)
    assert table[-1][0] == "all ideas" and table[-1][-1] == "90%"


async def test_sim_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="sim_speed"):
        await bench_dag.run([WIDE], sim_speed=0, concurrency=2)
