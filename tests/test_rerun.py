"""bot.checks (re-run requests on the check) and bot.installations (installation tracking).

Named apart from the Dart checks' tests, whose module is `pipeline.checks`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pipeline.status import FileStatus, RunStatus
from pipeline.store.base import RunStore
from tests.fakes.github_state import Repo
from tests.github_values import APP_ID, INSTALLATION_ID, REPO
from tests.webhook_events import payload, rerequested

pytest_plugins = ["tests.github_fixtures"]

Dispatch = Callable[[str, dict[str, Any]], Awaitable[None]]


async def finished_run(store: RunStore, status: RunStatus) -> str:
    run = await store.create_run("shop", "offline", {}, {
        "kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO, "issue": 1})
    await store.save_files(run.id, [("lib/a.dart", 1, {}), ("lib/b.dart", 2, {})])
    await store.set_file(run.id, "lib/a.dart", FileStatus.FAILED)
    await store.set_status(run.id, RunStatus.RUNNING)
    await store.set_status(run.id, status)
    return run.id


async def test_rerequest_retries_the_failed_files(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    run_id = await finished_run(store, RunStatus.FAILED)
    await dispatch("check_run", rerequested(11, run_id, APP_ID))
    run = await store.get_run(run_id)
    assert run.status is RunStatus.QUEUED
    assert run.request == {"retry": ["lib/a.dart"], "note": ""}


async def test_rerequest_of_a_killed_run_resumes_it(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    run_id = await finished_run(store, RunStatus.KILLED)
    await store.set_file(run_id, "lib/a.dart", FileStatus.PENDING)
    await dispatch("check_run", rerequested(11, run_id, APP_ID))
    run = await store.get_run(run_id)
    assert (run.status, run.request) == (RunStatus.QUEUED, {})


async def test_rerequests_of_others_unknown_or_live_runs_are_ignored(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    run_id = await finished_run(store, RunStatus.FAILED)
    await dispatch("check_run", rerequested(11, run_id, APP_ID + 1))
    await dispatch("check_run", rerequested(11, "no-such-run", APP_ID))
    assert (await store.get_run(run_id)).status is RunStatus.FAILED
    live = await store.create_run("x", "offline", {}, {"kind": "github", "repo": REPO})
    await dispatch("check_run", rerequested(12, live.id, APP_ID))
    assert (await store.get_run(live.id)).request == {}


async def test_installations_are_tracked(dispatch: Dispatch, store: RunStore) -> None:
    created = payload("installation", "created")
    account = created["installation"]["account"]["login"]
    await dispatch("installation", created)
    assert await store.installations() == {INSTALLATION_ID: (account, "created")}
    deleted = payload("installation", "deleted")
    await dispatch("installation", deleted)
    owner = deleted["installation"]["account"]["login"]
    assert await store.installations() == {INSTALLATION_ID: (owner, "deleted")}


async def test_rerequest_of_a_running_run_does_not_requeue_it(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    run = await store.create_run("shop", "offline", {}, {
        "kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO, "issue": 1})
    await store.save_files(run.id, [("lib/a.dart", 1, {})])
    await store.set_file(run.id, "lib/a.dart", FileStatus.FAILED)
    claimed = await store.claim("worker-1", 60)
    assert claimed is not None and claimed.id == run.id
    await dispatch("check_run", rerequested(11, run.id, APP_ID))
    after = await store.get_run(run.id)
    assert (after.status, after.request, after.lease_owner) == (
        RunStatus.RUNNING, {}, "worker-1")


async def test_rerequest_from_another_repository_is_refused(
    dispatch: Dispatch, store: RunStore, repo: Repo
) -> None:
    run = await store.create_run("shop", "offline", {}, {
        "kind": "github", "installation_id": INSTALLATION_ID, "repo": "someone/else", "issue": 1})
    await store.save_files(run.id, [("lib/a.dart", 1, {})])
    await store.set_file(run.id, "lib/a.dart", FileStatus.FAILED)
    await store.set_status(run.id, RunStatus.RUNNING)
    await store.set_status(run.id, RunStatus.FAILED)
    await dispatch("check_run", rerequested(11, run.id, APP_ID))
    after = await store.get_run(run.id)
    assert (after.status, after.request) == (RunStatus.FAILED, {})
