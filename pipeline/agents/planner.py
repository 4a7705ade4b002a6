"""The Planner writes the file plan and revises it with the review panel's feedback."""

from __future__ import annotations

from pipeline.answers import Plan
from pipeline.asks import PlanAsk
from pipeline.context import RunContext
from pipeline.status import Stage


async def draft_plan(ctx: RunContext, previous: Plan | None, feedback: list[str],
                     features: list[str] | None = None) -> Plan:
    """A first plan, or a revision of `previous` that addresses `feedback`; either maps the
    Critic's `features` to the files that implement them."""
    ask = PlanAsk(
        idea=ctx.idea,
        min_files=ctx.config.min_files,
        max_files=ctx.config.max_files,
        features=features or [],
        previous=previous,
        feedback=feedback,
    )
    return await ctx.ask(Stage.PLAN, None, ask, Plan)
