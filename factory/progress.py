"""Live progress of a local run on stderr: stage, one bar per DAG level, files and cost."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from pipeline.events import (
    CriticReported,
    Event,
    FileDone,
    FileFailed,
    FileRetrying,
    GateDecided,
    JudgeReported,
    PlanApproved,
    PlanReviewed,
    RunFinished,
    StageStarted,
)


class ProgressDisplay:
    """A sink drawing rich progress bars (plain lines when stderr is not a terminal)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.bars = Progress(
            TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"), console=self.console, transient=False,
        )
        self.levels: dict[int, TaskID] = {}
        self.total: TaskID | None = None
        self.level_of: dict[str, int] = {}

    async def emit(self, event: Event) -> None:
        if isinstance(event, StageStarted):
            self.console.print(f"[bold]▶ {event.stage.value}[/bold]")
        elif isinstance(event, CriticReported):
            self.console.print(f"  critic score {event.report.score:.1f}/10, "
                               f"risk {event.report.compliance.level.value}")
        elif isinstance(event, GateDecided):
            mark = "[green]pass[/green]" if event.passed else "[red]KILLED[/red]"
            self.console.print(f"  gate {event.gate}: {mark} — {event.reason}")
        elif isinstance(event, PlanReviewed):
            self.console.print(f"  panel round {event.round}: {event.approvals} approvals "
                               f"(quorum {event.quorum})")
        elif isinstance(event, PlanApproved):
            self._start_bars(event.levels)
        elif isinstance(event, FileDone | FileFailed | FileRetrying):
            self._advance(event)
        elif isinstance(event, JudgeReported):
            self._stop()
            verdict = "[green]PASS[/green]" if event.passed else "[red]FAIL[/red]"
            self.console.print(f"  judge {event.score}/100 {verdict}")
        elif isinstance(event, RunFinished):
            self._stop()

    def _start_bars(self, levels: list[list[str]]) -> None:
        self.bars.start()
        total = sum(len(g) for g in levels)
        self.total = self.bars.add_task("files", total=total, note="")
        for number, group in enumerate(levels, start=1):
            key = f"level {number}/{len(levels)}"
            self.levels[number] = self.bars.add_task(key, total=len(group), note="")
            for path in group:
                self.level_of[path] = number

    def _advance(self, event: FileDone | FileFailed | FileRetrying) -> None:
        level = self.level_of.get(event.path)
        if level is None or self.total is None:
            return
        task = self.levels[level]
        if isinstance(event, FileRetrying):
            self.bars.update(task, note=f"retrying {event.path.rsplit('/', 1)[-1]}")
            return
        note = "" if isinstance(event, FileDone) else f"FAILED {event.path}"
        self.bars.update(task, advance=1, note=note)
        self.bars.update(self.total, advance=1)

    def _stop(self) -> None:
        if self.total is not None:
            self.bars.stop()
            self.total = None
