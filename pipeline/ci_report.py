"""What the repository's CI said about a run: the final head's verdict and the repairs it drove.

It decides the Judge's CI checkpoint and is shown in the check run and the Judge's comment.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pipeline.agents.outcome import Outcome, failed, passed
from pipeline.events import Finding

CiState = Literal["passed", "failed", "none", "timeout", "local"]
LOCAL = "not verified: a local run has no repository CI (the GitHub App reads it on the PR)"
NO_CI = "not verified: no CI on this repository"
TIMED_OUT = "not verified: CI did not finish on {head} within {seconds:g} s"
SHOWN = 3


def _more(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    return shown + (f" (+{len(items) - SHOWN} more)" if len(items) > SHOWN else "")


class CiReport(BaseModel):
    """The CI verdict on the final head, and each repair round before it."""

    state: CiState
    head: str = ""
    link: str = ""
    jobs: list[str] = Field(default_factory=list)
    failed_jobs: list[str] = Field(default_factory=list)
    blamed: dict[str, list[str]] = Field(default_factory=dict)
    """The final head's diagnostics per planned file."""
    others: list[str] = Field(default_factory=list)
    """Diagnostics in files the factory did not write: reported, never touched."""
    findings: list[Finding] = Field(default_factory=list)
    """The final head's diagnostics in planned files, at their lines (for annotations)."""
    repaired: list[list[str]] = Field(default_factory=list)
    """The files each repair round regenerated, in order."""
    notes: list[str] = Field(default_factory=list)
    """What the CI oracle could not read (a permission the App lacks)."""
    waited_s: float = 0.0
    stopped: str = ""
    """Why repairs stopped while CI was still red (rounds used, budget, nothing to blame)."""

    @property
    def red(self) -> bool:
        return self.state == "failed"

    def outcome(self) -> Outcome:
        """The Judge's checkpoint: passed, failed (blocking) or not verified, with the link."""
        short = self.head[:7]
        if self.state == "local":
            return Outcome.unverified(LOCAL)
        if self.state == "none":
            return Outcome.unverified(NO_CI)
        if self.state == "timeout":
            return Outcome.unverified(TIMED_OUT.format(head=short, seconds=self.waited_s))
        where = f" ({self.link})" if self.link else ""
        if self.state == "passed":
            return passed(f"CI passed on {short}: {_more(self.jobs)}{where}")
        files = _more(sorted(self.blamed)) or "no planned file"
        return failed(f"CI failed on {short}: {_more(self.failed_jobs)}; blames {files}{where}",
                      blocks=True)

    def lines(self) -> list[str]:
        """What CI reported, what was repaired and whether it went green, one point a line."""
        out = [f"repair round {n}: regenerated {', '.join(files)}"
               for n, files in enumerate(self.repaired, 1)]
        out.append(self.outcome().evidence)
        for notes in (notes for _, notes in sorted(self.blamed.items())):
            out.append(notes[0] + (f" (+{len(notes) - 1} more)" if len(notes) > 1 else ""))
        if self.others:
            out.append(f"not the factory's files, not touched: {_more(self.others)}")
        if self.stopped:
            out.append(self.stopped)
        return out + self.notes

    def title(self) -> str:
        """The failed check's title when CI is red on the final head."""
        files = _more(sorted(self.blamed)) or "no planned file"
        return f"CI failed: {_more(self.failed_jobs)} ({files})"
