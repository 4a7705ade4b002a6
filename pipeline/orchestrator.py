"""The run's stage flow: Critic, kill gates, Planner and panel, budget gate, codegen, Judge.

Every stage result is a checkpoint in the store before the next stage starts, so executing
a run again resumes where it stopped and never pays twice for finished work.
"""

from __future__ import annotations

from typing import Any

from pipeline import outbox
from pipeline.agents import gates
from pipeline.agents.checkpoints import Project
from pipeline.agents.critic import criticize, render_critic
from pipeline.agents.flutter_sdk import NoExecution, SdkOracle
from pipeline.agents.judge import JudgeReport, judge, render_judge
from pipeline.agents.panel import plan_with_panel
from pipeline.answers import CriticReport, Plan
from pipeline.ci import CiOracle
from pipeline.ci_repair import forget_ci, verify_with_ci
from pipeline.ci_report import CiReport
from pipeline.codegen import Codegen, CodegenResult, plan_dag
from pipeline.config import FactoryConfig
from pipeline.context import RunContext
from pipeline.engines.base import Engine
from pipeline.errors import BudgetExceeded, Cancelled, EngineError
from pipeline.events import (
    CriticReported,
    GateDecided,
    JudgeReported,
    PlanApproved,
    RunFinished,
    RunStarted,
    Seated,
    Sink,
    StageStarted,
)
from pipeline.markdown import render_plan
from pipeline.pricing import projected_codegen_cost
from pipeline.status import RunStatus, Stage
from pipeline.store.base import RunRecord, RunStore

BUDGET_EXHAUSTED = "Budget exhausted"
"""The title of a run stopped by its budget during code generation."""


UNCHANGED_RETRY = (
    "The retry regenerated the same content, so nothing was committed and the Judge's "
    "report stands"
)
"""Said in the run's summary (the check output, the reply) when a /retry changed nothing."""


def killed_title(gate: str) -> str:
    """The title of a run a kill gate stopped (its outcome starts with it)."""
    return f"Killed by the {gate} gate"


async def execute_run(store: RunStore, run: RunRecord, sink: Sink, engine: Engine,
                      sdk: SdkOracle | None = None, ci: CiOracle | None = None,
                      redelivery: outbox.Redelivery | None = None) -> RunStatus:
    """Execute (or resume) a running run to its end and return its final status.

    Failures the user can act on (a gate, a rejected plan, failed files, the budget, an
    engine error) end the run with a status and a RunFinished event; anything else rises.
    `sdk` runs the Flutter SDK's checks for the Judge; without it nothing generated is run.
    `ci` reads the repository's CI on the pushed head (the GitHub App); without it the CI
    checkpoint is not verified.
    The reports and the verdict go through the run's outbox (`pipeline.outbox`): what an
    earlier execution left undelivered is delivered first, and what the sink cannot deliver
    now stays pending, retried as `redelivery` says.
    """
    ctx = RunContext(
        run_id=run.id, idea=run.idea, store=store, engine=engine, sink=sink,
        config=FactoryConfig.model_validate(run.config),
        spent=await store.usage_totals(run.id), sdk=sdk or NoExecution(),
        default_engine=run.engine, redelivery=redelivery or outbox.Redelivery(),
    )
    before = ctx.spent
    resumed = await store.load_checkpoint(run.id, Stage.CRITIC.value) is not None
    seats = [Seated(role=s.role, engine=s.engine, model=s.model)
             for s in ctx.config.seats(run.engine)]
    await ctx.emit(RunStarted(run_id=run.id, idea=run.idea, engine=engine.name, resumed=resumed,
                              seats=seats))
    await outbox.redeliver_on_resume(store, run.id, sink, ctx.redelivery)
    try:
        finished = await _stages(ctx, run, ci)
    except Cancelled:
        finished = RunFinished(run_id=run.id, status=RunStatus.CANCELLED,
                               title="Cancelled", summary="The run was cancelled.")
    except BudgetExceeded as exc:
        finished = RunFinished(
            run_id=run.id, status=RunStatus.FAILED, title=BUDGET_EXHAUSTED,
            summary=f"{exc}. Resume with a higher budget to finish the run.",
        )
    except EngineError as exc:
        finished = RunFinished(run_id=run.id, status=RunStatus.ERROR, title="Engine error",
                               summary=f"{exc}. The run can be resumed.")
    verdict = outbox.outgoing(finished.model_copy(update={
        "elapsed_s": round(ctx.elapsed(), 2), "calls": ctx.calls,
        "tokens": ctx.spent.total_tokens - before.total_tokens,
        "cost_usd": round(ctx.spent.cost_usd - before.cost_usd, 6),
    }))
    if finished.status is RunStatus.CANCELLED:  # the cancel wrote the status already
        await store.send(run.id, verdict)
    else:
        await store.set_status(run.id, finished.status, error=_error_text(finished),
                               send=verdict)
    await ctx.deliver(verdict)
    return finished.status


