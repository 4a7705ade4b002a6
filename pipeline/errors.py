"""Exceptions of the pipeline, rooted in one base class."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.engines.base import Usage


class FactoryError(Exception):
    """Base of every error the pipeline raises on purpose."""


class ConfigError(FactoryError):
    """A setting or config file is missing or malformed."""


class BadInput(FactoryError):
    """The user gave input the factory cannot work with (empty idea, unusable --out...)."""


class RunNotFound(FactoryError):
    """No run with that id is in the store."""


class InvalidTransition(FactoryError):
    """A run status change that the state machine does not allow."""


class EngineError(FactoryError):
    """An engine could not produce an answer."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage
        """What the calls that failed were billed, so a ledger can still record it."""


class TransientEngineError(EngineError):
    """A failure worth retrying: rate limit, overload, 5xx, timeout, a dropped stream."""

    def __init__(self, message: str, retry_after: float | None = None,
                 usage: Usage | None = None) -> None:
        super().__init__(message, usage)
        self.retry_after = retry_after


class InvalidAnswer(EngineError):
    """The model's answer did not validate, even after the repair turn."""


class Refused(InvalidAnswer):
    """The model refused to answer (stop reason `refusal`); the reason is the message."""


class BudgetExceeded(FactoryError):
    """Spend reached the run's budget during code generation."""


class Cancelled(FactoryError):
    """The run was cancelled by a user."""


class Undelivered(FactoryError):
    """A sink could not deliver an event now (the service refused or was away); the outbox
    keeps it and tries again, after `retry_after` seconds when the service said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
