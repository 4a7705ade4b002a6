"""One worker process of the shared-limiter test: N critic asks through the anthropic engine.

`python -m tests.limiter_worker N RPM` asks N times (4 at a time) with `requests_per_minute`
RPM, against ANTHROPIC_BASE_URL, its limiter's buckets wherever FACTORY_REDIS_URL or
FACTORY_DATABASE_URL put them, and prints {"answered": n} as JSON. It prints "ready" once
built and starts when a line arrives on stdin, so that all workers start at once.
"""

from __future__ import annotations

import asyncio
import json
import sys

from pipeline.answers import CriticReport
from pipeline.asks import CriticAsk
from pipeline.config import FactoryConfig
from pipeline.engines.anthropic_engine import AnthropicEngine

IN_FLIGHT = 4
BIG = 10**9


async def _work(asks: int, rpm: int) -> int:
    config = FactoryConfig(requests_per_minute=rpm, tokens_per_minute=BIG,
                           output_tokens_per_minute=BIG)
    engine = AnthropicEngine(config)
    gate = asyncio.Semaphore(IN_FLIGHT)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)

    async def one(i: int) -> None:
        async with gate:
            await engine.ask(CriticAsk(idea=f"a shared limit, ask {i}"), CriticReport)

    try:
        await asyncio.gather(*(one(i) for i in range(asks)))
    finally:
        await engine.aclose()
    return asks


def main() -> None:
    answered = asyncio.run(_work(int(sys.argv[1]), int(sys.argv[2])))
    print(json.dumps({"answered": answered}))


if __name__ == "__main__":
    main()
