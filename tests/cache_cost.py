"""What one recipe-box run costs against the Messages API fake with the real cache rules.

`python -m tests.cache_cost` runs `factory run --engine anthropic` on the recipe-box idea
(default knobs, concurrency 8) against the fake, whose cache has each model's real minimum
prefix, a 5-minute lifetime and entries readable only once the writing response has started
(the fake waits `--ttft` seconds before each response starts), and prints the ledger by role.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections import defaultdict
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

from factory.cli import main as factory_main
from pipeline.config import FactoryConfig, Settings
from pipeline.engines.base import Usage
from pipeline.store import open_store
from pipeline.store.base import LedgerRow
from tests.fakes.anthropic_api import API_KEY, FakeAnthropic
from tests.fakes.canned_answers import offline_answerer
from tests.fakes.threaded import served_in_thread

RECIPES = ("A recipe box with shopping lists and meal plans: save recipes with ingredients, "
           "plan meals for the week and build a shopping list")
LIMITS = ("requests_per_minute: 100000\ntokens_per_minute: 100000000\n"
          "output_tokens_per_minute: 100000000\n")


async def _ledger(run_id: str) -> list[LedgerRow]:
    store = await open_store(Settings().database())
    try:
        return await store.ledger(run_id)
    finally:
        await store.close()


def _row(name: str, calls: int, usage: Usage) -> str:
    return (f"| {name} | {calls} | {usage.input_tokens:,} | {usage.cache_write_tokens:,} | "
            f"{usage.cache_read_tokens:,} | {usage.output_tokens:,} | ${usage.cost_usd:.4f} |")


def measure(ttft_s: float, concurrency: int) -> str:
    """Run once in a scratch directory; the ledger as a markdown table."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        os.environ.update(FACTORY_DATA_DIR=str(root / "data"), ANTHROPIC_API_KEY=API_KEY)
        config = root / "factory.yml"
        config.write_text(LIMITS + f"concurrency: {concurrency}\n")
        fake = FakeAnthropic(answer=offline_answerer(FactoryConfig()), ttft_s=ttft_s)
        with served_in_thread(fake) as url:
            os.environ["ANTHROPIC_BASE_URL"] = url
            argv = ["run", RECIPES, "--out", str(root / "app"), "--engine", "anthropic",
                    "--config", str(config), "--json"]
            out = StringIO()
            with redirect_stdout(out):
                code = factory_main(argv)
        text = out.getvalue()
        summary = json.loads(text[text.index("{"):])
        rows = asyncio.run(_ledger(summary["run_id"]))
    roles: dict[str, list[Usage]] = defaultdict(list)
    for row in rows:
        roles[f"{row.stage} {row.usage.model}"].append(row.usage)
    lines = ["| stage and model | calls | input | cache write | cache read | output | cost |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    total = Usage(model="")
    for name in sorted(roles):
        usage = sum(roles[name], Usage(model=""))
        total = total + usage
        lines.append(_row(name, len(roles[name]), usage))
    lines.append(_row("**total**", len(rows), total))
    lines.append(f"\nexit {code}, status {summary['status']}, {summary['dart_files']} Dart files")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ttft", type=float, default=0.5, help="seconds before a response starts")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    print(measure(args.ttft, args.concurrency))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
