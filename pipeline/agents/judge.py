"""The Judge: scores the finished project on 26 checkpoints worth 100 points."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from pipeline.agents.checkpoints import CHECKPOINTS, Project
from pipeline.answers import JudgeOpinion
from pipeline.asks import CheckpointQuestion, JudgeAsk
from pipeline.context import RunContext
from pipeline.errors import InvalidAnswer
from pipeline.markdown import cell
from pipeline.status import Stage

NO_VERDICT = "the judge gave no verdict"
UNREADABLE_OPINION = "The engine's judgement could not be read, so its checkpoints fail"


class CheckpointResult(BaseModel):
    id: str
    title: str
    points: int
    passed: bool
    evidence: str
    decided_by: str  # "code" or the engine's name


class JudgeReport(BaseModel):
    checkpoints: list[CheckpointResult]
    score: int
    threshold: int
    summary: str

    @property
    def passed(self) -> bool:
        return self.score >= self.threshold


async def judge(ctx: RunContext, project: Project) -> JudgeReport:
    """Decide the code checkpoints, ask the engine about the rest, and total the points."""
    # The checks parse every file: keep them off the event loop.
    decided = await asyncio.to_thread(
        lambda: {c.id: c.decide(project) for c in CHECKPOINTS if c.decide is not None}
    )
    questions = [CheckpointQuestion(id=c.id, question=c.question)
                 for c in CHECKPOINTS if c.decide is None]
    ask = JudgeAsk(idea=ctx.idea, plan=project.plan, files=project.files, checkpoints=questions)
    try:
        opinion = await ctx.ask(Stage.JUDGE, None, ask, JudgeOpinion)
    except InvalidAnswer as exc:  # the code checkpoints still stand; the judged ones fail
        opinion = JudgeOpinion(verdicts=[], summary=f"{UNREADABLE_OPINION}: {exc}")
    verdicts = {v.id: v for v in opinion.verdicts}
    results = []
    for c in CHECKPOINTS:
        if c.decide is not None:
            passed, evidence = decided[c.id]
            by = "code"
        elif c.id in verdicts:
            passed, evidence, by = verdicts[c.id].passed, verdicts[c.id].evidence, ctx.engine.name
        else:
            passed, evidence, by = False, NO_VERDICT, ctx.engine.name
        results.append(CheckpointResult(
            id=c.id, title=c.title, points=c.points, passed=passed, evidence=evidence,
            decided_by=by,
        ))
    score = sum(r.points for r in results if r.passed)
    return JudgeReport(
        checkpoints=results, score=score, threshold=ctx.config.judge_pass_score,
        summary=opinion.summary,
    )


def render_judge(report: JudgeReport) -> str:
    """The Judge's report as markdown (PR comment and FACTORY_REPORT.md)."""
    verdict = "PASS" if report.passed else "FAIL"
    passed = sum(r.passed for r in report.checkpoints)
    lines = [
        "## Judge report",
        "",
        f"**{verdict}: {report.score}/100** (pass mark {report.threshold}; "
        f"{passed}/{len(report.checkpoints)} checkpoints)",
        "",
        "| # | Checkpoint | Points | Result | Evidence | Decided by |",
        "|---|---|---:|---|---|---|",
    ]
    for r in report.checkpoints:
        mark = "✅" if r.passed else "❌"
        got = r.points if r.passed else 0
        lines.append(
            f"| {r.id} | {r.title} | {got}/{r.points} | {mark} | {cell(r.evidence)} "
            f"| {r.decided_by} |"
        )
    lines += ["", report.summary]
    return "\n".join(lines)
