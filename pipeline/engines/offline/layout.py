"""The offline app's file catalogue: every kind of file, its path, exports and real imports.

This is the one place that knows which file imports which; the planner turns it into
`depends_on` edges and the writer turns `depends_on` back into import lines, so the plan's
DAG and the generated imports cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.engines.offline.names import EntityName

PUBSPEC = "pubspec.yaml"
FLUTTER = "package:flutter/material.dart"
FOUNDATION = "package:flutter/foundation.dart"
PROVIDER = "package:provider/provider.dart"
GO_ROUTER = "package:go_router/go_router.dart"
PREFS = "package:shared_preferences/shared_preferences.dart"
FLUTTER_TEST = "package:flutter_test/flutter_test.dart"
CONVERT = "dart:convert"
PACKAGES = ("go_router", "provider", "shared_preferences")


@dataclass(frozen=True)
class Kind:
    """One kind of file. Deps name other kinds: `model` is the same entity's, `each:notifier`
    every entity's, `?about_screen` only when that optional file is planned."""

    key: str
    path: str
    template: str
    purpose: str
    exports: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    per_entity: bool = False
    optional: bool = False

    def uses_packages(self) -> bool:
        return any(i.startswith("package:") for i in self.imports)


def _shared(key: str, path: str, purpose: str, exports: tuple[str, ...],
            deps: tuple[str, ...] = (), imports: tuple[str, ...] = (),
            optional: bool = False) -> Kind:
    template = path.rsplit("/", 1)[-1] if not path.startswith("test/") else f"test_{key}.dart"
    return Kind(key, path, template, purpose, exports, deps, imports, False, optional)


def _entity(key: str, path: str, purpose: str, exports: tuple[str, ...],
            deps: tuple[str, ...] = (), imports: tuple[str, ...] = (),
            optional: bool = False) -> Kind:
    return Kind(key, path, f"{key}.dart", purpose, exports, deps, imports, True, optional)


KINDS: tuple[Kind, ...] = (
    Kind("pubspec", PUBSPEC, "pubspec.yaml", "Package manifest: name, SDK and dependencies"),
    Kind("analysis_options", "analysis_options.yaml", "analysis_options.yaml",
         "Lint rules: flutter_lints plus stricter style", deps=("pubspec",)),
    Kind("readme", "README.md", "README.md",
         "What the app does and every step from a fresh clone to a running app"),
    Kind("gitignore", ".gitignore", "gitignore",
         "Keeps build output, tool caches and generated platform files out of git"),
    _shared("key_value_store", "lib/services/key_value_store.dart",
            "Key-value storage interface with shared_preferences and in-memory backends",
            ("KeyValueStore", "SharedPreferencesStore", "MemoryStore"), ("pubspec",), (PREFS,)),
    _shared("formatters", "lib/utils/formatters.dart", "Date and count formatting for labels",
            ("formatDate", "formatCount")),
    _shared("app_theme", "lib/theme/app_theme.dart", "Light and dark Material 3 themes",
            ("AppTheme",), ("pubspec",), (FLUTTER,)),
    _shared("route_paths", "lib/routing/route_paths.dart", "Route paths of every screen",
            ("RoutePaths",)),
    _shared("empty_state", "lib/widgets/empty_state.dart",
            "Empty-state message with an optional call to action", ("EmptyState",),
            ("pubspec",), (FLUTTER,)),
    _entity("model", "lib/models/{snake}.dart",
            "The {cls} model: fields, JSON round-trip, copyWith and value equality",
            ("{cls}",), ("pubspec",), (FOUNDATION,)),
    _entity("repository", "lib/data/{snake}_repository.dart",
            "Loads and saves {lower_labels} as JSON in the key-value store",
            ("{cls}Repository",), ("pubspec", "model", "key_value_store"), (CONVERT,)),
    _entity("notifier", "lib/state/{snake}_notifier.dart",
            "{cls} list state: load, search, save and remove, as a ChangeNotifier",
            ("{cls}Notifier",), ("pubspec", "model", "repository"), (FOUNDATION,)),
    _entity("tile", "lib/widgets/{snake}_tile.dart", "List tile showing one {lower_label}",
            ("{cls}Tile",), ("pubspec", "model", "formatters"), (FLUTTER,)),
    _entity("list_screen", "lib/screens/{snake}_list_screen.dart",
            "Searchable list of {lower_labels} with empty, loading and error states",
            ("{cls}ListScreen",),
            ("pubspec", "model", "notifier", "tile", "empty_state", "route_paths"),
            (FLUTTER, GO_ROUTER, PROVIDER)),
    _entity("detail_screen", "lib/screens/{snake}_detail_screen.dart",
            "Form to create, edit and delete a {lower_label}", ("{cls}DetailScreen",),
            ("pubspec", "model", "notifier", "formatters"), (FLUTTER, GO_ROUTER, PROVIDER)),
    _entity("entity_test", "test/{snake}_test.dart",
            "Unit tests: {cls} JSON round-trip and {cls}Notifier behaviour", ("main",),
            ("pubspec", "model", "repository", "notifier", "key_value_store"), (FLUTTER_TEST,)),
    _shared("about_screen", "lib/screens/about_screen.dart", "What the app keeps and where",
            ("AboutScreen",), ("pubspec",), (FLUTTER,), optional=True),
    _shared("home_screen", "lib/screens/home_screen.dart",
            "Home: a card per section with its item count", ("HomeScreen",),
            ("pubspec", "route_paths", "formatters", "each:notifier"),
            (FLUTTER, GO_ROUTER, PROVIDER)),
    _shared("app_router", "lib/routing/app_router.dart", "go_router configuration",
            ("buildRouter",),
            ("pubspec", "route_paths", "home_screen", "each:list_screen", "each:detail_screen",
             "?about_screen"), (GO_ROUTER,)),
    _shared("app", "lib/app.dart", "Root widget: providers, theme and router",
            ("{app_class}",),
            ("pubspec", "app_theme", "app_router", "key_value_store", "each:repository",
             "each:notifier"), (FLUTTER, GO_ROUTER, PROVIDER)),
    _shared("main", "lib/main.dart", "Entry point: opens storage and runs the app", ("main",),
            ("pubspec", "app", "key_value_store"), (FLUTTER,)),
    _shared("widget_test", "test/widget_test.dart", "Smoke test: the home screen lists every "
            "section", ("main",), ("pubspec", "app", "key_value_store"), (FLUTTER, FLUTTER_TEST)),
    _entity("list_screen_test", "test/screens/{snake}_list_screen_test.dart",
            "Widget test: {cls}ListScreen shows its empty state, then saved items", ("main",),
            ("pubspec", "list_screen", "notifier", "repository", "key_value_store"),
            (FLUTTER, FLUTTER_TEST, PROVIDER), optional=True),
    _shared("formatters_test", "test/utils/formatters_test.dart", "Unit tests of the formatters",
            ("main",), ("pubspec", "formatters"), (FLUTTER_TEST,), optional=True),
    _shared("key_value_store_test", "test/services/key_value_store_test.dart",
            "Unit tests of the in-memory key-value store", ("main",),
            ("pubspec", "key_value_store"), (FLUTTER_TEST,), optional=True),
    _shared("navigation_test", "test/navigation_test.dart",
            "Widget test: every section opens from home and returns", ("main",),
            ("pubspec", "app", "key_value_store"), (FLUTTER, FLUTTER_TEST), optional=True),
)
KIND_BY_KEY = {k.key: k for k in KINDS}
SHARED_CORE_DART = sum(1 for k in KINDS if not k.per_entity and not k.optional
                       and k.path.endswith(".dart"))
