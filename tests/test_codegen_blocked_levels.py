"""A failed file holds back only its dependents: approved files of later levels still commit."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from pipeline.asks import FileAsk
from pipeline.config import FactoryConfig
from pipeline.events import FilesBlocked, RunFinished
from pipeline.gitsink import GitSink
from pipeline.orchestrator import execute_run
from pipeline.status import RunStatus
from pipeline.store.base import RunStore
from tests.databases import sqlite_store
from tests.support import scripted
from tests.support.scripted import Collector, ScriptedEngine

SCREEN = "lib/screens/note_screen.dart"
CHAIN = {  # levels 3, 4, 5: none of them depends on the screen
    "lib/util/a.dart": ("class A {}\n", ["A"], ["lib/models/note.dart"]),
    "lib/util/b.dart": ("class B {}\n", ["B"], ["lib/util/a.dart"]),
    "lib/util/c.dart": ("class C {}\n", ["C"], ["lib/util/b.dart"]),
}


store = sqlite_store("runs.db")


class Both:
    def __init__(self, *sinks: Collector | GitSink) -> None:
        self.sinks = sinks

    async def emit(self, event: object) -> None:
        for sink in self.sinks:
            await sink.emit(event)  # type: ignore[arg-type]


def _on_branch(out: Path) -> set[str]:
    return set(git.Repo(out).git.ls_tree("-r", "--name-only", "HEAD").splitlines())


async def test_approved_files_after_a_blocked_level_are_committed_and_retry_adds_the_rest(
    store: RunStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path, spec in CHAIN.items():
        monkeypatch.setitem(scripted.FILES, path, spec)
    config = FactoryConfig().merged({"min_files": 1})
    run = await store.create_run("notes", "scripted", config.model_dump(mode="json"),
                                 {"kind": "local"})
    run = await store.set_status(run.id, RunStatus.RUNNING)
    engine, out, collector = ScriptedEngine(), tmp_path / "app", Collector()
    failing = {"on": True}

    def fault(ask: FileAsk) -> str | None:
        return "class {" if failing["on"] and ask.spec.path == SCREEN else None

    engine.file_hook = fault
    sink = Both(collector, GitSink(out, store, run.id))
    assert await execute_run(store, run, sink, engine) is RunStatus.FAILED
    branch = _on_branch(out)
    assert set(CHAIN) <= branch
    assert SCREEN not in branch and "lib/main.dart" not in branch
    log = git.Repo(out).git.log("--format=%B")
    assert "lib/main.dart on " + SCREEN in log
    because = collector.of(FilesBlocked)[0].because
    assert f"lib/main.dart waits on {SCREEN}" in because
    summary = collector.of(RunFinished)[0].summary
    assert f"lib/main.dart (on {SCREEN})" in summary and "lib/util/c.dart" not in summary

    failing["on"] = False
    await store.update_run(run.id, request={"retry": [SCREEN], "note": None})
    await store.set_status(run.id, RunStatus.QUEUED)
    run = await store.set_status(run.id, RunStatus.RUNNING)
    assert await execute_run(store, run, sink, engine) is RunStatus.SUCCEEDED
    assert set(scripted.FILES) <= _on_branch(out)
