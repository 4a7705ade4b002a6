"""Executing a GitHub-origin run: GitHub's refusals end it as an error with a failed check."""

from __future__ import annotations

import pytest

from bot.auth import AppAuth
from bot.runner import GitHubRunner
from pipeline.config import FactoryConfig
from pipeline.errors import BadInput
from pipeline.status import RunStatus
from pipeline.store.base import RunStore
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import INSTALLATION_ID, REPO

pytest_plugins = ["tests.github_fixtures"]

IDEA = "Recipe box\n\nA recipe box app to save and search family recipes with photos."


async def test_a_422_from_github_ends_the_run_with_a_clear_failed_check(
    store: RunStore, auth: AppAuth, repo: Repo, fake_github: FakeGitHub
) -> None:
    number = repo.open_issue("Recipe box", IDEA)["number"]
    run = await store.create_run(IDEA, "offline", FactoryConfig().model_dump(mode="json"), {
        "kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO, "issue": number,
        "branch": "factory/issue-1-recipe-box", "default_branch": "main"})
    await store.set_status(run.id, RunStatus.RUNNING)
    fake_github.fail_next("git/create-tree", 422)
    await GitHubRunner(store, auth, min_interval_s=0.0)(await store.get_run(run.id))
    after = await store.get_run(run.id)
    assert after.status is RunStatus.ERROR
    assert after.error is not None and "GitHub answered 422" in after.error
    check = max(repo.check_runs.values(), key=lambda c: c["id"])
    assert check["conclusion"] == "failure"
    assert check["output"]["title"] == "Code Factory could not publish"
    assert "422" in check["output"]["summary"]


async def test_local_runs_are_not_executed_here(store: RunStore, auth: AppAuth) -> None:
    run = await store.create_run("x", "offline", {}, {"kind": "local", "out": "/tmp/x"})
    with pytest.raises(BadInput):
        await GitHubRunner(store, auth)(run)
