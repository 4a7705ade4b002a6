"""The narrow interface the pipeline and the bot use to persist runs.

SQLAlchemy appears only in the implementation (`pipeline.store.sql`). Everything a run
produces is written here before the next step starts, so a run can resume after a crash
without paying twice for finished work.
"""

from __future__ import annotations

import abc
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.engines.base import Usage
from pipeline.status import FileStatus, RunStatus


@dataclass(frozen=True)
class RunRecord:
    id: str
    idea: str
    status: RunStatus
    engine: str
    config: dict[str, Any]
    """FactoryConfig.model_dump() frozen at creation (a resume may raise the budget)."""
    origin: dict[str, Any]
    """Where the run came from: {"kind": "local", "out": DIR} or {"kind": "github", ...}."""
    request: dict[str, Any]
    """What the next execution should do beyond resuming, e.g. {"retry": [paths], "note": s}."""
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    attempts: int = 0
    """How many times a worker has claimed the run."""


@dataclass(frozen=True)
class FileRecord:
    path: str
    level: int
    status: FileStatus
    content: str | None
    attempts: int
    spec: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AttemptRecord:
    path: str
    number: int
    content: str
    approved: bool
    feedback: str
    findings: list[dict[str, Any]]
    """Static-check findings: {file, line, column, rule, severity, message}."""
    note: str | None = None


@dataclass(frozen=True)
class LedgerRow:
    stage: str
    path: str | None
    usage: Usage
    at: datetime


SUPERSEDED = "superseded by a later execution of the run"
"""The error of an outbox row never to be tried again because a newer one replaced it."""


@dataclass(frozen=True)
class Outgoing:
    """An event a run owes its sinks (a report comment, the verdict), kept in the run's outbox
    from the state change that causes it until a sink confirms it."""

    kind: str
    payload: dict[str, Any]
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    """Names this event, so a late confirmation never marks a newer one of its kind."""
    attempts: int = 0
    """Deliveries that failed so far."""


@dataclass(frozen=True)
class Delivery:
    """A verified webhook delivery: GitHub's delivery id, the event name and its payload."""

    id: str
    event: str
    payload: dict[str, Any]
    body: str | None = None
    """The payload's JSON text as received, stored as it is instead of encoded again; None
    when there is none (a replayed delivery)."""


