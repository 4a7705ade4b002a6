"""The offline plan reviewers and file reviewer: real checks, concrete feedback."""

from pipeline.answers import FileSpec, Plan
from pipeline.asks import FileReviewAsk, PlanReviewAsk
from pipeline.config import FactoryConfig, ReviewerConfig
from pipeline.engines.offline.file_review import review_file
from pipeline.engines.offline.reviewers import checks_for, review_plan
from pipeline.engines.offline.writer import write_file
from tests.offline_app import RECIPES, make_plan

PANEL = {r.name: r for r in FactoryConfig().panel}


def _review(plan: Plan, name: str, problems: list[str] | None = None) -> tuple[bool, list[str]]:
    ask = PlanReviewAsk(idea=RECIPES, plan=plan, reviewer=PANEL[name], problems=problems or [])
    review = review_plan(ask)
    return review.approve, review.feedback


def _without(plan: Plan, path: str) -> Plan:
    files = [f.model_copy(update={"depends_on": [d for d in f.depends_on if d != path]})
             for f in plan.files if f.path != path]
    return plan.model_copy(update={"files": files})


def test_the_whole_panel_approves_the_offline_plan() -> None:
    plan = make_plan(RECIPES)
    for name in PANEL:
        assert _review(plan, name) == (True, [])


def test_structural_problems_reject_with_them_as_feedback() -> None:
    assert _review(make_plan(RECIPES), "product", ["dependency cycle: a -> b -> a"]) == (
        False, ["dependency cycle: a -> b -> a"])


def test_tester_rejects_a_plan_missing_a_model_test() -> None:
    plan = _without(make_plan(RECIPES), "test/recipe_test.dart")
    approve, feedback = _review(plan, "tester")
    assert not approve
    assert feedback == ["add a test for lib/models/recipe.dart"]


def test_skeptic_rejects_an_unrouted_screen() -> None:
    plan = make_plan(RECIPES)
    router = plan.spec("lib/routing/app_router.dart")
    unrouted = [d for d in router.depends_on if d != "lib/screens/recipe_detail_screen.dart"]
    files = [f.model_copy(update={"depends_on": unrouted}) if f.path == router.path else f
             for f in plan.files]
    approve, feedback = _review(plan.model_copy(update={"files": files}), "skeptic")
    assert not approve
    assert "route lib/screens/recipe_detail_screen.dart: no router file depends on it" in feedback


def test_skeptic_rejects_a_file_nothing_imports() -> None:
    plan = make_plan(RECIPES)
    extra = FileSpec(path="lib/widgets/orphan.dart", purpose="unused", exports=["Orphan"])
    approve, feedback = _review(plan.model_copy(update={"files": [*plan.files, extra]}),
                                "skeptic")
    assert not approve and feedback[0].startswith("lib/widgets/orphan.dart is imported by nothing")


def test_architect_rejects_a_model_that_imports_a_screen_or_an_unplanned_file() -> None:
    plan = make_plan(RECIPES)
    bad_deps = ["pubspec.yaml", "lib/screens/recipe_list_screen.dart", "lib/ghost.dart"]
    files = [f.model_copy(update={"depends_on": bad_deps}) if f.path == "lib/models/recipe.dart"
             else f for f in plan.files]
    approve, feedback = _review(plan.model_copy(update={"files": files}), "architect")
    assert not approve
    assert feedback == [
        "lib/models/recipe.dart must not depend on lib/screens/recipe_list_screen.dart: "
        "it is a higher layer",
        "lib/models/recipe.dart depends on lib/ghost.dart, which is not planned",
    ]


def test_product_rejects_an_entity_without_a_detail_screen() -> None:
    plan = _without(make_plan(RECIPES), "lib/screens/meal_plan_detail_screen.dart")
    approve, feedback = _review(plan, "product")
    assert not approve
    assert feedback == ["add a detail/edit screen for MealPlan: "
                        "lib/screens/meal_plan_detail_screen.dart"]


def test_unknown_reviewers_choose_checks_by_focus() -> None:
    assert len(checks_for("qa", "unit tests")) == 1
    assert len(checks_for("anyone", "general")) == 6
    reviewer = ReviewerConfig(name="qa", model="m", focus="tests for everything")
    plan = _without(make_plan(RECIPES), "test/recipe_test.dart")
    assert not review_plan(PlanReviewAsk(idea=RECIPES, plan=plan, reviewer=reviewer)).approve


def test_file_review_names_exactly_what_to_fix() -> None:
    plan = make_plan(RECIPES)
    spec = plan.spec("lib/widgets/recipe_tile.dart")
    good = write_file(plan, spec)
    broken = good.replace("class RecipeTile ", "class RecipeTyle ").replace(
        "import 'package:recipe_box/models/recipe.dart';\n", "").rstrip().removesuffix("}")
    review = review_file(FileReviewAsk(idea=RECIPES, plan=plan, spec=spec, content=broken))
    assert not review.approve
    assert review.feedback.splitlines() == [
        f"fix lib/widgets/recipe_tile.dart:{len(broken.splitlines())}: Syntax error: missing '}}'",
        "declare the planned export `RecipeTile` in lib/widgets/recipe_tile.dart",
        "import lib/models/recipe.dart (package:recipe_box/models/recipe.dart)",
    ]


def test_file_review_approves_with_warnings_noted() -> None:
    plan = make_plan(RECIPES)
    spec = plan.spec("lib/widgets/recipe_tile.dart")
    warning = "lib/widgets/recipe_tile.dart:3:1: unused-import: never used"
    review = review_file(FileReviewAsk(idea=RECIPES, plan=plan, spec=spec,
                                       content=write_file(plan, spec), findings=[warning]))
    assert review.approve
    assert review.feedback.splitlines()[1] == f"Warnings to consider: {warning}"


def test_file_review_rejects_yaml_that_does_not_load() -> None:
    plan = make_plan(RECIPES)
    review = review_file(FileReviewAsk(idea=RECIPES, plan=plan, spec=plan.spec("pubspec.yaml"),
                                       content="name: [unclosed\n"))
    assert not review.approve
    assert review.feedback.startswith("fix the YAML of pubspec.yaml: ")
    good = write_file(plan, plan.spec("pubspec.yaml"))
    assert review_file(FileReviewAsk(idea=RECIPES, plan=plan, spec=plan.spec("pubspec.yaml"),
                                     content=good)).approve
