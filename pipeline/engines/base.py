"""The engine interface every engine implements, and the usage each answer carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from pipeline.asks import Ask

A = TypeVar("A", bound=BaseModel)


@dataclass(frozen=True)
class Usage:
    """Tokens and cost of one engine call."""

    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            model=self.model if self.model == other.model else "mixed",
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
            seconds=self.seconds + other.seconds,
        )

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens + self.output_tokens + self.cache_write_tokens
            + self.cache_read_tokens
        )


@dataclass(frozen=True)
class Reply(Generic[A]):
    """An engine's typed answer and what producing it cost (possibly over several calls)."""

    answer: A
    usage: Usage
    notes: tuple[str, ...] = ()
    """How the engine had to answer, said once per run in the report: a feature the server
    lacks and what was done instead, or a count it had to estimate."""


class Engine(Protocol):
    """Answers an agent's ask with the ask's answer type."""

    name: str
    offline: bool
    """True when no model is called (the announcement and report say so)."""

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """Answer `ask`; `answer_type` is `type(ask).answer`, passed for static typing."""
        ...

    async def aclose(self) -> None:
        """Release connections and subprocesses."""
        ...
