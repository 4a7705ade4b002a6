"""Whole `factory run --engine openai` runs against the Chat Completions fake, with their figures.

`python -m tests.openai_runs` runs the recipe-box idea three times (plain, with the faults of
tests/test_openai_e2e.py, and against a server without JSON-schema output) and prints, for each,
the exit code, the requests the fake received, the ledger's rows, and the ledger's tokens beside
the fake's reported ones (docs/engines.md quotes them).
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

from factory.cli import main as factory_main
from pipeline.config import FactoryConfig
from tests.fakes.canned_answers import offline_answerer
from tests.fakes.openai_api import API_KEY, FakeOpenAI
from tests.fakes.threaded import served_in_thread
from tests.test_engines_e2e import FAST_LIMITS, RECIPES, ledger
from tests.test_openai_e2e import FAULTS, OPENAI_MODELS, STREAM_FAULTS

RUNS = ("plain", "faults", "no-json-schema")


def _run(kind: str, where: Path) -> str:
    fake = FakeOpenAI(answer=offline_answerer(FactoryConfig()),
                      json_schema=kind != "no-json-schema")
    fake.retry_after = "0"
    if kind == "faults":
        fake.script, fake.stream_script = list(FAULTS), list(STREAM_FAULTS)
    config = where / "factory.yml"
    config.write_text(FAST_LIMITS + OPENAI_MODELS)
    os.environ["FACTORY_DATA_DIR"] = str(where / "data")
    with served_in_thread(fake) as url:
        os.environ.update(OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=url)
        out = StringIO()
        with redirect_stdout(out):
            code = factory_main(["run", RECIPES, "--out", str(where / "app"), "--engine",
                                 "openai", "--config", str(config), "--json"])
    summary = json.loads(out.getvalue()[out.getvalue().index("{"):])
    rows = ledger(str(summary["run_id"]))
    prompt = sum(r.usage.input_tokens + r.usage.cache_read_tokens for r in rows)
    cached = sum(r.usage.cache_read_tokens for r in rows)
    output = sum(r.usage.output_tokens for r in rows)
    return (f"| {kind} | {code} | {len(fake.requests)} | {len(rows)} | {prompt:,} "
            f"({fake.tally.prompt_tokens:,}) | {cached:,} ({fake.tally.cached_tokens:,}) | "
            f"{output:,} ({fake.tally.completion_tokens:,}) | ${summary['cost_usd']:.4f} | "
            f"{len(fake.rejected)} | {fake.unreported.answers} |")


def main() -> None:
    for name in ("OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS", "FACTORY_ENGINE",
                 "FACTORY_DATABASE_URL", "FACTORY_CONFIG_FILE"):
        os.environ.pop(name, None)
    print("| run | exit | requests | ledger rows | prompt tokens: ledger (fake) | cached | "
          "output | cost | refused | unreported streams |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in RUNS:
        with tempfile.TemporaryDirectory() as where:
            print(_run(kind, Path(where)), flush=True)


if __name__ == "__main__":
    main()