ENTITY_CORE_DART = sum(1 for k in KINDS if k.per_entity and not k.optional)


@dataclass(frozen=True)
class Planned:
    """One concrete file of the catalogue: its kind, entity (if any), path and edges."""

    kind: Kind
    entity: EntityName | None
    path: str
    exports: tuple[str, ...]
    purpose: str
    deps: tuple[str, ...]


def expand(entities: list[EntityName], app_class: str, optional: set[str]) -> list[Planned]:
    """Every file for these entities; `optional` holds the optional paths to include."""
    paths = {
        (k.key, e.snake if e else ""): k.path.format(**_forms(e))
        for k in KINDS for e in (entities if k.per_entity else [None])
    }
    chosen = {p for (key, _), p in paths.items() if not KIND_BY_KEY[key].optional} | optional
    files: list[Planned] = []
    for kind in KINDS:
        for entity in entities if kind.per_entity else [None]:
            path = paths[(kind.key, entity.snake if entity else "")]
            if path not in chosen:
                continue
            forms = {**_forms(entity), "app_class": app_class}
            deps = _deps(kind, entity, entities, paths, chosen)
            files.append(Planned(
                kind, entity, path, tuple(x.format(**forms) for x in kind.exports),
                kind.purpose.format(**forms), deps,
            ))
    return files


def shared_names(app_class: str) -> frozenset[str]:
    """Top-level names the files shared by every entity declare (`HomeScreen`, `RoutePaths`…)."""
    return frozenset(x.format(app_class=app_class) for k in KINDS if not k.per_entity
                     for x in k.exports)


def optional_paths(entities: list[EntityName]) -> set[str]:
    """The paths of every optional file for these entities."""
    return {
        k.path.format(**_forms(e)) for k in KINDS if k.optional
        for e in (entities if k.per_entity else [None])
    }


def _forms(entity: EntityName | None) -> dict[str, str]:
    if entity is None:
        return {}
    return {"snake": entity.snake, "cls": entity.cls, "lower_label": entity.lower_label,
            "lower_labels": entity.lower_labels}


def _deps(kind: Kind, entity: EntityName | None, entities: list[EntityName],
          paths: dict[tuple[str, str], str], chosen: set[str]) -> tuple[str, ...]:
    deps: list[str] = []
    for ref in kind.deps:
        if ref.startswith("each:"):
            deps += [paths[(ref[5:], e.snake)] for e in entities]
        elif ref.startswith("?"):
            path = paths[(ref[1:], "")]
            if path in chosen:
                deps.append(path)
        else:
            per_entity = KIND_BY_KEY[ref].per_entity
            deps.append(paths[(ref, entity.snake if per_entity and entity else "")])
    return tuple(deps)
