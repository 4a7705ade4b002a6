"""The plan review panel: 4 reviewers, each its own model configuration, vote on a plan.

A reviewer whose engine fails (its provider down after every retry, a key refused, an answer
that stays invalid) abstains, with the reason, and is not asked again in later rounds of the
run. An abstention counts neither for nor against: the quorum (`panel_quorum` approvals) stays
what it is, so with one of four reviewers out the other three must all approve. When fewer
reviewers can vote than the quorum needs, no revision can pass, and the panel stops at once
with the abstentions as its reason.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pipeline.agents.plan_rules import plan_problems
from pipeline.agents.planner import draft_plan
from pipeline.answers import Plan, PlanReview
from pipeline.asks import PlanReviewAsk
from pipeline.config import ReviewerConfig
from pipeline.context import RunContext
from pipeline.errors import EngineError
from pipeline.events import PlanReviewed, Vote
from pipeline.status import Stage

NO_QUORUM = "the panel cannot reach its quorum of {quorum}: {votes}"
ABSTAINED_BEFORE = "could not vote in round {round}: {reason}"


@dataclass(frozen=True)
class PanelVerdict:
    plan: Plan
    approved: bool
    rounds: int
    feedback: list[str]


@dataclass(frozen=True)
class Ballot:
    """One round's outcome: approvals, the rejections' feedback, and every vote."""

    approvals: int
    feedback: list[str]
    votes: list[Vote]

    @property
    def abstentions(self) -> list[Vote]:
        return [v for v in self.votes if v.vote == "abstain"]


async def _review(ctx: RunContext, plan: Plan, reviewer: ReviewerConfig,
                  out: dict[str, str]) -> tuple[Vote, list[str]]:
    """The reviewer's vote, and its feedback when it rejects."""
    engine = reviewer.engine or ctx.default_engine
    seat = {"reviewer": reviewer.name, "engine": engine, "model": reviewer.model}
    if reviewer.name in out:
        return Vote(**seat, vote="abstain", reason=out[reviewer.name]), []
    ask = PlanReviewAsk(idea=ctx.idea, plan=plan, reviewer=reviewer)
    try:
        review = await ctx.ask(Stage.PLAN, None, ask, PlanReview)
    except EngineError as exc:
        return Vote(**seat, vote="abstain", reason=str(exc)), []
    if review.approve:
        return Vote(**seat, vote="approve"), []
    items = review.feedback or ["rejected without feedback"]
    return Vote(**seat, vote="reject", reason=items[0]), items


async def vote(ctx: RunContext, plan: Plan, out: dict[str, str] | None = None) -> Ballot:
    """The panel's ballot; structural problems reject outright. `out` names the reviewers who
    abstained earlier, with why (they are not asked again)."""
    problems = plan_problems(plan, ctx.config.min_files, ctx.config.max_files)
    if problems:
        return Ballot(0, [f"automatic rejection: {p}" for p in problems], [])
    reviews = await asyncio.gather(*(_review(ctx, plan, r, out or {})
                                     for r in ctx.config.panel))
    votes = [v for v, _ in reviews]
    feedback = [f"{v.reviewer}: {item}" for v, items in reviews for item in items]
    return Ballot(sum(v.vote == "approve" for v in votes), feedback, votes)


async def plan_with_panel(ctx: RunContext, features: list[str] | None = None) -> PanelVerdict:
    """Draft, vote, and revise until the quorum approves, the revision rounds run out, or too
    few reviewers are left to reach the quorum; each plan maps the `features` the Critic found
    to its files."""
    features = features or []
    plan = await draft_plan(ctx, None, [], features)
    rounds = ctx.config.revision_rounds + 1
    quorum = ctx.config.panel_quorum
    out: dict[str, str] = {}
    feedback: list[str] = []
    for number in range(1, rounds + 1):
        ballot = await vote(ctx, plan, out)
        feedback = ballot.feedback
        for v in ballot.abstentions:
            out.setdefault(v.reviewer, ABSTAINED_BEFORE.format(round=number, reason=v.reason))
        await ctx.emit(PlanReviewed(
            run_id=ctx.run_id, round=number, approvals=ballot.approvals, quorum=quorum,
            feedback=feedback, votes=ballot.votes,
        ))
        if ballot.approvals >= quorum:
            return PanelVerdict(plan, True, number, feedback)
        if len(ctx.config.panel) - len(out) < quorum:
            lines = "; ".join(v.line() for v in ballot.abstentions)
            return PanelVerdict(plan, False, number,
                                [NO_QUORUM.format(quorum=quorum, votes=lines), *feedback])
        if number < rounds:
            plan = await draft_plan(ctx, plan, feedback, features)
    return PanelVerdict(plan, False, rounds, feedback)
