"""Store calls that finish even when their caller is cancelled.

A task cancelled in the middle of a statement leaves its connection mid-transaction; on
SQLite that connection keeps the write lock until it is garbage-collected, and every other
writer waits out its busy timeout. So each public store call runs as a task of its own: a
cancelled caller waits for the call to finish (commit or roll back), then is cancelled.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type)


def finish_when_cancelled(
    call: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Wrap a coroutine function so that cancelling its caller lets it run to its end."""

    @functools.wraps(call)
    async def shielded(*args: P.args, **kwargs: P.kwargs) -> R:
        inner = asyncio.ensure_future(call(*args, **kwargs))
        try:
            return await asyncio.shield(inner)
        except asyncio.CancelledError:
            await asyncio.wait([inner])
            if not inner.cancelled():
                inner.exception()  # seen here; the cancellation is what the caller gets
            raise

    return shielded


def finish_public_calls(cls: C) -> C:
    """Apply `finish_when_cancelled` to every public coroutine method `cls` defines."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(member):
            setattr(cls, name, finish_when_cancelled(member))
    return cls
