"""What must hold after any crash of a bot process, read from the GitHub fake and the store:
the run ended once, every comment once, exactly one check per head and none in progress,
the PR ready when the Judge passed, no file paid for twice."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from pipeline.status import RunStatus
from pipeline.store.base import RunRecord
from pipeline.store.sql import SqlRunStore
from tests.fakes.github_state import Repo
from tests.fleet import assert_published_once

COMMENT_KINDS = {"## Critic report": "critic", "## Judge report": "judge",
                 "Code Factory stopped": "gate"}
EXPECTED_COMMENTS = {
    RunStatus.SUCCEEDED: {("pr", "critic"): 1, ("pr", "judge"): 1},
    RunStatus.KILLED: {("pr", "critic"): 1, ("issue", "gate"): 1},
}
CONCLUSION = {RunStatus.SUCCEEDED: "success", RunStatus.KILLED: "failure"}
CALLS_PER_ATTEMPT = 2
"""Ledger rows of one file attempt by the offline engine: the file, then its review."""


def comment_kind(body: str) -> str:
    for heading, kind in COMMENT_KINDS.items():
        if heading in body:
            return kind
    return f"other: {body[:80]!r}"


def assert_comments_once(repo: Repo, run: RunRecord, ends: RunStatus) -> None:
    places = {run.origin["issue"]: "issue", run.origin["pr"]: "pr"}
    seen = Counter((places.get(c["issue_number"], str(c["issue_number"])), comment_kind(c["body"]))
                   for c in repo.comments.values())
    assert dict(seen) == EXPECTED_COMMENTS[ends], ("comments are not each posted once", seen)


def assert_one_finished_check_per_head(repo: Repo, ends: RunStatus) -> None:
    by_head: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for check in repo.check_runs.values():
        by_head[check["head_sha"]].append(check)
    shown = {head[:7]: [(c["status"], c["conclusion"], c["output"].get("title")) for c in checks]
             for head, checks in by_head.items()}
    assert all(len(checks) == 1 for checks in by_head.values()), ("a head has more checks", shown)
    assert all(c["status"] == "completed" for c in repo.check_runs.values()), (
        "a check is left in progress", shown)
    latest = max(repo.check_runs.values(), key=lambda c: c["id"])
    assert latest["conclusion"] == CONCLUSION[ends], ("the last check's verdict", shown)


async def assert_no_file_paid_twice(store: SqlRunStore, run: RunRecord) -> None:
    attempts = Counter(a.path for a in await store.attempts(run.id))
    paid = Counter(row.path or "" for row in await store.ledger(run.id)
                   if row.stage == "codegen")
    files = {f.path for f in await store.files(run.id)}
    assert attempts == Counter(dict.fromkeys(files, 1)), ("a file was attempted more than once",
                                                          attempts)
    twice = {path: n for path, n in paid.items() if n != CALLS_PER_ATTEMPT * attempts[path]}
    assert not twice, ("files paid for other than their attempts (codegen ledger rows, "
                       f"{CALLS_PER_ATTEMPT} per attempt)", twice)


async def assert_outcome(store: SqlRunStore, repo: Repo, issue: int, ends: RunStatus) -> None:
    """Every invariant of issue 12's crash suite for the issue's run (the ledger's last)."""
    runs = await store.find_runs({"kind": "github", "issue": issue})
    assert [r.status for r in runs] == [ends], [(r.id, r.status, r.error) for r in runs]
    [run] = runs
    finished = [kind for _, kind, _ in await store.events(run.id) if kind == "run_finished"]
    assert len(finished) == 1, f"the run finished {len(finished)} times"
    assert_comments_once(repo, run, ends)
    assert_one_finished_check_per_head(repo, ends)
    assert repo.pulls[run.origin["pr"]]["draft"] is (ends is not RunStatus.SUCCEEDED), \
        "the PR is ready exactly when the Judge passed"
    await assert_published_once(store, repo, run)
    await assert_no_file_paid_twice(store, run)
