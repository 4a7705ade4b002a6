"""The webhook payload fields the handlers read, validated by type before anything is stored.

GitHub's payloads carry far more than we read; only the fields a handler uses are checked, and
strictly: an issue number is a positive integer, not "7", 7.5, true or [7]. A payload that fails
is answered 400 at the edge and never recorded, so no run, comment or row comes of it.
https://docs.github.com/webhooks/webhook-events-and-payloads
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

GITHUB_ID_MAX = 2**53
"""GitHub's ids and numbers stay below 2**53, the largest integer JSON clients agree on."""

Id = Annotated[int, Field(strict=True, gt=0, lt=GITHUB_ID_MAX)]
Text = Annotated[str, Field(strict=True)]
Name = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=255)]
FullName = Annotated[str, StringConstraints(
    strict=True, max_length=200, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Installation(_Part):
    id: Id


class Repository(_Part):
    full_name: FullName
    default_branch: Name


class Issue(_Part):
    number: Id
    title: Text
    body: Text | None = None


class Label(_Part):
    name: Name


class User(_Part):
    login: Name
    type: Name


class Comment(_Part):
    id: Id
    body: Text | None = None
    user: User


Sha = Annotated[str, StringConstraints(strict=True, pattern=r"^[0-9a-f]{40}$")]
Branch = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=255)]


class App(_Part):
    id: Id


class SuiteOfRun(_Part):
    head_branch: Branch | None = None


class CheckRun(_Part):
    id: Id
    head_sha: Sha
    app: App | None = None
    check_suite: SuiteOfRun | None = None


class CheckSuite(_Part):
    id: Id
    head_sha: Sha
    head_branch: Branch | None = None
    app: App | None = None


class HeadRepository(_Part):
    full_name: FullName


class WorkflowRun(_Part):
    id: Id
    head_sha: Sha
    head_branch: Branch | None = None
    head_repository: HeadRepository | None = None


class Account(_Part):
    login: Name


class InstallationWithAccount(Installation):
    account: Account


class IssuesEvent(_Part):
    installation: Installation | None = None
    repository: Repository
    issue: Issue
    label: Label | None = None


class IssueCommentEvent(_Part):
    installation: Installation | None = None
    repository: Repository
    issue: Issue
    comment: Comment


class CheckRunEvent(_Part):
    installation: Installation | None = None
    repository: Repository
    check_run: CheckRun


class CheckSuiteEvent(_Part):
    installation: Installation | None = None
    repository: Repository
    check_suite: CheckSuite


class WorkflowRunEvent(_Part):
    installation: Installation | None = None
    repository: Repository
    workflow_run: WorkflowRun


class InstallationEvent(_Part):
    installation: InstallationWithAccount


SHAPES: dict[str, type[_Part]] = {
    "issues": IssuesEvent,
    "issue_comment": IssueCommentEvent,
    "check_run": CheckRunEvent,
    "check_suite": CheckSuiteEvent,
    "workflow_run": WorkflowRunEvent,
    "installation": InstallationEvent,
}
"""The events the routers handle; others are accepted and find no handler.

An event without an installation passes here and is dropped, with a warning, by the queue."""


def payload_problem(event: str, data: dict[str, Any]) -> str | None:
    """Why `data` cannot be the payload of `event` as our handlers read it; None when it can."""
    shape = SHAPES.get(event)
    if shape is None:
        return None
    try:
        shape.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"payload field {where}: {first['msg']}"
    return None
