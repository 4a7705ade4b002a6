"""Tests for the config file format and the environment settings."""

from pathlib import Path

import pytest

from pipeline.config import FactoryConfig, Settings, load_config_file
from pipeline.errors import ConfigError


def test_yaml_and_toml_files_set_the_knobs(tmp_path: Path) -> None:
    yml = tmp_path / "factory.yml"
    yml.write_text("critic_min_score: 7\npanel_quorum: 4\nretries_per_file: 2\nbudget_usd: 1.5\n")
    config = load_config_file(yml)
    assert (config.critic_min_score, config.panel_quorum, config.retries_per_file) == (7, 4, 2)
    toml = tmp_path / "factory.toml"
    toml.write_text("concurrency = 3\nmin_files = 10\nmax_files = 12\n[models]\njudge = 'x'\n")
    config = load_config_file(toml)
    assert (config.concurrency, config.min_files, config.models.judge) == (3, 10, "x")


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yml"
    empty.write_text("")
    assert load_config_file(empty) == FactoryConfig()


@pytest.mark.parametrize(("text", "message"), [
    ("critic_min_score: [", "is not valid"),
    ("- a\n- b\n", "must hold a mapping"),
    ("critic_min_score: 11\n", "critic_min_score: Input should be less than or equal to 10"),
    ("unknown_knob: 1\n", "unknown_knob: Extra inputs are not permitted"),
    ("min_files: 30\nmax_files: 20\n", "min_files must not exceed max_files"),
    ("panel_quorum: 5\n", "exceeds the panel's 4 reviewers"),
])
def test_broken_files_give_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config_file(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config_file(tmp_path / "nope.yml")


def test_merged_revalidates() -> None:
    assert FactoryConfig().merged({"budget_usd": 9}).budget_usd == 9
    with pytest.raises(ConfigError, match="concurrency"):
        FactoryConfig().merged({"concurrency": 0})


def test_price_of_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="claude-sonnet-4-5"):
        FactoryConfig().price("gpt-nothing")


def test_settings_default_to_a_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACTORY_DATABASE_URL", raising=False)
    monkeypatch.setenv("FACTORY_DATA_DIR", "/tmp/somewhere")
    assert Settings().database() == "sqlite+aiosqlite:////tmp/somewhere/factory.db"
    monkeypatch.setenv("FACTORY_DATABASE_URL", "postgresql+asyncpg://x/y")
    assert Settings().database() == "postgresql+asyncpg://x/y"
