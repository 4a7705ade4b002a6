"""Where the rate-limit buckets live: Redis, the shared database, or this process's memory.

The limit belongs to the API key, not the process: with several `serve`/`worker` processes on
one key, each must draw from the same buckets. With FACTORY_REDIS_URL they live in Redis (one
Lua script per operation, on the server's clock); else, with a PostgreSQL run store, in its
database (pipeline/store/rate_buckets.py). SQLite is the embedded store of one process, so its
buckets stay in memory.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from pipeline.config import Settings
from pipeline.engines.limiter import BucketStore, MemoryBuckets
from pipeline.store.rate_buckets import DatabaseBuckets

LOG = logging.getLogger(__name__)
T = TypeVar("T")
SHARED_FAILURES = (RedisError, SQLAlchemyError, OSError)

KEY = "factory:ratelimit:{name}"
IDLE_EXPIRY_S = 120
"""A bucket untouched this long is full again anyway: Redis may forget it."""

# KEYS[1] the bucket; ARGV: op (take|give|lower), amount, per_minute. Returns the new level.
_SCRIPT = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local cap = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'level', 'updated')
local level = tonumber(state[1]) or cap
local updated = tonumber(state[2]) or t
level = math.min(cap, level + (t - updated) * cap / 60)
local amount = tonumber(ARGV[2])
if ARGV[1] == 'take' then level = level - amount
elseif ARGV[1] == 'give' then level = math.min(cap, level + amount)
else level = math.min(level, amount) end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'updated', tostring(t))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return tostring(level)
"""


class RedisBuckets:
    """A BucketStore in Redis, shared by every process that uses the same server."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._script = redis.register_script(_SCRIPT)

    async def take(self, name: str, amount: float, per_minute: float) -> float:
        level = await self._run("take", name, min(amount, per_minute), per_minute)
        return max(0.0, -level / (per_minute / 60))

    async def give(self, name: str, amount: float, per_minute: float) -> None:
        await self._run("give", name, amount, per_minute)

    async def lower(self, name: str, level: float, per_minute: float) -> None:
        await self._run("lower", name, level, per_minute)

    async def _run(self, op: str, name: str, amount: float, per_minute: float) -> float:
        level = await self._script(keys=[KEY.format(name=name)],
                                   args=[op, amount, per_minute, IDLE_EXPIRY_S])
        return float(level)


class FallbackBuckets:
    """Shared buckets that fall back to this process's own when the shared store fails.

    A limiter outage must not fail model calls: the process limits itself alone (and the
    API's 429s, retried, still bound it) until the shared store answers again.
    """

    def __init__(self, shared: BucketStore) -> None:
        self._shared = shared
        self._own = MemoryBuckets()

    async def take(self, name: str, amount: float, per_minute: float) -> float:
        return await self._either(lambda b: b.take(name, amount, per_minute))

    async def give(self, name: str, amount: float, per_minute: float) -> None:
        await self._either(lambda b: b.give(name, amount, per_minute))

    async def lower(self, name: str, level: float, per_minute: float) -> None:
        await self._either(lambda b: b.lower(name, level, per_minute))

    async def _either(self, act: Callable[[BucketStore], Awaitable[T]]) -> T:
        try:
            return await act(self._shared)
        except SHARED_FAILURES as exc:
            LOG.warning("shared rate-limit buckets unavailable", extra={"error": str(exc)})
            return await act(self._own)


def bucket_store(settings: Settings) -> BucketStore:
    """The buckets every process of this deployment shares."""
    if settings.redis_url:
        return FallbackBuckets(RedisBuckets(Redis.from_url(settings.redis_url)))
    url = settings.database()
    if url.startswith("postgresql"):
        return FallbackBuckets(DatabaseBuckets(url))
    return MemoryBuckets()
