"""Shared pytest fixtures for the bot: an App key pair, the GitHub fake, a client on it, and
the whole server on loopback.

Test modules load these with `pytest_plugins = ["tests.github_fixtures"]`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gidgethub import sansio

from bot.app import ServerOptions, make_app
from bot.auth import AppAuth
from bot.context import BotContext
from bot.dispatch import EventQueue
from bot.github import GitHub, RetryingAPI
from bot.metrics import Metrics
from bot.settings import BotSettings
from pipeline.config import FactoryConfig
from pipeline.store.base import RunStore
from pipeline.worker import WorkerOptions
from tests.databases import sqlite_store
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.github_server import Server
from tests.github_values import (
    APP_ID,
    FAST,
    INSTALLATION_ID,
    NO_CI_WAIT,
    REPO,
    WEBHOOK_SECRET,
    KeyPair,
)


@pytest.fixture(scope="session")
def app_key() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return KeyPair(private, public)


@pytest.fixture
async def fake_github(tmp_path: Path, app_key: KeyPair) -> AsyncIterator[FakeGitHub]:
    """The fake on loopback; a test fails if the bot sent anything GitHub's spec refuses."""
    fake = FakeGitHub(tmp_path / "github", APP_ID, app_key.public)
    await fake.start()
    yield fake
    await fake.close()
    assert fake.violations == [], fake.violations


@pytest.fixture
def repo(fake_github: FakeGitHub) -> Repo:
    """The repository the App is installed on, with a writer, a maintainer and a reader."""
    return fake_github.state.add_repo(
        REPO, INSTALLATION_ID,
        roles={"writer": "write", "boss": "admin", "keeper": "maintain", "reader": "read",
               "helper": "triage"},
    )


@pytest.fixture
def settings(fake_github: FakeGitHub, app_key: KeyPair) -> BotSettings:
    return BotSettings(app_id=APP_ID, private_key=app_key.private,
                       webhook_secret=WEBHOOK_SECRET, api_url=fake_github.url)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def api(session: aiohttp.ClientSession, settings: BotSettings) -> RetryingAPI:
    return RetryingAPI(session, base_url=settings.api_url, policy=FAST)


@pytest.fixture
def auth(api: RetryingAPI, settings: BotSettings) -> AppAuth:
    return AppAuth(settings.app_id, settings.private_key, api)


@pytest.fixture
def gh(api: RetryingAPI, auth: AppAuth, repo: Repo) -> GitHub:
    """A client for the installation that holds `repo`."""
    return auth.github(INSTALLATION_ID)


@pytest.fixture
def options(tmp_path: Path) -> ServerOptions:
    return ServerOptions(database_url=f"sqlite+aiosqlite:///{tmp_path / 'factory.db'}",
                         engine="offline", policy=FAST, base_config=NO_CI_WAIT)


@pytest.fixture
async def client(
    settings: BotSettings, options: ServerOptions, repo: Repo
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The whole server behind aiohttp's test client, talking to the GitHub fake."""
    app = make_app(settings, options)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


store = sqlite_store("bot.db")


@pytest.fixture
def ctx(store: RunStore) -> BotContext:
    return BotContext(store=store, engine="offline", app_id=APP_ID)


@pytest.fixture
def dispatch(ctx: BotContext, auth: AppAuth) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
    """Run one webhook event through the routers, as the event queue does."""
    queue = EventQueue(ctx, auth.github, Metrics())

    async def handle(event: str, data: dict[str, Any]) -> None:
        await queue.handle(sansio.Event(data, event=event, delivery_id="test"))

    return handle


@pytest.fixture
def server_config() -> FactoryConfig:
    """The server's config for `server`'s runs (a module playing CI overrides it)."""
    return NO_CI_WAIT


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Where `server` keeps its runs (a module playing both stores overrides it)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"


@pytest.fixture
def server_options(database_url: str, server_config: FactoryConfig) -> ServerOptions:
    """How `server` runs: the offline engine and an in-process worker, both paced for tests."""
    return ServerOptions(
        database_url=database_url, engine="offline", policy=FAST, check_interval_s=0.2,
        base_config=server_config,
        worker=WorkerOptions(max_runs=2, poll_seconds=0.02, sweep_seconds=5.0),
    )


@pytest.fixture
async def server(
    settings: BotSettings, repo: Repo, server_options: ServerOptions
) -> AsyncIterator[Server]:
    """The whole server on a loopback port, talking to the GitHub fake."""
    app = make_app(settings, server_options)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as http:
        yield Server(f"http://127.0.0.1:{port}", app, http)
    await runner.cleanup()
