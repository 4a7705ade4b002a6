"""A resumed execution's check run (issue 12 item 5): the one in progress on an unchanged head
is carried on, the one a dead process left on an earlier head is closed, and a check whose
creation answer was lost is found instead of made twice."""

from __future__ import annotations

from collections import Counter

from bot.branch import Branch
from bot.github import GitHub
from bot.publisher import GitHubPublisher
from pipeline.events import RunStarted
from pipeline.store.base import RunRecord, RunStore
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import REPO
from tests.test_publisher import BRANCH, level, publisher, run

pytest_plugins = ["tests.github_fixtures"]

__all__ = ["publisher", "run"]  # fixtures shared with test_publisher


async def resume(gh: GitHub, store: RunStore, run: RunRecord) -> GitHubPublisher:
    """A new execution of the run, as another process starts it after a crash."""
    again = GitHubPublisher(gh, store, await store.get_run(run.id), min_interval_s=3600)
    await again.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline", resumed=True))
    return again


async def test_a_resumed_run_carries_on_with_its_check_on_an_unchanged_head(
    publisher: GitHubPublisher, gh: GitHub, store: RunStore, repo: Repo, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    again = await resume(gh, store, run)
    [check] = repo.check_runs.values()
    assert check["status"] == "in_progress" and again.check.id == check["id"]
    assert (await store.get_run(run.id)).origin["check_run_id"] == check["id"]


async def test_a_resumed_run_closes_the_dead_process_s_check_when_the_head_moved(
    publisher: GitHubPublisher, gh: GitHub, store: RunStore, repo: Repo, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    [dead] = repo.check_runs.values()
    event = level(1)  # committed, then the process died before its check moved
    sha = await Branch(gh, REPO, BRANCH, "main", run.id).commit("level-1", event.files,
                                                                event.message)
    await resume(gh, store, run)
    assert (dead["status"], dead["conclusion"]) == ("completed", "neutral")
    assert dead["output"]["title"] == f"Moved to {sha[:7]}"
    [live] = [c for c in repo.check_runs.values() if c["status"] == "in_progress"]
    assert live["head_sha"] == sha
    assert Counter(c["head_sha"] for c in repo.check_runs.values()) == {dead["head_sha"]: 1,
                                                                        sha: 1}


async def test_a_check_whose_creation_answer_was_lost_is_found_not_made_twice(
    publisher: GitHubPublisher, fake_github: FakeGitHub, repo: Repo, run: RunRecord,
) -> None:
    fake_github.lose_next_answer("checks/create", 502)
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    [check] = repo.check_runs.values()
    assert publisher.check.id == check["id"] and check["status"] == "in_progress"


async def test_a_level_that_landed_before_the_crash_keeps_the_resumed_check_on_its_head(
    publisher: GitHubPublisher, gh: GitHub, store: RunStore, repo: Repo, run: RunRecord,
) -> None:
    await publisher.emit(RunStarted(run_id=run.id, idea=run.idea, engine="offline"))
    event = level(1)  # the ref moved, then the process died before it heard back
    sha = await Branch(gh, REPO, BRANCH, "main", run.id).commit("level-1", event.files,
                                                                event.message)
    again = await resume(gh, store, run)
    await again.emit(event)  # the resumed run finishes the level: found on the head
    [live] = [c for c in repo.check_runs.values() if c["status"] == "in_progress"]
    assert live["head_sha"] == sha and again.check.id == live["id"]
    assert Counter(c["head_sha"] for c in repo.check_runs.values())[sha] == 1
