"""Entity names the offline engine declares: never a keyword, a visible SDK type, a template
name, or a second spelling of another name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.engines.offline.dart_words import DART_KEYWORDS
from pipeline.engines.offline.layout import shared_names
from pipeline.engines.offline.lexicon import NOUNS
from pipeline.engines.offline.names import EntityName, safe_entities, safe_entity
from pipeline.engines.offline.planner import package_name
from pipeline.engines.offline.sdk_names import VISIBLE_TYPES
from pipeline.engines.offline.template_names import template_identifiers

INDEX = Path(__file__).resolve().parents[2] / "shared" / "flutter-api" / "index.json"
IMPORTED = ("package:flutter/material.dart", "package:flutter/foundation.dart",
            "package:flutter_test/flutter_test.dart", "dart:core", "dart:convert")


@pytest.mark.parametrize(("noun", "var", "vars"), [
    ("case", "caseEntry", "caseEntries"),
    ("item", "itemEntry", "itemEntries"),
    ("series", "series", "seriesList"),
    ("species", "species", "speciesList"),
    ("news", "news", "newsList"),
    ("fish", "fish", "fishList"),
    ("sheep", "sheep", "sheepList"),
    ("home", "homeEntry", "homeEntries"),
    ("context", "contextEntry", "contextEntries"),
    ("recipe", "recipe", "recipes"),
])
def test_variables_are_never_keywords_template_names_or_equal(noun: str, var: str,
                                                              vars: str) -> None:
    name = EntityName.parse(noun)
    assert (name.var, name.vars) == (var, vars)


def test_every_keyword_as_an_entity_gets_declarable_names() -> None:
    for word in sorted(DART_KEYWORDS):
        name = safe_entity(EntityName.parse(word))
        assert name is not None, word
        assert name.var not in DART_KEYWORDS and name.vars not in DART_KEYWORDS
        assert name.var != name.vars and name.cls not in DART_KEYWORDS


@pytest.mark.parametrize(("noun", "cls"), [
    ("card", "CardEntry"), ("color", "ColorEntry"), ("grid", "GridEntry"),
    ("map", "MapRecord"), ("overlay", "OverlayRecord"), ("value", "ValueEntry"),
    ("function", "FunctionEntry"), ("timer", "Timer"), ("invoice", "Invoice"),
])
def test_classes_never_clash_with_what_their_files_import(noun: str, cls: str) -> None:
    safe = safe_entity(EntityName.parse(noun))
    assert safe is not None and safe.cls == cls
    assert not safe.classes & VISIBLE_TYPES


def test_entities_never_clash_with_the_shared_files_or_each_other() -> None:
    shared = shared_names("EmptyApp")
    chosen = safe_entities([EntityName.parse(n) for n in ("empty state", "home screen",
                                                          "memory store", "card", "card entry")],
                           shared)
    assert [e.cls for e in chosen] == ["EmptyStateEntry", "HomeScreenEntry", "MemoryStoreEntry",
                                       "CardEntry", "CardEntryEntry"]
    names = [n for e in chosen for n in (*e.classes, *e.route_members)]
    assert len(names) == len(set(names)) and not set(names) & shared


def test_template_names_come_from_the_templates() -> None:
    names = template_identifiers()
    assert {"items", "context", "notifier", "saved", "expect", "home", "about"} <= names
    assert "recipe" not in names  # words in comments and strings are not names


def test_the_package_is_never_a_keyword_or_a_dependency() -> None:
    assert package_name("switch") == "switch_app"
    assert package_name("provider") == "provider_app"
    assert package_name("meta") == "meta_app"
    assert package_name("case_tracker") == "case_tracker"


def test_no_lexicon_noun_is_renamed() -> None:
    for noun in NOUNS:
        assert safe_entity(EntityName.parse(noun)) == EntityName.parse(noun), noun


@pytest.mark.skipif(not INDEX.is_file(), reason=f"{INDEX} is absent (the shared API index)")
def test_the_visible_types_cover_the_shared_flutter_api_index() -> None:
    libraries = json.loads(INDEX.read_text())["libraries"]
    names = {n for lib in IMPORTED for n in libraries[lib]}
    one_word = {n for n in names if re.fullmatch(r"[A-Z][a-z]+", n)}
    derived = {n for n in names
               if re.fullmatch(r"[A-Z]\w*(?:Tile|Notifier|Repository|Screen|Entry|Record)", n)}
    assert one_word - VISIBLE_TYPES == set()
    assert derived - VISIBLE_TYPES == set()
    lexicon = {EntityName.parse(n) for n in NOUNS}
    assert {c for e in lexicon for c in e.classes} & names == set()
