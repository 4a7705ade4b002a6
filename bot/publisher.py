"""The GitHub publisher: a pipeline sink that turns a run's events into GitHub calls.

Branch `factory/issue-<n>-<slug>`, a draft PR that closes the issue (titled "WIP: " where the
repository has no drafts), one commit per DAG level
(never twice: the store's commit keys and the head's trailer are both checked), the live
check run, the critic and judge comments, and the verdict (ready for review, or a failed check).

The reports and the verdict come from the run's outbox and may come again (after a crash, an
outage, a lost answer): each effect is idempotent. Comments carry a hidden marker and are
looked up before a second is posted, the check is concluded by a PATCH, ready-for-review is
skipped on a PR that is no longer a draft. A publisher that did not see the run start (a
worker delivering a finished run's verdict) rebuilds the check's table from the event log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot import replies
from bot.branch import Branch
from bot.check_output import CONCLUSION, Display, annotations_for, finding_notes
from bot.check_run import MIN_INTERVAL_S, SUPERSEDED_TITLE, CheckRun
from bot.comments import deliver_comment, marker
from bot.errors import GitHubError, NotFound, RateLimited
from bot.github import GitHub
from bot.pull_request import PullRequest, mark_ready, open_pull
from pipeline.errors import Undelivered
from pipeline.events import (
    EVENT_ADAPTER,
    CiReported,
    CiWaiting,
    CriticReported,
    EngineNoted,
    Event,
    FileDone,
    FileFailed,
    FileRetrying,
    FilesBlocked,
    FilesRegenerated,
    FileStarted,
    GateDecided,
    JudgeReported,
    LevelComplete,
    PlanApproved,
    PlanReviewed,
    Progress,
    RunFinished,
    RunStarted,
    StageStarted,
)
from pipeline.status import RunStatus
from pipeline.store.base import RunRecord, RunStore

PR_TITLE = "Code Factory: {idea}"
PR_TITLE_MAX = 100
PR_BODY = (
    "Closes #{issue}\n\n"
    "Code Factory is generating this app from the issue, one commit per DAG level. Follow "
    "the **Code Factory** check for progress. With write access you can comment "
    "`/retry <file> [what to change]`, `/status` or `/cancel`.\n\n"
    "Run `{run_id}`."
)
GATE_COMMENT = "**Code Factory stopped: {title}**\n\n{summary}\n\nNo code was generated."
CI_WAITING = "waiting for CI ({done} of {total} done)"
CI_ANNOTATION = "repository CI"

DUPLICATE_TITLE = "Replaced by check run {check_id}"
NO_PULL_REQUEST = "the pull request is not open yet"
DELIVERED_KINDS = frozenset({"critic_reported", "judge_reported", "run_finished"})
"""What reaches the publisher from the run's outbox: its GitHub failures are Undelivered."""
REPLAYED_KINDS = frozenset({
    "stage_started", "gate_decided", "plan_approved", "plan_reviewed", "engine_noted",
    "file_started", "file_retrying", "file_done", "file_failed", "files_blocked", "progress",
})
"""Logged events that only change the check's table (with no check attached, no calls)."""

log = logging.getLogger(__name__)


