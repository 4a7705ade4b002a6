"""Choosing engines: the run's by flag, then FACTORY_ENGINE, then `offline` when no API key;
each role's from the config (pipeline/engines/roles.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pipeline.config import FactoryConfig
from pipeline.engines.base import Engine
from pipeline.errors import ConfigError

ENGINES = ("offline", "simulated", "anthropic", "claude-cli", "openai")
BUILT_IN = frozenset(ENGINES) - {"openai"}
"""Engines that are not an OpenAI-compatible provider."""
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


def make_engine(name: str, config: FactoryConfig, *, sim_speed: float = 1.0,
                environ: Mapping[str, str] | None = None) -> Engine:
    """Build the run's engine, or one engine per engine the config's roles name.

    A config naming a model without a price, or a provider whose variables are not set, is
    refused here, before any call is made, in one line naming the roles concerned.
    """
    config.check_prices()
    env = os.environ if environ is None else environ
    roles = _roles(name, config)
    if list(roles) == [name]:
        return _engine(name, config, sim_speed, env, roles[name])
    from pipeline.engines.providers import roles_text
    from pipeline.engines.roles import RoleEngines

    built: dict[str, Engine] = {}
    for engine, seats in roles.items():
        try:
            built[engine] = _engine(engine, config, sim_speed, env, seats)
        except ConfigError as exc:
            if engine not in BUILT_IN:  # a provider's line names its roles already
                raise
            raise ConfigError(f"{exc}; it serves {roles_text(seats)}") from None
    return RoleEngines(built, config, name)


def check_providers(name: str, config: FactoryConfig,
                    environ: Mapping[str, str] | None = None) -> None:
    """Refuse, at start, a config whose roles name an OpenAI-compatible provider whose
    variables are not set (one line naming them and the roles)."""
    from pipeline.engines.providers import provider

    env = os.environ if environ is None else environ
    for engine, seats in _roles(name, config).items():
        if engine not in BUILT_IN:
            provider(engine, env, seats)


def _roles(name: str, config: FactoryConfig) -> dict[str, list[str]]:
    """The roles of each engine the config's seats name, the run's engine being `name`."""
    roles: dict[str, list[str]] = {}
    for seat in config.seats(name):
        roles.setdefault(seat.engine, []).append(seat.role)
    return roles


def _engine(name: str, config: FactoryConfig, sim_speed: float, environ: Mapping[str, str],
            roles: list[str]) -> Engine:
    """One engine; the model engines are imported only when chosen."""
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
    # Any other name is an OpenAI-compatible provider: `openai` itself or a named one.
    from pipeline.engines.openai_engine import OpenAIEngine
    from pipeline.engines.providers import provider

    return OpenAIEngine(config, provider(name, environ, roles))
