"""`pipeline.offload`: CPU-heavy steps in low-priority child processes, or in a thread."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline.agents.reviewer import file_findings
from pipeline.checks import parsing
from pipeline.config import FactoryConfig
from pipeline.engines.select import make_engine
from pipeline.events import FanOut
from pipeline.offload import LOWEST_PRIORITY, cpu_processes, off_loop
from pipeline.orchestrator import execute_run
from pipeline.status import RunStatus
from pipeline.store import open_store

IDEA = "A recipe box: save recipes with ingredients and plan meals for the week"


def where() -> tuple[int, int, str]:
    """This process's id, its CPU priority and the thread's name."""
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0), threading.current_thread().name


async def test_outside_the_pool_a_step_runs_in_a_thread_of_this_process() -> None:
    pid, _, thread = await off_loop(where)
    assert pid == os.getpid()
    assert thread != threading.current_thread().name


async def test_inside_the_pool_a_step_runs_in_a_child_at_the_lowest_priority() -> None:
    with cpu_processes(1):
        pid, priority, _ = await off_loop(where)
    assert pid != os.getpid()
    assert priority == LOWEST_PRIORITY
    assert (await off_loop(where))[0] == os.getpid()  # the pool is gone with the block


async def test_the_static_checks_give_the_same_findings_in_a_child() -> None:
    files = {"pubspec.yaml": "name: app\n", "lib/main.dart": "void main( {\n"}
    here = file_findings(files, "lib/main.dart")
    assert any(d.rule == "syntax" for d in here)
    with cpu_processes(1):
        assert await off_loop(file_findings, files, "lib/main.dart") == here


async def test_a_child_killed_by_pid_is_replaced_and_the_call_still_answered() -> None:
    with cpu_processes(1):
        child, _, _ = await off_loop(where)
        os.kill(child, signal.SIGKILL)
        pid, priority, _ = await off_loop(where)
        assert pid not in (child, os.getpid()) and priority == LOWEST_PRIORITY
        assert (await off_loop(where))[0] == pid  # the new pool serves from then on


PARENT = """
import asyncio, os, sys
from pipeline.offload import cpu_processes, off_loop
async def main():
    with cpu_processes(1):
        print(await off_loop(os.getpid), flush=True)
        await asyncio.sleep(60)
asyncio.run(main())
"""
GONE_WITHIN_S = 20


async def test_the_children_die_with_a_parent_killed_by_sigkill() -> None:
    # A SIGKILLed `serve` never shuts its pool down: its children must not outlive it.
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    assert parent.stdout is not None
    child = int(await asyncio.to_thread(parent.stdout.readline))
    parent.kill()
    parent.wait()
    for _ in range(GONE_WITHIN_S * 10):
        if not Path(f"/proc/{child}").exists():
            break
        await asyncio.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError(f"child {child} outlived its parent by {GONE_WITHIN_S} s")


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError), cpu_processes(0):
        pass


async def _offline_run(tmp_path: Path, name: str) -> tuple[RunStatus, str | None]:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / name}")
    try:
        config = FactoryConfig()
        run = await store.create_run(IDEA, "offline", config.model_dump(mode="json"),
                                     {"kind": "local"})
        run = await store.set_status(run.id, RunStatus.RUNNING)
        engine = make_engine("offline", config)
        status = await execute_run(store, run, FanOut([]), engine)
        return status, await store.load_report(run.id, "judge")
    finally:
        await store.close()


async def test_an_offline_run_through_the_pool_ends_as_one_in_threads(tmp_path: Path) -> None:
    # The engine's answers, each file's checks and the Judge's code checkpoints all cross
    # into the child and back: the same run, the same judge report.
    in_threads = await _offline_run(tmp_path, "threads.db")
    with cpu_processes(2):
        in_children = await _offline_run(tmp_path, "children.db")
    assert in_threads[0] is RunStatus.SUCCEEDED
    assert in_children == in_threads


def test_each_thread_parses_with_a_parser_of_its_own() -> None:
    # Its parse runs without the GIL: one parser shared by the threads that check files
    # at once would be used by two of them at the same time.
    both = threading.Barrier(2)

    def parser_id() -> int:
        both.wait()  # both threads alive at once, so they are two threads
        return id(parsing._parser())

    with ThreadPoolExecutor(2) as threads:
        ids = list(threads.map(lambda _: parser_id(), range(2)))
    assert ids[0] != ids[1]
    assert parsing._parser() is parsing._parser()
