"""The live view of `factory run`: a plain log off a terminal, a live panel on one."""

from __future__ import annotations

import io

from rich.console import Console

from factory.progress import ProgressDisplay, clock
from pipeline.answers import FileSpec, Plan
from pipeline.events import (
    Event,
    FileDone,
    FileRetrying,
    FileStarted,
    PlanApproved,
    Progress,
    RunFinished,
    RunStarted,
    StageStarted,
)
from pipeline.status import RunStatus, Stage

PATHS = ["pubspec.yaml", "lib/models/plant.dart", "lib/main.dart"]
PLAN = Plan(app_name="plants", title="Plants", summary="s",
            files=[FileSpec(path=p, purpose="x") for p in PATHS])


def snapshot(done: int) -> Progress:
    return Progress(run_id="r", stage=Stage.CODEGEN, level=1, levels=2, files_total=3,
                    files_done=done, files_failed=0, files_retrying=0, tokens=100 * done,
                    cost_usd=0.5 * done, elapsed_s=1.0)


EVENTS: list[Event] = [
    RunStarted(run_id="r", idea="plants", engine="offline"),
    StageStarted(run_id="r", stage=Stage.CODEGEN),
    PlanApproved(run_id="r", plan=PLAN, levels=[PATHS[:2], PATHS[2:]], markdown=""),
    FileStarted(run_id="r", path=PATHS[0], attempt=1),
    FileStarted(run_id="r", path=PATHS[1], attempt=1),
    FileDone(run_id="r", path=PATHS[0], attempts=1),
    snapshot(1),
    FileRetrying(run_id="r", path=PATHS[1], attempt=2, feedback="Static checks failed:\n  x"),
    FileStarted(run_id="r", path=PATHS[1], attempt=2),
]


async def feed(display: ProgressDisplay, events: list[Event]) -> None:
    for event in events:
        await display.emit(event)


def frozen_clock() -> float:
    return 100.0


def console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100), buffer


async def test_off_a_terminal_each_finished_file_is_one_log_line() -> None:
    out, buffer = console(terminal=False)
    display = ProgressDisplay(out, now=frozen_clock)
    await feed(display, [*EVENTS, FileDone(run_id="r", path=PATHS[1], attempts=2), snapshot(2),
                         RunFinished(run_id="r", status=RunStatus.SUCCEEDED, title="t",
                                     summary="s")])
    lines = [line.split("] ", 1)[1] for line in buffer.getvalue().splitlines()]
    assert lines == [
        "▶ codegen",
        "plan: 3 files (2 Dart) in 2 levels",
        "done pubspec.yaml (1 attempt); files 1/3 (2 Dart), 0 failed, 0 retries; tokens 0, $0.0000",
        "retry lib/models/plant.dart (attempt 2): Static checks failed: x",
        "done lib/models/plant.dart (2 attempts); files 2/3 (2 Dart), 0 failed, 1 retries; "
        "tokens 100, $0.5000",
        "finished in 0:00: files 2/3 (2 Dart), 0 failed, 1 retries",
    ]


async def test_on_a_terminal_the_panel_shows_counts_spend_time_and_files_in_flight() -> None:
    out, _ = console(terminal=True)
    display = ProgressDisplay(out, now=frozen_clock)
    await feed(display, EVENTS)
    assert display.live is not None and display.live.is_started
    plain, buffer = console(terminal=False)
    plain.print(display)
    panel = buffer.getvalue()
    assert "codegen · level 1/2 · 0:00" in panel
    assert "files 1/3 (2 Dart), 0 failed, 1 retries · tokens 100, $0.5000" in panel
    assert "in flight: plant.dart (attempt 2)" in panel
    await display.emit(RunFinished(run_id="r", status=RunStatus.SUCCEEDED, title="t", summary="s"))
    assert display.live is None  # stopped when the run finished


def test_clock_reads_minutes_and_hours() -> None:
    assert (clock(5), clock(65), clock(3_725)) == ("0:05", "1:05", "1:02:05")
