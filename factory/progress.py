"""Live progress of a local run on stderr: stage, files, retries, files in flight, spend, time.

On a terminal it is a live panel redrawn in place; elsewhere (a pipe, a CI log) it is a plain
log with one line per file finished, so the same counts arrive as they happen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from pipeline.events import (
    CriticReported,
    Event,
    FileDone,
    FileFailed,
    FileRetrying,
    FilesBlocked,
    FileStarted,
    GateDecided,
    JudgeReported,
    LevelComplete,
    PlanApproved,
    PlanReviewed,
    Progress,
    RunFinished,
    RunStarted,
    StageStarted,
)

IN_FLIGHT_SHOWN = 6
"""Names of files in flight listed on the live panel; more are counted."""
REFRESH_PER_S = 4
BAR_WIDTH = 40
FEEDBACK_SHOWN = 100
"""Characters of a retry's feedback on its log line."""


def clock(seconds: float) -> str:
    """`m:ss`, or `h:mm:ss` past an hour."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _attempts(n: int) -> str:
    return f"{n} attempt" + ("" if n == 1 else "s")


@dataclass
class Tally:
    """What the display knows of the run, from its events alone."""

    now: Callable[[], float] = time.monotonic
    started: float = 0.0
    stage: str = ""
    in_flight: dict[str, int] = field(default_factory=dict)
    """path -> attempt, in the order the files started."""
    files: int = 0
    dart_files: int = 0
    done: int = 0
    failed: int = 0
    cost_usd: float = 0.0
    blocked: int = 0
    retries: int = 0
    tokens: int = 0
    level: int = 0
    levels: int = 0

    def __post_init__(self) -> None:
        self.started = self.now()

    def elapsed(self) -> float:
        return self.now() - self.started

    def observe(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.started = self.now()
        elif isinstance(event, StageStarted):
            self.stage = event.stage.value
        elif isinstance(event, PlanApproved):
            self.files, self.levels = len(event.plan.files), len(event.levels)
            self.dart_files = len(event.plan.dart_files)
        elif isinstance(event, FileStarted):
            self.in_flight[event.path] = event.attempt
        elif isinstance(event, FileRetrying):
            self.retries += 1
        elif isinstance(event, FileDone):
            self.in_flight.pop(event.path, None)
            self.done += 1  # until the codegen's next snapshot says it with earlier executions
        elif isinstance(event, FileFailed):
            self.in_flight.pop(event.path, None)
            self.failed += 1
        elif isinstance(event, FilesBlocked):
            self.blocked += len(event.paths)
        elif isinstance(event, Progress):
            self.files, self.level, self.levels = event.files_total, event.level, event.levels
            self.done, self.failed = event.files_done, event.files_failed
            self.cost_usd, self.tokens = event.cost_usd, event.tokens

    def counts(self) -> str:
        """The run's counts, worded as the summary words them."""
        parts = [f"files {self.done}/{self.files}"]
        if self.dart_files:
            parts[0] += f" ({self.dart_files} Dart)"
        parts += [f"{self.failed} failed", f"{self.retries} retries"]
        if self.blocked:
            parts.append(f"{self.blocked} blocked")
        return ", ".join(parts)

    def spend(self) -> str:
        return f"tokens {self.tokens}, ${self.cost_usd:.4f}"


class ProgressDisplay:
    """A sink showing a run's progress: a live panel on a terminal, else a plain log."""

    def __init__(self, console: Console | None = None,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.console = console or Console(stderr=True)
        self.tally = Tally(now=now)
        self.live: Live | None = None
        self.plain = not self.console.is_terminal

    async def emit(self, event: Event) -> None:
        self.tally.observe(event)
        line = self._line(event)
        if line is not None:
            self._say(line)
        if isinstance(event, PlanApproved) and not self.plain:
            self.live = Live(self, console=self.console, refresh_per_second=REFRESH_PER_S,
                             transient=True)
            self.live.start()
        elif isinstance(event, JudgeReported | RunFinished):
            self._stop()

    def _say(self, line: str) -> None:
        if self.plain:  # one log line each, however long: no wrapping
            line = f"[{clock(self.tally.elapsed())}] {line.strip()}"
        self.console.print(line, highlight=False, soft_wrap=self.plain)

    def _line(self, event: Event) -> str | None:
        """The log line of an event, or None for events only the panel shows."""
        tally = self.tally
        if isinstance(event, StageStarted):
            return f"[bold]▶ {event.stage.value}[/bold]"
        if isinstance(event, CriticReported):
            return (f"  critic score {event.report.score:.1f}/10, "
                    f"risk {event.report.compliance.level.value}")
        if isinstance(event, GateDecided):
            mark = "[green]pass[/green]" if event.passed else "[red]KILLED[/red]"
            return f"  gate {event.gate}: {mark} — {event.reason}"
        if isinstance(event, PlanReviewed):
            return (f"  panel round {event.round}: {event.approvals} approvals "
                    f"(quorum {event.quorum})")
        if isinstance(event, PlanApproved):
            return (f"  plan: {tally.files} files ({tally.dart_files} Dart) in "
                    f"{tally.levels} levels")
        if isinstance(event, FileRetrying):
            feedback = " ".join(event.feedback.split())
            if len(feedback) > FEEDBACK_SHOWN:
                feedback = feedback[: FEEDBACK_SHOWN - 1] + "…"
            return f"  retry {event.path} (attempt {event.attempt}): {feedback}"
        if isinstance(event, FileFailed):
            return f"  [red]FAILED[/red] {event.path} after {_attempts(event.attempts)}"
        if isinstance(event, FileDone) and self.plain:
            return (f"  done {event.path} ({_attempts(event.attempts)}); {tally.counts()}; "
                    f"{tally.spend()}")
        if isinstance(event, LevelComplete):
            count = len(event.files)
            return (f"  level {event.level}/{event.levels} committed "
                    f"({count} file{'' if count == 1 else 's'})")
        if isinstance(event, JudgeReported):
            verdict = "[green]PASS[/green]" if event.passed else "[red]FAIL[/red]"
            return f"  judge {event.score}/100 {verdict}"
        if isinstance(event, RunFinished):
            # Spend is left to the summary, which adds the judge and earlier executions.
            return f"  finished in {clock(tally.elapsed())}: {tally.counts()}"
        return None

    def __rich__(self) -> RenderableType:
        """The live panel: a bar of files with the time, the counts and spend, what is in
        flight."""
        tally = self.tally
        top = Table.grid(padding=(0, 1))
        top.add_row(ProgressBar(total=max(tally.files, 1), completed=tally.done + tally.failed,
                                width=BAR_WIDTH),
                    Text(f"{tally.stage} · level {tally.level}/{tally.levels} · "
                         f"{clock(tally.elapsed())}"))
        names = [_name(p) + (f" (attempt {a})" if a > 1 else "")
                 for p, a in tally.in_flight.items()]
        more = len(names) - IN_FLIGHT_SHOWN
        flight = ", ".join(names[:IN_FLIGHT_SHOWN]) + (f" +{more} more" if more > 0 else "")
        return Group(top, Text(f"{tally.counts()} · {tally.spend()}"),
                     Text(f"in flight: {flight or '—'}", style="dim"))

    def _stop(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
