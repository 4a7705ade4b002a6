"""What every model engine does around one ask: which model answers it and at what length, one
retry with smaller files when the prompt overflows, and the bill and notes of all its calls."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from pydantic import BaseModel

from pipeline.asks import Ask, PlanReviewAsk, Role
from pipeline.config import FactoryConfig, Settings
from pipeline.engines.base import Reply, Usage
from pipeline.engines.limiter import Limits, RateLimiter, shared_limiter
from pipeline.engines.metered import Metered, Spent
from pipeline.engines.retry import RetryPolicy
from pipeline.engines.shared_buckets import bucket_store
from pipeline.engines.shrink import shrink
from pipeline.engines.warmup import PrefixWarmer
from pipeline.errors import EngineError, InvalidAnswer

A = TypeVar("A", bound=BaseModel)

MAX_TOKENS = {
    Role.CRITIC: 2_048,
    Role.PLANNER: 8_192,
    Role.PLAN_REVIEWER: 2_048,
    Role.EXECUTOR: 16_384,
    Role.FILE_REVIEWER: 2_048,
    Role.JUDGE: 4_096,
}
"""The longest answer each role may give (never above the model's own output limit)."""
TOO_LONG = "the {role} prompt exceeds {model}'s context window, even with files cut to signatures"


class ContextExceeded(EngineError):
    """The prompt did not fit the model's context window."""


def model_for(ask: Ask, config: FactoryConfig) -> str:
    """The model the config names for the ask's role (a panel reviewer names its own)."""
    if isinstance(ask, PlanReviewAsk):
        return ask.reviewer.model
    model: str = getattr(config.models, ask.role.value)
    return model


def temperature_for(ask: Ask) -> float | None:
    """The sampling temperature the ask wants (a panel reviewer's), else None."""
    return ask.reviewer.temperature if isinstance(ask, PlanReviewAsk) else None


def metered(config: FactoryConfig, retry: RetryPolicy | None,
            limiter: RateLimiter | None) -> Metered:
    """The calls of one engine: the process's shared limiter for the config's limits."""
    limits = Limits(config.requests_per_minute, config.tokens_per_minute,
                    config.output_tokens_per_minute)
    shared = limiter or shared_limiter(limits, lambda: bucket_store(Settings()))
    return Metered(shared, retry or RetryPolicy(), PrefixWarmer())


async def answer_ask(ask: Ask, model: str,
                     answer: Callable[[Ask, Spent], Awaitable[A]]) -> Reply[A]:
    """`answer(ask, spent)`, once more with files cut to signatures if the prompt overflowed;
    the reply's usage sums every billed call (retries, repairs, drops), failed asks' too."""
    started = time.monotonic()
    spent = Spent()
    try:
        try:
            result = await answer(ask, spent)
        except ContextExceeded:
            smaller = shrink(ask)
            if smaller is None:
                raise
            result = await answer(smaller, spent)
    except ContextExceeded as exc:
        raise InvalidAnswer(TOO_LONG.format(role=ask.role.value, model=model),
                            usage=spent.usage) from exc
    except EngineError as exc:
        exc.usage = spent.usage
        raise
    usage = spent.usage or Usage(model=model)
    return Reply(result, replace(usage, seconds=time.monotonic() - started), tuple(spent.notes))
