"""The pubspec.yaml of a small Flutter app, for the checker's tests."""

from __future__ import annotations

FLUTTER_TEST = "dev_dependencies:\n  flutter_test:\n    sdk: flutter\n"


def app_pubspec(*dependencies: str, name: str = "app", tests: bool = True) -> str:
    """An app on Dart 3.5 that depends on Flutter and on each of `dependencies` (as
    "provider: ^6.1.0"), with flutter_test as its dev dependency when it has `tests`."""
    lines = [f"name: {name}", "environment:", "  sdk: ^3.5.0", "dependencies:", "  flutter:",
             "    sdk: flutter", *(f"  {dependency}" for dependency in dependencies)]
    return "\n".join(lines) + "\n" + (FLUTTER_TEST if tests else "")
