"""The SQL run store on SQLite and PostgreSQL: every method, transitions, leases, idempotency."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, timedelta

import pytest

from pipeline.engines.base import Usage
from pipeline.errors import InvalidTransition, RunNotFound
from pipeline.status import FileStatus, RunStatus
from pipeline.store import open_store
from pipeline.store.base import AttemptRecord
from pipeline.store.errors import DuplicateRun, FileNotPlanned
from pipeline.store.sql import SqlRunStore, installation_key
from tests.databases import both_stores, module_database

LOCAL = {"kind": "local", "out": "/tmp/app"}


def github(installation: int, issue: int) -> dict[str, object]:
    return {"kind": "github", "installation_id": installation, "repo": "o/r", "issue": issue}


pg_url = module_database("test_store")


store = both_stores("data/factory.db")


async def queued(store: SqlRunStore, n: int, origin: dict[str, object] | None = None) -> list[str]:
    return [
        (await store.create_run(f"idea {i}", "offline", {"seed": i}, origin or LOCAL)).id
        for i in range(n)
    ]


# -- runs -------------------------------------------------------------------------------------
async def test_create_and_get_run(store: SqlRunStore) -> None:
    run = await store.create_run("a todo app", "offline", {"budget_usd": 5.0}, LOCAL)
    assert re.fullmatch(r"r-[a-z0-9]{10}", run.id)
    assert run.status is RunStatus.QUEUED
    assert (run.config, run.origin, run.request) == ({"budget_usd": 5.0}, LOCAL, {})
    assert run.created_at.tzinfo is UTC
    assert (run.started_at, run.finished_at, run.lease_owner, run.attempts) == (None, None, None, 0)
    assert await store.get_run(run.id) == run


async def test_run_ids_are_unique_and_can_be_chosen(store: SqlRunStore) -> None:
    ids = await queued(store, 20)
    assert len(set(ids)) == 20
    chosen = await store.create_run("x", "offline", {}, LOCAL, run_id="r-chosen0001")
    assert chosen.id == "r-chosen0001"
    with pytest.raises(DuplicateRun, match="r-chosen0001"):
        await store.create_run("y", "offline", {}, LOCAL, run_id="r-chosen0001")


async def test_missing_run(store: SqlRunStore) -> None:
    with pytest.raises(RunNotFound, match="r-nope"):
        await store.get_run("r-nope")
    with pytest.raises(RunNotFound):
        await store.set_status("r-nope", RunStatus.RUNNING)
    with pytest.raises(RunNotFound):
        await store.update_run("r-nope", request={})
    with pytest.raises(RunNotFound):
        await store.earlier_ideas("r-nope")


async def test_status_transitions_stamp_their_timestamps(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    running = await store.set_status(run_id, RunStatus.RUNNING)
    assert running.status is RunStatus.RUNNING
    assert running.started_at is not None and running.finished_at is None
    failed = await store.set_status(run_id, RunStatus.ERROR, error="engine exploded")
    assert failed.finished_at is not None and failed.finished_at >= running.started_at
    assert failed.error == "engine exploded"
    again = await store.set_status(run_id, RunStatus.QUEUED)
    assert (again.status, again.finished_at, again.error) == (RunStatus.QUEUED, None, None)
    assert again.started_at == running.started_at
    assert await store.get_run(run_id) == again


@pytest.mark.parametrize(
    ("path", "forbidden"),
    [
        ((), RunStatus.SUCCEEDED),
        ((), RunStatus.QUEUED),
        ((RunStatus.RUNNING,), RunStatus.RUNNING),
        ((RunStatus.RUNNING, RunStatus.KILLED), RunStatus.FAILED),
        ((RunStatus.CANCELLED,), RunStatus.RUNNING),
    ],
)
async def test_invalid_transitions_are_refused(
    store: SqlRunStore, path: tuple[RunStatus, ...], forbidden: RunStatus
) -> None:
    (run_id,) = await queued(store, 1)
    for status in path:
        await store.set_status(run_id, status)
    before = await store.get_run(run_id)
    with pytest.raises(InvalidTransition, match=f"from {before.status} to {forbidden}"):
        await store.set_status(run_id, forbidden)
    assert await store.get_run(run_id) == before


async def test_update_run_replaces_only_given_fields(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    updated = await store.update_run(run_id, request={"retry": ["lib/main.dart"], "note": "n"})
    assert updated.request == {"retry": ["lib/main.dart"], "note": "n"}
    assert updated.config == {"seed": 0} and updated.origin == LOCAL
    updated = await store.update_run(run_id, config={"budget_usd": 9}, origin=github(7, 1))
    assert (updated.config, updated.origin) == ({"budget_usd": 9}, github(7, 1))
    assert updated.request == {"retry": ["lib/main.dart"], "note": "n"}
    assert [r.id for r in await store.find_runs({"installation_id": 7})] == [run_id]


async def test_earlier_ideas(store: SqlRunStore) -> None:
    ids = await queued(store, 3)
    assert await store.earlier_ideas(ids[0]) == []
    assert await store.earlier_ideas(ids[2]) == [
        (ids[0], "idea 0", RunStatus.QUEUED), (ids[1], "idea 1", RunStatus.QUEUED)
    ]


async def test_find_runs_by_origin_and_status(store: SqlRunStore) -> None:
    a = (await store.create_run("a", "offline", {}, github(1, 10))).id
    b = (await store.create_run("b", "offline", {}, github(1, 11))).id
    c = (await store.create_run("c", "offline", {}, github(2, 10))).id
    (d,) = await queued(store, 1)
    await store.set_status(b, RunStatus.RUNNING)
    assert [r.id for r in await store.find_runs({"installation_id": 1})] == [b, a]
    assert [r.id for r in await store.find_runs({"issue": 10})] == [c, a]
    exact = {"repo": "o/r", "issue": 10, "installation_id": 2}
    assert [r.id for r in await store.find_runs(exact)] == [c]
    running = frozenset({RunStatus.RUNNING})
    assert [r.id for r in await store.find_runs({"kind": "github"}, running)] == [b]
    assert [r.id for r in await store.find_runs({"kind": "local"})] == [d]
    assert [r.id for r in await store.find_runs({})] == [d, c, b, a]
    assert await store.find_runs({"issue": "10"}) == []
    assert await store.find_runs({"missing": None}) == []
    assert await store.find_runs({"installation_id": 1}, frozenset()) == []


# -- checkpoints and reports ------------------------------------------------------------------
async def test_checkpoints(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    assert await store.load_checkpoint(run_id, "critic") is None
    await store.save_checkpoint(run_id, "critic", {"score": 7, "notes": ["ok"]})
    await store.save_checkpoint(run_id, "plan", {"files": []})
    await store.save_checkpoint(run_id, "critic", {"score": 8})
    assert await store.load_checkpoint(run_id, "critic") == {"score": 8}
    await store.clear_checkpoint(run_id, "critic")
    assert await store.load_checkpoint(run_id, "critic") is None
    assert await store.load_checkpoint(run_id, "plan") == {"files": []}
    with pytest.raises(RunNotFound):
        await store.save_checkpoint("r-nope", "critic", {})


async def test_reports(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    assert await store.load_report(run_id, "judge") is None
    await store.save_report(run_id, "judge", "# 70/100")
    await store.save_report(run_id, "judge", "# 85/100")
    assert await store.load_report(run_id, "judge") == "# 85/100"
    with pytest.raises(RunNotFound):
        await store.save_report("r-nope", "judge", "#")


# -- files and attempts -----------------------------------------------------------------------
async def test_files_keep_existing_rows(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    await store.save_files(run_id, [("lib/main.dart", 2, {"role": "entry"}), ("lib/a.dart", 1, {})])
    await store.set_file(run_id, "lib/a.dart", FileStatus.DONE, content="class A {}")
    await store.save_files(run_id, [("lib/a.dart", 9, {"role": "changed"}), ("lib/b.dart", 1, {})])
    await store.save_files(run_id, [])
    listed = await store.files(run_id)
    assert [(f.path, f.level) for f in listed] == [
        ("lib/a.dart", 1), ("lib/b.dart", 1), ("lib/main.dart", 2)
    ]
    a = listed[0]
    assert (a.status, a.content, a.spec, a.attempts) == (FileStatus.DONE, "class A {}", {}, 0)
    assert listed[2].spec == {"role": "entry"} and listed[2].status is FileStatus.PENDING
    with pytest.raises(RunNotFound):
        await store.save_files("r-nope", [("x.dart", 1, {})])


async def test_set_file(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    await store.save_files(run_id, [("lib/a.dart", 1, {})])
    await store.set_file(run_id, "lib/a.dart", FileStatus.RUNNING)
    await store.set_file(run_id, "lib/a.dart", FileStatus.FAILED, content="bad")
    await store.set_file(run_id, "lib/a.dart", FileStatus.PENDING)
    (a,) = await store.files(run_id)
    assert (a.status, a.content) == (FileStatus.PENDING, "bad")
    with pytest.raises(FileNotPlanned, match=r"lib/zzz\.dart"):
        await store.set_file(run_id, "lib/zzz.dart", FileStatus.DONE)


async def test_attempts_bump_the_file_count(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    await store.save_files(run_id, [("lib/a.dart", 1, {}), ("lib/b.dart", 1, {})])
    finding = {"file": "lib/a.dart", "line": 3, "column": 1, "rule": "r", "severity": "error",
               "message": "m"}
    first = AttemptRecord("lib/a.dart", 1, "v1", False, "fix it", [finding])
    second = AttemptRecord("lib/a.dart", 2, "v2", True, "", [], note="use a Row")
    other = AttemptRecord("lib/b.dart", 1, "b", True, "", [])
    for attempt in (first, other, second):
        await store.add_attempt(run_id, attempt)
    assert await store.attempts(run_id, "lib/a.dart") == [first, second]
    assert await store.attempts(run_id) == [first, other, second]
    assert [f.attempts for f in await store.files(run_id)] == [2, 1]
    with pytest.raises(RunNotFound):
        await store.add_attempt("r-nope", first)


# -- ledger and events ------------------------------------------------------------------------
async def test_ledger_and_totals(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    one = Usage("claude-sonnet-4-5", 100, 20, 5, 50, 0.25, 1.5)
    two = Usage("claude-haiku-4-5", 10, 2, 0, 0, 0.01, 0.5)
    await store.record_usage(run_id, "critic", None, one)
    await store.record_usage(run_id, "codegen", "lib/a.dart", two)
    rows = await store.ledger(run_id)
    assert [(r.stage, r.path, r.usage) for r in rows] == [
        ("critic", None, one), ("codegen", "lib/a.dart", two)
    ]
    assert rows[0].at.tzinfo is UTC
    total = await store.usage_totals(run_id)
    assert (total.model, total.input_tokens, total.total_tokens) == ("mixed", 110, 187)
    assert total.cost_usd == pytest.approx(0.26)
    with pytest.raises(RunNotFound):
        await store.record_usage("r-nope", "critic", None, one)


async def test_a_call_is_billed_with_the_attempt_it_bought(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    await store.save_files(run_id, [("lib/a.dart", 1, {})])
    review = Usage("claude-haiku-4-5", 10, 2, 0, 0, 0.01, 0.5)
    attempt = AttemptRecord("lib/a.dart", 1, "v1", True, "fine", [])
    await store.record_usage(run_id, "codegen", "lib/a.dart", review, attempt=attempt)
    assert await store.attempts(run_id) == [attempt]
    assert [(r.path, r.usage) for r in await store.ledger(run_id)] == [("lib/a.dart", review)]
    assert [f.attempts for f in await store.files(run_id)] == [1]


async def test_events_are_numbered_per_run(store: SqlRunStore) -> None:
    a, b = await queued(store, 2)
    assert await store.append_event(a, "stage_started", {"stage": "critic"}) == 1
    assert await store.append_event(b, "stage_started", {"stage": "plan"}) == 1
    assert await store.append_event(a, "progress", {"files": [1, 2]}) == 2
    assert await store.events(a) == [
        (1, "stage_started", {"stage": "critic"}), (2, "progress", {"files": [1, 2]})
    ]
    assert await store.events(a, after=1) == [(2, "progress", {"files": [1, 2]})]
    with pytest.raises(RunNotFound):
        await store.append_event("r-nope", "x", {})


async def test_concurrent_events_get_distinct_dense_seqs(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    seqs = await asyncio.gather(*(store.append_event(run_id, "e", {"i": i}) for i in range(20)))
    assert sorted(seqs) == list(range(1, 21))


async def test_commits(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    assert await store.commits(run_id) == {}
    await store.mark_committed(run_id, "level-1", "aaa")
    await store.mark_committed(run_id, "level-2", "bbb")
    await store.mark_committed(run_id, "level-1", "ccc")
    assert await store.commits(run_id) == {"level-1": "ccc", "level-2": "bbb"}
    with pytest.raises(RunNotFound):
        await store.mark_committed("r-nope", "level-1", "aaa")


async def test_runs_are_counted_by_status(store: SqlRunStore) -> None:
    assert await store.count_runs() == {}
    first, second, _ = await queued(store, 3)
    await store.set_status(first, RunStatus.RUNNING)
    await store.set_status(second, RunStatus.CANCELLED)
    assert await store.count_runs() == {
        RunStatus.QUEUED: 1, RunStatus.RUNNING: 1, RunStatus.CANCELLED: 1,
    }


# -- installations (deliveries: test_store_deliveries.py) -------------------------------------
async def test_installations(store: SqlRunStore) -> None:
    assert await store.installations() == {}
    await store.record_installation(42, "acme", "created")
    await store.record_installation(7, "octo", "created")
    await store.record_installation(42, "acme-renamed", "suspend")
    assert await store.installations() == {7: ("octo", "created"), 42: ("acme-renamed", "suspend")}


# -- queue and leases -------------------------------------------------------------------------
async def test_claim_takes_the_oldest_and_leases_it(store: SqlRunStore) -> None:
    assert await store.claim("w1", 30) is None
    first, second = await queued(store, 2)
    run = await store.claim("w1", 30)
    assert run is not None and run.id == first
    assert (run.status, run.lease_owner, run.attempts) == (RunStatus.RUNNING, "w1", 1)
    assert run.started_at is not None and run.lease_expires_at is not None
    assert run.lease_expires_at - run.started_at == timedelta(seconds=30)
    claimed = await store.claim("w2", 30)
    assert claimed is not None and claimed.id == second
    assert await store.claim("w3", 30) is None


async def test_claim_is_fair_across_installations(store: SqlRunStore) -> None:
    busy = await queued(store, 3, github(1, 1))  # installation 1 files a burst first
    other = (await store.create_run("late", "offline", {}, github(2, 1))).id
    (local,) = await queued(store, 1)
    order = [run.id for run in [await store.claim("w", 60) for _ in range(5)] if run]
    # After 1's first run starts, 2 and local have nothing running and go before 1's rest.
    assert order == [busy[0], other, local, busy[1], busy[2]]


async def test_installation_key() -> None:
    assert installation_key({"kind": "local"}) == "local"
    assert installation_key(github(12, 1)) == "12"


async def test_concurrent_claimers_never_share_a_run(store: SqlRunStore) -> None:
    ids = await queued(store, 12)
    url = store.engine.url.render_as_string(hide_password=False)
    others = [await open_store(url) for _ in range(3)]
    try:
        claimers = [s for s in [store, *others] for _ in range(5)]
        results = await asyncio.gather(
            *(s.claim(f"w{i}", 60) for i, s in enumerate(claimers))
        )
    finally:
        for other in others:
            await other.close()
    won = [run.id for run in results if run is not None]
    assert sorted(won) == sorted(ids)
    owners = {run.id: run.lease_owner for run in results if run is not None}
    for run_id, owner in owners.items():
        assert (await store.get_run(run_id)).lease_owner == owner


async def test_heartbeat_extends_only_the_owners_lease(store: SqlRunStore) -> None:
    await queued(store, 1)
    run = await store.claim("w1", 5)
    assert run is not None and run.lease_expires_at is not None
    assert await store.heartbeat(run.id, "w1", 600) is True
    renewed = await store.get_run(run.id)
    assert renewed.lease_expires_at is not None
    assert renewed.lease_expires_at > run.lease_expires_at + timedelta(seconds=500)
    assert await store.heartbeat(run.id, "w2", 600) is False
    assert await store.heartbeat("r-nope", "w1", 600) is False


async def test_release_drops_only_the_owners_lease(store: SqlRunStore) -> None:
    await queued(store, 1)
    run = await store.claim("w1", 60)
    assert run is not None
    await store.release(run.id, "w2")
    assert (await store.get_run(run.id)).lease_owner == "w1"
    await store.release(run.id, "w1")
    released = await store.get_run(run.id)
    assert (released.status, released.lease_owner, released.lease_expires_at) == (
        RunStatus.RUNNING, None, None
    )
    assert await store.heartbeat(run.id, "w1", 60) is False


async def test_sweep_requeues_lapsed_leases(store: SqlRunStore) -> None:
    lapsing, healthy, leaseless = await queued(store, 3)
    assert (await store.claim("w1", 0)) is not None
    assert (await store.claim("w2", 600)) is not None
    await store.set_status(leaseless, RunStatus.RUNNING)  # a local run holds no lease
    await asyncio.sleep(0.01)
    assert await store.sweep() == [lapsing]
    swept = await store.get_run(lapsing)
    assert (swept.status, swept.lease_owner, swept.lease_expires_at) == (
        RunStatus.QUEUED, None, None
    )
    assert swept.error is not None and "w1" in swept.error
    assert await store.heartbeat(lapsing, "w1", 60) is False
    assert (await store.get_run(healthy)).status is RunStatus.RUNNING
    assert (await store.get_run(leaseless)).status is RunStatus.RUNNING
    assert await store.sweep() == []
    again = await store.claim("w3", 60)
    assert again is not None and (again.id, again.attempts, again.error) == (lapsing, 2, None)


async def test_sweep_gives_up_on_a_run_that_keeps_losing_workers(store: SqlRunStore) -> None:
    (run_id,) = await queued(store, 1)
    store_max = SqlRunStore(store.engine, max_claims=2)
    for _ in range(2):
        assert await store_max.claim("w", 0) is not None
        await asyncio.sleep(0.01)
        assert await store_max.sweep() == [run_id]
    run = await store.get_run(run_id)
    assert run.status is RunStatus.ERROR and run.attempts == 2
    assert run.error is not None and "2 times" in run.error
    assert await store_max.claim("w", 0) is None

