"""One model call, whatever the provider: rate-limited, warmed, retried, and fully billed.

A provider's engine supplies the attempt (one HTTP request and its answer); this module waits
on the limiter, lets the first call of a shared prompt prefix go alone (the warm-up), retries
transient failures, and adds what every attempt was billed, failed ones included, to the ask's
`Spent`. Both the anthropic and the openai engine send their calls through here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pipeline.engines.base import Usage
from pipeline.engines.limiter import Charge, RateLimiter
from pipeline.engines.retry import RetryPolicy, with_retries
from pipeline.engines.warmup import PrefixWarmer, Started
from pipeline.errors import EngineError

T = TypeVar("T")


@dataclass
class Spent:
    """Everything one ask was billed, across retries, repairs and continuations, and what the
    engine had to say about how it answered (a feature the server lacks, a guessed count)."""

    usage: Usage | None = None
    notes: list[str] = field(default_factory=list)

    def add(self, usage: Usage | None) -> None:
        if usage is not None:
            self.usage = usage if self.usage is None else self.usage + usage

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


@dataclass(frozen=True)
class Attempted(Generic[T]):
    """One attempt's answer, the response headers (rate limits), and what it was billed."""

    answer: T
    headers: Mapping[str, str]
    usage: Usage | None


@dataclass(frozen=True)
class Slot:
    """Where a call stands in line: its rate-limit class, what it reserves, its prefix key."""

    rate_class: str
    reserved: Charge
    prefix_key: str = ""
    """Names the cached prefix (model and text) for the warm-up; "" when nothing is cached."""
    what: str = "model call"


Attempt = Callable[[Started], Awaitable[Attempted[T]]]
"""Sends one request; calls `started()` once the response began (its cache entry is live)."""


class Metered:
    """The limiter, warm-up and retry policy every call of one engine goes through."""

    def __init__(self, limiter: RateLimiter, retry: RetryPolicy,
                 warmer: PrefixWarmer | None = None) -> None:
        self.limiter = limiter
        self._retry = retry
        self._warmer = warmer or PrefixWarmer()

    async def call(self, slot: Slot, attempt: Attempt[T], spent: Spent) -> T:
        """The answer of the first attempt that succeeds; every attempt's bill goes to `spent`."""

        async def once() -> T:
            async with self._warmer.turn(slot.prefix_key) as started:
                await self.limiter.acquire(slot.rate_class, slot.reserved)
                try:
                    done = await attempt(started)
                except EngineError as exc:
                    spent.add(exc.usage)
                    await self.limiter.settle(slot.rate_class, slot.reserved, charge(exc.usage))
                    raise
            await self.limiter.observe(slot.rate_class, done.headers)
            spent.add(done.usage)
            await self.limiter.settle(slot.rate_class, slot.reserved, charge(done.usage))
            return done.answer

        return await with_retries(once, self._retry, what=slot.what)


def charge(usage: Usage | None) -> Charge:
    """What a call counted against the limits: cache reads are free, as on the APIs."""
    if usage is None:
        return Charge(0, 0)
    return Charge(usage.input_tokens + usage.cache_write_tokens, usage.output_tokens)
