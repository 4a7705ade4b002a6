"""`factory worker` processes on a shared PostgreSQL store, and the checks that runs went once.

Its fixtures live in `tests.fleet_fixtures`.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.app import EVENTS
from bot.branch import TRAILER
from bot.settings import BotSettings
from pipeline.status import TERMINAL, RunStatus
from pipeline.store.base import RunRecord
from pipeline.store.sql import SqlRunStore
from tests.fakes.github_state import Repo
from tests.github_values import KeyPair
from tests.webhook_events import labeled, signed

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_S = 20
IDEAS = [  # 30 app ideas the offline critic passes, no two alike enough to be killed
    ("Recipe box", "A recipe box app to save and search family recipes with ingredients."),
    ("Bee keeper", "A beekeeping app to track hives, inspections and honey harvests."),
    ("Expenses", "An expense tracker to log expenses by category and set monthly budgets."),
    ("Plant care", "A houseplant app with watering schedules, light levels and plant notes."),
    ("Book club", "A reading club app to pick books, schedule meetings and rate chapters."),
    ("Run log", "A running log app to record runs, routes, pace and weekly distance goals."),
    ("Wine cellar", "A wine cellar app to catalog bottles, vintages and tasting notes."),
    ("Dog walks", "A dog walking app to plan walks, log distance and track vet visits."),
    ("Chore chart", "A family chore chart app to assign chores, set rewards and track streaks."),
    ("Pantry", "A pantry inventory app to track groceries, expiry dates and shopping lists."),
    ("Guitar practice", "A guitar practice app to log sessions, chords learned and songs."),
    ("Bird watch", "A birdwatching app to record sightings, species and locations on trips."),
    ("Sleep diary", "A sleep diary app to log bedtimes, wake times and sleep quality."),
    ("Habit tracker", "A habit tracker app to define habits, check them off and view streaks."),
    ("Car service", "A car maintenance app to log oil changes, tire rotations and mileage."),
    ("Coffee brews", "A coffee brewing app to save brew recipes, grind sizes and ratings."),
    ("Garden plots", "A vegetable garden app to plan beds, sow dates and harvest yields."),
    ("Board games", "A board game night app to track games owned, plays and player scores."),
    ("Aquarium", "An aquarium app to track tanks, fish, water tests and feeding times."),
    ("Climbing log", "A rock climbing app to log routes, grades, attempts and gym sessions."),
    ("Home repairs", "A home repair app to list projects, tasks, costs and contractors."),
    ("Vinyl records", "A vinyl collection app to catalog albums, artists and pressings."),
    ("Meal prep", "A weekly meal prep app to plan meals, portions and containers."),
    ("Study cards", "A flashcard app to create decks, review cards and track mastery."),
    ("Bike rides", "A cycling app to record rides, bikes, elevation and maintenance."),
    ("Baby feeds", "A baby care app to log feedings, diaper changes and naps."),
    ("Travel packing", "A packing list app to plan trips, items to pack and checklists."),
    ("Volunteer shifts", "A volunteer app to schedule shifts, track hours and events."),
    ("Movie nights", "A movie watchlist app to save films, rate them and plan screenings."),
    ("Sourdough", "A sourdough baking app to track starters, feedings and bakes."),
]
TRAILER_LINE = re.compile(rf"^{TRAILER}: (?P<run>[\w-]+)/(?P<key>[\w-]+)$", re.MULTILINE)


@dataclass(frozen=True)
class Pacing:
    """How a worker process claims: run slots, lease and heartbeat seconds."""

    max_runs: int = 2
    lease_s: float = 2.0
    heartbeat_s: float = 0.3


async def label_issues(
    webhooks: tuple[str, web.Application], repo: Repo, ideas: Iterable[tuple[str, str]]
) -> None:
    """Open one issue per idea on the fake, deliver its `labeled` webhook, wait for the queue."""
    url, app = webhooks
    async with aiohttp.ClientSession() as http:
        for title, body in ideas:
            number = repo.open_issue(title, body)["number"]
            data, headers = signed("issues", labeled(number, title, body))
            async with http.post(f"{url}/webhook", data=data, headers=headers) as answer:
                assert answer.status == 202
    await app[EVENTS].drain()


def start_worker(name: str, settings: BotSettings, key: KeyPair, url: str, log: Path,
                 pacing: Pacing) -> subprocess.Popen[bytes]:
    """`factory worker` in a process of its own, with the offline engine, logging to `log`."""
    env = {
        **os.environ, "GITHUB_APP_ID": str(settings.app_id), "GITHUB_PRIVATE_KEY": key.private,
        "GITHUB_WEBHOOK_SECRET": settings.webhook_secret, "GITHUB_API_URL": settings.api_url,
        "FACTORY_DATABASE_URL": url, "FACTORY_ENGINE": "offline",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "factory.cli", "worker", "--name", name,
             "--max-runs", str(pacing.max_runs), "--lease", str(pacing.lease_s),
             "--heartbeat", str(pacing.heartbeat_s)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


def start_workers(count: int, settings: BotSettings, key: KeyPair, url: str, logs: Path,
                  pacing: Pacing) -> dict[str, subprocess.Popen[bytes]]:
    """`count` workers by name (w0, w1, …), each logging to `<name>.log` under `logs`."""
    return {f"w{i}": start_worker(f"w{i}", settings, key, url, logs / f"w{i}.log", pacing)
            for i in range(count)}


def worker_logs(names: Iterable[str], logs: Path) -> dict[str, str]:
    """What each worker of `start_workers` logged, by name."""
    return {name: (logs / f"{name}.log").read_text() for name in names}


async def stop_workers(workers: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every worker still alive, then wait for each to exit."""
    workers = list(workers)
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in workers:
        await asyncio.to_thread(process.wait, STOP_TIMEOUT_S)


