"""`factory serve`: the GitHub App's webhook server plus an in-process worker."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aiohttp import web

from bot.app import CPU_WORKERS, ServerOptions, make_app
from bot.deliveries import DELIVERY_LEASE_S, PAYLOAD_RETENTION_DAYS
from bot.settings import load_settings
from factory.commands.worker import add_lease_flags, pacing
from factory.logfields import setup_logging
from pipeline.config import FactoryConfig, Settings, load_config_file
from pipeline.engines.select import ENGINES, check_providers, choose_engine
from pipeline.worker import WorkerOptions

DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8080


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT})")
    p.add_argument("--engine", choices=ENGINES, help="engine for new runs (default as `run`)")
    p.add_argument("--config", type=Path, help="server config file (YAML or TOML) with the knobs")
    p.add_argument("--no-worker", action="store_true",
                   help="serve webhooks only; `factory worker` processes execute the runs")
    p.add_argument("--max-runs", type=int, default=WorkerOptions().max_runs,
                   help="runs the in-process worker executes at once")
    p.add_argument("--cpu-workers", type=int, default=CPU_WORKERS, metavar="N",
                   help="low-priority child processes for the runs' static checks and "
                        "rendering, off the webhook's event loop; 0: a thread "
                        "(default %(default)s)")
    add_lease_flags(p)
    p.add_argument("--delivery-lease", type=float, default=DELIVERY_LEASE_S, metavar="SECONDS",
                   help="how long a received, unhandled webhook delivery stays this server's "
                        "after it dies; then another (or this one restarted) handles it "
                        f"(default {DELIVERY_LEASE_S:g})")
    p.set_defaults(handler=main)


def options_from(args: argparse.Namespace, settings: Settings) -> ServerOptions:
    """The server's options from flags and FACTORY_* settings (printing the engine notice)."""
    engine, notice = choose_engine(args.engine, settings.engine or None)
    if notice:
        print(notice, file=sys.stderr)
    path = args.config or (Path(settings.config_file) if settings.config_file else None)
    config = load_config_file(path) if path else FactoryConfig()
    check_providers(engine, config)
    worker = None if args.no_worker else pacing(args)
    return ServerOptions(database_url=settings.database(), engine=engine, base_config=config,
                         worker=worker, cpu_workers=0 if worker is None else args.cpu_workers,
                         delivery_lease_s=args.delivery_lease,
                         payload_retention_days=(
                             settings.payload_retention_days or PAYLOAD_RETENTION_DAYS))


def main(args: argparse.Namespace) -> int:
    """Check every setting first (one clear line on a missing one), then serve until stopped."""
    bot_settings = load_settings(os.environ)
    options = options_from(args, Settings())
    setup_logging()
    # No access log: the webhook logs its answers itself, after the bursts (bot.webhook).
    web.run_app(make_app(bot_settings, options), host=args.host, port=args.port,
                access_log=None, print=lambda line: print(line, file=sys.stderr))
    return 0
