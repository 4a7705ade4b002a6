"""POST /webhook: verify the signature, cap the size, record the delivery, queue, answer 202.

No GitHub call happens here: GitHub gives a delivery 10 seconds, so the handlers run later
from the event queue. https://docs.github.com/webhooks/using-webhooks/best-practices-for-using-webhooks
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any

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

log = logging.getLogger(__name__)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")  # Python's parser takes it; no database does


_JSON = json.JSONDecoder(parse_constant=_not_json)
"""JSON as RFC 8259 has it: NaN and Infinity are refused, as the stored text must be JSON."""


def signature_of(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def _answer(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)


class WebhookEndpoint:
    """The request handler, holding what it needs: secret, queue and metrics."""

    def __init__(self, secret: str, queue: EventQueue, metrics: Metrics) -> None:
        self._secret = secret
        self._queue = queue
        self._metrics = metrics

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
        self._metrics.delivered(event_name, outcome, time.monotonic() - started)
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
            text = body.decode("utf-8")  # GitHub sends UTF-8; the text is stored as it came
            data = _JSON.decode(text)
        except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
            return 400, "bad_request", "the payload is not UTF-8 JSON"
        except RecursionError:
            return 400, "bad_request", "the payload's JSON is nested too deeply"
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
