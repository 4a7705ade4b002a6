"""Group commit: concurrent keyed inserts share transactions and each key is new once."""

import asyncio

import pytest

from pipeline.store.group_commit import GroupCommit


class Table:
    def __init__(self, fail_first: bool = False, bad: frozenset[str] = frozenset()) -> None:
        self.rows: dict[str, str] = {}
        self.batches: list[list[str]] = []
        self.fail_first = fail_first
        self.bad = bad

    async def flush(self, values: dict[str, str]) -> set[str]:
        self.batches.append(list(values))
        await asyncio.sleep(0.01)  # a transaction takes time; more callers arrive meanwhile
        if self.fail_first:
            self.fail_first = False
            raise ConnectionError("database went away")
        if self.bad & set(values):
            raise ValueError("a row the database refuses")
        new = {k for k in values if k not in self.rows}
        self.rows.update({k: values[k] for k in new})
        return new


async def test_a_burst_costs_a_few_transactions_not_one_each() -> None:
    table = Table()
    group = GroupCommit(table.flush)
    results = await asyncio.gather(*(group.submit(f"d{i}", "issues") for i in range(100)))
    assert all(results) and len(table.rows) == 100
    assert len(table.batches) <= 2  # the first caller's batch, then everyone who queued


async def test_a_key_is_new_only_once_within_and_across_batches() -> None:
    table = Table()
    group = GroupCommit(table.flush)
    first = await asyncio.gather(*(group.submit("same", "issues") for _ in range(3)))
    assert sorted(first) == [False, False, True]
    assert await group.submit("same", "issues") is False


async def test_a_failed_batch_is_written_again_one_by_one() -> None:
    table = Table(fail_first=True)
    group = GroupCommit(table.flush)
    results = await asyncio.gather(*(group.submit(f"a{i}", "x") for i in range(3)))
    assert results == [True, True, True] and set(table.rows) == {"a0", "a1", "a2"}


async def test_one_bad_row_fails_only_its_own_caller() -> None:
    table = Table(bad=frozenset({"a1"}))
    group = GroupCommit(table.flush)
    results = await asyncio.gather(*(group.submit(f"a{i}", "x") for i in range(3)),
                                   return_exceptions=True)
    assert results[0] is True and results[2] is True
    assert isinstance(results[1], ValueError)
    assert set(table.rows) == {"a0", "a2"}
    assert await group.submit("b", "x") is True


async def test_a_lone_failing_key_fails_its_callers() -> None:
    table = Table(fail_first=True)
    group = GroupCommit(table.flush)
    with pytest.raises(ConnectionError):
        await group.submit("a", "x")
    assert await group.submit("a", "x") is True


async def test_a_caller_that_gives_up_does_not_cancel_the_batch() -> None:
    table = Table()
    group = GroupCommit(table.flush)
    impatient = asyncio.create_task(group.submit("a", "x"))
    patient = asyncio.create_task(group.submit("b", "x"))
    await asyncio.sleep(0.001)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    assert await patient is True and set(table.rows) == {"a", "b"}
