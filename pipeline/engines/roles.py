"""An engine per role: each ask goes to the engine the config names for its role.

The run's engine (`--engine`) serves every role the config's `engines:` leaves out; a panel
reviewer names its own with `engine:`. So the panel's four reviewers can be four models behind
four providers, and the executor a local model while the Judge is a hosted one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel

from pipeline.asks import Ask, PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines.base import Engine, Reply

A = TypeVar("A", bound=BaseModel)


def engine_for(ask: Ask, config: FactoryConfig, default: str) -> str:
    """The name of the engine that answers `ask`."""
    if isinstance(ask, PlanReviewAsk):
        return ask.reviewer.engine or default
    named: str | None = getattr(config.engines, ask.role.value)
    return named or default


class RoleEngines:
    """Answers each ask with its role's engine; closes them all."""

    offline = False

    def __init__(self, engines: Mapping[str, Engine], config: FactoryConfig,
                 default: str) -> None:
        self._engines = dict(engines)
        self._config = config
        self._default = default
        self.name = "mixed: " + ", ".join(sorted(self._engines))
        self.offline = all(e.offline for e in self._engines.values())

    async def ask(self, ask: Ask, answer_type: type[A]) -> Reply[A]:
        """The answer of the engine `ask`'s role names."""
        engine = self._engines[engine_for(ask, self._config, self._default)]
        return await engine.ask(ask, answer_type)

    async def aclose(self) -> None:
        """Close every engine, even when one of them fails to close."""
        errors: list[BaseException] = []
        for engine in self._engines.values():
            try:
                await engine.aclose()
            except Exception as exc:  # the others must still close
                errors.append(exc)
        if errors:
            raise errors[0]
