"""Stopping and starting the local PostgreSQL cluster the tests use, where this machine allows.

Debian's `pg_ctlcluster` controls a cluster directly (`--skip-systemctl-redirect`: there is no
systemd here); only root may do it for the `postgres`-owned cluster.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tests.databases import PG_PORT

CTL = "pg_ctlcluster"
LIST = "pg_lsclusters"
TIMEOUT_S = 60


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str

    def _ctl(self, action: str) -> None:
        subprocess.run([CTL, "--skip-systemctl-redirect", self.version, self.name, action],
                       check=True, capture_output=True, timeout=TIMEOUT_S)

    def stop(self) -> None:
        """Stop the server in `fast` mode: open sessions are rolled back and cut."""
        self._ctl("stop")

    def start(self) -> None:
        """Start the server (waits until it accepts connections)."""
        self._ctl("start")

    def online(self) -> bool:
        """Whether the cluster's postmaster is running."""
        done = subprocess.run([CTL, self.version, self.name, "status"], capture_output=True,
                              check=False, timeout=TIMEOUT_S)
        return done.returncode == 0


def local_cluster() -> Cluster | str:
    """The online cluster on the tests' port, or why it cannot be restarted from here."""
    if shutil.which(CTL) is None or shutil.which(LIST) is None:
        return f"{CTL} is not installed (not a Debian-packaged PostgreSQL)"
    if os.geteuid() != 0:
        return f"{CTL} needs root to restart the postgres-owned cluster"
    listing = subprocess.run([LIST, "--no-header"], capture_output=True, text=True,
                             check=False, timeout=TIMEOUT_S).stdout
    for line in listing.splitlines():
        version, name, port, status, *_ = line.split()
        if port == str(PG_PORT) and status == "online":
            return Cluster(version, name)
    return f"no online local cluster on port {PG_PORT} ({LIST} shows {listing.strip()!r})"


@asynccontextmanager
async def stopped(cluster: Cluster) -> AsyncIterator[None]:
    """Hold the server down for the body; it is started again however the body ends."""
    try:
        await asyncio.to_thread(cluster.stop)
        yield
    finally:
        if not await asyncio.to_thread(cluster.online):
            await asyncio.to_thread(cluster.start)
