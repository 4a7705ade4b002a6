"""The repository's CI as the final oracle, end to end over HTTP against the GitHub fake, whose
Actions workflow reacts to each push to the PR branch (tests/fakes/github_actions.py)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.app import STORE
from pipeline.config import FactoryConfig
from pipeline.status import RunStatus
from tests.fakes.github_actions import FakeActions, Job, Script
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_server import Server
from tests.github_values import IDEA, REPO
from tests.test_github_e2e import latest_check
from tests.webhook_events import labeled, payload, pr_comment

pytest_plugins = ["tests.github_fixtures"]

TARGET = "lib/main.dart"
BROKEN = {"path": TARGET, "start_line": 3, "title": "analyze",
          "message": "Undefined name 'Nope'. (undefined_identifier)"}
RUNNER = "/home/runner/work/recipes/recipes"
LOGS = {
    "flutter analyze": (
        "2026-12-03T12:00:01.0000000Z Analyzing app...\n"
        "2026-12-03T12:00:04.0000000Z   error • Undefined name 'Nope' • lib/main.dart:3:5 • "
        "undefined_identifier\n"
        "2026-12-03T12:00:04.0000000Z 1 issue found. (ran in 2.9s)\n"
        "2026-12-03T12:00:04.1000000Z ##[error]Process completed with exit code 1.\n"),
    "dart analyze --format=machine": (
        "2026-12-03T12:00:04.0000000Z ERROR|COMPILE_TIME_ERROR|UNDEFINED_IDENTIFIER|"
        f"{RUNNER}/lib/main.dart|3|5|4|Undefined name 'Nope'.\n"),
    "flutter test": (
        "2026-12-03T12:00:09.0000000Z 00:03 +4 -1: test/widget_test.dart: home opens [E]\n"
        "2026-12-03T12:00:09.0000000Z   Expected: exactly one matching candidate\n"
        "2026-12-03T12:00:09.0000000Z   package:flutter_test/src/widget_tester.dart 441:3  expect\n"
        "2026-12-03T12:00:09.0000000Z   package:recipe_box/main.dart 3:5                   main\n"
        "2026-12-03T12:00:09.0000000Z 00:03 +4 -1: Some tests failed.\n"),
}
CONFIG = FactoryConfig(ci_grace_s=0.5, ci_poll_s=0.05, ci_timeout_s=60, ci_repair_rounds=2)


@pytest.fixture
def server_config() -> FactoryConfig:
    return CONFIG


def play(fake: FakeGitHub, script: Script, delay_s: float = 0.05) -> FakeActions:
    """Script the fake's Actions workflow for this test."""
    fake.actions.script, fake.actions.delay_s = script, delay_s
    return fake.actions


def red_until_repaired(jobs: Callable[[bool], list[Job]]) -> Script:
    """A workflow that is red on every head whose TARGET is as first written, green after."""
    first: dict[str, bytes] = {}

    def script(repo: Repo, sha: str, branch: str) -> list[Job]:
        content = repo.git.read(sha, TARGET)
        if content is None:
            return [Job("analyze"), Job("test")]
        first.setdefault(TARGET, content)
        return jobs(content == first[TARGET])

    return script


def repairs(repo: Repo, branch: str) -> list[str]:
    """The branch's repair commits, oldest first."""
    return [sha for sha in repo.branch_commits(branch)
            if "Factory-Commit: " in repo.git.commit_info(sha).message
            and "/ci-repair-" in repo.git.commit_info(sha).message]


async def run_issue(server: Server, repo: Repo) -> Any:
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA)) == 202
    return await server.settle(number)


def judge_comment(repo: Repo, run: Any) -> str:
    comments = repo.comments_on(run.origin["pr"])
    return next(c["body"] for c in comments if c["id"] == run.origin["judge_comment_id"])


