"""After the last commit: wait for the repository's CI, and repair the files its failures blame.

Each wait is bounded (`ci_timeout_s`); a head on which no other check appears within
`ci_grace_s` means a repository without CI. A red head whose diagnostics blame planned files
gets one repair round: exactly those files are regenerated with the diagnostics as the
reviewer's feedback, through the path a `/retry` takes, and committed as one commit; then CI is
awaited again, at most `ci_repair_rounds` times. A `/retry` that arrives meanwhile is done first.
"""

from __future__ import annotations

import time

from pipeline.ci import CiOracle, CiSnapshot
from pipeline.ci_diagnostics import blame
from pipeline.ci_report import CiReport
from pipeline.codegen import Codegen, CodegenResult
from pipeline.context import RunContext
from pipeline.events import CiReported, CiWaiting, Finding, StageStarted
from pipeline.pricing import projected_file_cost
from pipeline.status import Stage

CHECKPOINT = "ci"
ROUNDS_CHECKPOINT = "ci_rounds"
"""The repair rounds done so far, so that a resumed run never exceeds `ci_repair_rounds`."""
WAITING = "ci_waiting"
"""The request flag that lets a `/retry` in while the run waits for CI."""
REPAIR_KEY = "ci-repair"
FEEDBACK = ("The repository's CI failed on this file (repair round {round} of {rounds}). Fix "
            "every problem it reported, keeping the file's planned exports:\n{diagnostics}")
SHOWN_DIAGNOSTICS = 20
LOGS_READ = ("CI's diagnostics on {head} were read from the log of {jobs} (its annotations "
             "blamed none of the factory's files)")


async def verify_with_ci(
    ctx: RunContext, oracle: CiOracle | None, codegen: Codegen, result: CodegenResult
) -> tuple[CiReport, CodegenResult]:
    """The CI verdict on the final head, after the repair rounds it drove."""
    if oracle is None:
        return CiReport(state="local"), result
    saved = await ctx.store.load_checkpoint(ctx.run_id, CHECKPOINT)
    if saved is not None:
        report = CiReport.model_validate(saved)
        await _reported(ctx, report)
        return report, result
    await ctx.emit(StageStarted(run_id=ctx.run_id, stage=Stage.CI, elapsed_s=ctx.elapsed()))
    planned = [f.path for f in codegen.plan.files]
    rounds = await ctx.store.load_checkpoint(ctx.run_id, ROUNDS_CHECKPOINT) or {}
    repaired: list[list[str]] = list(rounds.get("repaired", []))
    read: list[str] = list(rounds.get("read", []))
    """Where each round's diagnostics came from, when not from annotations."""
    while True:
        state, snapshot, waited = await _wait(ctx, oracle)
        if state == "retry":
            result = await _user_retry(ctx, codegen)
            continue
        report = CiReport(state=state, head=snapshot.head, link=snapshot.link,
                          jobs=[j.name for j in snapshot.jobs],
                          failed_jobs=[j.name for j in snapshot.failed],
                          repaired=repaired, waited_s=round(waited, 1),
                          notes=[*snapshot.notes, *read])
        if state != "failed":
            break
        failures = await oracle.failures(snapshot, planned)
        blamed, others = blame(failures.diagnostics, planned)
        report.blamed = {p: [str(d) for d in ds] for p, ds in blamed.items()}
        report.findings = [Finding(path=p, line=max(1, d.line), message=f"{d.source}: "
                                   f"{d.message}") for p, ds in blamed.items() for d in ds]
        report.others = [str(d) for d in others]
        if failures.read_logs:
            read.append(LOGS_READ.format(head=snapshot.head[:7],
                                         jobs=", ".join(failures.read_logs)))
            report.notes.append(read[-1])
        report.stopped = _why_not_repair(ctx, report, len(repaired))
        if report.stopped:
            break
        notes = {path: _feedback(ctx, len(repaired) + 1, [str(d) for d in found])
                 for path, found in blamed.items()}
        result = await codegen.retry(sorted(blamed), None, notes=notes, key=REPAIR_KEY,
                                     verb="repair after CI:")
        repaired.append(sorted(blamed))
        await ctx.store.save_checkpoint(ctx.run_id, ROUNDS_CHECKPOINT,
                                        {"repaired": repaired, "read": read})
        if result.changed_nothing:
            report.repaired = repaired
            report.stopped = "the repair regenerated the same content, so CI would say the same"
            break
    await ctx.store.save_checkpoint(ctx.run_id, CHECKPOINT, report.model_dump(mode="json"))
    await _reported(ctx, report)
    return report, result


