"""Durable webhook deliveries in the SQL store, on SQLite and PostgreSQL: record, claim, finish."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.status import RunStatus
from pipeline.store import migrate, open_store, sqlite_deliveries
from pipeline.store.base import Delivery
from pipeline.store.open import make_engine
from pipeline.store.sql import SqlRunStore
from pipeline.store.tables import deliveries
from tests import test_store

LEASE = 30.0
LAPSED = -1.0
"""A lease that is over as soon as it is taken: what a server that died leaves behind."""

pg_url = test_store.pg_url
store = test_store.store
"""The store fixture of test_store.py, over SQLite and PostgreSQL."""


def delivery(n: int, action: str = "labeled") -> Delivery:
    return Delivery(f"d-{n}", "issues", {"action": action, "issue": {"number": n}})


async def test_a_delivery_is_recorded_once_with_its_payload(store: SqlRunStore) -> None:
    assert await store.record_delivery(delivery(1), "s1", LEASE) is True
    assert await store.record_delivery(delivery(1), "s1", LEASE) is False
    assert await store.record_delivery(delivery(1), "s2", LEASE) is False  # live claim
    results = await asyncio.gather(*(store.record_delivery(delivery(2), "s1", LEASE)
                                     for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]
    async with store.engine.connect() as conn:
        rows = (await conn.execute(sa.select(deliveries).order_by(deliveries.c.id))).all()
    assert [(r.id, r.event, r.payload, r.claimed_by, r.handled_at) for r in rows] == [
        ("d-1", "issues", delivery(1).payload, "s1", None),
        ("d-2", "issues", delivery(2).payload, "s1", None),
    ]


async def test_a_handled_delivery_stays_a_duplicate(store: SqlRunStore) -> None:
    assert await store.record_delivery(delivery(1), "s1", LAPSED) is True
    await store.finish_deliveries(["d-1"])
    assert await store.record_delivery(delivery(1), "s2", LEASE) is False
    assert await store.claim_deliveries("s2", LEASE, 10) == []


async def test_a_redelivery_of_a_lapsed_unhandled_delivery_is_new_work(
    store: SqlRunStore,
) -> None:
    assert await store.record_delivery(delivery(1), "dead", LAPSED) is True
    assert await store.record_delivery(delivery(1, "edited"), "s2", LEASE) is True
    assert await store.record_delivery(delivery(1), "s3", LEASE) is False  # s2 holds it now
    assert await store.claim_deliveries("s3", LEASE, 10) == []


async def test_claims_take_lapsed_unhandled_deliveries_oldest_first(
    store: SqlRunStore,
) -> None:
    for n in (3, 1, 2):
        await store.record_delivery(delivery(n), "dead", LAPSED)
    await store.record_delivery(delivery(4), "alive", LEASE)
    assert await store.claim_deliveries("s1", LEASE, 2) == [delivery(3), delivery(1)]
    assert await store.claim_deliveries("s2", LEASE, 10) == [delivery(2)]
    assert await store.claim_deliveries("s2", LEASE, 10) == []


async def test_concurrent_claims_never_take_the_same_delivery(store: SqlRunStore) -> None:
    for n in range(40):
        await store.record_delivery(delivery(n), "dead", LAPSED)
    claimed = await asyncio.gather(*(store.claim_deliveries(f"s{i}", LEASE, 7) for i in range(8)))
    ids = [d.id for batch in claimed for d in batch]
    assert sorted(ids) == sorted(f"d-{n}" for n in range(40))


async def test_renewed_claims_hold_and_released_ones_are_taken(store: SqlRunStore) -> None:
    await store.record_delivery(delivery(1), "s1", LAPSED)
    await store.record_delivery(delivery(2), "s1", LAPSED)
    assert await store.renew_deliveries("s1", ["d-1", "d-2"], LEASE) == 2
    assert await store.renew_deliveries("s2", ["d-1"], LEASE) == 0  # not s2's claim
    assert await store.claim_deliveries("s2", LEASE, 10) == []
    await store.release_deliveries("s1", ["d-2"])
    assert await store.claim_deliveries("s2", LEASE, 10) == [delivery(2)]
    await store.finish_deliveries(["d-1"])
    assert await store.renew_deliveries("s1", ["d-1"], LEASE) == 0
    assert await store.renew_deliveries("s1", [], LEASE) == 0
    await store.release_deliveries("s1", [])
    await store.finish_deliveries([])


async def test_deliveries_recorded_before_migration_0002_count_as_handled(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: _upgrade_to(c, "0001"))
            await conn.exec_driver_sql(
                "INSERT INTO deliveries (id, event, received_at) "
                "VALUES ('old', 'issues', '2026-05-01 00:00:00')"
            )
        await migrate.upgrade(engine)
        store = SqlRunStore(engine)
        assert await store.claim_deliveries("s1", LEASE, 10) == []
        assert await store.record_delivery(Delivery("old", "issues", {}), "s1", LEASE) is False
    finally:
        await engine.dispose()


def _upgrade_to(connection: sa.Connection, revision: str) -> None:
    from alembic import command

    config = migrate.alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def test_payloads_past_the_retention_are_forgotten_and_ids_kept(
    store: SqlRunStore,
) -> None:
    for n in (1, 2, 3):
        assert await store.record_delivery(delivery(n), "s1", LEASE) is True
    await store.finish_deliveries({"d-1", "d-2"})
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert await store.forget_payloads(later) == 2
    assert await store.forget_payloads(later) == 0
    async with store.engine.connect() as conn:
        rows = (await conn.execute(sa.select(deliveries).order_by(deliveries.c.id))).all()
    assert [(r.id, r.payload is None) for r in rows] == [
        ("d-1", True), ("d-2", True), ("d-3", False)]  # the unhandled one keeps its payload
    assert await store.record_delivery(delivery(1), "s2", LEASE) is False  # still a duplicate
    assert await store.forget_payloads(datetime.now(UTC) - timedelta(days=1)) == 0


async def test_a_delivery_s_body_is_stored_as_given_and_read_back_as_its_payload(
    store: SqlRunStore,
) -> None:
    text = '{"action": "labeled", "issue": {"number": 7, "title": "Rezeptbox für alle"}}'
    assert await store.record_delivery(
        Delivery("d-text", "issues", {"ignored": "the body is what is stored"}, text),
        "dead", LAPSED) is True
    [replayed] = await store.claim_deliveries("s2", LEASE, 10)
    assert replayed.payload == {"action": "labeled",
                                "issue": {"number": 7, "title": "Rezeptbox für alle"}}


async def test_sqlite_s_delivery_writer_stores_what_the_engine_stores(tmp_path: Path) -> None:
    fast = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'factory.db'}")
    engine_only = SqlRunStore(fast.engine)  # the same file, its writes through the engine
    try:
        text = '{"action": "opened", "issue": {"number": 1}}'
        for store, key in ((fast, "by-writer"), (engine_only, "by-engine")):
            assert await store.record_delivery(Delivery(key, "issues", {}, text), "s1", LAPSED)
            assert await store.record_delivery(Delivery(key, "issues", {}, text), "s2", LEASE)
            await store.finish_deliveries([key])
        async with fast.engine.connect() as conn:
            raw = (await conn.exec_driver_sql(
                "SELECT id, event, payload, claimed_by, typeof(received_at),"
                " length(received_at), length(claimed_until), length(handled_at)"
                " FROM deliveries ORDER BY id")).all()
    finally:
        await fast.close()
    assert [tuple(row[1:]) for row in raw] == [
        ("issues", text, "s2", "text", 26, 26, 26)] * 2  # taken over by s2, then handled


async def test_sqlite_s_write_ahead_log_is_checkpointed_once_the_writes_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_deliveries, "CHECKPOINT_PAUSE_S", 0.01)
    path = tmp_path / "factory.db"
    store = await open_store(f"sqlite+aiosqlite:///{path}")
    try:
        assert await store.record_delivery(delivery(1), "s1", LEASE)
        for _ in range(500):
            if _in_the_database_file(path) == [("d-1",)]:
                break
            await asyncio.sleep(0.01)
        assert _in_the_database_file(path) == [("d-1",)]
    finally:
        await store.close()


def _in_the_database_file(path: Path) -> list[tuple[str]]:
    """The deliveries in the database file itself, without its write-ahead log."""
    main_file = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return main_file.execute("SELECT id FROM deliveries").fetchall()
    except sqlite3.OperationalError:  # not even the schema is checkpointed yet
        return []
    finally:
        main_file.close()


async def test_sqlite_s_reads_leave_the_write_lock_to_the_writers(tmp_path: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'factory.db'}")
    try:
        run = await store.create_run("A recipe box", "offline", {}, {"kind": "local"})
        reading = asyncio.Event()
        done_reading = asyncio.Event()

        async def slow_reader() -> None:
            async with store._reads.connect() as conn:
                await store._run_row(conn, run.id)  # its transaction is open from here
                reading.set()
                await done_reading.wait()

        reader = asyncio.create_task(slow_reader())
        await reading.wait()
        assert await store.record_delivery(delivery(1), "s1", LEASE)  # not held up
        await store.set_status(run.id, RunStatus.RUNNING)
        done_reading.set()
        await reader
    finally:
        await store.close()
