"""Executing a GitHub-origin run: failed checks on GitHub refusals, and events copied to Redis."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import cast

import pytest
from redis.asyncio import Redis

from bot.auth import AppAuth
from bot.runner import GitHubRunner
from pipeline.agents.flutter_sdk import NOT_EXECUTED
from pipeline.errors import BadInput
from pipeline.outbox import Redelivery
from pipeline.redis_events import RedisSink, run_stream
from pipeline.status import RunStatus
from pipeline.store.base import RunRecord, RunStore
from tests import test_redis_events
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import INSTALLATION_ID, NO_CI_WAIT, REPO
from tests.test_redis_events import REDIS_URL

pytest_plugins = ["tests.github_fixtures"]

redis = test_redis_events.redis
"""The client on the real Redis (test_redis_events.py's fixture; skips when it is absent)."""

IDEA = "Recipe box\n\nA recipe box app to save and search family recipes with ingredients."


async def github_run(store: RunStore, repo: Repo) -> RunRecord:
    """A running GitHub-origin run for a new issue on `repo`, as a worker has claimed it."""
    number = repo.open_issue("Recipe box", IDEA)["number"]
    run = await store.create_run(IDEA, "offline", NO_CI_WAIT.model_dump(mode="json"), {
        "kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO, "issue": number,
        "branch": f"factory/issue-{number}-recipe-box", "default_branch": "main"})
    return await store.set_status(run.id, RunStatus.RUNNING)


async def test_a_422_from_github_ends_the_run_with_a_clear_failed_check(
    store: RunStore, auth: AppAuth, repo: Repo, fake_github: FakeGitHub
) -> None:
    run = await github_run(store, repo)
    fake_github.fail_next("git/create-tree", 422)
    await GitHubRunner(store, auth, min_interval_s=0.0, redis_url="")(run)
    after = await store.get_run(run.id)
    assert after.status is RunStatus.ERROR
    assert after.error is not None and "GitHub answered 422" in after.error
    check = max(repo.check_runs.values(), key=lambda c: c["id"])
    assert check["conclusion"] == "failure"
    assert check["output"]["title"] == "Code Factory could not publish"
    assert "422" in check["output"]["summary"]


async def test_a_refusal_after_the_final_status_leaves_the_verdict_owed_until_it_lands(
    store: RunStore, auth: AppAuth, repo: Repo, fake_github: FakeGitHub
) -> None:
    """Issue 12 items 3 and 18: a 422 on ready-for-review came after `succeeded` was written;
    the runner's `set_status(error)` raised InvalidTransition, and nothing ever marked the PR
    ready. Now the verdict stays in the outbox and a worker's later delivery lands it."""
    run = await github_run(store, repo)
    fake_github.fail_next("graphql", 422)
    runner = GitHubRunner(store, auth, min_interval_s=0.0, redis_url="",
                          redelivery=Redelivery(first_wait_s=0.0))
    await runner(run)
    finished = await store.get_run(run.id)
    assert finished.status is RunStatus.SUCCEEDED
    [pull] = repo.pulls.values()
    assert pull["draft"] is True
    [owed] = await store.outgoing(run.id)
    assert (owed.kind, owed.attempts) == ("run_finished", 1)
    await runner(finished)  # what a worker does with a finished run that still owes GitHub
    assert pull["draft"] is False and await store.outgoing(run.id) == []
    heads = [c["head_sha"] for c in repo.check_runs.values()]
    assert len(heads) == len(set(heads))  # one check per head, as the commits moved it
    assert all(c["status"] == "completed" for c in repo.check_runs.values())
    check = max(repo.check_runs.values(), key=lambda c: c["id"])
    assert check["conclusion"] == "success"


@pytest.mark.parametrize(("operation", "status", "headers"), [
    ("pulls/create", 429, {"retry-after": "700"}),
    ("checks/create", 422, {}),
])
async def test_a_failure_before_the_check_exists_is_said_on_the_issue(
    store: RunStore, auth: AppAuth, repo: Repo, fake_github: FakeGitHub,
    operation: str, status: int, headers: dict[str, str],
) -> None:
    """Issue 12 item 7: with no check run yet, the user saw only the 👀."""
    run = await github_run(store, repo)
    fake_github.fail_next(operation, status, headers)
    await GitHubRunner(store, auth, min_interval_s=0.0, redis_url="")(run)
    assert (await store.get_run(run.id)).status is RunStatus.ERROR
    assert not repo.check_runs
    [comment] = repo.comments_on(run.origin["issue"])
    assert f"could not start run `{run.id}`" in comment["body"]
    assert str(status) in comment["body"] and "remove the label" in comment["body"]


async def test_local_runs_are_not_executed_here(store: RunStore, auth: AppAuth) -> None:
    run = await store.create_run("x", "offline", {}, {"kind": "local", "out": "/tmp/x"})
    with pytest.raises(BadInput):
        await GitHubRunner(store, auth, redis_url="")(run)


async def test_run_events_also_go_to_redis_streams_and_the_client_is_closed(
    store: RunStore, auth: AppAuth, repo: Repo, redis: Redis, monkeypatch: pytest.MonkeyPatch,
) -> None:
    closed: list[RedisSink] = []
    close = RedisSink.aclose

    async def spy(sink: RedisSink) -> None:
        closed.append(sink)
        await close(sink)

    monkeypatch.setattr(RedisSink, "aclose", spy)
    run = await github_run(store, repo)
    await GitHubRunner(store, auth, min_interval_s=0.0, redis_url=REDIS_URL)(run)
    assert (await store.get_run(run.id)).status is RunStatus.SUCCEEDED
    streamed = [cast(bytes, fields[b"kind"]).decode()
                for _, fields in await redis.xrange(run_stream(run.id))]
    # Parallel files may reach the sinks in another order than their sequence numbers.
    assert Counter(streamed) == Counter(kind for _, kind, _ in await store.events(run.id))
    assert streamed[0] == "run_started" and streamed[-1] == "run_finished"
    assert len(closed) == 1


def test_the_redis_url_comes_from_factory_redis_url(
    store: RunStore, auth: AppAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTORY_REDIS_URL", REDIS_URL)
    assert GitHubRunner(store, auth).redis_url == REDIS_URL
    monkeypatch.delenv("FACTORY_REDIS_URL")
    assert GitHubRunner(store, auth).redis_url == ""


async def test_the_app_never_runs_generated_code_even_with_flutter_installed(
    store: RunStore, auth: AppAuth, repo: Repo, fake_github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """DESIGN.md: nothing generated is executed on the server; the SDK checkpoints say so."""
    standin = Path(__file__).resolve().parent / "standin_flutter"
    monkeypatch.setenv("PATH", f"{standin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STANDIN_FLUTTER_LOG", str(tmp_path / "flutter.log"))
    run = await github_run(store, repo)
    await GitHubRunner(store, auth, min_interval_s=0.0, redis_url="")(run)
    judge = await store.load_report(run.id, "judge")
    assert judge is not None
    assert judge.count(f"⚪ | {NOT_EXECUTED} | sdk |") == 2
    assert not (tmp_path / "flutter.log").exists()
