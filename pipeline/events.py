"""Typed events the orchestrator reports, and the sink protocol that receives them.

Sinks turn events into effects: a local git repository, GitHub calls, a progress display,
Redis Streams. The orchestrator awaits each sink, so a sink that commits a level has done so
before the run goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from pipeline.answers import CriticReport, Plan
from pipeline.status import RunStatus, Stage


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    run_id: str


class RunStarted(_Event):
    kind: Literal["run_started"] = "run_started"
    idea: str
    engine: str
    resumed: bool = False


class StageStarted(_Event):
    kind: Literal["stage_started"] = "stage_started"
    stage: Stage


class CriticReported(_Event):
    kind: Literal["critic_reported"] = "critic_reported"
    report: CriticReport
    markdown: str


class GateDecided(_Event):
    kind: Literal["gate_decided"] = "gate_decided"
    gate: str
    passed: bool
    reason: str


class PlanReviewed(_Event):
    kind: Literal["plan_reviewed"] = "plan_reviewed"
    round: int
    approvals: int
    quorum: int
    feedback: list[str]


class PlanApproved(_Event):
    kind: Literal["plan_approved"] = "plan_approved"
    plan: Plan
    levels: list[list[str]]
    markdown: str


class FileStarted(_Event):
    kind: Literal["file_started"] = "file_started"
    path: str
    attempt: int


class FileRetrying(_Event):
    kind: Literal["file_retrying"] = "file_retrying"
    path: str
    attempt: int
    feedback: str


class FileDone(_Event):
    kind: Literal["file_done"] = "file_done"
    path: str
    attempts: int


class Finding(BaseModel):
    """A static-check finding or review note attached to a file line (for annotations)."""

    model_config = ConfigDict(frozen=True)

    path: str
    line: int
    message: str
    severity: Literal["error", "warning", "notice"] = "error"


class FileFailed(_Event):
    kind: Literal["file_failed"] = "file_failed"
    path: str
    attempts: int
    feedback: str
    findings: list[Finding] = Field(default_factory=list)


class FilesBlocked(_Event):
    kind: Literal["files_blocked"] = "files_blocked"
    paths: list[str]
    because: str


class LevelComplete(_Event):
    """A DAG level is finished; sinks that write code commit `files` as one commit."""

    kind: Literal["level_complete"] = "level_complete"
    level: int  # 1-based
    levels: int
    files: dict[str, str]
    message: str


class Progress(_Event):
    """A snapshot for live displays: stage, level k/n, file counts, tokens, cost, elapsed."""

    kind: Literal["progress"] = "progress"
    stage: Stage
    level: int
    levels: int
    files_total: int
    files_done: int
    files_failed: int
    files_retrying: int
    tokens: int
    cost_usd: float
    elapsed_s: float


class JudgeReported(_Event):
    kind: Literal["judge_reported"] = "judge_reported"
    score: int
    passed: bool
    threshold: int
    markdown: str


class RunFinished(_Event):
    kind: Literal["run_finished"] = "run_finished"
    status: RunStatus
    title: str
    summary: str
    retry_paths: list[str] = Field(default_factory=list)
    gate: str | None = None


Event = Annotated[
    RunStarted | StageStarted | CriticReported | GateDecided | PlanReviewed | PlanApproved
    | FileStarted | FileRetrying | FileDone | FileFailed | FilesBlocked | LevelComplete
    | Progress | JudgeReported | RunFinished,
    Field(discriminator="kind"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


class Sink(Protocol):
    """Receives a run's events in order."""

    async def emit(self, event: Event) -> None: ...


class FanOut:
    """A sink that hands each event to several sinks, in order."""

    def __init__(self, sinks: Sequence[Sink]) -> None:
        self._sinks = list(sinks)

    async def emit(self, event: Event) -> None:
        for sink in self._sinks:
            await sink.emit(event)
