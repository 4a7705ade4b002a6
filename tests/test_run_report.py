"""FACTORY_REPORT.md of a resumed run: every engine that executed it, timings summed."""

from __future__ import annotations

from pipeline.run_report import render_run_report
from pipeline.store.sql import SqlRunStore
from tests.databases import sqlite_store

FIRST = [("run_started", {"engine": "offline"}),
         ("stage_started", {"stage": "critic", "elapsed_s": 0.0}),
         ("stage_started", {"stage": "plan", "elapsed_s": 1.0}),
         ("stage_started", {"stage": "codegen", "elapsed_s": 3.0}),
         ("progress", {"elapsed_s": 7.5})]
"""An execution interrupted during codegen: no run_finished, its last snapshot at 7.5 s."""
SECOND = [("run_started", {"engine": "simulated"}),
          ("stage_started", {"stage": "codegen", "elapsed_s": 0.5}),
          ("stage_started", {"stage": "judge", "elapsed_s": 4.5}),
          ("run_finished", {"elapsed_s": 6.0})]


store = sqlite_store("factory.db")


def timings(report: str) -> dict[str, str]:
    table = report.split("## Timings")[1].split("\n\n")[1]
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    return {stage.strip(): seconds.strip() for stage, seconds in rows}


async def test_a_resumed_run_names_each_engine_and_sums_its_timings(store: SqlRunStore) -> None:
    run = await store.create_run("idea", "offline", {}, {"kind": "local", "out": "/x"})
    for kind, payload in FIRST + SECOND:
        await store.append_event(run.id, kind, payload)
    report = await render_run_report(store, run.id)
    assert "**engine:** offline, then simulated" in report
    assert "offline: no model was called" not in report
    assert timings(report) == {"critic": "1.00", "plan": "2.00", "codegen": "8.50",
                               "judge": "1.50", "**total**": "13.50"}
    assert "Summed over 2 executions" in report


async def test_one_offline_execution_says_it_is_offline(store: SqlRunStore) -> None:
    run = await store.create_run("idea", "offline", {}, {"kind": "local", "out": "/x"})
    for kind, payload in FIRST[:3]:
        await store.append_event(run.id, kind, payload)
    report = await render_run_report(store, run.id)
    assert "**engine:** offline (offline: no model was called" in report
    assert timings(report) == {"critic": "1.00", "plan": "0.00", "**total**": "1.00"}
