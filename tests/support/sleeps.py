"""A sleep for retry policies that only records how long it was asked to wait."""

from __future__ import annotations


class Sleeps:
    """Records every pause instead of taking it."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
