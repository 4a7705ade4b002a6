"""CI events end a waiting run's pause only for its own repository, branch and head."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bot.context import BotContext
from tests.github_values import APP_ID, REPO
from tests.webhook_events import payload

pytest_plugins = ["tests.github_fixtures"]

SHA = "a" * 40
BRANCH = "factory/issue-1-recipe-box"
Dispatch = Callable[[str, dict[str, Any]], Awaitable[None]]


def workflow_run(sha: str = SHA, branch: str = BRANCH, head_repo: str = REPO) -> dict[str, Any]:
    data = payload("workflow_run", "completed")
    data["workflow_run"].update(head_sha=sha, head_branch=branch)
    data["workflow_run"]["head_repository"]["full_name"] = head_repo
    return data


def check_run(app_id: int, sha: str = SHA) -> dict[str, Any]:
    data = payload("check_run", "completed")
    data["check_run"].update(head_sha=sha)
    data["check_run"]["app"]["id"] = app_id
    data["check_run"]["check_suite"]["head_branch"] = BRANCH
    return data


def check_suite(branch: str | None) -> dict[str, Any]:
    data = payload("check_suite", "completed")
    data["check_suite"].update(head_sha=SHA, head_branch=branch)
    return data


async def test_results_elsewhere_leave_the_pause_alone(ctx: BotContext, dispatch: Dispatch
                                                       ) -> None:
    key = (REPO, BRANCH, SHA)
    pause = asyncio.create_task(ctx.ci_signals.pause(key, 600))
    await asyncio.sleep(0)
    for event, data in [
        ("workflow_run", workflow_run(head_repo="mallory/recipes")),  # a fork's run
        ("workflow_run", workflow_run(sha="b" * 40)),  # another head
        ("workflow_run", workflow_run(branch="feature/elsewhere")),  # another branch
        ("check_run", check_run(APP_ID)),  # our own check run
        ("check_suite", check_suite(None)),  # a suite without a branch
    ]:
        await dispatch(event, data)
    for _ in range(10):  # a woken pause would finish within a few turns of the loop
        await asyncio.sleep(0)
    assert not pause.done()
    assert ctx.ci_signals.report(key)  # still waiting: only this ends it
    await asyncio.wait_for(pause, 10)


async def test_another_apps_result_on_the_head_ends_the_pause(ctx: BotContext,
                                                              dispatch: Dispatch) -> None:
    for event, data in [("check_run", check_run(APP_ID + 1)), ("check_suite", check_suite(BRANCH)),
                        ("workflow_run", workflow_run())]:
        pause = asyncio.create_task(ctx.ci_signals.pause((REPO, BRANCH, SHA), 600))
        await asyncio.sleep(0)
        await dispatch(event, data)
        await asyncio.wait_for(pause, 10)
        assert not ctx.ci_signals.report((REPO, BRANCH, SHA))  # nothing waits any more
