"""Per-repository `.github/factory.yml`: parsing and validation."""

from __future__ import annotations

import pytest

from bot.repo_config import DEFAULT_LABEL, RepoConfigInvalid, parse_repo_config, render_problems
from pipeline.config import FactoryConfig

BASE = FactoryConfig()


def test_empty_file_keeps_the_server_defaults() -> None:
    parsed = parse_repo_config("", BASE)
    assert parsed.label == DEFAULT_LABEL and parsed.config == BASE


def test_knobs_override_the_base_and_label_is_the_bots() -> None:
    parsed = parse_repo_config("label: app-please\njudge_pass_score: 90\n", BASE)
    assert parsed.label == "app-please" and parsed.config.judge_pass_score == 90


@pytest.mark.parametrize(("text", "expected"), [
    ("budget_usd: -1", "budget_usd"),
    ("nonsense_key: 1", "nonsense_key"),
    ("min_files: 50\nmax_files: 30", "min_files must not exceed max_files"),
    ("label: ''", "label"),
    ("- a\n- b", "mapping"),
    ("key: [unclosed", "not valid YAML"),
])
def test_invalid_files_list_their_problems(text: str, expected: str) -> None:
    with pytest.raises(RepoConfigInvalid) as caught:
        parse_repo_config(text, BASE)
    assert any(expected in p for p in caught.value.problems)
    assert expected in render_problems(caught.value.problems)


def test_the_label_of_an_invalid_file_is_still_known() -> None:
    with pytest.raises(RepoConfigInvalid) as caught:
        parse_repo_config("label: build-it\nbudget_usd: -1", BASE)
    assert caught.value.label == "build-it"
