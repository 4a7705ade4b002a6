"""Run, stage and file statuses, their terminal sets and the allowed run transitions.

The state machine (kept in step with README's "Run lifecycle"):

    queued -> running -> succeeded | failed | killed | error | cancelled
    running -> queued            (lease lapsed or worker shut down: resumable)
    failed | error | cancelled | killed -> queued   (resume / retry / re-request)
    failed | error | killed -> running   (resumed in the foreground by `factory run --resume`,
                                          never passing through queued where a worker could
                                          claim it)
    succeeded -> queued          (a /retry after success)
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"  # the Judge passed the app
    FAILED = "failed"  # a file failed all attempts, or the Judge failed the app
    KILLED = "killed"  # a kill gate fired
    ERROR = "error"  # an unexpected error; resumable
    CANCELLED = "cancelled"


TERMINAL = frozenset(
    {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.KILLED, RunStatus.ERROR, RunStatus.CANCELLED}
)
LIVE = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})

ALLOWED: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.QUEUED: frozenset({RunStatus.RUNNING, RunStatus.CANCELLED}),
    RunStatus.RUNNING: frozenset(TERMINAL | {RunStatus.QUEUED}),
    RunStatus.SUCCEEDED: frozenset({RunStatus.QUEUED}),
    RunStatus.FAILED: frozenset({RunStatus.QUEUED, RunStatus.RUNNING}),
    RunStatus.KILLED: frozenset({RunStatus.QUEUED, RunStatus.RUNNING}),
    RunStatus.ERROR: frozenset({RunStatus.QUEUED, RunStatus.RUNNING}),
    RunStatus.CANCELLED: frozenset({RunStatus.QUEUED}),
}


def can_transition(current: RunStatus, target: RunStatus) -> bool:
    """Whether the state machine allows `current -> target`."""
    return target in ALLOWED[current]


class Stage(StrEnum):
    CRITIC = "critic"
    GATES = "gates"
    PLAN = "plan"
    CODEGEN = "codegen"
    CI = "ci"
    JUDGE = "judge"


class FileStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # every attempt was rejected
    BLOCKED = "blocked"  # a dependency failed, so this file was not generated


FILE_TERMINAL = frozenset({FileStatus.DONE, FileStatus.FAILED, FileStatus.BLOCKED})


EXIT_PASS = 0
EXIT_JUDGE_FAIL = 1
EXIT_KILLED = 2
EXIT_ERROR = 3
EXIT_INTERRUPTED = 130
"""Ctrl-C, by the shell's convention (128 + SIGINT)."""


def exit_code(status: RunStatus) -> int:
    """The CLI's exit code for a finished run: 0 pass, 1 fail, 2 killed, 3 error."""
    if status is RunStatus.SUCCEEDED:
        return EXIT_PASS
    if status is RunStatus.FAILED:
        return EXIT_JUDGE_FAIL
    if status is RunStatus.KILLED:
        return EXIT_KILLED
    return EXIT_ERROR
