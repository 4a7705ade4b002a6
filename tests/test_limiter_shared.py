"""Three worker processes on one API key stay inside its limits together, against the fake.

The fake refuses (429) any request beyond its per-minute buckets, as the real API does. Each
worker asks more than a third of a minute's requests, so together they ask for more than the
key allows: with shared buckets (Redis, or the PostgreSQL database) no request is refused, all
are answered, and the fake saw them come exactly as fast as the key's limit lets them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.databases import scratch_database
from tests.fakes.anthropic_api import API_KEY, FakeAnthropic
from tests.fakes.anthropic_limits import RateLimits
from tests.fakes.canned_answers import canned_answer
from tests.fakes.threaded import served_in_thread

WORKERS = 3
ASKS = 22
RPM = 60
"""3 x 22 = 66 asks against 60 a minute: the last ones must wait for the buckets to refill."""
REDIS_URL = "redis://127.0.0.1:6379/13"
WORKER_TIMEOUT_S = 300
ROOT = Path(__file__).resolve().parents[1]


def _redis_or_skip() -> str:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter("factory:ratelimit:*"))
        if keys:
            client.delete(*keys)
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(params=["redis", "postgresql"])
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "redis":
        yield {"FACTORY_REDIS_URL": _redis_or_skip()}
    else:
        with scratch_database("test_limiter_shared") as url:
            yield {"FACTORY_DATABASE_URL": url}


def run_workers(url: str, backend: dict[str, str]) -> list[dict[str, int]]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FACTORY_REDIS_URL", "FACTORY_DATABASE_URL")}
    env.update(backend, ANTHROPIC_API_KEY=API_KEY, ANTHROPIC_BASE_URL=url)
    workers = [
        subprocess.Popen([sys.executable, "-m", "tests.limiter_worker", str(ASKS), str(RPM)],
                         cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
        for _ in range(WORKERS)
    ]
    for worker in workers:  # all built: start them together
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    outputs = [w.communicate("go\n", timeout=WORKER_TIMEOUT_S)[0] for w in workers]
    assert [w.returncode for w in workers] == [0] * WORKERS
    return [json.loads(out) for out in outputs]


def test_workers_on_one_key_share_its_limits(backend: dict[str, str]) -> None:
    fake = FakeAnthropic(answer=canned_answer, limits=RateLimits(requests_per_minute=RPM))
    with served_in_thread(fake) as url:
        results = run_workers(url, backend)

    assert sum(r["answered"] for r in results) == WORKERS * ASKS
    assert fake.limited == 0  # no 429 storm: together they stayed inside the key's limit
    assert fake.tally.answers == WORKERS * ASKS
    # The key allows a minute's worth at once, then RPM a minute: what the fake saw, against it.
    window = fake.arrivals[-1] - fake.arrivals[0]
    print(f"{len(fake.arrivals)} requests in {window:.1f} s, 0 refused; the limit allows "
          f"{RPM + RPM * window / 60:.1f} in that time")
