"""The CI oracle over the GitHub fake's Actions: what counts on a head, and paginated reads."""

from __future__ import annotations

import asyncio

from bot.ci_oracle import NO_ACTIONS, GitHubCi
from bot.github import GitHub
from pipeline.ci import CiSnapshot
from tests.fakes.github_actions import Job
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import APP_ID, INSTALLATION_ID, REPO

pytest_plugins = ["tests.github_fixtures"]

BRANCH = "factory/issue-1-recipe-box"
MANY = 130
"""More annotations than one page holds (the oracle asks for 100 a page)."""


async def settled(ci: GitHubCi) -> CiSnapshot:
    async with asyncio.timeout(30):
        while not (snapshot := await ci.snapshot()).complete:
            await asyncio.sleep(0.02)
    return snapshot


async def test_every_page_of_annotations_is_read(
    gh: GitHub, fake_github: FakeGitHub, repo: Repo
) -> None:
    sha = repo.git.ref("refs/heads/main")
    assert sha is not None
    notes = [{"path": "lib/other.dart", "start_line": n, "message": f"info {n}"}
             for n in range(1, MANY)]
    notes.append({"path": "lib/main.dart", "start_line": 9, "message": "Undefined name 'x'."})
    fake_github.actions.run_workflow(repo, sha, BRANCH, [Job("analyze", "failure", notes)])
    ci = GitHubCi(gh, REPO, BRANCH, lambda: sha, APP_ID)
    snapshot = await settled(ci)
    assert [(j.name, j.conclusion) for j in snapshot.jobs] == [("analyze", "failure")]
    failures = await ci.failures(snapshot, ["lib/main.dart"])
    assert len(failures.diagnostics) == MANY
    assert failures.diagnostics[-1].file == "lib/main.dart"
    assert failures.read_logs == []  # the annotations blamed a planned file: no log needed
    assert len(fake_github.called("checks/list-annotations")) == 2


async def test_only_our_branch_and_repository_count_on_the_head(
    gh: GitHub, fake_github: FakeGitHub, repo: Repo
) -> None:
    sha = repo.git.ref("refs/heads/main")
    assert sha is not None
    actions = fake_github.actions
    actions.run_workflow(repo, sha, BRANCH, [Job("analyze"), Job("test")])
    actions.foreign(repo, sha, Job("analyze", "failure"), branch=BRANCH, fork="mallory/recipes")
    actions.foreign(repo, sha, Job("lint", "failure"), branch="feature/elsewhere")
    snapshot = await settled(GitHubCi(gh, REPO, BRANCH, lambda: sha, APP_ID))
    assert [(j.name, j.conclusion) for j in snapshot.jobs] == [
        ("analyze", "success"), ("test", "success")]
    assert snapshot.ignored == 2 and snapshot.failed == []
    assert snapshot.link == f"https://github.com/{REPO}/commit/{sha}/checks"


async def test_a_workflow_without_check_runs_yet_is_pending(
    gh: GitHub, fake_github: FakeGitHub, repo: Repo
) -> None:
    sha = repo.git.ref("refs/heads/main")
    assert sha is not None
    fake_github.actions.delay_s = 3600  # queued: its jobs have not started
    fake_github.actions.run_workflow(repo, sha, BRANCH, [])
    snapshot = await GitHubCi(gh, REPO, BRANCH, lambda: sha, APP_ID).snapshot()
    assert [(j.name, j.done) for j in snapshot.jobs] == [("CI (queued)", False)]
    assert not snapshot.complete


async def test_without_actions_read_the_checks_still_count_and_the_gap_is_said(
    gh: GitHub, fake_github: FakeGitHub, repo: Repo
) -> None:
    """An installation that has not accepted the new `actions: read` yet answers 403 there."""
    granted = fake_github.state.granted[INSTALLATION_ID]
    fake_github.state.granted[INSTALLATION_ID] = {
        k: v for k, v in granted.items() if k != "actions"}
    sha = repo.git.ref("refs/heads/main")
    assert sha is not None
    fake_github.actions.run_workflow(repo, sha, BRANCH, [Job("analyze", "failure", log="x")])
    ci = GitHubCi(gh, REPO, BRANCH, lambda: sha, APP_ID)
    snapshot = await settled(ci)
    assert [(j.name, j.conclusion) for j in snapshot.jobs] == [("analyze", "failure")]
    assert snapshot.notes == (NO_ACTIONS,)
    failures = await ci.failures(snapshot, ["lib/main.dart"])
    assert failures.diagnostics == [] and failures.read_logs == []
    assert not fake_github.called("actions/download-job-logs-for-workflow-run")
