"""Issue 6 end to end: `factory worker` processes share GitHub runs through PostgreSQL.

Webhooks go to a `serve` app without a worker; three `factory worker` processes execute
the runs against the GitHub fake. One worker is SIGKILLed while it holds a run: that run
resumes on another worker, with no level committed twice and no finished file generated
again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import EVENTS, ServerOptions, make_app
from bot.settings import BotSettings
from pipeline.status import TERMINAL, RunStatus
from pipeline.store import open_store
from pipeline.store.base import RunRecord
from pipeline.store.sql import SqlRunStore
from tests.databases import module_database
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_values import FAST, KeyPair
from tests.webhook_events import labeled, signed

pytest_plugins = ["tests.github_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
IDEAS = [
    ("Recipe box", "A recipe box app to save and search family recipes with photos."),
    ("Bee keeper", "A beekeeping app to track hives, inspections and honey harvests."),
    ("Expenses", "An expense tracker to log expenses by category and set monthly budgets."),
    ("Plant care", "A houseplant app with watering schedules, reminders and plant notes."),
    ("Book club", "A reading club app to pick books, schedule meetings and rate chapters."),
    ("Run log", "A running log app to record runs, routes, pace and weekly distance goals."),
]
WORKERS = 3
LEASE_S = 2.0
HEARTBEAT_S = 0.3
TIMEOUT_S = 120


pg_url = module_database("test_workers_e2e")


@pytest.fixture
async def store(pg_url: str) -> AsyncIterator[SqlRunStore]:
    opened = await open_store(pg_url)
    yield opened
    await opened.close()


@pytest.fixture
async def webhooks(
    settings: BotSettings, repo: Repo, pg_url: str
) -> AsyncIterator[tuple[str, web.Application]]:
    options = ServerOptions(database_url=pg_url, engine="offline", policy=FAST,
                            check_interval_s=0.2, worker=None)
    app = make_app(settings, options)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", app
    await runner.cleanup()


def _start_worker(name: str, settings: BotSettings, key: KeyPair, url: str,
                  log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ, "GITHUB_APP_ID": str(settings.app_id), "GITHUB_PRIVATE_KEY": key.private,
        "GITHUB_WEBHOOK_SECRET": settings.webhook_secret, "GITHUB_API_URL": settings.api_url,
        "FACTORY_DATABASE_URL": url, "FACTORY_ENGINE": "offline",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "factory.cli", "worker", "--name", name, "--max-runs", "2",
             "--lease", str(LEASE_S), "--heartbeat", str(HEARTBEAT_S)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


async def _runs(store: SqlRunStore) -> list[RunRecord]:
    return await store.find_runs({"kind": "github"})


async def _victim(store: SqlRunStore) -> RunRecord:
    """A running run that has committed at least one level, so it dies halfway."""
    async with asyncio.timeout(TIMEOUT_S):
        while True:
            for run in await _runs(store):
                if run.status is RunStatus.RUNNING and run.lease_owner and \
                        await store.commits(run.id):
                    return run
            await asyncio.sleep(0.05)


async def test_workers_share_runs_and_resume_a_killed_workers_run(
    webhooks: tuple[str, web.Application], store: SqlRunStore, settings: BotSettings,
    app_key: KeyPair, repo: Repo, fake_github: FakeGitHub, pg_url: str, tmp_path: Path,
) -> None:
    url, app = webhooks
    async with aiohttp.ClientSession() as http:
        for title, body in IDEAS:
            number = repo.open_issue(title, body)["number"]
            data, headers = signed("issues", labeled(number, title, body))
            async with http.post(f"{url}/webhook", data=data, headers=headers) as answer:
                assert answer.status == 202
    await app[EVENTS].drain()
    assert len(await _runs(store)) == len(IDEAS)

    workers = {f"w{i}": _start_worker(f"w{i}", settings, app_key, pg_url, tmp_path / f"w{i}.log")
               for i in range(WORKERS)}
    try:
        victim = await _victim(store)
        assert victim.lease_owner is not None
        workers[victim.lease_owner].send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        held = {run.id for run in await _runs(store) if run.lease_owner == victim.lease_owner}
        async with asyncio.timeout(TIMEOUT_S):
            while (await store.get_run(victim.id)).lease_owner == victim.lease_owner:
                await asyncio.sleep(0.02)
        requeue_s = time.monotonic() - killed_at
        async with asyncio.timeout(TIMEOUT_S):
            while (resumed := await store.get_run(victim.id)).attempts < 2:
                await asyncio.sleep(0.05)
        resume_s = time.monotonic() - killed_at
        async with asyncio.timeout(TIMEOUT_S):
            while not all(run.status in TERMINAL for run in await _runs(store)):
                await asyncio.sleep(0.1)
    finally:
        for process in workers.values():
            process.send_signal(signal.SIGTERM)
        for process in workers.values():
            await asyncio.to_thread(process.wait, 20)
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in workers}

    runs = await _runs(store)
    assert [run.status for run in runs] == [RunStatus.SUCCEEDED] * len(IDEAS), (
        [run.error for run in runs], logs)
    assert resumed.lease_owner not in (None, victim.lease_owner)
    assert victim.id in held
    assert {run.id: run.attempts for run in runs} == {
        run.id: 2 if run.id in held else 1 for run in runs
    }
    for run in runs:
        messages = [repo.git.commit_info(sha).message
                    for sha in repo.branch_commits(run.origin["branch"])]
        assert len(messages) >= 4 and len(set(messages)) == len(messages), messages
        numbers = Counter((a.path, a.number) for a in await store.attempts(run.id))
        assert not [key for key, n in numbers.items() if n > 1]
    assert workers[victim.lease_owner].returncode == -signal.SIGKILL
    assert requeue_s < LEASE_S + 3 * HEARTBEAT_S + 2.0
    # Resuming also waits for a free slot: the other workers are busy with their own runs.
    print(f"kill to requeue: {requeue_s:.2f}s, kill to resume: {resume_s:.2f}s "
          f"(lease {LEASE_S}s, sweep every {HEARTBEAT_S}s)")
