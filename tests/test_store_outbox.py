"""The run store's outbox on SQLite and PostgreSQL: pending with the state change, delivered,
retried later or given up, and finished runs that owe something claimed under a lease."""

from __future__ import annotations

import pytest

from pipeline.status import RunStatus
from pipeline.store.base import SUPERSEDED, Outgoing
from pipeline.store.sql import SqlRunStore
from tests.databases import both_stores, module_database

LOCAL = {"kind": "local", "out": "/tmp/app"}
GITHUB = {"kind": "github", "installation_id": 7, "repo": "o/r", "issue": 1}

pg_url = module_database("test_store_outbox")


store = both_stores("factory.db")


async def running(store: SqlRunStore, origin: dict[str, object] = GITHUB) -> str:
    return (await store.create_run("idea", "offline", {}, origin, running=True)).id


def verdict(title: str = "Judge passed") -> Outgoing:
    return Outgoing(kind="run_finished", payload={"title": title})


async def test_the_final_status_and_its_verdict_are_written_together(store: SqlRunStore) -> None:
    run_id = await running(store)
    item = verdict()
    await store.set_status(run_id, RunStatus.SUCCEEDED, send=item)
    assert await store.outgoing(run_id) == [item]
    await store.delivered(run_id, item)
    assert await store.outgoing(run_id) == []


async def test_a_refused_transition_leaves_nothing_in_the_outbox(store: SqlRunStore) -> None:
    run_id = (await store.create_run("idea", "offline", {}, GITHUB)).id
    with pytest.raises(Exception, match="cannot go"):
        await store.set_status(run_id, RunStatus.SUCCEEDED, send=verdict())
    assert await store.outgoing(run_id) == []


async def test_a_checkpoint_writes_its_report_and_event_in_one_go(store: SqlRunStore) -> None:
    run_id = await running(store)
    item = Outgoing(kind="critic_reported", payload={"markdown": "## Critic"})
    await store.save_checkpoint(run_id, "critic", {"score": 8}, report="## Critic", send=item)
    assert await store.load_checkpoint(run_id, "critic") == {"score": 8}
    assert await store.load_report(run_id, "critic") == "## Critic"
    assert await store.outgoing(run_id) == [item]


async def test_a_newer_event_of_a_kind_replaces_the_older_and_outlives_its_confirmation(
    store: SqlRunStore,
) -> None:
    run_id = await running(store)
    old, new = verdict("old"), verdict("new")
    await store.send(run_id, old)
    await store.delivered(run_id, old)
    await store.send(run_id, new)
    await store.delivered(run_id, old)  # a late confirmation of the old one changes nothing
    assert await store.outgoing(run_id) == [new]


async def test_retry_later_counts_and_delays_and_none_gives_up(store: SqlRunStore) -> None:
    run_id = await running(store)
    item = verdict()
    await store.send(run_id, item)
    await store.retry_later(run_id, item, "GitHub answered 502", 3600)
    [again] = await store.outgoing(run_id)
    assert again.attempts == 1 and again.token == item.token
    assert await store.outgoing(run_id, due=True) == []
    await store.retry_later(run_id, again, "GitHub answered 422", None)
    assert await store.outgoing(run_id) == []


async def test_the_outbox_counts_what_is_pending_and_what_was_given_up(
    store: SqlRunStore,
) -> None:
    assert await store.count_outbox() == {"pending": 0, "given_up": 0}
    first, second, third = [await running(store) for _ in range(3)]
    items = {run_id: verdict() for run_id in (first, second, third)}
    for run_id, item in items.items():
        await store.send(run_id, item)
    await store.delivered(first, items[first])
    await store.retry_later(second, items[second], "GitHub answered 422", None)
    assert await store.count_outbox() == {"pending": 1, "given_up": 1}
    # a verdict superseded by a newer execution's own is no failure
    await store.retry_later(third, items[third], SUPERSEDED, None)
    assert await store.count_outbox() == {"pending": 0, "given_up": 1}


async def test_finished_runs_that_owe_an_event_are_claimed_once_under_a_lease(
    store: SqlRunStore,
) -> None:
    owes, settled, local, live = (await running(store), await running(store),
                                  await running(store, LOCAL), await running(store))
    for run_id in (owes, settled, local):
        await store.set_status(run_id, RunStatus.FAILED, send=verdict())
    await store.send(live, verdict())
    await store.delivered(settled, (await store.outgoing(settled))[0])
    claimed = await store.claim_outgoing("w1", 60)
    assert claimed is not None and claimed.id == owes and claimed.lease_owner == "w1"
    assert claimed.status is RunStatus.FAILED
    assert await store.claim_outgoing("w2", 60) is None  # leased; the others owe nothing here
    await store.release(owes, "w1")
    again = await store.claim_outgoing("w2", -1)  # a lease that has lapsed already
    assert again is not None and again.id == owes
    taken = await store.claim_outgoing("w3", 60)
    assert taken is not None and taken.id == owes and taken.lease_owner == "w3"


async def test_an_event_not_due_yet_is_not_claimed(store: SqlRunStore) -> None:
    run_id = await running(store)
    item = verdict()
    await store.set_status(run_id, RunStatus.KILLED, send=item)
    await store.retry_later(run_id, item, "rate limited", 600)
    assert await store.claim_outgoing("w1", 60) is None
