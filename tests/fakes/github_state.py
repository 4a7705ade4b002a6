"""What the GitHub fake remembers: repositories (each a real git repo), PRs, comments, checks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.github_permissions import Permissions, manifest_permissions
from tests.fakes.gitrepo import GitRepo

PERMISSION_OF_ROLE = {"admin": "admin", "maintain": "write", "write": "write",
                      "triage": "read", "read": "read", "none": "none"}
"""The REST API reports `maintain` as `write` and `triage` as `read` in `permission`."""

_ids = itertools.count(1000)


def next_id() -> int:
    return next(_ids)


@dataclass
class Call:
    """One request the fake handled (or refused)."""

    method: str
    path: str
    operation: str
    query: dict[str, str]
    body: Any
    status: int = 0
    needs: tuple[Permissions, ...] = ()
    """The permission sets the fake asked of the call's token (any one of them would do)."""
    door: int = 0
    """The fake's port the request came in on (see `FakeGitHub.open_door`)."""


@dataclass(frozen=True)
class Token:
    """An installation access token the fake issued."""

    installation_id: int
    expires: float
    permissions: Permissions


@dataclass
class Repo:
    owner: str
    name: str
    installation_id: int
    git: GitRepo
    id: int = field(default_factory=next_id)
    roles: dict[str, str] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    drafts_allowed: bool = True
    """False: a private repository on a plan without draft pull requests (GitHub Free, Pro)."""

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "node_id": f"R_{self.id}", "name": self.name,
            "full_name": self.full_name, "private": False,
            "default_branch": self.git.default_branch,
            "owner": {"login": self.owner, "id": self.id + 1, "type": "Organization"},
            "html_url": f"https://github.com/{self.full_name}",
        }

    def open_issue(self, title: str, body: str, user: str = "octocat") -> dict[str, Any]:
        number = next(self.numbers)
        issue = {"number": number, "title": title, "body": body, "state": "open",
                 "id": next_id(), "user": {"login": user}, "labels": []}
        self.issues[number] = issue
        return issue

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["issue_number"] == number]

    def branch_commits(self, branch: str) -> list[str]:
        """Commits on `branch` that are not on the default branch, oldest first."""
        head = self.git.ref(f"refs/heads/{branch}")
        base = self.git.ref(f"refs/heads/{self.git.default_branch}")
        if head is None:
            return []
        on_base = set(self.git.log(base)) if base else set()
        return [sha for sha in reversed(self.git.log(head)) if sha not in on_base]


class State:
    """Every repository the fake serves, by full name, the tokens it issued, and what each
    installation granted (app.yml's permissions unless a test narrows them)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repos: dict[str, Repo] = {}
        self.tokens: dict[str, Token] = {}
        self.installations: dict[int, str] = {}
        self.granted: dict[int, Permissions] = {}

    def add_repo(
        self, full_name: str, installation_id: int, files: dict[str, str] | None = None,
        roles: dict[str, str] | None = None,
    ) -> Repo:
        owner, name = full_name.split("/")
        git = GitRepo(self.root / f"{owner}__{name}.git")
        git.seed(files or {"README.md": f"# {name}\n"})
        repo = Repo(owner=owner, name=name, installation_id=installation_id, git=git,
                    roles=dict(roles or {}))
        self.repos[full_name.lower()] = repo
        self.installations[installation_id] = owner
        self.granted.setdefault(installation_id, manifest_permissions())
        return repo

    def repo(self, owner: str, name: str) -> Repo | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def find_pull_by_node(self, node_id: str) -> tuple[Repo, dict[str, Any]] | None:
        for repo in self.repos.values():
            for pull in repo.pulls.values():
                if pull["node_id"] == node_id:
                    return repo, pull
        return None
