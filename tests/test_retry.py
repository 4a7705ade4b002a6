"""Retries happen only on transient engine errors, a bounded number of times, with backoff."""

from __future__ import annotations

import random

import pytest

from pipeline.engines.retry import MAX_RETRY_AFTER_S, RetryPolicy, with_retries
from pipeline.errors import EngineError, TransientEngineError


class Flaky:
    """Fails with the given errors in turn, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def policy(delays: list[float], attempts: int = 4) -> RetryPolicy:
    async def record(seconds: float) -> None:
        delays.append(seconds)

    return RetryPolicy(attempts=attempts, base_s=1.0, cap_s=4.0, sleep=record,
                       rng=random.Random(7))


async def test_transient_errors_are_retried_with_growing_capped_pauses() -> None:
    delays: list[float] = []
    call = Flaky(*[TransientEngineError("overloaded") for _ in range(4)])
    assert await with_retries(call, policy(delays, attempts=5), what="test") == "done"

    assert call.calls == 5
    ceilings = [1.0, 2.0, 4.0, 4.0]
    assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))


async def test_retry_after_is_honoured_and_capped() -> None:
    delays: list[float] = []
    call = Flaky(TransientEngineError("429", retry_after=12),
                 TransientEngineError("429", retry_after=10_000))
    await with_retries(call, policy(delays), what="test")

    assert 12 <= delays[0] <= 13
    assert MAX_RETRY_AFTER_S <= delays[1] <= MAX_RETRY_AFTER_S + 1


async def test_the_last_failure_is_raised_when_attempts_run_out() -> None:
    delays: list[float] = []
    call = Flaky(*[TransientEngineError(f"try {i}") for i in range(5)])
    with pytest.raises(TransientEngineError, match="try 2"):
        await with_retries(call, policy(delays, attempts=3), what="test")
    assert call.calls == 3 and len(delays) == 2


async def test_other_errors_are_not_retried() -> None:
    delays: list[float] = []
    call = Flaky(EngineError("bad key"))
    with pytest.raises(EngineError, match="bad key"):
        await with_retries(call, policy(delays), what="test")
    assert call.calls == 1 and delays == []
