"""The `simulated` engine: the offline engine's answers, delivered with a model's latency.

Each answer takes the latency model's time for its output tokens, divided by `sim_speed`, so
a whole run keeps the shape of a real one while finishing K times sooner. Its usage is priced
as the model the config names for the role, with the plan as the prompt-cached prefix (written
once, read after), so budgets, the ledger and cost reports behave as with a paid engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel

from pipeline import pricing
from pipeline.asks import Ask, FileAsk, FileReviewAsk, JudgeAsk, PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines.base import Engine, Reply, Usage
from pipeline.engines.latency import LatencyModel, tokens_in
from pipeline.errors import ConfigError

A = TypeVar("A", bound=BaseModel)

Sleep = Callable[[float], Awaitable[None]]


def model_for(ask: Ask, config: FactoryConfig) -> str:
    """The model that answers `ask`: the panel member's own, else the role's in the config."""
    if isinstance(ask, PlanReviewAsk):
        return ask.reviewer.model
    model: str = getattr(config.models, ask.role.value)
    return model


def _cached_prefix(ask: Ask) -> str:
    """The part of the prompt a model engine marks for the prompt cache: the plan."""
    if isinstance(ask, FileAsk | FileReviewAsk | JudgeAsk | PlanReviewAsk):
        return ask.plan.model_dump_json()
    return ""


def _output_text(answer: BaseModel) -> str:
    content = getattr(answer, "content", None)
    return content if isinstance(content, str) else answer.model_dump_json()


class SimulatedEngine:
    """Wraps an engine (the offline one by default) and adds a model's latency and prices."""

    name = "simulated"
    offline = True

    def __init__(
        self,
        config: FactoryConfig,
        *,
        sim_speed: float = 1.0,
        latency: LatencyModel | None = None,
        inner: Engine | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if sim_speed <= 0:
            raise ConfigError(f"sim_speed must be positive, not {sim_speed}")
        if inner is None:
            from pipeline.engines.offline import OfflineEngine

            inner = OfflineEngine(config)
        self._config = config
        self._inner = inner
        self._sim_speed = sim_speed
        self._latency = latency or LatencyModel()
        self._sleep = sleep
        self._cached: set[tuple[str, int]] = set()

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """The inner engine's answer, after the modelled delay, with modelled usage."""
        reply = await self._inner.ask(ask, answer_type)
        usage = self.usage(ask, reply.answer, reply.usage)
        await self._sleep(usage.seconds / self._sim_speed)
        return Reply(reply.answer, usage)

    def usage(self, ask: Ask, answer: BaseModel, inner: Usage) -> Usage:
        """Tokens (the inner usage's, else estimated from the texts), cost and modelled time."""
        model = model_for(ask, self._config)
        output = inner.output_tokens or tokens_in(_output_text(answer))
        prompt = inner.input_tokens or tokens_in(ask.model_dump_json())
        shared = _cached_prefix(ask)
        prefix = min(prompt, tokens_in(shared))
        key = (model, hash(shared))
        write = read = 0
        if prefix and key in self._cached:
            read = prefix
        elif prefix:
            write = prefix
            self._cached.add(key)
        tokens = {
            "input_tokens": prompt - prefix, "output_tokens": output,
            "cache_write_tokens": write, "cache_read_tokens": read,
        }
        cost = pricing.cost(self._config.price(model), **tokens)
        return Usage(model=model, cost_usd=cost, seconds=self._latency.seconds(output), **tokens)

    async def aclose(self) -> None:
        """Close the inner engine."""
        await self._inner.aclose()
