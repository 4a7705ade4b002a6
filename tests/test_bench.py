"""Tests for `factory bench`: each benchmark through the command line, as a table or JSON."""

import json

import pytest

from factory.cli import main

IDEA = "A reading log for books with ratings and notes"


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main(argv) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def test_dag_json_has_the_stable_keys(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(capsys, ["bench", "dag", "--idea", IDEA, "--sim-speed", "5000", "--json"])
    for key in ("sequential_s", "level_gather_s", "scheduler_s", "critical_path_s",
                "speedup_vs_sequential", "speedup_vs_level_gather", "efficiency", "ideas"):
        assert key in result
    assert result["concurrency"] == 8 and result["jitter"] == 0.0
    assert result["latency"] == {"ttft_s": 0.8, "tokens_per_s": 70.0}


def test_dag_flags_reach_the_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(capsys, ["bench", "dag", "--idea", IDEA, "--sim-speed", "5000",
                            "--concurrency", "2", "--jitter", "0.3", "--seed", "4",
                            "--ttft", "0.5", "--tokens-per-s", "100", "--json"])
    assert result["concurrency"] == 2 and result["jitter"] == 0.3 and result["seed"] == 4
    assert result["latency"] == {"ttft_s": 0.5, "tokens_per_s": 100.0}


def test_retry_json_per_p(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(capsys, ["bench", "retry", "--idea", IDEA, "--p", "0.1", "0.2",
                            "--trials", "20", "--json"])
    by_p = result["by_p"]
    assert isinstance(by_p, dict) and list(by_p) == ["0.1", "0.2"]
    assert {"tokens_per_file_retry", "tokens_whole_project", "token_saving"} <= set(by_p["0.1"])
    assert result["attempts"] == 4


def test_retry_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "retry", "--idea", IDEA, "--p", "0.1", "--trials", "10"]) == 0
    out = capsys.readouterr().out
    assert "factory bench retry" in out and "token saving" in out and "0.1" in out


def test_a_name_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bench"])
    assert "NAME" in capsys.readouterr().err
