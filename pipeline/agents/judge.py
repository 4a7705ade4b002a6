"""The Judge: scores the finished project on 26 checkpoints worth 100 points.

It passes an app only when the total reaches the pass mark and no blocking checkpoint failed:
an app that does not compile, whose tests fail, or that lacks a feature the idea names fails
whatever its score, and the report lists what was not built.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, Field

from pipeline.agents.checkpoints import CHECKPOINTS, Checkpoint, Project
from pipeline.agents.outcome import Outcome
from pipeline.answers import JudgeOpinion
from pipeline.asks import CheckpointQuestion, JudgeAsk
from pipeline.context import RunContext
from pipeline.errors import InvalidAnswer
from pipeline.markdown import cell
from pipeline.offload import off_loop
from pipeline.status import Stage

NO_VERDICT = "the judge gave no verdict"
UNREADABLE_OPINION = "The engine's judgement could not be read, so its checkpoints fail"
MARKS = {"passed": "✅", "failed": "❌", "not verified": "⚪"}


class CheckpointResult(BaseModel):
    id: str
    title: str
    points: int
    passed: bool
    evidence: str
    decided_by: str  # "code", "sdk", "trace" or the engine's name
    verified: bool = True
    blocks: bool = False

    @property
    def status(self) -> str:
        return "passed" if self.passed else "failed" if self.verified else "not verified"


class JudgeReport(BaseModel):
    checkpoints: list[CheckpointResult]
    score: int
    threshold: int
    summary: str
    not_built: list[str] = Field(default_factory=list)
    """Features the idea names that the code does not perform."""
    ci: list[str] = Field(default_factory=list)
    """What the repository's CI reported, what was repaired, whether it went green."""

    @property
    def blocking(self) -> list[CheckpointResult]:
        """Failed checkpoints that fail the app whatever its score."""
        return [r for r in self.checkpoints if r.blocks and not r.passed]

    @property
    def passed(self) -> bool:
        return self.score >= self.threshold and not self.blocking


def decide_by_code(project: Project) -> dict[str, Outcome]:
    """The outcomes of the checkpoints that code decides, by checkpoint id."""
    return {c.id: c.decide(project) for c in CHECKPOINTS if c.decide is not None}


async def judge(ctx: RunContext, project: Project) -> JudgeReport:
    """Run the SDK's checks, ask the engine, decide the code checkpoints, total the points."""
    questions = [CheckpointQuestion(id=c.id, question=c.question)
                 for c in CHECKPOINTS if c.decide is None]
    ask = JudgeAsk(idea=ctx.idea, plan=project.plan, files=project.files, checkpoints=questions,
                   features=project.features)
    sdk = await ctx.sdk.verify(project.files)
    try:
        opinion = await ctx.ask(Stage.JUDGE, None, ask, JudgeOpinion)
    except InvalidAnswer as exc:  # the code checkpoints still stand; the judged ones fail
        opinion = JudgeOpinion(verdicts=[], summary=f"{UNREADABLE_OPINION}: {exc}")
    judged = replace(project, sdk=sdk, claims=opinion.features)
    decided = await off_loop(decide_by_code, judged)  # the checks parse every file
    verdicts = {v.id: v for v in opinion.verdicts}
    results = []
    for c in CHECKPOINTS:
        if c.decide is not None:
            outcome, by = decided[c.id], c.decided_by
        elif c.id in verdicts:
            outcome = Outcome(verdicts[c.id].passed, verdicts[c.id].evidence)
            by = ctx.engine.name
        else:
            outcome, by = Outcome(False, NO_VERDICT), ctx.engine.name
        results.append(_result(c, outcome, by))
    return JudgeReport(
        checkpoints=results, score=sum(r.points for r in results if r.passed),
        threshold=ctx.config.judge_pass_score, summary=opinion.summary,
        not_built=[t.feature for t in judged.traces if t.missing],
    )


def _result(c: Checkpoint, outcome: Outcome, by: str) -> CheckpointResult:
    return CheckpointResult(
        id=c.id, title=c.title, points=c.points, passed=outcome.passed,
        evidence=outcome.evidence, decided_by=by, verified=outcome.verified,
        blocks=outcome.blocks,
    )


def render_judge(report: JudgeReport) -> str:
    """The Judge's report as markdown (PR comment and FACTORY_REPORT.md)."""
    verdict = "PASS" if report.passed else "FAIL"
    passed = sum(r.passed for r in report.checkpoints)
    unverified = sum(r.status == "not verified" for r in report.checkpoints)
    lines = [
        "## Judge report",
        "",
        f"**{verdict}: {report.score}/100** (pass mark {report.threshold}; "
        f"{passed}/{len(report.checkpoints)} checkpoints"
        + (f", {unverified} not verified" if unverified else "") + ")",
        "",
    ]
    if report.not_built:
        lines += [f"**Not built:** {'; '.join(report.not_built)}.", ""]
    if report.blocking:
        named = ", ".join(f"{r.id} {r.title}" for r in report.blocking)
        lines += [f"**Fails whatever the score:** {named}.", ""]
    lines += [
        "| # | Checkpoint | Points | Result | Evidence | Decided by |",
        "|---|---|---:|---|---|---|",
    ]
    for r in report.checkpoints:
        got = r.points if r.passed else 0
        lines.append(
            f"| {r.id} | {r.title} | {got}/{r.points} | {MARKS[r.status]} | {cell(r.evidence)} "
            f"| {r.decided_by} |"
        )
    if report.ci:
        lines += ["", "**Repository CI**", "", *(f"- {cell(line)}" for line in report.ci)]
    lines += ["", report.summary]
    return "\n".join(lines)
