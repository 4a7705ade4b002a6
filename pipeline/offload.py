"""CPU-heavy steps of a run off the event loop: static checks, the Judge's code checkpoints,
the offline engine's rendering.

Threads do not help there: a parse in a thread holds the GIL, and the event loop beside it
(the webhook edge of `factory serve`, which shares its process with the in-process worker)
waits. Inside `cpu_processes(n)` the steps run in `n` child processes at the lowest CPU
priority instead, so on a busy machine the loop's process is scheduled first; outside it they
run in a thread, as for the CLI and the tests (which then see their fakes and patches).
The functions given to `off_loop` must be module-level and their arguments picklable.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TypeVar, TypeVarTuple

T = TypeVar("T")
Args = TypeVarTuple("Args")

LOWEST_PRIORITY = 19
"""The nice value of the child processes: they get the CPU only when the loop does not."""


PR_SET_PDEATHSIG = 1
"""prctl(2): the signal this process gets when its parent dies."""


def _die_with(parent: int) -> None:
    """SIGKILL this child when `parent` dies: a parent that was SIGKILLed (a crashed `serve`)
    never shuts its pool down, and its children would wait for work forever. (The kernel
    watches the thread that started the child: pools start on the event loop's thread.)"""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


def _start_child(parent: int) -> None:
    _die_with(parent)
    os.setpriority(os.PRIO_PROCESS, 0, LOWEST_PRIORITY)
    import pipeline.checks  # noqa: F401  (the parser and rules load once, not on the first call)


class _Children:
    """The pool of child processes, replaced when one of them died (killed, out of memory):
    a broken pool refuses every call after."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # Spawned, not forked: the parent has threads (the SQLite driver's, to_thread's).
        return ProcessPoolExecutor(self.workers, initializer=_start_child,
                                   initargs=(os.getpid(),),
                                   mp_context=multiprocessing.get_context("spawn"))

    async def run(self, fn: Callable[[*Args], T], *args: *Args) -> T:
        loop = asyncio.get_running_loop()
        executor = self.executor
        try:
            return await loop.run_in_executor(executor, fn, *args)
        except BrokenProcessPool:
            if self.executor is executor:  # the first call to find it broken replaces it
                executor.shutdown(wait=False, cancel_futures=True)
                self.executor = self._start()
            return await loop.run_in_executor(self.executor, fn, *args)


_children: _Children | None = None


@contextmanager
def cpu_processes(workers: int) -> Iterator[None]:
    """Run `off_loop` calls in `workers` low-priority child processes until the block ends."""
    global _children
    if workers < 1:
        raise ValueError(f"a process pool needs at least one worker, not {workers}")
    children = _Children(workers)
    previous, _children = _children, children
    try:
        yield
    finally:
        _children = previous
        children.executor.shutdown(cancel_futures=True)


async def off_loop(fn: Callable[[*Args], T], *args: *Args) -> T:
    """`fn(*args)` in a child process inside `cpu_processes`, else in a thread."""
    if _children is None:
        return await asyncio.to_thread(fn, *args)
    return await _children.run(fn, *args)
