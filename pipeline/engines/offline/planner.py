"""The offline Planner: the idea's entities laid out as a Flutter app's file plan."""

from __future__ import annotations

import re

from pipeline.answers import FileSpec, Plan, PlannedFeature
from pipeline.asks import PlanAsk
from pipeline.engines.offline.capabilities import resolve, site_of
from pipeline.engines.offline.dart_words import DART_KEYWORDS
from pipeline.engines.offline.features import named_features
from pipeline.engines.offline.idea import MAX_ENTITIES, Reading, app_name_of, read_idea
from pipeline.engines.offline.layout import (
    ENTITY_CORE_DART,
    PACKAGES,
    SHARED_CORE_DART,
    Planned,
    expand,
    optional_paths,
    shared_names,
)
from pipeline.engines.offline.names import EntityName, safe_entities

COMPANIONS = ("tag", "note", "reminder", "item")
DEPENDENCY_NAMES = frozenset("""
async boolean_selector characters clock collection fake_async ffi file flutter flutter_lints
flutter_test flutter_web_plugins go_router leak_tracker leak_tracker_flutter_testing
leak_tracker_testing lints logging matcher material_color_utilities meta path path_provider
path_provider_linux path_provider_platform_interface path_provider_windows platform
plugin_platform_interface provider shared_preferences shared_preferences_android
shared_preferences_foundation shared_preferences_linux shared_preferences_platform_interface
shared_preferences_web shared_preferences_windows sky_engine source_span stack_trace
stream_channel string_scanner term_glyph test_api vector_math vm_service web xdg_directories
""".split())
"""Packages a generated app depends on, directly or not: its own name must differ from all."""
MIN_ENTITIES = 2
PAD_PRIORITY = ("list_screen_test", "navigation_test", "formatters_test", "key_value_store_test",
                "about_screen")
PATH_IN_TEXT = re.compile(r"\b(?:lib|test)/[\w/]+\.dart\b")
KEYWORD_KINDS = {"widget test": "list_screen_test", "navigation": "navigation_test",
                 "about": "about_screen", "formatter": "formatters_test",
                 "storage test": "key_value_store_test"}
SUMMARY = ("A Flutter app for {labels}: a list, a detail/edit form and persistent storage for "
           "each, wired through provider and go_router. Planned offline from templates.")


def plan_app(ask: PlanAsk) -> Plan:
    """A plan for the idea; with `previous` and `feedback`, a revision that addresses it."""
    reading = read_idea(ask.idea)
    app_name = ask.previous.app_name if ask.previous else package_name(app_name_of(reading))
    app_class = app_class_of(app_name)
    entities = choose_entities(reading, ask.max_files, app_class)
    candidates = [p for p in expand(entities, app_class, optional_paths(entities))
                  if p.kind.optional]
    candidates.sort(key=lambda p: PAD_PRIORITY.index(p.kind.key))
    named, hinted = _requested(ask.feedback, candidates)
    requested = named | hinted
    order = [p for p in candidates if p.path in named]
    order += [p for p in candidates if p.path in hinted - named]
    order += [p for p in candidates if p.path not in requested]
    room = ask.max_files - SHARED_CORE_DART - ENTITY_CORE_DART * len(entities)
    chosen = {p.path for p in order[:max(0, room)]}
    files = expand(entities, app_class, chosen)
    summary = SUMMARY.format(labels=", ".join(e.lower_labels for e in entities))
    if ask.feedback:
        summary += " " + _revision_note(requested, chosen, len(ask.feedback))
    return Plan(
        app_name=app_name,
        title=title_of(app_name),
        summary=summary,
        entities=[e.cls for e in entities],
        packages=list(PACKAGES),
        files=[_spec(p) for p in files],
        features=planned_features(ask.features or list(named_features(reading)), entities),
    )


def planned_features(features: list[str], entities: list[EntityName]) -> list[PlannedFeature]:
    """Each feature mapped to the files that perform it, or to none, saying why."""
    planned = []
    for capability in resolve(features, entities):
        site = site_of(capability)
        if site is None:
            planned.append(PlannedFeature(feature=capability.feature, note=capability.reason))
            continue
        files = {site.path}
        if capability.entity is not None:
            files.add(f"lib/state/{capability.entity.snake}_notifier.dart")
        if capability.added and capability.entity is not None and capability.field is not None:
            files.add(f"lib/models/{capability.entity.snake}.dart")
        note = (f"adds a {capability.field.name} field to {capability.entity.cls}"
                if capability.added and capability.field and capability.entity else "")
        planned.append(PlannedFeature(feature=capability.feature, files=sorted(files), note=note))
    return planned


def choose_entities(reading: Reading, max_files: int, app_class: str) -> list[EntityName]:
    """The idea's entities under names safe to declare, padded with companions to 2 and capped
    to what fits the budget."""
    fit = (max_files - SHARED_CORE_DART) // ENTITY_CORE_DART
    cap = max(1, min(MAX_ENTITIES, fit))
    entities = idea_entities(reading, app_class)[:cap]
    companions = [EntityName.parse(noun) for noun in COMPANIONS]
    for companion in safe_entities([*entities, *companions], shared_names(app_class)):
        if len(entities) >= min(MIN_ENTITIES, cap):
            break
        if companion not in entities:
            entities.append(companion)
    return entities


def idea_entities(reading: Reading, app_class: str) -> list[EntityName]:
    """The entities the idea names, under the names the app declares them by."""
    return safe_entities(reading.entities, shared_names(app_class))


def package_name(name: str) -> str:
    """`name`, or `name_app` when it would be a Dart keyword or a package the app depends on."""
    return f"{name}_app" if name in DART_KEYWORDS or name in DEPENDENCY_NAMES else name


def app_class_of(app_name: str) -> str:
    """The root widget's class: `recipe_box` → `RecipeBoxApp`."""
    camel = "".join(w.capitalize() for w in app_name.split("_"))
    return camel if camel.endswith("App") else f"{camel}App"


def title_of(app_name: str) -> str:
    """The app's display title: `recipe_box` → `Recipe Box`."""
    return " ".join(w.capitalize() for w in app_name.split("_"))


def _requested(feedback: list[str], candidates: list[Planned]) -> tuple[set[str], set[str]]:
    """Optional files the feedback asks for: named (by path or what they test), and hinted
    at by a keyword such as "widget test"."""
    named: set[str] = set()
    hinted: set[str] = set()
    for item in feedback:
        lowered = item.lower()
        for path in PATH_IN_TEXT.findall(item):
            named |= {p.path for p in candidates
                      if p.path == path or (p.path.startswith("test/") and path in p.deps)}
        for keyword, key in KEYWORD_KINDS.items():
            if keyword in lowered:
                hinted |= {p.path for p in candidates if p.kind.key == key}
    return named, hinted


def _revision_note(requested: set[str], chosen: set[str], items: int) -> str:
    added = sorted(requested & chosen)
    missing = sorted(requested - chosen)
    parts = [f"Revised for {items} feedback item(s)"]
    if added:
        parts.append(f"added {', '.join(added)}")
    if missing:
        parts.append(f"no room within the file budget for {', '.join(missing)}")
    if not requested:
        parts.append("no item named a file this planner can add; the layout is unchanged")
    return "; ".join(parts) + "."


def _spec(planned: Planned) -> FileSpec:
    return FileSpec(path=planned.path, purpose=planned.purpose, exports=list(planned.exports),
                    depends_on=list(planned.deps))
