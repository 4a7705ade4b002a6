"""The CI oracle's loop in the pipeline: wait, repair the blamed files, give up after the rounds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.asks import FileAsk
from pipeline.ci import CiFailures, CiJob, CiSnapshot
from pipeline.ci_diagnostics import CiDiagnostic
from pipeline.ci_repair import ROUNDS_CHECKPOINT
from pipeline.config import FactoryConfig
from pipeline.events import (
    CiReported,
    CiWaiting,
    FanOut,
    FilesRegenerated,
    JudgeReported,
    RunFinished,
)
from pipeline.gitsink import GitSink
from pipeline.orchestrator import execute_run
from pipeline.pricing import projected_file_cost
from pipeline.status import RunStatus
from pipeline.store.base import RunRecord, RunStore
from tests.databases import sqlite_store
from tests.support.scripted import Collector, ScriptedEngine

IDEA = "A notes app: write notes with titles and see them in a list"
CONFIG = FactoryConfig(min_files=2, max_files=10, retries_per_file=2, concurrency=4,
                       ci_grace_s=0.2, ci_poll_s=0.01, ci_timeout_s=30)
BLAMED = "lib/screens/note_screen.dart"
LINK = "https://github.com/o/r/pull/1/checks"


class ScriptedCi:
    """CI whose verdict per head is scripted: red heads blame one file, others are green."""

    def __init__(self, sink: Collector, red: int, *, jobs: bool = True) -> None:
        self.sink = sink
        self.red = red
        """How many heads come out red."""
        self.jobs = jobs
        self.heads: list[str] = []

    def _head(self) -> str:
        return f"head-{len(self.sink.of(FilesRegenerated))}"

    async def snapshot(self) -> CiSnapshot:
        head = self._head()
        if head not in self.heads:
            self.heads.append(head)
            return CiSnapshot(head=head, jobs=(CiJob("test", None, ""),) if self.jobs else ())
        if not self.jobs:
            return CiSnapshot(head=head)
        red = len(self.heads) <= self.red
        return CiSnapshot(head=head, link=LINK,
                          jobs=(CiJob("test", "failure" if red else "success", ""),))

    async def failures(self, snapshot: CiSnapshot, planned: Sequence[str]) -> CiFailures:
        return CiFailures([CiDiagnostic(BLAMED, 7, "error undefined_identifier: Nope", "analyze"),
                           CiDiagnostic("tool/gen.dart", 1, "warning: x", "analyze")])

    async def pause(self, seconds: float) -> None:
        return None


store = sqlite_store("runs.db")


def sinks(sink: Collector, store: RunStore, run: RunRecord, out: Path) -> FanOut:
    """The collector, and a git sink that records each commit (so repair rounds count)."""
    return FanOut([sink, GitSink(out, store, run.id)])


async def start(store: RunStore, **knobs: Any) -> RunRecord:
    config = CONFIG.merged(knobs) if knobs else CONFIG
    run = await store.create_run(IDEA, "scripted", config.model_dump(mode="json"),
                                 {"kind": "local"})
    return await store.set_status(run.id, RunStatus.RUNNING)


async def test_a_red_head_gets_one_repair_of_the_blamed_file_then_goes_green(
    store: RunStore, tmp_path: Path,
) -> None:
    sink, engine = Collector(), ScriptedEngine()
    notes: list[str | None] = []
    engine.file_hook = lambda ask: _noted(ask, notes)
    ci = ScriptedCi(sink, red=1)
    run = await start(store)
    assert await execute_run(store, run, sinks(sink, store, run, tmp_path / "app"), engine,
                             ci=ci) is RunStatus.SUCCEEDED
    [repair] = sink.of(FilesRegenerated)
    assert repair.key == "ci-repair-1" and sorted(repair.files) == [BLAMED]
    assert any(n and "undefined_identifier" in n for n in notes)
    waits = sink.of(CiWaiting)
    assert (waits[0].done, waits[0].total) == (0, 1)
    [reported] = sink.of(CiReported)
    assert reported.state == "passed"
    assert any("repair round 1: regenerated " + BLAMED in line for line in reported.lines)
    judge = sink.of(JudgeReported)[0].markdown
    assert "| R20 | Repository CI passes on the final head | 1/1 | ✅ |" in judge
    assert LINK in judge


async def test_a_ci_that_stays_red_stops_after_the_rounds_and_names_job_and_file(
    store: RunStore, tmp_path: Path,
) -> None:
    sink, engine = Collector(), ScriptedEngine()
    engine.file_hook = lambda ask: _noted(ask, [])
    run = await start(store, ci_repair_rounds=2)
    assert await execute_run(store, run, sinks(sink, store, run, tmp_path / "app"), engine,
                             ci=ScriptedCi(sink, red=99)) is RunStatus.FAILED
    assert [e.key for e in sink.of(FilesRegenerated)] == ["ci-repair-1", "ci-repair-2"]
    finished = sink.of(RunFinished)[-1]
    assert finished.title == f"CI failed: test ({BLAMED})"
    assert "tool/gen.dart" in finished.summary and "2 of 2 rounds used" in finished.summary
    assert finished.summary.count("CI failed on head-2") == 1  # said once, not also as R20
    assert f"{BLAMED}:7 analyze: error undefined_identifier: Nope" in finished.summary


async def test_a_repository_without_ci_concludes_after_the_grace_not_verified(
    store: RunStore,
) -> None:
    sink = Collector()
    run = await start(store)
    assert await execute_run(store, run, sink, ScriptedEngine(),
                             ci=ScriptedCi(sink, red=0, jobs=False)) is RunStatus.SUCCEEDED
    assert sink.of(FilesRegenerated) == []
    judge = sink.of(JudgeReported)[0].markdown
    assert "not verified: no CI on this repository" in judge


def _noted(ask: FileAsk, notes: list[str | None]) -> str | None:
    """The scripted body, changed by a note so that a repair commits something."""
    notes.append(ask.note)
    if ask.note is None:
        return None
    from tests.support.scripted import FILES
    return FILES[ask.spec.path][0] + f"\n// repaired: attempt {ask.attempt}, {len(notes)}\n"


async def test_a_resumed_run_counts_the_repair_rounds_done_before(
    store: RunStore, tmp_path: Path,
) -> None:
    sink, engine = Collector(), ScriptedEngine()
    engine.file_hook = lambda ask: _noted(ask, [])
    run = await start(store, ci_repair_rounds=2)
    await store.save_checkpoint(run.id, ROUNDS_CHECKPOINT, {"repaired": [[BLAMED]]})
    assert await execute_run(store, run, sinks(sink, store, run, tmp_path / "app"), engine,
                             ci=ScriptedCi(sink, red=99)) is RunStatus.FAILED
    assert len(sink.of(FilesRegenerated)) == 1
    [reported] = sink.of(CiReported)
    assert reported.lines[:2] == [f"repair round 1: regenerated {BLAMED}",
                                  f"repair round 2: regenerated {BLAMED}"]


async def test_no_repair_starts_that_the_budget_could_not_pay_for(
    store: RunStore, tmp_path: Path,
) -> None:
    """The engine costs 0.9 of a file's projected cost per call; the budget is exactly what a
    run without CI spends, so the CI's repair (about one file) does not fit."""
    price = 0.9 * projected_file_cost(CONFIG)
    probe = await start(store, allow_duplicate=True)
    await execute_run(store, probe, Collector(), ScriptedEngine(cost_per_call=price))
    budget = (await store.usage_totals(probe.id)).cost_usd + 1e-9
    sink, engine = Collector(), ScriptedEngine(cost_per_call=price)
    engine.file_hook = lambda ask: _noted(ask, [])
    run = await start(store, allow_duplicate=True, budget_usd=budget)
    assert await execute_run(store, run, sinks(sink, store, run, tmp_path / "app"), engine,
                             ci=ScriptedCi(sink, red=99)) is RunStatus.FAILED
    assert sink.of(FilesRegenerated) == []
    finished = sink.of(RunFinished)[-1]
    assert finished.title == f"CI failed: test ({BLAMED})"
    assert "would exceed the" in finished.summary
    assert (await store.usage_totals(run.id)).cost_usd <= budget


async def test_a_ci_that_never_finishes_is_not_verified_after_the_timeout(
    store: RunStore,
) -> None:
    class Stuck(ScriptedCi):
        async def snapshot(self) -> CiSnapshot:
            return CiSnapshot(head="head-0", jobs=(CiJob("test", None, ""),))

    sink = Collector()
    run = await start(store, ci_timeout_s=0.3)
    assert await execute_run(store, run, sink, ScriptedEngine(),
                             ci=Stuck(sink, red=0)) is RunStatus.SUCCEEDED
    judge = sink.of(JudgeReported)[0].markdown
    assert "not verified: CI did not finish on head-0" in judge
