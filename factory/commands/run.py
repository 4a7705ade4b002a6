"""`factory run IDEA --out DIR`: the whole pipeline, locally, into a git repository."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from factory.progress import ProgressDisplay
from pipeline.agents.flutter_sdk import LocalFlutter
from pipeline.config import FactoryConfig, Settings, load_config_file
from pipeline.engines.select import ENGINES, choose_engine, make_engine
from pipeline.errors import BadInput
from pipeline.events import FanOut, Sink
from pipeline.gitsink import REPORT_FILE, GitSink
from pipeline.orchestrator import execute_run
from pipeline.redis_events import redis_sink
from pipeline.status import EXIT_ERROR, LIVE, RunStatus, exit_code
from pipeline.store import open_store
from pipeline.store.base import RunRecord, RunStore

RESUME_HINT = "the run can be resumed: factory run --resume {run_id}"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("idea", nargs="?", help="the app idea, in a sentence or a paragraph")
    p.add_argument("--out", type=Path, help="directory to create (a git repository)")
    p.add_argument("--resume", metavar="RUN_ID", help="resume a stopped or failed run")
    p.add_argument("--engine", choices=ENGINES, help="default: anthropic with a key, else offline")
    p.add_argument("--config", type=Path, help="config file (YAML or TOML) with the knobs")
    p.add_argument("--budget", type=float, help="budget in US dollars for this run")
    p.add_argument("--concurrency", type=int, help="files in flight at once (1 = sequential)")
    p.add_argument("--fault-rate", type=float, help="offline engine: share of broken 1st attempts")
    p.add_argument("--seed", type=int, help="seed for the fault injection")
    p.add_argument("--sim-speed", type=float, default=1.0,
                   help="simulated engine: divide every simulated delay by K")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    settings = Settings()
    config = _config(args, settings)
    return asyncio.run(_run(args, settings, config))


def _config(args: argparse.Namespace, settings: Settings) -> FactoryConfig:
    path = args.config or (Path(settings.config_file) if settings.config_file else None)
    config = load_config_file(path) if path else FactoryConfig()
    overrides = {
        key: value for key, value in (
            ("budget_usd", args.budget), ("concurrency", args.concurrency),
            ("fault_rate", args.fault_rate), ("seed", args.seed),
        ) if value is not None
    }
    return config.merged(overrides) if overrides else config


def _check_out(out: Path | None, allow_existing: bool) -> Path:
    if out is None:
        raise BadInput("--out DIR is required: the directory the app is written to")
    out = out.expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not allow_existing:
        raise BadInput(f"--out {out} is not empty; choose a new directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".factory-write-probe"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise BadInput(f"--out {out} is not writable: {exc.strerror}") from None
    return out


async def _prepare(args: argparse.Namespace, store: RunStore, config: FactoryConfig,
                   engine: str) -> tuple[RunRecord, Path]:
    if args.resume:
        run = await store.get_run(args.resume)
        if run.origin.get("kind") != "local":
            raise BadInput(f"run {run.id} came from GitHub: re-run it there (/retry or the "
                           "check's re-run button), not locally")
        out = _check_out(args.out or Path(run.origin.get("out", "")), allow_existing=True)
        config_now = FactoryConfig.model_validate(run.config)
        if args.budget is not None:
            config_now = config_now.merged({"budget_usd": args.budget})
        if run.status is RunStatus.SUCCEEDED:
            raise BadInput(f"run {run.id} already succeeded; nothing to resume")
        if run.lease_owner is not None and run.status in LIVE:
            raise BadInput(f"run {run.id} is being executed by worker {run.lease_owner}")
        run = await store.update_run(run.id, config=config_now.model_dump(mode="json"))
        return await _take_over(store, run), out
    else:
        idea = (args.idea or "").strip()
        if not idea:
            raise BadInput("the idea is empty: describe the app, e.g. factory run \"a recipe box "
                           "with shopping lists\" --out recipes")
        out = _check_out(args.out, allow_existing=False)
        # Created running: with a database shared with workers, none of them may claim it.
        run = await store.create_run(idea, engine, config.model_dump(mode="json"),
                                     {"kind": "local", "out": str(out)}, running=True)
    return run, out


async def _take_over(store: RunStore, run: RunRecord) -> RunRecord:
    """Set a run to be resumed running in this process."""
    if run.status is RunStatus.RUNNING:  # this process's predecessor died without a word
        return run
    if run.status is RunStatus.CANCELLED:
        run = await store.set_status(run.id, RunStatus.QUEUED)
    return await store.set_status(run.id, RunStatus.RUNNING)


async def _run(args: argparse.Namespace, settings: Settings, config: FactoryConfig) -> int:
    name, notice = choose_engine(args.engine, settings.engine or None)
    engine = make_engine(name, config, sim_speed=args.sim_speed)
    if notice:
        print(notice, file=sys.stderr)
    store = await open_store(settings.database())
    streams = redis_sink(settings.redis_url)
    run: RunRecord | None = None
    try:
        run, out = await _prepare(args, store, config, name)
        sinks: list[Sink] = [GitSink(out, store, run.id), ProgressDisplay()]
        sink = FanOut([*sinks, streams] if streams else sinks)
        # Local runs may execute what they generate: the Judge runs the Flutter SDK if present.
        status = await execute_run(store, run, sink, engine, sdk=LocalFlutter())
        await _summarize(store, run.id, out, status, args.json)
        return exit_code(status)
    except (KeyboardInterrupt, asyncio.CancelledError):
        if run is not None:
            await _interrupted(store, run.id)
            print("factory: interrupted; " + RESUME_HINT.format(run_id=run.id), file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # the edge: one line, never a traceback
        if run is None:
            raise
        await store.set_status(run.id, RunStatus.ERROR, error=f"{type(exc).__name__}: {exc}")
        print(f"factory: error: {exc}; " + RESUME_HINT.format(run_id=run.id), file=sys.stderr)
        return EXIT_ERROR
    finally:
        await engine.aclose()
        if streams:
            await streams.aclose()
        await store.close()


async def _interrupted(store: RunStore, run_id: str) -> None:
    # Not back to queued: a worker sharing the database would claim a local run.
    if (await store.get_run(run_id)).status is RunStatus.RUNNING:
        await store.set_status(run_id, RunStatus.ERROR, error="interrupted by the user")


async def _summarize(store: RunStore, run_id: str, out: Path, status: RunStatus,
                     as_json: bool) -> None:
    run = await store.get_run(run_id)
    files = await store.files(run_id)
    usage = await store.usage_totals(run_id)
    commits = await store.commits(run_id)
    summary: dict[str, Any] = {
        "run_id": run_id, "status": status.value, "exit_code": exit_code(status),
        "out": str(out), "report": str(out / REPORT_FILE), "outcome": run.error,
        "files": len(files), "dart_files": sum(f.path.endswith(".dart") for f in files),
        "failed": [f.path for f in files if f.status.value in ("failed", "blocked")],
        "level_commits": sum(k.startswith("level-") for k in commits),
        "tokens": usage.total_tokens, "cost_usd": round(usage.cost_usd, 4),
    }
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    print(f"run {run_id}: {status.value} — {run.error or 'the Judge passed the app'}")
    print(f"  {summary['dart_files']} Dart files, {summary['level_commits']} level commits in "
          f"{out}; report: {out / REPORT_FILE}")
    print(f"  tokens {usage.total_tokens}, cost ${usage.cost_usd:.4f}")
    if summary["failed"]:
        print("  to retry: factory run --resume " + run_id)
