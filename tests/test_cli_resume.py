"""Ctrl-C in the middle of code generation, then `factory run --resume` from another directory:
nothing finished is generated again, as the attempts and the per-file ledger show."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import git

from pipeline.agents.executor import PUBSPEC
from pipeline.config import APP_DIR_NAME, DATABASE_FILE, FactoryConfig
from pipeline.status import EXIT_INTERRUPTED
from pipeline.store import open_store

IDEA = "A plant care app with plants, watering schedules and fertilizer logs"
FIRST_LEVELS = 2
"""Interrupt once this many level commits have landed (codegen is under way)."""


def _factory(*argv: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    cwd.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "factory.cli", *argv], env=env, text=True,
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _level_commits(out: Path) -> int:
    try:
        return sum(c.summary.startswith("factory: level") for c in git.Repo(out).iter_commits())
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError):
        return 0


async def test_an_interrupted_run_resumes_without_regenerating_finished_files(
    tmp_path: Path,
) -> None:
    # No FACTORY_DATA_DIR: the store is the per-user one (under XDG_DATA_HOME), wherever the
    # command is typed.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTORY_", "ANTHROPIC_"))}
    env.update({"XDG_DATA_HOME": str(tmp_path / "xdg"), "FACTORY_ENGINE": "simulated"})
    out = tmp_path / "app"
    # Slow enough that the run cannot finish between two looks at its commits, even on a
    # loaded machine (at --sim-speed 12 it once did, in 11 s, before the test interrupted it).
    first = _factory("run", IDEA, "--out", str(out), "--sim-speed", "3", "--concurrency", "4",
                     env=env, cwd=tmp_path / "here")
    deadline = time.monotonic() + 120
    while _level_commits(out) < FIRST_LEVELS and first.poll() is None:
        assert time.monotonic() < deadline, "codegen never started"
        time.sleep(0.1)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=60)
    assert first.returncode == EXIT_INTERRUPTED, err
    run_id = err.split("factory run --resume ")[1].split()[0]
    landed = _level_commits(out)
    assert landed >= FIRST_LEVELS

    resumed = _factory("run", "--resume", run_id, "--sim-speed", "100", "--json", env=env,
                       cwd=tmp_path / "elsewhere")
    stdout, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert json.loads(stdout)["status"] == "succeeded"

    database = tmp_path / "xdg" / APP_DIR_NAME / DATABASE_FILE
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    try:
        attempts = Counter(a.path for a in await store.attempts(run_id))
        files = await store.files(run_id)
        executor_calls = Counter(
            row.path for row in await store.ledger(run_id)
            if row.stage == "codegen" and row.usage.output_tokens > 0 and row.path
            and row.usage.model == FactoryConfig().models.executor
        )
    finally:
        await store.close()
    # No fault injection: every file took exactly one attempt across both executions.
    assert set(attempts.values()) == {1} and len(attempts) == len(files)
    # The pubspec is derived from the plan, never asked of the executor.
    assert all(executor_calls[f.path] == (f.path != PUBSPEC) for f in files), executor_calls
    subjects = [c.summary for c in git.Repo(out).iter_commits()]
    levels = [s for s in subjects if s.startswith("factory: level")]
    assert len(levels) == len(set(levels))  # no level committed twice
    assert landed < len(levels)  # the interrupt came in the middle of code generation
