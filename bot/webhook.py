"""POST /webhook: verify the signature, cap the size, record the delivery, queue, answer 202.

No GitHub call happens here: GitHub gives a delivery 10 seconds, so the handlers run later
from the event queue. https://docs.github.com/webhooks/using-webhooks/best-practices-for-using-webhooks
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from typing import Any

import pydantic_core
from aiohttp import web
from gidgethub import sansio

from bot.dispatch import EventQueue
from bot.metrics import Metrics
from bot.payloads import payload_problem

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Our events are small; GitHub's own cap is 25 MB, which we never need to buffer."""
SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
QUEUE_FULL = "busy, redeliver later"
BODY_TIMEOUT_S = 10.0
"""GitHub sends a whole delivery at once; a body that trickles in longer is not its."""

RECURSION_LIMIT = "recursion limit exceeded"
"""How pydantic's JSON parser says that a document nests too deeply."""

log = logging.getLogger(__name__)


def _parse(body: bytes) -> Any:
    """The body's JSON, as RFC 8259 has it: UTF-8, and no NaN or Infinity (Python's parser
    takes them; no database stores them as JSON).

    pydantic's parser (Rust) takes ~22 µs for a 12 KB payload where `json.loads` took ~50;
    it reuses one str for each repeated key. Past 200 levels of nesting it refuses."""
    return pydantic_core.from_json(body, allow_inf_nan=False, cache_strings="keys")


def signature_of(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def _answer(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)


Answered = tuple[str, str, str, int, float]
"""A delivery's log line to be: event, delivery id, outcome, status, seconds to the answer."""


class WebhookEndpoint:
    """The request handler, holding what it needs: secret, queue and metrics."""

    def __init__(self, secret: str, queue: EventQueue, metrics: Metrics) -> None:
        self._secret = secret
        self._queue = queue
        self._metrics = metrics
        self._answered: list[Answered] = []
        self._answered_some = asyncio.Event()

    async def log_answers(self) -> None:
        """Log each delivery's answer, in batches once the edge is quiet.

        A log line costs ~0.1 ms of CPU (aiohttp's access log cost that, and `serve` does
        without it): written while a burst is being received, it holds up the rest of it.
        """
        while True:
            await self._answered_some.wait()
            await self._queue.edge.quiet()
            self.flush_log()

    def flush_log(self) -> None:
        """Log the answers not logged yet."""
        self._answered_some.clear()
        answered, self._answered = self._answered, []
        for event_name, delivery, outcome, status, seconds in answered:
            log.info("webhook answered", extra={
                "event": event_name, "delivery_id": delivery, "outcome": outcome,
                "status": status, "ms": round(1000 * seconds, 1)})

    async def __call__(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        event_name = request.headers.get("X-GitHub-Event", "unknown")
        delivery = request.headers.get("X-GitHub-Delivery", "")
        try:
            with self._queue.edge.receive():
                status, outcome, message = await self._receive(request, event_name, delivery)
        except Exception:  # the edge: never let a bug turn into a hung or dropped delivery
            log.exception("webhook failed", extra={"delivery_id": delivery, "event": event_name})
            status, outcome, message = 500, "error", "internal error"
        seconds = time.monotonic() - started
        self._metrics.delivered(event_name, outcome, seconds)
        self._answered.append((event_name, delivery, outcome, status, seconds))
        self._answered_some.set()
        return _answer(status, message)

    async def _read_capped(self, request: web.Request) -> bytes | None:
        """The whole body, however many network reads it arrives in; None beyond the cap."""
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return None
        chunks: list[bytes] = []
        size = 0
        # `content.read(n)` returns what is buffered so far, not n bytes: read until EOF.
        while chunk := await request.content.read(MAX_BODY_BYTES + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
        return b"".join(chunks)

    async def _receive(
        self, request: web.Request, event_name: str, delivery: str
    ) -> tuple[int, str, str]:
        try:
            async with asyncio.timeout(BODY_TIMEOUT_S):
                body = await self._read_capped(request)
        except TimeoutError:
            return 408, "timeout", f"the body did not arrive within {BODY_TIMEOUT_S:g} s"
        if body is None:
            return 413, "too_large", f"payload over {MAX_BODY_BYTES} bytes"
        given = request.headers.get(SIGNATURE_HEADER, "").encode("utf-8", "surrogateescape")
        if not given or not hmac.compare_digest(given, signature_of(self._secret, body).encode()):
            return 401, "bad_signature", "missing or wrong X-Hub-Signature-256"
        if not delivery or event_name == "unknown":
            return 400, "bad_request", "missing X-GitHub-Event or X-GitHub-Delivery"
        try:
            data = _parse(body)
        except ValueError as exc:
            if RECURSION_LIMIT in str(exc):
                return 400, "bad_request", "the payload's JSON is nested too deeply"
            return 400, "bad_request", "the payload is not UTF-8 JSON"
        text = body.decode("utf-8")  # valid, as parsed; stored as it came
        if not isinstance(data, dict):
            return 400, "bad_request", "the payload is not a JSON object"
        if (problem := payload_problem(event_name, data)) is not None:
            return 400, "bad_payload", problem
        if event_name == "ping":
            return 200, "ping", "pong"
        if self._queue.full:  # before recording, so that a redelivery is not a "duplicate"
            return 503, "queue_full", QUEUE_FULL
        event = sansio.Event(data, event=event_name, delivery_id=delivery)
        try:
            if not await self._queue.accept(event, text):
                return 200, "duplicate", "delivery already received"
        except asyncio.QueueFull:  # filled up while recording: it is replayed when there is room
            return 503, "queue_full", QUEUE_FULL
        return 202, "accepted", "queued"
