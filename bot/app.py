"""The aiohttp application: routes, typed app keys, and the resources opened around it."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.auth import AppAuth
from bot.context import BotContext
from bot.deliveries import DELIVERY_LEASE_S, PAYLOAD_RETENTION_DAYS, DeliveryClaims
from bot.dispatch import EventQueue
from bot.edge import after_the_acks
from bot.github import REQUEST_TIMEOUT, RetryingAPI, RetryPolicy
from bot.metrics import Metrics
from bot.runner import GitHubRunner
from bot.settings import BotSettings
from bot.webhook import WebhookEndpoint
from pipeline.config import FactoryConfig
from pipeline.errors import ConfigError
from pipeline.offload import cpu_processes
from pipeline.outbox import Redelivery
from pipeline.status import RunStatus
from pipeline.store.base import RunStore
from pipeline.store.open import open_store
from pipeline.worker import Worker, WorkerOptions


@dataclass(frozen=True)
class ServerOptions:
    """How `factory serve` runs: where the store is, which engine new runs use."""

    database_url: str
    engine: str
    base_config: FactoryConfig = field(default_factory=FactoryConfig)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    worker: WorkerOptions | None = field(default_factory=WorkerOptions)
    """The in-process worker's pacing; None serves webhooks only (workers run elsewhere)."""
    check_interval_s: float | None = None
    """Least seconds between live check-run updates (None: the publisher's default)."""
    delivery_lease_s: float = DELIVERY_LEASE_S
    """How long an unhandled delivery stays this server's after it stops renewing it."""
    payload_retention_days: float = PAYLOAD_RETENTION_DAYS
    """How long handled deliveries keep their payloads (FACTORY_PAYLOAD_RETENTION_DAYS)."""
    cpu_workers: int = 0
    """Child processes for the CPU-heavy steps of the runs executing in this process
    (`pipeline.offload`), so that they never hold up the webhook edge; 0 runs them in a
    thread (`serve` uses CPU_WORKERS with its in-process worker)."""
    redelivery: Redelivery = field(default_factory=Redelivery)
    """How a run's comments and verdict that GitHub did not take are tried again."""

    def __post_init__(self) -> None:
        if self.cpu_workers < 0:
            raise ConfigError(f"cpu workers must be 0 or more, not {self.cpu_workers}")


CPU_WORKERS = 2
"""`factory serve`'s default: one per core of the 2-core machines it was measured on."""

SETTINGS = web.AppKey("settings", BotSettings)
OPTIONS = web.AppKey("options", ServerOptions)
STORE = web.AppKey("store", RunStore)
AUTH = web.AppKey("auth", AppAuth)
EVENTS = web.AppKey("events", EventQueue)
METRICS = web.AppKey("metrics", Metrics)
ENDPOINT = web.AppKey("endpoint", WebhookEndpoint)
WORKER = web.AppKey("worker", Worker)


async def _store(app: web.Application) -> AsyncIterator[None]:
    store = await open_store(app[OPTIONS].database_url)
    app[STORE] = store
    yield
    await store.close()


async def _github(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session:
        api = RetryingAPI(session, base_url=app[SETTINGS].api_url, policy=app[OPTIONS].policy)
        app[AUTH] = AppAuth(app[SETTINGS].app_id, app[SETTINGS].private_key, api)
        yield


async def _events(app: web.Application) -> AsyncIterator[None]:
    options = app[OPTIONS]
    ctx = BotContext(store=app[STORE], engine=options.engine, base_config=options.base_config,
                     app_id=app[SETTINGS].app_id)
    claims = DeliveryClaims(app[STORE], lease_s=options.delivery_lease_s,
                            retention_days=options.payload_retention_days)
    queue = EventQueue(ctx, app[AUTH].github, app[METRICS], claims=claims)
    app[EVENTS] = queue
    endpoint = WebhookEndpoint(app[SETTINGS].webhook_secret, queue, app[METRICS])
    app[ENDPOINT] = endpoint
    await queue.start()
    logging = asyncio.create_task(endpoint.log_answers(), name="webhook-log")
    yield
    logging.cancel()
    await asyncio.gather(logging, return_exceptions=True)
    endpoint.flush_log()
    await queue.stop()
    await claims.release()  # what still waits here goes to the next server at once


async def _cpu(app: web.Application) -> AsyncIterator[None]:
    if app[OPTIONS].cpu_workers == 0:
        yield
        return
    with cpu_processes(app[OPTIONS].cpu_workers):
        yield


async def _worker(app: web.Application) -> AsyncIterator[None]:
    options = app[OPTIONS]
    if options.worker is None:
        yield
        return
    # The runs' store calls wait for the webhook's deliveries in progress to be answered.
    runner = GitHubRunner(after_the_acks(app[STORE], app[EVENTS].edge), app[AUTH],
                          min_interval_s=options.check_interval_s, metrics=app[METRICS],
                          ci_signals=app[EVENTS].ctx.ci_signals,
                          redelivery=options.redelivery)
    worker = Worker(app[STORE], runner, options=options.worker)
    app[WORKER] = worker
    task = asyncio.create_task(worker.run(), name="in-process worker")
    yield
    worker.stop()  # stop claiming; runs in flight get a grace period, then are requeued
    await task


async def webhook(request: web.Request) -> web.Response:
    """POST /webhook (see bot.webhook)."""
    return await request.app[ENDPOINT](request)


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: the process serves and its event queue is not stuck full."""
    queue = request.app[EVENTS]
    status = 503 if queue.full else 200
    return web.json_response({"status": "ok" if status == 200 else "busy",
                              "events_queued": queue.depth}, status=status)


async def metrics(request: web.Request) -> web.Response:
    """GET /metrics in Prometheus text format."""
    counts = await request.app[STORE].count_runs()
    by_status = {status.value: counts.get(status, 0) for status in RunStatus}
    depth = {"events": request.app[EVENTS].depth, "runs": by_status[RunStatus.QUEUED.value]}
    outbox = await request.app[STORE].count_outbox()
    text = request.app[METRICS].render(by_status, depth, outbox)
    return web.Response(text=text, content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})


async def _freeze_heap(app: web.Application) -> None:
    """Hide what start-up allocated from the garbage collector.

    A full collection walks the whole heap (SQLAlchemy, aiohttp, pydantic and the rest) and
    stalled every webhook in flight by ~70 ms once per few hundred deliveries (measured with
    `factory bench webhook`: p99 110 ms, 36 ms with the start-up heap frozen). Frozen objects
    are never scanned again; what requests allocate is collected as usual.
    """
    gc.collect()
    gc.freeze()


def make_app(settings: BotSettings, options: ServerOptions) -> web.Application:
    """The server: POST /webhook, GET /healthz, GET /metrics, with store, client and queues."""
    app = web.Application(client_max_size=1024)  # the webhook reads its body itself, capped
    app[SETTINGS] = settings
    app[OPTIONS] = options
    app[METRICS] = Metrics()
    app.cleanup_ctx.extend([_store, _github, _events, _cpu, _worker])
    app.on_startup.append(_freeze_heap)  # after the contexts above have opened their resources
    app.router.add_post("/webhook", webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app
