"""`factory worker`: settings checked up front, then a real process that claims and stops."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from factory.cli import main
from pipeline.status import RunStatus
from pipeline.store import open_store
from tests.github_values import APP_ID, WEBHOOK_SECRET, KeyPair

pytest_plugins = ["tests.github_fixtures"]

ROOT = Path(__file__).resolve().parent.parent


def _env(key: KeyPair, database: Path) -> dict[str, str]:
    return {
        "GITHUB_APP_ID": str(APP_ID), "GITHUB_PRIVATE_KEY": key.private,
        "GITHUB_WEBHOOK_SECRET": WEBHOOK_SECRET, "GITHUB_API_URL": "http://127.0.0.1:9",
        "FACTORY_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }


def test_a_missing_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_APP_ID", raising=False)
    assert main(["worker"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "GITHUB_APP_ID" in err


def test_a_lease_shorter_than_three_heartbeats_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_key: KeyPair,
    tmp_path: Path,
) -> None:
    for name, value in _env(app_key, tmp_path / "factory.db").items():
        monkeypatch.setenv(name, value)
    assert main(["worker", "--lease", "10", "--heartbeat", "5"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must exceed 3 heartbeats" in err


async def test_the_process_executes_claimed_runs_and_stops_on_sigterm(
    app_key: KeyPair, tmp_path: Path
) -> None:
    database = tmp_path / "factory.db"
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    try:
        # A local run has no GitHub to publish to: the worker's runner refuses it, and the
        # worker marks it error with one line. That is the whole path, with no network.
        run = await store.create_run("idea", "offline", {}, {"kind": "local"})
        process = subprocess.Popen(
            [sys.executable, "-m", "factory.cli", "worker", "--name", "proc-w",
             "--lease", "2", "--heartbeat", "0.2"],
            cwd=ROOT, env={**os.environ, **_env(app_key, database)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(30):
                while (await store.get_run(run.id)).status is not RunStatus.ERROR:
                    await asyncio.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            _, err = await asyncio.to_thread(process.communicate, timeout=10)
        finally:
            process.kill()
        assert process.returncode == 0, err.decode()
        failed = await store.get_run(run.id)
        assert failed.error == f"BadInput: run {run.id} did not come from GitHub; run it with " \
            "`factory run`"
        assert (failed.lease_owner, failed.attempts) == (None, 1)
        log = err.decode()
        assert "worker stopped" in log
        settled = next(line for line in log.splitlines() if "run settled" in line)
        assert f"run_id={run.id!r}" in settled and "worker='proc-w'" in settled
        assert "did not come from GitHub" in settled
    finally:
        await store.close()
