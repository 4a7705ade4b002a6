"""Reading an idea: entities from the lexicon and from lists, features, app names."""

from pipeline.engines.offline.features import named_features
from pipeline.engines.offline.idea import app_name_of, read_idea
from pipeline.engines.offline.names import EntityName, plural, safe_entity, singular
from tests.offline_app import BEES, RECIPES


def test_recipe_box_entities_and_name() -> None:
    reading = read_idea(RECIPES)
    assert [e.cls for e in reading.entities] == ["Recipe", "ShoppingList", "MealPlan"]
    assert app_name_of(reading) == "recipe_box"
    assert "save recipe" in named_features(reading)


def test_unknown_nouns_come_from_lists_after_a_trigger() -> None:
    reading = read_idea(BEES)
    assert [e.cls for e in reading.entities] == ["Hive", "Inspection", "Harvest"]
    assert app_name_of(reading) == "beekeeping"


def test_attributes_of_an_entity_are_not_entities() -> None:
    names = [e.cls for e in read_idea("Recipes with ingredients").entities]
    assert names == ["Recipe"]


def test_a_vague_idea_has_no_entities() -> None:
    reading = read_idea("make something cool")
    assert reading.entities == ()
    assert app_name_of(reading) == "my_app"


def test_name_forms() -> None:
    name = EntityName.parse("shopping lists")
    assert (name.cls, name.var, name.vars, name.snake, name.route, name.labels) == (
        "ShoppingList", "shoppingList", "shoppingLists", "shopping_list", "shopping-lists",
        "Shopping lists")
    assert singular("categories") == "category" and plural("category") == "categories"
    assert singular("boxes") == "box" and plural("person") == "people"


def test_names_that_clash_with_flutter_get_a_suffix() -> None:
    card = safe_entity(EntityName.parse("card"))
    recipe = safe_entity(EntityName.parse("recipe"))
    assert card is not None and card.cls == "CardEntry"
    assert recipe is not None and recipe.cls == "Recipe"


def test_entities_keep_the_order_the_idea_names_them() -> None:
    reading = read_idea("Track hives, inspections and harvests, plus notes and expenses")
    assert [e.cls for e in reading.entities] == [
        "Hive", "Inspection", "Harvest", "Note", "Expense"]


def test_a_list_after_a_colon_names_entities() -> None:
    reading = read_idea("A volunteer tool for shelters: shifts, volunteers and adoptions")
    assert [e.cls for e in reading.entities] == ["Shift", "Volunteer", "Adoption"]


def test_accents_are_folded_into_a_dart_package_name() -> None:
    reading = read_idea("Café finder: save cafés and rate coffees")
    assert app_name_of(reading) == "cafe_finder"
    assert [e.cls for e in reading.entities][:2] == ["Cafe", "Coffee"]


def test_a_known_noun_stays_an_entity_even_when_another_has_such_a_field() -> None:
    reading = read_idea("Manage orders and customers for a small shop")
    assert [e.cls for e in reading.entities] == ["Order", "Customer"]
