"""`factory worker`: execute queued runs from the shared database, beside `factory serve`."""

from __future__ import annotations

import argparse
import asyncio
import os

import aiohttp

from bot.auth import AppAuth
from bot.github import REQUEST_TIMEOUT, RetryingAPI
from bot.runner import GitHubRunner
from bot.settings import BotSettings, load_settings
from factory.logfields import setup_logging
from pipeline.config import Settings
from pipeline.store.open import open_store
from pipeline.worker import Worker, WorkerOptions

DEFAULTS = WorkerOptions()


def configure(p: argparse.ArgumentParser) -> None:
    """Add `worker` and its pacing flags."""
    p.add_argument("--max-runs", type=int, default=DEFAULTS.max_runs,
                   help=f"runs executed at once (default {DEFAULTS.max_runs})")
    add_lease_flags(p)
    p.add_argument("--name", help="this worker's name in leases and logs (default host:pid:id)")
    p.set_defaults(handler=main)


def add_lease_flags(p: argparse.ArgumentParser) -> None:
    """`--lease` and `--heartbeat`, shared by `worker` and `serve`'s in-process worker."""
    p.add_argument("--lease", type=float, default=DEFAULTS.lease_seconds, metavar="SECONDS",
                   help="how long a claim lasts without a heartbeat; a dead worker's runs "
                        f"resume elsewhere after it (default {DEFAULTS.lease_seconds:g})")
    p.add_argument("--heartbeat", type=float, default=DEFAULTS.heartbeat_seconds,
                   metavar="SECONDS", help="how often leases are renewed; under a third of "
                   f"--lease (default {DEFAULTS.heartbeat_seconds:g})")


def pacing(args: argparse.Namespace) -> WorkerOptions:
    """The worker options the flags ask for (checked: the lease outlives three heartbeats)."""
    return WorkerOptions(
        max_runs=args.max_runs, lease_seconds=args.lease, heartbeat_seconds=args.heartbeat,
        sweep_seconds=args.heartbeat,
    )


def main(args: argparse.Namespace) -> int:
    """Check the settings, then claim and execute runs until SIGTERM or SIGINT."""
    bot_settings = load_settings(os.environ)
    options = pacing(args)
    url = Settings().database()
    setup_logging()
    asyncio.run(_work(bot_settings, url, options, args.name))
    return 0


async def _work(
    bot_settings: BotSettings, url: str, options: WorkerOptions, name: str | None
) -> None:
    store = await open_store(url)
    try:
        async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session:
            api = RetryingAPI(session, base_url=bot_settings.api_url)
            auth = AppAuth(bot_settings.app_id, bot_settings.private_key, api)
            worker = Worker(store, GitHubRunner(store, auth), options=options, name=name)
            worker.stop_on_signals()
            await worker.run()
    finally:
        await store.close()
