"""The features an idea names, and what the offline templates build of them."""

from __future__ import annotations

import pytest

from pipeline.engines.offline.capabilities import Action, fields_for, resolve, site_of
from pipeline.engines.offline.features import Feature, named_features
from pipeline.engines.offline.idea import read_idea
from pipeline.engines.offline.lexicon import Field
from pipeline.engines.offline.names import EntityName
from pipeline.engines.offline.planner import planned_features
from tests.offline_app import BEES, EXPENSES, RECIPES, write_app


@pytest.mark.parametrize(("idea", "features"), [
    ("An invoice app that exports each invoice as a PDF and emails it to the client",
     ["export invoice as pdf", "email invoice to client"]),
    (RECIPES, ["keep recipe", "save recipe", "plan meal", "generate shopping list"]),
    (BEES, ["track hive", "track inspection", "track harvest"]),
    (EXPENSES, ["track expense", "log expense by category", "set budget", "search budget"]),
    ("A case tracker for a law firm", ["track case"]),
    ("A TV series tracker", ["track series"]),
    ("A library app to track book loans", ["track loan"]),
    ("A habit tracker with daily streaks and reminders", ["track habit", "send reminder"]),
    ("Track books I read and movies we watch", ["track book"]),
    ("A reading club app to pick books and rate chapters", ["pick book", "rate chapter"]),
    ("A board game night app to track games owned, plays and player scores", ["track owned"]),
    ("Chore chart: assign chores to kids", ["assign chore to kid"]),
    ("A dark mode notes app", ["switch to dark mode"]),
])
def test_the_features_an_idea_names(idea: str, features: list[str]) -> None:
    assert list(named_features(read_idea(idea))) == features


def test_a_feature_round_trips_through_its_text() -> None:
    feature = Feature.parse("Export invoices as PDF.")
    assert feature == Feature("export", "invoice", "as", "pdf")
    assert Feature.parse(feature.text) == feature
    assert Feature.parse("use the camera") == Feature("use", "camera")


def entities(*names: str) -> list[EntityName]:
    return [EntityName.parse(n) for n in names]


@pytest.mark.parametrize(("feature", "action", "entity", "field"), [
    ("save recipe", Action.SAVE, "Recipe", None),
    ("plan meal", Action.DATE, "MealPlan", "day"),
    ("search recipes", Action.SEARCH, "Recipe", None),
    ("log expense by category", Action.SAVE, "Expense", "category"),
    ("mark recipe as favorite", Action.MARK, "Recipe", "favorite"),
    ("rate recipe", Action.RATE, "Recipe", "rating"),
    ("switch to dark mode", Action.THEME, None, None),
])
def test_what_the_templates_build(feature: str, action: Action, entity: str | None,
                                  field: str | None) -> None:
    [capability] = resolve([feature], entities("recipe", "meal plan", "expense"))
    assert capability.built and capability.action is action
    assert (capability.entity.cls if capability.entity else None) == entity
    assert (capability.field.name if capability.field else None) == field
    assert site_of(capability) is not None


@pytest.mark.parametrize(("feature", "why"), [
    ("export invoice as pdf", "nothing that can export"),
    ("email invoice to client", "nothing that can email"),
    ("send reminders", "nothing that can send"),
    ("attach photos", "nothing that can attach"),
    ("generate shopping list", "nothing that can generate"),
    ("build shopping list from recipes", "nothing that derives shopping list from recipe"),
])
def test_what_they_cannot_build_says_why(feature: str, why: str) -> None:
    [capability] = resolve([feature], entities("invoice", "recipe", "shopping list"))
    assert not capability.built and site_of(capability) is None
    assert capability.reason.startswith("the offline engine cannot build this")
    assert why in capability.reason


def test_things_the_app_does_not_keep_become_fields_of_the_entity_in_question() -> None:
    walk, visit = entities("walk", "visit")
    capabilities = resolve(["plan walk", "log distance", "track visit", "rate visit"],
                           [walk, visit])
    assert [c.built for c in capabilities] == [True] * 4
    assert fields_for(walk, capabilities)[-2:] == [Field("date", "date"),
                                                   Field("distance", "double")]
    assert fields_for(visit, capabilities)[-1] == Field("rating", "int")


def test_added_fields_never_take_a_keyword_or_a_model_member() -> None:
    [capability] = resolve(["log switch", "log other"], entities("walk"))[:1]
    assert capability.field == Field("switchValue", "text")


def test_the_plan_maps_each_feature_to_its_files_and_says_what_it_adds() -> None:
    planned = planned_features(["plan walk", "log distance", "email walk"], entities("walk"))
    assert planned[0].files == ["lib/models/walk.dart", "lib/screens/walk_detail_screen.dart",
                                "lib/state/walk_notifier.dart"]
    assert planned[1].note == "adds a distance field to Walk"
    assert planned[2].files == [] and "nothing that can email" in planned[2].note


def test_the_writer_adds_the_fields_the_features_need() -> None:
    app = write_app("A dog walking app to plan walks and rate them")
    model = app.files["lib/models/walk.dart"]
    assert "final DateTime? date;" in model and "final int rating;" in model
    assert "Future<void> _pickDate()" in app.files["lib/screens/walk_detail_screen.dart"]
