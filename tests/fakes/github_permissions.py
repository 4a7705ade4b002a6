"""What each endpoint of the GitHub fake asks of an installation token, as GitHub documents it.

Each REST operation's page on https://docs.github.com/rest names, under "Fine-grained access
tokens", the permission sets that allow it (e.g. "Create a pull request": "Pull requests"
repository permissions (write)). The issue endpoints accept "Issues" or "Pull requests" (write)
because they serve both; on an issue (not a pull request) only "Issues" does. GraphQL's
markPullRequestReadyForReview needs pull requests and contents write (cli/cli discussion 6924).
A token without one full set gets 403 "Resource not accessible by integration" and the
`x-accepted-github-permissions` header, sets separated by `;` (GitHub changelog 2023-08-10).
"""

from __future__ import annotations

from pathlib import Path

import yaml

Permissions = dict[str, str]
"""Permission name → level (`read`, `write`, `admin`), as in app.yml's default_permissions."""
Need = tuple[Permissions, ...]
"""Alternatives: a token holding every permission of any one of them is allowed."""

MANIFEST = Path(__file__).resolve().parents[2] / "app.yml"
LEVELS = {"read": 1, "write": 2, "admin": 3}
NOT_ACCESSIBLE = "Resource not accessible by integration"
READY_OPERATION = "graphql"
"""The fake's GraphQL knows one mutation: markPullRequestReadyForReview."""

_METADATA: Need = ({"metadata": "read"},)
_READ_CODE: Need = ({"contents": "read"},)
_WRITE_CODE: Need = ({"contents": "write"},)
_READ_PULLS: Need = ({"pull_requests": "read"},)
_WRITE_PULLS: Need = ({"pull_requests": "write"},)
_CHECKS: Need = ({"checks": "write"},)
_READ_CHECKS: Need = ({"checks": "read"},)
_READ_ACTIONS: Need = ({"actions": "read"},)
ISSUE_OR_PULL: Need = ({"issues": "write"}, {"pull_requests": "write"})
ON_ISSUE: Need = ({"issues": "write"},)
"""What an issue endpoint asks when its target is an issue rather than a pull request."""
READ_ISSUE_OR_PULL: Need = ({"issues": "read"}, {"pull_requests": "read"})
READ_ON_ISSUE: Need = ({"issues": "read"},)

NEEDS: dict[str, Need] = {
    "repos/get": _METADATA,
    "repos/get-collaborator-permission-level": _METADATA,
    "repos/get-content": _READ_CODE,
    "git/get-ref": _READ_CODE,
    "git/get-commit": _READ_CODE,
    "git/create-ref": _WRITE_CODE,
    "git/update-ref": _WRITE_CODE,
    "git/create-commit": _WRITE_CODE,
    "git/create-tree": _WRITE_CODE,
    "pulls/list": _READ_PULLS,
    "pulls/get": _READ_PULLS,
    "pulls/create": _WRITE_PULLS,
    "pulls/update": _WRITE_PULLS,
    "issues/list-comments": READ_ISSUE_OR_PULL,
    "issues/create-comment": ISSUE_OR_PULL,
    "issues/update-comment": ISSUE_OR_PULL,
    "reactions/create-for-issue-comment": ISSUE_OR_PULL,
    "reactions/create-for-issue": ISSUE_OR_PULL,
    "checks/create": _CHECKS,
    "checks/update": _CHECKS,
    "checks/list-for-ref": _READ_CHECKS,
    "checks/list-suites-for-ref": _READ_CHECKS,
    "checks/list-annotations": _READ_CHECKS,
    "actions/list-workflow-runs-for-repo": _READ_ACTIONS,
    "actions/list-jobs-for-workflow-run": _READ_ACTIONS,
    "actions/download-job-logs-for-workflow-run": _READ_ACTIONS,
    READY_OPERATION: ({"pull_requests": "write", "contents": "write"},),
}
"""Every operation the fake serves with an installation token (the token endpoint takes a JWT)."""


def manifest_permissions() -> Permissions:
    """app.yml's default_permissions: what an installation of the App grants its tokens."""
    data = yaml.safe_load(MANIFEST.read_text())
    return {str(k): str(v) for k, v in data["default_permissions"].items()}


def holds(granted: Permissions, wanted: Permissions) -> bool:
    """Whether `granted` includes every permission of `wanted` at its level or above."""
    return all(LEVELS.get(granted.get(name, ""), 0) >= LEVELS[level]
               for name, level in wanted.items())


def allows(granted: Permissions, need: Need) -> bool:
    return any(holds(granted, alternative) for alternative in need)


def narrowed(granted: Permissions, asked: Permissions) -> Permissions | None:
    """The permissions of a token asked for `asked`; None when it asks beyond `granted`."""
    return dict(asked) if holds(granted, asked) else None


def accepted_header(need: Need) -> str:
    """`x-accepted-github-permissions`: each allowed set, `;` between sets."""
    return "; ".join(",".join(f"{name}={level}" for name, level in sorted(alternative.items()))
                     for alternative in need)


def least(needs: list[Need]) -> Permissions:
    """The smallest permissions meeting every need: each single-set need is taken as it is,
    and a choice (issues or pull requests) must then be met already, or it is ambiguous."""
    result: Permissions = {}
    for need in needs:
        if len(need) == 1:
            for name, level in need[0].items():
                if LEVELS[level] > LEVELS.get(result.get(name, ""), 0):
                    result[name] = level
    unmet = [need for need in needs if not allows(result, need)]
    if unmet:
        raise ValueError(f"no single permission set decides {unmet[0]}")
    return result
