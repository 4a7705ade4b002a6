"""Rate-limit buckets in the shared database, so every process on one API key draws from one.

Each bucket is a row (name, level, updated); every operation is one UPDATE that refills by the
elapsed time and acts in the same statement, so concurrent processes never hand out the same
capacity twice. The table holds only state that refills within a minute, so it lives outside
the run store's migrated schema: it is created when first needed, and losing it costs nothing
but a minute of unshared limits. Times are the processes' wall clocks (one host, or NTP).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Column, Float, MetaData, String, Table, TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine

from pipeline.store import names
from pipeline.store.open import make_engine

SECONDS_PER_MINUTE = 60.0

limiter_metadata = MetaData()
rate_buckets = Table(
    names.RATE_BUCKETS, limiter_metadata,
    Column("name", String(128), primary_key=True),
    Column("level", Float, nullable=False),
    Column("updated", Float, nullable=False),
)

_REFILLED = (
    "CASE WHEN level + (:now - updated) * :rate > :cap THEN :cap "
    "ELSE level + (:now - updated) * :rate END"
)
_ENSURE = text(
    f"INSERT INTO {names.RATE_BUCKETS} (name, level, updated) VALUES (:name, :cap, :now) "
    "ON CONFLICT (name) DO NOTHING"
)
_TAKE = text(
    f"UPDATE {names.RATE_BUCKETS} SET level = {_REFILLED} - :amount, updated = :now "
    "WHERE name = :name RETURNING level"
)
_GIVE = text(
    f"UPDATE {names.RATE_BUCKETS} SET level = CASE WHEN {_REFILLED} + :amount > :cap THEN :cap "
    f"ELSE {_REFILLED} + :amount END, updated = :now WHERE name = :name"
)
_LOWER = text(
    f"UPDATE {names.RATE_BUCKETS} SET level = CASE WHEN {_REFILLED} > :amount THEN :amount "
    f"ELSE {_REFILLED} END, updated = :now WHERE name = :name"
)


class DatabaseBuckets:
    """A BucketStore (pipeline/engines/limiter.py) in the database at `url`."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self._url = url
        self._clock = clock
        self._engine: AsyncEngine | None = None

    async def take(self, name: str, amount: float, per_minute: float) -> float:
        level = await self._update(_TAKE, name, min(amount, per_minute), per_minute)
        return max(0.0, -level / (per_minute / SECONDS_PER_MINUTE))

    async def give(self, name: str, amount: float, per_minute: float) -> None:
        await self._update(_GIVE, name, amount, per_minute)

    async def lower(self, name: str, level: float, per_minute: float) -> None:
        await self._update(_LOWER, name, level, per_minute)

    async def aclose(self) -> None:
        """Close the database connections."""
        if self._engine is not None:
            await self._engine.dispose()

    async def _update(self, statement: TextClause, name: str, amount: float,
                      per_minute: float) -> float:
        engine = await self._connected()
        values = {"name": name, "amount": amount, "cap": per_minute, "now": self._clock(),
                  "rate": per_minute / SECONDS_PER_MINUTE}
        async with engine.begin() as conn:
            await conn.execute(_ENSURE, values)
            result = await conn.execute(statement, values)
            row = result.first() if result.returns_rows else None
        return float(row[0]) if row is not None else 0.0

    async def _connected(self) -> AsyncEngine:
        if self._engine is None:
            engine = make_engine(self._url)
            async with engine.begin() as conn:
                await conn.run_sync(limiter_metadata.create_all)
            self._engine = engine
        return self._engine
