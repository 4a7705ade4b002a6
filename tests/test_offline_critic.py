"""The offline Critic: vague ideas score low, concrete ones high, risky ones are flagged."""

import pytest

from pipeline.answers import CRITERIA, RiskLevel
from pipeline.engines.offline.critic import criticize
from tests.offline_app import BEES, EXPENSES, RECIPES

VAGUE = ["an app", "make something cool", "todo", "A nice app for everyone"]
HIGH_RISK = [
    ("A casino betting app for live sports odds", "gambling", "betting"),
    ("An app that diagnoses skin conditions from photos and prescribes creams", "medical",
     "diagnoses"),
    ("A marketplace to buy weapons and explosives", "weapons", "explosives"),
]


@pytest.mark.parametrize("idea", VAGUE)
def test_vague_ideas_score_below_the_default_minimum(idea: str) -> None:
    report = criticize(idea)
    assert report.score < 6
    assert {c.name for c in report.criteria} == set(CRITERIA)


@pytest.mark.parametrize("idea", [RECIPES, BEES, EXPENSES])
def test_concrete_ideas_score_at_least_seven(idea: str) -> None:
    assert criticize(idea).score >= 7


def test_reasons_name_what_the_idea_names() -> None:
    report = criticize(RECIPES)
    clarity = next(c for c in report.criteria if c.name == "clarity")
    assert "Recipe" in clarity.reason and "MealPlan" in clarity.reason


@pytest.mark.parametrize(("idea", "category", "trigger"), HIGH_RISK)
def test_risky_ideas_are_high_risk_quoting_the_trigger(idea: str, category: str,
                                                       trigger: str) -> None:
    risk = criticize(idea).compliance
    assert risk.level is RiskLevel.HIGH
    assert risk.category == category
    assert f'"{trigger}"' in risk.reason


@pytest.mark.parametrize("idea", [RECIPES, BEES, "A book club app to track books, better"])
def test_ordinary_ideas_are_low_risk(idea: str) -> None:
    risk = criticize(idea).compliance
    assert risk.level is RiskLevel.LOW
    assert risk.category == "none"


def test_medication_reminders_are_medium_not_high() -> None:
    risk = criticize("Reminders to take my medication on time").compliance
    assert risk.level is RiskLevel.MEDIUM
    assert risk.category == "health"


def test_the_critic_is_deterministic() -> None:
    assert criticize(RECIPES) == criticize(RECIPES)


@pytest.mark.parametrize("idea", ["一个食谱应用：保存食谱和购物清单，计划每周的饭菜",
                                  "Приложение для рецептов и списков покупок"])
def test_an_idea_in_another_script_is_told_the_offline_engine_reads_english(idea: str) -> None:
    report = criticize(idea)
    weakest = min(report.criteria, key=lambda c: c.score)
    assert weakest.name == "clarity" and weakest.score == 0
    assert weakest.reason.startswith("The offline engine reads English only")
    assert "--engine anthropic" in weakest.reason


def test_an_english_idea_with_a_foreign_word_is_read_as_usual() -> None:
    report = criticize("A recipe box for dim sum (点心) with shopping lists and meal plans")
    assert "English only" not in " ".join(c.reason for c in report.criteria)
