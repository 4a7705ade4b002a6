"""Tests for the benchmarks' workload: offline plans with each file's tokens and seconds."""

import random

import pytest

from pipeline.bench.workload import DEFAULT_IDEAS, build_workload
from pipeline.config import FactoryConfig
from pipeline.engines.latency import LatencyModel

LATENCY = LatencyModel(ttft_s=1.0, tokens_per_s=50)


async def test_every_planned_file_gets_tokens_and_modelled_seconds() -> None:
    workload = await build_workload(DEFAULT_IDEAS[0], FactoryConfig(), LATENCY)
    assert workload.idea == DEFAULT_IDEAS[0]
    assert 25 <= len(workload.files) <= 45
    assert set(workload.files) == set(workload.deps)
    for cost in workload.files.values():
        assert cost.output_tokens > 0 and cost.prompt_tokens > 0 and cost.review_tokens > 0
        # the executor call and the review call, each with its own time to first token
        assert cost.seconds > 2 * LATENCY.ttft_s + cost.output_tokens / LATENCY.tokens_per_s
        assert cost.attempt_tokens == cost.output_tokens + cost.prompt_tokens + cost.review_tokens
    assert workload.dag().level_count > 2


async def test_a_bigger_file_takes_longer() -> None:
    workload = await build_workload(DEFAULT_IDEAS[3], FactoryConfig(), LATENCY)
    by_size = sorted(workload.files.values(), key=lambda c: c.output_tokens)
    assert by_size[0].seconds < by_size[-1].seconds


async def test_jitter_keeps_the_graph_and_tokens_and_changes_only_times() -> None:
    workload = await build_workload(DEFAULT_IDEAS[4], FactoryConfig(), LATENCY)
    assert workload.jittered(0.0, random.Random(1)) is workload
    noisy = workload.jittered(0.3, random.Random(1))
    assert noisy.deps == workload.deps
    assert [c.output_tokens for c in noisy.files.values()] == [
        c.output_tokens for c in workload.files.values()]
    assert noisy.durations() != workload.durations()
    ratio = sum(noisy.durations().values()) / sum(workload.durations().values())
    assert 0.7 < ratio < 1.3
    assert noisy.durations() == workload.jittered(0.3, random.Random(1)).durations()
    with pytest.raises(ValueError, match="jitter"):
        workload.jittered(-0.1, random.Random(1))
