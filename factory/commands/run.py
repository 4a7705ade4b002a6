"""`factory run IDEA --out DIR`: the whole pipeline, locally, into a git repository."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from factory.progress import ProgressDisplay
from pipeline.agents import gates
from pipeline.agents.flutter_sdk import LocalFlutter
from pipeline.config import FactoryConfig, Settings, load_config_file
from pipeline.engines.base import Engine
from pipeline.engines.select import ENGINES, choose_engine, make_engine
from pipeline.errors import BadInput, FactoryError
from pipeline.events import FanOut, Sink
from pipeline.gitsink import REPORT_FILE, GitSink
from pipeline.orchestrator import BUDGET_EXHAUSTED, execute_run, killed_title
from pipeline.paths import PROBE_NAME, unwritable
from pipeline.redis_events import redis_sink
from pipeline.status import EXIT_INTERRUPTED, LIVE, RunStatus, exit_code
from pipeline.store import open_store
from pipeline.store.base import RunRecord, RunStore

MAX_IDEA_CHARS = 4_000
"""A few paragraphs; every stage's prompt carries the idea, so its size multiplies the cost."""
RESUME_HINT = "the run can be resumed: factory run --resume {run_id}"
FLAGS = {"budget_usd": "--budget", "concurrency": "--concurrency",
         "fault_rate": "--fault-rate", "seed": "--seed", "allow_duplicate": "--allow-duplicate"}
"""Config knobs that flags set, with the flag named in errors."""
KILLED_RUN_LEAVES = frozenset({".git", REPORT_FILE})
"""What a killed run leaves in its --out: a repository holding only its report."""


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("idea", nargs="?",
                   help=f"the app idea, in a sentence or a paragraph (≤ {MAX_IDEA_CHARS:,} "
                        "characters)")
    p.add_argument("--out", type=Path, help="directory to create (a git repository)")
    p.add_argument("--resume", metavar="RUN_ID",
                   help="go on with a stopped, killed or failed run (its idea, out and engine)")
    p.add_argument("--engine", choices=ENGINES, help="default: anthropic with a key, else offline")
    p.add_argument("--config", type=Path, help="config file (YAML or TOML) with the knobs")
    p.add_argument("--budget", type=float, help="budget in US dollars for this run")
    p.add_argument("--concurrency", type=int, help="files in flight at once (1 = sequential)")
    p.add_argument("--fault-rate", type=float, help="offline engine: share of broken 1st attempts")
    p.add_argument("--seed", type=int, help="seed for the fault injection")
    p.add_argument("--allow-duplicate", action="store_const", const=True,
                   help="build the idea even if it duplicates an earlier run's")
    p.add_argument("--sim-speed", type=float, default=1.0,
                   help="simulated engine: divide every simulated delay by K")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.resume and args.idea:
        raise BadInput(f"--resume {args.resume} goes on with that run's own idea; for a new or "
                       "refined idea, drop --resume and give a new --out")
    idea = None if args.resume else checked_idea(args.idea)
    url = settings.database()
    return asyncio.run(_run(args, settings, url, idea))


