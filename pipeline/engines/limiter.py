"""Rate limits as the model APIs apply them: per model class, requests, input and output tokens.

Each (class, kind) is a token bucket refilled continuously at its per-minute rate. A call takes
one request, its estimated input tokens (cache reads do not count, as on the Anthropic API) and
its whole `max_tokens` of output up front, as the API charges output at request start; once the
answer is in, the difference to what it really used is given back. Response headers
(`anthropic-ratelimit-*-remaining`, OpenAI's `x-ratelimit-remaining-*`) lower a bucket to what
the server says is left, so other users of the same key are accounted for. Provider-neutral:
callers name the class.

The buckets live in a BucketStore: this process's memory by default, or a store shared by every
process on the API key (pipeline/engines/shared_buckets.py), since the limit belongs to the key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

SECONDS_PER_MINUTE = 60.0
KINDS = ("requests", "input-tokens", "output-tokens")
HEADER = "anthropic-ratelimit-{kind}-{field}"
OPENAI_HEADERS = {"requests": "x-ratelimit-remaining-requests",
                  "input-tokens": "x-ratelimit-remaining-tokens"}
"""OpenAI's (and compatible servers') remaining counts; its token limit covers input and output,
so it lowers the input bucket, the one a request's prompt fills."""

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """Per-minute limits of one model class."""

    requests_per_minute: int
    input_tokens_per_minute: int
    output_tokens_per_minute: int

    def per_minute(self, kind: str) -> int:
        """The limit of one bucket kind."""
        return {"requests": self.requests_per_minute,
                "input-tokens": self.input_tokens_per_minute,
                "output-tokens": self.output_tokens_per_minute}[kind]


@dataclass(frozen=True)
class Charge:
    """What one call takes from its class's buckets."""

    input_tokens: int
    output_tokens: int

    def amounts(self) -> dict[str, int]:
        return {"requests": 1, "input-tokens": self.input_tokens,
                "output-tokens": self.output_tokens}


class BucketStore(Protocol):
    """Token buckets by name; each call refills by elapsed time before it acts."""

    async def take(self, name: str, amount: float, per_minute: float) -> float:
        """Debit `amount` (at most a minute's worth); seconds until the bucket is out of debt."""
        ...

    async def give(self, name: str, amount: float, per_minute: float) -> None:
        """Credit `amount` back (never above a minute's worth)."""
        ...

    async def lower(self, name: str, level: float, per_minute: float) -> None:
        """Lower the bucket to `level` if it holds more (the server says that is what is left)."""
        ...


@dataclass
class _Bucket:
    level: float
    updated: float


@dataclass
class MemoryBuckets:
    """Buckets of this process only."""

    clock: Clock = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def _refill(self, name: str, per_minute: float) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.setdefault(name, _Bucket(per_minute, now))
        rate = per_minute / SECONDS_PER_MINUTE
        bucket.level = min(per_minute, bucket.level + (now - bucket.updated) * rate)
        bucket.updated = now
        return bucket

    async def take(self, name: str, amount: float, per_minute: float) -> float:
        bucket = self._refill(name, per_minute)
        bucket.level -= min(amount, per_minute)
        return max(0.0, -bucket.level / (per_minute / SECONDS_PER_MINUTE))

    async def give(self, name: str, amount: float, per_minute: float) -> None:
        bucket = self._refill(name, per_minute)
        bucket.level = min(per_minute, bucket.level + amount)

    async def lower(self, name: str, level: float, per_minute: float) -> None:
        bucket = self._refill(name, per_minute)
        bucket.level = min(bucket.level, level)


@dataclass
class RateLimiter:
    """Requests and input/output tokens per minute, per model class, for every call holding it."""

    limits: Limits
    buckets: BucketStore = field(default_factory=MemoryBuckets)
    sleep: Sleep = asyncio.sleep
    waited: float = 0.0
    """Total seconds callers have been made to wait (for reports and tests)."""

    async def acquire(self, model_class: str, charge: Charge) -> None:
        """Take `charge` from the class's buckets, then wait until none of them is in debt."""
        delays = [
            await self.buckets.take(_name(model_class, kind), amount, self.limits.per_minute(kind))
            for kind, amount in charge.amounts().items()
        ]
        delay = max(delays)
        if delay > 0:
            self.waited += delay
            await self.sleep(delay)

    async def settle(self, model_class: str, reserved: Charge, used: Charge) -> None:
        """Give back what a call reserved beyond what it used (or take the excess it used)."""
        for kind in ("input-tokens", "output-tokens"):
            extra = reserved.amounts()[kind] - used.amounts()[kind]
            name, per_minute = _name(model_class, kind), self.limits.per_minute(kind)
            if extra > 0:
                await self.buckets.give(name, extra, per_minute)
            elif extra < 0:
                await self.buckets.take(name, -extra, per_minute)

    async def observe(self, model_class: str, headers: Mapping[str, str]) -> None:
        """Lower the buckets to what the server's rate-limit headers say remains."""
        for kind in KINDS:
            remaining = headers.get(HEADER.format(kind=kind, field="remaining"),
                                    headers.get(OPENAI_HEADERS.get(kind, "")))
            if remaining is None or not remaining.isdigit():
                continue
            name, per_minute = _name(model_class, kind), self.limits.per_minute(kind)
            await self.buckets.lower(name, float(remaining), per_minute)


def _name(model_class: str, kind: str) -> str:
    return f"{model_class}:{kind}"


_SHARED: dict[tuple[Limits, int], RateLimiter] = {}


def shared_limiter(
    limits: Limits, buckets: Callable[[], BucketStore] = MemoryBuckets
) -> RateLimiter:
    """The one limiter of this process (and event loop) for these limits: engines built alike
    share it; `buckets` makes its store the first time (connections belong to one loop)."""
    try:
        loop = id(asyncio.get_running_loop())
    except RuntimeError:
        loop = 0
    key = (limits, loop)
    if key not in _SHARED:
        _SHARED[key] = RateLimiter(limits, buckets())
    return _SHARED[key]
