"""Tests for the structural plan rules and the path validation they share with /retry."""

import pytest

from pipeline.agents.plan_rules import path_problem, plan_problems
from pipeline.answers import FileSpec, Plan


def plan(files: list[FileSpec]) -> Plan:
    return Plan(app_name="demo", title="Demo", summary="s", files=files)


def spec(path: str, *deps: str) -> FileSpec:
    return FileSpec(path=path, purpose="p", depends_on=list(deps))


GOOD = [spec("pubspec.yaml"), spec("lib/models/a.dart", "pubspec.yaml"),
        spec("lib/main.dart", "lib/models/a.dart"), spec("test/a_test.dart", "lib/models/a.dart")]


def test_a_sound_plan_has_no_problems() -> None:
    assert plan_problems(plan(GOOD), 1, 10) == []


@pytest.mark.parametrize("path", [
    "/etc/passwd", "../outside.dart", "lib/../../x.dart", "lib//x.dart", "./lib/x.dart",
    ".github/workflows/ci.yml", "scripts/run.sh", "lib\\x.dart", "", " lib/x.dart",
])
def test_paths_outside_the_project_are_refused(path: str) -> None:
    assert path_problem(path) is not None


@pytest.mark.parametrize("path", [
    "lib/a\nb.dart", "lib/evil\u202etxt.dart", "lib/c:d.dart", "lib/.git/config",
    "lib/.hidden.dart", "lib/" + "a" * 5_000 + ".dart", "lib/x y.dart", "test/-x_test.dart",
    "lib/caf\u00e9.dart", "lib/a\tb.dart",
])
def test_names_outside_a_conservative_set_are_refused(path: str) -> None:
    assert path_problem(path) is not None


def test_a_long_name_is_named_short_in_the_message() -> None:
    why = path_problem("lib/" + "a" * 5_000 + ".dart")
    assert why is not None and len(why) < 120


@pytest.mark.parametrize("path", ["lib/main.dart", "test/a_test.dart", "pubspec.yaml",
                                  ".gitignore", "lib/l10n/app_en.arb", "lib/src/my-widget.g.dart"])
def test_project_paths_are_accepted(path: str) -> None:
    assert path_problem(path) is None


def test_cycle_unknown_dependency_and_duplicates_are_reported() -> None:
    files = [*GOOD, spec("lib/x.dart", "lib/y.dart"), spec("lib/y.dart", "lib/x.dart"),
             spec("lib/z.dart", "lib/ghost.dart"), spec("lib/z.dart")]
    problems = plan_problems(plan(files), 1, 10)
    assert any("dependency cycle" in p and "lib/x.dart" in p for p in problems)
    assert "lib/z.dart depends on lib/ghost.dart, which is not in the plan" in problems
    assert "lib/z.dart is planned 2 times" in problems


def test_file_count_and_required_files() -> None:
    problems = plan_problems(plan([spec("lib/a.dart")]), 2, 10)
    assert "the plan has 1 Dart files; it must have 2-10" in problems
    assert "the plan has no lib/main.dart" in problems
    assert "the plan has no pubspec.yaml" in problems
