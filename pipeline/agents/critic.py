"""The Critic: scores the idea on five criteria and assesses its compliance risk."""

from __future__ import annotations

from pipeline.answers import CRITERIA, ComplianceRisk, CriterionScore, CriticReport, RiskLevel
from pipeline.asks import CriticAsk
from pipeline.context import RunContext
from pipeline.errors import Refused
from pipeline.markdown import cell
from pipeline.status import Stage

REFUSAL_CATEGORY = "model refusal"


async def criticize(ctx: RunContext) -> CriticReport:
    """Ask the engine for the Critic's report on the run's idea.

    A model that refuses to assess the idea has rejected it: the report says so with a high
    compliance risk, and the compliance gate kills the run with the model's reason.
    """
    try:
        return await ctx.ask(Stage.CRITIC, None, CriticAsk(idea=ctx.idea), CriticReport)
    except Refused as exc:
        return refusal_report(str(exc))


def refusal_report(reason: str) -> CriticReport:
    """The Critic's report on an idea the model refused to assess."""
    return CriticReport(
        criteria=[CriterionScore(name=name, reason=reason, score=0) for name in CRITERIA],
        compliance=ComplianceRisk(reason=reason, category=REFUSAL_CATEGORY, level=RiskLevel.HIGH),
        summary=f"The idea was rejected: {reason}.",
    )


def render_critic(report: CriticReport, min_score: float) -> str:
    """The Critic's report as markdown (PR comment and FACTORY_REPORT.md)."""
    verdict = "passes" if report.score >= min_score else "is below"
    lines = [
        "## Critic report",
        "",
        f"**Score: {report.score:.1f} / 10** — {verdict} the minimum of {min_score:g}.",
        "",
        "| Criterion | Score | Reason |",
        "|---|---:|---|",
    ]
    for c in report.criteria:
        lines.append(f"| {c.name.replace('_', ' ')} | {c.score} | {cell(c.reason)} |")
    risk = report.compliance
    lines += ["", f"**Compliance risk: {risk.level.value}** ({risk.category}) — {risk.reason}"]
    if report.features:
        lines += ["", "**Features the idea names** (the Judge checks each is built): "
                  + "; ".join(report.features)]
    lines += ["", report.summary]
    return "\n".join(lines)
