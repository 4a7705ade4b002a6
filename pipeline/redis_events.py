"""A sink that copies run events to Redis Streams, for dashboards and other consumers.

Each event goes to the run's own stream and to one stream of every run, as two fields:
`kind` and `payload` (the event as JSON, which `pipeline.events.EVENT_ADAPTER` reads back).
The database's event log stays the source of truth, so a Redis outage is logged and the
run goes on.
"""

from __future__ import annotations

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError
from redis.typing import EncodableT, FieldT

from pipeline.events import Event

LOG = logging.getLogger(__name__)

RUN_STREAM = "factory:runs:{run_id}"
ALL_STREAM = "factory:events"
ALL_STREAM_MAXLEN = 100_000
"""The stream of every run is trimmed (approximately) to this many events."""
RUN_STREAM_TTL_SECONDS = 7 * 24 * 3600
"""A run's stream expires a week after its last event."""


def run_stream(run_id: str) -> str:
    """The key of one run's event stream."""
    return RUN_STREAM.format(run_id=run_id)


class RedisSink:
    """XADDs every event to `factory:runs:<run_id>` and `factory:events`."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @classmethod
    def from_url(cls, url: str) -> RedisSink:
        """A sink on a new client for `url` (FACTORY_REDIS_URL)."""
        return cls(Redis.from_url(url))

    async def emit(self, event: Event) -> None:
        """Append the event to both streams in one round trip; log and go on if Redis fails."""
        fields: dict[FieldT, EncodableT] = {
            "kind": event.kind, "payload": event.model_dump_json()
        }
        key = run_stream(event.run_id)
        pipe = self.redis.pipeline(transaction=False)
        pipe.xadd(key, fields)
        pipe.expire(key, RUN_STREAM_TTL_SECONDS)
        pipe.xadd(ALL_STREAM, fields, maxlen=ALL_STREAM_MAXLEN, approximate=True)
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:
            LOG.warning("redis event not sent", extra={
                "run_id": event.run_id, "kind": event.kind, "error": str(exc),
            })

    async def aclose(self) -> None:
        """Close the client's connections."""
        await self.redis.aclose()


def redis_sink(url: str) -> RedisSink | None:
    """A RedisSink when `url` (Settings.redis_url) is set, else None."""
    return RedisSink.from_url(url) if url else None
