"""The TaskExecutor: writes one file, has it reviewed, and retries with the feedback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.agents.reviewer import (
    INVALID_FEEDBACK,
    REFUSED_FEEDBACK,
    REVIEW_FAILED,
    TRUNCATED_FEEDBACK,
    Verdict,
    review_file,
)
from pipeline.answers import FileBody, FileSpec, Plan
from pipeline.asks import FileAsk
from pipeline.context import RunContext
from pipeline.conventions import pubspec
from pipeline.engines.base import Usage
from pipeline.errors import InvalidAnswer, Refused
from pipeline.events import FileDone, FileFailed, FileRetrying, FileStarted, Finding
from pipeline.status import FileStatus
from pipeline.store.base import AttemptRecord

PUBSPEC = "pubspec.yaml"


@dataclass(frozen=True)
class FileResult:
    path: str
    ok: bool
    content: str
    attempts: int


async def build_file(
    ctx: RunContext,
    plan: Plan,
    spec: FileSpec,
    done: Mapping[str, str],
    *,
    fresh: bool = False,
    note: str | None = None,
    draft: str | None = None,
) -> FileResult:
    """Generate `spec` until a review approves it or the attempts run out.

    A file gets 1 + `retries_per_file` attempts. Attempts already in the store (a run that
    died mid-file) are not paid for again: the next attempt starts from the last one's
    feedback, and a `draft` the engine wrote but nobody reviewed before the run died is
    reviewed instead of written again. `fresh` (a /retry) grants a full set of attempts.
    Every answer is checkpointed before its review, every attempt (with the bill of its
    review) before the next starts.
    """
    history = await ctx.store.attempts(ctx.run_id, spec.path)
    dependencies = {d: done[d] for d in spec.depends_on if d in done}
    limit = 1 + ctx.config.retries_per_file
    left = limit if fresh else limit - len(history)
    last = history[-1] if history else None
    if not fresh and last is not None and last.approved:
        # Approved and recorded, but the run died before marking the file done: keep it.
        await ctx.store.set_file(ctx.run_id, spec.path, FileStatus.DONE, content=last.content)
        await ctx.emit(FileDone(run_id=ctx.run_id, path=spec.path, attempts=last.number))
        return FileResult(spec.path, True, last.content, last.number)
    unreviewed = draft if not fresh and draft and (last is None or last.content != draft) else None
    await ctx.store.set_file(ctx.run_id, spec.path, FileStatus.RUNNING)
    for remaining in range(left - 1, -1, -1):
        await ctx.check_cancelled()  # a /cancel stops the run at the next attempt of any file
        number = len(history) + 1
        await ctx.emit(FileStarted(run_id=ctx.run_id, path=spec.path, attempt=number))
        ask = FileAsk(
            idea=ctx.idea, plan=plan, spec=spec, dependencies=dependencies, attempt=number,
            previous=last.content if last else None, feedback=last.feedback if last else None,
            note=note,
        )
        content, verdict, review_failed = await _attempt(ctx, plan, spec, ask, done, unreviewed)
        unreviewed = content if review_failed else None  # the next attempt reviews it again
        last = AttemptRecord(
            path=spec.path, number=number, content=content, approved=verdict.approved,
            feedback=verdict.feedback, findings=[d.to_dict() for d in verdict.findings],
            note=note,
        )
        await ctx.record_attempt(last, verdict.cost)
        history.append(last)
        if verdict.approved:
            await ctx.store.set_file(ctx.run_id, spec.path, FileStatus.DONE, content=content)
            await ctx.emit(FileDone(run_id=ctx.run_id, path=spec.path, attempts=number))
            return FileResult(spec.path, True, content, number)
        if remaining:
            await ctx.emit(FileRetrying(
                run_id=ctx.run_id, path=spec.path, attempt=number + 1, feedback=verdict.feedback,
            ))
    return await _fail(ctx, spec.path, last, len(history))


async def _attempt(
    ctx: RunContext, plan: Plan, spec: FileSpec, ask: FileAsk, done: Mapping[str, str],
    draft: str | None,
) -> tuple[str, Verdict, bool]:
    """One attempt: the engine writes the file (unless `draft` already holds it, or the
    factory derives it: the pubspec), then the reviewer judges it.

    An answer that cannot be used (invalid after the repair turn, refused, or cut off) is a
    failed attempt with feedback, not a dead run. A review that fails is the reviewer's fault,
    not the file's: the flag says so, and the written file is kept to be reviewed again.
    What the attempt asked for and did not keep as a draft (the review, an answer it could
    not use) is the verdict's `cost`, billed with the attempt's record.
    """
    derived = spec.path == PUBSPEC
    cost: Usage | None = None
    try:
        if derived:
            body = FileBody(content=pubspec(plan))
        elif draft is None:
            def unreviewed(answer: FileBody) -> str | None:
                # Reviewed on resume instead of paid for again; a cut-off answer is rewritten.
                return None if answer.truncated else answer.content

            body, cost = await ctx.ask_for_attempt(spec.path, ask, FileBody, draft=unreviewed)
        else:
            body = FileBody(content=draft)
    except Refused as exc:
        return "", Verdict(False, f"{REFUSED_FEEDBACK} ({exc})", [], exc.usage), False
    except InvalidAnswer as exc:
        return "", Verdict(False, f"{INVALID_FEEDBACK} ({exc})", [], exc.usage), False
    if body.truncated:
        return body.content, Verdict(False, TRUNCATED_FEEDBACK, [], cost), False
    try:
        verdict = await review_file(ctx, plan, spec, body.content, done, model_review=not derived)
    except InvalidAnswer as exc:
        return body.content, Verdict(False, f"{REVIEW_FAILED} ({exc})", [], exc.usage), True
    return body.content, verdict, False


async def _fail(
    ctx: RunContext, path: str, last: AttemptRecord | None, attempts: int
) -> FileResult:
    await ctx.store.set_file(ctx.run_id, path, FileStatus.FAILED)
    feedback = last.feedback if last else "no attempts left"
    findings = [
        Finding(path=f["file"], line=int(f["line"]), message=str(f["message"]))
        for f in (last.findings if last else [])
    ]
    await ctx.emit(FileFailed(
        run_id=ctx.run_id, path=path, attempts=attempts, feedback=feedback, findings=findings,
    ))
    return FileResult(path, False, last.content if last else "", attempts)
