"""Store calls run to their end when the caller is cancelled, so no lock is left behind."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pipeline.store.open import make_engine
from pipeline.store.shield import finish_public_calls, finish_when_cancelled

STATEMENTS = 300
TRIALS = 15


async def test_a_cancelled_caller_waits_for_the_call_to_finish() -> None:
    steps: list[str] = []

    @finish_when_cancelled
    async def write(value: str) -> str:
        await asyncio.sleep(0.05)
        steps.append(value)
        return value

    caller = asyncio.create_task(write("committed"))
    await asyncio.sleep(0.01)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert steps == ["committed"]
    assert await write("again") == "again"


async def test_errors_pass_through_and_are_not_left_unretrieved() -> None:
    @finish_when_cancelled
    async def fail() -> None:
        await asyncio.sleep(0.02)
        raise ValueError("nope")

    with pytest.raises(ValueError, match="nope"):
        await fail()
    caller = asyncio.create_task(fail())
    await asyncio.sleep(0.005)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller


async def test_only_public_coroutine_methods_are_wrapped() -> None:
    class Plain:
        async def public(self) -> int:
            return 1

        async def _private(self) -> int:
            return 2

        def sync(self) -> int:
            return 3

    before = dict(vars(Plain))
    wrapped = finish_public_calls(Plain)
    assert wrapped is Plain
    assert Plain.public is not before["public"] and Plain.public.__wrapped__ is before["public"]
    assert Plain._private is before["_private"] and Plain.sync is before["sync"]
    assert await Plain().public() == 1


class LongWriter:
    """A store-like object with one long write transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def write(self) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            for _ in range(STATEMENTS):
                await conn.execute(text("SELECT count(*) FROM t"))


async def _cancel_writes_then_write(writer: LongWriter) -> int:
    """Cancel writes at several points, each time checking that a new write gets through."""
    landed = 0
    for trial in range(TRIALS):
        caller = asyncio.create_task(writer.write())
        await asyncio.sleep(0.002 + trial * 0.002)
        caller.cancel()
        try:
            await caller
        except asyncio.CancelledError:
            landed += 1
        async with asyncio.timeout(2), writer.engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (2)"))
    return landed


async def test_cancelled_sqlite_writes_leave_no_lock_behind(tmp_path: Path) -> None:
    # Unshielded, a cancel here leaks a connection that holds SQLite's write lock, and the
    # next write times out (seen within a few of these trials on SQLAlchemy 2.1/aiosqlite).
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'factory.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        assert await _cancel_writes_then_write(finish_public_calls(LongWriter)(engine)) > 0
    finally:
        await engine.dispose()
