"""A file whose run died mid-file is not bought again on resume: an approved attempt is kept,
and a review is in the ledger exactly when the attempt it judged is in the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pipeline.answers import FileBody
from pipeline.asks import Ask, FileAsk, FileReviewAsk
from pipeline.engines.base import Usage
from pipeline.errors import InvalidAnswer
from pipeline.orchestrator import execute_run
from pipeline.status import FileStatus, RunStatus, Stage
from pipeline.store import names
from pipeline.store.base import RunRecord, RunStore
from pipeline.store.sql import SqlRunStore
from tests import test_store
from tests.support.dying import Died, dies_inserting
from tests.support.scripted import Collector, ScriptedEngine
from tests.test_orchestrator import start

PATH = "lib/main.dart"

pg_url = test_store.pg_url
store = test_store.store
"""The store fixture of test_store.py, over SQLite and PostgreSQL."""


async def _requeued(store: RunStore, run: RunRecord) -> RunRecord:
    """The run set going again, as a worker that claims a crashed run does."""
    await store.set_status(run.id, RunStatus.QUEUED)
    return await store.set_status(run.id, RunStatus.RUNNING)


async def test_an_approved_attempt_left_unfinished_is_kept(store: SqlRunStore) -> None:
    run, engine = await start(store), ScriptedEngine()
    set_file = store.set_file

    async def dies_before_done(run_id: str, path: str, status: FileStatus, **kw: Any) -> None:
        if path == PATH and status is FileStatus.DONE:
            raise RuntimeError("worker died after recording the approval")
        await set_file(run_id, path, status, **kw)

    store.set_file = dies_before_done  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await execute_run(store, run, Collector(), engine)
    store.set_file = set_file  # type: ignore[method-assign]
    assert [a.approved for a in await store.attempts(run.id, PATH)] == [True]
    assert await execute_run(store, await _requeued(store, run), Collector(),
                             engine) is RunStatus.SUCCEEDED
    assert engine.calls[("FileAsk", PATH)] == 1  # paid for once
    assert engine.calls[("FileReviewAsk", PATH)] == 1
    assert [a.number for a in await store.attempts(run.id, PATH)] == [1]


def _unusable() -> Any:
    raise InvalidAnswer("no JSON object", usage=Usage(model="scripted", input_tokens=777))


FileAskKind = type[FileAsk] | type[FileReviewAsk]
FIRST_ANSWERS: dict[str, tuple[FileAskKind | None, Callable[[], Any]]] = {
    "the review approves": (None, _unusable),
    "the review cannot be used": (FileReviewAsk, _unusable),
    "the body cannot be used": (FileAsk, _unusable),
    "the body is cut off": (FileAsk, lambda: FileBody(content="// cut", truncated=True)),
}
"""How the first attempt at PATH goes: which ask of it goes wrong, and how."""


def _goes_wrong_once(engine: ScriptedEngine, kind: FileAskKind | None,
                     wrong: Callable[[], Any]) -> None:
    """The engine's first answer of `kind` for PATH is `wrong()` (or what that raises)."""
    answer, done = engine._answer, []

    def answering(ask: Ask) -> Any:
        if kind is not None and isinstance(ask, kind) and ask.spec.path == PATH and not done:
            done.append(ask)
            return wrong()
        return answer(ask)

    engine._answer = answering  # type: ignore[method-assign]


@pytest.mark.parametrize("first", FIRST_ANSWERS)
async def test_an_attempt_is_billed_with_what_it_did_not_keep(
    store: SqlRunStore, first: str,
) -> None:
    """A crash as the attempt is written leaves no bill for it behind, only that of a body kept
    as the file's draft: the resumed run reviews that draft (or writes the file again), and
    the file's one attempt is billed for its two calls, not three."""
    run, engine = await start(store), ScriptedEngine()
    _goes_wrong_once(engine, *FIRST_ANSWERS[first])
    with dies_inserting(store, names.ATTEMPTS, PATH), pytest.raises(Died):
        await execute_run(store, run, Collector(), engine)
    kept = FIRST_ANSWERS[first][0] is not FileAsk
    billed = [r.stage for r in await store.ledger(run.id) if r.path == PATH]
    assert (billed, await store.attempts(run.id, PATH)) == ([Stage.CODEGEN.value] * kept, [])
    assert await execute_run(store, await _requeued(store, run), Collector(),
                             engine) is RunStatus.SUCCEEDED
    assert engine.calls[("FileAsk", PATH)] == (1 if kept else 2)
    assert [a.approved for a in await store.attempts(run.id, PATH)] == [True]
    billed = [r.stage for r in await store.ledger(run.id) if r.path == PATH]
    assert billed == [Stage.CODEGEN.value] * 2
