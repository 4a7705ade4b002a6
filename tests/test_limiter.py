"""The process-wide limiter hands out requests and tokens per minute once, across tasks."""

from __future__ import annotations

import asyncio

import pytest
from anthropic import AsyncAnthropic

from pipeline.answers import CriticReport
from pipeline.asks import CriticAsk
from pipeline.config import FactoryConfig
from pipeline.engines.anthropic_engine import AnthropicEngine
from pipeline.engines.limiter import RateLimiter, shared_limiter
from tests.fakes.anthropic_api import API_KEY, FakeAnthropic
from tests.fakes.canned_answers import canned_answer


class Clock:
    """A clock that only moves when a sleeper sleeps, and records each sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


def limiter(rpm: int, tpm: int, clock: Clock) -> RateLimiter:
    return RateLimiter(rpm, tpm, clock=clock, sleep=clock.sleep)


async def test_concurrent_tasks_share_the_requests_per_minute() -> None:
    clock = Clock()
    shared = limiter(2, 1_000_000, clock)
    await asyncio.gather(*(shared.acquire(10) for _ in range(5)))

    # Two go at once; the others queue half a minute apart (2 per minute refill).
    assert sorted(clock.sleeps) == pytest.approx([30.0, 60.0, 90.0])
    assert shared.waited == pytest.approx(180.0)


async def test_tokens_per_minute_is_the_tighter_limit_when_calls_are_big() -> None:
    clock = Clock()
    shared = limiter(1_000, 6_000, clock)
    await asyncio.gather(*(shared.acquire(3_000) for _ in range(3)))
    assert clock.sleeps == pytest.approx([30.0])


async def test_capacity_comes_back_with_time() -> None:
    clock = Clock()
    shared = limiter(1, 1_000_000, clock)
    await shared.acquire(1)
    clock.now = 60.0
    await shared.acquire(1)
    assert clock.sleeps == []


async def test_settling_a_bigger_call_delays_the_next_one() -> None:
    clock = Clock()
    shared = limiter(1_000, 1_000, clock)
    await shared.acquire(100)
    shared.settle(estimated=100, actual=1_300)
    await shared.acquire(100)
    assert clock.sleeps == pytest.approx([24.0])  # 400 tokens in debt at 1000/min


async def test_one_call_bigger_than_a_minute_waits_a_minute_not_forever() -> None:
    clock = Clock()
    shared = limiter(1_000, 1_000, clock)
    await shared.acquire(1)
    await shared.acquire(50_000)
    assert clock.sleeps == pytest.approx([0.06])


def test_engines_built_alike_share_one_limiter() -> None:
    assert shared_limiter(7, 700) is shared_limiter(7, 700)
    assert shared_limiter(7, 700) is not shared_limiter(8, 700)


async def test_two_engines_under_one_limiter_queue_their_calls() -> None:
    clock = Clock()
    shared = limiter(3, 10_000_000, clock)
    async with FakeAnthropic(answer=canned_answer) as fake:
        engines = [
            AnthropicEngine(FactoryConfig(), limiter=shared,
                            client=AsyncAnthropic(api_key=API_KEY, base_url=fake.url))
            for _ in range(2)
        ]
        asks = [e.ask(CriticAsk(idea=f"idea {i}"), CriticReport)
                for i in range(3) for e in engines]
        replies = await asyncio.gather(*asks)

    assert len(replies) == 6 and len(fake.requests) == 6
    assert sorted(clock.sleeps) == pytest.approx([20.0, 40.0, 60.0])