async def github_runs(store: SqlRunStore) -> list[RunRecord]:
    """Every run a webhook queued, newest first."""
    return await store.find_runs({"kind": "github"})


async def run_halfway(store: SqlRunStore, timeout_s: float) -> RunRecord:
    """Wait for a running, leased run that has committed at least one level."""
    async with asyncio.timeout(timeout_s):
        while True:
            for run in await github_runs(store):
                if run.status is RunStatus.RUNNING and run.lease_owner and \
                        await store.commits(run.id):
                    return run
            await asyncio.sleep(0.05)


async def wait_until_finished(store: SqlRunStore, timeout_s: float) -> list[RunRecord]:
    """Poll until every GitHub run is in a terminal state; return them."""
    async with asyncio.timeout(timeout_s):
        while True:
            runs = await github_runs(store)
            if runs and all(run.status in TERMINAL for run in runs):
                return runs
            await asyncio.sleep(0.1)


def _level_number(key: str) -> int:
    return int(key.removeprefix("level-"))


async def assert_published_once(store: SqlRunStore, repo: Repo, run: RunRecord) -> None:
    """The run's branch holds its start commit, then one commit per DAG level in order, each
    once; one PR for its issue; each file approved exactly once (a checkpointed file redone
    would be approved twice) and no attempt number used twice."""
    files = await store.files(run.id)
    levels = {f"level-{file.level}" for file in files}
    recorded = await store.commits(run.id)
    assert set(recorded) == levels, (run.id, sorted(recorded), sorted(levels))
    shas = repo.branch_commits(run.origin["branch"])
    trailers = [TRAILER_LINE.findall(repo.git.commit_info(sha).message) for sha in shas]
    keys = [key for found in trailers for owner, key in found if owner == run.id]
    assert keys == ["start", *sorted(levels, key=_level_number)], (run.id, trailers)
    assert set(recorded.values()) == set(shas[1:]), (run.id, recorded, shas)
    closes = f"Closes #{run.origin['issue']}\n"
    pulls = [pull["number"] for pull in repo.pulls.values() if pull["body"].startswith(closes)]
    assert pulls == [run.origin["pr"]], (run.id, pulls)
    attempts = await store.attempts(run.id)
    numbers = Counter((a.path, a.number) for a in attempts)
    assert [key for key, n in numbers.items() if n > 1] == [], run.id
    approvals = Counter(a.path for a in attempts if a.approved)
    twice = {path: [(a.number, a.approved, a.note) for a in attempts if a.path == path]
             for path, n in approvals.items() if n > 1}
    assert approvals == Counter(f.path for f in files), (run.id, "approved twice", twice)


def assert_all_succeeded(runs: list[RunRecord], logs: dict[str, str]) -> None:
    """Every run succeeded; otherwise show their errors and the workers' logs."""
    assert [run.status for run in runs] == [RunStatus.SUCCEEDED] * len(runs), (
        [run.error for run in runs if run.status is not RunStatus.SUCCEEDED], logs)
