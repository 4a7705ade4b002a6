"""POST /webhook through aiohttp's test client: signatures, sizes, duplicates, crashes."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from gidgethub import sansio

from bot import dispatch, webhook
from bot.app import EVENTS, METRICS, STORE, WORKER
from bot.runner import GitHubRunner
from bot.webhook import MAX_BODY_BYTES, signature_of
from pipeline.status import RunStatus
from pipeline.store.base import Delivery, Outgoing
from tests.fakes.github_api import FakeGitHub
from tests.github_values import WEBHOOK_SECRET
from tests.webhook_events import labeled, payload, pr_comment, signed

pytest_plugins = ["tests.github_fixtures"]

Client = TestClient[web.Request, web.Application]


async def post(client: Client, event: str, data: dict[str, Any],
               delivery: str | None = None, **changes: str) -> tuple[int, dict[str, Any]]:
    body, headers = signed(event, data, delivery)
    headers.update(changes)
    response = await client.post("/webhook", data=body, headers=headers)
    return response.status, await response.json()


async def runs(client: Client) -> list[Any]:
    return await client.app[STORE].find_runs({"kind": "github"})


async def test_ping_answers_200(client: Client) -> None:
    status, answer = await post(client, "ping", payload("ping"))
    assert (status, answer["message"]) == (200, "pong")


async def test_bad_or_missing_signature_is_401_and_stores_nothing(
    client: Client, fake_github: FakeGitHub
) -> None:
    data = labeled(1, "Recipe box")
    status, _ = await post(client, "issues", data, "d-1", **{"X-Hub-Signature-256": "sha256=00"})
    assert status == 401
    body, headers = signed("issues", data, "d-2")
    del headers["X-Hub-Signature-256"]
    response = await client.post("/webhook", data=body, headers=headers)
    assert response.status == 401
    wrong = signed("issues", data, "d-3", secret="not the secret")[1]["X-Hub-Signature-256"]
    status, _ = await post(client, "issues", data, "d-3", **{"X-Hub-Signature-256": wrong})
    assert status == 401
    await client.app[EVENTS].drain()
    assert await runs(client) == []
    # the deliveries were not recorded: a correctly signed redelivery is accepted
    assert await client.app[STORE].record_delivery(Delivery("d-1", "issues", data), "s", 30) is True
    assert fake_github.calls == []


async def test_oversized_body_is_413(client: Client) -> None:
    data = labeled(1, "Huge", body="x" * (MAX_BODY_BYTES + 10))
    status, _ = await post(client, "issues", data)
    assert status == 413


async def test_label_is_accepted_with_202_and_queues_one_run(
    client: Client, fake_github: FakeGitHub
) -> None:
    fake_github.state.repos["octo-org/recipes"].open_issue("Recipe box", "Save recipes")
    status, answer = await post(client, "issues", labeled(1, "Recipe box", "Save recipes"),
                                "same-delivery")
    assert (status, answer["message"]) == (202, "queued")
    status, answer = await post(client, "issues", labeled(1, "Recipe box", "Save recipes"),
                                "same-delivery")
    assert (status, answer["message"]) == (200, "delivery already received")
    await client.app[EVENTS].drain()
    found = await runs(client)
    assert len(found) == 1
    run = found[0]
    assert run.idea == "Recipe box\n\nSave recipes"
    assert run.origin["branch"] == "factory/issue-1-recipe-box"
    assert run.origin["issue"] == 1 and run.origin["installation_id"] == 77
    reactions = fake_github.state.repos["octo-org/recipes"].reactions
    assert [r["content"] for r in reactions] == ["eyes"]


async def test_missing_headers_and_bad_json_are_400(client: Client) -> None:
    body, headers = signed("issues", labeled(1, "x"))
    del headers["X-GitHub-Delivery"]
    assert (await client.post("/webhook", data=body, headers=headers)).status == 400
    body = b"{not json"
    _, headers = signed("issues", {})
    headers["X-Hub-Signature-256"] = signature_of(WEBHOOK_SECRET, body)
    assert (await client.post("/webhook", data=body, headers=headers)).status == 400


async def _raw_post(client: Client, head: bytes, writes: list[bytes]) -> int:
    """POST over a plain socket, the body in the writes given, a pause between them."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(head)
    for part in writes:
        writer.write(part)
        await writer.drain()
        await asyncio.sleep(0.05)
    status_line = await reader.readline()
    writer.close()
    return int(status_line.split()[1])


