"""`factory runs`: the runs in the store, newest first, with what to type to go on."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from pipeline.config import Settings
from pipeline.store import open_store
from pipeline.store.base import RunRecord

IDEA_WIDTH = 60
HEADER = ("RUN", "STATUS", "ENGINE", "CREATED", "IDEA", "OUT")


def configure(p: argparse.ArgumentParser) -> None:
    """Add the `runs` arguments."""
    p.add_argument("--limit", type=int, default=20, help="newest N runs (default %(default)s)")
    p.add_argument("--json", action="store_true", help="print every field as JSON")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Print the newest runs as a table (or JSON)."""
    settings = Settings()
    runs = asyncio.run(_runs(settings.database()))[: max(args.limit, 0)]
    if args.json:
        print(json.dumps([_fields(run) for run in runs], indent=2))
    elif not runs:
        print(f"no runs yet in {settings.database()}")
    else:
        _print_table([HEADER, *(_row(run) for run in runs)])
    return 0


async def _runs(url: str) -> list[RunRecord]:
    store = await open_store(url)
    try:
        return await store.find_runs({})
    finally:
        await store.close()


def _fields(run: RunRecord) -> dict[str, Any]:
    return {"run_id": run.id, "status": run.status.value, "engine": run.engine,
            "created_at": run.created_at.isoformat(), "idea": run.idea,
            "out": _where(run), "outcome": run.error}


def _where(run: RunRecord) -> str:
    if run.origin.get("kind") == "local":
        return str(run.origin.get("out", ""))
    repo, issue = run.origin.get("repo", "?"), run.origin.get("issue", "?")
    return f"github {repo}#{issue}"


def _row(run: RunRecord) -> tuple[str, ...]:
    idea = " ".join(run.idea.split())
    if len(idea) > IDEA_WIDTH:  # both ends: a refined idea usually differs at its end
        tail = IDEA_WIDTH // 3
        idea = idea[: IDEA_WIDTH - tail - 1] + "…" + idea[-tail:]
    created = run.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return (run.id, run.status.value, run.engine, created, idea, _where(run))


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))
