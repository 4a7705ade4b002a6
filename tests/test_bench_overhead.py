"""Tests for `bench overhead`: a whole offline run timed through store, scheduler and git."""

from pathlib import Path
from typing import Any

import git
import pytest

from pipeline.answers import CriticReport
from pipeline.asks import CriticAsk
from pipeline.bench import overhead
from pipeline.config import FactoryConfig
from pipeline.engines.offline import OfflineEngine


async def test_a_run_is_timed_end_to_end_into_a_git_repository(tmp_path: Path) -> None:
    result = await overhead.time_run(tmp_path, FactoryConfig(min_files=25, max_files=30))
    assert result["status"] == "succeeded"
    assert result["files"] >= 25
    assert 0 < result["engine_s"] < result["total_s"]
    assert result["orchestration_s"] == pytest.approx(
        result["total_s"] - result["engine_s"], abs=0.002)
    assert result["ms_per_file"] == pytest.approx(
        1000 * result["orchestration_s"] / result["files"], rel=0.01)
    repo = git.Repo(tmp_path / "app")
    assert any("level 1/" in c.message for c in repo.iter_commits())


async def test_summary_takes_the_best_run_and_has_the_stable_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timings = iter([30.0, 20.0, 40.0])
    configs: list[FactoryConfig] = []

    async def fake_run(workdir: Path, config: FactoryConfig) -> dict[str, Any]:
        assert workdir.is_dir()
        configs.append(config)
        ms = next(timings)
        return {"files": 40, "status": "succeeded", "total_s": 2.0, "engine_s": 0.5,
                "orchestration_s": 1.5, "ms_per_file": ms, "cpu_ms_per_file": ms / 2}

    monkeypatch.setattr(overhead, "time_run", fake_run)
    result = await overhead.run(files=40, runs=3)
    assert [c.max_files for c in configs] == [40, 40, 40]
    assert result["ms_per_file"] == 20.0 and result["cpu_ms_per_file"] == 10.0
    assert result["mean_ms_per_file"] == 30.0
    table = overhead.rows(result)
    assert len(table) == 3 and all(len(r) == len(overhead.COLUMNS) for r in table)


async def test_the_stopwatch_counts_time_inside_the_engine() -> None:
    engine = overhead.StopwatchEngine(OfflineEngine(FactoryConfig()))
    assert engine.name == "offline" and engine.offline
    await engine.ask(CriticAsk(idea="a recipe box with shopping lists"), CriticReport)
    assert engine.seconds > 0


@pytest.mark.parametrize(("files", "runs"), [(0, 1), (40, 0)])
async def test_bad_arguments_are_refused(files: int, runs: int) -> None:
    with pytest.raises(ValueError):
        await overhead.run(files=files, runs=runs)
