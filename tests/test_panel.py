"""The panel's quorum when reviewers cannot vote: abstentions, and a quorum out of reach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pipeline.answers import PlanReview
from pipeline.asks import PlanReviewAsk
from pipeline.config import FactoryConfig
from pipeline.errors import TransientEngineError
from pipeline.events import PlanReviewed, RunFinished
from pipeline.orchestrator import execute_run
from pipeline.status import RunStatus
from pipeline.store import open_store
from pipeline.store.base import RunRecord, RunStore
from tests.support.scripted import Collector, ScriptedEngine

IDEA = "A notes app: write notes with titles and see them in a list"
CONFIG = FactoryConfig(min_files=2, max_files=10, retries_per_file=2, concurrency=4)
DOWN = "the connection to local failed: Connection error."


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[RunStore]:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}")
    yield store
    await store.close()


async def start(store: RunStore) -> RunRecord:
    run = await store.create_run(IDEA, "scripted", CONFIG.model_dump(mode="json"),
                                 {"kind": "local"})
    return await store.set_status(run.id, RunStatus.RUNNING)


def down(*names: str, rejecting: tuple[str, ...] = ()) -> tuple[ScriptedEngine, list[str]]:
    """An engine whose reviewers `names` cannot be reached; `rejecting` reject once."""
    engine, asked = ScriptedEngine(), []

    def review(ask: PlanReviewAsk) -> PlanReview | None:
        asked.append(ask.reviewer.name)
        if ask.reviewer.name in names:
            raise TransientEngineError(DOWN)
        if ask.reviewer.name in rejecting and asked.count(ask.reviewer.name) == 1:
            return PlanReview(approve=False, feedback=["split the model"])
        return None

    engine.review_hook = review
    return engine, asked


async def test_a_reviewer_that_cannot_be_reached_abstains_and_three_approvals_pass(
    store: RunStore,
) -> None:
    run, sink = await start(store), Collector()
    engine, _ = down("skeptic")
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    [round_one] = sink.of(PlanReviewed)
    assert round_one.approvals == 3 and round_one.feedback == []
    skeptic = next(v for v in round_one.votes if v.reviewer == "skeptic")
    assert (skeptic.vote, skeptic.reason) == ("abstain", DOWN)
    assert skeptic.line() == f"skeptic (scripted · claude-sonnet-4-6) abstains: {DOWN}"


async def test_an_abstaining_reviewer_is_not_asked_again_in_later_rounds(
    store: RunStore,
) -> None:
    run, sink = await start(store), Collector()
    engine, asked = down("skeptic", rejecting=("tester",))
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    rounds = sink.of(PlanReviewed)
    assert [r.approvals for r in rounds] == [2, 3]
    assert asked.count("skeptic") == 1
    again = next(v for v in rounds[1].votes if v.reviewer == "skeptic")
    assert again.vote == "abstain" and again.reason == f"could not vote in round 1: {DOWN}"


async def test_with_fewer_voters_than_the_quorum_the_panel_stops_at_once(
    store: RunStore,
) -> None:
    run, sink = await start(store), Collector()
    engine, _ = down("skeptic", "tester")
    assert await execute_run(store, run, sink, engine) is RunStatus.FAILED
    assert len(sink.of(PlanReviewed)) == 1
    assert engine.calls[("PlanAsk", None)] == 1  # no revision could pass: none was drafted
    finished = sink.of(RunFinished)[-1]
    assert finished.title == "Plan rejected by the panel"
    assert "the panel cannot reach its quorum of 3: tester (scripted · " in finished.summary
