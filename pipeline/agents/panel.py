"""The plan review panel: 4 reviewers, each its own model configuration, vote on a plan."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pipeline.agents.plan_rules import plan_problems
from pipeline.agents.planner import draft_plan
from pipeline.answers import Plan, PlanReview
from pipeline.asks import PlanReviewAsk
from pipeline.config import ReviewerConfig
from pipeline.context import RunContext
from pipeline.events import PlanReviewed
from pipeline.status import Stage


@dataclass(frozen=True)
class PanelVerdict:
    plan: Plan
    approved: bool
    rounds: int
    feedback: list[str]


async def _review(ctx: RunContext, plan: Plan, reviewer: ReviewerConfig) -> PlanReview:
    ask = PlanReviewAsk(idea=ctx.idea, plan=plan, reviewer=reviewer)
    return await ctx.ask(Stage.PLAN, None, ask, PlanReview)


async def vote(ctx: RunContext, plan: Plan) -> tuple[int, list[str]]:
    """Approvals and the rejecting reviewers' feedback; structural problems reject outright."""
    problems = plan_problems(plan, ctx.config.min_files, ctx.config.max_files)
    if problems:
        return 0, [f"automatic rejection: {p}" for p in problems]
    reviews = await asyncio.gather(*(_review(ctx, plan, r) for r in ctx.config.panel))
    feedback = [
        f"{reviewer.name}: {item}"
        for reviewer, review in zip(ctx.config.panel, reviews, strict=True)
        if not review.approve
        for item in (review.feedback or ["rejected without feedback"])
    ]
    return sum(r.approve for r in reviews), feedback


async def plan_with_panel(ctx: RunContext, features: list[str] | None = None) -> PanelVerdict:
    """Draft, vote, and revise until the quorum approves or the revision rounds run out;
    each plan maps the `features` the Critic found to its files."""
    features = features or []
    plan = await draft_plan(ctx, None, [], features)
    rounds = ctx.config.revision_rounds + 1
    feedback: list[str] = []
    for number in range(1, rounds + 1):
        approvals, feedback = await vote(ctx, plan)
        quorum = ctx.config.panel_quorum
        await ctx.emit(PlanReviewed(
            run_id=ctx.run_id, round=number, approvals=approvals, quorum=quorum,
            feedback=feedback,
        ))
        if approvals >= quorum:
            return PanelVerdict(plan, True, number, feedback)
        if number < rounds:
            plan = await draft_plan(ctx, plan, feedback, features)
    return PanelVerdict(plan, False, rounds, feedback)
