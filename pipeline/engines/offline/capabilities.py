"""What the offline engine's templates build of a named feature, and where the app does it.

The templates make list, detail, edit, delete and search screens over local storage, one set
per entity, with a date picker, switch or text input per field. A feature is built when its
verb is one of those actions and what it acts on is an entity of the app (or a field of one);
everything else (export, email, reminders, charts, deriving one thing from another…) is said
plainly to be beyond the offline engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pipeline.engines.offline.features import Feature
from pipeline.engines.offline.lexicon import Field, entity_fields
from pipeline.engines.offline.names import RENAME_WORDS, EntityName
from pipeline.engines.offline.plurals import singular


class Action(StrEnum):
    """An action the templates implement."""

    SAVE = "save"
    EDIT = "edit"
    DELETE = "delete"
    SEARCH = "search"
    LIST = "list"
    MARK = "mark"
    RATE = "rate"
    TAG = "tag"
    DATE = "date"
    COUNT = "count"
    THEME = "theme"


ACTIONS: dict[str, Action] = {
    **dict.fromkeys(
        "add create save log record track keep store enter collect catalog catalogue register "
        "note manage organize organise build write set assign buy cook eat watch visit read "
        "water lend borrow return".split(), Action.SAVE),
    **dict.fromkeys("edit update change rename".split(), Action.EDIT),
    **dict.fromkeys("delete remove".split(), Action.DELETE),
    **dict.fromkeys("search find filter".split(), Action.SEARCH),
    **dict.fromkeys("view browse see list show review".split(), Action.LIST),
    **dict.fromkeys("mark check complete finish favorite favourite pin star tick archive".split(),
                    Action.MARK),
    **dict.fromkeys("rate".split(), Action.RATE),
    **dict.fromkeys("tag label categorize categorise group".split(), Action.TAG),
    **dict.fromkeys("plan schedule".split(), Action.DATE),
    **dict.fromkeys("count".split(), Action.COUNT),
    **dict.fromkeys("switch".split(), Action.THEME),
}
"""Feature verbs the templates perform, by the action that performs them."""
CANNOT = "the offline engine cannot build this: it makes list, detail, edit and search screens " \
         "over local storage, {why}"
WHY_NOT = {
    "verb": "and nothing that can {verb}",
    "thing": "and the app keeps no {thing}",
    "field": "and {entity} has no field to {verb} it by",
    "derived": "and nothing that derives {thing} from {detail}",
}
RATING_FIELDS = frozenset({"rating", "score", "quality", "stars", "mood"})
TAG_FIELDS = frozenset({"tags", "category", "categories", "labels", "label"})
SEARCHABLE = ("text", "longtext", "list")
QUALIFIED = ("by", "per")
"""Prepositions that ask for a field ("log expenses by category")."""


@dataclass(frozen=True)
class Capability:
    """How the offline app builds one feature: an action on an entity, or why it cannot."""

    feature: str
    action: Action | None = None
    entity: EntityName | None = None
    field: Field | None = None
    reason: str = ""

    @property
    def built(self) -> bool:
        return self.action is not None


@dataclass(frozen=True)
class Site:
    """Where the app performs an action: the file, a pattern for its line, and the symbol."""

    path: str
    pattern: re.Pattern[str]
    symbol: str


def capability_of(feature: str, entities: list[EntityName]) -> Capability:
    """The offline app's way of building `feature` with these entities, or why it cannot."""
    parsed = Feature.parse(feature)
    action = ACTIONS.get(parsed.verb)
    if action is None:
        return _cannot(feature, "verb", verb=parsed.verb)
    if action is Action.THEME:
        return Capability(feature, action)
    target = _target(parsed, entities)
    if target is None:
        return _cannot(feature, "thing", thing=parsed.thing)
    entity, field = target
    if parsed.prep == "from" and _entity_named(parsed.detail, entities) not in (None, entity):
        return _cannot(feature, "derived", thing=entity.lower_labels, detail=parsed.detail)
    if parsed.prep in QUALIFIED and parsed.detail:
        field = _field_named(entity, parsed.detail)
        if field is None or (action is Action.SEARCH and field.kind not in SEARCHABLE):
            return _cannot(feature, "field", entity=entity.cls, verb=parsed.verb)
    if action in (Action.MARK, Action.RATE, Action.TAG, Action.DATE) and field is None:
        field = _field_for(action, entity)
        if field is None:
            return _cannot(feature, "field", entity=entity.cls, verb=parsed.verb)
    return Capability(feature, action, entity, field)


