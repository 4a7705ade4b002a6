"""The spellings of an entity's name (class, variable, file, route, label), each safe to declare.

An entity's class never takes a name its files can see from an import, a Dart keyword or
another generated class; its variables never take a keyword or a name the templates use in the
same scopes, and its plural variable never equals its singular one (`series`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pipeline.engines.offline.dart_words import DART_KEYWORDS
from pipeline.engines.offline.plurals import plural, singular
from pipeline.engines.offline.sdk_names import VISIBLE_TYPES
from pipeline.engines.offline.template_names import template_identifiers

WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
CLASS_SUFFIXES = ("", "Notifier", "Repository", "Tile", "ListScreen", "DetailScreen")
"""The classes the templates declare for each entity: `Recipe`, `RecipeNotifier`, …"""
RENAME_WORDS = ("entry", "record", "item")
"""Words appended, in turn, to an entity's name until no spelling of it clashes."""
PLURAL_LIST = "List"

__all__ = ["EntityName", "plural", "safe_entities", "safe_entity", "singular", "snake_case"]


@cache
def _unsafe_locals() -> frozenset[str]:
    return DART_KEYWORDS | template_identifiers()


@dataclass(frozen=True)
class EntityName:
    """One entity's name in every form the generated code needs."""

    words: tuple[str, ...]
    """Lower-case singular words, e.g. ("shopping", "list")."""

    @classmethod
    def parse(cls, name: str) -> EntityName:
        """From a class name (`ShoppingList`) or words (`shopping list`)."""
        words = [w.lower() for w in WORD.findall(name.replace("-", " "))]
        if not words:
            raise ValueError(f"no words in entity name {name!r}")
        return cls((*words[:-1], singular(words[-1])))

    @property
    def plural_words(self) -> tuple[str, ...]:
        return _plural_words(self.words)

    @property
    def cls(self) -> str:
        """ShoppingList"""
        return "".join(w.capitalize() for w in self.words)

    @property
    def var(self) -> str:
        """shoppingList (caseEntry for `case`, itemEntry for `item`)"""
        return _variables(self.words)[0]

    @property
    def vars(self) -> str:
        """shoppingLists (seriesList for `series`)"""
        return _variables(self.words)[1]

    @property
    def snake(self) -> str:
        """shopping_list"""
        return "_".join(self.words)

    @property
    def route(self) -> str:
        """shopping-lists"""
        return "-".join(self.plural_words)

    @property
    def label(self) -> str:
        """Shopping list"""
        return " ".join(self.words).capitalize()

    @property
    def labels(self) -> str:
        """Shopping lists"""
        return " ".join(self.plural_words).capitalize()

    @property
    def lower_label(self) -> str:
        """shopping list"""
        return " ".join(self.words)

    @property
    def lower_labels(self) -> str:
        """shopping lists"""
        return " ".join(self.plural_words)

    @property
    def classes(self) -> frozenset[str]:
        """Every top-level class the templates declare for this entity."""
        return frozenset(self.cls + suffix for suffix in CLASS_SUFFIXES)

    @property
    def route_members(self) -> frozenset[str]:
        """The entity's members of `RoutePaths`."""
        return frozenset({self.vars, f"new{self.cls}", f"{self.var}Detail", self.var})

    def renamed(self, word: str) -> EntityName:
        """This name with one more word: `card` → `card entry`."""
        return EntityName((*self.words, word))


def _plural_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return (*words[:-1], plural(words[-1]))


def _camel(words: tuple[str, ...]) -> str:
    return words[0] + "".join(w.capitalize() for w in words[1:])


@cache
def _variables(words: tuple[str, ...]) -> tuple[str, str]:
    """The singular and plural variable names: distinct, and clear of keywords and templates."""
    one, many = _camel(words), _camel(_plural_words(words))
    unsafe = _unsafe_locals()
    if one == many and one not in unsafe and one + PLURAL_LIST not in unsafe:
        return one, one + PLURAL_LIST
    if one in unsafe or many in unsafe or one == many:
        return _variables((*words, RENAME_WORDS[0]))
    return one, many


def snake_case(text: str) -> str:
    """Lower snake_case of the letters and digits of `text`."""
    return "_".join(w.lower() for w in WORD.findall(text))


def _clashes(name: EntityName, taken: frozenset[str]) -> bool:
    if not name.cls[:1].isalpha() or name.cls in DART_KEYWORDS:
        return True
    return bool(name.classes & (VISIBLE_TYPES | taken) or name.route_members & taken)


def safe_entity(name: EntityName, taken: Iterable[str] = ()) -> EntityName | None:
    """`name`, or `name` plus a word when a class or route name of it would clash with a
    visible SDK type, a keyword or a name in `taken`; None when every spelling clashes."""
    names = frozenset(taken)
    for candidate in (name, *(name.renamed(w) for w in RENAME_WORDS)):
        if not _clashes(candidate, names):
            return candidate
    return None


def safe_entities(entities: Iterable[EntityName], taken: Iterable[str]) -> list[EntityName]:
    """Each entity made safe against `taken` and the entities before it; clashing ones dropped."""
    names = set(taken)
    chosen: list[EntityName] = []
    for entity in entities:
        safe = safe_entity(entity, names)
        if safe is not None and safe not in chosen:
            chosen.append(safe)
            names |= safe.classes | safe.route_members
    return chosen
