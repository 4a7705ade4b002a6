"""The run's PR where GitHub refuses drafts: WIP-titled, remembered as such, retitled on a pass."""

from __future__ import annotations

import pytest

from bot.errors import Unprocessable
from bot.github import GitHub
from bot.publisher import GitHubPublisher
from bot.pull_request import WIP_PREFIX, PullRequest, open_pull
from pipeline.config import FactoryConfig
from pipeline.events import RunFinished, RunStarted
from pipeline.status import RunStatus
from pipeline.store.base import RunRecord, RunStore
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import INSTALLATION_ID, REPO

pytest_plugins = ["tests.github_fixtures"]

BRANCH = "factory/issue-1-recipe-box"
TITLE = "Code Factory: Recipe box"


@pytest.fixture
async def run(store: RunStore, repo: Repo) -> RunRecord:
    repo.open_issue("Recipe box", "Save recipes")
    repo.drafts_allowed = False
    return await store.create_run(
        "Recipe box\n\nSave recipes", "offline", FactoryConfig().model_dump(mode="json"),
        {"kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO, "issue": 1,
         "branch": BRANCH, "default_branch": "main"},
    )


async def started(gh: GitHub, store: RunStore, run: RunRecord) -> GitHubPublisher:
    """A publisher (as a new process would make one) that has shown the run's start."""
    publisher = GitHubPublisher(gh, store, run, min_interval_s=3600)
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    return publisher


def finished(status: RunStatus) -> RunFinished:
    return RunFinished(run_id="r", status=status, title=status.value, summary="why")


async def test_a_refused_draft_opens_one_wip_pr_that_a_failed_run_leaves_wip(
    gh: GitHub, store: RunStore, run: RunRecord, fake_github: FakeGitHub, repo: Repo,
) -> None:
    publisher = await started(gh, store, run)
    [pull] = repo.pulls.values()
    assert (pull["draft"], pull["title"]) == (False, WIP_PREFIX + TITLE)
    assert [c.status for c in fake_github.calls if c.operation == "pulls/create"] == [422, 201]
    saved = (await store.get_run(run.id)).origin
    assert (saved["pr"], saved["pr_wip"]) == (pull["number"], True)
    await publisher.emit(finished(RunStatus.FAILED))
    assert pull["title"] == WIP_PREFIX + TITLE
    assert fake_github.called("pulls/update") == [] and fake_github.called("graphql") == []


async def test_a_resumed_run_remembers_the_wip_pr_and_retitles_it_when_the_judge_passes(
    gh: GitHub, store: RunStore, run: RunRecord, fake_github: FakeGitHub, repo: Repo,
) -> None:
    await started(gh, store, run)
    resumed = await started(gh, store, await store.get_run(run.id))
    await resumed.emit(finished(RunStatus.SUCCEEDED))
    [pull] = repo.pulls.values()
    assert (pull["draft"], pull["title"], pull["state"]) == (False, TITLE, "open")
    assert [c.body for c in fake_github.called("pulls/update")] == [{"title": TITLE}]
    assert fake_github.called("graphql") == []
    assert len(fake_github.called("pulls/create")) == 1


async def test_a_wip_pr_opened_before_a_crash_is_found_and_known_as_wip(
    gh: GitHub, store: RunStore, run: RunRecord, fake_github: FakeGitHub, repo: Repo,
) -> None:
    await started(gh, store, run)
    lost = {k: v for k, v in run.origin.items() if not k.startswith("pr")}
    await store.update_run(run.id, origin=lost)  # as if the crash came before the save
    again = await started(gh, store, await store.get_run(run.id))
    assert (await store.get_run(run.id)).origin["pr_wip"] is True
    assert len(fake_github.called("pulls/create")) == 1
    await again.emit(finished(RunStatus.SUCCEEDED))
    assert next(iter(repo.pulls.values()))["title"] == TITLE


async def test_a_title_someone_already_cleared_is_left_alone(
    gh: GitHub, store: RunStore, run: RunRecord, fake_github: FakeGitHub, repo: Repo,
) -> None:
    publisher = await started(gh, store, run)
    [pull] = repo.pulls.values()
    pull["title"] = "Recipe box, by hand"
    await publisher.emit(finished(RunStatus.SUCCEEDED))
    assert pull["title"] == "Recipe box, by hand"
    assert fake_github.called("pulls/update") == []


async def test_other_refusals_of_the_pr_are_not_taken_for_a_missing_draft_feature(
    gh: GitHub, repo: Repo, fake_github: FakeGitHub,
) -> None:
    main = repo.git.ref("refs/heads/main")
    assert main is not None
    repo.git.set_ref("refs/heads/empty", main)
    repo.drafts_allowed = True
    with pytest.raises(Unprocessable, match="No commits"):
        await open_pull(gh, REPO, "empty", "main", TITLE, "body")
    assert len([c for c in fake_github.calls if c.operation == "pulls/create"]) == 1


def test_what_a_run_remembers_of_its_pr_round_trips() -> None:
    pull = PullRequest(7, "PR_7", wip=True)
    assert PullRequest.remembered(pull.origin()) == pull
    assert PullRequest.remembered({"pr": 7, "pr_node_id": "PR_7"}) == PullRequest(7, "PR_7")
    assert PullRequest.remembered({}) is None
