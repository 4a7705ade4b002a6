"""Group commit: concurrent keyed writes share one transaction.

A burst of webhook deliveries would otherwise queue on the database one transaction each;
here the calls that arrive while a batch is being written wait for the next batch, so a burst
costs a few transactions instead of one per delivery. A batch that fails is written again one
key at a time, so one bad row fails only its own caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Flush = Callable[[dict[K, V]], Awaitable[set[K]]]
"""Writes a batch (key -> value) in one transaction and returns the keys that were new."""


class GroupCommit(Generic[K, V]):
    """Batches `submit` calls into `flush` calls, one batch in flight at a time."""

    def __init__(self, flush: Flush[K, V]) -> None:
        self._flush = flush
        self._pending: list[tuple[K, V, asyncio.Future[bool]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, key: K, value: V) -> bool:
        """Insert `key` unless it exists; True when this call inserted it."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((key, value, future))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        # Shielded: a caller that gives up does not cancel the batch the others wait on.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                values: dict[K, V] = {}
                for key, value, _ in batch:
                    values.setdefault(key, value)
                try:
                    new = await self._flush(values)
                except Exception as exc:
                    if len(values) == 1:
                        for _, _, future in batch:
                            future.set_exception(exc)
                        continue
                    await self._one_by_one(batch, values)
                    continue
                self._settle(batch, new)
        finally:
            self._draining = None

    async def _one_by_one(self, batch: list[tuple[K, V, asyncio.Future[bool]]],
                          values: dict[K, V]) -> None:
        failed: dict[K, Exception] = {}
        new: set[K] = set()
        for key, value in values.items():
            try:
                new |= await self._flush({key: value})
            except Exception as exc:
                failed[key] = exc
        for key, _, future in batch:
            if key in failed:
                future.set_exception(failed[key])
        self._settle([item for item in batch if item[0] not in failed], new)

    @staticmethod
    def _settle(batch: list[tuple[K, V, asyncio.Future[bool]]], new: set[K]) -> None:
        for key, _, future in batch:
            # The first caller with a key gets the insert; repeats in the batch do not.
            future.set_result(key in new)
            new.discard(key)
