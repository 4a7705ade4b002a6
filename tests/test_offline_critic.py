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


CONCRETE = [
    "A species checklist for birdwatchers with sightings and locations",
    "A case tracker for a law firm",
    "A TV series tracker",
    "An invoice tracker with line items",
]


@pytest.mark.parametrize("idea", CONCRETE)
def test_a_concrete_idea_with_a_user_and_actions_passes(idea: str) -> None:
    assert criticize(idea).score >= 6


def test_the_birdwatchers_checklist_is_judged_on_what_it_names() -> None:
    report = criticize(CONCRETE[0])
    reasons = {c.name: c.reason for c in report.criteria}
    assert report.score >= 7.5
    assert "is for birdwatchers" in reasons["user_value"]
    assert "Species, Sighting, Location" in reasons["clarity"]


@pytest.mark.parametrize(("idea", "harmless"), [
    ("A library app to track book loans", "of things, not money"),
    ("Chores for kids with points", "as a family tool"),
    ("Diagnose car problems with a checklist", "of things, not people's health"),
    ("A bath bomb recipe box", "a harmless tool"),
    ("A D&D campaign log with characters and weapons", "in a game"),
])
def test_a_risk_flag_needs_more_than_a_word(idea: str, harmless: str) -> None:
    risk = criticize(idea).compliance
    assert risk.level is RiskLevel.LOW and risk.category == "none"
    assert harmless in risk.reason


@pytest.mark.parametrize(("idea", "level", "category"), [
    ("Track loans I give to friends, with interest and repayments", RiskLevel.MEDIUM, "finance"),
    ("A chat app for kids to share photos with friends", RiskLevel.MEDIUM, "minors"),
    ("A bet tracker with odds and money payouts", RiskLevel.HIGH, "gambling"),
])
def test_the_same_words_in_a_risky_context_are_flagged(idea: str, level: RiskLevel,
                                                      category: str) -> None:
    risk = criticize(idea).compliance
    assert (risk.level, risk.category) == (level, category)


def test_the_critic_lists_features_and_says_which_the_offline_engine_cannot_build() -> None:
    report = criticize("An invoice app that exports each invoice as a PDF and emails it to "
                       "the client")
    assert report.features == ["export invoice as pdf", "email invoice to client"]
    assert ('it cannot build "export invoice as pdf", "email invoice to client", so the Judge '
            "will fail the app for them") in report.summary


def test_a_low_criterion_says_what_would_raise_it() -> None:
    reasons = {c.name: c.reason for c in criticize("todo").criteria}
    assert "To raise it, name the things it keeps and what users do with them" in reasons[
        "clarity"]
    assert "To raise it, say who it is for" in reasons["user_value"]
