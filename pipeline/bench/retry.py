"""`bench retry`: per-file retry against regenerating the whole project when any file fails.

Each attempt at a file fails review with probability p, independently. Both strategies get the
same number of attempts (1 + retries_per_file): per file, or for the whole project. A file's
attempt costs its real prompt, output and review tokens; a retry also carries the previous
attempt and the reviewer's feedback. Expected tokens come from closed forms; wall times and a
cross-check of the tokens come from a seeded Monte Carlo over the scheduler's policy.
"""

from __future__ import annotations

import random
from typing import Any

from pipeline.bench.makespan import Replay
from pipeline.bench.workload import Workload
from pipeline.pricing import EST_REVIEW_OUTPUT_TOKENS

DEFAULT_PS = (0.05, 0.1, 0.2, 0.3)
COLUMNS: tuple[str, ...] = (
    "p", "tokens per-file", "tokens whole", "token saving", "error-token saving",
    "wall per-file s", "wall whole s", "success per-file", "success whole",
)


def _retry_tokens(workload: Workload, path: str) -> int:
    cost = workload.files[path]
    return cost.attempt_tokens + cost.output_tokens + EST_REVIEW_OUTPUT_TOKENS


def expected_tokens(workload: Workload, p: float, attempts: int) -> tuple[float, float]:
    """Expected tokens of (per-file retry, whole-project regeneration) for one project."""
    retries = sum(p**k for k in range(1, attempts))
    per_file = sum(c.attempt_tokens + _retry_tokens(workload, path) * retries
                   for path, c in workload.files.items())
    clean = sum(c.attempt_tokens for c in workload.files.values())
    project_fails = 1 - (1 - p) ** len(workload.files)
    whole = clean * sum(project_fails**k for k in range(attempts))
    return per_file, whole


def success(n_files: int, p: float, attempts: int) -> tuple[float, float]:
    """Chance of ending with every file approved: (per-file retry, whole project)."""
    per_file = (1 - p**attempts) ** n_files
    whole = 1 - (1 - (1 - p) ** n_files) ** attempts
    return per_file, whole


def _attempts_until_pass(rng: random.Random, p: float, attempts: int) -> int:
    for number in range(1, attempts + 1):
        if rng.random() >= p:
            return number
    return attempts


def simulate(workload: Workload, p: float, attempts: int, concurrency: int, trials: int,
             rng: random.Random) -> dict[str, float]:
    """Monte Carlo means of tokens and modelled wall seconds for both strategies."""
    clean_tokens = sum(c.attempt_tokens for c in workload.files.values())
    base = workload.durations()
    replay = Replay(workload.dag())
    clean_wall = replay.makespan(base, concurrency)
    sums = {"pf_tokens": 0.0, "pf_wall": 0.0, "whole_tokens": 0.0, "whole_wall": 0.0}
    for _ in range(trials):
        durations = {}
        for path, cost in workload.files.items():
            k = _attempts_until_pass(rng, p, attempts)
            sums["pf_tokens"] += cost.attempt_tokens + (k - 1) * _retry_tokens(workload, path)
            durations[path] = base[path] * k
        sums["pf_wall"] += replay.makespan(durations, concurrency)
        for number in range(1, attempts + 1):
            failed = any(rng.random() < p for _ in workload.files)
            if not failed or number == attempts:
                break
        sums["whole_tokens"] += clean_tokens * number
        sums["whole_wall"] += clean_wall * number
    return {key: value / trials for key, value in sums.items()}


def _saving(ours: float, theirs: float) -> float:
    return round(1 - ours / theirs, 3) if theirs else 0.0


def _one_p(workloads: list[Workload], p: float, attempts: int, concurrency: int, trials: int,
           rng: random.Random) -> dict[str, Any]:
    per_file = whole = clean = 0.0
    mc = {"pf_tokens": 0.0, "pf_wall": 0.0, "whole_tokens": 0.0, "whole_wall": 0.0}
    ok_pf = ok_whole = 1.0
    for workload in workloads:
        pf_w, whole_w = expected_tokens(workload, p, attempts)
        per_file, whole = per_file + pf_w, whole + whole_w
        clean += sum(c.attempt_tokens for c in workload.files.values())
        for key, value in simulate(workload, p, attempts, concurrency, trials, rng).items():
            mc[key] += value
        s_pf, s_whole = success(len(workload.files), p, attempts)
        ok_pf, ok_whole = ok_pf * s_pf, ok_whole * s_whole
    return {
        "p": p, "tokens_per_file_retry": round(per_file), "tokens_whole_project": round(whole),
        "token_saving": _saving(per_file, whole),
        "error_token_saving": _saving(per_file - clean, whole - clean),
        "mc_tokens_per_file_retry": round(mc["pf_tokens"]),
        "mc_tokens_whole_project": round(mc["whole_tokens"]),
        "wall_per_file_retry_s": round(mc["pf_wall"], 1),
        "wall_whole_project_s": round(mc["whole_wall"], 1),
        "success_per_file_retry": round(ok_pf ** (1 / len(workloads)), 4),
        "success_whole_project": round(ok_whole ** (1 / len(workloads)), 4),
    }


def run(workloads: list[Workload], *, ps: tuple[float, ...] = DEFAULT_PS, attempts: int,
        concurrency: int, trials: int, seed: int) -> dict[str, Any]:
    """Both strategies at each p, summed over the workloads' projects."""
    if not workloads:
        raise ValueError("no workloads to measure")
    if attempts < 1 or trials < 1:
        raise ValueError("attempts and trials must be at least 1")
    rng = random.Random(seed)
    return {
        "attempts": attempts, "trials": trials, "seed": seed, "concurrency": concurrency,
        "projects": len(workloads), "files": sum(len(w.files) for w in workloads),
        "clean_tokens": sum(c.attempt_tokens for w in workloads for c in w.files.values()),
        "by_p": {f"{p:g}": _one_p(workloads, p, attempts, concurrency, trials, rng) for p in ps},
    }


def rows(result: dict[str, Any]) -> list[list[str]]:
    """One table row per failure probability."""
    return [
        [f"{r['p']:g}", f"{r['tokens_per_file_retry']:,}", f"{r['tokens_whole_project']:,}",
         f"{r['token_saving']:.0%}", f"{r['error_token_saving']:.0%}",
         f"{r['wall_per_file_retry_s']:.0f}", f"{r['wall_whole_project_s']:.0f}",
         f"{r['success_per_file_retry']:.1%}", f"{r['success_whole_project']:.1%}"]
        for r in result["by_p"].values()
    ]
