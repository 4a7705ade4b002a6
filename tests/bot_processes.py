"""`factory serve` and `factory worker` as processes a test SIGKILLs by PID and starts again.

Each process is given a GitHub API URL of its own (a door of the GitHub fake, see
`FakeGitHub.open_door`), so the fake can tell which process sent a request.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.settings import BotSettings
from tests.fleet import ROOT, STOP_TIMEOUT_S, Pacing
from tests.github_values import KeyPair

START_TIMEOUT_S = 30.0
KILLED = "\n--- test: SIGKILLed pid {pid}; starting again ---\n"
STARTED = "worker started"
"""What `serve` (its in-process worker) and `factory worker` log once they claim runs."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(settings: BotSettings, key: KeyPair, api_url: str, database_url: str,
            data_dir: Path) -> dict[str, str]:
    """The environment of a bot process: the App, its own GitHub door, the store, offline."""
    return {**os.environ, "GITHUB_APP_ID": str(settings.app_id), "GITHUB_PRIVATE_KEY": key.private,
            "GITHUB_WEBHOOK_SECRET": settings.webhook_secret, "GITHUB_API_URL": api_url,
            "FACTORY_DATABASE_URL": database_url, "FACTORY_ENGINE": "offline",
            "FACTORY_DATA_DIR": str(data_dir)}


def lease_flags(pacing: Pacing) -> list[str]:
    return ["--max-runs", str(pacing.max_runs), "--lease", str(pacing.lease_s),
            "--heartbeat", str(pacing.heartbeat_s)]


@dataclass
class BotProcess:
    """One bot process, started again under the same name, flags and log after each kill."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    port: int | None = None
    """Where a `serve` process listens for webhooks."""
    process: subprocess.Popen[bytes] | None = None
    kills: list[int] = field(default_factory=list)
    """The PIDs killed, in order."""
    stopping: bool = False
    """Set by `stop`: a kill from then on is not followed by a start (nothing would stop it)."""

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "factory.cli", *self.argv], cwd=ROOT, env=self.env,
                stdout=out, stderr=subprocess.STDOUT)

    def kill_and_restart(self) -> None:
        """SIGKILL the process by its PID, reap it, and start it again at once."""
        assert self.process is not None
        pid = self.process.pid
        os.kill(pid, signal.SIGKILL)
        self.process.wait(STOP_TIMEOUT_S)
        self.kills.append(pid)
        with self.log.open("ab") as out:
            out.write(KILLED.format(pid=pid).encode())
        if not self.stopping:
            self.start()

    def up(self) -> bool:
        """Alive and, since its last start, claiming runs."""
        alive = self.process is not None and self.process.poll() is None
        return alive and STARTED in self.output().rsplit("--- test: SIGKILLed", 1)[-1]

    async def ready(self) -> None:
        """Wait until a `serve` process answers /healthz (a worker is ready at once)."""
        if self.port is None:
            return
        deadline = time.monotonic() + START_TIMEOUT_S
        async with aiohttp.ClientSession() as http:
            while True:
                assert self.process is not None and self.process.poll() is None, self.output()
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, f"{self.name} did not start"
                await asyncio.sleep(0.1)

    async def stop(self) -> None:
        """SIGTERM the process if it is alive and wait for it to exit; SIGKILL it if it has
        not within STOP_TIMEOUT_S (a loaded machine), so that no process outlives its test."""
        self.stopping = True
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait, STOP_TIMEOUT_S)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
