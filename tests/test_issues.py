"""The label router: one live run per issue, repo config, and cancel on unlabel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.issues import branch_for, idea_of
from pipeline.status import RunStatus
from pipeline.store.base import RunStore
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.webhook_events import labeled

pytest_plugins = ["tests.github_fixtures"]

Dispatch = Callable[[str, dict[str, Any]], Awaitable[None]]


def test_branch_names_and_ideas() -> None:
    assert branch_for(7, "Recipe Box: save & search!") == "factory/issue-7-recipe-box-save-search"
    assert branch_for(8, "😀😀") == "factory/issue-8-app"
    assert len(branch_for(9, "word " * 40)) <= len("factory/issue-9-") + 40
    assert idea_of({"title": " Shop ", "body": None}) == "Shop"


async def runs(store: RunStore) -> list[Any]:
    return await store.find_runs({"kind": "github"})


async def test_label_starts_one_run_while_one_is_live(
    dispatch: Dispatch, store: RunStore, repo: Repo, fake_github: FakeGitHub
) -> None:
    number = repo.open_issue("Shop", "A shop")["number"]
    await dispatch("issues", labeled(number, "Shop", "A shop"))
    await dispatch("issues", labeled(number, "Shop", "A shop"))
    [run] = await runs(store)
    assert run.origin == {
        "kind": "github", "repo": "octo-org/recipes", "issue": number, "installation_id": 77,
        "branch": f"factory/issue-{number}-shop", "default_branch": "main"}
    assert run.config["budget_usd"] == 5.0
    await store.set_status(run.id, RunStatus.RUNNING)
    await store.set_status(run.id, RunStatus.ERROR, error="GitHub answered 502")
    await dispatch("issues", labeled(number, "Shop", "A shop"))
    assert len(await runs(store)) == 2  # an errored run does not block a new one
    assert [r["content"] for r in repo.reactions] == ["eyes", "eyes"]


async def test_other_labels_and_pull_requests_are_ignored(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    await dispatch("issues", labeled(1, "Shop", label="bug"))
    pr = labeled(2, "Shop")
    pr["issue"]["pull_request"] = {"url": "x"}
    await dispatch("issues", pr)
    assert await runs(store) == []


async def test_repo_config_sets_label_and_knobs(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    repo.git.seed({".github/factory.yml": "label: make-app\nbudget_usd: 2.5\nconcurrency: 2\n"})
    number = repo.open_issue("Shop", "")["number"]
    await dispatch("issues", labeled(number, "Shop", label="factory"))
    assert await runs(store) == []
    await dispatch("issues", labeled(number, "Shop", label="make-app"))
    [run] = await runs(store)
    assert (run.config["budget_usd"], run.config["concurrency"]) == (2.5, 2)


async def test_invalid_repo_config_comments_the_errors_and_starts_nothing(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    repo.git.seed({".github/factory.yml": "budget_usd: -1\nconcurency: 3\n"})
    number = repo.open_issue("Shop", "")["number"]
    await dispatch("issues", labeled(number, "Shop"))
    assert await runs(store) == []
    [comment] = repo.comments_on(number)
    assert "budget_usd" in comment["body"] and "concurency" in comment["body"]
    assert ".github/factory.yml" in comment["body"]


async def test_unlabel_cancels_the_live_run(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    number = repo.open_issue("Shop", "")["number"]
    await dispatch("issues", labeled(number, "Shop"))
    await dispatch("issues", labeled(number, "Shop", label="bug", action="unlabeled"))
    [run] = await runs(store)
    assert run.status is RunStatus.QUEUED
    await dispatch("issues", labeled(number, "Shop", action="unlabeled"))
    assert (await store.get_run(run.id)).status is RunStatus.CANCELLED


async def test_relabelling_a_finished_issue_says_so_and_starts_nothing(
    dispatch: Dispatch, store: RunStore, repo: Repo,
) -> None:
    number = repo.open_issue("Shop", "A shop")["number"]
    await dispatch("issues", labeled(number, "Shop", "A shop"))
    [run] = await runs(store)
    await store.update_run(run.id, origin={**run.origin, "pr": 12})
    await store.set_status(run.id, RunStatus.RUNNING)
    await store.set_status(run.id, RunStatus.SUCCEEDED)
    await dispatch("issues", labeled(number, "Shop", "A shop"))
    assert [r.id for r in await runs(store)] == [run.id]
    [comment] = repo.comments_on(number)
    assert f"`{run.id}` (succeeded), on PR #12" in comment["body"]


async def test_relabelling_an_errored_issue_starts_it_again(
    dispatch: Dispatch, store: RunStore, repo: Repo,
) -> None:
    number = repo.open_issue("Shop", "A shop")["number"]
    await dispatch("issues", labeled(number, "Shop", "A shop"))
    [run] = await runs(store)
    await store.set_status(run.id, RunStatus.RUNNING)
    await store.set_status(run.id, RunStatus.ERROR, error="GitHub answered 502")
    await dispatch("issues", labeled(number, "Shop", "A shop"))
    assert len(await runs(store)) == 2
    assert repo.comments_on(number) == []
