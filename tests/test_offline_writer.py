"""The offline writer: real Dart whose imports are exactly the plan's edges."""

import re

import pytest
import yaml

from pipeline.checks import declared_names, imports_of
from pipeline.engines.offline.writer import write_file
from pipeline.errors import EngineError
from tests.offline_app import BEES, EXPENSES, RECIPES, make_plan, syntax_ok

PACKAGE_IMPORT = re.compile(r"^import 'package:(\w+)/", re.MULTILINE)
MARKERS = re.compile(r"\b(TODO|FIXME|XXX|TBD)\b|placeholder", re.IGNORECASE)


@pytest.mark.parametrize("idea", [RECIPES, BEES, EXPENSES])
def test_every_file_parses_declares_its_exports_and_imports_its_edges(idea: str) -> None:
    plan = make_plan(idea)
    for spec in plan.files:
        content = write_file(plan, spec)
        assert not MARKERS.search(content), spec.path
        if not spec.path.endswith(".dart"):
            continue
        assert syntax_ok(content), spec.path
        files = {**{f.path: "" for f in plan.files}, spec.path: content,
                 "pubspec.yaml": f"name: {plan.app_name}\n"}
        assert set(spec.exports) <= declared_names(files)[spec.path], spec.path
        planned = {d for d in spec.depends_on if d.endswith(".dart")}
        assert imports_of(spec.path, files) == planned, spec.path
        packages = set(PACKAGE_IMPORT.findall(content))
        assert bool(packages) == ("pubspec.yaml" in spec.depends_on), spec.path


def test_pubspec_declares_what_the_files_import() -> None:
    plan = make_plan(RECIPES)
    pubspec = yaml.safe_load(write_file(plan, plan.spec("pubspec.yaml")))
    assert pubspec["name"] == "recipe_box"
    assert set(plan.packages) <= set(pubspec["dependencies"])
    assert "flutter_test" in pubspec["dev_dependencies"]
    yaml.safe_load(write_file(plan, plan.spec("analysis_options.yaml")))


def test_the_model_has_entity_fields_and_a_json_round_trip() -> None:
    plan = make_plan(RECIPES)
    model = write_file(plan, plan.spec("lib/models/recipe.dart"))
    for piece in ("class Recipe {", "factory Recipe.fromJson(", "Map<String, dynamic> toJson()",
                  "Recipe copyWith(", "bool operator ==(Object other)", "int get hashCode",
                  "final List<String> ingredients;", "final int servings;"):
        assert piece in model


def test_main_runs_the_app_and_screens_are_routed() -> None:
    plan = make_plan(BEES)
    main = write_file(plan, plan.spec("lib/main.dart"))
    assert "runApp(BeekeepingApp(store: store))" in main
    router = write_file(plan, plan.spec("lib/routing/app_router.dart"))
    for name in ("Hive", "Inspection", "Harvest"):
        assert f"const {name}ListScreen()" in router
        assert f"{name}DetailScreen(" in router


def test_different_ideas_give_different_code() -> None:
    recipes, bees = make_plan(RECIPES), make_plan(BEES)
    home_a = write_file(recipes, recipes.spec("lib/screens/home_screen.dart"))
    home_b = write_file(bees, bees.spec("lib/screens/home_screen.dart"))
    assert "Recipes" in home_a and "Recipes" not in home_b
    assert "Hives" in home_b


def test_a_retry_note_is_recorded_honestly() -> None:
    plan = make_plan(RECIPES)
    spec = plan.spec("lib/widgets/recipe_tile.dart")
    content = write_file(plan, spec, note="show the TODO count\nin bold")
    first = content.splitlines()[0]
    assert first.startswith("// Retry note (recorded;")
    assert "could not apply it" in first and "show the note count in bold" in first
    assert syntax_ok(content)
    assert content.endswith(write_file(plan, spec))


def test_an_unknown_path_is_an_engine_error() -> None:
    plan = make_plan(RECIPES)
    spec = plan.spec("lib/main.dart").model_copy(update={"path": "lib/other.dart"})
    with pytest.raises(EngineError, match=r"no template for lib/other\.dart"):
        write_file(plan, spec)


def test_writing_is_deterministic() -> None:
    plan = make_plan(EXPENSES)
    for spec in plan.files:
        assert write_file(plan, spec) == write_file(plan, spec)