def _error_text(finished: RunFinished) -> str | None:
    ok = finished.status is RunStatus.SUCCEEDED
    return None if ok else f"{finished.title}: {finished.summary}"


async def _stages(ctx: RunContext, run: RunRecord, ci_oracle: CiOracle | None) -> RunFinished:
    critic = await _critic(ctx)
    if (killed := await _gates(ctx, critic)) is not None:
        return killed
    plan_data = await _plan(ctx, critic.features)
    plan = Plan.model_validate(plan_data["plan"])
    if not plan_data["approved"]:
        return RunFinished(
            run_id=ctx.run_id, status=RunStatus.FAILED, title="Plan rejected by the panel",
            summary="The panel did not approve the plan after "
                    f"{plan_data['rounds']} rounds: " + "; ".join(plan_data["feedback"][:10]),
        )
    if (killed := await _budget_gate(ctx, plan)) is not None:
        return killed
    await _stage(ctx, Stage.CODEGEN)
    codegen = Codegen(ctx, plan)
    retry = list(run.request.get("retry", []))
    if retry:
        result = await codegen.retry(retry, run.request.get("note"))
        if not result.changed_nothing:  # identical content: CI's and the Judge's reports hold
            await forget_ci(ctx)
            await ctx.store.clear_checkpoint(ctx.run_id, Stage.JUDGE.value)
        await ctx.store.update_run(ctx.run_id, request={})
    else:
        result = await codegen.generate()
    ci, result = await verify_with_ci(ctx, ci_oracle, codegen, result)
    report = await _judge(ctx, plan, result, critic.features, ci)
    return _verdict(ctx, report, result, ci)


async def _stage(ctx: RunContext, stage: Stage) -> None:
    await ctx.check_cancelled()
    await ctx.emit(StageStarted(run_id=ctx.run_id, stage=stage, elapsed_s=ctx.elapsed()))


async def _critic(ctx: RunContext) -> CriticReport:
    saved = await ctx.store.load_checkpoint(ctx.run_id, Stage.CRITIC.value)
    if saved is not None:
        return CriticReport.model_validate(saved)
    await _stage(ctx, Stage.CRITIC)
    report = await criticize(ctx)
    markdown = render_critic(report, ctx.config.critic_min_score)
    item = outbox.outgoing(CriticReported(run_id=ctx.run_id, report=report, markdown=markdown))
    await ctx.store.save_checkpoint(ctx.run_id, Stage.CRITIC.value, report.model_dump(mode="json"),
                                    report=markdown, send=item)
    await ctx.deliver(item)
    return report


async def _gates(ctx: RunContext, critic: CriticReport) -> RunFinished | None:
    """The three idea gates, decided before planning; the first that fails kills the run.

    Compliance goes first: a harmful idea is named as such even when it is also vague.
    """
    await _stage(ctx, Stage.GATES)
    earlier = await ctx.store.earlier_ideas(ctx.run_id)
    results = [
        gates.compliance_risk(critic),
        gates.min_critic_score(critic, ctx.config.critic_min_score),
        gates.cannibalization(ctx.idea, earlier, ctx.config.cannibalization_threshold,
                              ctx.config.allow_duplicate),
    ]
    return await _decide(ctx, results)


async def _budget_gate(ctx: RunContext, plan: Plan) -> RunFinished | None:
    """Recomputed on every execution, so a run killed here resumes with a higher budget."""
    projected = projected_codegen_cost(plan, ctx.config)
    result = gates.budget(projected, ctx.spent.cost_usd, ctx.config.budget_usd)
    return await _decide(ctx, [result])


