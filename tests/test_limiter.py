"""The limiter hands out requests, input and output tokens per minute, per model class, once."""

from __future__ import annotations

import asyncio

import pytest
from anthropic import AsyncAnthropic

from pipeline.answers import CriticReport
from pipeline.asks import CriticAsk
from pipeline.config import FactoryConfig
from pipeline.engines.anthropic_engine import AnthropicEngine
from pipeline.engines.limiter import Charge, Limits, MemoryBuckets, RateLimiter, shared_limiter
from tests.fakes.anthropic_api import API_KEY, FakeAnthropic
from tests.fakes.canned_answers import canned_answer

BIG = 10**9


class Clock:
    """A clock that only moves when told, and a sleep that records each wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


def limiter(clock: Clock, rpm: int = BIG, itpm: int = BIG, otpm: int = BIG) -> RateLimiter:
    return RateLimiter(Limits(rpm, itpm, otpm), MemoryBuckets(clock), sleep=clock.sleep)


async def test_concurrent_tasks_share_the_requests_per_minute() -> None:
    clock = Clock()
    shared = limiter(clock, rpm=2)
    await asyncio.gather(*(shared.acquire("sonnet", Charge(10, 10)) for _ in range(5)))

    # Two go at once; the others queue half a minute apart (2 per minute refill).
    assert sorted(clock.sleeps) == pytest.approx([30.0, 60.0, 90.0])
    assert shared.waited == pytest.approx(180.0)


async def test_output_is_charged_from_max_tokens_and_given_back_after() -> None:
    clock = Clock()
    shared = limiter(clock, otpm=8_000)
    await shared.acquire("sonnet", Charge(0, 8_000))
    await shared.settle("sonnet", Charge(0, 8_000), Charge(0, 2_000))
    await shared.acquire("sonnet", Charge(0, 6_000))  # fits: 6,000 came back
    assert clock.sleeps == []
    await shared.acquire("sonnet", Charge(0, 4_000))
    assert clock.sleeps == pytest.approx([30.0])  # 4,000 short at 8,000 a minute


async def test_model_classes_have_their_own_buckets() -> None:
    clock = Clock()
    shared = limiter(clock, itpm=1_000)
    await shared.acquire("opus", Charge(1_000, 0))
    await shared.acquire("haiku", Charge(1_000, 0))
    assert clock.sleeps == []


async def test_rate_limit_headers_lower_what_is_left() -> None:
    clock = Clock()
    shared = limiter(clock, rpm=100)
    await shared.observe("sonnet", {"anthropic-ratelimit-requests-remaining": "0"})
    await shared.acquire("sonnet", Charge(1, 1))
    assert clock.sleeps == pytest.approx([0.6])  # one request at 100 a minute


async def test_one_call_bigger_than_a_minute_waits_a_minute_not_forever() -> None:
    clock = Clock()
    shared = limiter(clock, itpm=1_000)
    await shared.acquire("sonnet", Charge(1, 0))
    await shared.acquire("sonnet", Charge(50_000, 0))
    assert clock.sleeps == pytest.approx([0.06])


def test_engines_built_alike_share_one_limiter() -> None:
    assert shared_limiter(Limits(7, 700, 70)) is shared_limiter(Limits(7, 700, 70))
    assert shared_limiter(Limits(7, 700, 70)) is not shared_limiter(Limits(8, 700, 70))


async def test_two_engines_under_one_limiter_queue_their_calls() -> None:
    clock = Clock()
    shared = limiter(clock, rpm=3)
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
