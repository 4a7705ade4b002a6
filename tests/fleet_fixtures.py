"""Fixtures for tests of `factory worker` fleets: a store connection and a webhook-only server.

Test modules load them with `pytest_plugins = ["tests.github_fixtures", "tests.fleet_fixtures"]`
and define their own `pg_url` (see `tests.databases.module_database`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.app import ServerOptions, make_app
from bot.settings import BotSettings
from pipeline.store import open_store
from pipeline.store.sql import SqlRunStore
from tests.fakes.github_state import Repo
from tests.github_values import FAST, NO_CI_WAIT


@pytest.fixture
async def fleet_store(pg_url: str) -> AsyncIterator[SqlRunStore]:
    """The test's own connection to the shared store, for polling and asserting."""
    opened = await open_store(pg_url)
    yield opened
    await opened.close()


@pytest.fixture
async def webhooks(
    settings: BotSettings, repo: Repo, pg_url: str
) -> AsyncIterator[tuple[str, web.Application]]:
    """A `serve` app without a worker of its own: it only queues the runs webhooks start."""
    options = ServerOptions(database_url=pg_url, engine="offline", policy=FAST,
                            check_interval_s=0.2, worker=None, base_config=NO_CI_WAIT)
    app = make_app(settings, options)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", app
    await runner.cleanup()
