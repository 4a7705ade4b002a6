"""What an agent asks an engine: one request type per role, each naming its answer type."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from pipeline.answers import (
    CriticReport,
    FileBody,
    FileReview,
    FileSpec,
    JudgeOpinion,
    Plan,
    PlanReview,
)
from pipeline.config import ReviewerConfig


class Role(StrEnum):
    CRITIC = "critic"
    PLANNER = "planner"
    PLAN_REVIEWER = "plan_reviewer"
    EXECUTOR = "executor"
    FILE_REVIEWER = "file_reviewer"
    JUDGE = "judge"


class Ask(BaseModel):
    """Base of every request; `role` and `answer` say who answers and with what type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: ClassVar[Role]
    answer: ClassVar[type[BaseModel]]

    idea: str


class CriticAsk(Ask):
    role = Role.CRITIC
    answer = CriticReport


class PlanAsk(Ask):
    role = Role.PLANNER
    answer = Plan

    min_files: int
    max_files: int
    features: list[str] = Field(
        default_factory=list, description="the features the Critic found; map each to files")
    previous: Plan | None = None
    feedback: list[str] = Field(default_factory=list)


class PlanReviewAsk(Ask):
    role = Role.PLAN_REVIEWER
    answer = PlanReview

    plan: Plan
    reviewer: ReviewerConfig
    problems: list[str] = Field(
        default_factory=list, description="structural problems found by code (cycles, bad paths)"
    )


class FileAsk(Ask):
    role = Role.EXECUTOR
    answer = FileBody

    plan: Plan
    spec: FileSpec
    dependencies: dict[str, str] = Field(default_factory=dict, description="path -> content")
    attempt: int = 1
    previous: str | None = None
    feedback: str | None = None
    note: str | None = Field(default=None, description="a user's note from /retry")


class FileReviewAsk(Ask):
    role = Role.FILE_REVIEWER
    answer = FileReview

    plan: Plan
    spec: FileSpec
    content: str
    dependencies: dict[str, str] = Field(default_factory=dict, description="path -> content")
    findings: list[str] = Field(default_factory=list, description="static check findings")


class CheckpointQuestion(BaseModel):
    """A judge checkpoint that needs judgement rather than a program."""

    model_config = ConfigDict(frozen=True)

    id: str
    question: str


class JudgeAsk(Ask):
    role = Role.JUDGE
    answer = JudgeOpinion

    plan: Plan
    files: dict[str, str]
    checkpoints: list[CheckpointQuestion]
    features: list[str] = Field(
        default_factory=list, description="the features the idea names; trace each to code")
