"""Tests for `bench retry`: closed forms, the Monte Carlo, and the saving they show."""

import random

import pytest

from pipeline.bench import retry
from pipeline.bench.workload import FileCost, Workload
from pipeline.pricing import EST_REVIEW_OUTPUT_TOKENS

COST = FileCost(output_tokens=1_000, prompt_tokens=3_000, review_tokens=1_200, seconds=10.0)
STABLE_KEYS = {"tokens_per_file_retry", "tokens_whole_project", "token_saving"}


def _chain(n: int) -> Workload:
    deps = {f"f{i}": ([f"f{i - 1}"] if i else []) for i in range(n)}
    return Workload(idea=f"chain of {n}", deps=deps, files={p: COST for p in deps})


def _flat(n: int) -> Workload:
    deps: dict[str, list[str]] = {f"f{i}": [] for i in range(n)}
    return Workload(idea=f"{n} leaves", deps=deps, files={p: COST for p in deps})


def test_expected_tokens_by_hand_for_two_files() -> None:
    per_file, whole = retry.expected_tokens(_flat(2), p=0.5, attempts=2)
    attempt = COST.attempt_tokens
    again = attempt + COST.output_tokens + EST_REVIEW_OUTPUT_TOKENS
    assert per_file == pytest.approx(2 * (attempt + 0.5 * again))
    # The project fails with 1 - 0.5**2 = 0.75 and then is regenerated once.
    assert whole == pytest.approx(2 * attempt * 1.75)


def test_without_failures_both_strategies_cost_one_clean_run() -> None:
    per_file, whole = retry.expected_tokens(_flat(5), p=0.0, attempts=4)
    assert per_file == whole == 5 * COST.attempt_tokens


def test_success_chances() -> None:
    per_file, whole = retry.success(n_files=2, p=0.5, attempts=2)
    assert per_file == pytest.approx(0.75**2)
    assert whole == pytest.approx(1 - 0.75**2)


def test_monte_carlo_agrees_with_the_closed_form() -> None:
    workload = _flat(30)
    mc = retry.simulate(workload, p=0.1, attempts=4, concurrency=8, trials=2_000,
                        rng=random.Random(7))
    per_file, whole = retry.expected_tokens(workload, p=0.1, attempts=4)
    assert mc["pf_tokens"] == pytest.approx(per_file, rel=0.02)
    assert mc["whole_tokens"] == pytest.approx(whole, rel=0.03)


def test_wall_time_of_a_chain_grows_with_retries_on_it() -> None:
    mc = retry.simulate(_chain(5), p=0.3, attempts=4, concurrency=8, trials=500,
                        rng=random.Random(1))
    assert mc["pf_wall"] > 5 * COST.seconds
    assert mc["whole_wall"] >= 5 * COST.seconds


def test_json_per_p_has_the_stable_keys_and_per_file_retry_saves() -> None:
    result = retry.run([_chain(10), _flat(30)], ps=(0.05, 0.1, 0.3), attempts=4,
                       concurrency=8, trials=50, seed=3)
    assert list(result["by_p"]) == ["0.05", "0.1", "0.3"]
    for row in result["by_p"].values():
        assert set(row) >= STABLE_KEYS
        assert row["tokens_per_file_retry"] < row["tokens_whole_project"]
        assert 0.5 < row["token_saving"] < 1
        assert row["success_per_file_retry"] > row["success_whole_project"]
    assert result["files"] == 40 and result["projects"] == 2


def test_same_seed_same_answer() -> None:
    args = {"ps": (0.2,), "attempts": 4, "concurrency": 4, "trials": 30, "seed": 11}
    assert retry.run([_flat(8)], **args) == retry.run([_flat(8)], **args)  # type: ignore[arg-type]


def test_rows_one_per_p() -> None:
    result = retry.run([_flat(10)], ps=(0.1, 0.2), attempts=4, concurrency=4, trials=10, seed=0)
    table = retry.rows(result)
    assert [r[0] for r in table] == ["0.1", "0.2"]
    assert all(len(r) == len(retry.COLUMNS) for r in table)


@pytest.mark.parametrize(("attempts", "trials"), [(0, 10), (4, 0)])
def test_bad_arguments_are_refused(attempts: int, trials: int) -> None:
    with pytest.raises(ValueError):
        retry.run([_flat(3)], attempts=attempts, concurrency=1, trials=trials, seed=0)


def test_no_workloads_is_refused() -> None:
    with pytest.raises(ValueError, match="workloads"):
        retry.run([], attempts=4, concurrency=1, trials=1, seed=0)
