"""The offline Planner: file counts, DAG depth, known edges, different apps, revisions."""

import pytest

from pipeline.agents.plan_rules import plan_problems
from pipeline.asks import PlanAsk
from pipeline.config import FactoryConfig
from pipeline.dag import Dag
from pipeline.engines.offline.planner import plan_app
from tests.offline_app import BEES, EXPENSES, RECIPES, make_plan

IDEAS = [RECIPES, BEES, EXPENSES, "todo", "make something cool",
         "A garden planner to track plants, seeds, beds, harvests, tools and pests"]


@pytest.mark.parametrize("idea", IDEAS)
def test_plans_fit_the_file_range_with_deep_known_edges(idea: str) -> None:
    plan = make_plan(idea)
    assert 25 <= len(plan.dart_files) <= 40
    assert 2 <= len(plan.entities) <= 5
    dag = Dag({f.path: f.depends_on for f in plan.files})
    assert dag.level_count >= 4
    assert plan_problems(plan, 25, 40) == []


def test_recipe_box_plan() -> None:
    plan = make_plan(RECIPES)
    assert plan.app_name == "recipe_box"
    assert plan.entities == ["Recipe", "ShoppingList", "MealPlan"]
    assert set(plan.packages) == {"provider", "go_router", "shared_preferences"}
    paths = {f.path for f in plan.files}
    for snake in ("recipe", "shopping_list", "meal_plan"):
        assert {f"lib/models/{snake}.dart", f"lib/data/{snake}_repository.dart",
                f"lib/state/{snake}_notifier.dart", f"lib/widgets/{snake}_tile.dart",
                f"lib/screens/{snake}_list_screen.dart", f"lib/screens/{snake}_detail_screen.dart",
                f"test/{snake}_test.dart"} <= paths
    assert {"pubspec.yaml", "analysis_options.yaml", "lib/main.dart", "lib/app.dart",
            "lib/routing/app_router.dart", "lib/theme/app_theme.dart",
            "lib/screens/home_screen.dart", "test/widget_test.dart"} <= paths
    model = plan.spec("lib/models/recipe.dart")
    assert model.exports == ["Recipe"] and model.depends_on == ["pubspec.yaml"]


def test_every_package_user_depends_on_pubspec() -> None:
    plan = make_plan(RECIPES)
    assert "pubspec.yaml" in plan.spec("lib/screens/home_screen.dart").depends_on
    assert "pubspec.yaml" not in plan.spec("lib/utils/formatters.dart").depends_on


def test_two_ideas_give_different_apps() -> None:
    recipes, bees = make_plan(RECIPES), make_plan(BEES)
    assert set(recipes.entities).isdisjoint(bees.entities)
    assert recipes.app_name != bees.app_name
    assert {f.path for f in recipes.files} != {f.path for f in bees.files}


def test_many_entities_are_capped_to_fit_the_budget() -> None:
    plan = make_plan(IDEAS[-1])
    assert len(plan.entities) == 4
    assert len(plan.dart_files) <= 40


def test_a_bigger_budget_allows_five_entities() -> None:
    plan = make_plan(IDEAS[-1], FactoryConfig(min_files=25, max_files=60))
    assert len(plan.entities) == 5


def test_one_entity_ideas_get_a_companion() -> None:
    assert make_plan("todo").entities == ["Task", "Tag"]


def test_revision_adds_a_test_the_feedback_asks_for() -> None:
    small = FactoryConfig(min_files=25, max_files=39)
    first = make_plan(IDEAS[-1], small)
    missing = "test/screens/harvest_list_screen_test.dart"
    assert missing not in {f.path for f in first.files}
    ask = PlanAsk(idea=IDEAS[-1], min_files=25, max_files=39, previous=first,
                  feedback=[f"tester: add a widget test {missing}"])
    revised = plan_app(ask)
    assert missing in {f.path for f in revised.files}
    assert len(revised.dart_files) <= 39
    assert "added test/screens/harvest_list_screen_test.dart" in revised.summary


def test_revision_says_when_feedback_names_nothing_it_can_add() -> None:
    first = make_plan(RECIPES)
    revised = plan_app(PlanAsk(idea=RECIPES, min_files=25, max_files=40, previous=first,
                               feedback=["make it prettier"]))
    assert "layout is unchanged" in revised.summary
    assert [f.path for f in revised.files] == [f.path for f in first.files]


def test_planning_is_deterministic() -> None:
    assert make_plan(BEES) == make_plan(BEES)
