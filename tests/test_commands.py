"""The PR command router: permissions, file names, and what each command changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.commands import resolve_files
from pipeline.status import RunStatus
from pipeline.store.base import RunRecord, RunStore
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import INSTALLATION_ID, REPO
from tests.webhook_events import pr_comment

pytest_plugins = ["tests.github_fixtures"]

Dispatch = Callable[[str, dict[str, Any]], Awaitable[None]]
PLANNED = ["pubspec.yaml", "lib/main.dart", "lib/screens/cart_screen.dart",
           "lib/models/item.dart", "lib/widgets/item.dart"]


@pytest.fixture
async def pr(repo: Repo) -> int:
    return int(repo.open_issue("Code Factory: shop", "Closes #1")["number"])


async def make_run(store: RunStore, pr: int, status: RunStatus) -> RunRecord:
    run = await store.create_run("shop", "offline", {}, {
        "kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO, "issue": 99,
        "pr": pr, "branch": "factory/issue-99-shop"})
    await store.save_files(run.id, [(p, 1, {}) for p in PLANNED])
    if status is not RunStatus.QUEUED:
        await store.set_status(run.id, RunStatus.RUNNING)
        if status is not RunStatus.RUNNING:
            await store.set_status(run.id, status)
    return await store.get_run(run.id)


def last_reply(repo: Repo, pr: int) -> str:
    return str(repo.comments_on(pr)[-1]["body"])


def test_resolve_files() -> None:
    assert resolve_files(["cart_screen.dart", "lib/main.dart"], PLANNED) == (
        ["lib/screens/cart_screen.dart", "lib/main.dart"], [])
    paths, problems = resolve_files(["item.dart"], PLANNED)
    assert paths == [] and "several" in problems[0] and "lib/widgets/item.dart" in problems[0]
    paths, problems = resolve_files(["cart.dart"], PLANNED)
    assert paths == [] and "not a planned file" in problems[0] and "cart_screen" in problems[0]
    _, problems = resolve_files(["../secret.dart", ".github/workflows/x.yml"], PLANNED)
    assert len(problems) == 2 and all("can't retry" in p for p in problems)
    _, problems = resolve_files(["lib/other/main.dart"], PLANNED)
    assert "not a planned file" in problems[0]


async def test_writer_retries_a_bare_name_with_a_note(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int, fake_github: FakeGitHub
) -> None:
    run = await make_run(store, pr, RunStatus.SUCCEEDED)
    await dispatch("issue_comment", pr_comment(pr, "/retry cart_screen.dart bigger total",
                                               user="writer", comment_id=555))
    after = await store.get_run(run.id)
    assert after.status is RunStatus.QUEUED
    assert after.request == {"retry": ["lib/screens/cart_screen.dart"], "note": "bigger total"}
    assert repo.reactions == [{"id": repo.reactions[0]["id"], "content": "+1",
                               "comment_id": 555}]
    assert "lib/screens/cart_screen.dart" in last_reply(repo, pr)
    [permission] = fake_github.called("repos/get-collaborator-permission-level")
    assert permission.path.endswith("/collaborators/writer/permission")


@pytest.mark.parametrize("user", ["keeper", "boss"])
async def test_maintainers_and_admins_may_retry(
    dispatch: Dispatch, store: RunStore, pr: int, user: str
) -> None:
    run = await make_run(store, pr, RunStatus.FAILED)
    await dispatch("issue_comment", pr_comment(pr, "/retry lib/main.dart", user=user))
    assert (await store.get_run(run.id)).request["retry"] == ["lib/main.dart"]


@pytest.mark.parametrize(("user", "shown"), [("reader", "read"), ("helper", "triage"),
                                             ("stranger", "none")])
async def test_others_get_a_polite_refusal_and_nothing_changes(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int, user: str, shown: str
) -> None:
    run = await make_run(store, pr, RunStatus.SUCCEEDED)
    await dispatch("issue_comment", pr_comment(pr, "/retry lib/main.dart", user=user))
    assert (await store.get_run(run.id)).status is RunStatus.SUCCEEDED
    reply = last_reply(repo, pr)
    assert f"@{user}" in reply and f"`{shown}`" in reply and "write" in reply
    assert repo.reactions == []


async def test_ambiguous_name_lists_candidates_and_changes_nothing(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int
) -> None:
    run = await make_run(store, pr, RunStatus.SUCCEEDED)
    await dispatch("issue_comment", pr_comment(pr, "/retry item.dart", user="writer"))
    assert (await store.get_run(run.id)).status is RunStatus.SUCCEEDED
    reply = last_reply(repo, pr)
    assert "lib/models/item.dart" in reply and "lib/widgets/item.dart" in reply


async def test_retry_while_running_is_refused_as_busy(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int
) -> None:
    run = await make_run(store, pr, RunStatus.RUNNING)
    await dispatch("issue_comment", pr_comment(pr, "/retry lib/main.dart", user="writer"))
    assert (await store.get_run(run.id)).request == {}
    assert "still in progress" in last_reply(repo, pr)


async def test_retry_without_a_file_asks_which(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int
) -> None:
    await make_run(store, pr, RunStatus.SUCCEEDED)
    await dispatch("issue_comment", pr_comment(pr, "/retry", user="writer"))
    assert "needs at least one file" in last_reply(repo, pr)


async def test_status_and_cancel(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int
) -> None:
    run = await make_run(store, pr, RunStatus.QUEUED)
    await dispatch("issue_comment", pr_comment(pr, "/status", user="writer"))
    reply = last_reply(repo, pr)
    assert f"`{run.id}`" in reply and "`queued`" in reply and "| 5 | 0 | 0 | 0 | 5 | 0 |" in reply
    await dispatch("issue_comment", pr_comment(pr, "/cancel", user="writer"))
    assert (await store.get_run(run.id)).status is RunStatus.CANCELLED
    assert "Cancelled" in last_reply(repo, pr)
    await dispatch("issue_comment", pr_comment(pr, "/cancel", user="writer"))
    assert "Nothing to cancel" in last_reply(repo, pr)


async def test_edits_bots_plain_issues_and_quotes_run_nothing(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int, fake_github: FakeGitHub
) -> None:
    run = await make_run(store, pr, RunStatus.SUCCEEDED)
    await dispatch("issue_comment", pr_comment(pr, "/retry lib/main.dart", action="edited"))
    bot = pr_comment(pr, "/retry lib/main.dart")
    bot["comment"]["user"]["type"] = "Bot"
    await dispatch("issue_comment", bot)
    plain = pr_comment(pr, "/retry lib/main.dart")
    del plain["issue"]["pull_request"]
    await dispatch("issue_comment", plain)
    await dispatch("issue_comment", pr_comment(pr, "> /retry lib/main.dart\n\nagreed"))
    assert (await store.get_run(run.id)).status is RunStatus.SUCCEEDED
    assert fake_github.calls == []


async def test_a_pr_without_a_run_says_so(
    dispatch: Dispatch, repo: Repo, pr: int
) -> None:
    await dispatch("issue_comment", pr_comment(pr, "/status", user="writer"))
    assert "no Code Factory run" in last_reply(repo, pr)


async def test_a_run_waiting_for_ci_takes_a_retry_without_requeueing(
    dispatch: Dispatch, store: RunStore, repo: Repo, pr: int
) -> None:
    run = await make_run(store, pr, RunStatus.RUNNING)
    await dispatch("issue_comment", pr_comment(pr, "/retry main.dart bolder", user="writer"))
    assert "still in progress" in last_reply(repo, pr)  # executing, not waiting: busy
    await store.update_run(run.id, request={"ci_waiting": True})
    await dispatch("issue_comment", pr_comment(pr, "/status", user="writer"))
    assert "waits for the repository's CI" in last_reply(repo, pr)
    await dispatch("issue_comment", pr_comment(pr, "/retry main.dart bolder", user="writer"))
    assert last_reply(repo, pr).startswith("Retrying `lib/main.dart`")
    after = await store.get_run(run.id)
    assert after.status is RunStatus.RUNNING  # the executing run picks the request up itself
    assert after.request == {"ci_waiting": True, "retry": ["lib/main.dart"], "note": "bolder"}
