"""A PostgreSQL cluster of a test's own, on a free port in a temporary directory.

A test that stops and starts PostgreSQL must never touch the machine's shared cluster (every
other test run on the machine uses it), so it makes one with `initdb` and `pg_ctl`, as the
`postgres` user when run by root (initdb refuses root), and removes it afterwards.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"
BIN_GLOB = "/usr/lib/postgresql/*/bin"
"""Where Debian's packages keep initdb and pg_ctl (they are not on PATH)."""
TIMEOUT_S = 120


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = [Path(d) for d in glob.glob(BIN_GLOB) if Path(d).parent.name.isdigit()]
    return max(versions, key=lambda d: int(d.parent.name), default=None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Cluster:
    """A running private cluster: trust auth for `postgres`, on 127.0.0.1:`port`."""

    bin_dir: Path
    data: Path
    port: int
    as_user: tuple[str, ...]
    """The command prefix that runs the server tools as its owner."""

    def _tool(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.as_user, str(self.bin_dir / argv[0]), *argv[1:]],
                              capture_output=True, text=True, check=False, timeout=TIMEOUT_S)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        done = self._tool("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"),
                          "-o", options, "-w", "start")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip() or done.stdout}")

    def stop(self) -> None:
        """Stop the server in `fast` mode: open sessions are rolled back and cut."""
        self._tool("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def online(self) -> bool:
        """Whether the cluster's postmaster is running."""
        return self._tool("pg_ctl", "-D", str(self.data), "status").returncode == 0


@contextmanager
def private_cluster() -> Iterator[Cluster | str]:
    """A started cluster of the caller's own (removed afterwards), or why there is none."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        yield f"no initdb/pg_ctl (looked on PATH and in {BIN_GLOB})"
        return
    as_user: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            yield "running as root without runuser to become the postgres user"
            return
        as_user = ("runuser", "-u", SERVER_USER, "--")
    # Not under pytest's tmp_path: that lives in root's 0700 directory.
    root = Path(tempfile.mkdtemp(prefix="factory-pg-"))
    try:
        data = root / "data"
        data.mkdir()
        if as_user:
            shutil.chown(root, SERVER_USER)
            shutil.chown(data, SERVER_USER)
        cluster = Cluster(bin_dir, data, _free_port(), as_user)
        made = cluster._tool("initdb", "-D", str(data), "-U", "postgres", "-A", "trust")
        if made.returncode != 0:
            yield f"initdb failed: {made.stderr.strip().splitlines()[-1:]}"
            return
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@asynccontextmanager
async def stopped(cluster: Cluster) -> AsyncIterator[None]:
    """Hold the server down for the body; it is started again however the body ends."""
    try:
        await asyncio.to_thread(cluster.stop)
        yield
    finally:
        if not await asyncio.to_thread(cluster.online):
            await asyncio.to_thread(cluster.start)
