"""The conventions every generated app follows, said once for every prompt and the pubspec.

The planner, the plan review panel, the executor and the file reviewer all read CONVENTIONS
(templates show it as `$conventions`), so a plan cannot pick packages the files will not get.
The pubspec is not written by a model: `pubspec(plan)` derives it from the plan's packages,
which must be among PACKAGES, so an importing file never fails on a dependency it cannot add.
"""

from __future__ import annotations

from pipeline.answers import Plan

PACKAGES: dict[str, str] = {
    "provider": "^6.1.2",
    "go_router": "^14.2.0",
    "shared_preferences": "^2.2.3",
    "intl": "^0.19.0",
    "uuid": "^4.4.0",
}
"""The pub packages an app may use, with the version constraint its pubspec gets."""
REQUIRED_PACKAGES = ("provider", "go_router")
"""State management and routing: every app gets them, whether the plan lists them or not."""
DEV_PACKAGES: dict[str, str] = {"flutter_lints": "^4.0.0"}
DART_SDK = ">=3.3.0 <4.0.0"
FLUTTER_SDK = ">=3.19.0"

RULES = (
    "Dart 3 with sound null safety; `flutter_lints` clean (analysis_options.yaml includes "
    "`package:flutter_lints/flutter.yaml`); two-space indentation; trailing commas in widget "
    "trees; `const` constructors wherever possible.",
    "Import other project files as `package:<app_name>/<path under lib/>`, never relatively, "
    "and only files the plan lists; Flutter from `package:flutter/material.dart`.",
    "Models are immutable classes under `lib/models/` with `copyWith`, `==`/`hashCode`, and "
    "`toJson`/`fromJson`.",
    "State management: `ChangeNotifier` classes under `lib/state/`, provided with "
    "`package:provider` (`ChangeNotifierProvider`/`MultiProvider` above the app); screens read "
    "state with `context.watch` and change it with `context.read`.",
    "Routing: `package:go_router`, one `GoRouter` with every route named in one place; every "
    "screen (under `lib/screens/`) is reachable from `lib/main.dart`; reusable widgets go under "
    "`lib/widgets/`.",
    "Persistence, when needed, through `package:shared_preferences`; no network, no backend.",
    "Tests use `package:flutter_test` only: one `group` per class, `testWidgets` for screens, "
    "no network or device; one test file per model and state class under `test/`.",
    "Each public class and function has a one-line `///` doc comment.",
    "`pubspec.yaml` is derived from the plan's `packages` by the factory; `README.md` says how "
    "to run the app.",
)


def conventions_text() -> str:
    """The conventions as the markdown list every role's prompt shows."""
    allowed = ", ".join(f"`{name}` {version}" for name, version in PACKAGES.items())
    lines = [f"- {rule}" for rule in RULES]
    lines.append(f"- Pub packages: only these, at these versions: {allowed} (plus the Flutter "
                 f"SDK and, for tests, `flutter_test`); `packages` in the plan lists the ones "
                 "the app uses.")
    return "\n".join(lines)


def package_problems(plan: Plan) -> list[str]:
    """The plan's packages that the conventions do not allow, one line each."""
    allowed = ", ".join(PACKAGES)
    return [f"package {name!r} is not one the conventions allow ({allowed})"
            for name in plan.packages if name not in PACKAGES]


def pubspec(plan: Plan) -> str:
    """The pubspec.yaml of a plan: its allowed packages and the required ones, pinned."""
    names = sorted({*REQUIRED_PACKAGES, *(p for p in plan.packages if p in PACKAGES)})
    summary = " ".join(plan.summary.split()).replace('"', "'") or plan.title
    lines = [
        f"name: {plan.app_name}",
        f'description: "{summary}"',
        'publish_to: "none"',
        "version: 1.0.0+1",
        "",
        "environment:",
        f'  sdk: "{DART_SDK}"',
        f'  flutter: "{FLUTTER_SDK}"',
        "",
        "dependencies:",
        "  flutter:",
        "    sdk: flutter",
        *(f"  {name}: {PACKAGES[name]}" for name in names),
        "",
        "dev_dependencies:",
        "  flutter_test:",
        "    sdk: flutter",
        *(f"  {name}: {version}" for name, version in DEV_PACKAGES.items()),
        "",
        "flutter:",
        "  uses-material-design: true",
    ]
    return "\n".join(lines) + "\n"
