"""The run's effects on GitHub under faults, end to end over HTTP, on SQLite and PostgreSQL.

A 5xx storm longer than the client's retries, a refusal, or an answer lost after GitHub
carried the request out, at the critic and judge comments, the final check update,
ready-for-review, the gate check and the gate comment (issue 12 items 3, 4 and 5): after the
worker's recovery the run ended once, every comment is there once, each head has one check
and none is in progress, and the PR is ready when the Judge passed.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from bot.app import STORE, ServerOptions
from bot.comments import marker
from pipeline.outbox import Redelivery
from pipeline.status import TERMINAL, RunStatus
from pipeline.store import open_store
from pipeline.store.base import Outgoing, RunRecord
from pipeline.store.sql import SqlRunStore
from tests.databases import empty, module_database
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_server import Server
from tests.github_values import FAST, IDEA, KILLED_IDEA
from tests.webhook_events import labeled

pytest_plugins = ["tests.github_fixtures"]

pg_url = module_database("test_outbox_e2e")

RECOVERY_TIMEOUT_S = 120
STORM = FAST.attempts * 2
"""Failed requests in a row: two deliveries in turn run out of the client's retries."""


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, database_url: str) -> str:
    """The shared fixtures' SQLite file, then the module's PostgreSQL database, emptied."""
    if request.param == "sqlite":
        return database_url
    url: str = request.getfixturevalue("pg_url")
    store = await open_store(url)
    assert isinstance(store, SqlRunStore)
    await empty(store)
    await store.close()
    return url


@pytest.fixture
def server_options(server_options: ServerOptions) -> ServerOptions:
    """The shared server's, redelivering what GitHub did not take within a test's patience."""
    return replace(server_options, redelivery=Redelivery(first_wait_s=0.05, max_wait_s=0.2))


async def labeled_run(server: Server, repo: Repo, idea: tuple[str, str]) -> RunRecord:
    """The run of a new issue for `idea`, labeled, once it has recovered."""
    number = repo.open_issue(*idea)["number"]
    assert await server.deliver("issues", labeled(number, *idea)) == 202
    return await recovered(server, number)


async def recovered(server: Server, issue: int) -> RunRecord:
    """The issue's run once it is finished, let go of, and owes GitHub nothing any more."""
    store = server.app[STORE]
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while time.monotonic() < deadline:
        runs = await store.find_runs({"kind": "github", "issue": issue})
        done = runs and runs[0].status in TERMINAL and runs[0].lease_owner is None
        if done and await store.outgoing(runs[0].id) == []:
            return runs[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"the run for issue {issue} still owes GitHub after the timeout")


def with_marker(kind: str) -> Callable[[Any], bool]:
    """Accepts a comment body carrying the run's hidden marker of `kind`."""
    return lambda body: f" kind={kind} -->" in str((body or {}).get("body", ""))


def concluding(conclusion: str) -> Callable[[Any], bool]:
    """Accepts a check-run update that concludes the check as `conclusion`."""
    return lambda body: (body or {}).get("conclusion") == conclusion


@dataclass(frozen=True)
class Fault:
    """Where GitHub fails: an operation, which of its calls, and how."""

    operation: str
    when: Callable[[Any], bool] | None
    status: int = 500
    times: int = STORM
    lost: bool = False
    """The request is carried out and only its answer fails."""

    def inject(self, fake: FakeGitHub) -> None:
        if self.lost:
            fake.lose_next_answer(self.operation, self.status, self.times, self.when)
        else:
            fake.fail_next(self.operation, self.status, times=self.times, when=self.when)


JUDGED = {
    "final check update": Fault("checks/update", concluding("success")),
    "ready-for-review": Fault("graphql", None, 502),
    "critic comment": Fault("issues/create-comment", with_marker("critic")),
    "critic comment refused": Fault("issues/create-comment", with_marker("critic"), 422, 1),
    "critic comment, answer lost": Fault("issues/create-comment", with_marker("critic"), 502,
                                         times=1, lost=True),
    "judge comment": Fault("issues/create-comment", with_marker("judge")),
    "judge comment, answer lost": Fault("issues/create-comment", with_marker("judge"), 502,
                                        times=1, lost=True),
    "check create, answer lost": Fault("checks/create", None, 502, times=1, lost=True),
}
KILLED = {
    "gate check": Fault("checks/update", concluding("failure")),
    "gate comment": Fault("issues/create-comment", with_marker("gate")),
    "gate comment, answer lost": Fault("issues/create-comment", with_marker("gate"), 502,
                                       times=1, lost=True),
}


async def published_once(server: Server, repo: Repo, run: RunRecord) -> None:
    """The invariants: one end, each comment once, one finished check per head, PR state."""
    events = await server.app[STORE].events(run.id)
    assert [kind for _, kind, _ in events].count("run_finished") == 1
    bodies = [c["body"] for c in repo.comments.values()]
    expected = ["critic", "gate"] if run.status is RunStatus.KILLED else ["critic", "judge"]
    for kind in expected:
        assert sum(b.startswith(marker(run.id, kind)) for b in bodies) == 1, kind
    checks = list(repo.check_runs.values())
    per_head = Counter(c["head_sha"] for c in checks)
    assert set(per_head.values()) == {1}, per_head
    assert [c["id"] for c in checks if c["status"] != "completed"] == []
    pull = repo.pulls[run.origin["pr"]]
    assert pull["draft"] is (run.status is not RunStatus.SUCCEEDED)
    newest = max(checks, key=lambda c: c["id"])
    assert newest["conclusion"] == ("success" if run.status is RunStatus.SUCCEEDED
                                    else "failure")


@pytest.mark.parametrize("fault", JUDGED.values(), ids=JUDGED.keys())
async def test_a_judged_run_publishes_everything_once_after_a_fault(
    server: Server, fake_github: FakeGitHub, repo: Repo, fault: Fault
) -> None:
    fault.inject(fake_github)
    run = await labeled_run(server, repo, IDEA)
    assert run.status is RunStatus.SUCCEEDED, run.error
    await published_once(server, repo, run)


@pytest.mark.parametrize("fault", KILLED.values(), ids=KILLED.keys())
async def test_a_killed_run_fails_its_check_and_says_why_once_after_a_fault(
    server: Server, fake_github: FakeGitHub, repo: Repo, fault: Fault
) -> None:
    fault.inject(fake_github)
    run = await labeled_run(server, repo, KILLED_IDEA)
    assert run.status is RunStatus.KILLED, run.error
    await published_once(server, repo, run)


async def test_a_crash_between_github_s_answer_and_the_outbox_write_repeats_nothing(
    server: Server, fake_github: FakeGitHub, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict landed on GitHub, then the process died before the outbox said so: the
    recovery delivers it again, and finds every effect already there."""
    store = server.app[STORE]
    confirm = type(store).delivered
    crashed: list[str] = []

    async def dies_once(self: SqlRunStore, run_id: str, item: Outgoing) -> None:
        if item.kind == "run_finished" and not crashed:
            crashed.append(run_id)
            raise ConnectionResetError("the process died here")
        await confirm(self, run_id, item)

    monkeypatch.setattr(type(store), "delivered", dies_once)
    run = await labeled_run(server, repo, IDEA)
    assert crashed == [run.id]
    assert run.status is RunStatus.SUCCEEDED, run.error
    await published_once(server, repo, run)
    assert len(fake_github.called("graphql")) == 1  # ready-for-review was not asked twice
