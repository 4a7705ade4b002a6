"""Names and numbers the bot tests share: the App, its installation, its repository, and two
ideas (the second one a kill gate stops)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.github import RetryPolicy
from pipeline.config import FactoryConfig

APP_ID = 4242
INSTALLATION_ID = 77
REPO = "octo-org/recipes"
WEBHOOK_SECRET = "it's a secret to everybody"
IDEA = ("Recipe box", "A recipe box app to save and search family recipes with notes, "
        "ingredients and cooking steps.")
KILLED_IDEA = ("Casino night", "An online casino app for sports betting and poker with "
               "real-money wagers.")
FAST = RetryPolicy(attempts=4, backoff_s=0.001, max_backoff_s=0.01, secondary_wait_s=0.001,
                   max_wait_s=1.0)

NO_CI_WAIT = FactoryConfig(ci_grace_s=0.2, ci_poll_s=0.05)
"""The server config of tests that play no CI: a head without checks concludes at once."""


@dataclass(frozen=True)
class KeyPair:
    private: str
    public: str
