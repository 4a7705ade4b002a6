"""Retries a model call on transient failures, with jittered exponential backoff.

Provider-neutral: any engine raises TransientEngineError (with the server's `retry_after` when
it gave one) and wraps its call in `with_retries`. Which HTTP answers are worth retrying, and how
long the server asked to wait, are read the same way for every provider (`transient_status`,
`retry_after`): both the Anthropic and the OpenAI APIs send `retry-after` (seconds),
`retry-after-ms`, and `x-should-retry` to overrule the status.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from pipeline.errors import TransientEngineError

T = TypeVar("T")
LOG = logging.getLogger(__name__)
MAX_RETRY_AFTER_S = 3_600.0
"""A pause the server asks for is honoured up to an hour (beyond that the header is nonsense)."""
TRANSIENT_STATUSES = frozenset({408, 409, 429})
"""Besides these, every 5xx is transient; `x-should-retry` overrides both ways."""


def transient_status(status: int, headers: Mapping[str, str]) -> bool | None:
    """Whether an error status is worth retrying; None when only the body can tell."""
    # The API says whether a retry can help (the SDKs obey the same header when they retry).
    should = headers.get("x-should-retry")
    if should in ("true", "false"):
        return should == "true"
    if status in TRANSIENT_STATUSES or status >= 500:
        return True
    return None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The pause the server asked for, in seconds; None when it named none (or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    seconds = headers.get("retry-after")
    try:
        if millis is not None:
            return float(millis) / 1000
        if seconds is not None:
            return float(seconds)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
    return None


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
