"""Names and numbers the bot tests share: the App, its installation, its repository."""

from __future__ import annotations

from dataclasses import dataclass

from bot.github import RetryPolicy

APP_ID = 4242
INSTALLATION_ID = 77
REPO = "octo-org/recipes"
WEBHOOK_SECRET = "it's a secret to everybody"
FAST = RetryPolicy(attempts=4, backoff_s=0.001, max_backoff_s=0.01, secondary_wait_s=0.001,
                   max_wait_s=1.0)


@dataclass(frozen=True)
class KeyPair:
    private: str
    public: str
