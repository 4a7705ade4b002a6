"""`factory run` with one level-3 file failing on every attempt: everything approved is on
the branch, and the level commit names what waits on the failure."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from factory.cli import main
from pipeline.codegen import plan_dag
from pipeline.engines.offline import engine as offline
from pipeline.engines.offline.faults import FAULTS
from tests.offline_app import RECIPES, make_plan

pytest_plugins = ["tests.cli_fixtures"]


def test_files_approved_after_a_failed_level_3_file_are_all_on_the_branch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dag = plan_dag(make_plan(RECIPES))
    third = sorted(p for p, n in dag.levels.items() if n == 3 and p.endswith(".dart"))
    doomed = max(third, key=lambda p: (len(dag.dependents(p)), p))
    monkeypatch.setattr(offline, "fault_for",
                        lambda seed, path, rate, attempt: FAULTS[0] if path == doomed else None)
    out = tmp_path / "app"
    code = main(["run", RECIPES, "--out", str(out), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code != 0 and summary["status"] == "failed"
    waiting = dag.dependents(doomed)
    assert waiting and any(dag.levels[p] > 3 for p in set(dag.deps) - waiting)
    on_branch = set(git.Repo(out).git.ls_tree("-r", "--name-only", "HEAD").splitlines())
    assert set(dag.deps) - waiting - {doomed} <= on_branch
    assert not (waiting | {doomed}) & on_branch
    log = git.Repo(out).git.log("--format=%B")
    assert "Waiting on a failed file: " in log and f" on {doomed}" in log
