"""app.yml asks for exactly what the bot uses: its routers' events, and the permissions its
GitHub calls need (recorded by the GitHub fake over a run of each kind, not a list kept here)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import yaml

from bot.dispatch import ROUTER
from pipeline.status import RunStatus
from tests.fakes.github_actions import Job, Script
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_permissions import MANIFEST, NEEDS, READY_OPERATION, least
from tests.fakes.github_state import Repo
from tests.fakes.openapi import OpenAPI
from tests.github_server import Server
from tests.github_values import IDEA
from tests.webhook_events import labeled, pr_comment

pytest_plugins = ["tests.github_fixtures"]

BOT = Path(__file__).resolve().parent.parent / "bot"
QUERY = re.compile(r"\{\?[^}]*\}")
PARAMETER = re.compile(r"\{\+?[^}]*\}")
OTHER_IDEA = ("Plant care", "A houseplant app with watering schedules, light levels and plant "
              "notes.")
UNUSED = {"repos/get"}
"""Operations the fake serves for other tests' sake; the bot never calls them."""
ALWAYS_DELIVERED = {"installation"}
"""GitHub sends these to every App; a manifest does not subscribe to them."""


def _manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(data, dict)
    return data


def test_events_cover_every_routed_event() -> None:
    routed = set(ROUTER._shallow_routes) | set(ROUTER._deep_routes)
    assert routed == {"issues", "issue_comment", "check_run", "check_suite", "workflow_run",
                      "installation"}
    assert set(_manifest()["default_events"]) == routed - ALWAYS_DELIVERED


def _bot_paths() -> set[str]:
    """The REST paths in the bot's URL templates (`{+ref}`, `{?head,state}` and the names of
    the parameters aside), read from every module-level `*_URL` constant under bot/."""
    found = set()
    for module in BOT.glob("*.py"):
        for node in ast.parse(module.read_text()).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str) and node.value.value.startswith("/")
                    and any(isinstance(t, ast.Name) and t.id.endswith("_URL")
                            for t in node.targets)):
                found.add(_shape(node.value.value))
    return found


def _shape(template: str) -> str:
    return PARAMETER.sub("{}", QUERY.sub("", template))


async def test_permissions_are_the_least_that_the_bots_calls_need(
    server: Server, fake_github: FakeGitHub, repo: Repo
) -> None:
    """Every kind of call the bot makes, recorded by the fake with what each one asked of the
    token: a run on a repository with drafts, a /retry on its PR, and a run where GitHub
    refuses drafts (WIP title, retitled); the first run's CI fails once, in a job whose log
    (not its annotations) blames a file, so the CI reads cover every endpoint."""
    fake_github.actions.script = _red_once_in_the_log()
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA)) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED, run.error
    assert await server.deliver("issue_comment", pr_comment(
        run.origin["pr"], "/retry lib/main.dart a friendlier title", user="writer")) == 202
    assert (await server.settle(number)).status is RunStatus.SUCCEEDED
    repo.drafts_allowed = False
    number = repo.open_issue(*OTHER_IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *OTHER_IDEA)) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED and run.origin["pr_wip"], run.error

    called = {c.operation for c in fake_github.calls}
    assert called >= set(NEEDS) - UNUSED, "the scenario no longer covers some of the bot's calls"
    spec = {op.operation_id: _shape(op.path) for op in OpenAPI().operations}
    assert {spec[op] for op in called if op in spec} == _bot_paths()
    assert least([c.needs for c in fake_github.calls if c.needs]) == (
        _manifest()["default_permissions"])


def _red_once_in_the_log() -> Script:
    """A workflow red on the first head with lib/main.dart, its log blaming that file."""
    first: list[bytes] = []

    def script(repo: Repo, sha: str, branch: str) -> list[Job]:
        content = repo.git.read(sha, "lib/main.dart")
        if content is None or (first and content != first[0]):
            return [Job("analyze")]
        first.append(content)
        return [Job("analyze", "failure", annotations=[{
            "path": ".github", "message": "Process completed with exit code 1."}],
            log="  error • Undefined name 'Nope' • lib/main.dart:3:5 • undefined_identifier\n")]

    return script


def test_the_fake_knows_what_every_endpoint_it_serves_needs(fake_github: FakeGitHub) -> None:
    assert set(NEEDS) == set(fake_github.handlers) | {READY_OPERATION}


def test_the_webhook_points_at_our_endpoint() -> None:
    manifest = _manifest()
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    assert manifest["public"] is False
