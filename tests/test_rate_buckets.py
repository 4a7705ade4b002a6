"""Rate-limit buckets in the database and the choice of where the buckets live."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.engines.limiter import MemoryBuckets
from pipeline.engines.shared_buckets import FallbackBuckets, RedisBuckets, bucket_store
from pipeline.store.rate_buckets import DatabaseBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_database_buckets_take_refill_give_and_lower(tmp_path: Path) -> None:
    clock = Clock()
    buckets = DatabaseBuckets(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", clock=clock)
    try:
        assert await buckets.take("sonnet:requests", 60, 60) == 0
        assert await buckets.take("sonnet:requests", 1, 60) == pytest.approx(1.0)
        clock.now += 2  # two requests' worth refilled
        assert await buckets.take("sonnet:requests", 1, 60) == 0
        await buckets.give("sonnet:requests", 30, 60)
        assert await buckets.take("sonnet:requests", 30, 60) == 0
        await buckets.lower("sonnet:requests", -6, 60)
        assert await buckets.take("sonnet:requests", 0, 60) == pytest.approx(6.0)
    finally:
        await buckets.aclose()


def test_the_buckets_live_in_redis_then_postgresql_else_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FACTORY_DATABASE_URL", raising=False)
    monkeypatch.delenv("FACTORY_REDIS_URL", raising=False)
    assert isinstance(bucket_store(Settings()), MemoryBuckets)  # SQLite: one process
    monkeypatch.setenv("FACTORY_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    assert isinstance(bucket_store(Settings()), FallbackBuckets)
    monkeypatch.setenv("FACTORY_REDIS_URL", "redis://127.0.0.1:1/0")
    store = bucket_store(Settings())
    assert isinstance(store, FallbackBuckets)


async def test_a_shared_store_that_fails_falls_back_to_the_processs_own() -> None:
    from redis.asyncio import Redis

    store = FallbackBuckets(RedisBuckets(Redis.from_url("redis://127.0.0.1:1/0")))
    assert await store.take("haiku:requests", 10, 10) == 0
    assert 0 < await store.take("haiku:requests", 1, 10) <= 6.0  # its own bucket, emptied
