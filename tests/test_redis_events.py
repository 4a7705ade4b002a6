"""Run events copied to Redis Streams on the real server at 127.0.0.1:6379."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from typing import cast

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from pipeline.events import EVENT_ADAPTER, Event, FileDone, RunFinished, StageStarted
from pipeline.redis_events import (
    ALL_STREAM,
    RUN_STREAM_TTL_SECONDS,
    RedisSink,
    redis_sink,
    run_stream,
)
from pipeline.status import RunStatus, Stage

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisConnectionError, OSError) as exc:
        await client.aclose()
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    yield client
    await client.aclose()


async def test_events_land_on_the_run_stream_and_the_shared_one(redis: Redis) -> None:
    run_id = f"r-{secrets.token_hex(5)}"
    sent: list[Event] = [
        StageStarted(run_id=run_id, stage=Stage.CRITIC),
        FileDone(run_id=run_id, path="lib/main.dart", attempts=2),
        RunFinished(run_id=run_id, status=RunStatus.SUCCEEDED, title="Judge passed: 91/100",
                    summary="ok"),
    ]
    newest = await redis.xrevrange(ALL_STREAM, count=1)
    last = cast(bytes, newest[0][0]).decode() if newest else "0-0"
    sink = RedisSink.from_url(REDIS_URL)
    try:
        for event in sent:
            await sink.emit(event)
    finally:
        await sink.aclose()
    try:
        entries = await _fields(redis, run_stream(run_id), "-")
        assert [fields[b"kind"] for fields in entries] == [
            b"stage_started", b"file_done", b"run_finished"
        ]
        assert [EVENT_ADAPTER.validate_json(f[b"payload"]) for f in entries] == sent
        assert 0 < await redis.ttl(run_stream(run_id)) <= RUN_STREAM_TTL_SECONDS
        shared = [EVENT_ADAPTER.validate_json(f[b"payload"])
                  for f in await _fields(redis, ALL_STREAM, f"({last}")]
        assert [event for event in shared if event.run_id == run_id] == sent
    finally:
        await redis.delete(run_stream(run_id))


async def _fields(redis: Redis, key: str, after: str) -> list[dict[bytes, bytes]]:
    """The field maps of a stream's entries from `after` on."""
    entries = await redis.xrange(key, min=after) or []
    return [cast(dict[bytes, bytes], fields) for _, fields in entries]


async def test_an_absent_redis_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    sink = RedisSink.from_url("redis://127.0.0.1:1/0")
    try:
        with caplog.at_level(logging.WARNING, logger="pipeline.redis_events"):
            await sink.emit(StageStarted(run_id="r-offline01", stage=Stage.PLAN))
    finally:
        await sink.aclose()
    (record,) = caplog.records
    assert record.getMessage() == "redis event not sent"
    assert record.__dict__["run_id"] == "r-offline01"
    assert record.__dict__["kind"] == "stage_started"


async def test_the_sink_exists_only_with_a_url() -> None:
    assert redis_sink("") is None
    sink = redis_sink(REDIS_URL)
    assert isinstance(sink, RedisSink)
    await sink.aclose()
