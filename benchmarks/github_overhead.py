"""The overhead benchmark through the GitHub publisher and the GitHub fake, over real HTTP.

`factory bench overhead` times a run into the local git sink; this script times the same run
into `bot.publisher.GitHubPublisher` talking to the GitHub fake of `tests/fakes` on loopback
(branch, draft PR, check run updates, level commits through the Git Data API, comments).
It lives outside the package because it needs `tests/`. Run it from the repository root:

    .venv/bin/python -m benchmarks.github_overhead [--files 40] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.auth import AppAuth
from bot.github import RetryingAPI
from bot.publisher import GitHubPublisher
from pipeline.bench import overhead
from pipeline.config import FactoryConfig
from pipeline.events import Sink
from pipeline.store.base import RunRecord, RunStore
from tests.fakes.github_api import FakeGitHub
from tests.github_values import APP_ID, FAST, INSTALLATION_ID, REPO

BRANCH = "factory/issue-1-recipe-box"


def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


async def time_github_run(workdir: Path, config: FactoryConfig) -> dict[str, Any]:
    """One offline run whose sink is the publisher, against a fresh GitHub fake."""
    private, public = _key_pair()
    fake = FakeGitHub(workdir / "github", APP_ID, public)
    await fake.start()
    try:
        repo = fake.state.add_repo(REPO, INSTALLATION_ID, roles={"writer": "write"})
        repo.open_issue("Recipe box", overhead.IDEA)
        async with aiohttp.ClientSession() as session:
            api = RetryingAPI(session, base_url=fake.url, policy=FAST)
            gh = AppAuth(APP_ID, private, api).github(INSTALLATION_ID)
            origin = {"kind": "github", "installation_id": INSTALLATION_ID, "repo": REPO,
                      "issue": 1, "branch": BRANCH, "default_branch": "main"}

            def publisher(store: RunStore, run: RunRecord) -> Sink:
                return GitHubPublisher(gh, store, run)

            result = await overhead.time_run(workdir, config, origin=origin,
                                             sink_for=publisher)
        result["api_calls"] = len(fake.calls)
        result["spec_violations"] = len(fake.violations)
        return result
    finally:
        await fake.close()


async def run(files: int, runs: int) -> dict[str, Any]:
    """The best of `runs` runs, like `factory bench overhead`."""
    result = await overhead.run(files=files, runs=runs, timer=time_github_run)
    result["notes"] = ["sink: the GitHub publisher, against the GitHub fake on loopback"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=overhead.DEFAULT_FILES)
    parser.add_argument("--runs", type=int, default=overhead.DEFAULT_RUNS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.files, args.runs))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for number, row in enumerate(overhead.rows(result), start=1):
        calls = result["runs"][number - 1]["api_calls"]
        print("  ".join(f"{h}={v}" for h, v in zip(overhead.COLUMNS, row, strict=True)),
              f"api_calls={calls}")
    print(f"best: {result['ms_per_file']} ms per file (mean {result['mean_ms_per_file']})")


if __name__ == "__main__":
    main()
