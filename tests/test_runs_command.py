"""`factory runs`: every run with its id, status, engine, idea and out directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factory.cli import main

pytest_plugins = ["tests.cli_fixtures"]

HABITS = "A habit tracker with daily streaks, reminders and notes on each check-in"


def test_an_empty_store_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs"]) == 0
    assert capsys.readouterr().out.startswith("no runs yet in sqlite+aiosqlite:///")


def test_runs_are_listed_newest_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", HABITS, "--out", str(tmp_path / "a"), "--budget", "0.5"]) == 2
    assert main(["run", "an app", "--out", str(tmp_path / "b")]) == 2
    capsys.readouterr()
    assert main(["runs", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [r["idea"] for r in runs] == ["an app", HABITS]
    assert [r["out"] for r in runs] == [str(tmp_path / "b"), str(tmp_path / "a")]
    assert {r["status"] for r in runs} == {"killed"} and runs[1]["engine"] == "offline"
    assert "budget gate" in runs[1]["outcome"]

    assert main(["runs", "--limit", "1"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["RUN", "STATUS", "ENGINE", "CREATED", "IDEA", "OUT"]
    assert row.startswith(runs[0]["run_id"]) and row.endswith(str(tmp_path / "b"))
