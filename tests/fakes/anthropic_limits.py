"""The fake API's rate limits: per model class, requests, input and output tokens per minute.

As the real API does (https://docs.anthropic.com/en/api/rate-limits): output is charged from
`max_tokens` when a request starts and the unused part is given back when it ends; cache reads
do not count against input tokens; every answer says what is left in `anthropic-ratelimit-*`
headers; a request that does not fit is refused with a 429 and a `retry-after`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.anthropic_tokens import count, segments

KINDS = ("requests", "input-tokens", "output-tokens")


@dataclass(frozen=True)
class RateLimits:
    """Per-minute limits of every model class."""

    requests_per_minute: int = 1_000_000
    input_tokens_per_minute: int = 1_000_000_000
    output_tokens_per_minute: int = 1_000_000_000

    def of(self, kind: str) -> int:
        return {"requests": self.requests_per_minute,
                "input-tokens": self.input_tokens_per_minute,
                "output-tokens": self.output_tokens_per_minute}[kind]


def model_class(model: str) -> str:
    """The class a model's limits are counted in."""
    return next((c for c in ("opus", "sonnet", "haiku") if c in model), "other")


@dataclass
class RateBuckets:
    """Token buckets per (class, kind); None limits: nothing is ever refused."""

    limits: RateLimits | None
    clock: Callable[[], float] = time.monotonic
    _levels: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    _charged: dict[int, int] = field(default_factory=dict)

    def _limits(self) -> RateLimits:
        return self.limits or RateLimits()

    def _level(self, key: tuple[str, str]) -> float:
        cap = self._limits().of(key[1])
        level, then = self._levels.get(key, (cap, self.clock()))
        now = self.clock()
        level = min(cap, level + (now - then) * cap / 60)
        self._levels[key] = (level, now)
        return level

    def _add(self, key: tuple[str, str], amount: float) -> None:
        level = self._level(key)
        self._levels[key] = (min(self._limits().of(key[1]), level + amount), self.clock())

    def take(self, body: dict[str, Any]) -> int | None:
        """Charge a request; None when it fits, else the seconds to wait (nothing charged)."""
        group = model_class(str(body.get("model")))
        charge = {"requests": 1, "input-tokens": sum(count(t) for t, _ in segments(body)),
                  "output-tokens": int(body.get("max_tokens", 0))}
        if self.limits is None:
            return None
        waits = []
        for kind, amount in charge.items():
            level, cap = self._level((group, kind)), self._limits().of(kind)
            amount = min(amount, cap)
            if level < amount:
                waits.append((amount - level) * 60 / cap)
        if waits:
            return max(1, math.ceil(max(waits)))
        for kind, amount in charge.items():
            self._add((group, kind), -min(amount, self._limits().of(kind)))
        self._charged[id(body)] = charge["input-tokens"]
        return None

    def settle(self, body: dict[str, Any], usage: dict[str, int]) -> None:
        """Give back what a finished request did not use: output below max_tokens, cache reads."""
        if self.limits is None:
            return
        group = model_class(str(body.get("model")))
        used_input = usage["input_tokens"] + usage["cache_creation_input_tokens"]
        self._add((group, "input-tokens"), self._charged.pop(id(body), used_input) - used_input)
        self._add((group, "output-tokens"), int(body["max_tokens"]) - usage["output_tokens"])

    def headers(self, body: dict[str, Any]) -> dict[str, str]:
        """The `anthropic-ratelimit-*` headers of an answer to `body`."""
        group = model_class(str(body.get("model")))
        reset = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out = {}
        for kind in KINDS:
            out[f"anthropic-ratelimit-{kind}-limit"] = str(self._limits().of(kind))
            out[f"anthropic-ratelimit-{kind}-remaining"] = str(int(self._level((group, kind))))
            out[f"anthropic-ratelimit-{kind}-reset"] = reset
        return out
