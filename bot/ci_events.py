"""Router: other apps' results on a head (check_run, check_suite, workflow_run `completed`).

They only end a waiting run's pause early (`bot.ci_signals`); what counts is read again from
GitHub by the run itself. Our own check runs, results from a fork and results without a branch
wake nothing. https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_run
"""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import routing, sansio

from bot.context import BotContext
from bot.github import GitHub

router = routing.Router()
log = logging.getLogger(__name__)


def _wake(ctx: BotContext, data: dict[str, Any], sha: str, branch: str | None,
          app: dict[str, Any] | None) -> None:
    if not branch or (app and app.get("id") == ctx.app_id):
        return
    repo = data["repository"]["full_name"]
    if ctx.ci_signals.report((repo, branch, sha)):
        log.info("CI reported on a waiting head", extra={"repo": repo, "sha": sha})


@router.register("check_run", action="completed")
async def check_run_completed(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """Another app completed a check run."""
    check = event.data["check_run"]
    suite = check.get("check_suite") or {}
    _wake(ctx, event.data, check["head_sha"], suite.get("head_branch"), check.get("app"))


@router.register("check_suite", action="completed")
async def check_suite_completed(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """Another app completed every check run of a suite."""
    suite = event.data["check_suite"]
    _wake(ctx, event.data, suite["head_sha"], suite.get("head_branch"), suite.get("app"))


@router.register("workflow_run", action="completed")
async def workflow_run_completed(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """An Actions workflow run completed; one from a fork says nothing about our head."""
    run = event.data["workflow_run"]
    head_repo = (run.get("head_repository") or {}).get("full_name")
    if head_repo != event.data["repository"]["full_name"]:
        return
    _wake(ctx, event.data, run["head_sha"], run.get("head_branch"), None)
