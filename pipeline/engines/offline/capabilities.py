"""What the offline engine's templates build of the named features, and where the app does it.

The templates make list, detail, edit, delete and search screens over local storage, one set
per entity, with a date picker, switch or text input per field. A feature is built when its
verb is one of those actions: on an entity of the app, or on something the app can keep as a
field of one ("log distance" adds a distance to the walk it follows; "rate chapters" gives
chapters a rating). Everything else (export, email, reminders, photos, charts, deriving one
thing from another…) is said plainly to be beyond the offline engine.

`resolve` decides all the features of a plan at once, in order, so the planner, the writer
(which adds the fields) and the Judge (which finds their lines) always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pipeline.engines.offline.dart_words import DART_KEYWORDS
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
        "water lend borrow return define pick own monitor measure weigh inspect maintain "
        "service repair fix clean grow sow prune harvest feed walk bake brew learn study "
        "practice practise memorize memorise listen draw sketch bookmark".split(), Action.SAVE),
    **dict.fromkeys("edit update change rename".split(), Action.EDIT),
    **dict.fromkeys("delete remove".split(), Action.DELETE),
    **dict.fromkeys("search find filter".split(), Action.SEARCH),
    **dict.fromkeys("view browse see list show review display".split(), Action.LIST),
    **dict.fromkeys("mark check complete finish favorite favourite pin star tick archive "
                    "attend".split(), Action.MARK),
    **dict.fromkeys("rate".split(), Action.RATE),
    **dict.fromkeys("tag label categorize categorise group".split(), Action.TAG),
    **dict.fromkeys("plan schedule arrange".split(), Action.DATE),
    **dict.fromkeys("count".split(), Action.COUNT),
    **dict.fromkeys("switch".split(), Action.THEME),
}
"""Feature verbs the templates perform, by the action that performs them."""
CANNOT = "the offline engine cannot build this: it makes list, detail, edit and search screens " \
         "over local storage, {why}"
WHY_NOT = {
    "verb": "and nothing that can {verb}",
    "thing": "and nothing to keep {thing} in",
    "derived": "and nothing that derives {thing} from {detail}",
}
SETS_A_FIELD = (Action.MARK, Action.RATE, Action.TAG, Action.DATE)
MARK_FIELDS = {"favorite": "favorite", "favourite": "favorite", "star": "favorite",
               "pin": "pinned", "archive": "archived", "attend": "attended"}
"""The switch a marking verb sets; other marking verbs set `done`."""
RATING_FIELDS = frozenset({"rating", "score", "quality", "stars", "mood", "grade"})
TAG_FIELDS = frozenset({"tags", "category", "categories", "labels", "label"})
FLAGS = frozenset({"favorite", "pinned", "archived", "attended"})
SEARCHABLE = ("text", "longtext", "list")
QUALIFIED = ("by", "per")
"""Prepositions that ask for a field ("log expenses by category")."""
DECIMALS = frozenset("distance weight height length width amount price cost total pace speed "
                     "temperature mileage hours duration calories budget balance volume".split())
COUNTS = frozenset("count quantity reps sets steps pages score rating grade level attempts "
                   "servings yield minutes".split())
DATES = frozenset("date day bedtime deadline birthday expiry due anniversary".split())
MODEL_MEMBERS = frozenset(
    "id createdAt hashCode runtimeType toString noSuchMethod toJson copyWith fromJson other "
    "json".split())
"""Names a model declares or its `==` uses: no field may take one."""
MAX_ADDED_FIELDS = 6
"""Object.hash takes 20 values: the id, createdAt and at most 18 fields."""


@dataclass(frozen=True)
class Capability:
    """How the offline app builds one feature: an action on an entity (and field), or why
    it cannot."""

    feature: str
    action: Action | None = None
    entity: EntityName | None = None
    field: Field | None = None
    added: bool = False
    """Whether `field` is one the feature itself gives the entity."""
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


def resolve(features: list[str], entities: list[EntityName]) -> list[Capability]:
    """Each feature's capability, in order; what the app does not keep becomes a field of the
    entity the feature is about (the one named after "to"/"by", the previous feature's, or
    the first)."""
    return list(_resolved(tuple(features), tuple(entities)))


@lru_cache(maxsize=256)
def _resolved(features: tuple[str, ...],
              entities: tuple[EntityName, ...]) -> tuple[Capability, ...]:
    """`resolve`, once per plan: every file of an app asks for the same answer."""
    capabilities: list[Capability] = []
    added: dict[EntityName, list[Field]] = {}
    previous: EntityName | None = entities[0] if entities else None
    for text in features:
        capability = _capability(text, list(entities), added, previous)
        if capability.added and capability.entity and capability.field:
            added.setdefault(capability.entity, []).append(capability.field)
        previous = capability.entity or previous
        capabilities.append(capability)
    return tuple(capabilities)


def fields_for(entity: EntityName, capabilities: list[Capability]) -> list[Field]:
    """The entity's fields: the lexicon's (or the generic ones), then those features added."""
    fields = entity_fields(entity.lower_label)
    for c in capabilities:
        if c.added and c.entity == entity and c.field and c.field.name not in {
                f.name for f in fields}:
            fields.append(c.field)
    return fields


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


def _capability(text: str, entities: list[EntityName], added: dict[EntityName, list[Field]],
                previous: EntityName | None) -> Capability:
    parsed = Feature.parse(text)
    action = ACTIONS.get(parsed.verb)
    if action is None:
        return _cannot(text, "verb", verb=parsed.verb)
    if action is Action.THEME:
        return Capability(text, action)

    def fields(entity: EntityName) -> list[Field]:
        return entity_fields(entity.lower_label) + added.get(entity, [])

    named = _entity_named(parsed.thing, entities)
    detail = _entity_named(parsed.detail, entities)
    if parsed.prep == "from" and detail is not None and detail != named:
        return _cannot(text, "derived", thing=parsed.thing, detail=parsed.detail)
    entity, field = named, None
    if entity is None and parsed.thing:
        holder = next((e for e in [detail, previous, *entities]
                       if e is not None and _field_named(fields(e), parsed.thing)), None)
        if holder is not None:
            entity, field = holder, _field_named(fields(holder), parsed.thing)
            field = None if field is not None and field.kind == "list" else field
        else:
            entity = detail or previous
            field = (_demanded(action, parsed.verb) if action in SETS_A_FIELD
                     else _new_field(parsed.thing, action))
            if entity is None or field is None:
                return _cannot(text, "thing", thing=parsed.thing)
            return _give(text, action, entity, field, added)
    entity = entity or previous
    if entity is None:
        return _cannot(text, "thing", thing=parsed.thing or "anything")
    if parsed.prep in QUALIFIED and parsed.detail and detail is None:
        field = _field_named(fields(entity), parsed.detail)
        if field is None or (action is Action.SEARCH and field.kind not in SEARCHABLE):
            return _give(text, action, entity, _new_field(parsed.detail, Action.SAVE), added)
        return Capability(text, action, entity, field)
    if action in SETS_A_FIELD and field is None:
        # "mark recipes as favorite" sets the favorite switch, "mark tasks done" the done one.
        verb = parsed.detail if parsed.prep == "as" and parsed.detail else parsed.verb
        field = _field_for(action, verb, fields(entity))
        if field is None:
            return _give(text, action, entity, _demanded(action, verb), added)
    return Capability(text, action, entity, field)


def _give(text: str, action: Action, entity: EntityName, field: Field | None,
          added: dict[EntityName, list[Field]]) -> Capability:
    """The feature, built by giving `entity` the field it needs."""
    if field is None or len(added.get(entity, [])) >= MAX_ADDED_FIELDS:
        return _cannot(text, "thing", thing=entity.lower_labels)
    return Capability(text, action, entity, field, added=True)


def _cannot(feature: str, why: str, **values: str) -> Capability:
    return Capability(feature, reason=CANNOT.format(why=WHY_NOT[why].format(**values)))


def _entity_named(noun: str, entities: list[EntityName]) -> EntityName | None:
    if not noun:
        return None
    wanted = EntityName.parse(noun).words
    return next((e for e in entities if e.words[:len(wanted)] == wanted
                 and all(w in RENAME_WORDS for w in e.words[len(wanted):])), None)


def _field_named(fields: list[Field], noun: str) -> Field | None:
    last = singular(noun.split()[-1])
    for field in fields:
        if singular(EntityName.parse(field.name).words[-1]) == last or field.name == noun:
            return field
    return None


def _field_for(action: Action, verb: str, fields: list[Field]) -> Field | None:
    """The entity's existing field that the action sets, if it has one."""
    for field in fields:
        if action is Action.DATE and field.kind == "date":
            return field
        if action is Action.RATE and field.kind == "int" and field.name in RATING_FIELDS:
            return field
        if action is Action.TAG and field.kind in ("list", "text") and field.name in TAG_FIELDS:
            return field
        wanted = MARK_FIELDS.get(verb)
        if action is Action.MARK and field.kind == "bool" and (
                field.name == wanted if wanted else field.name not in FLAGS):
            return field
    return None


def _demanded(action: Action, verb: str) -> Field:
    """The field an action gives an entity that lacks one."""
    if action is Action.DATE:
        return Field("date", "date")
    if action is Action.RATE:
        return Field("rating", "int")
    if action is Action.TAG:
        return Field("tags", "list")
    return Field(MARK_FIELDS.get(verb, "done"), "bool")


def _new_field(noun: str, action: Action) -> Field | None:
    """A field keeping `noun` ("weekly distance" → distance, a decimal), or None when it
    cannot be one."""
    words = EntityName.parse(noun).words if noun.strip() else ()
    if not words or not all(w.isalpha() for w in words):
        return None
    name = words[-1] if len(words) > 2 else words[0] + "".join(w.capitalize() for w in words[1:])
    if name in DART_KEYWORDS or name in MODEL_MEMBERS:
        name += "Value"
    last = words[-1]
    if action is Action.MARK:
        return Field(name, "bool")
    if last in DATES:
        return Field(name, "date")
    if last in DECIMALS:
        return Field(name, "double")
    if last in COUNTS:
        return Field(name, "int")
    return Field(name, "text")
