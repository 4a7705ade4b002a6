"""`factory bench NAME`: scheduling, retry, overhead, webhook and check benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from bot import webhook_bench
from bot.app import CPU_WORKERS
from pipeline.bench import check, dag, overhead, retry
from pipeline.bench.workload import DEFAULT_IDEAS, build_workloads
from pipeline.config import FactoryConfig
from pipeline.engines.latency import DEFAULT_TOKENS_PER_S, DEFAULT_TTFT_S, LatencyModel

DEFAULT_SIM_SPEED = 50.0
DEFAULT_TRIALS = 1_000
PIPE_WIDTH = 160


def configure(p: argparse.ArgumentParser) -> None:
    names = p.add_subparsers(dest="bench", required=True, metavar="NAME")
    config = FactoryConfig()

    p_dag = _add(names, "dag", "sequential vs level-by-level gather vs the scheduler")
    _add_model_flags(p_dag)
    p_dag.add_argument("--sim-speed", type=float, default=DEFAULT_SIM_SPEED,
                       help="divide every simulated delay by K (default %(default)s)")
    p_dag.add_argument("--concurrency", type=int, default=config.concurrency,
                       help="files in flight for gather and scheduler (default %(default)s)")
    p_dag.add_argument("--jitter", type=float, default=0.0,
                       help="spread of log-normal noise on each call's time (default none)")
    p_dag.add_argument("--seed", type=int, default=0, help="seed of the jitter")

    p_retry = _add(names, "retry", "per-file retry vs regenerating the whole project")
    _add_model_flags(p_retry)
    p_retry.add_argument("--p", type=float, nargs="+", default=list(retry.DEFAULT_PS),
                         help="per-file failure probabilities (default %(default)s)")
    p_retry.add_argument("--attempts", type=int, default=1 + config.retries_per_file,
                         help="attempts per file or per project (default %(default)s)")
    p_retry.add_argument("--trials", type=int, default=DEFAULT_TRIALS,
                         help="Monte Carlo trials per project and p (default %(default)s)")
    p_retry.add_argument("--seed", type=int, default=0)
    p_retry.add_argument("--concurrency", type=int, default=config.concurrency)

    p_over = _add(names, "overhead", "orchestration time per file with a zero-latency engine")
    p_over.add_argument("--files", type=int, default=overhead.DEFAULT_FILES,
                        help="planned files per run (default %(default)s)")
    p_over.add_argument("--runs", type=int, default=overhead.DEFAULT_RUNS,
                        help="runs to time, the best counts (default %(default)s)")

    _add(names, "check", "static checks: files/s over a corpus, its slowest file, a 3 MB file")

    p_hook = _add(names, "webhook", "ack latency of concurrent signed deliveries")
    p_hook.add_argument("--deliveries", type=int, default=webhook_bench.DEFAULT_DELIVERIES,
                        help="deliveries sent at once (default %(default)s)")
    p_hook.add_argument("--rounds", type=int, default=webhook_bench.DEFAULT_ROUNDS,
                        help="bursts to send, one after another (default %(default)s)")
    p_hook.add_argument("--database-url", help="a migrated store to use (default: temp SQLite)")
    p_hook.add_argument("--busy", type=int, default=webhook_bench.DEFAULT_BUSY, metavar="N",
                        help="offline runs executing in the server's process in the second "
                             "phase; 0: the idle phase only (default %(default)s)")
    p_hook.add_argument("--cpu-workers", type=int, default=CPU_WORKERS,
                        metavar="N", help="child processes for the runs' CPU-heavy steps, as "
                                          "`serve --cpu-workers` (default %(default)s)")


def _add(names: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
         text: str) -> argparse.ArgumentParser:
    p = names.add_parser(name, help=text, description=text)
    p.add_argument("--json", action="store_true", help="print a JSON object instead of a table")
    p.set_defaults(handler=main)
    return p


def _add_model_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--idea", action="append", dest="ideas", metavar="IDEA",
                   help="an idea to plan (repeatable; default: five built-in ideas)")
    p.add_argument("--ttft", type=float, default=DEFAULT_TTFT_S,
                   help="seconds to the first token (default %(default)s)")
    p.add_argument("--tokens-per-s", type=float, default=DEFAULT_TOKENS_PER_S,
                   help="output tokens per second (default %(default)s)")


def main(args: argparse.Namespace) -> int:
    """Run the named benchmark and print its table or JSON."""
    result, columns, rows = asyncio.run(_measure(args))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_table(f"factory bench {args.bench}", columns, rows, result.get("notes", []))
    return 0


async def _measure(args: argparse.Namespace) -> tuple[dict[str, Any], Sequence[str],
                                                      list[list[str]]]:
    if args.bench == "overhead":
        result = await overhead.run(files=args.files, runs=args.runs)
        return result, overhead.COLUMNS, overhead.rows(result)
    if args.bench == "check":
        result = check.run()
        return result, check.COLUMNS, check.rows(result)
    if args.bench == "webhook":
        result = await webhook_bench.run(deliveries=args.deliveries, rounds=args.rounds,
                                         database_url=args.database_url, busy=args.busy,
                                         cpu_workers=args.cpu_workers)
        return result, webhook_bench.COLUMNS, webhook_bench.rows(result)
    config = FactoryConfig()
    latency = LatencyModel(ttft_s=args.ttft, tokens_per_s=args.tokens_per_s)
    workloads = await build_workloads(list(args.ideas or DEFAULT_IDEAS), config, latency)
    if args.bench == "dag":
        rng = random.Random(args.seed)
        workloads = [w.jittered(args.jitter, rng) for w in workloads]
        result = await dag.run(workloads, sim_speed=args.sim_speed, concurrency=args.concurrency)
        result.update(jitter=args.jitter, seed=args.seed)
        columns, rows = dag.COLUMNS, dag.rows(result)
    else:
        result = retry.run(workloads, ps=tuple(args.p), attempts=args.attempts,
                           concurrency=args.concurrency, trials=args.trials, seed=args.seed)
        columns, rows = retry.COLUMNS, retry.rows(result)
    result["latency"] = {"ttft_s": latency.ttft_s, "tokens_per_s": latency.tokens_per_s}
    return result, columns, rows


def _print_table(title: str, columns: Sequence[str], rows: list[list[str]],
                 notes: Sequence[str]) -> None:
    table = Table(title=title)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    # Off a terminal rich assumes 80 columns and would fold the headers of these wide tables.
    console = Console() if sys.stdout.isatty() else Console(width=PIPE_WIDTH)
    console.print(table)
    for note in notes:
        console.print(note)
