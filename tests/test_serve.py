"""`factory serve` as a process: settings checked first, then /healthz, and a clean stop."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.app import CPU_WORKERS
from bot.deliveries import DELIVERY_LEASE_S
from factory.cli import main
from factory.commands import serve
from pipeline.config import Settings
from tests.github_values import KeyPair

pytest_plugins = ["tests.github_fixtures"]

START_TIMEOUT_S = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_missing_setting_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("GITHUB_APP_ID", "GITHUB_PRIVATE_KEY", "GITHUB_PRIVATE_KEY_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "x")
    assert main(["serve", "--port", "1"]) == 3
    err = capsys.readouterr().err
    assert err.strip() == "factory: error: GITHUB_APP_ID is not set"


def _set_app_env(monkeypatch: pytest.MonkeyPatch, app_key: KeyPair, tmp_path: Path) -> None:
    for name, value in {"GITHUB_APP_ID": "1", "GITHUB_PRIVATE_KEY": app_key.private,
                        "GITHUB_WEBHOOK_SECRET": "s", "FACTORY_DATA_DIR": str(tmp_path),
                        "FACTORY_ENGINE": "offline"}.items():
        monkeypatch.setenv(name, value)


def test_serve_takes_the_in_process_worker_s_lease_and_heartbeat(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_key: KeyPair,
    tmp_path: Path,
) -> None:
    _set_app_env(monkeypatch, app_key, tmp_path)
    assert main(["serve", "--port", "1", "--lease", "10", "--heartbeat", "5"]) == 3
    assert "must exceed 3 heartbeats" in capsys.readouterr().err
    parser = argparse.ArgumentParser()
    serve.configure(parser)
    options = serve.options_from(parser.parse_args(["--lease", "20", "--heartbeat", "2"]),
                                 Settings())
    assert options.worker is not None
    assert (options.worker.lease_seconds, options.worker.heartbeat_seconds) == (20, 2)


def test_serve_s_worker_checks_in_low_priority_child_processes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_key: KeyPair,
    tmp_path: Path,
) -> None:
    _set_app_env(monkeypatch, app_key, tmp_path)
    parser = argparse.ArgumentParser()
    serve.configure(parser)

    def cpu_workers(*flags: str) -> int:
        return serve.options_from(parser.parse_args(list(flags)), Settings()).cpu_workers

    assert cpu_workers() == CPU_WORKERS
    assert cpu_workers("--cpu-workers", "1") == 1
    assert cpu_workers("--cpu-workers", "1", "--no-worker") == 0  # no runs here to check
    assert main(["serve", "--port", "1", "--cpu-workers", "-1"]) == 3
    assert "cpu workers must be 0 or more" in capsys.readouterr().err


def test_serve_takes_the_delivery_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    """A restarted server replays a dead one's unhandled deliveries once their lease lapsed:
    a short lease makes that seconds, not the default half minute."""
    monkeypatch.setenv("FACTORY_ENGINE", "offline")
    parser = argparse.ArgumentParser()
    serve.configure(parser)
    given = serve.options_from(parser.parse_args(["--delivery-lease", "2.5"]), Settings())
    default = serve.options_from(parser.parse_args([]), Settings())
    assert (given.delivery_lease_s, default.delivery_lease_s) == (2.5, DELIVERY_LEASE_S)


def test_serve_answers_healthz_and_stops_on_sigterm(tmp_path: Path, app_key: KeyPair) -> None:
    port = _free_port()
    env = {**os.environ, "GITHUB_APP_ID": "1", "GITHUB_PRIVATE_KEY": app_key.private,
           "GITHUB_WEBHOOK_SECRET": "s", "GITHUB_API_URL": "http://127.0.0.1:9",
           "FACTORY_DATA_DIR": str(tmp_path), "FACTORY_ENGINE": "offline"}
    env.pop("FACTORY_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "factory.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "factory serve did not start"
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            assert b"factory_queue_depth" in r.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=START_TIMEOUT_S)
    assert proc.returncode == 0, err
    assert "engine: offline" in err
    assert (tmp_path / "factory.db").exists()
