"""app.yml asks for exactly what the bot uses: its routers' events and the API's permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.dispatch import ROUTER

MANIFEST = Path(__file__).resolve().parent.parent / "app.yml"
ALWAYS_DELIVERED = {"installation"}
"""GitHub sends these to every App; a manifest does not subscribe to them."""


def _manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(data, dict)
    return data


def test_events_cover_every_routed_event() -> None:
    routed = set(ROUTER._shallow_routes) | set(ROUTER._deep_routes)
    assert routed == {"issues", "issue_comment", "check_run", "installation"}
    assert set(_manifest()["default_events"]) == routed - ALWAYS_DELIVERED


def test_permissions_are_the_ones_the_bot_needs() -> None:
    assert _manifest()["default_permissions"] == {
        "contents": "write", "pull_requests": "write", "issues": "write", "checks": "write",
        "metadata": "read"}


def test_the_webhook_points_at_our_endpoint() -> None:
    manifest = _manifest()
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    assert manifest["public"] is False
