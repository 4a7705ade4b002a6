"""Webhook deliveries built from real payloads (@octokit/webhooks-examples), adapted and signed."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from bot.webhook import signature_of
from tests.github_values import INSTALLATION_ID, REPO, WEBHOOK_SECRET

EXAMPLES = json.loads(
    (Path(__file__).parent / "fixtures" / "github" / "webhooks.json").read_text()
)


def payload(event: str, action: str | None = None, repo: str = REPO) -> dict[str, Any]:
    """A recorded payload for `event`/`action`, moved to our repository and installation."""
    data: dict[str, Any] = copy.deepcopy(EXAMPLES[event][action or "default"])
    owner, name = repo.split("/")
    if "repository" in data:
        data["repository"].update(full_name=repo, name=name, default_branch="main")
        data["repository"]["owner"]["login"] = owner
    data.setdefault("installation", {"node_id": "MDIzOkluc3RhbGxhdGlvbjc3"})["id"] = INSTALLATION_ID
    return data


def labeled(number: int, title: str, body: str = "", label: str = "factory",
            action: str = "labeled") -> dict[str, Any]:
    data = payload("issues", action)
    data["issue"].update(number=number, title=title, body=body)
    data["issue"].pop("pull_request", None)
    data["label"]["name"] = label
    return data


def pr_comment(pr: int, body: str, user: str = "writer", action: str = "created",
               comment_id: int = 0) -> dict[str, Any]:
    data = payload("issue_comment", action)
    data["issue"]["number"] = pr
    data["issue"]["pull_request"] = {"url": f"https://api.github.com/repos/{REPO}/pulls/{pr}"}
    data["comment"].update(body=body, id=comment_id or uuid.uuid4().int % 10**9)
    data["comment"]["user"].update(login=user, type="User")
    return data


def rerequested(check_run_id: int, external_id: str, app_id: int) -> dict[str, Any]:
    data = payload("check_run", "rerequested")
    data["check_run"].update(id=check_run_id, external_id=external_id)
    data["check_run"]["app"]["id"] = app_id
    return data


def signed(event: str, data: dict[str, Any], delivery: str | None = None,
           secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    """The body and headers GitHub would POST for this event."""
    body = json.dumps(data).encode()
    return body, {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": signature_of(secret, body),
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/test",
    }
