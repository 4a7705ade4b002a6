"""`bench webhook`: ack latency of concurrent signed deliveries to the webhook server on loopback.

The real app (`bot.app.make_app`) serves on a free loopback port with a throwaway secret, a
throwaway App key and a fresh SQLite store. Each delivery is a real `issues` payload recorded
in @octokit/webhooks-examples 7.6.1 (`webhook_example.json`, 12.3 KB, MIT), with its action
set to `opened` and its issue number made unique: it is verified, validated, recorded and
queued like any other, and no handler then calls GitHub, so the figures are the webhook edge.
Every delivery opens its own connection, as separate deliveries from GitHub do; the sender
(`bot.webhook_sender`) runs in a process of its own. Two phases: "idle", no run executing;
"busy", `busy` offline runs executing in the server's own process and event loop meanwhile
(one more starts as each ends), as the in-process worker's do: their CPU-heavy steps in
`cpu_workers` child processes and their store calls after the acks, as in `factory serve`."""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import os
import resource
import secrets
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, cast

from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.app import CPU_WORKERS, EVENTS, STORE, ServerOptions, make_app
from bot.edge import after_the_acks
from bot.settings import BotSettings
from bot.webhook_sender import WARMUP, Burst, payload, send_bursts
from pipeline.config import FactoryConfig
from pipeline.engines.select import make_engine
from pipeline.events import FanOut
from pipeline.orchestrator import execute_run
from pipeline.status import RunStatus
from pipeline.store.base import RunStore

DEFAULT_DELIVERIES = 100
DEFAULT_ROUNDS = 5
UNUSED_API_URL = "http://127.0.0.1:9"
"""No handler calls GitHub for these events; the discard port makes any call fail at once."""
DEFAULT_BUSY = 3
COLUMNS: tuple[str, ...] = ("phase", "runs executing", "runs ended", "load 1m", "p50 ms",
                            "p99 ms", "max ms", "per s", "server CPU µs")


def _throwaway_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


EXAMPLE = Path(__file__).with_name("webhook_example.json")
BUSY_IDEA = "A recipe box: save recipes with ingredients and plan meals for the week"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _summary(latencies: list[float], wall: float) -> dict[str, float]:
    return {
        "p50_ms": round(1000 * percentile(latencies, 50), 2),
        "p99_ms": round(1000 * percentile(latencies, 99), 2),
        "max_ms": round(1000 * max(latencies), 2),
        "per_s": round(len(latencies) / wall, 1),
    }


def _example() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(EXAMPLE.read_text(encoding="utf-8")))


def _client_process(url: str, secret: str, first: int, deliveries: int,
                    rounds: int) -> list[Burst]:
    """The sender, in a process of its own (as GitHub is), so it takes no CPU from the server;
    its deliveries are numbered from `first`."""
    return asyncio.run(send_bursts(url, secret, _example(), first, deliveries, rounds))


class BusyRuns:
    """Offline runs executing in this process and event loop, one more starting as each ends,
    as the in-process worker's do."""

    def __init__(self, store: RunStore, count: int) -> None:
        self.ended: Counter[str] = Counter()
        """How many ended, by their final status."""
        self.first_ended = asyncio.Event()
        self._store = store
        self._done = asyncio.Event()
        self._tasks = [asyncio.create_task(self._keep_one()) for _ in range(count)]

    async def _keep_one(self) -> None:
        # The same idea each time: without this the cannibalization gate kills every run
        # after the first as its duplicate, and they do next to nothing.
        config = FactoryConfig(allow_duplicate=True)
        while not self._done.is_set():
            run = await self._store.create_run(BUSY_IDEA, "offline", config.model_dump(
                mode="json"), {"kind": "bench"})
            run = await self._store.set_status(run.id, RunStatus.RUNNING)
            engine = make_engine("offline", config)
            try:
                status = await execute_run(self._store, run, FanOut([]), engine)
            finally:
                await engine.aclose()
            self.ended[status.value] += 1
            self.first_ended.set()

    async def stop(self) -> Counter[str]:
        """Let the runs in flight finish, start no more; how many ended in all, by status."""
        self._done.set()
        await asyncio.gather(*self._tasks)
        return self.ended


