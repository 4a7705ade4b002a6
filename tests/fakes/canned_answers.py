"""Answers for every ask type, for fakes that must give a model's answer back: canned or offline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import BaseModel

from pipeline.answers import (
    CRITERIA,
    CheckpointVerdict,
    ComplianceRisk,
    CriterionScore,
    CriticReport,
    FileBody,
    FileReview,
    FileSpec,
    JudgeOpinion,
    Plan,
    PlanReview,
    RiskLevel,
)
from pipeline.asks import (
    Ask,
    CriticAsk,
    FileAsk,
    FileReviewAsk,
    JudgeAsk,
    PlanAsk,
    PlanReviewAsk,
)
from pipeline.config import FactoryConfig
from pipeline.engines.offline import OfflineEngine

FILE_LINES = 60


def small_plan(files: int = 3) -> Plan:
    """A plan of `files` Dart files in a chain: each depends on the one before."""
    specs = [FileSpec(path="lib/main.dart", purpose="starts the app")]
    for i in range(1, files):
        specs.append(FileSpec(path=f"lib/part_{i}.dart", purpose=f"part {i} of the app",
                              exports=[f"Part{i}"], depends_on=[specs[-1].path]))
    return Plan(app_name="tiny_app", title="Tiny app", summary="A tiny app.", files=specs)


def file_content(path: str) -> str:
    """A deterministic Dart-looking body for a file."""
    lines = [f"// {path}", "import 'package:flutter/material.dart';", ""]
    lines += [f"const int value{i} = {i};  // line {i} of {path}" for i in range(FILE_LINES)]
    return "\n".join(lines) + "\n"


async def canned_answer(ask: Ask) -> BaseModel:
    """A valid answer of the ask's answer type: the small plan and its file bodies."""
    return valid_answer(ask, small_plan(), file_content)


def valid_answer(ask: Ask, plan: Plan, content: Callable[[str], str], *, score: int = 8,
                 risk: RiskLevel = RiskLevel.LOW) -> BaseModel:
    """The answer a model that approves everything gives: the critic scores every criterion
    `score` at `risk`, the planner plans `plan`, a file's body is `content(path)`."""
    if isinstance(ask, CriticAsk):
        return CriticReport(
            criteria=[CriterionScore(name=n, score=score, reason=f"{n} is fine")
                      for n in CRITERIA],
            compliance=ComplianceRisk(level=risk, category="none", reason="harmless"),
            summary="A good idea.",
        )
    if isinstance(ask, PlanAsk):
        return plan
    if isinstance(ask, PlanReviewAsk):
        return PlanReview(approve=True)
    if isinstance(ask, FileAsk):
        return FileBody(content=content(ask.spec.path))
    if isinstance(ask, FileReviewAsk):
        return FileReview(approve=True)
    if isinstance(ask, JudgeAsk):
        verdicts = [CheckpointVerdict(id=c.id, passed=True, evidence="seen")
                    for c in ask.checkpoints]
        return JudgeOpinion(verdicts=verdicts, summary="Fine.")
    raise TypeError(f"no canned answer for {type(ask).__name__}")


def offline_answerer(config: FactoryConfig) -> Callable[[Ask], Awaitable[BaseModel]]:
    """Answers computed by the offline engine, so a fake model can carry a whole run."""
    engine = OfflineEngine(config)

    async def answer(ask: Ask) -> BaseModel:
        return engine.answer(ask)

    return answer
