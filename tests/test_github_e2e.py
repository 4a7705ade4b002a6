"""End to end over real HTTP: webhooks in, the offline pipeline, GitHub calls out to the fake."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.app import STORE
from pipeline.answers import FileBody
from pipeline.asks import FileAsk
from pipeline.codegen import plan_dag
from pipeline.dag import Dag
from pipeline.engines.offline import engine as offline
from pipeline.engines.offline.faults import FAULTS, inject
from pipeline.status import RunStatus
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_server import Server
from tests.github_values import IDEA, KILLED_IDEA
from tests.webhook_events import labeled, pr_comment

pytest_plugins = ["tests.github_fixtures"]

GATE_TITLE = re.compile(r"^Killed by the (?P<gate>\w+) gate$")
KILL_GATES = {"min_critic_score", "compliance_risk", "cannibalization", "budget"}


def code_commits(repo: Repo, branch: str) -> list[str]:
    return [sha for sha in repo.branch_commits(branch) if repo.git.changed(sha)]


def latest_check(repo: Repo) -> dict[str, Any]:
    return max(repo.check_runs.values(), key=lambda c: c["id"])


async def test_label_to_ready_pr_then_retry_by_writer_and_refusal(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA), "label-1") == 202
    assert await server.deliver("issues", labeled(number, *IDEA), "label-1") == 200
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert len(await server.app[STORE].find_runs({"kind": "github"})) == 1
    branch = run.origin["branch"]
    assert branch.startswith(f"factory/issue-{number}-recipe-box")
    levels = code_commits(repo, branch)
    assert len(levels) >= 4
    assert repo.git.read(branch, "lib/main.dart")
    assert not any(p.startswith(".github/") for p in repo.git.files(branch))
    pull = repo.pulls[run.origin["pr"]]
    assert pull["draft"] is False and f"Closes #{number}" in pull["body"]
    comments = repo.comments_on(pull["number"])
    assert any("Critic" in c["body"] for c in comments)
    judge = next(c for c in comments if c["id"] == run.origin["judge_comment_id"])
    check = latest_check(repo)
    assert (check["conclusion"], check["head_sha"]) == ("success", repo.git.ref(
        f"refs/heads/{branch}"))

    dart = next(p for p in repo.git.files(branch)
                if p.startswith("lib/screens/") and p.endswith(".dart"))
    before = repo.git.ref(f"refs/heads/{branch}")
    status = await server.deliver("issue_comment", pr_comment(
        pull["number"], f"/retry {dart} show a friendlier empty state", user="writer"))
    assert status == 202
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED, run.error
    after = repo.git.ref(f"refs/heads/{branch}")
    assert after is not None and before is not None
    new = repo.git.log(after)[: repo.git.log(after).index(before)]
    assert len(new) == 1 and dart in repo.git.changed(new[0])
    assert judge["edits"] == 1
    assert latest_check(repo)["conclusion"] == "success"

    bare = dart.rsplit("/", 1)[-1]
    await server.deliver("issue_comment", pr_comment(
        pull["number"], f"/retry {bare} use bigger headings", user="keeper"))
    run = await server.settle(number)
    newest = repo.git.ref(f"refs/heads/{branch}")
    assert newest is not None
    assert repo.git.log(newest).index(after) == 1
    assert dart in repo.git.changed(newest)

    await server.deliver("issue_comment", pr_comment(
        pull["number"], f"/retry {dart} please", user="reader"))
    await server.settle(number)
    assert repo.git.ref(f"refs/heads/{branch}") == newest
    refusal = repo.comments_on(pull["number"])[-1]["body"]
    assert "@reader" in refusal and "write" in refusal


async def test_kill_gate_fails_the_check_and_commits_no_code(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    number = repo.open_issue(*KILLED_IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *KILLED_IDEA)) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.KILLED
    check = latest_check(repo)
    assert check["conclusion"] == "failure"
    named = GATE_TITLE.match(check["output"]["title"])
    assert named is not None and named["gate"] in KILL_GATES
    events = await server.app[STORE].events(run.id)
    reason = next(p["reason"] for _, kind, p in events
                  if kind == "gate_decided" and not p["passed"])
    assert reason in check["output"]["summary"]
    assert code_commits(repo, run.origin["branch"]) == []
    [comment] = repo.comments_on(number)
    assert named["gate"] in comment["body"] and reason in comment["body"]



async def test_a_failed_file_leaves_approved_files_on_the_branch_and_retry_adds_the_rest(
    server: Server, fake_github: FakeGitHub, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Dag] = {}
    broken = {"on": True}
    write = offline.OfflineEngine._write

    def failing(self: offline.OfflineEngine, ask: FileAsk) -> FileBody:
        dag = seen.setdefault("dag", plan_dag(ask.plan))
        body = write(self, ask)
        if broken["on"] and ask.spec.path == _doomed(dag):
            body.content = inject(body.content, FAULTS[0], ask.spec.exports)
        return body

    monkeypatch.setattr(offline.OfflineEngine, "_write", failing)
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA)) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.FAILED, run.error
    dag = seen["dag"]
    doomed = _doomed(dag)
    lost = dag.dependents(doomed) | {doomed}
    assert any(dag.levels[p] > 3 for p in set(dag.deps) - lost)
    branch = run.origin["branch"]
    on_branch = set(repo.git.files(branch))
    assert set(dag.deps) - lost <= on_branch and not lost & on_branch
    assert f"(on {doomed})" in latest_check(repo)["output"]["summary"]

    broken["on"] = False
    assert await server.deliver("issue_comment", pr_comment(
        run.origin["pr"], f"/retry {doomed}", user="writer")) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert set(dag.deps) <= set(repo.git.files(branch))


def _doomed(dag: Dag) -> str:
    """The level-3 Dart file with the most dependents."""
    third = [p for p, n in dag.levels.items() if n == 3 and p.endswith(".dart")]
    return max(third, key=lambda p: (len(dag.dependents(p)), p))


async def test_where_drafts_are_refused_the_pr_opens_wip_titled_and_is_retitled_on_a_pass(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    repo.drafts_allowed = False
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA)) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED, run.error
    [pull] = repo.pulls.values()
    assert (pull["number"], run.origin["pr_wip"]) == (run.origin["pr"], True)
    created = [c for c in fake_github.calls if c.operation == "pulls/create"]
    assert [(c.status, c.body.get("draft")) for c in created] == [(422, True), (201, None)]
    assert created[1].body["title"] == "WIP: " + pull["title"]
    assert not pull["title"].startswith("WIP") and pull["draft"] is False
    assert [c.body for c in fake_github.called("pulls/update")] == [{"title": pull["title"]}]
    assert (pull["state"], pull["body"]) == ("open", created[1].body["body"])
    assert fake_github.called("graphql") == []
    assert latest_check(repo)["conclusion"] == "success"


async def test_a_token_without_a_permission_the_run_needs_fails_it_saying_which(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    granted = fake_github.state.granted[repo.installation_id]
    fake_github.state.granted[repo.installation_id] = {
        k: v for k, v in granted.items() if k != "checks"}
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA)) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.ERROR
    # The first checks call is the look for a check an earlier execution left (checks=read).
    assert run.error is not None and "403" in run.error and "checks=read" in run.error
    [refused] = [c for c in fake_github.calls if c.operation.startswith("checks/")]
    assert (refused.operation, refused.status) == ("checks/list-for-ref", 403)
    [told] = repo.comments_on(number)
    assert "checks=read" in told["body"]