async def _decide(ctx: RunContext, results: list[gates.GateResult]) -> RunFinished | None:
    for result in results:
        await ctx.emit(GateDecided(
            run_id=ctx.run_id, gate=result.gate, passed=result.passed, reason=result.reason,
        ))
        if not result.passed:
            return RunFinished(
                run_id=ctx.run_id, status=RunStatus.KILLED, gate=result.gate,
                title=killed_title(result.gate), summary=result.reason,
            )
    return None


async def _plan(ctx: RunContext, features: list[str]) -> dict[str, Any]:
    saved = await ctx.store.load_checkpoint(ctx.run_id, Stage.PLAN.value)
    if saved is not None:
        return saved
    await _stage(ctx, Stage.PLAN)
    verdict = await plan_with_panel(ctx, features)
    data = {"plan": verdict.plan.model_dump(mode="json"), "approved": verdict.approved,
            "rounds": verdict.rounds, "feedback": verdict.feedback}
    if not verdict.approved:
        await ctx.store.save_checkpoint(ctx.run_id, Stage.PLAN.value, data)
    else:
        levels = plan_dag(verdict.plan).by_level()
        markdown = render_plan(verdict.plan, levels)
        await ctx.store.save_checkpoint(ctx.run_id, Stage.PLAN.value, data, report=markdown)
        await ctx.emit(PlanApproved(
            run_id=ctx.run_id, plan=verdict.plan, levels=levels, markdown=markdown,
        ))
    return data


async def _judge(
    ctx: RunContext, plan: Plan, result: CodegenResult, features: list[str], ci: CiReport,
) -> JudgeReport:
    saved = await ctx.store.load_checkpoint(ctx.run_id, Stage.JUDGE.value)
    if saved is not None:
        return JudgeReport.model_validate(saved)
    await _stage(ctx, Stage.JUDGE)
    project = Project(
        plan=plan, files=result.files, failed=result.failed + result.blocked,
        min_files=ctx.config.min_files, max_files=ctx.config.max_files, features=features,
        ci=ci.outcome(),
    )
    report = await judge(ctx, project)
    if ci.state != "local":
        report.ci = ci.lines()
    markdown = render_judge(report)
    item = outbox.outgoing(JudgeReported(
        run_id=ctx.run_id, score=report.score, passed=report.passed,
        threshold=report.threshold, markdown=markdown,
    ))
    await ctx.store.save_checkpoint(ctx.run_id, Stage.JUDGE.value, report.model_dump(mode="json"),
                                    report=markdown, send=item)
    await ctx.deliver(item)
    return report


def _verdict(ctx: RunContext, report: JudgeReport, result: CodegenResult,
             ci: CiReport) -> RunFinished:
    unfinished = result.failed + result.blocked
    if result.failed:
        return RunFinished(
            run_id=ctx.run_id, status=RunStatus.FAILED, retry_paths=result.failed,
            title=f"{len(result.failed)} file(s) failed review",
            summary=f"Judge {report.score}/100. Failed: {', '.join(result.failed)}"
                    + ("; waiting on them: " + "; ".join(
                        f"{p} (on {', '.join(w)})" for p, w in result.waits.items())
                       if result.waits else "")
                    + ". Retry them with `/retry <path>` or `factory run --resume`.",
        )
    status = RunStatus.SUCCEEDED if report.passed and not unfinished else RunStatus.FAILED
    word = "passed" if status is RunStatus.SUCCEEDED else "failed"
    summary = f"The Judge scored the app {report.score}/100 (pass mark {report.threshold})."
    if result.changed_nothing:
        summary += f" {UNCHANGED_RETRY}: {', '.join(result.unchanged)}."
    if report.not_built:
        summary += f" Not built: {'; '.join(report.not_built)}."
    elif blocking := [r for r in report.blocking if not (ci.red and r.decided_by == "ci")]:
        summary += " Failed: " + "; ".join(
            f"{r.id} {r.title} ({r.evidence})" for r in blocking) + "."
    title = f"Judge {word}: {report.score}/100"
    if ci.red:  # the check names the failing jobs and files; the lines say the rest
        title, summary = ci.title(), f"{summary} Repository CI: " + "; ".join(ci.lines()) + "."
    return RunFinished(run_id=ctx.run_id, status=status, title=title, summary=summary)
