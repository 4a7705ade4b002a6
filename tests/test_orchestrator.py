"""The run's stage flow end to end with a scripted engine and the real SQLite store."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import git
import pytest

from pipeline.answers import PlanReview, RiskLevel
from pipeline.asks import FileAsk, FileReviewAsk, JudgeAsk, PlanReviewAsk
from pipeline.codegen import plan_dag
from pipeline.config import FactoryConfig
from pipeline.engines.base import Usage
from pipeline.errors import InvalidAnswer
from pipeline.events import (
    FanOut,
    FileFailed,
    FileRetrying,
    FilesBlocked,
    FilesRegenerated,
    GateDecided,
    JudgeReported,
    LevelComplete,
    PlanReviewed,
    RunFinished,
)
from pipeline.gitsink import GitSink
from pipeline.orchestrator import UNCHANGED_RETRY, execute_run
from pipeline.status import FileStatus, RunStatus
from pipeline.store.base import RunRecord, RunStore
from tests.databases import sqlite_store
from tests.support.scripted import FILES, LEVELS, Collector, ScriptedEngine, plan

IDEA = "A notes app: write notes with titles and see them in a list"
CONFIG = FactoryConfig(min_files=2, max_files=10, retries_per_file=2, concurrency=4)


def _levels() -> dict[str, int]:
    return plan_dag(plan()).levels


store = sqlite_store("runs.db")


async def start(store: RunStore, idea: str = IDEA, **knobs: Any) -> RunRecord:
    config = CONFIG.merged(knobs) if knobs else CONFIG
    run = await store.create_run(idea, "scripted", config.model_dump(mode="json"),
                                 {"kind": "local"})
    return await store.set_status(run.id, RunStatus.RUNNING)


async def test_a_good_idea_goes_all_the_way_with_one_commit_per_level(store: RunStore) -> None:
    run, sink, engine = await start(store), Collector(), ScriptedEngine()
    status = await execute_run(store, run, sink, engine)
    assert status is RunStatus.SUCCEEDED, sink.of(RunFinished)
    levels = sink.of(LevelComplete)
    assert [e.level for e in levels] == list(range(1, LEVELS + 1))
    assert {p for e in levels for p in e.files} == set(FILES)
    assert sink.kinds()[0] == "run_started" and sink.kinds()[-1] == "run_finished"
    judge = sink.of(JudgeReported)[0]
    assert judge.passed and judge.score >= CONFIG.judge_pass_score
    assert (await store.get_run(run.id)).status is RunStatus.SUCCEEDED
    # Every call's usage is in the ledger: critic, 1 plan, 4 reviews, 6 files x2 (the pubspec is
    # derived from the plan, not asked for), judge.
    assert len(await store.ledger(run.id)) == 1 + 1 + 4 + 2 * (len(FILES) - 1) + 1
    assert await store.load_report(run.id, "judge") == judge.markdown


async def test_a_weak_idea_is_killed_before_planning(store: RunStore) -> None:
    run, sink, engine = await start(store), Collector(), ScriptedEngine(score=3)
    assert await execute_run(store, run, sink, engine) is RunStatus.KILLED
    finished = sink.of(RunFinished)[0]
    assert finished.gate == "min_critic_score" and "below the minimum" in finished.summary
    assert ("PlanAsk", None) not in engine.calls
    assert not sink.of(LevelComplete)


async def test_compliance_and_cannibalization_gates(store: RunStore) -> None:
    risky = await start(store, "An online casino with sports betting")
    assert await execute_run(store, risky, Collector(),
                             ScriptedEngine(risk=RiskLevel.HIGH)) is RunStatus.KILLED
    first = await start(store)
    await execute_run(store, first, Collector(), ScriptedEngine())
    again, sink = await start(store), Collector()
    assert await execute_run(store, again, sink, ScriptedEngine()) is RunStatus.KILLED
    gate = next(g for g in sink.of(GateDecided) if not g.passed)
    assert gate.gate == "cannibalization" and first.id in gate.reason


async def test_the_budget_gate_fires_before_codegen(store: RunStore) -> None:
    run, sink = await start(store, budget_usd=0.01), Collector()
    engine = ScriptedEngine()
    # The scripted engine is priced like the default models by the projection.
    assert await execute_run(store, run, sink, engine) is RunStatus.KILLED
    assert sink.of(RunFinished)[0].gate == "budget"
    assert not any(k[0] == "FileAsk" for k in engine.calls)


async def test_the_panel_sends_the_plan_back_until_the_quorum_approves(store: RunStore) -> None:
    run, sink, engine = await start(store), Collector(), ScriptedEngine()
    votes = {"rounds": 0}

    def review(ask: PlanReviewAsk) -> PlanReview | None:
        votes["rounds"] += 1
        if votes["rounds"] <= 4 and ask.reviewer.name in ("architect", "product"):
            return PlanReview(approve=False, feedback=["split the model"])
        return None

    engine.review_hook = review
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    rounds = sink.of(PlanReviewed)
    assert [r.approvals for r in rounds] == [2, 4]
    assert rounds[0].feedback == ["architect: split the model", "product: split the model"]
    assert engine.calls[("PlanAsk", None)] == 2


async def test_a_broken_file_is_retried_with_the_static_check_feedback(store: RunStore) -> None:
    run, sink, engine = await start(store), Collector(), ScriptedEngine()
    feedback: list[str | None] = []

    def broken_once(ask: FileAsk) -> str | None:
        if ask.spec.path == "lib/screens/note_screen.dart":
            feedback.append(ask.feedback)
            if ask.attempt == 1:
                return FILES[ask.spec.path][0].replace("import '../models/note.dart';", "")
        return None

    engine.file_hook = broken_once
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    assert feedback[0] is None and feedback[1] is not None and "Note" in feedback[1]
    retry = sink.of(FileRetrying)[0]
    assert retry.path == "lib/screens/note_screen.dart" and retry.attempt == 2
    attempts = await store.attempts(run.id, "lib/screens/note_screen.dart")
    assert [a.approved for a in attempts] == [False, True]
    # The static checks rejected attempt 1: no model review was paid for it.
    assert engine.calls[("FileReviewAsk", "lib/screens/note_screen.dart")] == 1


async def test_a_file_that_never_passes_fails_the_run_and_blocks_its_dependents(
    store: RunStore,
) -> None:
    run, sink, engine = await start(store), Collector(), ScriptedEngine()
    engine.file_hook = lambda ask: "class {" if ask.spec.path == "lib/models/note.dart" else None
    assert await execute_run(store, run, sink, engine) is RunStatus.FAILED
    failed = sink.of(FileFailed)[0]
    assert failed.path == "lib/models/note.dart" and failed.attempts == 3
    assert failed.findings and failed.findings[0].path == "lib/models/note.dart"
    blocked = sink.of(FilesBlocked)[0].paths
    assert "lib/main.dart" in blocked and "lib/screens/note_screen.dart" in blocked
    finished = sink.of(RunFinished)[0]
    assert finished.retry_paths == ["lib/models/note.dart"]
    assert engine.calls[("FileAsk", "lib/models/note.dart")] == 3
    assert not any(k == ("FileAsk", "lib/main.dart") for k in engine.calls)
    statuses = {f.path: f.status for f in await store.files(run.id)}
    assert statuses["lib/main.dart"] is FileStatus.BLOCKED


async def test_a_crash_resumes_without_regenerating_finished_files(
    store: RunStore, tmp_path: Path
) -> None:
    run, engine = await start(store), ScriptedEngine()
    out = tmp_path / "app"

    def crash(ask: FileAsk) -> str | None:
        if ask.spec.path == "lib/main.dart":
            raise RuntimeError("worker died")
        return None

    engine.file_hook = crash
    with pytest.raises(RuntimeError):
        await execute_run(store, run, GitSink(out, store, run.id), engine)
    before = dict(engine.calls)
    await store.set_status(run.id, RunStatus.QUEUED)
    run = await store.set_status(run.id, RunStatus.RUNNING)
    engine.file_hook = lambda ask: None
    sink = Collector()
    fan = FanOut([GitSink(out, store, run.id), sink])
    assert await execute_run(store, run, fan, engine) is RunStatus.SUCCEEDED
    again = {k: engine.calls[k] - before.get(k, 0) for k in engine.calls}
    assert again[("FileAsk", "lib/main.dart")] == 1
    assert again.get(("FileAsk", "lib/models/note.dart"), 0) == 0
    assert again.get(("CriticAsk", None), 0) == 0 and again.get(("PlanAsk", None), 0) == 0
    # Levels 1-3 were committed before the crash; the git sink does not commit them again.
    subjects = [c.summary for c in git.Repo(out).iter_commits()]
    assert sorted(s for s in subjects if s.startswith("factory: level")) == [
        f"factory: level {n}/{LEVELS} ({count} file{'' if count == 1 else 's'})"
        for n in range(1, LEVELS + 1)
        for count in [list(_levels().values()).count(n)]
    ]


async def test_retry_regenerates_one_file_in_one_commit_and_rejudges(store: RunStore) -> None:
    run, engine = await start(store), ScriptedEngine()
    await execute_run(store, run, Collector(), engine)
    notes: list[str | None] = []

    def record(ask: FileAsk) -> str | None:
        notes.append(ask.note)
        return FILES[ask.spec.path][0] + "\n// Notes are shown on cards.\n"

    engine.file_hook = record
    await store.update_run(run.id, request={"retry": ["lib/screens/note_screen.dart"],
                                            "note": "use a card"})
    await store.set_status(run.id, RunStatus.QUEUED)
    run = await store.set_status(run.id, RunStatus.RUNNING)
    sink = Collector()
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    commit = sink.of(FilesRegenerated)
    assert len(commit) == 1 and list(commit[0].files) == ["lib/screens/note_screen.dart"]
    assert notes == ["use a card"]
    assert not sink.of(LevelComplete)
    assert len(sink.of(JudgeReported)) == 1
    assert (await store.get_run(run.id)).request == {}


async def test_a_retry_with_identical_content_commits_nothing_and_keeps_the_judge(
    store: RunStore, tmp_path: Path
) -> None:
    run, engine = await start(store), ScriptedEngine()
    out = tmp_path / "app"
    await execute_run(store, run, GitSink(out, store, run.id), engine)
    commits_before = len(list(git.Repo(out).iter_commits()))
    judged_before = engine.calls[("JudgeAsk", None)]
    await store.update_run(run.id, request={"retry": ["lib/screens/note_screen.dart"]})
    await store.set_status(run.id, RunStatus.QUEUED)
    run = await store.set_status(run.id, RunStatus.RUNNING)
    sink = Collector()
    assert await execute_run(store, run, FanOut([sink, GitSink(out, store, run.id)]),
                             engine) is RunStatus.SUCCEEDED
    assert not sink.of(FilesRegenerated) and not sink.of(JudgeReported)
    assert engine.calls[("JudgeAsk", None)] == judged_before
    assert "retry-1" not in await store.commits(run.id)
    finished = sink.of(RunFinished)[0]
    assert UNCHANGED_RETRY in finished.summary
    assert "lib/screens/note_screen.dart" in finished.summary
    # Only the report may change; no commit of the regenerated file.
    messages = [c.message for c in git.Repo(out).iter_commits()][: -commits_before or None]
    assert not any("regenerate" in m for m in messages)


async def test_spending_past_the_budget_stops_codegen_cleanly(store: RunStore) -> None:
    config_budget = 0.10
    run, sink = await start(store, budget_usd=config_budget), Collector()
    engine = ScriptedEngine(cost_per_call=0.01)
    engine.name = "offline"  # priced at $0 by the projection, so the gate lets it through
    config = CONFIG.merged({"budget_usd": config_budget})
    offline_models = config.models.model_copy(update={"executor": "offline",
                                                      "file_reviewer": "offline"})
    await store.update_run(run.id, config=config.model_copy(
        update={"models": offline_models}).model_dump(mode="json"))
    run = await store.get_run(run.id)
    assert await execute_run(store, run, sink, engine) is RunStatus.FAILED
    finished = sink.of(RunFinished)[0]
    assert finished.title == "Budget exhausted" and "higher budget" in finished.summary


async def test_an_unusable_answer_is_a_failed_attempt_and_still_billed(store: RunStore) -> None:
    run, sink, engine = await start(store), Collector(), ScriptedEngine()

    def invalid_once(ask: FileAsk) -> str | None:
        if ask.spec.path == "lib/main.dart" and ask.attempt == 1:
            raise InvalidAnswer("no JSON object", usage=Usage(model="scripted", input_tokens=777))
        return None

    engine.file_hook = invalid_once
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    attempts = await store.attempts(run.id, "lib/main.dart")
    assert [a.approved for a in attempts] == [False, True]
    assert "could not be used" in attempts[0].feedback and "no JSON object" in attempts[0].feedback
    billed = [r for r in await store.ledger(run.id) if r.path == "lib/main.dart"]
    assert any(r.usage.input_tokens == 777 for r in billed)


async def test_an_unreadable_judgement_fails_only_the_judged_checkpoints(
    store: RunStore,
) -> None:
    run, sink = await start(store, judge_pass_score=70), Collector()
    engine = ScriptedEngine()
    original = engine._answer

    def broken_judge(ask: Any) -> Any:
        if isinstance(ask, JudgeAsk):
            raise InvalidAnswer("not JSON")
        return original(ask)

    engine._answer = broken_judge  # type: ignore[method-assign]
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    report = sink.of(JudgeReported)[0]
    assert "could not be read" in report.markdown and "not JSON" in report.markdown
    # The three judged checkpoints (8 points) fail; the two SDK ones (10) and the repository
    # CI's (1: a local run has none) are not verified.
    assert report.score == 100 - 8 - 10 - 1


async def test_a_cancel_during_codegen_stops_before_the_next_file(store: RunStore) -> None:
    run, sink, engine = await start(store, concurrency=1), Collector(), ScriptedEngine()

    def cancel_after_the_model(ask: FileAsk) -> str | None:
        if ask.spec.path == "lib/models/note.dart":
            # What the bot's /cancel does while a worker executes the run.
            asyncio.get_running_loop().create_task(store.set_status(run.id, RunStatus.CANCELLED))
        return None

    engine.file_hook = cancel_after_the_model
    assert await execute_run(store, run, sink, engine) is RunStatus.CANCELLED
    assert sink.of(RunFinished)[0].title == "Cancelled"
    asked = {path for (kind, path) in engine.calls if kind == "FileAsk"}
    assert "lib/main.dart" not in asked and not sink.of(JudgeReported)
    assert (await store.get_run(run.id)).status is RunStatus.CANCELLED


async def test_a_body_written_before_a_crash_is_reviewed_not_written_again(
    store: RunStore,
) -> None:
    run, engine = await start(store), ScriptedEngine()

    def crash_in_review(ask: FileReviewAsk) -> None:
        if ask.spec.path == "lib/main.dart":
            raise RuntimeError("worker died during the review")

    engine.file_review_hook = crash_in_review
    with pytest.raises(RuntimeError):
        await execute_run(store, run, Collector(), engine)
    assert engine.calls[("FileAsk", "lib/main.dart")] == 1
    engine.file_review_hook = lambda ask: None
    run = await store.set_status(run.id, RunStatus.QUEUED)
    run = await store.set_status(run.id, RunStatus.RUNNING)
    assert await execute_run(store, run, Collector(), engine) is RunStatus.SUCCEEDED
    assert engine.calls[("FileAsk", "lib/main.dart")] == 1  # paid for once
    assert engine.calls[("FileReviewAsk", "lib/main.dart")] == 2
    assert [a.number for a in await store.attempts(run.id, "lib/main.dart")] == [1]


async def test_a_retry_that_fails_again_names_the_file_and_blocks_its_dependents(
    store: RunStore,
) -> None:
    run, engine = await start(store), ScriptedEngine()
    assert await execute_run(store, run, Collector(), engine) is RunStatus.SUCCEEDED
    engine.file_hook = lambda ask: "class {" if ask.spec.path == "lib/models/note.dart" else None
    await store.update_run(run.id, request={"retry": ["lib/models/note.dart"], "note": None})
    await store.set_status(run.id, RunStatus.QUEUED)
    run = await store.set_status(run.id, RunStatus.RUNNING)
    sink = Collector()
    assert await execute_run(store, run, sink, engine) is RunStatus.FAILED
    finished = sink.of(RunFinished)[0]
    assert finished.retry_paths == ["lib/models/note.dart"]
    blocked = sink.of(FilesBlocked)[0].paths
    assert "lib/main.dart" in blocked and "lib/models/note.dart" not in blocked
    assert not sink.of(FilesRegenerated)  # nothing new to commit
    statuses = {f.path: f.status for f in await store.files(run.id)}
    assert statuses["lib/models/note.dart"] is FileStatus.FAILED
    assert statuses["lib/main.dart"] is FileStatus.BLOCKED
