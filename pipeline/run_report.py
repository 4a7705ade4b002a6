"""FACTORY_REPORT.md: everything a run did, rendered from the store."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pipeline.cache_savings import cache_savings
from pipeline.config import FactoryConfig
from pipeline.engines.base import Usage
from pipeline.events import Seated, Vote
from pipeline.markdown import cell
from pipeline.store.base import RunStore


async def render_run_report(store: RunStore, run_id: str) -> str:
    """Critic, gates, plan, per-file attempts, judge, tokens and cost, and timings."""
    run = await store.get_run(run_id)
    events = await store.events(run_id)
    engines = _engines(events) or [run.engine]
    sections = [
        f"# Code Factory report — run `{run.id}`",
        "",
        f"**Idea:** {run.idea}",
        "",
        f"**Status:** {run.status.value} · **engine:** {', then '.join(engines)}"
        + (" (offline: no model was called; tokens are estimates, cost is $0)"
           if set(engines) == {"offline"} else ""),
    ]
    if run.error:
        sections += ["", f"**Outcome:** {run.error}"]
    sections += _models_section(events)
    if md := await store.load_report(run_id, "critic"):
        sections += ["", md]
    gates = [p for _, k, p in events if k == "gate_decided"]
    if gates:
        sections += ["", "## Kill gates", "", "| Gate | Result | Reason |", "|---|---|---|"]
        latest = {g["gate"]: g for g in gates}
        for g in latest.values():
            sections.append(f"| {g['gate']} | {'pass' if g['passed'] else '**KILLED**'} | "
                            f"{cell(g['reason'])} |")
    rounds = [p for _, k, p in events if k == "plan_reviewed"]
    if rounds:
        sections += ["", "## Plan review panel", ""]
        for r in rounds:
            notes = ": " + "; ".join(r["feedback"][:6]) if r["feedback"] else ""
            sections.append(
                f"- round {r['round']}: {r['approvals']} approvals (quorum {r['quorum']}){notes}"
            )
            votes = [Vote.model_validate(v) for v in r.get("votes", [])]
            sections += [f"  - {cell(v.line())}" for v in votes]
    if md := await store.load_report(run_id, "plan"):
        sections += ["", md]
    sections += await _files_section(store, run_id)
    if md := await store.load_report(run_id, "judge"):
        sections += ["", md]
    config = FactoryConfig.model_validate(run.config)
    sections += await _ledger_section(store, run_id, config)
    engine_notes = [str(p["note"]) for _, k, p in events if k == "engine_noted"]
    if engine_notes:
        sections += ["", "## Engine notes", "",
                     *(f"- {n}" for n in dict.fromkeys(engine_notes))]
    sections += _timings_section(events)
    return "\n".join(sections) + "\n"


async def _files_section(store: RunStore, run_id: str) -> list[str]:
    files = await store.files(run_id)
    if not files:
        return []
    attempts = defaultdict(list)
    for a in await store.attempts(run_id):
        attempts[a.path].append(a)
    models: dict[str, dict[str, None]] = defaultdict(dict)  # the models billed for each file
    for row in await store.ledger(run_id):
        if row.path is not None:
            models[row.path][row.usage.model] = None
    lines = ["", "## Files", "", "| Level | File | Status | Attempts | Models | Last feedback |",
             "|---:|---|---|---:|---|---|"]
    for f in files:
        tries = attempts.get(f.path, [])
        rejected = [a for a in tries if not a.approved]
        feedback = rejected[-1].feedback.splitlines()[0][:160] if rejected else ""
        billed = ", ".join(f"`{m}`" for m in models.get(f.path, {}))
        lines.append(f"| {f.level} | `{f.path}` | {f.status.value} | {len(tries)} | {billed} | "
                     f"{cell(feedback)} |")
    retried = sum(1 for t in attempts.values() if len(t) > 1)
    lines += ["", f"{retried} file(s) needed more than one attempt."]
    return lines


async def _ledger_section(store: RunStore, run_id: str, config: FactoryConfig) -> list[str]:
    rows = await store.ledger(run_id)
    if not rows:
        return []
    by_stage: dict[str, Usage] = {}
    for row in rows:
        by_stage[row.stage] = by_stage.get(row.stage, Usage(model=row.usage.model)) + row.usage
    lines = ["", "## Tokens and cost", "",
             "| Stage | Calls | Input | Output | Cache write | Cache read | Cost |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    calls: dict[str, int] = defaultdict(int)
    for row in rows:
        calls[row.stage] += 1
    total = Usage(model="")
    for stage, u in by_stage.items():
        total = total + u
        lines.append(f"| {stage} | {calls[stage]} | {u.input_tokens} | {u.output_tokens} | "
                     f"{u.cache_write_tokens} | {u.cache_read_tokens} | ${u.cost_usd:.4f} |")
    lines.append(f"| **total** | {len(rows)} | {total.input_tokens} | {total.output_tokens} | "
                 f"{total.cache_write_tokens} | {total.cache_read_tokens} | "
                 f"**${total.cost_usd:.4f}** |")
    savings = cache_savings((row.usage for row in rows), config)
    if savings.cache_read_tokens or savings.cache_write_tokens:
        lines += ["", f"Prompt caching: ${savings.with_cache_usd:.4f} with the cache against "
                      f"${savings.without_cache_usd:.4f} without it "
                      f"({savings.saved_share:.0%} saved)."]
    return lines


def _models_section(events: list[tuple[int, str, dict[str, Any]]]) -> list[str]:
    """Who answered each role, as the last execution of the run had it."""
    started = [p for _, k, p in events if k == "run_started" and p.get("seats")]
    if not started:
        return []
    seats = [Seated.model_validate(s) for s in started[-1]["seats"]]
    lines = ["", "## Models", "", "| Role | Engine | Model |", "|---|---|---|"]
    lines += [f"| {s.role} | {s.engine} | `{s.model}` |" for s in seats]
    return lines


Events = list[tuple[int, str, dict[str, object]]]


def _engines(events: Events) -> list[str]:
    """The engine of each execution, in order, a repeated one named once."""
    names = [str(p["engine"]) for _, k, p in events if k == "run_started"]
    return [name for i, name in enumerate(names) if name not in names[:i]]


def _executions(events: Events) -> list[Events]:
    """The event log cut at each `run_started`: one slice per execution of the run."""
    cuts = [i for i, (_, kind, _) in enumerate(events) if kind == "run_started"] or [0]
    return [events[a:b] for a, b in zip(cuts, [*cuts[1:], len(events)], strict=True)]


def _timings_section(events: Events) -> list[str]:
    """Seconds per stage summed over every execution; an execution that died without a
    `run_finished` is counted up to its last timed event (a progress snapshot)."""
    seconds: dict[str, float] = {}
    total = 0.0
    executions = _executions(events)
    for execution in executions:
        marks = [(str(p["stage"]), float(str(p["elapsed_s"])))
                 for _, k, p in execution if k == "stage_started"]
        end = max((float(str(p["elapsed_s"])) for _, _, p in execution if "elapsed_s" in p),
                  default=0.0)
        for (stage, start), (_, stop) in zip(marks, [*marks[1:], ("", end)], strict=True):
            seconds[stage] = seconds.get(stage, 0.0) + max(0.0, stop - start)
        total += end
    if not seconds:
        return []
    lines = ["", "## Timings", "", "| Stage | Seconds |", "|---|---:|"]
    lines += [f"| {stage} | {value:.2f} |" for stage, value in seconds.items()]
    lines.append(f"| **total** | {total:.2f} |")
    if len(executions) > 1:
        lines += ["", f"Summed over {len(executions)} executions (the run was resumed)."]
    return lines
