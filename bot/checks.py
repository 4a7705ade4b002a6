"""Router: "Re-run" on the Code Factory check run re-runs what failed.

https://docs.github.com/webhooks/webhook-events-and-payloads#check_run
"""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import routing, sansio

from bot.context import BotContext
from bot.github import GitHub
from pipeline.errors import RunNotFound
from pipeline.status import LIVE, FileStatus, RunStatus

router = routing.Router()
log = logging.getLogger(__name__)

RETRYABLE = frozenset({FileStatus.FAILED})


@router.register("check_run", action="rerequested")
async def rerun_failed_on_rerequest(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """Queue the run again: its failed files are retried; a killed or broken run resumes.

    The check run's `external_id` is the run id (the publisher sets it).
    """
    data: dict[str, Any] = event.data
    check = data["check_run"]
    if ctx.app_id and check.get("app", {}).get("id") not in (None, ctx.app_id):
        return
    try:
        run = await ctx.store.get_run(str(check.get("external_id") or ""))
    except RunNotFound:
        log.info("rerequest for an unknown run", extra={"check_run_id": check["id"]})
        return
    if run.status in LIVE or run.origin.get("repo") != data["repository"]["full_name"]:
        return
    failed = [f.path for f in await ctx.store.files(run.id) if f.status in RETRYABLE]
    await ctx.store.update_run(run.id, request={"retry": failed, "note": ""} if failed else {})
    await ctx.store.set_status(run.id, RunStatus.QUEUED)
    log.info("run requeued", extra={"run_id": run.id, "retry": failed})