async def _reported(ctx: RunContext, report: CiReport) -> None:
    await ctx.emit(CiReported(run_id=ctx.run_id, state=report.state, lines=report.lines(),
                              findings=report.findings))


async def forget_ci(ctx: RunContext) -> None:
    """Forget CI's verdict and repair rounds: a /retry changed the files, CI must judge anew."""
    await ctx.store.clear_checkpoint(ctx.run_id, CHECKPOINT)
    await ctx.store.clear_checkpoint(ctx.run_id, ROUNDS_CHECKPOINT)


def _feedback(ctx: RunContext, round_number: int, diagnostics: list[str]) -> str:
    """The reviewer's feedback for one blamed file: what CI said about it, this round."""
    listed = "\n".join(f"- {d}" for d in diagnostics[:SHOWN_DIAGNOSTICS])
    return FEEDBACK.format(round=round_number, rounds=ctx.config.ci_repair_rounds,
                           diagnostics=listed)


def _why_not_repair(ctx: RunContext, report: CiReport, rounds: int) -> str:
    """Why a red head gets no repair round; empty when it gets one."""
    if not report.blamed:
        return "no repair: CI blamed none of the factory's files"
    if rounds >= ctx.config.ci_repair_rounds:
        return f"no more repairs: {rounds} of {ctx.config.ci_repair_rounds} rounds used"
    need = len(report.blamed) * projected_file_cost(ctx.config)
    if ctx.spent.cost_usd + need > ctx.config.budget_usd:
        return (f"no repair: regenerating {len(report.blamed)} file(s) (about ${need:.2f}) "
                f"would exceed the ${ctx.config.budget_usd:.2f} budget "
                f"(${ctx.spent.cost_usd:.2f} spent)")
    return ""


async def _wait(ctx: RunContext, oracle: CiOracle) -> tuple[str, CiSnapshot, float]:
    """Wait until every check on the head completed, the grace or the timeout passed, or a
    /retry came in; the state says which ("passed", "failed", "none", "timeout", "retry")."""
    await _set_waiting(ctx, True)
    started = time.monotonic()
    shown = (-1, -1, "")
    try:
        while True:
            await ctx.check_cancelled()
            if (await ctx.store.get_run(ctx.run_id)).request.get("retry"):
                return "retry", CiSnapshot(head=""), time.monotonic() - started
            snapshot = await oracle.snapshot()
            waited = time.monotonic() - started
            if (snapshot.done, len(snapshot.jobs), snapshot.head) != shown:
                shown = (snapshot.done, len(snapshot.jobs), snapshot.head)
                await ctx.emit(CiWaiting(run_id=ctx.run_id, head=snapshot.head,
                                         done=snapshot.done, total=len(snapshot.jobs)))
            if snapshot.complete:
                return ("failed" if snapshot.failed else "passed"), snapshot, waited
            if not snapshot.jobs and waited >= ctx.config.ci_grace_s:
                return "none", snapshot, waited
            if waited >= ctx.config.ci_timeout_s:
                return "timeout", snapshot, waited
            await oracle.pause(ctx.config.ci_poll_s)
    finally:
        await _set_waiting(ctx, False)


async def _set_waiting(ctx: RunContext, waiting: bool) -> None:
    request = dict((await ctx.store.get_run(ctx.run_id)).request)
    if waiting:
        request[WAITING] = True
    else:
        request.pop(WAITING, None)
    await ctx.store.update_run(ctx.run_id, request=request)


async def _user_retry(ctx: RunContext, codegen: Codegen) -> CodegenResult:
    """Do the /retry that arrived while the run waited for CI, then forget the request."""
    request = (await ctx.store.get_run(ctx.run_id)).request
    result = await codegen.retry(list(request["retry"]), request.get("note"))
    await ctx.store.update_run(ctx.run_id, request={})
    return result
