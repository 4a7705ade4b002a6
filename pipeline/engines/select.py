"""Choosing an engine by name: flag, then FACTORY_ENGINE, then `offline` when no API key."""

from __future__ import annotations

import os

from pipeline.config import FactoryConfig
from pipeline.engines.base import Engine
from pipeline.errors import ConfigError

ENGINES = ("offline", "simulated", "anthropic", "claude-cli")
OFFLINE_NOTICE = (
    "engine: offline — deterministic templates, no model is called and nothing leaves this "
    "machine (set ANTHROPIC_API_KEY or pass --engine anthropic for real models)"
)


def choose_engine(flag: str | None, configured: str | None) -> tuple[str, str | None]:
    """The engine's name, and a notice for stderr when the choice was made by default."""
    name = flag or configured
    if name:
        if name not in ENGINES:
            raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
        return name, OFFLINE_NOTICE if name == "offline" else None
    if os.environ.get("ANTHROPIC_API_KEY"):
        return "anthropic", "engine: anthropic (ANTHROPIC_API_KEY is set)"
    return "offline", OFFLINE_NOTICE


def make_engine(name: str, config: FactoryConfig, *, sim_speed: float = 1.0) -> Engine:
    """Build the named engine; the model engines are imported only when chosen.

    A config naming a model without a price is refused here, before any call is made.
    """
    config.check_prices()
    if name == "offline":
        from pipeline.engines.offline import OfflineEngine

        return OfflineEngine(config)
    if name == "simulated":
        from pipeline.engines.simulated import SimulatedEngine

        return SimulatedEngine(config, sim_speed=sim_speed)
    if name == "anthropic":
        from pipeline.engines.anthropic_engine import AnthropicEngine

        return AnthropicEngine(config)
    if name == "claude-cli":
        from pipeline.engines.claude_cli import ClaudeCliEngine

        return ClaudeCliEngine(config)
    raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
