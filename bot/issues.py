"""Router: the `factory` label on an issue starts a run; removing it cancels the run.

https://docs.github.com/webhooks/webhook-events-and-payloads#issues
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gidgethub import routing, sansio

from bot import replies
from bot.comments import post_comment
from bot.context import BotContext, origin_of
from bot.errors import GitHubError
from bot.github import GitHub
from bot.repo_config import RepoConfigInvalid, load_repo_config, render_problems
from pipeline.status import LIVE, RunStatus

router = routing.Router()
log = logging.getLogger(__name__)

BRANCH_PREFIX = "factory/issue-"
SLUG_CHARS = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 40
SEEN_REACTION = "eyes"
JUDGED = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED})
"""Runs the Judge concluded: relabelling their issue starts nothing (errored ones restart)."""
REACTIONS_URL = "/repos/{owner}/{repo}/issues/{number}/reactions"


def branch_for(number: int, title: str) -> str:
    """`factory/issue-<n>-<slug>`, the slug cut from the title (ASCII, at most 40 chars)."""
    slug = SLUG_CHARS.sub("-", title.lower()).strip("-")[:SLUG_MAX].rstrip("-")
    return f"{BRANCH_PREFIX}{number}-{slug or 'app'}"


def idea_of(issue: dict[str, Any]) -> str:
    """The idea the pipeline gets: the issue's title and body (untrusted text for models only)."""
    body = (issue.get("body") or "").strip()
    return f"{issue['title'].strip()}\n\n{body}".strip()


@router.register("issues", action="labeled")
async def start_run_on_label(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """Queue a run for the issue, unless one is already live or the repo config is invalid."""
    data: dict[str, Any] = event.data
    issue, repository = data["issue"], data["repository"]
    if "pull_request" in issue:
        return
    owner, name = repository["full_name"].split("/")
    where = {"owner": owner, "repo": name, "number": issue["number"]}
    try:
        repo_config = await load_repo_config(gh, repository, ctx.base_config)
    except RepoConfigInvalid as exc:
        if data["label"]["name"] == exc.label:
            await post_comment(gh, repository["full_name"], issue["number"],
                               render_problems(exc.problems))
        return
    if data["label"]["name"] != repo_config.label:
        return
    origin = origin_of(repository["full_name"], issue=issue["number"])
    if await ctx.store.find_runs(origin, LIVE):
        log.info("run already live", extra={"repo": origin["repo"], "issue": issue["number"]})
        return
    if finished := await ctx.store.find_runs(origin, JUDGED):
        # A new run would only be killed as a copy of this one, on the same PR.
        run = finished[0]
        text = replies.ALREADY_BUILT.format(run_id=run.id, status=run.status.value,
                                            pr=run.origin.get("pr", "?"))
        await post_comment(gh, repository["full_name"], issue["number"], text)
        return
    run = await ctx.store.create_run(
        idea_of(issue), ctx.engine, repo_config.config.model_dump(mode="json"),
        {**origin, "installation_id": gh.installation_id,
         "branch": branch_for(issue["number"], issue["title"]),
         "default_branch": repository["default_branch"]},
    )
    log.info("run queued", extra={"run_id": run.id, "repo": origin["repo"]})
    # Only once the run exists: the 👀 says "on it", and its failure must not lose the run.
    try:
        await gh.post(REACTIONS_URL, where, data={"content": SEEN_REACTION})
    except GitHubError as exc:
        log.warning("could not react to the issue", extra={"run_id": run.id, "error": str(exc)})


@router.register("issues", action="unlabeled")
async def cancel_run_on_unlabel(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """Cancel the issue's live run when the factory label comes off."""
    data: dict[str, Any] = event.data
    try:
        label = (await load_repo_config(gh, data["repository"], ctx.base_config)).label
    except RepoConfigInvalid as exc:
        label = exc.label
    if data["label"]["name"] != label:
        return
    origin = origin_of(data["repository"]["full_name"], issue=data["issue"]["number"])
    for run in await ctx.store.find_runs(origin, LIVE):
        await ctx.store.set_status(run.id, RunStatus.CANCELLED)
        log.info("run cancelled", extra={"run_id": run.id})
