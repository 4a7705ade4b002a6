"""`factory serve` on loopback as the end-to-end tests drive it: signed deliveries in, runs out."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bot.app import EVENTS, STORE
from pipeline.status import TERMINAL
from pipeline.store.base import RunRecord
from tests.webhook_events import signed

RUN_TIMEOUT_S = 90


@dataclass
class Server:
    """`factory serve` on loopback (the offline engine, the GitHub fake), and a client for it."""

    url: str
    app: web.Application
    http: aiohttp.ClientSession

    async def deliver(self, event: str, data: dict[str, Any],
                      delivery: str | None = None) -> int:
        body, headers = signed(event, data, delivery)
        async with self.http.post(f"{self.url}/webhook", data=body, headers=headers) as answer:
            return answer.status

    async def settle(self, issue: int) -> RunRecord:
        """Wait for the events to be handled and the issue's run to reach a final state with
        its lease released: the worker lets go only once every sink (the check run's last
        update among them) has had the run's end, which a loaded machine may take a while to
        send after the status is written."""
        await self.app[EVENTS].drain()
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            runs = await self.app[STORE].find_runs({"kind": "github", "issue": issue})
            if runs and runs[0].status in TERMINAL and runs[0].lease_owner is None:
                return runs[0]
            await asyncio.sleep(0.05)
        raise AssertionError(f"the run for issue {issue} did not finish in time")
