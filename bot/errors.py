"""Exceptions of the GitHub App, rooted in one base class; GitHub's failures are mapped here."""

from __future__ import annotations

from pipeline.errors import FactoryError


class BotError(FactoryError):
    """Base of every error the bot raises on purpose."""


class SettingsError(BotError):
    """A GitHub App setting is missing or malformed (the message names the variable)."""


class GitHubError(BotError):
    """GitHub answered a request with an error the bot cannot recover from."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub answered {status}: {message}")
        self.status = status


class NotFound(GitHubError):
    """404: the repository, issue, file or ref does not exist (or the App cannot see it)."""


class Unprocessable(GitHubError):
    """422: GitHub refused the request's content (validation failed, not a fast-forward...)."""


class RateLimited(GitHubError):
    """The primary or secondary rate limit held for longer than the bot is willing to wait."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(status, message)
        self.retry_after = retry_after
        """Seconds GitHub asked us to wait, when it said."""


class GitHubUnavailable(GitHubError):
    """GitHub kept answering 5xx after the bounded retries."""


class UnsafePath(BotError):
    """A path from a plan or a comment that the publisher refuses to write."""