def checked_idea(text: str | None) -> str:
    """The idea, stripped; empty, oversized or undecodable text is refused with one line."""
    idea = (text or "").strip()
    if not idea:
        raise BadInput("the idea is empty: describe the app, e.g. factory run \"a recipe box "
                       "with shopping lists\" --out recipes")
    try:
        idea.encode("utf-8")
    except UnicodeEncodeError as exc:  # argv bytes that were not UTF-8 arrive as surrogates
        raise BadInput(f"the idea is not UTF-8 text (an undecodable byte at character "
                       f"{exc.start + 1}): check the shell's encoding (LANG) or the file "
                       "you pasted from") from None
    if len(idea) > MAX_IDEA_CHARS:
        raise BadInput(f"the idea is {len(idea):,} characters, more than the {MAX_IDEA_CHARS:,} "
                       "allowed: every stage's prompt carries it, so say it in a few paragraphs")
    return idea


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The knobs the flags set (left out when a flag was not given)."""
    given = {key: getattr(args, flag.removeprefix("--").replace("-", "_"))
             for key, flag in FLAGS.items()}
    return {key: value for key, value in given.items() if value is not None}


def _config(args: argparse.Namespace, settings: Settings) -> FactoryConfig:
    path = args.config or (Path(settings.config_file) if settings.config_file else None)
    config = load_config_file(path) if path else FactoryConfig()
    overrides = _overrides(args)
    return config.merged(overrides, FLAGS) if overrides else config


def _check_out(out: Path | None) -> Path:
    if out is None:
        raise BadInput("--out DIR is required: the directory the app is written to")
    out = out.expanduser().resolve()
    if (why := unwritable(out)) is not None:
        raise BadInput(f"--out {out} cannot take the app: {why}")
    return out


async def _check_new_out(store: RunStore, out: Path) -> None:
    """A new run's --out must be empty, or hold only the report of killed runs (which built
    nothing, so trying again there is iteration, not overwriting)."""
    left = {p.name for p in out.iterdir()} - {PROBE_NAME}
    if not left:
        return
    runs = await store.find_runs({"kind": "local", "out": str(out)})
    if runs and left <= KILLED_RUN_LEAVES and all(r.status is RunStatus.KILLED for r in runs):
        return
    if runs and runs[0].status is not RunStatus.SUCCEEDED:
        raise BadInput(f"--out {out} holds run {runs[0].id} ({runs[0].status.value}): go on "
                       f"with it (factory run --resume {runs[0].id}) or choose a new directory")
    raise BadInput(f"--out {out} is not empty; choose a new directory")


async def _resumed(args: argparse.Namespace, store: RunStore) -> tuple[RunRecord, Path]:
    run = await store.get_run(args.resume)
    if run.origin.get("kind") != "local":
        raise BadInput(f"run {run.id} came from GitHub: re-run it there (/retry or the "
                       "check's re-run button), not locally")
    if run.status is RunStatus.SUCCEEDED:
        raise BadInput(f"run {run.id} already succeeded; nothing to resume")
    if run.lease_owner is not None and run.status in LIVE:
        raise BadInput(f"run {run.id} is being executed by worker {run.lease_owner}")
    out = _check_out(args.out or Path(run.origin.get("out", "")))
    overrides = _overrides(args)
    if overrides:
        config = FactoryConfig.model_validate(run.config).merged(overrides, FLAGS)
        run = await store.update_run(run.id, config=config.model_dump(mode="json"))
    return run, out


async def _take_over(store: RunStore, run: RunRecord) -> RunRecord:
    """Set a run to be resumed running in this process."""
    if run.status is RunStatus.RUNNING:  # this process's predecessor died without a word
        return run
    if run.status is RunStatus.CANCELLED:
        run = await store.set_status(run.id, RunStatus.QUEUED)
    return await store.set_status(run.id, RunStatus.RUNNING)


async def _run(args: argparse.Namespace, settings: Settings, url: str, idea: str | None) -> int:
    store = await open_store(url)
    run: RunRecord | None = None
    engine: Engine | None = None
    try:
        # The engine is made before the run is touched: a missing key leaves nothing behind.
        if args.resume:
            stopped, out = await _resumed(args, store)
            name, notice = choose_engine(args.engine or stopped.engine, None)
            engine = make_engine(name, FactoryConfig.model_validate(stopped.config),
                                 sim_speed=args.sim_speed)
            run = await _take_over(store, stopped)
        else:
            config = _config(args, settings)
            name, notice = choose_engine(args.engine, settings.engine or None)
            engine = make_engine(name, config, sim_speed=args.sim_speed)
            out = _check_out(args.out)
            await _check_new_out(store, out)
            # Created running: with a database shared with workers, none of them may claim it.
            run = await store.create_run(str(idea), name, config.model_dump(mode="json"),
                                         {"kind": "local", "out": str(out)}, running=True)
        if notice:
            print(notice, file=sys.stderr)
        status = await _execute(store, run, out, engine)
        await _summarize(store, run.id, out, status, args.json)
        return exit_code(status)
    except (KeyboardInterrupt, asyncio.CancelledError):
        if run is None:
            raise KeyboardInterrupt from None
        await _interrupted(store, run.id)
        print("factory: interrupted; " + RESUME_HINT.format(run_id=run.id), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if run is not None and (await store.get_run(run.id)).status is RunStatus.RUNNING:
            await store.set_status(run.id, RunStatus.ERROR, error=f"{type(exc).__name__}: {exc}")
            raise RunAborted(f"{_first_line(exc)}; " + RESUME_HINT.format(run_id=run.id)) from exc
        raise
    finally:
        if engine is not None:
            await engine.aclose()
        await store.close()


async def _execute(store: RunStore, run: RunRecord, out: Path, engine: Engine) -> RunStatus:
    streams = redis_sink(Settings().redis_url)
    sinks: list[Sink] = [GitSink(out, store, run.id), ProgressDisplay()]
    try:
        # Local runs may execute what they generate: the Judge runs the Flutter SDK if present.
        return await execute_run(store, run, FanOut([*sinks, streams] if streams else sinks),
                                 engine, sdk=LocalFlutter())
    finally:
        if streams:
            await streams.aclose()


class RunAborted(FactoryError):
    """A run stopped by an unexpected error; it is marked `error` and can be resumed."""


def _first_line(exc: BaseException) -> str:
    return next(iter(str(exc).strip().splitlines()), type(exc).__name__)


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
    hint = await _next_step(store, run)
    summary: dict[str, Any] = {
        "run_id": run_id, "status": status.value, "exit_code": exit_code(status),
        "out": str(out), "report": str(out / REPORT_FILE), "outcome": run.error,
        "files": len(files), "dart_files": sum(f.path.endswith(".dart") for f in files),
        "failed": [f.path for f in files if f.status.value in ("failed", "blocked")],
        "level_commits": sum(k.startswith("level-") for k in commits),
        "tokens": usage.total_tokens, "cost_usd": round(usage.cost_usd, 4), "next": hint,
    }
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    print(f"run {run_id}: {status.value} — {run.error or 'the Judge passed the app'}")
    print(f"  {summary['files']} files ({summary['dart_files']} Dart), "
          f"{summary['level_commits']} level commits in {out}; report: {out / REPORT_FILE}")
    print(f"  tokens {usage.total_tokens}, cost ${usage.cost_usd:.4f}")
    if hint:
        print(f"  next: {hint}")


async def _next_step(store: RunStore, run: RunRecord) -> str | None:
    """The command that takes a stopped run further, when there is one."""
    outcome = run.error or ""
    if outcome.startswith(killed_title(gates.CANNIBALIZATION)):
        again = f"factory run --resume {run.id} --allow-duplicate builds this idea again"
        found = gates.closest(run.idea, await store.earlier_ideas(run.id))
        if found is not None and found.status in gates.RESUMABLE:
            return f"factory run --resume {found.run_id} goes on with that run; or {again}"
        return f"refine the idea (the same --out will do), or {again}"
    if outcome.startswith((killed_title(gates.BUDGET), BUDGET_EXHAUSTED)):
        return f"factory run --resume {run.id} --budget USD, with a higher budget"
    if run.status in (RunStatus.FAILED, RunStatus.ERROR):
        return f"factory run --resume {run.id}"
    return None
