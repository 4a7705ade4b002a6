"""Durable deliveries through the whole server: a server that dies after answering 202 loses
nothing, the next one handles the event exactly once, and a handled delivery stays a duplicate."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from gidgethub import sansio

from bot import dispatch
from bot.app import EVENTS, STORE, ServerOptions, make_app
from bot.deliveries import DeliveryClaims
from bot.settings import BotSettings
from bot.webhook import QUEUE_FULL
from pipeline.store.base import Delivery
from pipeline.store.open import open_store
from tests.fakes.github_api import FakeGitHub
from tests.fakes.github_state import Repo
from tests.webhook_events import labeled, signed

pytest_plugins = ["tests.github_fixtures"]

Client = TestClient[web.Request, web.Application]


def server(settings: BotSettings, options: ServerOptions) -> Client:
    """A server that only handles webhooks (no worker), so runs stay queued where we see them."""
    return TestClient(TestServer(make_app(settings, dataclasses.replace(options, worker=None))))


async def post(client: Client, data: dict[str, Any], delivery: str) -> tuple[int, str]:
    body, headers = signed("issues", data, delivery)
    response = await client.post("/webhook", data=body, headers=headers)
    return response.status, (await response.json())["message"]


async def lapse(client: Client, delivery: str) -> None:
    """Let this server's claim on `delivery` lapse now, as a dead server's does (waiting out a
    short lease instead would make the test depend on the machine's speed)."""
    await client.app[STORE].release_deliveries(client.app[EVENTS].claims.owner, [delivery])


async def runs_and_reactions(client: Client, repo: Repo) -> tuple[int, int]:
    runs = await client.app[STORE].find_runs({"kind": "github"})
    return len(runs), len(repo.reactions)


async def test_a_server_that_dies_before_handling_loses_nothing(
    settings: BotSettings, options: ServerOptions, repo: Repo, fake_github: FakeGitHub,
) -> None:
    repo.open_issue("Recipe box", "Save recipes")
    data = labeled(1, "Recipe box", "Save recipes")
    async with server(settings, options) as first:
        await first.app[EVENTS].stop()  # the crash: nothing handles or renews from here on
        assert await post(first, data, "d-crash") == (202, "queued")
        assert await runs_and_reactions(first, repo) == (0, 0)
        await lapse(first, "d-crash")
        async with server(settings, options) as second:
            await second.app[EVENTS].drain()  # replayed at start-up
            assert await runs_and_reactions(second, repo) == (1, 1)
            assert await post(second, data, "d-crash") == (200, "delivery already received")
            assert await post(first, data, "d-crash") == (200, "delivery already received")
            await second.app[EVENTS].drain()
            assert await runs_and_reactions(second, repo) == (1, 1)
    async with server(settings, options) as third:  # nothing is left to replay
        await third.app[EVENTS].drain()
        assert await runs_and_reactions(third, repo) == (1, 1)


async def test_a_redelivery_of_an_unhandled_delivery_is_new_work(
    settings: BotSettings, options: ServerOptions, repo: Repo,
) -> None:
    repo.open_issue("Recipe box", "Save recipes")
    data = labeled(1, "Recipe box", "Save recipes")
    async with server(settings, options) as first:
        await first.app[EVENTS].stop()  # crashed, but still answering webhooks
        assert await post(first, data, "d-again") == (202, "queued")
        assert await post(first, data, "d-again") == (200, "delivery already received")
        await lapse(first, "d-again")
        assert await post(first, data, "d-again") == (202, "queued")  # GitHub's redelivery
        assert await post(first, data, "d-again") == (200, "delivery already received")
    async with server(settings, options) as second:
        await second.app[EVENTS].drain()
        assert await runs_and_reactions(second, repo) == (1, 1)


async def test_a_graceful_stop_hands_waiting_events_to_the_next_server_at_once(
    settings: BotSettings, options: ServerOptions, repo: Repo,
) -> None:
    repo.open_issue("Recipe box", "Save recipes")
    data = labeled(1, "Recipe box", "Save recipes")
    async with server(settings, options) as first:  # the default 30 s lease
        await first.app[EVENTS].stop()
        assert await post(first, data, "d-deploy") == (202, "queued")
    async with server(settings, options) as second:
        await second.app[EVENTS].drain()
        assert await runs_and_reactions(second, repo) == (1, 1)


async def test_a_redelivery_after_the_claim_lapsed_is_accepted_and_handled_once(
    settings: BotSettings, options: ServerOptions, repo: Repo, tmp_path: Path,
) -> None:
    repo.open_issue("Recipe box", "Save recipes")
    data = labeled(1, "Recipe box", "Save recipes")
    store = await open_store(options.database_url)
    try:  # what a server that died right after its 202 leaves behind
        assert await store.record_delivery(Delivery("d-lost", "issues", data), "dead", -1.0)
    finally:
        await store.close()
    async with server(settings, options) as live:
        await live.app[EVENTS].drain()  # the start-up replay took it
        assert await post(live, data, "d-lost") == (200, "delivery already received")
        assert await runs_and_reactions(live, repo) == (1, 1)


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Handler retries wait milliseconds here, not the seconds they wait in service."""
    monkeypatch.setattr(dispatch, "RETRY_BASE_S", 0.01)
    monkeypatch.setattr(dispatch, "FINISH_RETRY_S", 0.01)


async def test_a_handler_that_fails_on_github_errors_is_retried_and_the_run_starts(
    settings: BotSettings, options: ServerOptions, repo: Repo, fake_github: FakeGitHub,
) -> None:
    repo.open_issue("Recipe box", "Save recipes")
    fake_github.fail_next("repos/get-content", 502, times=8)  # the config read, past its retries
    fake_github.fail_next("reactions/create-for-issue", 403)
    async with server(settings, options) as first:
        assert await post(first, labeled(1, "Recipe box", "Save recipes"), "d-flaky") == (
            202, "queued")
        await first.app[EVENTS].drain()
        # The run exists although the 👀 was refused: the reaction comes after, best effort.
        assert await runs_and_reactions(first, repo) == (1, 0)
        assert first.app[EVENTS].claims.held == set()
        assert await post(first, labeled(1, "x"), "d-flaky") == (200, "delivery already received")


async def test_a_handler_that_always_fails_gives_up_visibly_and_closes_the_delivery(
    settings: BotSettings, options: ServerOptions, repo: Repo, fake_github: FakeGitHub,
) -> None:
    repo.open_issue("Recipe box", "Save recipes")
    calls = 0

    async def explode(event: sansio.Event) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("boom")

    async with server(settings, options) as first:
        events = first.app[EVENTS]
        events.handle = explode  # type: ignore[method-assign]
        assert await post(first, labeled(1, "Recipe box"), "d-boom") == (202, "queued")
        await events.drain()
        assert calls == dispatch.HANDLER_ATTEMPTS
        assert events.claims.held == set()
        [comment] = repo.comments_on(1)
        assert "could not handle this `issues` event" in comment["body"]
        assert "d-boom" in comment["body"]
        assert await post(first, labeled(1, "x"), "d-boom") == (200, "delivery already received")


async def test_a_failed_handled_write_is_tried_again_not_replayed(
    settings: BotSettings, options: ServerOptions, repo: Repo,
) -> None:
    repo.open_issue("Recipe box", "Save recipes")
    async with server(settings, options) as first:
        store = first.app[STORE]
        real = store.finish_deliveries
        failures = 2

        async def flaky(ids: Any) -> None:
            nonlocal failures
            if failures:
                failures -= 1
                raise ConnectionError("database went away")
            await real(ids)

        store.finish_deliveries = flaky  # type: ignore[method-assign]
        assert await post(first, labeled(1, "Recipe box"), "d-mark") == (202, "queued")
        await first.app[EVENTS].drain()
        assert first.app[EVENTS].claims.held == set()
        claims = DeliveryClaims(store, lease_s=-1.0)
        assert await claims.take_lapsed(10) == []  # nothing is left to be replayed
        assert await runs_and_reactions(first, repo) == (1, 1)


async def test_replays_leave_room_for_live_deliveries(
    settings: BotSettings, options: ServerOptions, repo: Repo, monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = await open_store(options.database_url)
    try:
        for n in range(5):
            await store.record_delivery(Delivery(f"d-{n}", "issues", {}), "dead", -1.0)
    finally:
        await store.close()
    monkeypatch.setattr(dispatch, "REPLAY_ROOM", 3)
    async with server(settings, options) as live:
        await live.app[EVENTS].stop()
        left = await DeliveryClaims(live.app[STORE]).take_lapsed(10)
        assert [event.delivery_id for event in left] == ["d-3", "d-4"]


async def test_a_queue_that_fills_while_recording_answers_503_and_replays_later(
    settings: BotSettings, options: ServerOptions, repo: Repo, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dispatch, "QUEUE_SIZE", 1)
    async with server(settings, options) as first:
        await first.app[EVENTS].stop()
        answers = await asyncio.gather(post(first, labeled(1, "x"), "d-a"),
                                       post(first, labeled(2, "y"), "d-b"))
        assert sorted(answers) == [(202, "queued"), (503, QUEUE_FULL)]
        assert len(first.app[EVENTS].claims.held) == 1
        taken = await DeliveryClaims(first.app[STORE]).take_lapsed(10)
        assert [event.delivery_id for event in taken] == (
            ["d-b"] if answers[0][0] == 202 else ["d-a"]
        )


async def test_a_lapsed_claim_of_our_own_is_not_queued_twice(
    settings: BotSettings, options: ServerOptions, repo: Repo,
) -> None:
    async with server(settings, options) as live:
        queue = live.app[EVENTS]
        await queue.stop()
        assert await post(live, labeled(1, "x"), "d-ours") == (202, "queued")
        await live.app[STORE].release_deliveries(queue.claims.owner, ["d-ours"])  # renewal lost
        assert await queue.claims.take_lapsed(10) == []
        assert queue.depth == 1 and queue.claims.held == {"d-ours"}
