"""Issue 6, "Must show": PostgreSQL restarted mid-run; the workers reconnect and finish.

Three `factory worker` processes execute GitHub runs; once a run has committed a level the
cluster is really stopped (fast mode: every session is cut), held down for DOWN_S seconds,
and started again. Every run must still succeed exactly as if nothing happened: one PR, one
commit per level, no file generated twice. The cluster is the test's own (`tests.pg_cluster`:
initdb on a free port), so the machine's shared one is never touched; skipped, saying why,
where one cannot be made (no initdb, root without runuser).

Opt-in (`FACTORY_TEST_PG_RESTART=1`, set by `.ci/run`): making a cluster and running three
workers through a restart is a minute of a 2-core machine.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.settings import BotSettings
from pipeline.store.sql import SqlRunStore
from tests.databases import scratch_database
from tests.fakes.github_state import Repo
from tests.fleet import IDEAS as ALL_IDEAS
from tests.fleet import (
    Pacing,
    assert_all_succeeded,
    assert_published_once,
    github_runs,
    label_issues,
    run_halfway,
    start_workers,
    stop_workers,
    wait_until_finished,
    worker_logs,
)
from tests.github_values import KeyPair
from tests.pg_cluster import Cluster, private_cluster, stopped

pytest_plugins = ["tests.github_fixtures", "tests.fleet_fixtures"]

IDEAS = ALL_IDEAS[6:12]
WORKERS = 3
PACING = Pacing(max_runs=2, lease_s=3.0, heartbeat_s=0.5)
DOWN_S = 3.0
TIMEOUT_S = 120
LOST_DATABASE = ("lost the database", "claim failed", "heartbeat failed", "bookkeeping failed")
"""What a worker logs when the database goes away under it."""

OPT_IN = "FACTORY_TEST_PG_RESTART"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster of this test's own: stopping it disturbs nobody else."""
    if os.environ.get(OPT_IN) != "1":
        pytest.skip(f"makes and restarts a PostgreSQL cluster of its own (a minute's work); "
                    f"set {OPT_IN}=1 to run it (.ci/run does)")
    with private_cluster() as made:
        if isinstance(made, str):
            pytest.skip(f"cannot make a PostgreSQL cluster here: {made}")
        yield made


@pytest.fixture(scope="module")
def pg_url(cluster: Cluster) -> Iterator[str]:
    with scratch_database("test_workers_restart", port=cluster.port,
                          admin_database="postgres") as url:
        yield url


async def test_workers_reconnect_and_finish_after_a_postgres_restart(
    cluster: Cluster, webhooks: tuple[str, web.Application], fleet_store: SqlRunStore,
    settings: BotSettings, app_key: KeyPair, repo: Repo, pg_url: str, tmp_path: Path,
) -> None:
    await label_issues(webhooks, repo, IDEAS)
    workers = start_workers(WORKERS, settings, app_key, pg_url, tmp_path, PACING)
    try:
        halfway = await run_halfway(fleet_store, TIMEOUT_S)
        async with stopped(cluster):
            down_at = time.monotonic()
            await asyncio.sleep(DOWN_S)
        up_at = time.monotonic()
        runs = await wait_until_finished(fleet_store, TIMEOUT_S)
        finish_s = time.monotonic() - up_at
    finally:
        await stop_workers(workers.values())
    logs = worker_logs(workers, tmp_path)

    assert_all_succeeded(runs, logs)
    assert halfway.id in {run.id for run in runs} and len(runs) == len(IDEAS)
    assert [process.returncode for process in workers.values()] == [0] * WORKERS
    felt = [name for name, log in logs.items() if any(s in log for s in LOST_DATABASE)]
    assert felt, "no worker noticed the restart"
    for run in runs:
        await assert_published_once(fleet_store, repo, run)
    assert len(await github_runs(fleet_store)) == len(IDEAS)
    print(f"PostgreSQL down {up_at - down_at:.1f}s; all runs finished {finish_s:.1f}s after it "
          f"was back; claims per run {sorted(run.attempts for run in runs)}; felt by {felt}")
