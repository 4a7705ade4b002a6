"""The plan's DAG picture: reduced edges, config and utilities boxed, layers, status colours;
and rendered by the real Mermaid library in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.answers import FileSpec, Plan
from pipeline.dag import Dag
from pipeline.dag_picture import MAX_NODES, layer_of, mermaid_dag
from tests.mermaid_render import MermaidError, missing, render
from tests.offline_app import RECIPES, make_plan

EDGE = re.compile(r"^  (n_\w+) --> (n_\w+)$", re.MULTILINE)
UTILS = "lib/utils/formatters.dart"


def spec(path: str, *deps: str) -> FileSpec:
    return FileSpec(path=path, purpose="p", depends_on=list(deps))


# model -> repository -> notifier -> screen, plus the shortcuts model -> notifier and
# model -> screen that the chain already implies; every file uses pubspec.yaml and three use
# the formatters.
SMALL = Plan(app_name="demo", title="Demo", summary="s", files=[
    spec("pubspec.yaml"),
    spec(UTILS, "pubspec.yaml"),
    spec("lib/models/recipe.dart", "pubspec.yaml"),
    spec("lib/data/recipe_repository.dart", "lib/models/recipe.dart", "pubspec.yaml", UTILS),
    spec("lib/state/recipe_notifier.dart", "lib/data/recipe_repository.dart",
         "lib/models/recipe.dart", "pubspec.yaml", UTILS),
    spec("lib/screens/recipe_screen.dart", "lib/state/recipe_notifier.dart",
         "lib/models/recipe.dart", "pubspec.yaml", UTILS),
])


def picture(plan: Plan, status: dict[str, str] | None = None) -> str:
    levels = Dag({f.path: f.depends_on for f in plan.files}).by_level()
    return mermaid_dag(plan, levels, status)


def edges(text: str) -> set[tuple[str, str]]:
    return set(EDGE.findall(text))


def test_only_edges_no_other_path_implies_are_drawn() -> None:
    assert edges(picture(SMALL)) == {
        ("n_lib_models_recipe_dart", "n_lib_data_recipe_repository_dart"),
        ("n_lib_data_recipe_repository_dart", "n_lib_state_recipe_notifier_dart"),
        ("n_lib_state_recipe_notifier_dart", "n_lib_screens_recipe_screen_dart"),
    }


def test_config_files_and_shared_utilities_are_boxed_without_edges() -> None:
    text = picture(SMALL)
    assert 'subgraph config["config · used by every file"]' in text
    assert 'n_lib_utils_formatters_dart["formatters.dart ← 3"]' in text
    assert "n_pubspec_yaml -->" not in text and "n_lib_utils_formatters_dart -->" not in text


def test_files_are_grouped_by_layer_and_filled_by_status() -> None:
    text = picture(SMALL, {"lib/models/recipe.dart": "done", "lib/screens/recipe_screen.dart":
                           "failed"})
    for layer in ("models", "data", "state", "screens"):
        assert f'subgraph {layer}["{layer}"]' in text
    assert "class n_lib_models_recipe_dart done" in text
    assert "class n_lib_screens_recipe_screen_dart failed" in text
    assert [layer_of(p) for p in ("pubspec.yaml", "lib/main.dart", "test/x_test.dart")] == [
        "config", "app", "tests"]


def test_a_forty_file_plan_draws_at_most_sixty_edges() -> None:
    plan = make_plan(RECIPES)
    assert 38 <= len(plan.files) <= MAX_NODES
    declared = sum(len(f.depends_on) for f in plan.files)
    drawn = len(edges(picture(plan)))
    assert declared > 120 and drawn <= 60, (declared, drawn)


def test_the_real_mermaid_library_draws_it(tmp_path: Path) -> None:
    if (why := missing()) is not None:
        pytest.skip(why)
    plan = make_plan(RECIPES)
    status = {f.path: "done" for f in plan.files[:30]} | {plan.files[30].path: "failed"}
    text = picture(plan, status)
    drawn = render(text.removeprefix("```mermaid\n").removesuffix("\n```"), tmp_path)
    assert drawn.edges == len(edges(text)) and drawn.nodes == len(plan.files)
    assert drawn.clusters >= 7  # config, shared and the layers
    assert drawn.screenshot.stat().st_size > 10_000
    print(f"{drawn.nodes} nodes, {drawn.edges} edges, {drawn.width:.0f}x{drawn.height:.0f} px: "
          f"{drawn.screenshot}")


def test_a_broken_diagram_is_a_parse_error(tmp_path: Path) -> None:
    if (why := missing()) is not None:
        pytest.skip(why)
    with pytest.raises(MermaidError, match="Parse error"):
        render("flowchart LR\n  a --> ", tmp_path)
