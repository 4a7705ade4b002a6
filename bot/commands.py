"""Router: `/retry`, `/status` and `/cancel` in PR comments, for people with write access.

https://docs.github.com/webhooks/webhook-events-and-payloads#issue_comment
"""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import routing, sansio

from bot import replies
from bot.command_parser import Commands, parse_commands
from bot.comments import post_comment
from bot.context import BotContext, origin_of
from bot.errors import NotFound
from bot.github import GitHub
from pipeline.agents.plan_rules import path_problem
from pipeline.ci_repair import WAITING as CI_WAITING
from pipeline.status import LIVE, FileStatus, RunStatus
from pipeline.store.base import RunRecord

router = routing.Router()
log = logging.getLogger(__name__)

WRITE_ROLES = frozenset({"admin", "maintain", "write"})
ACK_REACTION = "+1"
PERMISSION_URL = "/repos/{owner}/{repo}/collaborators/{username}/permission"
REACTIONS_URL = "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"


async def user_can_write(gh: GitHub, repo: str, user: str) -> tuple[bool, str]:
    """Whether `user` has write, maintain or admin permission, and the permission GitHub gave.

    The REST `permission` field folds `maintain` into `write`; `role_name` keeps it.
    """
    owner, name = repo.split("/")
    try:
        answer = await gh.get(PERMISSION_URL, {"owner": owner, "repo": name, "username": user})
    except NotFound:
        return False, "none"
    roles = {answer.get("permission"), answer.get("role_name")}
    return bool(roles & WRITE_ROLES), str(answer.get("role_name") or answer.get("permission"))


def resolve_files(requested: list[str], planned: list[str]) -> tuple[list[str], list[str]]:
    """Planned paths for the requested names (a path or a bare file name), and the problems."""
    resolved: list[str] = []
    problems: list[str] = []
    for name in requested:
        if name in planned:
            resolved.append(name)
            continue
        if "/" in name and (why := path_problem(name)) is not None:
            problems.append(replies.UNSAFE_PATH.format(path=name, why=why))
            continue
        tail = name.rsplit("/", 1)[-1]
        matches = [p for p in planned if p.rsplit("/", 1)[-1] == tail]
        if len(matches) == 1 and "/" not in name:
            resolved.append(matches[0])
            continue
        if len(matches) > 1:
            listed = "".join(replies.CANDIDATE.format(path=p) for p in matches)
            problems.append(replies.AMBIGUOUS_FILE.format(name=name, candidates=listed))
            continue
        stem = tail.rsplit(".", 1)[0].lower()
        similar = [p for p in planned if stem and stem in p.lower()][:10]
        listed = "".join(replies.CANDIDATE.format(path=p) for p in similar)
        problems.append(replies.UNKNOWN_FILE.format(
            name=name, candidates=f" Did you mean:{listed}" if similar else ""))
    return list(dict.fromkeys(resolved)), problems


async def _status(ctx: BotContext, run: RunRecord) -> str:
    files = await ctx.store.files(run.id)
    count = {s: sum(1 for f in files if f.status is s) for s in FileStatus}
    table = replies.STATUS.format(
        run_id=run.id, status=run.status.value, total=len(files),
        done=count[FileStatus.DONE], failed=count[FileStatus.FAILED],
        blocked=count[FileStatus.BLOCKED],
        pending=count[FileStatus.PENDING] + count[FileStatus.RUNNING],
        commits=len(await ctx.store.commits(run.id)),
    )
    return table + (replies.WAITING_FOR_CI if _waiting_ci(run) else "")


def _waiting_ci(run: RunRecord) -> bool:
    """The run is executing and waits for the repository's CI (`pipeline.ci_repair`)."""
    return run.status is RunStatus.RUNNING and bool(run.request.get(CI_WAITING))


async def _cancel(ctx: BotContext, run: RunRecord) -> str:
    if run.status not in LIVE:
        return replies.NOT_CANCELLABLE.format(status=run.status.value)
    await ctx.store.set_status(run.id, RunStatus.CANCELLED)
    return replies.CANCELLED.format(status=run.status.value)


async def _retry(ctx: BotContext, run: RunRecord, commands: Commands) -> str:
    if not commands.retry:
        return replies.RETRY_WHICH
    waiting_ci = _waiting_ci(run)
    if run.status in LIVE and not waiting_ci:
        return replies.BUSY.format(status=run.status.value)
    planned = [f.path for f in await ctx.store.files(run.id)]
    paths, problems = resolve_files(commands.retry, planned)
    if problems:
        return "\n\n".join(problems)
    # A run waiting for CI picks the request up itself (`pipeline.ci_repair`).
    kept = run.request if waiting_ci else {}
    await ctx.store.update_run(run.id, request={**kept, "retry": paths, "note": commands.note})
    if not waiting_ci:
        await ctx.store.set_status(run.id, RunStatus.QUEUED)
    note = f" with your note: _{commands.note}_" if commands.note else ""
    return replies.RETRY_QUEUED.format(files=", ".join(f"`{p}`" for p in paths), note=note)


@router.register("issue_comment", action="created")
async def run_pr_command(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """Run the commands of a new PR comment; edits never run a command again."""
    data: dict[str, Any] = event.data
    issue, comment = data["issue"], data["comment"]
    if "pull_request" not in issue or comment["user"].get("type") == "Bot":
        return
    commands = parse_commands(comment.get("body") or "")
    if not commands.any:
        return
    repo = data["repository"]["full_name"]
    runs = await ctx.store.find_runs(origin_of(repo, pr=issue["number"]))
    if not runs:
        await post_comment(gh, repo, issue["number"], replies.NO_RUN)
        return
    user = comment["user"]["login"]
    allowed, permission = await user_can_write(gh, repo, user)
    if not allowed:
        log.info("command refused", extra={"user": user, "permission": permission})
        await post_comment(gh, repo, issue["number"],
                     replies.REFUSAL.format(user=user, permission=permission))
        return
    owner, name = repo.split("/")
    await gh.post(REACTIONS_URL, {"owner": owner, "repo": name, "comment_id": comment["id"]},
                  data={"content": ACK_REACTION})
    run = runs[0]
    answers = []
    if commands.cancel:
        answers.append(await _cancel(ctx, run))
    elif commands.retry_asked:
        answers.append(await _retry(ctx, run, commands))
    if commands.status:
        answers.append(await _status(ctx, await ctx.store.get_run(run.id)))
    await post_comment(gh, repo, issue["number"], "\n\n".join(answers))