class RunStore(abc.ABC):
    """Persistence for runs. Implementations must be safe for concurrent tasks."""

    # -- runs ---------------------------------------------------------------------------------
    @abc.abstractmethod
    async def create_run(
        self,
        idea: str,
        engine: str,
        config: dict[str, Any],
        origin: dict[str, Any],
        *,
        run_id: str | None = None,
        running: bool = False,
    ) -> RunRecord:
        """Insert a queued run and return it; `running`: inserted running with no lease, for
        a process that executes the run itself (no worker ever claims or sweeps it)."""

    @abc.abstractmethod
    async def get_run(self, run_id: str) -> RunRecord:
        """The run, or RunNotFound."""

    @abc.abstractmethod
    async def set_status(
        self, run_id: str, status: RunStatus, *, error: str | None = None,
        send: Outgoing | None = None,
    ) -> RunRecord:
        """Move a run to `status`, checked by `pipeline.status.can_transition` (else
        InvalidTransition), stamping the matching timestamp; `send` goes to the outbox in
        the same transaction."""

    @abc.abstractmethod
    async def update_run(
        self,
        run_id: str,
        *,
        config: dict[str, Any] | None = None,
        request: dict[str, Any] | None = None,
        origin: dict[str, Any] | None = None,
    ) -> RunRecord:
        """Replace the given fields of a run."""

    @abc.abstractmethod
    async def earlier_ideas(self, run_id: str) -> list[tuple[str, str, RunStatus]]:
        """(run id, idea, status) of every run created before this one, oldest first, for the
        cannibalization gate."""

    @abc.abstractmethod
    async def find_runs(
        self, origin: dict[str, Any], statuses: frozenset[RunStatus] | None = None
    ) -> list[RunRecord]:
        """Runs whose origin contains every key/value of `origin`, newest first."""

    @abc.abstractmethod
    async def count_runs(self) -> dict[RunStatus, int]:
        """How many runs are in each status (statuses without runs are left out)."""

    # -- checkpoints and reports --------------------------------------------------------------
    @abc.abstractmethod
    async def save_checkpoint(
        self, run_id: str, stage: str, data: dict[str, Any], *, report: str | None = None,
        send: Outgoing | None = None,
    ) -> None:
        """Record (or replace) a stage's result; in the same transaction its `report` (kind:
        the stage) and `send` in the outbox."""

    @abc.abstractmethod
    async def load_checkpoint(self, run_id: str, stage: str) -> dict[str, Any] | None:
        """A stage's recorded result, or None."""

    @abc.abstractmethod
    async def clear_checkpoint(self, run_id: str, stage: str) -> None:
        """Forget a stage's result so that it runs again (the Judge after a /retry)."""

    @abc.abstractmethod
    async def save_report(self, run_id: str, kind: str, markdown: str) -> None:
        """Record (or replace) a report: critic, plan, judge, run."""

    @abc.abstractmethod
    async def load_report(self, run_id: str, kind: str) -> str | None:
        """A report's markdown, or None."""

    # -- files and attempts -------------------------------------------------------------------
    @abc.abstractmethod
    async def save_files(self, run_id: str, files: list[tuple[str, int, dict[str, Any]]]) -> None:
        """Record the planned files as (path, level, spec); existing rows are kept as they are."""

    @abc.abstractmethod
    async def files(self, run_id: str) -> list[FileRecord]:
        """Every planned file of the run, by level then path."""

    @abc.abstractmethod
    async def set_file(
        self, run_id: str, path: str, status: FileStatus, *, content: str | None = None
    ) -> None:
        """Set a file's status (and content, when given)."""

    @abc.abstractmethod
    async def add_attempt(self, run_id: str, attempt: AttemptRecord) -> None:
        """Record one generation attempt with its review; also bumps the file's attempt count."""

    @abc.abstractmethod
    async def attempts(self, run_id: str, path: str | None = None) -> list[AttemptRecord]:
        """Attempts of one file or of the whole run, in order."""

    # -- ledger -------------------------------------------------------------------------------
    @abc.abstractmethod
    async def record_usage(self, run_id: str, stage: str, path: str | None, usage: Usage,
                           *, draft: str | None = None,
                           attempt: AttemptRecord | None = None) -> None:
        """Add one engine call's tokens and cost to the ledger; in the same transaction, save
        `draft` as the unreviewed body of file `path` (status running) and record `attempt`
        (as `add_attempt` does), so a crash never keeps what the call bought without its bill
        or the bill without what it bought."""

    @abc.abstractmethod
    async def ledger(self, run_id: str) -> list[LedgerRow]:
        """Every recorded call of the run, in order."""

    # -- events -------------------------------------------------------------------------------
    @abc.abstractmethod
    async def append_event(self, run_id: str, kind: str, payload: dict[str, Any]) -> int:
        """Append to the run's event log and return the event's sequence number."""

    @abc.abstractmethod
    async def events(self, run_id: str, after: int = 0) -> list[tuple[int, str, dict[str, Any]]]:
        """(seq, kind, payload) of the run's events with seq > after."""

    # -- outbox -------------------------------------------------------------------------------
    @abc.abstractmethod
    async def send(self, run_id: str, item: Outgoing) -> None:
        """Put `item` in the run's outbox on its own (no state change comes with it)."""

    @abc.abstractmethod
    async def outgoing(self, run_id: str, *, due: bool = False) -> list[Outgoing]:
        """The run's pending events, oldest first; with `due`, only those due now."""

    @abc.abstractmethod
    async def delivered(self, run_id: str, item: Outgoing) -> None:
        """A sink confirmed `item`: it is no longer pending."""

    @abc.abstractmethod
    async def retry_later(
        self, run_id: str, item: Outgoing, error: str, delay_s: float | None
    ) -> None:
        """Delivering `item` failed with `error`: try again in `delay_s` (None: never)."""

    @abc.abstractmethod
    async def count_outbox(self) -> dict[str, int]:
        """Undelivered events of every run: `pending` (to be tried again) and `given_up`
        (out of tries; superseded ones are not counted)."""

    @abc.abstractmethod
    async def claim_outgoing(self, owner: str, lease_seconds: float) -> RunRecord | None:
        """Lease a finished run (not a local one) with a pending event due; None when none."""

    # -- commits ------------------------------------------------------------------------------
    @abc.abstractmethod
    async def mark_committed(self, run_id: str, key: str, sha: str) -> None:
        """Record that a commit for `key` (e.g. "level-3", "retry-2") landed as `sha`."""

    @abc.abstractmethod
    async def commits(self, run_id: str) -> dict[str, str]:
        """key -> sha of the run's recorded commits."""

    # -- queue and leases ---------------------------------------------------------------------
    @abc.abstractmethod
    async def claim(self, owner: str, lease_seconds: float) -> RunRecord | None:
        """Atomically take the oldest queued run (fair across installations), leasing it to
        `owner` and setting it running; None when nothing is queued."""

    @abc.abstractmethod
    async def heartbeat(self, run_id: str, owner: str, lease_seconds: float) -> bool:
        """Extend the lease; False when `owner` no longer holds it."""

    @abc.abstractmethod
    async def release(self, run_id: str, owner: str) -> None:
        """Drop the lease (the run's status is left as it is)."""

    @abc.abstractmethod
    async def sweep(self) -> list[str]:
        """Requeue running runs whose lease lapsed; return their ids."""

    # -- webhook deliveries -------------------------------------------------------------------
    @abc.abstractmethod
    async def record_delivery(self, delivery: Delivery, owner: str, lease_seconds: float) -> bool:
        """Store a delivery claimed by `owner` for `lease_seconds`; False when it was seen
        before and is handled or under a live claim (one whose claim lapsed unhandled is
        taken over: True)."""

    @abc.abstractmethod
    async def claim_deliveries(
        self, owner: str, lease_seconds: float, limit: int
    ) -> list[Delivery]:
        """Atomically take up to `limit` unhandled deliveries whose claim lapsed, oldest first."""

    @abc.abstractmethod
    async def renew_deliveries(
        self, owner: str, delivery_ids: Collection[str], lease_seconds: float
    ) -> int:
        """Extend `owner`'s claims on the unhandled ones of `delivery_ids`; how many."""

    @abc.abstractmethod
    async def release_deliveries(self, owner: str, delivery_ids: Collection[str]) -> None:
        """Let `owner`'s claims on the unhandled ones of `delivery_ids` lapse now."""

    @abc.abstractmethod
    async def forget_payloads(self, before: datetime) -> int:
        """Drop the stored payloads of deliveries handled before `before`; how many."""

    @abc.abstractmethod
    async def finish_deliveries(self, delivery_ids: Collection[str]) -> None:
        """Mark deliveries handled (their handlers finished, or failed and were logged)."""

    @abc.abstractmethod
    async def record_installation(
        self, installation_id: int, account: str, action: str
    ) -> None:
        """Track a GitHub App installation (created, deleted, suspend...) by id."""

    @abc.abstractmethod
    async def installations(self) -> dict[int, tuple[str, str]]:
        """installation id -> (account, last action)."""

    # -- lifecycle ----------------------------------------------------------------------------
    @abc.abstractmethod
    async def close(self) -> None:
        """Dispose of connections."""

    async def usage_totals(self, run_id: str) -> Usage:
        """Sum of the run's ledger."""
        total = Usage(model="")
        for row in await self.ledger(run_id):
            total = total + row.usage
        return total
