"""Tests for the GitHub-path overhead script: a whole run published to the GitHub fake."""

from pathlib import Path

from benchmarks import github_overhead
from pipeline.config import FactoryConfig


async def test_a_run_is_published_through_the_fake_within_its_spec(tmp_path: Path) -> None:
    result = await github_overhead.time_github_run(tmp_path, FactoryConfig(min_files=25,
                                                                           max_files=30))
    assert result["status"] == "succeeded"
    assert result["files"] >= 25
    assert result["api_calls"] > result["files"] // 10  # branch, PR, check run, level commits
    assert result["spec_violations"] == 0
    assert result["ms_per_file"] > 0 and result["cpu_ms_per_file"] > 0