def site_of(capability: Capability) -> Site | None:
    """Where the app performs a built feature; None when it is not built."""
    action, entity, field = capability.action, capability.entity, capability.field
    if action is Action.THEME:
        return Site("lib/app.dart", re.compile(r"\bdarkTheme:"), "darkTheme")
    if action is None or entity is None:
        return None
    detail = f"lib/screens/{entity.snake}_detail_screen.dart"
    if field is not None and action is not Action.SEARCH:
        if field.kind == "date":
            name = f"_pick{field.name[0].upper()}{field.name[1:]}"
            return Site(detail, re.compile(rf"Future<void> {name}\("), name)
        if field.kind == "bool":
            return Site(detail, re.compile(rf"\bvalue: _{field.name},"), f"_{field.name}")
        name = f"_{field.name}Controller"
        return Site(detail, re.compile(rf"\bcontroller: {name},"), name)
    lists = f"lib/screens/{entity.snake}_list_screen.dart"
    return {
        Action.SAVE: Site(detail, re.compile(r"Future<void> _save\("), "_save"),
        Action.EDIT: Site(detail, re.compile(r"_original\.copyWith\("), "copyWith"),
        Action.DELETE: Site(detail, re.compile(r"Future<void> _delete\("), "_delete"),
        Action.SEARCH: Site(lists, re.compile(r"onChanged: notifier\.search,"), "search"),
        Action.LIST: Site(lists, re.compile(r"ListView\.separated\("), "ListView"),
        Action.COUNT: Site("lib/screens/home_screen.dart",
                           re.compile(rf"context\.watch<{entity.cls}Notifier>\(\)\.count"),
                           "count"),
    }.get(action)


def _cannot(feature: str, why: str, **values: str) -> Capability:
    return Capability(feature, reason=CANNOT.format(why=WHY_NOT[why].format(**values)))


def _entity_named(noun: str, entities: list[EntityName]) -> EntityName | None:
    if not noun:
        return None
    wanted = EntityName.parse(noun).words
    return next((e for e in entities if e.words[:len(wanted)] == wanted
                 and all(w in RENAME_WORDS for w in e.words[len(wanted):])), None)


def _field_named(entity: EntityName, noun: str) -> Field | None:
    last = singular(noun.split()[-1])
    for field in entity_fields(entity.lower_label):
        if singular(EntityName.parse(field.name).words[-1]) == last or field.name == noun:
            return field
    return None


def _target(parsed: Feature, entities: list[EntityName]) -> tuple[EntityName,
                                                                    Field | None] | None:
    """The entity a feature acts on, and the field when it names one ("plan meals" → the
    meals of a meal plan)."""
    if not parsed.thing:
        return (entities[0], None) if entities else None
    entity = _entity_named(parsed.thing, entities)
    if entity is not None:
        return entity, None
    for holder in [_entity_named(parsed.detail, entities), *entities]:
        if holder is not None and (field := _field_named(holder, parsed.thing)) is not None:
            return holder, field if field.kind != "list" else None
    return None


def _field_for(action: Action, entity: EntityName) -> Field | None:
    fields = entity_fields(entity.lower_label)
    kinds = {Action.MARK: ("bool",), Action.DATE: ("date",), Action.RATE: ("int",),
             Action.TAG: ("list", "text")}[action]
    names = {Action.RATE: RATING_FIELDS, Action.TAG: TAG_FIELDS}.get(action)
    for field in fields:
        if field.kind in kinds and (names is None or field.name in names):
            return field
    return None
