"""The sender of `bench webhook`: signed deliveries in bursts, each over its own connection.

It runs in a process of its own, as GitHub is, and is kept lean so that what it measures is
the server: a delivery is written whole as GitHub writes it (HTTP/1.1, `Connection: close`)
by a bare asyncio protocol, and its clock runs from the connect to the last byte of the
answer. aiohttp's client cost ~1.2 ms of CPU a delivery here, twice the server's, so a burst
of 100 measured mostly the sender. Bodies are encoded and signed before the clock starts, as
GitHub's are before it sends them.
"""

from __future__ import annotations

import asyncio
import gc
import json
import secrets
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from bot.webhook import SIGNATURE_HEADER, signature_of

Burst = tuple[list[float], "Counter[int]", float]
"""One burst: each delivery's seconds, the status codes, and the burst's wall seconds."""
WARMUP = 10
BURST_GAP_S = 0.3
"""The pause before each burst, so that the bursts of a busy phase meet the runs at different
steps (a run takes a few seconds)."""


def payload(example: dict[str, Any], number: int) -> bytes:
    """The example as an App's `issues` delivery: action `opened`, its own issue number."""
    # The examples were recorded from a repository webhook; an App's deliveries name the
    # installation too.
    event = {**example, "action": "opened", "issue": {**example["issue"], "number": number},
             "installation": {"id": 1}}
    return json.dumps(event).encode()


def request(host: str, path: str, secret: str, body: bytes, number: int) -> bytes:
    """The whole HTTP request GitHub would send for `body`."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: GitHub-Hookshot/bench\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-GitHub-Event: issues\r\nX-GitHub-Delivery: bench-{number}-{secrets.token_hex(8)}\r\n"
        f"{SIGNATURE_HEADER}: {signature_of(secret, body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def status_of(answer: bytes) -> int | None:
    """The status code of a complete HTTP/1.1 answer; None while any of it is missing."""
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.split(b"\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in lines[1:]
                   if line.lower().startswith(b"content-length:")), 0)
    return int(lines[0].split()[1]) if len(body) >= length else None


class _Exchange(asyncio.Protocol):
    """One delivery: write the request once connected, time the answer's last byte."""

    def __init__(self, data: bytes, started: float, done: asyncio.Future[tuple[float, int]]):
        self._data = data
        self._started = started
        self._done = done
        self._answer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(self._data)

    def data_received(self, data: bytes) -> None:
        self._answer += data
        status = status_of(self._answer)
        if status is not None and not self._done.done():
            self._done.set_result((time.perf_counter() - self._started, status))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._done.done():
            self._done.set_exception(exc or ConnectionError("closed before a whole answer"))


async def deliver(host: str, port: int, data: bytes) -> tuple[float, int]:
    """Send one request over a new connection; its seconds to the whole answer and status."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[tuple[float, int]] = loop.create_future()
    started = time.perf_counter()
    transport, _ = await loop.create_connection(
        lambda: _Exchange(data, started, done), host, port)
    try:
        return await done
    finally:
        transport.close()


async def _burst(url: str, secret: str, example: dict[str, Any], first: int,
                 count: int) -> Burst:
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    requests = [request(parts.netloc, parts.path, secret, payload(example, first + i), first + i)
                for i in range(count)]
    # The sender's own garbage collection would pause its clock mid-burst and be counted as
    # the server's latency (seen: ~70 ms on one round in ten); it collects between bursts.
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        answers = await asyncio.gather(*(deliver(parts.hostname, parts.port, r)
                                         for r in requests))
        wall = time.perf_counter() - started
    finally:
        gc.enable()
    return [seconds for seconds, _ in answers], Counter(status for _, status in answers), wall


async def send_bursts(url: str, secret: str, example: dict[str, Any], first: int,
                      deliveries: int, rounds: int) -> list[Burst]:
    """A warm-up burst, then `rounds` bursts of `deliveries`, numbered from `first`."""
    await _burst(url, secret, example, first, WARMUP)
    bursts = []
    for r in range(rounds):
        await asyncio.sleep(BURST_GAP_S)
        bursts.append(await _burst(url, secret, example, first + WARMUP + r * deliveries,
                                   deliveries))
    return bursts
