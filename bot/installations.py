"""Router: installation events, tracked in the store by installation id.

https://docs.github.com/webhooks/webhook-events-and-payloads#installation
"""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from bot.context import BotContext
from bot.github import GitHub

router = routing.Router()


@router.register("installation")
async def track_installation(event: sansio.Event, gh: GitHub, ctx: BotContext) -> None:
    """Record created, deleted, suspend, unsuspend and permission changes."""
    data: dict[str, Any] = event.data
    installation = data["installation"]
    await ctx.store.record_installation(
        installation["id"], installation["account"]["login"], data["action"]
    )
