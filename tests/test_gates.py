"""Tests for the kill gates' decisions."""

import pytest

from pipeline.agents import gates
from pipeline.answers import CRITERIA, ComplianceRisk, CriterionScore, CriticReport, RiskLevel
from pipeline.status import RunStatus


def report(score: int, risk: RiskLevel = RiskLevel.LOW, category: str = "none") -> CriticReport:
    return CriticReport(
        criteria=[CriterionScore(name=n, score=score, reason=f"{n} reason") for n in CRITERIA],
        compliance=ComplianceRisk(level=risk, category=category, reason="because"),
        summary="summary",
    )


def test_min_critic_score_kills_below_minimum_and_names_the_weakest() -> None:
    result = gates.min_critic_score(report(4), 6.0)
    assert not result.passed
    assert result.gate == "min_critic_score"
    assert "4.0 is below the minimum 6" in result.reason
    assert "clarity 4/10" in result.reason
    assert "To pass: name the things the app keeps and what users do with them" in result.reason
    assert gates.min_critic_score(report(6), 6.0).passed


def test_a_killed_idea_is_told_what_would_make_it_pass() -> None:
    weak = report(7).model_copy(update={"criteria": [
        c.model_copy(update={"score": 2}) if c.name == "user_value" else c
        for c in report(7).criteria]})
    result = gates.min_critic_score(weak, 7.0)
    assert not result.passed and "say who it is for and what it helps them do" in result.reason


def test_compliance_risk_kills_high_risk_only() -> None:
    risky = report(9, RiskLevel.HIGH, "gambling").model_copy(update={"compliance": ComplianceRisk(
        level=RiskLevel.HIGH, category="gambling", reason='the idea mentions "casino"')})
    killed = gates.compliance_risk(risky)
    assert not killed.passed and "gambling" in killed.reason
    assert 'to pass, leave out the gambling part (casino)' in killed.reason
    assert gates.compliance_risk(report(9, RiskLevel.MEDIUM, "finance")).passed


RECIPES = "A recipe box with shopping lists and meal plans"


def test_cannibalization_names_the_run_it_duplicates() -> None:
    earlier = [("r-1", "a habit tracker with streaks", RunStatus.SUCCEEDED),
               ("r-2", RECIPES, RunStatus.SUCCEEDED)]
    result = gates.cannibalization(RECIPES, earlier, 0.8)
    assert not result.passed
    assert "r-2" in result.reason and "100% similar, succeeded" in result.reason
    assert result.reason.endswith("refine the idea, or allow a duplicate")


def test_cannibalization_passes_different_ideas() -> None:
    result = gates.cannibalization(
        RECIPES, [("r-1", "A habit tracker with daily streaks and reminders", RunStatus.FAILED)],
        0.8,
    )
    assert result.passed and "similar (run r-1)" in result.reason
    assert gates.cannibalization("anything", [], 0.8).reason == "no earlier ideas"


@pytest.mark.parametrize("status", sorted(gates.UNCOUNTED))
def test_a_killed_errored_or_cancelled_run_of_the_same_idea_does_not_count(
    status: RunStatus,
) -> None:
    result = gates.cannibalization(RECIPES, [("r-1", RECIPES, status)], 0.8)
    assert result.passed and "do not" in result.reason


@pytest.mark.parametrize("status", sorted(gates.RESUMABLE))
def test_a_duplicate_of_an_unfinished_run_suggests_resuming_it(status: RunStatus) -> None:
    result = gates.cannibalization(RECIPES, [("r-1", RECIPES, status)], 0.8)
    assert not result.passed and "resume that run" in result.reason


def test_allow_duplicate_builds_it_again_and_says_so() -> None:
    result = gates.cannibalization(RECIPES, [("r-1", RECIPES, RunStatus.SUCCEEDED)], 0.8,
                                   allow_duplicate=True)
    assert result.passed and "duplicates run r-1" in result.reason
    assert "built again as asked" in result.reason


def test_similarity_ignores_stopwords_case_and_plurals() -> None:
    assert gates.similarity("Recipes and Meal Plans", "a recipe with meal plan") == pytest.approx(1)
    assert gates.similarity("", "recipes") == 0.0


def test_budget_gate_counts_spend_and_projection() -> None:
    killed = gates.budget(projected=4.0, spent=1.5, limit=5.0)
    assert not killed.passed and "$5.50" in killed.reason and "--budget" in killed.reason
    assert gates.budget(projected=1.0, spent=0.5, limit=5.0).passed
