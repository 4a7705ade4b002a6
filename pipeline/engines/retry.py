"""Retries a model call on transient failures, with jittered exponential backoff.

Provider-neutral: any engine raises TransientEngineError (with the server's `retry_after` when
it gave one) and wraps its call in `with_retries`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from pipeline.errors import TransientEngineError

T = TypeVar("T")
LOG = logging.getLogger(__name__)
MAX_RETRY_AFTER_S = 3_600.0
"""A pause the server asks for is honoured up to an hour (beyond that the header is nonsense)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try a call and how long to pause between tries."""

    attempts: int = 6
    base_s: float = 1.0
    cap_s: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failure: TransientEngineError, retry: int) -> float:
        """The pause before retry number `retry` (1-based) after `failure`."""
        if failure.retry_after is not None:
            # The server knows when capacity returns; a little jitter keeps callers apart.
            return min(failure.retry_after, MAX_RETRY_AFTER_S) + self.rng.uniform(0, self.base_s)
        return self.rng.uniform(0, min(self.cap_s, self.base_s * 2 ** (retry - 1)))


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy, *, what: str) -> T:
    """Await `call()`, trying again on TransientEngineError up to `policy.attempts` times in all."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except TransientEngineError as failure:
            if attempt == policy.attempts:
                raise
            pause = policy.delay(failure, attempt)
            LOG.warning("transient engine failure", extra={
                "call": what, "attempt": attempt, "error": str(failure), "pause_s": round(pause, 3),
            })
            await policy.sleep(pause)
    raise AssertionError("unreachable: the last attempt returns or raises")