async def test_failing_then_passing_ci_gets_one_repair_of_exactly_the_blamed_file(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    actions = play(fake_github, red_until_repaired(lambda red: [
        Job("analyze", "failure" if red else "success", [BROKEN] if red else []),
        Job("test")]), delay_s=0.5)
    run = await run_issue(server, repo)
    assert run.status is RunStatus.SUCCEEDED, run.error
    branch = run.origin["branch"]
    [repair] = repairs(repo, branch)
    assert repo.git.changed(repair) == [TARGET]
    head = repo.git.ref(f"refs/heads/{branch}")
    assert head == repair and head == actions.pushes[-1]
    check = latest_check(repo)
    assert (check["conclusion"], check["head_sha"]) == ("success", head)
    assert "repair round 1: regenerated lib/main.dart" in check["output"]["summary"]
    judge = judge_comment(repo, run)
    assert "| R20 | Repository CI passes on the final head | 1/1 | ✅ |" in judge
    assert f"https://github.com/{REPO}/commit/{head}/checks" in judge
    assert repo.pulls[run.origin["pr"]]["draft"] is False
    waits = [c for c in fake_github.calls if c.operation == "checks/update"
             and "waiting for CI" in str(c.body)]
    assert any("waiting for CI (0 of 2 done)" in str(c.body) for c in waits), waits


async def test_a_ci_that_stays_red_stops_after_the_rounds_with_a_failed_check(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    play(fake_github, red_until_repaired(lambda red: [
        Job("analyze", "failure", [BROKEN]), Job("test")]))
    run = await run_issue(server, repo)
    assert run.status is RunStatus.FAILED
    branch = run.origin["branch"]
    assert len(repairs(repo, branch)) == CONFIG.ci_repair_rounds
    assert all(repo.git.changed(sha) == [TARGET] for sha in repairs(repo, branch))
    check = latest_check(repo)
    assert check["conclusion"] == "failure"
    assert check["output"]["title"] == f"CI failed: analyze ({TARGET})"
    assert "2 of 2 rounds used" in check["output"]["summary"]
    [note] = [a for a in check["annotations"] if a["title"] == "repository CI"]
    assert (note["path"], note["start_line"]) == (TARGET, 3) and "Nope" in note["message"]
    assert repo.pulls[run.origin["pr"]]["draft"] is True
    spent = await server.app[STORE].usage_totals(run.id)
    assert spent.cost_usd <= CONFIG.budget_usd
    assert "| R20 | Repository CI passes on the final head | 0/1 | ❌ |" in judge_comment(repo, run)


async def test_a_repository_without_ci_concludes_after_the_grace_not_verified(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    actions = fake_github.actions  # no workflow is scripted: the repository has no CI
    run = await run_issue(server, repo)
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert actions.pushes and repairs(repo, run.origin["branch"]) == []
    assert latest_check(repo)["conclusion"] == "success"
    judge = judge_comment(repo, run)
    assert "| R20 | Repository CI passes on the final head | 0/1 | ⚪ |" in judge
    assert "not verified: no CI on this repository" in judge


@pytest.mark.parametrize("tool", sorted(LOGS))
async def test_a_failed_job_without_annotations_is_read_from_its_log(
    server: Server, fake_github: FakeGitHub, repo: Repo, tool: str
) -> None:
    play(fake_github, red_until_repaired(lambda red: [
        Job("ci", "failure" if red else "success", log=LOGS[tool] if red else ""),
        Job("other")]))
    run = await run_issue(server, repo)
    assert run.status is RunStatus.SUCCEEDED, run.error
    [repair] = repairs(repo, run.origin["branch"])
    assert repo.git.changed(repair) == [TARGET]
    assert re.search(r"CI's diagnostics on [0-9a-f]{7} were read from the log of ci",
                     judge_comment(repo, run))
    assert fake_github.called("actions/list-jobs-for-workflow-run")
    assert fake_github.called("actions/download-job-logs-for-workflow-run")


async def test_results_for_another_sha_another_branch_or_a_fork_are_ignored(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    delivered: list[int] = []

    async def deliver(event: str, run: dict[str, Any]) -> None:
        data = payload(event, "completed")
        data["workflow_run"].update({k: run[k] for k in (
            "id", "head_sha", "head_branch", "check_suite_id", "status", "conclusion")})
        data["workflow_run"]["head_repository"]["full_name"] = run["head_repository"][
            "full_name"]
        delivered.append(await server.deliver(event, data))

    red = Job("analyze", "failure", [BROKEN])

    def script(repo: Repo, sha: str, branch: str) -> list[Job]:
        if repo.git.read(sha, TARGET) is not None:
            actions.foreign(repo, sha, red, fork="mallory/recipes", branch=branch)
            actions.foreign(repo, sha, red, branch="feature/elsewhere")
            parent = repo.git.commit_info(sha).parents[0]
            actions.run_workflow(repo, parent, branch, [red])
        return [Job("analyze"), Job("test")]

    actions = play(fake_github, script)
    actions.notify = deliver
    run = await run_issue(server, repo)
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert repairs(repo, run.origin["branch"]) == []
    assert delivered and set(delivered) == {202}
    judge = judge_comment(repo, run)
    assert "| R20 | Repository CI passes on the final head | 1/1 | ✅ |" in judge


async def test_a_retry_while_waiting_for_ci_is_done_and_ci_awaited_on_its_head(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    actions = play(fake_github, lambda repo, sha, branch: [Job("analyze")], delay_s=3600)
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA)) == 202
    store = server.app[STORE]
    async with asyncio.timeout(60):
        while not (runs := await store.find_runs({"kind": "github", "issue": number})) or \
                not runs[0].request.get("ci_waiting"):
            await asyncio.sleep(0.05)
    waiting = runs[0]
    before = repo.git.ref(f"refs/heads/{waiting.origin['branch']}")
    actions.delay_s = 0.05  # the workflow on the retry's head completes at once
    assert await server.deliver("issue_comment", pr_comment(
        waiting.origin["pr"], f"/retry {TARGET} say hello", user="writer")) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED, run.error
    head = repo.git.ref(f"refs/heads/{run.origin['branch']}")
    assert head is not None and repo.git.commit_info(head).parents == [before]
    assert repo.git.changed(head) == [TARGET]
    assert f"{run.id}/retry-1" in repo.git.commit_info(head).message
    check = latest_check(repo)
    assert (check["conclusion"], check["head_sha"]) == ("success", head)
    replies = [c["body"] for c in repo.comments_on(run.origin["pr"])]
    assert not any("still in progress" in r for r in replies), replies
    assert any(r.startswith(f"Retrying `{TARGET}`") for r in replies), replies