def _cpu_seconds() -> float:
    """This process's CPU time so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


Sent = tuple[list[Burst], float]
"""A phase's bursts and the server process's CPU seconds meanwhile."""


def _phase(sent: Sent, busy: int, ended: Counter[str], load: float) -> dict[str, Any]:
    bursts, cpu_s = sent
    every = [seconds for latencies, _, _ in bursts for seconds in latencies]
    statuses: Counter[int] = sum((c for _, c, _ in bursts), Counter())
    return {
        "busy_runs": busy, "runs_ended": sum(ended.values()), "run_statuses": dict(ended),
        "load_1m": load,
        # Less hostage to the machine's load than the latencies: the server's own work (its
        # handlers too, and in the busy phase the runs' work in its process).
        "server_cpu_us_per_delivery": round(1e6 * cpu_s / (len(every) + WARMUP)),
        **_summary(every, sum(wall for _, _, wall in bursts)),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "by_round": [_summary(latencies, wall) for latencies, _, wall in bursts],
    }


async def run(*, deliveries: int = DEFAULT_DELIVERIES, rounds: int = DEFAULT_ROUNDS,
              database_url: str | None = None, busy: int = DEFAULT_BUSY,
              cpu_workers: int = CPU_WORKERS) -> dict[str, Any]:
    """Send `rounds` bursts of `deliveries` concurrent deliveries after a short warm-up, first
    with no run executing in the server ("idle"), then with `busy` runs executing in its
    process ("busy", measured once the first of them has ended; skipped for 0).

    The server offloads the runs' CPU-heavy steps to `cpu_workers` child processes as
    `factory serve` does (0: a thread). The store is a fresh SQLite file unless
    `database_url` names another (already migrated).
    """
    if deliveries < 1 or rounds < 1 or busy < 0 or cpu_workers < 0:
        raise ValueError("deliveries and rounds must be at least 1, busy and cpu_workers "
                         "at least 0")
    secret = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="factory-bench-") as tmp:
        settings = BotSettings(app_id=1, private_key=_throwaway_key(), webhook_secret=secret,
                               api_url=UNUSED_API_URL)
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'factory.db'}"
        # The bench's own runs stand in for the in-process worker's (which would claim them).
        options = ServerOptions(database_url=url, engine="offline", worker=None,
                                cpu_workers=cpu_workers)
        runner = web.AppRunner(make_app(settings, options), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        endpoint = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
        loop = asyncio.get_running_loop()
        phases: dict[str, dict[str, Any]] = {}
        try:
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as sender:
                async def send(first: int) -> Sent:
                    before = _cpu_seconds()
                    bursts = await loop.run_in_executor(sender, _client_process, endpoint,
                                                        secret, first, deliveries, rounds)
                    return bursts, _cpu_seconds() - before

                phases["idle"] = _phase(await send(0), 0, Counter(), os.getloadavg()[0])
                if busy:
                    # As the in-process worker's runs do (bot.app), they wait for the acks.
                    runs = BusyRuns(after_the_acks(runner.app[STORE], runner.app[EVENTS].edge),
                                    busy)
                    try:
                        await runs.first_ended.wait()  # warmed up: every step has run once
                        load = os.getloadavg()[0]
                        sent = await send(1 + WARMUP + rounds * deliveries)
                    finally:
                        ended = await runs.stop()
                    phases["busy"] = _phase(sent, busy, ended, load)
        finally:
            await runner.cleanup()
    return {
        "deliveries": deliveries, "rounds": rounds, "cpu_workers": cpu_workers,
        "payload_bytes": len(payload(_example(), 1)),
        "store": "sqlite (temporary file)" if database_url is None else url.split(":", 1)[0],
        **phases,
    }


def rows(result: dict[str, Any]) -> list[list[str]]:
    """One row per phase: idle, then busy."""
    return [
        [name, str(r["busy_runs"]), str(r["runs_ended"]), f"{r['load_1m']:.1f}",
         f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}", f"{r['max_ms']:.1f}", f"{r['per_s']:.0f}",
         str(r["server_cpu_us_per_delivery"])]
        for name in ("idle", "busy") if (r := result.get(name)) is not None
    ]