def _head(headers: dict[str, str], length: int, signature: bytes | None = None) -> bytes:
    lines = [b"POST /webhook HTTP/1.1", b"Host: localhost", b"Connection: close",
             b"Content-Type: application/json", f"Content-Length: {length}".encode()]
    for name, value in headers.items():
        if name.lower() not in ("content-type", "content-length"):
            if name == "X-Hub-Signature-256" and signature is not None:
                lines.append(name.encode() + b": " + signature)
            else:
                lines.append(f"{name}: {value}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


@pytest.mark.parametrize("size", [12 * 1024, 800 * 1024])
async def test_a_body_arriving_in_several_writes_is_verified_whole(
    client: Client, size: int
) -> None:
    issue = labeled(1, "Recipe box", "x" * size)
    body, headers = signed("issues", issue, f"split-{size}")
    half = len(body) // 2
    status = await _raw_post(client, _head(headers, len(body)), [body[:half], body[half:]])
    assert status == 202


async def test_a_body_that_trickles_in_is_408(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook, "BODY_TIMEOUT_S", 0.2)
    body, headers = signed("issues", labeled(1, "x"), "slow")
    # Half the body, then nothing: the server must not wait for the rest forever.
    status = await _raw_post(client, _head(headers, len(body)), [body[: len(body) // 2]])
    assert status == 408


async def test_a_non_ascii_signature_is_401_not_500(client: Client) -> None:
    body, headers = signed("issues", labeled(1, "x"), "non-ascii")
    status = await _raw_post(client, _head(headers, len(body), "sha256=\u00e9t\u00e9".encode()),
                             [body])
    assert status == 401


async def test_json_nested_100000_deep_is_400(client: Client) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    _, headers = signed("issues", {}, "deep")
    headers["X-Hub-Signature-256"] = signature_of(WEBHOOK_SECRET, body)
    response = await client.post("/webhook", data=body, headers=headers)
    assert (response.status, (await response.json())["message"]) == (
        400, "the payload's JSON is nested too deeply")
    for event in ("issues", "star"):  # one whose fields are read, one whose are not
        body = b"[1, 2]"
        headers["X-GitHub-Event"] = event
        headers["X-Hub-Signature-256"] = signature_of(WEBHOOK_SECRET, body)
        response = await client.post("/webhook", data=body, headers=headers)
        assert (response.status, (await response.json())["message"]) == (
            400, "the payload is not a JSON object")


async def test_a_crashing_handler_still_answers_and_is_counted(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "RETRY_BASE_S", 0.01)
    queue = client.app[EVENTS]

    async def explode(event: sansio.Event) -> None:
        raise RuntimeError("boom")

    queue.handle = explode  # type: ignore[method-assign]
    status, _ = await post(client, "issues", labeled(1, "x"))
    assert status == 202
    await queue.drain()
    assert client.app[METRICS].events[("issues", "error")] == dispatch.HANDLER_ATTEMPTS
    assert client.app[METRICS].events[("issues", "gave_up")] == 1
    status, _ = await post(client, "issues", labeled(2, "y"))
    assert status == 202  # the queue keeps serving after a crash
    await queue.drain()
    assert client.app[METRICS].events[("issues", "gave_up")] == 2


async def test_a_crash_at_the_edge_answers_500(client: Client) -> None:
    store = client.app[STORE]

    async def broken(delivery: Delivery, owner: str, lease_seconds: float) -> bool:
        raise RuntimeError("database down")

    store.record_delivery = broken  # type: ignore[method-assign]
    status, answer = await post(client, "issues", labeled(1, "x"))
    assert (status, answer["message"]) == (500, "internal error")


async def test_healthz_and_metrics(client: Client) -> None:
    assert (await client.get("/healthz")).status == 200
    await post(client, "ping", payload("ping"))
    await post(client, "issues", labeled(1, "x"), **{"X-Hub-Signature-256": "sha256=1"})
    text = await (await client.get("/metrics")).text()
    assert 'factory_webhook_deliveries_total{event="ping",outcome="ping"} 1' in text
    assert 'factory_webhook_deliveries_total{event="issues",outcome="bad_signature"} 1' in text
    assert "factory_webhook_latency_seconds_count 2" in text
    assert 'factory_runs{status="queued"} 0' in text
    assert 'factory_queue_depth{queue="events"} 0' in text
    assert 'factory_outbox_events{state="given_up"} 0' in text


async def test_metrics_show_a_run_s_github_effect_that_was_given_up(client: Client) -> None:
    store = client.app[STORE]
    origin = {"kind": "github", "installation_id": 7, "repo": "octo-org/recipes", "issue": 1}
    run = await store.create_run("idea", "offline", {}, origin, running=True)
    item = Outgoing(kind="run_finished", payload={"title": "Judge passed"})
    await store.set_status(run.id, RunStatus.SUCCEEDED, send=item)
    await store.retry_later(run.id, item, "GitHub answered 422", None)
    text = await (await client.get("/metrics")).text()
    assert 'factory_outbox_events{state="given_up"} 1' in text
    assert 'factory_outbox_events{state="pending"} 0' in text


async def test_an_event_without_an_installation_is_dropped(
    client: Client, fake_github: FakeGitHub
) -> None:
    data = labeled(1, "x")
    del data["installation"]
    status, _ = await post(client, "issues", data)
    assert status == 202
    await client.app[EVENTS].drain()
    assert await runs(client) == []
    assert fake_github.calls == []
    assert client.app[METRICS].events[("issues", "ok")] == 1


async def test_the_start_up_heap_is_frozen_out_of_the_collectors_sight(client: Client) -> None:
    import gc

    try:
        # Full collections would otherwise walk it and stall webhooks in flight.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


NONSENSE = [
    ("issue", "number", "7; DROP TABLE runs"),
    ("issue", "number", 7.5),
    ("issue", "number", -1),
    ("issue", "number", 1e30),
    ("issue", "number", [7]),
    ("issue", "number", True),
    ("issue", "title", None),
    ("installation", "id", 1.5),
    ("repository", "default_branch", 0),
    ("repository", "full_name", "no-slash"),
    ("label", "name", {"x": 1}),
]


@pytest.mark.parametrize(("part", "field", "value"), NONSENSE)
async def test_a_signed_payload_with_wrong_types_is_400_and_stores_nothing(
    client: Client, fake_github: FakeGitHub, part: str, field: str, value: Any
) -> None:
    fake_github.state.repos["octo-org/recipes"].open_issue("Recipe box", "Save recipes")
    data = labeled(1, "Recipe box", "Save recipes")
    data[part][field] = value
    status, answer = await post(client, "issues", data, f"nonsense-{part}-{field}")
    assert status == 400
    assert f"{part}.{field}" in answer["message"]
    await client.app[EVENTS].drain()
    assert await runs(client) == []
    assert fake_github.calls == []
    # the delivery was not recorded: its correct redelivery is accepted
    assert await client.app[STORE].record_delivery(
        Delivery(f"nonsense-{part}-{field}", "issues", {}), "s", 30) is True


async def test_a_comment_with_a_wrong_id_is_400(client: Client) -> None:
    data = pr_comment(1, "/status")
    data["comment"]["id"] = "12"
    status, answer = await post(client, "issue_comment", data)
    assert status == 400 and "comment.id" in answer["message"]


def _signed_text(text: str, delivery: str) -> tuple[bytes, dict[str, str]]:
    body = text.encode()
    _, headers = signed("issues", {}, delivery)
    headers["X-Hub-Signature-256"] = signature_of(WEBHOOK_SECRET, body)
    return body, headers


async def test_the_payload_is_stored_as_the_text_received(client: Client) -> None:
    # Not ASCII, indented: text that encoding the parsed payload again would not give back.
    text = json.dumps(labeled(1, "Rezeptbox für Familien", "Speichern"), ensure_ascii=False,
                      indent=1)
    body, headers = _signed_text(text, "as-received")
    assert (await client.post("/webhook", data=body, headers=headers)).status == 202
    async with client.app[STORE].engine.connect() as conn:  # type: ignore[attr-defined]
        stored = (await conn.exec_driver_sql(
            "SELECT payload FROM deliveries WHERE id = 'as-received'")).scalar_one()
    assert stored == text
    # ...and it is read back as the payload, for a replay. Its handler runs in the background
    # and may already have finished: let it, then make the row what a server that died before
    # handling it leaves behind.
    await client.app[EVENTS].drain()
    async with client.app[STORE].engine.begin() as conn:  # type: ignore[attr-defined]
        await conn.exec_driver_sql("UPDATE deliveries SET handled_at = NULL, claimed_until = NULL"
                                   " WHERE id = 'as-received'")
    [replayed] = await client.app[STORE].claim_deliveries("next", 30, 10)
    assert replayed.payload["issue"]["title"] == "Rezeptbox für Familien"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_json_that_only_python_reads_is_400_and_stores_nothing(
    client: Client, constant: str
) -> None:
    # A valid issues payload but for a field no handler reads: no database stores it as JSON.
    text = json.dumps(labeled(1, "x"))[:-1] + f', "score": {constant}}}'
    body, headers = _signed_text(text, "not-json")
    response = await client.post("/webhook", data=body, headers=headers)
    assert response.status == 400
    assert await client.app[STORE].record_delivery(
        Delivery("not-json", "issues", {}), "s", 30) is True


async def test_each_answer_is_logged_after_it_is_sent(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.webhook")
    assert (await post(client, "issues", labeled(1, "x"), "logged"))[0] == 202
    assert (await post(client, "issues", labeled(1, "x"), "logged"))[0] == 200
    for _ in range(200):  # written by a task of its own once the edge is quiet
        answered = [r for r in caplog.records if r.getMessage() == "webhook answered"]
        if len(answered) == 2:
            break
        await asyncio.sleep(0.01)
    fields = ("delivery_id", "event", "outcome", "status")
    assert [tuple(vars(r)[k] for k in fields) for r in answered] == [
        ("logged", "issues", "accepted", 202), ("logged", "issues", "duplicate", 200)]


async def test_the_words_nan_and_infinity_in_a_string_are_accepted(client: Client) -> None:
    status, _ = await post(client, "issues", labeled(1, "NaN", "Infinity and beyond"), "words")
    assert status == 202
    await client.app[EVENTS].drain()
    [run] = await runs(client)
    assert run.idea.startswith("NaN")


async def test_a_payload_not_in_utf8_is_400(client: Client) -> None:
    body = json.dumps(labeled(1, "x")).encode("utf-16")  # Python's json.loads reads it
    _, headers = signed("issues", {}, "utf-16")
    headers["X-Hub-Signature-256"] = signature_of(WEBHOOK_SECRET, body)
    response = await client.post("/webhook", data=body, headers=headers)
    assert (response.status, (await response.json())["message"]) == (
        400, "the payload is not UTF-8 JSON")


@pytest.mark.parametrize(("event", "part", "field", "value"), [
    ("check_run", "check_run", "head_sha", "abc"),
    ("check_run", "check_run", "head_sha", 7),
    ("check_suite", "check_suite", "head_sha", "HEAD"),
    ("check_suite", "check_suite", "id", "1"),
    ("workflow_run", "workflow_run", "head_sha", None),
    ("workflow_run", "workflow_run", "head_branch", 3),
])
async def test_ci_events_with_wrong_types_are_400(
    client: Client, event: str, part: str, field: str, value: Any
) -> None:
    data = payload(event, "completed")
    data[part][field] = value
    status, answer = await post(client, event, data)
    assert status == 400 and f"{part}.{field}" in answer["message"]


@pytest.mark.parametrize("event", ["check_run", "check_suite", "workflow_run"])
async def test_real_ci_event_payloads_are_accepted(client: Client, event: str) -> None:
    status, _ = await post(client, event, payload(event, "completed"))
    assert status == 202


def _noted_handling(client: Client, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the deliveries the event queue handles from now on, handling them no further."""
    handled: list[str] = []

    async def handle(event: sansio.Event) -> None:
        handled.append(event.delivery_id)

    monkeypatch.setattr(client.app[EVENTS], "handle", handle)
    return handled


async def test_handlers_wait_until_the_deliveries_being_received_are_answered(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = client.app[EVENTS]
    handled = _noted_handling(client, monkeypatch)
    queue.edge.wait_s = 60.0
    with queue.edge.receive():  # another delivery of the burst, still being received
        status, _ = await post(client, "issues", labeled(1, "x"), "first")
        assert status == 202
        for _ in range(50):
            await asyncio.sleep(0)
        assert handled == []
    await queue.drain()
    assert handled == ["first"]


async def test_a_steady_stream_of_deliveries_does_not_starve_the_handlers(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = client.app[EVENTS]
    handled = _noted_handling(client, monkeypatch)
    queue.edge.wait_s = 0.01
    with queue.edge.receive():  # the edge never goes quiet
        assert (await post(client, "issues", labeled(1, "x"), "second"))[0] == 202
        await queue.drain()
    assert handled == ["second"]


async def test_the_in_process_worker_s_runs_wait_for_the_deliveries_being_received(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = client.app[EVENTS]
    runner = client.app[WORKER]._execute  # what the worker executes its runs with
    assert isinstance(runner, GitHubRunner)
    quiet = asyncio.Event()
    waited: list[int] = []

    async def until_quiet() -> None:
        waited.append(queue.edge.receiving)
        await quiet.wait()

    monkeypatch.setattr(queue.edge, "quiet", until_quiet)
    with queue.edge.receive():
        call = asyncio.ensure_future(runner.store.count_runs())
        for _ in range(5):
            await asyncio.sleep(0)
        assert waited == [1]  # the run's store call waits for the burst's acks...
    quiet.set()
    assert await call == {}  # ...then goes ahead
    assert runner.store.engine is client.app[STORE].engine  # type: ignore[attr-defined]
