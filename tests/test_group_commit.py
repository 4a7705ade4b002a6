"""Group commit: concurrent keyed inserts share transactions and each key is new once."""

import asyncio

import pytest

from pipeline.store.group_commit import GroupCommit


class Table:
    def __init__(self, fail_first: bool = False) -> None:
        self.rows: dict[str, str] = {}
        self.batches: list[list[str]] = []
        self.fail_first = fail_first

    async def flush(self, values: dict[str, str]) -> set[str]:
        self.batches.append(list(values))
        await asyncio.sleep(0.01)  # a transaction takes time; more callers arrive meanwhile
        if self.fail_first:
            self.fail_first = False
            raise ConnectionError("database went away")
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


async def test_a_failed_batch_fails_its_callers_and_the_next_batch_still_runs() -> None:
    table = Table(fail_first=True)
    group = GroupCommit(table.flush)
    failing = asyncio.gather(*(group.submit(f"a{i}", "x") for i in range(3)),
                             return_exceptions=True)
    await asyncio.sleep(0)  # the first batch is in flight
    later = group.submit("b", "x")
    errors, ok = await asyncio.gather(failing, later)
    assert all(isinstance(e, ConnectionError) for e in errors)
    assert ok is True and "b" in table.rows


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
