"""`bench webhook`: ack latency of concurrent signed deliveries to the webhook server on loopback.

The real app (`bot.app.make_app`) serves on a free loopback port with a throwaway secret, a
throwaway App key and a fresh SQLite store. Each delivery is a real `issues` payload recorded
in @octokit/webhooks-examples 7.6.1 (`webhook_example.json`, 12.3 KB, MIT), with its action
set to `opened` and its issue number made unique: it is verified, validated, recorded and
queued like any other, and no handler then calls GitHub, so the figures are the webhook edge.
Every delivery opens its own connection, as separate deliveries from GitHub do; the sender
runs in a process of its own. With `busy`, that many offline runs execute in the server's own
process and event loop meanwhile (one more starts as each ends), as the in-process worker's do.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import multiprocessing
import secrets
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.app import STORE, ServerOptions, make_app
from bot.settings import BotSettings
from bot.webhook import SIGNATURE_HEADER, signature_of
from pipeline.config import FactoryConfig
from pipeline.engines.select import make_engine
from pipeline.events import FanOut
from pipeline.orchestrator import execute_run
from pipeline.status import RunStatus
from pipeline.store.base import RunStore

DEFAULT_DELIVERIES = 100
DEFAULT_ROUNDS = 5
WARMUP = 10
UNUSED_API_URL = "http://127.0.0.1:9"
"""No handler calls GitHub for these events; the discard port makes any call fail at once."""
Burst = tuple[list[float], "Counter[int]", float]
"""One burst: each delivery's seconds, the status codes, and the burst's wall seconds."""
COLUMNS: tuple[str, ...] = ("round", "deliveries", "p50 ms", "p99 ms", "max ms", "per s")


def _throwaway_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


EXAMPLE = Path(__file__).with_name("webhook_example.json")
BUSY_IDEA = "A recipe box: save recipes with ingredients and plan meals for the week"


def _payload(example: dict[str, Any], number: int) -> bytes:
    # The examples were recorded from a repository webhook; an App's deliveries name the
    # installation too.
    event = {**example, "action": "opened", "issue": {**example["issue"], "number": number},
             "installation": {"id": 1}}
    return json.dumps(event).encode()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


async def _deliver(session: aiohttp.ClientSession, url: str, secret: str,
                   number: int) -> tuple[float, int]:
    body = _payload(_EXAMPLE, number)
    headers = {
        "Content-Type": "application/json", "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": f"bench-{number}-{secrets.token_hex(8)}",
        SIGNATURE_HEADER: signature_of(secret, body),
    }
    started = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as response:
        await response.read()
        return time.perf_counter() - started, response.status


async def _burst(session: aiohttp.ClientSession, url: str, secret: str, first: int,
                 count: int) -> Burst:
    # The sender's own garbage collection would pause its clock mid-burst and be counted as
    # the server's latency (seen: ~70 ms on one round in ten); it collects between bursts.
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        answers = await asyncio.gather(*(_deliver(session, url, secret, first + i)
                                         for i in range(count)))
        wall = time.perf_counter() - started
    finally:
        gc.enable()
    return [seconds for seconds, _ in answers], Counter(status for _, status in answers), wall


def _summary(latencies: list[float], wall: float) -> dict[str, float]:
    return {
        "p50_ms": round(1000 * percentile(latencies, 50), 2),
        "p99_ms": round(1000 * percentile(latencies, 99), 2),
        "max_ms": round(1000 * max(latencies), 2),
        "per_s": round(len(latencies) / wall, 1),
    }


async def _send_all(url: str, secret: str, deliveries: int, rounds: int) -> list[Burst]:
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        await _burst(session, url, secret, 0, WARMUP)
        return [await _burst(session, url, secret, WARMUP + r * deliveries, deliveries)
                for r in range(rounds)]


_EXAMPLE: dict[str, Any] = {}


def _client_process(url: str, secret: str, deliveries: int, rounds: int) -> list[Burst]:
    """The sender, in a process of its own (as GitHub is), so it takes no CPU from the server."""
    _EXAMPLE.update(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    return asyncio.run(_send_all(url, secret, deliveries, rounds))


async def _keep_busy(store: RunStore, done: asyncio.Event) -> int:
    """Execute offline runs one after another in this event loop until `done`; how many ended."""
    ended = 0
    config = FactoryConfig()
    while not done.is_set():
        run = await store.create_run(BUSY_IDEA, "offline", config.model_dump(mode="json"),
                                     {"kind": "bench"})
        run = await store.set_status(run.id, RunStatus.RUNNING)
        engine = make_engine("offline", config)
        try:
            await execute_run(store, run, FanOut([]), engine)
        finally:
            await engine.aclose()
        ended += 1
    return ended


async def run(*, deliveries: int = DEFAULT_DELIVERIES, rounds: int = DEFAULT_ROUNDS,
              database_url: str | None = None, busy: int = 0) -> dict[str, Any]:
    """Send `rounds` bursts of `deliveries` concurrent deliveries after a short warm-up, with
    `busy` runs executing in the server's process meanwhile.

    The store is a fresh SQLite file unless `database_url` names another (already migrated).
    """
    if deliveries < 1 or rounds < 1 or busy < 0:
        raise ValueError("deliveries and rounds must be at least 1, busy at least 0")
    secret = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="factory-bench-") as tmp:
        settings = BotSettings(app_id=1, private_key=_throwaway_key(), webhook_secret=secret,
                               api_url=UNUSED_API_URL)
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'factory.db'}"
        options = ServerOptions(database_url=url, engine="offline")
        runner = web.AppRunner(make_app(settings, options), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        endpoint = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
        done = asyncio.Event()
        workers = [asyncio.create_task(_keep_busy(runner.app[STORE], done))
                   for _ in range(busy)]
        try:
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                bursts = await asyncio.get_running_loop().run_in_executor(
                    pool, _client_process, endpoint, secret, deliveries, rounds)
        finally:
            done.set()
            ended = sum(await asyncio.gather(*workers))
            await runner.cleanup()
    every = [seconds for latencies, _, _ in bursts for seconds in latencies]
    statuses: Counter[int] = sum((c for _, c, _ in bursts), Counter())
    return {
        **_summary(every, sum(wall for _, _, wall in bursts)),
        "deliveries": deliveries, "rounds": rounds, "busy_runs": busy, "runs_ended": ended,
        "payload_bytes": len(_payload(json.loads(EXAMPLE.read_text(encoding="utf-8")), 1)),
        "store": "sqlite (temporary file)" if database_url is None else url.split(":", 1)[0],
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "by_round": [_summary(latencies, wall) for latencies, _, wall in bursts],
    }


def rows(result: dict[str, Any]) -> list[list[str]]:
    """One row per burst, then all of them together."""
    def row(name: str, r: dict[str, Any]) -> list[str]:
        return [name, str(result["deliveries"]), f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}",
                f"{r['max_ms']:.1f}", f"{r['per_s']:.0f}"]

    return [row(str(i), r) for i, r in enumerate(result["by_round"], 1)] + [row("all", result)]