class GitHubPublisher:
    """Shows one execution of a GitHub-origin run on its issue and pull request."""

    def __init__(
        self, gh: GitHub, store: RunStore, run: RunRecord,
        *, min_interval_s: float = MIN_INTERVAL_S,
    ) -> None:
        self.gh = gh
        self.store = store
        self.run = run
        self.origin: dict[str, Any] = dict(run.origin)
        self.repo: str = self.origin["repo"]
        self.owner, self.name = self.repo.split("/")
        self.branch = Branch(gh, self.repo, self.origin["branch"],
                             self.origin.get("default_branch", "main"), run.id)
        self.display = Display()
        self.check = CheckRun(gh, self.repo, run.id, self.display,
                              min_interval_s=min_interval_s)
        self._handlers: dict[type[Any], Callable[[Any], Awaitable[None]]] = {
            RunStarted: self._started, StageStarted: self._stage,
            CriticReported: self._critic, GateDecided: self._gate, PlanApproved: self._plan,
            FileStarted: self._file_running, FileRetrying: self._file_running,
            FileDone: self._file_done, FileFailed: self._file_failed,
            FilesBlocked: self._files_blocked, Progress: self._progress,
            LevelComplete: self._level, FilesRegenerated: self._regenerated,
            JudgeReported: self._judge, RunFinished: self._finished,
            PlanReviewed: self._votes, EngineNoted: self._noted,
            CiWaiting: self._ci_waiting, CiReported: self._ci_reported,
        }

    async def emit(self, event: Event) -> None:
        """Handle one event (the orchestrator awaits this before going on)."""
        handler = self._handlers.get(type(event))
        if handler is None:
            return
        if event.kind not in DELIVERED_KINDS:
            await handler(event)
            return
        try:
            await handler(event)
        except RateLimited as exc:
            raise Undelivered(str(exc), exc.retry_after) from exc
        except GitHubError as exc:
            raise Undelivered(str(exc)) from exc

    async def _save_origin(self, **changes: Any) -> None:
        self.origin.update(changes)
        await self.store.update_run(self.run.id, origin=self.origin)

    # -- opening ------------------------------------------------------------------------------
    async def _pull_request(self) -> PullRequest:
        remembered = PullRequest.remembered(self.origin)
        if remembered is not None:
            return remembered
        idea = self.run.idea.splitlines()[0] if self.run.idea else "app"
        return await open_pull(self.gh, self.repo, self.branch.name, self.branch.base,
                               PR_TITLE.format(idea=idea)[:PR_TITLE_MAX],
                               PR_BODY.format(issue=self.origin["issue"], run_id=self.run.id))

    def _show_start(self, event: RunStarted) -> None:
        self.display.engine = event.engine
        self.display.models = [seat.line() for seat in event.seats]
        self.display.stage = "starting"

    async def _started(self, event: RunStarted) -> None:
        self._show_start(event)
        head = await self.branch.ensure()
        await self._save_origin(**(await self._pull_request()).origin())
        for key, sha in sorted((await self.store.commits(self.run.id)).items()):
            self.display.commits.append((key, sha))
        if not await self._attach(head.sha, live_only=True):
            await self.check.start(head.sha)
            await self._save_check()

    async def _save_check(self) -> None:
        await self._save_origin(check_run_id=self.check.id, check_head_sha=self.check.head_sha)

    async def _attach(self, head_sha: str, *, live_only: bool) -> bool:
        """Adopt this run's check on `head_sha`: the newest in progress (others in progress
        there are closed), else with `live_only` False the newest; close the run's check a
        dead process left in progress on an earlier head. True when one was adopted."""
        old_head = self.origin.get("check_head_sha")
        if old_head and old_head != head_sha:
            for stale in await self.check.ours(old_head):
                if stale["status"] != "completed":
                    await self.check.close(int(stale["id"]),
                                           SUPERSEDED_TITLE.format(sha=head_sha[:7]))
        ours = await self.check.ours(head_sha)
        live = [c for c in ours if c["status"] != "completed"]
        chosen = live[-1] if live else (None if live_only or not ours else ours[-1])
        if chosen is None:
            return False
        for extra in live[:-1]:
            await self.check.close(int(extra["id"]), DUPLICATE_TITLE.format(check_id=chosen["id"]))
        self.check.adopt(int(chosen["id"]), head_sha)
        await self._save_check()
        return True

    # -- progress -----------------------------------------------------------------------------
    async def _stage(self, event: StageStarted) -> None:
        self.display.stage = event.stage.value
        self.display.elapsed_s = event.elapsed_s
        await self.check.refresh(force=True)

    async def _gate(self, event: GateDecided) -> None:
        self.display.gates.append((event.gate, event.passed, event.reason))
        await self.check.refresh()

    async def _plan(self, event: PlanApproved) -> None:
        self.display.plan, self.display.dag_levels = event.plan, event.levels
        self.display.levels = len(event.levels)
        self.display.files_total = len(event.plan.files)
        await self.check.refresh(force=True)

    async def _votes(self, event: PlanReviewed) -> None:
        self.display.votes = [f"round {event.round}: {v.line()}" for v in event.votes]
        await self.check.refresh()

    async def _noted(self, event: EngineNoted) -> None:
        self.display.notes.append(event.note)
        await self.check.refresh()

    async def _file_running(self, event: FileStarted | FileRetrying) -> None:
        self.display.file_status[event.path] = "running"
        await self.check.refresh()

    async def _file_done(self, event: FileDone) -> None:
        self.display.file_status[event.path] = "done"
        await self.check.refresh()

    async def _file_failed(self, event: FileFailed) -> None:
        self.display.file_status[event.path] = "failed"
        self.check.annotate(annotations_for(event))
        await self.check.refresh()

    async def _files_blocked(self, event: FilesBlocked) -> None:
        for path in event.paths:
            self.display.file_status[path] = "failed"
        await self.check.refresh()

    async def _progress(self, event: Progress) -> None:
        d = self.display
        d.stage, d.level, d.levels = event.stage.value, event.level, event.levels
        d.files_total, d.files_done = event.files_total, event.files_done
        d.files_failed, d.files_retrying = event.files_failed, event.files_retrying
        d.tokens, d.cost_usd, d.elapsed_s = event.tokens, event.cost_usd, event.elapsed_s
        await self.check.refresh()

    # -- commits ------------------------------------------------------------------------------
    async def _commit(self, key: str, files: dict[str, str], message: str) -> None:
        if key in await self.store.commits(self.run.id):
            return  # committed by an earlier execution of this run
        sha = await self.branch.commit(key, files, message)
        await self.store.mark_committed(self.run.id, key, sha)
        self.display.commits.append((key, sha))
        await self.check.move(sha)
        await self._save_check()

    async def _level(self, event: LevelComplete) -> None:
        self.display.level = event.level
        await self._commit(f"level-{event.level}", event.files, event.message)

    async def _regenerated(self, event: FilesRegenerated) -> None:
        await self._commit(event.key, event.files, event.message)

    # -- the repository's CI ------------------------------------------------------------------
    async def _ci_waiting(self, event: CiWaiting) -> None:
        self.display.stage = CI_WAITING.format(done=event.done, total=event.total)
        await self.check.refresh(force=True)

    async def _ci_reported(self, event: CiReported) -> None:
        self.display.ci = list(event.lines)
        self.check.annotate(finding_notes(event.findings, CI_ANNOTATION))
        await self.check.refresh(force=True)

    # -- reports and verdict ------------------------------------------------------------------
    def _pr(self) -> int:
        if not self.origin.get("pr"):
            raise Undelivered(NO_PULL_REQUEST)
        return int(self.origin["pr"])

    async def _critic(self, event: CriticReported) -> None:
        comment = await deliver_comment(self.gh, self.repo, self._pr(), event.markdown,
                                        marker(self.run.id, "critic"),
                                        self.origin.get("critic_comment_id"))
        await self._save_origin(critic_comment_id=comment)

    async def _judge(self, event: JudgeReported) -> None:
        comment = await deliver_comment(self.gh, self.repo, self._pr(), event.markdown,
                                        marker(self.run.id, "judge"),
                                        self.origin.get("judge_comment_id"))
        await self._save_origin(judge_comment_id=comment)

    async def _finished(self, event: RunFinished) -> None:
        if self.check.id is None:  # a worker delivering a finished run's verdict
            await self._recover_check()
        self.display.stage = event.status.value
        self.display.elapsed_s = event.elapsed_s
        if self.check.id is None:
            # No check run to carry it: without this the user would see only the 👀.
            await self._say_on_issue("verdict", replies.EARLY_FAILURE.format(
                run_id=self.run.id, reason=event.summary))
        else:
            await self.check.finish(CONCLUSION[event.status], event.title, event.summary)
        if event.gate is not None:
            await self._say_on_issue("gate", GATE_COMMENT.format(title=event.title,
                                                                 summary=event.summary))
        if event.status is RunStatus.SUCCEEDED:
            await self._ready()
        log.info("run published", extra={"run_id": self.run.id, "status": event.status.value})

    async def _say_on_issue(self, kind: str, body: str) -> None:
        key = f"{kind}_comment_id"
        comment = await deliver_comment(self.gh, self.repo, int(self.origin["issue"]), body,
                                        marker(self.run.id, kind), self.origin.get(key))
        await self._save_origin(**{key: comment})

    async def _ready(self) -> None:
        pull = PullRequest.remembered(self.origin)
        if pull is None:
            raise Undelivered(NO_PULL_REQUEST)
        await mark_ready(self.gh, self.repo, pull)

    async def _recover_check(self) -> None:
        """Find the check to conclude and rebuild its table from the last execution's events."""
        if not self.origin.get("check_run_id"):
            return  # the run never opened one
        try:
            head = await self.branch.head_sha()
        except NotFound:
            return
        if not await self._attach(head, live_only=False):
            self.check.adopt(int(self.origin["check_run_id"]), head)
        events = await self.store.events(self.run.id)
        starts = [i for i, (_, kind, _) in enumerate(events) if kind == "run_started"]
        for _, kind, payload in events[starts[-1] if starts else 0:]:
            if kind == "run_started":
                self._show_start(RunStarted.model_validate(payload))
            elif kind in REPLAYED_KINDS:
                attached, self.check.id = self.check.id, None  # the table only: no calls
                await self.emit(EVENT_ADAPTER.validate_python(payload))
                self.check.id = attached
        self.check.forget_annotations()
        for key, sha in sorted((await self.store.commits(self.run.id)).items()):
            self.display.commits.append((key, sha))
