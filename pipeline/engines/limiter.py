"""A process-wide limiter of requests and tokens per minute, shared by all concurrent calls.

Two token buckets (requests, tokens) refill continuously at their per-minute rate. A call
reserves its share at once, without a lock (the check and the debit happen in one step of the
event loop), and then sleeps until the buckets cover it; so concurrent tasks queue in order
and the capacity is never handed out twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

SECONDS_PER_MINUTE = 60.0

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Bucket:
    capacity: float
    level: float
    per_second: float
    updated: float

    def take(self, amount: float, now: float) -> float:
        """Debit `amount` now; the seconds until the bucket is no longer in debt."""
        self.level = min(self.capacity, self.level + (now - self.updated) * self.per_second)
        self.updated = now
        # A call bigger than a whole minute's worth waits a minute, not forever.
        self.level -= min(amount, self.capacity)
        return max(0.0, -self.level / self.per_second)


@dataclass
class RateLimiter:
    """Requests/min and tokens/min for every call that holds this limiter."""

    requests_per_minute: int
    tokens_per_minute: int
    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    waited: float = 0.0
    """Total seconds callers have been made to wait (for reports and tests)."""
    _requests: _Bucket = field(init=False)
    _tokens: _Bucket = field(init=False)

    def __post_init__(self) -> None:
        now = self.clock()
        self._requests = _bucket(self.requests_per_minute, now)
        self._tokens = _bucket(self.tokens_per_minute, now)

    async def acquire(self, tokens: int) -> None:
        """Wait until one more request carrying about `tokens` tokens fits within the limits."""
        now = self.clock()
        delay = max(self._requests.take(1, now), self._tokens.take(tokens, now))
        if delay > 0:
            self.waited += delay
            await self.sleep(delay)

    def settle(self, estimated: int, actual: int) -> None:
        """Correct the tokens a call reserved once its real count is known."""
        self._tokens.level += estimated - actual


def _bucket(per_minute: int, now: float) -> _Bucket:
    return _Bucket(
        capacity=float(per_minute), level=float(per_minute),
        per_second=per_minute / SECONDS_PER_MINUTE, updated=now,
    )


_SHARED: dict[tuple[int, int], RateLimiter] = {}


def shared_limiter(requests_per_minute: int, tokens_per_minute: int) -> RateLimiter:
    """The one limiter of this process for these limits (engines built alike share it)."""
    key = (requests_per_minute, tokens_per_minute)
    if key not in _SHARED:
        _SHARED[key] = RateLimiter(requests_per_minute, tokens_per_minute)
    return _SHARED[key]
