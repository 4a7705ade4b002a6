"""The metrics sink: stage durations, files, retries, model calls, tokens and cost, from events
and from a whole GitHub run end to end."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from bot.app import STORE
from bot.metrics import Metrics
from bot.run_metrics import MetricsSink
from pipeline.config import FactoryConfig
from pipeline.engines.offline.engine import OfflineEngine
from pipeline.events import (
    Event,
    FileDone,
    FileFailed,
    FileRetrying,
    RunFinished,
    StageStarted,
)
from pipeline.orchestrator import execute_run
from pipeline.status import RunStatus, Stage
from pipeline.store.open import open_store
from tests.fakes.github_state import Repo
from tests.github_server import Server
from tests.github_values import IDEA
from tests.webhook_events import labeled

pytest_plugins = ["tests.github_fixtures"]

RUN = "r-metrics001"
METRICS_TIMEOUT_S = 10.0


async def test_events_become_stage_durations_file_counts_and_spend() -> None:
    metrics = Metrics()
    sink = MetricsSink(metrics)
    events: list[Event] = [
        StageStarted(run_id=RUN, stage=Stage.CRITIC, elapsed_s=0.0),
        StageStarted(run_id=RUN, stage=Stage.PLAN, elapsed_s=2.0),
        StageStarted(run_id=RUN, stage=Stage.CODEGEN, elapsed_s=12.0),
        FileRetrying(run_id=RUN, path="lib/a.dart", attempt=2, feedback="no"),
        FileDone(run_id=RUN, path="lib/a.dart", attempts=2),
        FileFailed(run_id=RUN, path="lib/b.dart", attempts=3, feedback="no"),
        RunFinished(run_id=RUN, status=RunStatus.FAILED, title="t", summary="s",
                    elapsed_s=100.0, calls=7, tokens=1234, cost_usd=0.25),
        RunFinished(run_id=RUN, status=RunStatus.SUCCEEDED, title="t", summary="s",
                    calls=1, tokens=6, cost_usd=0.5),
    ]
    for event in events:
        await sink.emit(event)
    durations = {stage: (h.count, h.total) for stage, h in metrics.stage_seconds.items()}
    assert durations == {"critic": (1, 2.0), "plan": (1, 10.0), "codegen": (1, 88.0)}
    assert metrics.files == {("done",): 1, ("failed",): 1}
    assert metrics.file_retries == 1
    assert metrics.runs_finished == {("failed",): 1, ("succeeded",): 1}
    assert (metrics.model_calls, metrics.tokens, metrics.cost_usd) == (8, 1240, 0.75)


async def test_run_finished_counts_only_what_this_execution_spent(tmp_path: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'factory.db'}")
    try:
        config = FactoryConfig()
        run = await store.create_run("A recipe box app to save family recipes with ingredients",
                                     "offline", config.model_dump(mode="json"),
                                     {"kind": "local"}, running=True)
        finished: list[RunFinished] = []

        class Collect:
            async def emit(self, event: Event) -> None:
                if isinstance(event, RunFinished):
                    finished.append(event)

        engine = OfflineEngine(config)
        await execute_run(store, run, Collect(), engine)
        spent = await store.usage_totals(run.id)
        first = finished[0]
        assert first.calls == len(await store.ledger(run.id)) > 0
        assert first.tokens == spent.total_tokens > 0
        assert abs(first.cost_usd - spent.cost_usd) < 1e-6
        await store.set_status(run.id, RunStatus.QUEUED)
        await execute_run(store, await store.set_status(run.id, RunStatus.RUNNING),
                          Collect(), engine)
        assert (finished[1].calls, finished[1].tokens, finished[1].cost_usd) == (0, 0, 0.0)
    finally:
        await store.close()


def _sample(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_a_github_run_moves_the_counters(
    server: Server, repo: Repo
) -> None:
    number = repo.open_issue(*IDEA)["number"]
    assert await server.deliver("issues", labeled(number, *IDEA)) == 202
    run = await server.settle(number)
    assert run.status is RunStatus.SUCCEEDED, run.error
    finished = 'factory_runs_finished_total{status="succeeded"}'
    deadline = time.monotonic() + METRICS_TIMEOUT_S
    while True:  # the run is stored as finished just before its last event reaches the sinks
        async with server.http.get(f"{server.url}/metrics") as answer:
            text = await answer.text()
        if _sample(text, finished) == 1 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert _sample(text, finished) == 1
    assert _sample(text, 'factory_runs{status="succeeded"}') == 1
    assert _sample(text, 'factory_runs{status="queued"}') == 0
    ledger = await server.app[STORE].ledger(run.id)
    assert _sample(text, "factory_model_calls_total") == len(ledger) > 0
    assert _sample(text, "factory_model_tokens_total") == sum(
        row.usage.total_tokens for row in ledger)
    assert _sample(text, 'factory_stage_duration_seconds_count{stage="codegen"}') == 1
    assert _sample(text, 'factory_stage_duration_seconds_count{stage="judge"}') == 1
    assert _sample(text, 'factory_files_total{outcome="done"}') >= 25
    assert 'factory_webhook_deliveries_total{event="issues",outcome="accepted"} 1' in text
