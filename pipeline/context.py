"""What every stage of one run shares: store, engine, sink, config, and metered engine calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from pipeline import outbox
from pipeline.agents.flutter_sdk import NoExecution, SdkOracle
from pipeline.asks import Ask
from pipeline.config import FactoryConfig
from pipeline.engines.base import Engine, Reply, Usage
from pipeline.errors import BudgetExceeded, Cancelled, EngineError, InvalidAnswer
from pipeline.events import EVENT_ADAPTER, EngineNoted, Event, Sink
from pipeline.status import RunStatus, Stage
from pipeline.store.base import AttemptRecord, Outgoing, RunStore
from pipeline.store.shield import finish_when_cancelled

A = TypeVar("A", bound=BaseModel)


@dataclass
class RunContext:
    """One execution of one run."""

    run_id: str
    idea: str
    store: RunStore
    engine: Engine
    sink: Sink
    config: FactoryConfig
    spent: Usage = field(default_factory=lambda: Usage(model=""))
    """Everything the run has spent so far, this execution and earlier ones."""
    started: float = field(default_factory=time.monotonic)
    calls: int = 0
    """Engine calls metered in this execution."""
    observers: list[Callable[[Event], None]] = field(default_factory=list)
    """Called with each event before it is stored and sent (for in-process tallies)."""
    sdk: SdkOracle = field(default_factory=NoExecution)
    """Runs `flutter analyze` and `flutter test` for the Judge, where that is allowed."""
    default_engine: str = "offline"
    """The run's engine: it answers every role the config gives no engine of its own."""
    noted: set[str] = field(default_factory=set)
    """Engine notes already reported in this execution."""
    redelivery: outbox.Redelivery = field(default_factory=outbox.Redelivery)
    """How events the sink could not deliver are tried again."""

    async def ask(self, stage: Stage, path: str | None, ask: Ask, answer_type: type[A]) -> A:
        """Ask the engine and write the call's usage to the ledger before returning.

        From code generation on, spend beyond the budget stops the run (BudgetExceeded).
        """
        reply = await self._reply(stage, path, ask, answer_type, for_attempt=False)
        await self._meter(stage, path, reply.usage)
        await self._note(reply)
        return reply.answer

    async def ask_for_attempt(
        self, path: str, ask: Ask, answer_type: type[A],
        draft: Callable[[A], str | None] | None = None,
    ) -> tuple[A, Usage | None]:
        """Ask the engine for part of an attempt at file `path` (its body, its review), and
        the usage left to bill with the attempt (`record_attempt`): a crash then keeps both or
        neither, and a resumed run pays for the call once.

        `draft` names the body to checkpoint for `path` instead: the call is billed in the
        draft's transaction, which finishes even if the run is cancelled meanwhile (Ctrl-C),
        so a paid body is never lost, nor billed without being kept. An answer that cannot
        be used (InvalidAnswer) carries its usage for the failed attempt; other failures are
        billed here.
        """
        reply = await self._reply(Stage.CODEGEN, path, ask, answer_type, for_attempt=True)
        body = draft(reply.answer) if draft is not None else None
        if body is not None:
            await self._meter(Stage.CODEGEN, path, reply.usage, draft=body)
        await self._note(reply)
        return reply.answer, None if body is not None else reply.usage

    async def record_attempt(self, attempt: AttemptRecord, usage: Usage | None) -> None:
        """Record a file attempt and, in the same transaction, the usage it was left to bill
        (see `ask_for_attempt`; None: nothing)."""
        if usage is None:
            await self.store.add_attempt(self.run_id, attempt)
        else:
            await self._meter(Stage.CODEGEN, attempt.path, usage, attempt=attempt)

    async def _reply(self, stage: Stage, path: str | None, ask: Ask, answer_type: type[A],
                     *, for_attempt: bool) -> Reply[A]:
        try:
            return await self.engine.ask(ask, answer_type)
        except EngineError as exc:
            # The failed calls were billed all the same: here, or with the attempt that
            # turns an unusable answer into feedback.
            if exc.usage is not None and not (for_attempt and isinstance(exc, InvalidAnswer)):
                await self._meter(stage, path, exc.usage)
            raise

    async def _note(self, reply: Reply[A]) -> None:
        for note in reply.notes:
            if note not in self.noted:
                self.noted.add(note)
                await self.emit(EngineNoted(run_id=self.run_id, note=note))

    @finish_when_cancelled
    async def _meter(self, stage: Stage, path: str | None, usage: Usage,
                     draft: str | None = None, attempt: AttemptRecord | None = None) -> None:
        await self.store.record_usage(self.run_id, stage.value, path, usage, draft=draft,
                                      attempt=attempt)
        self.spent = self.spent + usage
        self.calls += 1
        budget = self.config.budget_usd
        if stage in (Stage.CODEGEN, Stage.JUDGE) and self.spent.cost_usd > budget:
            raise BudgetExceeded(
                f"spent ${self.spent.cost_usd:.2f} of a ${budget:.2f} budget during {stage.value}"
            )

    async def emit(self, event: Event) -> None:
        """Log the event in the store, then hand it to the sink."""
        await self._log(event)
        await self.sink.emit(event)

    async def deliver(self, item: Outgoing) -> None:
        """Log an event already in the outbox, then deliver it (see `pipeline.outbox`)."""
        await self._log(EVENT_ADAPTER.validate_python(item.payload))
        await outbox.deliver(self.store, self.run_id, self.sink, item, self.redelivery)

    async def _log(self, event: Event) -> None:
        for observe in self.observers:
            observe(event)
        await self.store.append_event(self.run_id, event.kind, event.model_dump(mode="json"))

    async def check_cancelled(self) -> None:
        """Raise Cancelled when a user cancelled the run while it was executing."""
        run = await self.store.get_run(self.run_id)
        if run.status is RunStatus.CANCELLED:
            raise Cancelled(f"run {self.run_id} was cancelled")

    def elapsed(self) -> float:
        return time.monotonic() - self.started
