"""Tests for the plan's markdown and Mermaid rendering and the critic's report."""

from pipeline.agents.critic import render_critic
from pipeline.answers import CRITERIA, ComplianceRisk, CriterionScore, CriticReport, FileSpec, Plan
from pipeline.markdown import mermaid_dag, render_plan

PLAN = Plan(
    app_name="demo", title="Demo", summary="A demo.", entities=["Recipe"], packages=["provider"],
    files=[
        FileSpec(path="pubspec.yaml", purpose="manifest"),
        FileSpec(path="lib/models/recipe.dart", purpose="model", exports=["Recipe"],
                 depends_on=["pubspec.yaml"]),
        FileSpec(path="lib/main.dart", purpose="entry | point",
                 depends_on=["lib/models/recipe.dart"]),
    ],
)
LEVELS = [["pubspec.yaml"], ["lib/models/recipe.dart"], ["lib/main.dart"]]


def test_the_plan_carries_its_dag_picture() -> None:
    text = render_plan(PLAN, LEVELS)
    assert mermaid_dag(PLAN, LEVELS) in text  # its drawing: tests/test_dag_picture.py
    assert "n_lib_models_recipe_dart --> n_lib_main_dart" in text


def test_plan_table_lists_files_by_level() -> None:
    text = render_plan(PLAN, LEVELS)
    assert "3 files (2 Dart) in 3 DAG levels; entities: Recipe; packages: provider." in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert "| entry \\| point |" in text
    assert [r.split("`")[1] for r in rows] == ["pubspec.yaml", "lib/models/recipe.dart",
                                                 "lib/main.dart"]


def test_critic_report_shows_each_criterion_and_the_risk() -> None:
    report = CriticReport(
        criteria=[CriterionScore(name=n, score=7, reason="ok | fine") for n in CRITERIA],
        compliance=ComplianceRisk(level="low", category="none", reason="nothing regulated"),
        summary="Build it.",
    )
    text = render_critic(report, 6)
    assert "**Score: 7.0 / 10** — passes the minimum of 6." in text
    assert "| user value | 7 | ok \\| fine |" in text
    assert "**Compliance risk: low** (none)" in text
