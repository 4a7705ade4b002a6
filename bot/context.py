"""What every webhook handler shares: the store, the run defaults and the App's identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.ci_signals import CiSignals
from pipeline.config import FactoryConfig
from pipeline.store.base import RunStore

ORIGIN_KIND = "github"


@dataclass
class BotContext:
    """Handed to every router handler beside the event and the installation's client."""

    store: RunStore
    engine: str
    """The engine new runs use (chosen once at start-up)."""
    base_config: FactoryConfig = field(default_factory=FactoryConfig)
    """The server's config; a repository's `.github/factory.yml` overrides its knobs."""
    app_id: int = 0
    ci_signals: CiSignals = field(default_factory=CiSignals)
    """Wakes this process's runs that wait for CI when an event reports on their head."""


def origin_of(repo: str, **keys: Any) -> dict[str, Any]:
    """Store origin keys that select a GitHub run: its repository plus `issue=` or `pr=`."""
    return {"kind": ORIGIN_KIND, "repo": repo, **keys}
