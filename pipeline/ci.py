"""The repository's CI as the final oracle: what the pipeline asks of it, and what it answers.

The pipeline knows nothing of GitHub. The GitHub App passes an object (`bot.ci_oracle`) that
reads the checks other apps report on the head the bot pushed; `factory run` passes none, and
the Judge's CI checkpoint then says that a local run has no repository CI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.ci_diagnostics import CiDiagnostic

FAILING = frozenset({"failure", "timed_out", "action_required", "startup_failure", "cancelled"})
"""Conclusions that leave a head red; success, neutral and skipped do not."""


@dataclass(frozen=True)
class CiJob:
    """One check another app reports on the head (an Actions job is one)."""

    name: str
    conclusion: str | None
    """None while it runs."""
    url: str
    ref: str = ""
    """The reporter's own handle for the job (on GitHub, the check run's id)."""

    @property
    def done(self) -> bool:
        return self.conclusion is not None

    @property
    def failed(self) -> bool:
        return self.conclusion in FAILING


@dataclass(frozen=True)
class CiSnapshot:
    """What CI reported on one head at one moment."""

    head: str
    jobs: tuple[CiJob, ...] = ()
    link: str = ""
    """Where a person sees every check of the head."""
    ignored: int = 0
    """Results on this SHA that do not count: another branch's, a fork's."""
    notes: tuple[str, ...] = ()
    """What could not be read, and so was left out (a permission the App lacks)."""

    @property
    def done(self) -> int:
        return sum(job.done for job in self.jobs)

    @property
    def complete(self) -> bool:
        return bool(self.jobs) and self.done == len(self.jobs)

    @property
    def failed(self) -> list[CiJob]:
        return [job for job in self.jobs if job.failed]


@dataclass(frozen=True)
class CiFailures:
    """What the failed jobs blame: their annotations, or their logs where they had none."""

    diagnostics: list[CiDiagnostic] = field(default_factory=list)
    read_logs: list[str] = field(default_factory=list)
    """The jobs whose logs were read."""


class CiOracle(Protocol):
    """Reads the repository's CI on the head the factory pushed last."""

    async def snapshot(self) -> CiSnapshot:
        """The checks on the current head, as they stand."""
        ...

    async def failures(self, snapshot: CiSnapshot, planned: Sequence[str]) -> CiFailures:
        """The diagnostics of the snapshot's failed jobs (`planned`: the files to map to)."""
        ...

    async def pause(self, seconds: float) -> None:
        """Wait `seconds`, or less when CI reports something meanwhile."""
        ...
